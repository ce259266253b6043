"""What the benchmarks share: CKAN commands, the Action API over HTTP, processes they start
(each in a session of its own, stopped with its children) and progress bars.

Imports no CKAN: benchmarks drive instances from outside, as their users do.
"""
from __future__ import annotations

import configparser
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import click
import requests

REPO = Path(__file__).resolve().parent.parent
RUN_DIR = Path(os.environ.get("GOVSHARE_RUN_DIR", REPO / ".run"))
CKAN = REPO / ".venv" / "bin" / "ckan"
HOST = "127.0.0.1"
ADMIN = "bench_admin"


class BenchError(Exception):
    """Something the benchmark could not do; printed as one sentence."""


class Api:
    """A CKAN Action API as a sysadmin; one HTTP session per thread."""

    def __init__(self, url: str, token: str):
        self.url, self.token = url.rstrip("/"), token
        self.local = threading.local()

    def call(self, action: str, files=None, **data):
        session = getattr(self.local, "session", None)
        if session is None:
            session = self.local.session = requests.Session()
            session.headers["Authorization"] = self.token
        url = f"{self.url}/api/3/action/{action}"
        try:
            if files:
                response = session.post(url, data=data, files=files, timeout=120)
            else:
                response = session.post(url, json=data, timeout=120)
        except requests.RequestException as error:
            raise BenchError(f"{action} at {self.url} could not be asked: {error}") from None
        try:
            body = response.json()
        except ValueError:
            raise BenchError(f"{action} at {self.url} answered HTTP {response.status_code} "
                             f"without JSON") from None
        if not body.get("success"):
            raise BenchError(f"{action} at {self.url} failed: "
                             f"{json.dumps(body.get('error'), ensure_ascii=False)[:500]}")
        return body["result"]


def wait_for_api(url: str, process: subprocess.Popen | None, log: Path,
                 timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise BenchError(f"the web server for {url} exited at start; see {log}")
        try:
            if requests.get(f"{url}/api/3/action/status_show", timeout=5).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise BenchError(f"{url} did not answer within {timeout:.0f} s; see {log}")



class Processes:
    """Every long-running process this run started, so each can be stopped by its id."""

    def __init__(self):
        self.running: list[subprocess.Popen] = []

    def start_ckan(self, ini: Path, args: list[str], log: Path) -> subprocess.Popen:
        return self.start([str(CKAN), "-c", str(ini), *args], log)

    def start(self, args: list[str], log: Path, env: dict | None = None) -> subprocess.Popen:
        process = start_process(args, log, env)
        self.running.append(process)
        return process

    def stop_all(self) -> None:
        for process in reversed(self.running):
            signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for process in self.running:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                signal_group(process, signal.SIGKILL)
                process.wait()
        self.running.clear()


def signal_group(process: subprocess.Popen, signum: int) -> None:
    """Signal the process and its children (its own session), unless it has ended."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signum)
        except ProcessLookupError:
            pass


def start_process(args: list[str], log: Path, env: dict | None = None) -> subprocess.Popen:
    """A process in a session of its own (so Ctrl-C reaches it only through us), with
    ``env`` added to this process's environment."""
    with open(log, "wb") as out:
        return subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True,
                                env={**os.environ, **(env or {})})


def ckan(ini: Path, *args: str) -> str:
    """A CKAN command's output, or its last error line as a BenchError."""
    result = subprocess.run([str(CKAN), "-c", str(ini), *args], capture_output=True, text=True,
                            check=False)
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines()
        raise BenchError(f"`ckan {' '.join(args)}` failed: {lines[-1] if lines else 'no output'}")
    return result.stdout


def make_sysadmin(ini: Path, name: str = ADMIN) -> str:
    """A new sysadmin on the instance; its API token."""
    ckan(ini, "user", "add", name, f"email={name}@bench.invalid",
         f"password={secrets.token_urlsafe(12)}")
    ckan(ini, "sysadmin", "add", name)
    return ckan(ini, "user", "token", "add", name, "benchmark").strip().splitlines()[-1].strip()


def ini_value(path: Path, key: str) -> str:
    parser = configparser.RawConfigParser(strict=False)
    parser.read(path, encoding="utf-8")
    return parser.get("app:main", key)


def write_private(path: Path, text: str) -> None:
    """Generated settings hold secrets: readable by the owner only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)



def process_command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""



def progress(length: int, label: str):
    return click.progressbar(length=length, label=label, show_pos=True, show_eta=True,
                             file=sys.stderr)


def empty_instance(ini: Path, setup: tuple[tuple[str, ...], ...] = ()) -> None:
    """Wipe an instance's database and search index; ``setup``: ckan commands run after
    ``db init`` (plugin migrations, seed data)."""
    ckan(ini, "db", "clean", "--yes")
    ckan(ini, "db", "init")
    for command in setup:
        ckan(ini, *command)
    ckan(ini, "search-index", "clear")


def write_soft_commit_ini(path: Path, base: Path, generator: str) -> Path:
    """``base``'s settings, except that index writes become searchable with Solr's soft
    commit (within a second) instead of a commit each: how the platform's background
    processes run (scripts/stack.py's workers.ini)."""
    write_private(path, f"# Generated by {generator}.\n[app:main]\n"
                        f"use = config:{base.name}\nckan.search.solr_commit = false\n\n"
                        + (REPO / "config" / "logging.ini").read_text())
    return path
