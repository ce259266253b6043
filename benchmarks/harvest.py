#!/usr/bin/env python3
"""Harvest throughput: one department node harvested into an empty platform, by our
exchange harvester and by ckanext-harvest's stock CKAN harvester, side by side.

The node
  Stock CKAN 2.11 with the settings of `scripts/stack.py node-reset` (.run/node.ini), but a
  node of the benchmark's own, so the exchange tests (which reset the shared node) cannot
  wipe it mid-run: schema bench_node in the node database, site id govshare-bench-node in
  the node Solr core, files in .run/storage-bench-node, port --node-port (5052); generated
  settings in .run/bench-node.ini. It is filled once with --entries Chinese catalog entries
  (reproducible from --seed) through its API by 8 threads, each entry with the extras our
  source mapping reads (资源分类, 共享类型, 开放类型, 更新周期, 数据级别, 信息项 ...; ~55 %
  无条件共享, ~35 % 有条件共享, ~10 % 不予共享) and one uploaded CSV of a few hundred bytes to a
  few KB (~10 % GBK-encoded). All entries are public: the stock harvester sees no others.

The platform, per harvester
  The bench platform (.run/bench.ini: database govshare_bench, Solr core ckan_bench, Redis
  db 4, site id govshare-bench) is wiped, given one department, a sysadmin and a harvest
  source for the node, and one harvest job is run through real queues: 1 gather consumer and
  --fetch-consumers fetch consumers (`ckan harvester gather-consumer|fetch-consumer`). As
  `make up` runs background processes (.run/workers.ini), the consumers index with Solr's
  soft commit (ckan.search.solr_commit = false: .run/bench-<harvester>-workers.ini, made
  here), both harvesters alike; the platform's web process keeps committing.

  * ours:  source type govshare_node with the mapping of tests/test_exchange_harvest.py on
           our full platform; every shared file is downloaded from the node, checksummed,
           converted (GBK to UTF-8) and stored, and lineage is recorded. Jobs are finished
           by `ckan govshare exchange watch` (what `make up` runs).
  * stock: source type ckan (CKANHarvester; the node token as "api_key") on a stock
           platform: .run/bench-harvest-stock.ini (generated) is bench.ini with only the activity,
           harvest and ckan_harvester plugins. Resources stay links to the node (nothing is
           downloaded), so it does less work per dataset. Jobs are finished by calling
           harvest_jobs_run through the API (what ckanext-harvest's `harvester run` does)
           once all objects are done (or nothing moved for 10 s): called while objects
           are still being queued, its re-sending of waiting objects races the gather and
           sends many objects twice. (Ours' watch does run during the gather, as it does
           in production: the deliveries line shows how many objects it sent twice.)

What is measured
  Seconds: the job's own, from its creation (harvest_job_create, queued at once, consumers
  already running) to its finish, which ckanext-harvest sets to the last object's
  import_finished (so how often the job is checked does not change it). Then, through the
  platform's API: datasets (package_search, private included), lost (node titles missing),
  duplicates (platform datasets beyond one per node entry; titles are unique at the node),
  errors (objects with an error, plus gather errors); datasets/min counts the node's entries
  found. For ours also the files stored (expected: one per entry that is not 不予共享, whose
  data must stay at the node). Target: ≥ 600 datasets/min (10 × data.gov's reported ~60/min)
  with none lost and none duplicated.

The driver imports no CKAN: it runs `ckan` commands and talks HTTP to the node and to a
temporary web server for the bench platform (--port, 5061). Every process it starts
(consumers, web servers, the node unless --keep-node) is stopped on exit, Ctrl-C included.
Logs: .run/bench-<harvester>-<process>.log and .run/bench-node-web.log.

    python3 scripts/stack.py services      # PostgreSQL, Redis and Solr running
    .venv/bin/python benchmarks/harvest.py --entries 2000 --json benchmarks/results/harvest.json
    .venv/bin/python benchmarks/harvest.py --keep-node ...   # then --reuse-node: no refill
"""
from __future__ import annotations

import argparse
import concurrent.futures
import datetime
import json
import os
import random
import shutil
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import psycopg2

from harness import (CKAN, HOST, REPO, RUN_DIR, Api, BenchError, Processes, ckan,
                     empty_instance, ini_value, make_sysadmin, process_command, progress,
                     start_process, wait_for_api, write_private, write_soft_commit_ini)

BENCH_INI = RUN_DIR / "bench.ini"
STOCK_INI = RUN_DIR / "bench-harvest-stock.ini"
STORAGE = RUN_DIR / "storage-bench"
NODE_INI = RUN_DIR / "bench-node.ini"
NODE_ENV = RUN_DIR / "bench-node.env"     # the running node's address, token and pid
NODE_STORAGE = RUN_DIR / "storage-bench-node"
NODE_SCHEMA = "bench_node"                # in the node's database, beside the tests' tables
NODE_SITE_ID = "govshare-bench-node"      # in the node's Solr core, beside the tests' entries
TARGET_PER_MINUTE = 600
POLL_SECONDS = 2
FINISH_WHEN_IDLE = 10    # seconds without progress before the stock run's jobs are checked
CONSUMER_WARMUP = 10     # seconds consumers get to start before the job is created
FILL_THREADS = 8
NODE_ORG = "node-dept"

# the source mapping of tests/test_exchange_harvest.py
MAPPING = {
    "fields": {"资源分类": "classification", "共享类型": "share_type", "共享条件": "share_condition",
               "开放类型": "open_type", "更新周期": "update_cycle", "数据级别": "data_grade",
               "格式分类": "format_category", "格式类型": "format_type",
               "信息资源代码": "resource_code", "信息项": "data_items"},
    "values": {"update_cycle": {"年": "yearly", "月": "monthly"}},
    "defaults": {"sensitivity": "L1"},
    "max_file_mb": 1,
}

# --- the node's entries -------------------------------------------------------------------

DISTRICTS = ["鼓楼区", "台江区", "仓山区", "晋安区", "马尾区", "长乐区", "闽侯县", "连江县",
             "罗源县", "闽清县", "永泰县", "福清市"]
# (classification, subject, tag, name stem, columns as (name, data type))
SUBJECTS = [
    ("101004", "常住人口", "人口", "renkou", [("区县名称", "C"), ("常住人口", "N"), ("户籍人口", "N")]),
    ("102001", "企业法人登记", "企业", "qiye",
     [("统一社会信用代码", "C"), ("企业名称", "C"), ("注册资本", "Y"), ("成立日期", "D")]),
    ("103004", "标准地名地址", "地址", "dizhi",
     [("地址编码", "C"), ("标准地址", "C"), ("经度", "B"), ("纬度", "B")]),
    ("104001", "地区生产总值", "经济", "jingji", [("指标名称", "C"), ("本期值", "Y"), ("同比增长", "F")]),
    ("201002", "建筑物普查", "建筑", "jianzhu",
     [("建筑编码", "C"), ("建筑名称", "C"), ("层数", "I"), ("竣工日期", "D")]),
    ("203001", "空气质量监测", "环境", "huanjing",
     [("监测点", "C"), ("监测时间", "T"), ("空气质量指数", "I"), ("细颗粒物浓度", "F")]),
    ("204003", "公交线路客流", "交通", "jiaotong", [("线路", "C"), ("日期", "D"), ("客流量", "I")]),
    ("205001", "医疗机构名录", "医疗", "yiliao",
     [("机构名称", "C"), ("机构类别", "C"), ("床位数", "I"), ("地址", "C")]),
    ("206002", "社会保险参保", "社保", "shebao", [("险种", "C"), ("参保人数", "I"), ("统计月份", "D")]),
]
KINDS = ["统计数据", "汇总表", "明细表", "月度报表", "年度报表", "名录"]
YEARS = range(2015, 2025)
CYCLES = ["年", "月", "每季度", "每日", "不定期"]   # 年/月 through the mapping, the rest by label
CONDITIONS = ["仅限政务部门履行职责使用", "依据《政务数据共享条例》第十条", "需经数据提供部门审核同意"]
NOT_SHARED_BASIS = "依据《中华人民共和国个人信息保护法》第二十八条不予共享"
NOT_SHARED = "不予共享"


@dataclass(frozen=True)
class Entry:
    name: str
    title: str
    extras: dict[str, str]
    tags: tuple[str, ...]
    notes: str
    filename: str
    data: bytes

    @property
    def shared(self) -> bool:
        return self.extras["共享类型"] != NOT_SHARED


def generate(count: int, seed: int) -> list[Entry]:
    """``count`` entries with unique titles, the same for the same seed."""
    rng = random.Random(seed)
    combinations = len(DISTRICTS) * len(SUBJECTS) * len(KINDS) * len(YEARS)
    picks = rng.sample(range(combinations), min(count, combinations))
    return [make_entry(rng, number, picks[number % len(picks)], number >= len(picks))
            for number in range(count)]


def make_entry(rng: random.Random, number: int, pick: int, repeated: bool) -> Entry:
    pick, district = divmod(pick, len(DISTRICTS))
    pick, subject_index = divmod(pick, len(SUBJECTS))
    year_index, kind = divmod(pick, len(KINDS))
    code, subject, tag, stem, columns = SUBJECTS[subject_index]
    title = f"{YEARS[year_index]}年{DISTRICTS[district]}{subject}{KINDS[kind]}"
    if repeated:  # more entries than word combinations: titles stay unique
        title += f"（{number + 1}）"
    draw = rng.random()
    share = NOT_SHARED if draw < 0.10 else "有条件共享" if draw < 0.45 else "无条件共享"
    opened = share == "无条件共享" and rng.random() < 0.8
    cycle = rng.choice(CYCLES)
    extras = {"资源分类": code, "共享类型": share, "开放类型": "无条件开放" if opened else "不予开放",
              "更新周期": cycle, "数据级别": "重要数据" if rng.random() < 0.15 else "一般数据",
              "格式分类": "2", "格式类型": "csv",
              "信息项": json.dumps([{"name": n, "type": t} for n, t in columns],
                                ensure_ascii=False)}
    if share == "有条件共享":
        extras["共享条件"] = rng.choice(CONDITIONS)
    elif share == NOT_SHARED:
        extras["共享条件"] = NOT_SHARED_BASIS
    name = f"{stem}-{number + 1:05d}"
    text = csv_text(rng, columns, DISTRICTS[district])
    data = text.encode("gbk") if rng.random() < 0.10 else text.encode("utf-8")
    notes = f"{DISTRICTS[district]}{subject}相关数据，更新周期：{cycle}，由节点部门登记。"
    return Entry(name, title, extras, (tag, DISTRICTS[district]), notes, f"{name}.csv", data)


def csv_text(rng: random.Random, columns: list[tuple[str, str]], district: str) -> str:
    """A small table (5 to 60 rows) whose cells fit the columns' data types."""
    def cell(kind: str, row: int) -> str:
        if kind == "C":
            return f"{district}{rng.choice(['第一', '第二', '东部', '西部', '中心'])}{row}号"
        if kind in ("N", "I"):
            return str(rng.randint(0, 900_000))
        if kind in ("F", "B", "Y"):
            return f"{rng.uniform(0, 10_000):.2f}"
        day = datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randint(0, 365))
        if kind == "T":
            return f"{day.isoformat()} {rng.randint(0, 23):02d}:00:00"
        return day.isoformat()

    lines = [",".join(name for name, _kind in columns)]
    lines += [",".join(cell(kind, row) for _name, kind in columns)
              for row in range(1, rng.randint(5, 60) + 1)]
    return "\n".join(lines) + "\n"


# --- the node -----------------------------------------------------------------------------

def write_node_ini(port: int) -> None:
    """The node's settings: stack.py's .run/node.ini (stock CKAN) with a database schema,
    Solr site id, file store and port of its own."""
    url = ini_value(RUN_DIR / "node.ini", "sqlalchemy.url")
    logging_sections = (REPO / "config" / "logging.ini").read_text()
    write_private(NODE_INI, "\n".join([
        "# Generated by benchmarks/harvest.py: the benchmark's own department node.",
        "[app:main]", "use = config:node.ini",
        f"sqlalchemy.url = {url}?options=-csearch_path={NODE_SCHEMA}",
        f"ckan.site_id = {NODE_SITE_ID}", f"ckan.site_url = http://{HOST}:{port}",
        f"ckan.storage_path = {NODE_STORAGE}"]) + "\n\n" + logging_sections)


def start_node(port: int) -> Api:
    """A node with nothing in it, running, and remembered in NODE_ENV."""
    stop_kept_node()
    write_node_ini(port)
    with psycopg2.connect(ini_value(RUN_DIR / "node.ini", "sqlalchemy.url")) as connection:
        connection.cursor().execute(f"CREATE SCHEMA IF NOT EXISTS {NODE_SCHEMA}")
    connection.close()
    ckan(NODE_INI, "db", "clean", "--yes")
    ckan(NODE_INI, "db", "init")
    ckan(NODE_INI, "search-index", "clear")
    shutil.rmtree(NODE_STORAGE, ignore_errors=True)
    NODE_STORAGE.mkdir(parents=True)
    token = make_sysadmin(NODE_INI)
    url, log = f"http://{HOST}:{port}", RUN_DIR / "bench-node-web.log"
    process = start_process([str(CKAN), "-c", str(NODE_INI), "run", "--host", HOST, "--port",
                             str(port), "--disable-reloader", "--threaded"], log)
    write_private(NODE_ENV, f"URL={url}\nTOKEN={token}\nPID={process.pid}\n")
    wait_for_api(url, process, log)
    return Api(url, token)


def kept_node() -> dict[str, str]:
    if not NODE_ENV.exists():
        return {}
    return dict(line.split("=", 1) for line in NODE_ENV.read_text().splitlines() if "=" in line)


def stop_kept_node() -> None:
    """Stop the node this benchmark started (now, or in a --keep-node run), by its pid."""
    pid = int(kept_node().get("PID", 0))
    if pid and str(NODE_INI) in process_command(pid):
        os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        while process_command(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if process_command(pid):
            os.killpg(pid, signal.SIGKILL)
    NODE_ENV.unlink(missing_ok=True)


def fill_node(node: Api, entries: list[Entry], threads: int) -> float:
    """Create the department and every entry with its file; the seconds it took."""
    started = time.monotonic()
    node.call("organization_create", name=NODE_ORG, title="节点部门")

    def create(entry: Entry) -> None:
        package = node.call(
            "package_create", name=entry.name, title=entry.title, owner_org=NODE_ORG,
            notes=entry.notes, tags=[{"name": tag} for tag in entry.tags],
            extras=[{"key": key, "value": value} for key, value in entry.extras.items()])
        node.call("resource_create", package_id=package["id"], name=entry.filename,
                  format="CSV", files={"upload": (entry.filename, entry.data)})

    with concurrent.futures.ThreadPoolExecutor(threads) as pool, \
            progress(len(entries), "filling the node") as bar:
        for future in concurrent.futures.as_completed([pool.submit(create, e) for e in entries]):
            future.result()
            bar.update(1)
    return time.monotonic() - started


def check_node(node: Api, entries: list[Entry]) -> None:
    """The node holds exactly this run's entries."""
    found = node.call("package_search", q="*:*", rows=0, include_private=True)["count"]
    if found != len(entries) or not node.call("package_search", q=f"name:{entries[0].name}",
                                              rows=0)["count"]:
        raise BenchError(f"the node holds {found} entries, not this run's {len(entries)}"
                         f"{'' if found else ' (is it running?)'}")


# --- the harvesters -----------------------------------------------------------------------

@dataclass(frozen=True)
class Harvester:
    key: str
    label: str
    ini: Path
    source_type: str
    source_config: Callable[[Api], dict]
    org_fields: dict = field(default_factory=dict)
    setup: tuple[tuple[str, ...], ...] = ()           # ckan commands after `db init`
    finisher: tuple[str, ...] | None = None           # ckan command finishing jobs, or the API
    token_action: str | None = None                   # stores the node's token apart
    copies_files: bool = False


HARVESTERS = {
    "ours": Harvester(
        "ours", "ours (govshare_node)", BENCH_INI, "govshare_node",
        source_config=lambda node: MAPPING,
        org_fields={"credit_code": "12100000400000624D"},
        setup=(("db", "upgrade", "-p", "harvest"), ("db", "upgrade", "-p", "govshare"),
               ("govshare", "classification", "seed")),
        finisher=("govshare", "exchange", "watch", "--interval", str(POLL_SECONDS)),
        token_action="govshare_exchange_token_set", copies_files=True),
    "stock": Harvester(
        "stock", "stock (ckanext-harvest ckan)", STOCK_INI, "ckan",
        source_config=lambda node: {"api_key": node.token},
        setup=(("db", "upgrade", "-p", "harvest"), ("db", "upgrade", "-p", "activity"))),
}


def write_stock_ini() -> None:
    """The bench platform with ckanext-harvest's plugins only (logging must be in the top
    file of a config chain, so it is copied in)."""
    logging_sections = (REPO / "config" / "logging.ini").read_text()
    write_private(STOCK_INI,
                  "# Generated by benchmarks/harvest.py: the bench platform as stock CKAN + "
                  "harvest.\n[app:main]\nuse = config:bench.ini\n"
                  "ckan.plugins = activity harvest ckan_harvester\n\n" + logging_sections)


def write_workers_ini(harvester: Harvester) -> Path:
    """The consumers' settings, as stack.py's workers.ini: the platform's, except that index
    writes become searchable with Solr's soft commit instead of a commit each."""
    return write_soft_commit_ini(RUN_DIR / f"bench-{harvester.key}-workers.ini", harvester.ini,
                                 "benchmarks/harvest.py")


def wipe_platform(harvester: Harvester) -> str:
    """An empty bench platform with a sysadmin; its API token."""
    ini = harvester.ini
    empty_instance(ini, harvester.setup)
    ckan(ini, "harvester", "purge-queues")
    shutil.rmtree(STORAGE, ignore_errors=True)
    STORAGE.mkdir(parents=True)
    return make_sysadmin(ini)


@dataclass
class Result:
    harvester: str
    datasets: int
    lost: int
    duplicates: int
    errors: int
    seconds: float
    per_minute: float
    gather_seconds: float
    wall_seconds: float
    deliveries: int
    load_at_start: float          # the machine's 1-minute load average as the job started
    files_stored: int | None
    files_expected: int | None
    error_summary: list = field(default_factory=list)


def run_harvester(harvester: Harvester, node: Api, entries: list[Entry], args,
                  processes: Processes) -> Result:
    say(f"{harvester.label}: wiping the bench platform")
    token = wipe_platform(harvester)
    url = f"http://{HOST}:{args.port}"
    logs = {name: RUN_DIR / f"bench-{harvester.key}-{name}.log"
            for name in ["web", "gather", "finisher",
                         *(f"fetch-{n}" for n in range(1, args.fetch_consumers + 1))]}
    web = processes.start_ckan(harvester.ini, ["run", "--host", HOST, "--port", str(args.port),
                                               "--disable-reloader", "--threaded"], logs["web"])
    workers = write_workers_ini(harvester)
    consumers = [processes.start_ckan(workers, ["harvester", "gather-consumer"],
                                      logs["gather"])]
    consumers += [processes.start_ckan(workers, ["harvester", "fetch-consumer"],
                                       logs[f"fetch-{n}"])
                  for n in range(1, args.fetch_consumers + 1)]
    if harvester.finisher:
        consumers.append(processes.start_ckan(workers, list(harvester.finisher),
                                              logs["finisher"]))
    consumers_started = time.monotonic()
    wait_for_api(url, web, logs["web"])
    platform = Api(url, token)
    source = make_source(platform, harvester, node)
    time.sleep(max(0.0, CONSUMER_WARMUP - (time.monotonic() - consumers_started)))
    for process in consumers:
        if process.poll() is not None:
            raise BenchError(f"a consumer of {harvester.label} exited at start; see the "
                             f"logs {RUN_DIR}/bench-{harvester.key}-*.log")

    say(f"{harvester.label}: harvesting {len(entries)} entries")
    wall = time.monotonic()
    job = platform.call("harvest_job_create", source_id=source["id"], run=True)
    load = os.getloadavg()[0]
    job = wait_for_job(platform, job["id"], source["id"], len(entries), harvester.key,
                       finish_via_api=harvester.finisher is None, stall=args.stall_timeout)
    wall = time.monotonic() - wall
    check_node(node, entries)
    deliveries = sum(count_lines(logs[f"fetch-{n}"], "Received harvest object id")
                     for n in range(1, args.fetch_consumers + 1))
    return measure(harvester, platform, job, entries, wall, deliveries, load)


def make_source(platform: Api, harvester: Harvester, node: Api) -> dict:
    org = platform.call("organization_create", name="shi-tongji-ju", title="市统计局",
                        **harvester.org_fields)
    source = platform.call(
        "harvest_source_create", name="node-tongji", title="节点 node-tongji", url=node.url,
        source_type=harvester.source_type, owner_org=org["id"],
        config=json.dumps(harvester.source_config(node), ensure_ascii=False))
    if harvester.token_action:
        platform.call(harvester.token_action, source_id=source["id"], api_token=node.token)
    return source


def wait_for_job(platform: Api, job_id: str, source_id: str, total: int, label: str,
                 finish_via_api: bool, stall: float) -> dict:
    """Poll the job until it is finished, with a progress bar of objects done. With
    ``finish_via_api``, call harvest_jobs_run once every object is done, or when nothing
    moved for a while: while objects are still being queued, its re-sending of "waiting
    objects missing from Redis" races the gather and sends many objects twice. (The job's
    finish is the last object's import_finished, so this does not change the time.)"""
    done, last_change = 0, time.monotonic()
    with progress(total, f"{label}: objects imported") as bar:
        while True:
            job = platform.call("harvest_job_show", id=job_id)
            stats = job.get("stats", {})
            now_done = min(total, sum(stats.get(k, 0) for k in
                                      ("added", "updated", "not modified", "deleted")))
            if now_done != done:
                bar.update(now_done - done)
                done, last_change = now_done, time.monotonic()
            if job["status"] == "Finished":
                return job
            if time.monotonic() - last_change > stall:
                raise BenchError(f"job {job_id} made no progress for {stall:.0f} s "
                                 f"({done}/{total} objects done, status {job['status']})")
            idle = time.monotonic() - last_change
            if finish_via_api and job.get("gather_finished") and (
                    done >= total or idle > FINISH_WHEN_IDLE):
                platform.call("harvest_jobs_run", source_id=source_id)
            time.sleep(POLL_SECONDS)


def measure(harvester: Harvester, platform: Api, job: dict, entries: list[Entry], wall: float,
            deliveries: int, load: float) -> Result:
    titles = platform_titles(platform)
    expected = {entry.title for entry in entries}
    matched = set(titles) & expected
    seconds = (timestamp(job["finished"]) - timestamp(job["created"])).total_seconds()
    gather = (timestamp(job["gather_finished"]) - timestamp(job["created"])).total_seconds() \
        if job.get("gather_finished") else 0.0
    stored = expected_files = None
    if harvester.copies_files:
        stored = sum(1 for path in (STORAGE / "resources").rglob("*") if path.is_file()) \
            if (STORAGE / "resources").exists() else 0
        expected_files = sum(1 for entry in entries if entry.shared)
    summary = job.get("object_error_summary", []) + job.get("gather_error_summary", [])
    return Result(harvester.label, len(titles), len(expected - matched),
                  len(titles) - len(matched), job["stats"].get("errored", 0), seconds,
                  len(matched) / seconds * 60 if seconds > 0 else 0.0, gather, wall, deliveries,
                  load, stored, expected_files, summary)


def platform_titles(platform: Api) -> list[str]:
    """The title of every dataset in the platform (harvest sources excluded)."""
    titles, start = [], 0
    while True:
        page = platform.call("package_search", q="*:*", fq="+dataset_type:dataset",
                             include_private=True, rows=1000, start=start, sort="name asc",
                             fl=["name", "title"])
        titles += [row["title"] for row in page["results"]]
        start += 1000
        if start >= page["count"]:
            return titles


def timestamp(value: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(value)


def count_lines(path: Path, text: str) -> int:
    with open(path, errors="replace") as log:
        return sum(1 for line in log if text in line)


# --- output -------------------------------------------------------------------------------

def say(message: str) -> None:
    print(f"harvest-bench: {message}", file=sys.stderr, flush=True)


def report(results: list[Result], entries: list[Entry], fill_seconds: float | None,
           args) -> str:
    lines = ["| harvester | datasets | lost | duplicates | errors | seconds | datasets/min |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    lines += [f"| {r.harvester} | {r.datasets} | {r.lost} | {r.duplicates} | {r.errors} | "
              f"{r.seconds:.1f} | {r.per_minute:.0f} |" for r in results]
    shared = sum(1 for entry in entries if entry.shared)
    lines += ["", f"Target: ≥ {TARGET_PER_MINUTE} datasets/min (10 × data.gov's reported "
                  f"~60/min) with 0 lost and 0 duplicates; {os.cpu_count()} CPU cores, "
                  f"{args.fetch_consumers} fetch consumers."]
    for r in results:
        met = r.per_minute >= TARGET_PER_MINUTE and r.lost == 0 and r.duplicates == 0
        files = (f"; files stored {r.files_stored} of {r.files_expected} expected "
                 f"(the {len(entries) - shared} 不予共享 entries' data stays at the node)"
                 if r.files_stored is not None else "; resources left as links to the node")
        lines.append(f"- {r.harvester}: {'meets' if met else 'misses'} the target; gather "
                     f"{r.gather_seconds:.1f} s, wall {r.wall_seconds:.1f} s, load average "
                     f"{r.load_at_start:.1f} at the start, {r.deliveries} fetch-queue "
                     f"deliveries for {len(entries)} entries{files}.")
    lines.append("- ours copies, checksums and converts every shared file (GBK to UTF-8) and "
                 "records lineage; stock only links to the node's files, so it does less per "
                 "dataset.")
    if fill_seconds is not None:
        lines.append(f"- node filled with {len(entries)} entries + files in {fill_seconds:.1f} s "
                     f"({len(entries) / fill_seconds:.1f} entries/s, {FILL_THREADS} threads).")
    return "\n".join(lines)


def write_json(path: str, results: list[Result], entries: list[Entry],
               fill_seconds: float | None, args) -> None:
    data = {"entries": len(entries), "seed": args.seed, "fetch_consumers": args.fetch_consumers,
            "cpu_cores": os.cpu_count(), "node_fill_seconds": fill_seconds,
            "target_per_minute": TARGET_PER_MINUTE,
            "results": [vars(result) for result in results]}
    with open(path, "w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False, indent=1)


# --- main ---------------------------------------------------------------------------------

def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--entries", type=int, default=2000, help="entries at the node")
    parser.add_argument("--fetch-consumers", type=int, default=2,
                        help="fetch consumers per harvester (plus one gather consumer)")
    parser.add_argument("--seed", type=int, default=20240601,
                        help="the same seed gives the same entries and files")
    parser.add_argument("--json", metavar="OUT.json", help="also write the results here")
    parser.add_argument("--keep-node", action="store_true",
                        help="leave the filled node running (for --reuse-node)")
    parser.add_argument("--reuse-node", action="store_true",
                        help="harvest the node a --keep-node run left, without refilling it")
    parser.add_argument("--harvester", choices=["both", *HARVESTERS], default="both")
    parser.add_argument("--port", type=int, default=5061,
                        help="port of the temporary web server for the bench platform")
    parser.add_argument("--node-port", type=int, default=5052, help="port of the node")
    parser.add_argument("--stall-timeout", type=float, default=300,
                        help="give up when a job makes no progress for this many seconds")
    return parser.parse_args(argv)


def prepare_node(entries: list[Entry], args) -> tuple[Api, float | None]:
    """The filled node and the seconds filling took (None when reused as it was)."""
    if args.reuse_node:
        kept = kept_node()
        if not kept:
            raise BenchError(f"no node to reuse ({NODE_ENV} is missing): run with --keep-node")
        node = Api(kept["URL"], kept["TOKEN"])
        check_node(node, entries)
        return node, None
    say("starting an empty department node")
    node = start_node(args.node_port)
    seconds = fill_node(node, entries, FILL_THREADS)
    say(f"node filled: {len(entries)} entries in {seconds:.1f} s "
        f"({len(entries) / seconds:.1f}/s)")
    check_node(node, entries)
    return node, seconds


def terminate(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, terminate)
    entries = generate(args.entries, args.seed)
    processes = Processes()
    try:
        node, fill_seconds = prepare_node(entries, args)
        write_stock_ini()
        results = []
        for key in (HARVESTERS if args.harvester == "both" else [args.harvester]):
            try:
                results.append(run_harvester(HARVESTERS[key], node, entries, args, processes))
            finally:
                processes.stop_all()
        print(report(results, entries, fill_seconds, args), flush=True)
        for result in results:
            for error in result.error_summary[:5]:
                say(f"{result.harvester} error ×{error.get('error_count')}: "
                    f"{str(error.get('message'))[:300]}")
        if args.json:
            write_json(args.json, results, entries, fill_seconds, args)
        return 0 if all(r.lost == 0 and r.duplicates == 0 for r in results) else 1
    except BenchError as error:
        say(f"error: {error}")
        return 1
    except KeyboardInterrupt:
        say("interrupted")
        return 130
    finally:
        processes.stop_all()
        if not args.keep_node:
            stop_kept_node()


if __name__ == "__main__":
    sys.exit(main())
