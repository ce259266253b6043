#!/usr/bin/env python3
"""Start, stop and inspect GovShare's local stack: PostgreSQL, Redis, Solr 9, CKAN and its workers.

Every service runs as a plain process bound to 127.0.0.1 with its data, logs and pid file
under the run directory (``.run/`` by default). Only the standard library is used, so it can
run before the virtual environment exists.

    python3 scripts/stack.py up        # services, ini files, database, demo data, web, workers
    python3 scripts/stack.py services  # only PostgreSQL, Redis and Solr (what tests need)
    python3 scripts/stack.py down      # stop what this run directory started, by pid
    python3 scripts/stack.py reset     # wipe the development data and start afresh
    python3 scripts/stack.py status

    python3 scripts/stack.py node-reset  # a department node (stock CKAN) wiped and started
    python3 scripts/stack.py node-down   # stop the node

Ports and the run directory come from the environment: GOVSHARE_RUN_DIR, GOVSHARE_PG_PORT
(5432), GOVSHARE_REDIS_PORT (6379), GOVSHARE_SOLR_PORT (8983), GOVSHARE_WEB_PORT (5000),
GOVSHARE_NODE_PORT (5051).
Problems are reported as one plain sentence and exit status 1, never as a traceback.
"""
from __future__ import annotations

import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = REPO / ".venv" / "bin"
SOLR_LAUNCHER = REPO / "config" / "solr" / "launcher" / "target"
HOST = "127.0.0.1"
DB_ROLE = "govshare"
DATABASES = {"dev": "govshare", "test": "govshare_test", "node": "govshare_node",
             "bench": "govshare_bench", "bench-stock": "govshare_bench_stock"}
# the DataStore's tables live apart, read through a role that can only SELECT
DATASTORE_DATABASES = {"dev": "govshare_datastore", "test": "govshare_datastore_test"}
DATASTORE_READER = "govshare_datastore_ro"
SOLR_CORES = {"dev": "ckan", "test": "ckan_test", "stock": "ckan_stock", "node": "ckan_node",
              "bench": "ckan_bench", "bench-stock": "ckan_bench_stock"}
# the stock-CKAN cores keep CKAN's own text analysis
STOCK_TEXT_CORES = {"ckan_stock", "ckan_node", "ckan_bench_stock"}
REDIS_DBS = {"dev": 0, "test": 1, "stock": 2, "node": 3, "bench": 4, "bench-stock": 5}
# the stock-search benchmark reads the development database into its own Solr core;
# "node" is a department's own CKAN (stock, core plugins only) that the exchange harvests;
# "bench" an empty platform of its own for benchmarks (wiped by each benchmark run) and
# "bench-stock" stock CKAN beside it, for the side-by-side portal benchmark
INI_FILES = {"dev": "ckan.ini", "test": "test.ini", "stock": "stock.ini", "node": "node.ini",
             "bench": "bench.ini", "bench-stock": "bench-stock.ini"}
# environments running stock CKAN (core plugins only), not the platform
STOCK_CKAN_ENVS = {"node", "bench-stock"}
NODE_ADMIN = "node_admin"
MIN_JAVA = 11


class StackError(Exception):
    """A problem the user can act on; printed as one sentence."""


@dataclass(frozen=True)
class Settings:
    run_dir: Path
    pg_port: int
    redis_port: int
    solr_port: int
    web_port: int
    node_port: int

    @classmethod
    def from_env(cls) -> "Settings":
        def port(name: str, default: int) -> int:
            value = os.environ.get(name, str(default))
            if not value.isdigit() or not 0 < int(value) < 65536:
                raise StackError(f"{name}={value!r} is not a TCP port number")
            return int(value)

        return cls(
            run_dir=Path(os.environ.get("GOVSHARE_RUN_DIR", REPO / ".run")).resolve(),
            pg_port=port("GOVSHARE_PG_PORT", 5432),
            redis_port=port("GOVSHARE_REDIS_PORT", 6379),
            solr_port=port("GOVSHARE_SOLR_PORT", 8983),
            web_port=port("GOVSHARE_WEB_PORT", 5000),
            node_port=port("GOVSHARE_NODE_PORT", 5051),
        )

    def path(self, *parts: str) -> Path:
        return self.run_dir.joinpath(*parts)

    @property
    def pg_data(self) -> Path:
        return self.path("postgres", "data")

    @property
    def pg_socket_dir(self) -> Path:
        return self.path("postgres", "socket")


# --- small utilities -------------------------------------------------------------------------

def say(message: str) -> None:
    print(f"govshare: {message}", flush=True)


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((HOST, port)) == 0


def port_owner(port: int) -> str:
    """Best-effort name of the process listening on ``port`` (needs ss; may be empty)."""
    if not shutil.which("ss"):
        return ""
    result = subprocess.run(["ss", "-ltnpH", f"sport = :{port}"],
                            capture_output=True, text=True, check=False)
    match = re.search(r'users:\(\("([^"]+)",pid=(\d+)', result.stdout)
    return f"{match.group(1)} (pid {match.group(2)})" if match else ""


def ensure_port_free(port: int, service: str, env_var: str) -> None:
    if port_in_use(port):
        owner = port_owner(port)
        by = f" by {owner}" if owner else " by another process"
        raise StackError(
            f"port {port} on {HOST} is already in use{by}, so {service} cannot start there; "
            f"stop that process or choose another port with {env_var}=..."
        )


def read_pid(pid_file: Path) -> int | None:
    try:
        pid = int(pid_file.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return pid
    return pid


def wait_until(check, timeout: float, what: str, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.3)
    hint = f"; see {log}" if log else ""
    raise StackError(f"{what} did not become ready within {int(timeout)} s{hint}")


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def require_command(name: str, install_hint: str) -> str:
    found = shutil.which(name)
    if not found:
        raise StackError(f"{name} was not found on PATH; {install_hint}")
    return found


def spawn(args: list[str], log: Path, pid_file: Path | None = None, **kwargs) -> subprocess.Popen:
    """Start a long-running process in its own session with output appended to ``log``."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True, **kwargs)
    if pid_file:
        pid_file.write_text(str(process.pid))
    return process


def stop_pid(pid_file: Path, name: str, timeout: float = 20) -> None:
    pid = read_pid(pid_file)
    if pid is None:
        pid_file.unlink(missing_ok=True)
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and read_pid(pid_file) == pid:
        time.sleep(0.2)
    if read_pid(pid_file) == pid:
        os.kill(pid, signal.SIGKILL)
    pid_file.unlink(missing_ok=True)
    say(f"stopped {name} (pid {pid})")


def load_secrets(settings: Settings) -> dict[str, str]:
    """Secrets are generated once per run directory and never leave it."""
    path = settings.path("secrets.json")
    stored = json.loads(path.read_text()) if path.exists() else {}
    generators = {
        "db_password": lambda: secrets.token_urlsafe(18),
        "datastore_reader_password": lambda: secrets.token_urlsafe(18),
        "secret_key": lambda: secrets.token_urlsafe(32),
    }
    # a run directory from an older version gains only the secrets it lacks
    values = {key: stored.get(key) or make() for key, make in generators.items()}
    if values == stored:
        return values
    settings.run_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(values, out)
    return values


# --- PostgreSQL --------------------------------------------------------------------------------

def pg_bin(name: str) -> str:
    """PostgreSQL server programs live outside PATH on Debian (/usr/lib/postgresql/N/bin)."""
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
                        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    if candidates:
        return str(candidates[-1])
    return require_command(name, "install PostgreSQL (apt-get install postgresql)")


def as_pg_owner(args: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run its programs as the postgres account then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--"] + args
    return args


def pg_owner_ids() -> tuple[int, int]:
    if os.geteuid() == 0:
        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            raise StackError("running as root needs a 'postgres' account to own the database "
                             "(apt-get install postgresql creates it)") from None
        return account.pw_uid, account.pw_gid
    return os.getuid(), os.getgid()


def psql(settings: Settings, sql: str, database: str = "postgres") -> str:
    result = subprocess.run(
        as_pg_owner([pg_bin("psql"), "-h", str(settings.pg_socket_dir), "-p", str(settings.pg_port),
                     "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql]),
        capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise StackError(f"PostgreSQL refused {sql.split()[0]}: {result.stderr.strip()}")
    return result.stdout.strip()


def pg_is_ready(settings: Settings) -> bool:
    result = subprocess.run([pg_bin("pg_isready"), "-h", HOST, "-p", str(settings.pg_port)],
                            capture_output=True, check=False)
    return result.returncode == 0


def start_postgres(settings: Settings) -> None:
    pid_file = settings.pg_data / "postmaster.pid"
    if read_pid(pid_file):
        say(f"PostgreSQL already running on {HOST}:{settings.pg_port}")
        return
    ensure_port_free(settings.pg_port, "PostgreSQL", "GOVSHARE_PG_PORT")
    uid, gid = pg_owner_ids()
    for directory in (settings.path("postgres"), settings.pg_socket_dir):
        directory.mkdir(parents=True, exist_ok=True)
        os.chown(directory, uid, gid)
        directory.chmod(0o700)
    if not (settings.pg_data / "PG_VERSION").exists():
        say("initialising PostgreSQL data directory")
        result = subprocess.run(
            as_pg_owner([pg_bin("initdb"), "-D", str(settings.pg_data), "-U", "postgres",
                         "-E", "UTF8", "--locale=C.UTF-8", "--auth-local=trust",
                         "--auth-host=scram-sha-256"]),
            capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise StackError(f"initdb failed: {result.stderr.strip() or result.stdout.strip()}")
    log = settings.path("postgres", "postgres.log")
    options = (f"-c listen_addresses={HOST} -c port={settings.pg_port} "
               f"-c unix_socket_directories={settings.pg_socket_dir} -c fsync=off "
               f"-c synchronous_commit=off -c full_page_writes=off")
    result = subprocess.run(
        as_pg_owner([pg_bin("pg_ctl"), "-D", str(settings.pg_data), "-l", str(log),
                     "-o", options, "-w", "-t", "60", "start"]),
        capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise StackError(f"PostgreSQL did not start; see {log}")
    say(f"PostgreSQL started on {HOST}:{settings.pg_port}")


def ensure_role(settings: Settings, role: str, password: str) -> None:
    escaped = password.replace("'", "''")
    if not psql(settings, f"SELECT 1 FROM pg_roles WHERE rolname = '{role}'"):
        psql(settings, f"CREATE ROLE {role} LOGIN PASSWORD '{escaped}'")
    else:
        psql(settings, f"ALTER ROLE {role} PASSWORD '{escaped}'")


def ensure_databases(settings: Settings, values: dict[str, str]) -> None:
    ensure_role(settings, DB_ROLE, values["db_password"])
    ensure_role(settings, DATASTORE_READER, values["datastore_reader_password"])
    for database in (*DATABASES.values(), *DATASTORE_DATABASES.values()):
        if not psql(settings, f"SELECT 1 FROM pg_database WHERE datname = '{database}'"):
            psql(settings, f"CREATE DATABASE {database} OWNER {DB_ROLE} ENCODING 'UTF8' "
                           f"TEMPLATE template0")


def stop_postgres(settings: Settings) -> None:
    pid = read_pid(settings.pg_data / "postmaster.pid")
    if pid is None:
        return
    subprocess.run(as_pg_owner([pg_bin("pg_ctl"), "-D", str(settings.pg_data), "-m", "fast",
                                "-w", "stop"]), capture_output=True, check=False)
    say(f"stopped PostgreSQL (pid {pid})")


# --- Redis -------------------------------------------------------------------------------------

def start_redis(settings: Settings) -> None:
    pid_file = settings.path("redis", "redis.pid")
    if read_pid(pid_file):
        say(f"Redis already running on {HOST}:{settings.redis_port}")
        return
    server = require_command("redis-server", "install Redis (apt-get install redis-server)")
    ensure_port_free(settings.redis_port, "Redis", "GOVSHARE_REDIS_PORT")
    settings.path("redis").mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [server, "--bind", HOST, "--port", str(settings.redis_port), "--daemonize", "yes",
         "--dir", str(settings.path("redis")), "--pidfile", str(pid_file),
         "--logfile", str(settings.path("redis", "redis.log")), "--save", "60 1000",
         "--protected-mode", "yes"],
        capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise StackError(f"Redis did not start: {result.stderr.strip() or result.stdout.strip()}")
    wait_until(lambda: port_in_use(settings.redis_port), 20, "Redis",
               settings.path("redis", "redis.log"))
    say(f"Redis started on {HOST}:{settings.redis_port}")


# --- Solr --------------------------------------------------------------------------------------

def java_major_version(java: str) -> int:
    result = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
    match = re.search(r'version "(\d+)(?:\.(\d+))?', result.stderr + result.stdout)
    if not match:
        raise StackError(f"could not tell the version of {java}")
    major = int(match.group(1))
    return int(match.group(2)) if major == 1 else major


def check_java() -> str:
    java = require_command(
        "java", f"Solr 9 needs Java {MIN_JAVA} or later (apt-get install openjdk-17-jre-headless)")
    version = java_major_version(java)
    if version < MIN_JAVA:
        raise StackError(f"{java} is Java {version}; Solr 9 needs Java {MIN_JAVA} or later")
    return java


def refresh_solr_config(settings: Settings) -> bool:
    """Rewrite the cores' configuration; reload the cores of a running Solr if it changed."""
    home = settings.path("solr", "home")
    before = {p: p.read_bytes() for p in home.glob("*/conf/*") if p.is_file()}
    write_solr_home(settings)
    after = {p: p.read_bytes() for p in home.glob("*/conf/*") if p.is_file()}
    if before == after and set(SOLR_CORES.values()) <= loaded_cores(settings):
        return False
    for core in SOLR_CORES.values():
        # a core added since Solr started is created, the others reloaded
        query = (f"action=RELOAD&core={core}" if core in loaded_cores(settings)
                 else f"action=CREATE&name={core}&instanceDir={core}")
        url = f"http://{HOST}:{settings.solr_port}/solr/admin/cores?{query}"
        if not http_ok(url):
            raise StackError(f"Solr did not reload core {core} with the new configuration; "
                             f"see {settings.path('solr', 'solr.log')}")
    return True


def loaded_cores(settings: Settings) -> set[str]:
    url = f"http://{HOST}:{settings.solr_port}/solr/admin/cores?action=STATUS&wt=json"
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return set(json.load(response).get("status", {}))
    except (urllib.error.URLError, OSError, ValueError):
        return set()


def write_solr_home(settings: Settings) -> Path:
    """Lay out the Solr home: solr.xml plus one core per environment with our config."""
    home = settings.path("solr", "home")
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "config" / "solr" / "solr.xml", home / "solr.xml")
    schema_tool = VENV_BIN / "govshare-solr-schema"
    if not schema_tool.exists():
        raise StackError("the virtual environment is missing; run `make install` first")
    for core in SOLR_CORES.values():
        conf = home / core / "conf"
        shutil.copytree(REPO / "config" / "solr" / "conf", conf, dirs_exist_ok=True)
        flags = ["--stock-text"] if core in STOCK_TEXT_CORES else []
        result = subprocess.run([str(schema_tool), *flags, str(conf / "schema.xml")],
                                capture_output=True, text=True, check=False)
        if result.returncode != 0:
            last = (result.stderr.strip().splitlines() or ["no output"])[-1]
            raise StackError(f"the Solr schema could not be built: {last}")
        (home / core / "core.properties").write_text(f"name={core}\n")
    return home


def start_solr(settings: Settings) -> None:
    pid_file = settings.path("solr", "solr.pid")
    if read_pid(pid_file):
        say(f"Solr already running on {HOST}:{settings.solr_port}")
        if refresh_solr_config(settings):
            say("Solr configuration changed: cores reloaded")
        return
    java = check_java()
    jar = SOLR_LAUNCHER / "govshare-solr-1.0.jar"
    if not jar.exists():
        raise StackError("the Solr launcher is not built; run `make install` first")
    ensure_port_free(settings.solr_port, "Solr", "GOVSHARE_SOLR_PORT")
    home = write_solr_home(settings)
    log = settings.path("solr", "solr.log")
    classpath = f"{jar}{os.pathsep}{SOLR_LAUNCHER / 'lib'}/*"
    process = spawn([java, "-Xms256m", "-Xmx2g", "-Dsolr.install.dir=" + str(home),
                     "-Dsolr.log.muteconsole", "-cp", classpath,
                     "org.govshare.solr.SolrLauncher", str(home), str(settings.solr_port),
                     str(pid_file)], log)

    def ready() -> bool:
        if process.poll() is not None:
            tail = log.read_text(errors="replace").strip().splitlines()[-1:] or ["no output"]
            raise StackError(f"Solr exited at start: {tail[0]}")
        return pid_file.exists() and all(
            http_ok(solr_core_url(settings, core) + "/select?q=*:*&rows=0")
            for core in SOLR_CORES.values())

    wait_until(ready, 120, "Solr", log)
    say(f"Solr started on {HOST}:{settings.solr_port} (cores: {', '.join(SOLR_CORES.values())})")


def solr_core_url(settings: Settings, core: str) -> str:
    return f"http://{HOST}:{settings.solr_port}/solr/{core}"


# --- CKAN --------------------------------------------------------------------------------------

def ini_path(settings: Settings, env: str) -> Path:
    return settings.path(INI_FILES[env])


def datastore_url(settings: Settings, env: str, role: str, password: str) -> str:
    database = DATASTORE_DATABASES["test" if env == "test" else "dev"]
    return f"postgresql://{role}:{password}@{HOST}:{settings.pg_port}/{database}"


def write_ini(settings: Settings, env: str, values: dict[str, str]) -> Path:
    """The machine-specific top of the config chain: URLs, ports, paths and secrets."""
    template = {"test": "test.ini", "node": "node.ini", "bench": "bench.ini",
                "bench-stock": "bench-stock.ini"}.get(env, "development.ini")
    path = ini_path(settings, env)
    storage = settings.path("storage" if env in ("dev", "stock") else f"storage-{env}")
    storage.mkdir(parents=True, exist_ok=True)
    db_url = (f"postgresql://{DB_ROLE}:{values['db_password']}@{HOST}:{settings.pg_port}/"
              f"{DATABASES.get(env, DATABASES['dev'])}")
    config_dir = os.path.relpath(REPO / "config", path.parent)
    lines = [
        "# Generated by scripts/stack.py: machine-specific settings and secrets. Do not commit.",
        "[app:main]",
        f"use = config:{config_dir}/{template}",
        f"SECRET_KEY = {values['secret_key']}",
        f"sqlalchemy.url = {db_url}",
        f"solr_url = {solr_core_url(settings, SOLR_CORES[env])}",
        f"ckan.redis.url = redis://{HOST}:{settings.redis_port}/{REDIS_DBS[env]}",
        f"ckan.harvest.mq.hostname = {HOST}",
        f"ckan.harvest.mq.port = {settings.redis_port}",
        f"ckan.harvest.mq.redis_db = {REDIS_DBS[env]}",
        f"ckan.storage_path = {storage}",
    ]
    if env in STOCK_CKAN_ENVS:  # none of the platform's extensions or their settings
        lines.append(f"ckan.site_url = http://{HOST}:{settings.node_port}")
    else:
        lines += platform_settings(settings, env, values)
    logging_sections = (REPO / "config" / "logging.ini").read_text()
    if env == "test":  # keep test output to what matters
        logging_sections = logging_sections.replace("level = INFO", "level = WARNING")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write("\n".join(lines) + "\n\n" + logging_sections)
    return path


def platform_settings(settings: Settings, env: str, values: dict[str, str]) -> list[str]:
    lines = [
        f"ckan.datastore.write_url = {datastore_url(settings, env, DB_ROLE, values['db_password'])}",
        f"ckan.datastore.read_url = "
        f"{datastore_url(settings, env, DATASTORE_READER, values['datastore_reader_password'])}",
        f"scheming.dataset_schemas = {(REPO / 'scheming' / 'govshare_dataset.yaml').as_uri()}",
        f"scheming.organization_schemas = "
        f"{(REPO / 'scheming' / 'govshare_organization.yaml').as_uri()}",
    ]
    if env != "test":
        lines.append(f"ckan.site_url = http://{HOST}:{settings.web_port}")
    return lines


def ckan(settings: Settings, env: str, *args: str) -> str:
    """Run a CKAN command; its output, or its last error line as a StackError."""
    command = [str(VENV_BIN / "ckan"), "-c", str(ini_path(settings, env)), *args]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines()
        raise StackError(f"`ckan {' '.join(args)}` failed: {lines[-1] if lines else 'no output'}")
    return result.stdout


def check_database(settings: Settings) -> None:
    """Fail with one sentence, before CKAN would fail with a traceback."""
    if not pg_is_ready(settings):
        raise StackError(f"PostgreSQL is not reachable at {HOST}:{settings.pg_port}; "
                         f"start it with `make up` or check GOVSHARE_PG_PORT")


BACKGROUND = {
    # name: ckan sub-command
    "worker": ["jobs", "worker", "default", "govshare"],
    "harvest-gather": ["harvester", "gather-consumer"],
    "harvest-fetch": ["harvester", "fetch-consumer"],
    # finishes harvest jobs, aborts stuck ones, re-queues objects a dead consumer held
    "exchange-watch": ["govshare", "exchange", "watch"],
}


def start_ckan_process(settings: Settings, name: str, args: list[str], env: str = "dev",
                       ini: Path | None = None) -> subprocess.Popen | None:
    pid_file = process_dir(settings, env) / f"{name}.pid"
    if read_pid(pid_file):
        say(f"{name} already running")
        return None
    process_dir(settings, env).mkdir(parents=True, exist_ok=True)
    return spawn([str(VENV_BIN / "ckan"), "-c", str(ini or ini_path(settings, env)), *args],
                 process_dir(settings, env) / f"{name}.log", pid_file)


def write_workers_ini(settings: Settings) -> Path:
    """The background processes' settings: the development ones, except that their index
    writes become searchable with Solr's soft commit (within a second) instead of a commit
    each, which is what limits a harvest or a bulk registration. The web process keeps
    committing, so what a user saves is found by the next search."""
    path = settings.path("workers.ini")
    path.write_text("# Generated by scripts/stack.py. Do not commit.\n[app:main]\n"
                    "use = config:ckan.ini\nckan.search.solr_commit = false\n\n"
                    + (REPO / "config" / "logging.ini").read_text())
    return path


def process_dir(settings: Settings, env: str) -> Path:
    """Where an environment's CKAN processes keep their pid files and logs."""
    return settings.path("ckan" if env == "dev" else env)


def start_web(settings: Settings, env: str = "dev") -> None:
    port = settings.node_port if env == "node" else settings.web_port
    if read_pid(process_dir(settings, env) / "web.pid"):
        say(f"CKAN already serving http://{HOST}:{port}")
        return
    ensure_port_free(port, "CKAN", "GOVSHARE_NODE_PORT" if env == "node" else "GOVSHARE_WEB_PORT")
    process = start_ckan_process(settings, "web", [
        "run", "--host", HOST, "--port", str(port), "--disable-reloader", "--threaded"], env)
    log = process_dir(settings, env) / "web.log"

    def ready() -> bool:
        if process is not None and process.poll() is not None:
            raise StackError(f"CKAN exited at start; see {log}")
        return http_ok(f"http://{HOST}:{port}/api/3/action/status_show")

    wait_until(ready, 120, "CKAN", log)
    say(f"CKAN serving http://{HOST}:{port}")


# --- commands ----------------------------------------------------------------------------------

def services(settings: Settings) -> dict[str, str]:
    values = load_secrets(settings)
    start_postgres(settings)
    ensure_databases(settings, values)
    start_redis(settings)
    start_solr(settings)
    for env in INI_FILES:
        write_ini(settings, env, values)
    write_workers_ini(settings)
    for env in DATASTORE_DATABASES:
        set_datastore_permissions(settings, env)
    return values


def set_datastore_permissions(settings: Settings, env: str) -> None:
    """Apply CKAN's DataStore grants once per database (the reader may only SELECT)."""
    stamp = settings.path(f"datastore-permissions-{env}")
    if stamp.exists():
        return
    script = ckan(settings, env, "datastore", "set-permissions")
    result = subprocess.run(
        as_pg_owner([pg_bin("psql"), "-h", str(settings.pg_socket_dir), "-p",
                     str(settings.pg_port), "-U", "postgres", "-d", DATASTORE_DATABASES[env],
                     "-v", "ON_ERROR_STOP=1", "-q", "-f", "-"]),
        input=script, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise StackError(f"DataStore permissions not set: {result.stderr.strip()}")
    stamp.touch()


def up(settings: Settings) -> None:
    services(settings)
    check_database(settings)
    ckan(settings, "dev", "db", "init")
    for plugin in ("harvest", "govshare"):
        ckan(settings, "dev", "db", "upgrade", "-p", plugin)
    say("database schema up to date")
    say(ckan(settings, "dev", "govshare", "classification", "seed").strip().splitlines()[-1])
    credentials = settings.path("admin.env")
    output = ckan(settings, "dev", "govshare", "demo", "load",
                  "--credentials-file", str(credentials))
    say(output.strip().splitlines()[-1])
    say(f"admin credentials (name, password, API token) in {credentials}")
    for name, args in BACKGROUND.items():
        if start_ckan_process(settings, name, args, ini=settings.path("workers.ini")):
            say(f"started {name}")
    start_web(settings)
    say(f"GovShare is up: http://{HOST}:{settings.web_port}")


def down(settings: Settings) -> None:
    node_down(settings)
    for name in ("web", *BACKGROUND):
        stop_pid(settings.path("ckan", f"{name}.pid"), name)
    stop_pid(settings.path("solr", "solr.pid"), "Solr")
    pid_file = settings.path("redis", "redis.pid")
    stop_pid(pid_file, "Redis")
    stop_postgres(settings)


def reset(settings: Settings) -> None:
    """Wipe the development database, index and files, then bring everything up afresh."""
    for name in ("web", *BACKGROUND):
        stop_pid(settings.path("ckan", f"{name}.pid"), name)
    services(settings)
    check_database(settings)
    ckan(settings, "dev", "db", "clean", "--yes")
    ckan(settings, "dev", "search-index", "clear")
    shutil.rmtree(settings.path("storage"), ignore_errors=True)
    settings.path("admin.env").unlink(missing_ok=True)
    say("development data wiped")
    up(settings)


def node_reset(settings: Settings) -> None:
    """A department node with nothing in it: stock CKAN on its own database, Solr core,
    files and port, and a sysadmin whose API token is written to ``node.env``."""
    node_down(settings)
    services(settings)
    check_database(settings)
    ckan(settings, "node", "db", "clean", "--yes")
    ckan(settings, "node", "db", "init")
    ckan(settings, "node", "search-index", "clear")
    shutil.rmtree(settings.path("storage-node"), ignore_errors=True)
    settings.path("storage-node").mkdir(parents=True)
    password = secrets.token_urlsafe(12)
    ckan(settings, "node", "user", "add", NODE_ADMIN, f"email={NODE_ADMIN}@node.invalid",
         f"password={password}")
    ckan(settings, "node", "sysadmin", "add", NODE_ADMIN)
    token = ckan(settings, "node", "user", "token", "add", NODE_ADMIN, "exchange").strip()
    token = token.splitlines()[-1].strip()
    env_file = settings.path("node.env")
    fd = os.open(env_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(f"GOVSHARE_NODE_URL=http://{HOST}:{settings.node_port}\n"
                  f"GOVSHARE_NODE_ADMIN={NODE_ADMIN}\nGOVSHARE_NODE_TOKEN={token}\n")
    start_web(settings, "node")
    say(f"department node up, empty: http://{HOST}:{settings.node_port} (token in {env_file})")


def node_down(settings: Settings) -> None:
    stop_pid(process_dir(settings, "node") / "web.pid", "node")


def status(settings: Settings) -> None:
    pids = {
        "PostgreSQL": settings.pg_data / "postmaster.pid",
        "Redis": settings.path("redis", "redis.pid"),
        "Solr": settings.path("solr", "solr.pid"),
        **{name: settings.path("ckan", f"{name}.pid") for name in ("web", *BACKGROUND)},
    }
    for name, pid_file in pids.items():
        pid = read_pid(pid_file)
        print(f"{name:16} {'running (pid %d)' % pid if pid else 'stopped'}")


COMMANDS = {
    "up": up,
    "services": services,
    "down": down,
    "reset": reset,
    "status": status,
    "check-java": lambda settings: say(f"Java {java_major_version(check_java())} found"),
    "check-db": lambda settings: (check_database(settings),
                                  say(f"PostgreSQL reachable at {HOST}:{settings.pg_port}")),
    "solr": start_solr,
    "web": start_web,
    "redis": start_redis,
    "postgres": start_postgres,
    "node-reset": node_reset,
    "node-down": node_down,
}


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in COMMANDS:
        print(f"usage: stack.py {{{'|'.join(COMMANDS)}}}", file=sys.stderr)
        return 2
    try:
        COMMANDS[argv[0]](Settings.from_env())
    except StackError as error:
        print(f"govshare: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
