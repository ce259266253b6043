#!/usr/bin/env python3
"""The portal's speed, side by side with stock CKAN and with Solr itself.

Two instances are filled with the same realistic catalog (benchmarks/catalog_entries.py,
reproducible from --seed):

  * ours:  the platform with every GovShare extension (.run/bench.ini: database
           govshare_bench, Solr core ckan_bench with our schema);
  * stock: CKAN 2.11 with core plugins only (.run/bench-stock.ini: database
           govshare_bench_stock, core ckan_bench_stock with CKAN's text analysis), holding the
           same entries without our fields; an entry our tiered access shows only to
           government staff is private there, and stock's staff user is a member of every
           department, so each kind of user sees the same entries on both.

Both are served alike: gunicorn, 2 worker processes × 2 threads (the official CKAN image runs
uWSGI with 2 processes), with Solr commits on as in production. For each size in --sizes
(entries are added up to it) the run

  1. creates the entries through the Action API (package_create with resources, --load-clients
     concurrent clients) and reports entries per second;
  2. rebuilds ours' search index with `ckan search-index rebuild` (one process) and
     `ckan search-index rebuild-fast` (one process per core), and stock's with rebuild
     (stock CKAN's rebuild-fast hangs: see ckanext/govshare/fork_safety.py);
  3. counts, for one request of each kind and user, the Solr requests and the SQL statements
     it causes (counters.py), and checks that a list page's SQL does not grow with the number
     of datasets shown (20 results against 1);
  4. sends --requests requests of each kind from --clients concurrent clients, as anonymous,
     government staff and sysadmin, to ours and to stock in turn, and the Solr queries ours
     made for the same requests straight to Solr (the lower bound), and reports p50/p95/p99
     latency and throughput.

Requests: package_search (empty query; Chinese keywords; organization + tag + format filters
with facets; page 500 of 20), package_show, the dataset page, the search page, the home page.
Results: one Markdown table and a JSON file per size in --out, and the targets checked:
ours/stock ≤ 1.15 at p95 for package_search and package_show for every user; rebuild-fast
≥ 100 entries/s; ≤ 3 Solr requests per dataset or search page; no per-dataset SQL on the
search page; page 500 answered.

    python3 scripts/stack.py services
    .venv/bin/python benchmarks/portal.py --sizes 10000,50000        # about 2 hours
    .venv/bin/python benchmarks/portal.py --sizes 500 --requests 20  # the CI smoke run

--reuse keeps instances already filled by an earlier run with the same seed (no wipe, no
load), to measure again after a change.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import json
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import requests

from harness import (CKAN, HOST, REPO, RUN_DIR, Api, BenchError, Processes, ckan,
                     empty_instance, ini_value, make_sysadmin, progress, wait_for_api,
                     write_private, write_soft_commit_ini)

sys.path.insert(0, str(REPO / "ckanext-govshare"))
import catalog_entries  # noqa: E402
import portal_report  # noqa: E402
import traffic  # noqa: E402
from counters import SolrRecorder, SqlCounter  # noqa: E402

GUNICORN = REPO / ".venv" / "bin" / "gunicorn"
STAFF = "bench_staff"
TIERS = ("anonymous", "staff", "sysadmin")
# words both instances can find: stock CKAN's analysis does not segment Chinese, so it finds
# a word only as a whole tag; ours finds these in titles and notes too
KEYWORDS = ["户籍人口", "企业法人登记", "空气质量监测", "社会保险参保", "鼓楼区", "医疗机构名录",
            "公交线路客流", "不动产登记"]
ROWS, DEEP_PAGE = 20, 500
SAMPLE = 50          # distinct datasets shown/read per user
WARMUP = 8           # requests of each kind before measuring (templates, caches, pools)


@dataclass
class Platform:
    key: str
    label: str
    env: str                                    # scripts/stack.py environment
    port: int
    setup: tuple[tuple[str, ...], ...]           # ckan commands after `db init`
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def ini(self) -> Path:
        return RUN_DIR / f"{self.env}.ini"

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def stamp(self) -> Path:          # what the instance holds, and its users' tokens
        return RUN_DIR / f"bench-portal-{self.key}.json"

    @property
    def database(self) -> str:
        return ini_value(self.ini, "sqlalchemy.url").rsplit("/", 1)[1].split("?")[0]

    @property
    def solr_core(self) -> str:
        return ini_value(self.ini, "solr_url").rstrip("/").rsplit("/", 1)[1]

    def api(self) -> Api:
        return Api(self.url, self.tokens["sysadmin"])

    def form(self, entry: dict) -> dict:
        return entry if self.key == "ours" else catalog_entries.stock_form(entry)


def platforms(port: int) -> list[Platform]:
    return [
        Platform("ours", "GovShare", "bench", port,
                 (("db", "upgrade", "-p", "harvest"), ("db", "upgrade", "-p", "govshare"),
                  ("govshare", "classification", "seed"))),
        Platform("stock", "stock CKAN 2.11", "bench-stock", port + 1,
                 (("db", "upgrade", "-p", "activity"),)),
    ]


def say(message: str) -> None:
    print(f"portal-bench: {message}", file=sys.stderr, flush=True)


# --- instances ----------------------------------------------------------------------------

def wipe(platform: Platform) -> None:
    """An empty instance with a sysadmin and a staff user (tokens in its stamp)."""
    ini = platform.ini
    empty_instance(ini, platform.setup)
    platform.tokens = {"sysadmin": make_sysadmin(ini)}
    ckan(ini, "user", "add", STAFF, f"email={STAFF}@bench.invalid", "password=bench-staff-1")
    platform.tokens["staff"] = ckan(ini, "user", "token", "add", STAFF, "benchmark") \
        .strip().splitlines()[-1].strip()
    save_stamp(platform, {"seed": None, "entries": 0, "created": []})


def save_stamp(platform: Platform, content: dict) -> None:
    write_private(platform.stamp, json.dumps({**content, "tokens": platform.tokens}))


def read_stamp(platform: Platform) -> dict:
    try:
        content = json.loads(platform.stamp.read_text())
    except (OSError, ValueError):
        return {}
    platform.tokens = content.get("tokens", {})
    return content


def serving_ini(platform: Platform) -> Path:
    """The instance's settings with index writes made searchable by Solr's soft commit (within
    a second) rather than a commit each, as the platform's background processes run: loading
    50,000 entries with a commit each would take hours on either instance. Only writes
    differ; every measured request is a read."""
    return write_soft_commit_ini(RUN_DIR / f"bench-portal-{platform.key}.ini", platform.ini,
                                 "benchmarks/portal.py")


def start_web(platform: Platform, processes: Processes) -> None:
    with socket.socket() as probe:  # an old server there would answer in its place
        if probe.connect_ex((HOST, platform.port)) == 0:
            raise BenchError(f"port {platform.port} is taken (an earlier run still serving?); "
                             f"stop it or choose --port")
    log = RUN_DIR / f"bench-portal-{platform.key}-web.log"
    process = processes.start(
        [str(GUNICORN), "--chdir", str(REPO / "benchmarks"), "--workers", "2", "--threads", "2",
         "--bind", f"{HOST}:{platform.port}", "--timeout", "300", "ckan_wsgi:application"],
        log, env={"CKAN_INI": str(serving_ini(platform))})
    wait_for_api(platform.url, process, log, timeout=180)


def create_departments(platform: Platform) -> None:
    api = platform.api()
    for dept in catalog_entries.departments():
        fields = {"name": dept.name, "title": dept.title}
        if platform.key == "ours":
            fields["credit_code"] = dept.credit_code
        api.call("organization_create", **fields)
    # ours: membership of any department makes a user government staff; stock: private
    # entries are seen by members of their organization, so staff joins every one
    joined = catalog_entries.departments()[:1] if platform.key == "ours" \
        else catalog_entries.departments()
    for dept in joined:
        api.call("organization_member_create", id=dept.name, username=STAFF, role="member")


def load(platform: Platform, entries: list[dict], clients: int) -> float:
    """Create ``entries`` through the API; entries per second."""
    api = platform.api()
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(clients) as pool, \
            progress(len(entries), f"{platform.key}: creating entries") as bar:
        futures = [pool.submit(api.call, "package_create", **platform.form(entry))
                   for entry in entries]
        try:
            for future in concurrent.futures.as_completed(futures):
                future.result()
                bar.update(1)
        except BaseException:  # Ctrl-C or a failure: leave the queued entries unsent
            for future in futures:
                future.cancel()
            raise
    return len(entries) / (time.monotonic() - started)


def existing_names(platform: Platform) -> set[str]:
    api, names, page = platform.api(), set(), 1000
    while True:
        found = api.call("package_search", q="*:*", fl="name", rows=page, start=len(names),
                         sort="name asc", include_private=True)["results"]
        names.update(row["name"] for row in found)
        if len(found) < page:
            return names


def rebuild(platform: Platform, command: str, expected: int) -> float:
    """Re-index everything with ``ckan search-index <command>``; entries per second."""
    ckan(platform.ini, "search-index", "clear")
    log = RUN_DIR / f"bench-portal-{platform.key}-{command}.log"
    say(f"{platform.key}: ckan search-index {command} ({expected} entries)")
    started = time.monotonic()
    with open(log, "wb") as out:
        try:
            result = subprocess.run(
                [str(CKAN), "-c", str(platform.ini), "search-index", command,
                 *(["-q"] if command == "rebuild" else [])],
                stdout=out, stderr=subprocess.STDOUT, check=False, timeout=120 + expected / 5)
        except subprocess.TimeoutExpired:
            raise BenchError(f"`ckan search-index {command}` on {platform.key} did not finish "
                             f"at 5 entries/s; see {log}") from None
    seconds = time.monotonic() - started
    if result.returncode != 0:
        raise BenchError(f"`ckan search-index {command}` failed; see {log}")
    indexed = platform.api().call("package_search", rows=0, include_private=True)["count"]
    if indexed != expected:
        raise BenchError(f"{platform.key}: {indexed} entries indexed after {command}, "
                         f"not {expected}")
    return expected / seconds


# --- the requests -------------------------------------------------------------------------

@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    paths: object        # (sample names, departments) -> list of paths
    api: bool = False    # an Action API call (counted against the ours/stock target)


def search(**params) -> str:
    # private entries too, as the search page asks: stock keeps staff-only entries private
    return "/api/3/action/package_search?" + urllib.parse.urlencode(
        {"include_private": "true", **params})


def facet_filter(dept: str, tag: str, fmt: str) -> str:
    return search(fq=f'organization:"{dept}" AND tags:"{tag}" AND res_format:"{fmt}"',
                  **{"facet.field": json.dumps(["organization", "tags", "res_format"])})


KINDS = [
    Kind("search_empty", "package_search: empty query", lambda names, depts: [search()], True),
    Kind("search_keyword", "package_search: Chinese keyword",
         lambda names, depts: [search(q=word) for word in KEYWORDS], True),
    Kind("search_facets", "package_search: 3 facet filters",
         lambda names, depts: [facet_filter(dept, district, fmt) for dept, district, fmt in zip(
             depts, catalog_entries.DISTRICTS, ["XLSX", "CSV", "API"] * 20)], True),
    Kind("search_deep", f"package_search: page {DEEP_PAGE}",
         lambda names, depts: [search(rows=ROWS, start=ROWS * (DEEP_PAGE - 1))], True),
    Kind("package_show", "package_show",
         lambda names, depts: ["/api/3/action/package_show?id=" + name for name in names],
         True),
    Kind("dataset_page", "dataset page", lambda names, depts: [f"/dataset/{n}" for n in names]),
    Kind("search_page", "search page",
         lambda names, depts: ["/dataset/?" + urllib.parse.urlencode({"q": word})
                               for word in KEYWORDS]),
    Kind("home_page", "home page", lambda names, depts: ["/"]),
]
PAGES = ("dataset_page", "search_page")          # at most 3 Solr requests each


def visible_sample(entries: list[dict], tier: str) -> list[str]:
    """Names of entries the tier may see, spread over the catalog."""
    names = [e["name"] for e in entries
             if tier != "anonymous" or catalog_entries.is_public(e)]
    step = max(1, len(names) // SAMPLE)
    return names[::step][:SAMPLE]


def requests_for(platform: Platform, kind: Kind, tier: str, entries: list[dict]) -> list:
    depts = [d.name for d in catalog_entries.departments()]
    headers = {"Authorization": platform.tokens[tier]} if tier != "anonymous" else None
    return [traffic.Request(platform.url + path, headers=headers)
            for path in kind.paths(visible_sample(entries, tier), depts)]


def solr_requests(solr_base: str, core: str, recorded: list) -> list:
    """The recorded Solr queries as requests straight to Solr (form POSTs, as pysolr sends
    long queries)."""
    return [traffic.Request(f"{solr_base}/{core}{path}", data=params)
            for path, params in recorded if path.endswith("/select")]


# --- one size -----------------------------------------------------------------------------

def count_requests(plats: list[Platform], entries: list[dict], solr_base: str) -> dict:
    """Solr requests and SQL statements per request, the Solr queries ours made (for the
    direct measurement), and how many entries each user finds."""
    counts: dict = {"solr": {}, "sql": {}, "visible": {}, "list_sql": {}}
    recorded: dict = {}
    with SolrRecorder(solr_base) as solr, SqlCounter() as sql:
        for platform in plats:
            for kind in KINDS:
                for tier in TIERS:
                    reqs = requests_for(platform, kind, tier, entries)
                    cell = f"{platform.key}/{kind.key}/{tier}"
                    traffic.run(reqs[:1], 2, 1)  # warm
                    calls = solr.record(platform.solr_core, lambda: traffic.run(reqs[:1], 1, 1))
                    counts["solr"][cell] = len(calls)
                    counts["sql"][cell] = sql.count(platform.database,
                                                    lambda: traffic.run(reqs[:1], 1, 1))
                    if platform.key == "ours":
                        recorded[f"{kind.key}/{tier}"] = [
                            call for request in reqs[:len(KEYWORDS)]
                            for call in solr.record(platform.solr_core,
                                                    lambda r=request: traffic.run([r], 1, 1))]
            for tier in TIERS:
                headers = {"Authorization": platform.tokens[tier]} if tier != "anonymous" else {}
                name = visible_sample(entries, "anonymous")[0]
                listing = {"20 results": "/dataset/", "1 result": f"/dataset/?q=name:{name}"}
                counts["list_sql"][f"{platform.key}/{tier}"] = {
                    label: sql.count(platform.database, lambda p=path: traffic.run(
                        [traffic.Request(platform.url + p, headers=headers)], 1, 1))
                    for label, path in listing.items()}
                counts["visible"][f"{platform.key}/{tier}"] = requests.get(
                    platform.url + search(rows=0), headers=headers,
                    timeout=traffic.TIMEOUT).json()["result"]["count"]
    return counts, recorded


def measure(plats: list[Platform], entries: list[dict], recorded: dict, solr_base: str,
            total: int, clients: int) -> dict:
    """Latency and throughput per request kind, user and system."""
    results: dict = {}
    cells = [(kind, tier) for kind in KINDS for tier in TIERS]
    with progress(len(cells), "measuring") as bar:
        for kind, tier in cells:
            for platform in plats:
                reqs = requests_for(platform, kind, tier, entries)
                traffic.run(reqs, min(WARMUP, total), clients)
                results[f"{platform.key}/{kind.key}/{tier}"] = traffic.run(
                    reqs, total, clients).as_dict()
            direct = solr_requests(solr_base, plats[0].solr_core,
                                   recorded.get(f"{kind.key}/{tier}", []))
            if direct:
                results[f"solr/{kind.key}/{tier}"] = traffic.run(direct, total,
                                                                 clients).as_dict()
            bar.update(1)
    return results


def prepare(plats: list[Platform], entries: list[dict], seed: int, keep: bool,
            load_clients: int, processes: Processes) -> dict:
    """Both instances holding ``entries`` and serving; the creation rates of each load that
    made them. With ``keep``, entries an earlier load made from the same seed stay."""
    rates: dict = {}
    for platform in plats:
        stamp = read_stamp(platform)
        if not (keep and stamp.get("seed") == seed and stamp["entries"] <= len(entries)):
            say(f"{platform.key}: wiping {platform.ini.name}")
            wipe(platform)
            stamp = {"seed": seed, "entries": 0, "created": []}
        start_web(platform, processes)
        if stamp["entries"] == 0:
            create_departments(platform)
        todo = entries[stamp["entries"]:]
        if todo and stamp["entries"]:  # an interrupted load leaves entries its stamp lacks
            present = existing_names(platform)
            todo = [entry for entry in todo if entry["name"] not in present]
        if todo:
            stamp["created"].append({"from": len(entries) - len(todo), "to": len(entries),
                                     "per_second": round(load(platform, todo, load_clients), 1)})
            stamp.update(seed=seed, entries=len(entries))
            save_stamp(platform, stamp)
        rates[platform.key] = stamp["created"]
    time.sleep(2)   # the last entries become searchable with Solr's soft commit
    return rates


def run_size(plats, entries, args, processes, keep: bool) -> dict:
    size = len(entries)
    say(f"=== {size} entries ===")
    created = prepare(plats, entries, args.seed, keep, args.load_clients, processes)
    reindex: dict = {}
    if args.no_rebuild:  # the figures of the run that last re-indexed at this size, if any
        reindex = read_stamp(plats[0]).get("reindex", {}).get(str(size), {})
    else:
        ours, stock = plats
        single = size <= args.single_rebuild_max
        reindex = {"ours": {"rebuild-fast": round(rebuild(ours, "rebuild-fast", size), 1)}}
        if single:
            reindex["ours"]["rebuild"] = round(rebuild(ours, "rebuild", size), 1)
            # stock's rebuild-fast hangs: its forked processes share the parent's pooled
            # database connection (ours drops it: ckanext/govshare/fork_safety.py)
            reindex["stock"] = {"rebuild": round(rebuild(stock, "rebuild", size), 1)}
        stamp = read_stamp(ours)
        stamp.setdefault("reindex", {})[str(size)] = {**reindex, "at": time.strftime("%Y-%m-%d %H:%M")}
        save_stamp(ours, stamp)
    processes.stop_all()   # measured servers start afresh, with the code as it is now
    for platform in plats:
        start_web(platform, processes)
    solr_base = ini_value(plats[0].ini, "solr_url").rstrip("/").rsplit("/", 1)[0]
    say("counting Solr requests and SQL statements per request")
    counts, recorded = count_requests(plats, entries, solr_base)
    say(f"measuring: {args.requests} requests × {len(KINDS)} kinds × {len(TIERS)} users, "
        f"{args.clients} clients")
    latencies = measure(plats, entries, recorded, solr_base, args.requests, args.clients)
    result = {"entries": size, "seed": args.seed, "requests": args.requests,
            "clients": args.clients, "created": created, "reindex": reindex,
            "counts": counts, "latency": latencies,
            "kinds": {kind.key: kind.label for kind in KINDS},
            "api_kinds": [kind.key for kind in KINDS if kind.api], "pages": list(PAGES),
            "tiers": list(TIERS),
            "public_entries": sum(1 for e in entries if catalog_entries.is_public(e))}
    result["targets"] = portal_report.targets(result)
    return result


# --- the command --------------------------------------------------------------------------

def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,50000",
                        help="catalog sizes to measure at, ascending (default 10000,50000)")
    parser.add_argument("--requests", type=int, default=200,
                        help="requests per kind, user and system (default 200)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients (4)")
    parser.add_argument("--load-clients", type=int, default=3,
                        help="concurrent clients creating entries (3)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--port", type=int, default=5071,
                        help="ours' port; stock's is the next one (5071)")
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "results"),
                        help="directory for portal-<size>.md and .json")
    parser.add_argument("--reuse", action="store_true",
                        help="keep what an earlier run with the same seed loaded")
    parser.add_argument("--no-rebuild", action="store_true", help="skip the re-index timings")
    parser.add_argument("--single-rebuild-max", type=int, default=10000,
                        help="time the one-process rebuilds only up to this size (10000)")
    args = parser.parse_args(argv)
    try:
        args.sizes = sorted(int(size) for size in args.sizes.split(","))
    except ValueError:
        parser.error("--sizes takes numbers separated by commas, e.g. 10000,50000")
    if min(args.sizes) < 1 or args.requests < 1 or args.clients < 1:
        parser.error("sizes, --requests and --clients must be positive")
    return args


def terminate(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, terminate)
    plats = platforms(args.port)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    all_entries = list(catalog_entries.entries(max(args.sizes), args.seed))
    processes = Processes()
    try:
        for number, size in enumerate(args.sizes):
            result = run_size(plats, all_entries[:size], args, processes,
                              keep=args.reuse or number > 0)
            processes.stop_all()
            table = portal_report.markdown(result)
            (out / f"portal-{size}.md").write_text(
                table + f"\n![p95 latency](portal-{size}.svg)\n", encoding="utf-8")
            (out / f"portal-{size}.svg").write_text(portal_report.chart(result), encoding="utf-8")
            (out / f"portal-{size}.json").write_text(
                json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
            print(table, flush=True)
    except BenchError as error:
        print(f"portal-bench: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        processes.stop_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
