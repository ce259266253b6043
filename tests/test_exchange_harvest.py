"""The exchange, harvested for real: a department node (stock CKAN 2.11 in its own process,
database, Solr core and port; `scripts/stack.py node-reset`) is harvested by the platform's
own gather and fetch consumers (subprocesses on the test configuration and Redis queues).

The tests run in order and build on each other, like a node's life: first harvest, an
update + a deletion + a new entry, failures that the next run recovers from, a fetch
consumer killed in the middle of a job.
"""
from __future__ import annotations

import hashlib
import http.server
import io
import json
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import openpyxl
import pytest
import requests

import ckan.model as model
import ckan.plugins as plugins
from ckan.lib import uploader
from ckan.tests import factories, helpers

from ckanext.govshare.model import EntryLineage, FileLineage
from conftest import REPO, RUN_DIR

pytestmark = pytest.mark.usefixtures("with_plugins")

TEST_INI = RUN_DIR / "test.ini"
MAPPING = {
    "fields": {"资源分类": "classification", "共享类型": "share_type", "共享条件": "share_condition",
               "开放类型": "open_type", "更新周期": "update_cycle", "数据级别": "data_grade",
               "格式分类": "format_category", "格式类型": "format_type",
               "信息资源代码": "resource_code", "信息项": "data_items"},
    "values": {"update_cycle": {"年": "yearly", "月": "monthly"}},
    "defaults": {"sensitivity": "L1"},
    "max_file_mb": 1,
}
ITEMS = [{"name": "区县名称", "type": "C"}, {"name": "人口数", "type": "N"}]
GBK_TEXT = "区县名称,人口数\n鼓楼区,690000\n台江区,440000\n"


# --- the node and the platform's consumers ---------------------------------------------------

@pytest.fixture(scope="module")
def node():
    subprocess.run(["python3", str(REPO / "scripts" / "stack.py"), "node-reset"], check=True,
                   capture_output=True)
    values = dict(line.split("=", 1) for line in
                  (RUN_DIR / "node.env").read_text().splitlines() if "=" in line)
    yield Node(values["GOVSHARE_NODE_URL"], values["GOVSHARE_NODE_TOKEN"])
    subprocess.run(["python3", str(REPO / "scripts" / "stack.py"), "node-down"], check=False,
                   capture_output=True)


class Node:
    """The node's Action API, as its department uses it."""

    def __init__(self, url: str, token: str):
        self.url, self.token = url, token

    def call(self, action: str, files=None, **data):
        headers = {"Authorization": self.token}
        if files:
            response = requests.post(f"{self.url}/api/3/action/{action}", data=data,
                                     files=files, headers=headers, timeout=60)
        else:
            response = requests.post(f"{self.url}/api/3/action/{action}", json=data,
                                     headers=headers, timeout=60)
        body = response.json()
        assert body["success"], body
        return body["result"]

    def entry(self, name: str, title: str, share: str = "无条件共享", open_: str = "无条件开放",
              private: bool = False, **extras) -> dict:
        fields = {"资源分类": "101004", "共享类型": share, "开放类型": open_, "更新周期": "年",
                  "数据级别": "一般数据", "格式分类": "2", "格式类型": "csv",
                  "信息项": json.dumps(ITEMS, ensure_ascii=False), **extras}
        if share != "无条件共享":
            fields.setdefault("共享条件", "依据《政务数据共享条例》第十条")
        return self.call("package_create", name=name, title=title, owner_org="node-dept",
                         notes=f"{title}：节点登记的数据。", private=private,
                         tags=[{"name": "人口"}],
                         extras=[{"key": k, "value": v} for k, v in fields.items()])

    def upload(self, package_id: str, filename: str, content: bytes, fmt: str) -> dict:
        return self.call("resource_create", package_id=package_id, name=filename, format=fmt,
                         files={"upload": (filename, content)})


@pytest.fixture(scope="module")
def platform(module_platform, node):
    from ckanext.harvest import queue
    queue.purge_queues()
    bureau = factories.Sysadmin()
    department = factories.Organization(name="shi-tongji-ju", title="市统计局",
                                        credit_code="12100000400000624D", user=bureau)
    consumers = Consumers()
    yield {"bureau": bureau, "department": department, "consumers": consumers}
    consumers.stop()


class Consumers:
    """The platform's gather and fetch consumers, as `make up` runs them."""

    def __init__(self):
        self.processes = {name: self.start(name) for name in ("gather", "fetch")}

    @staticmethod
    def start(name: str) -> subprocess.Popen:
        log = open(RUN_DIR / f"test-harvest-{name}.log", "ab")
        return subprocess.Popen([str(REPO / ".venv" / "bin" / "ckan"), "-c", str(TEST_INI),
                                 "harvester", f"{name}-consumer"], stdout=log, stderr=log,
                                start_new_session=True)

    def kill(self, name: str) -> None:
        os.killpg(self.processes[name].pid, signal.SIGKILL)
        self.processes[name].wait()

    def restart(self, name: str) -> None:
        self.processes[name] = self.start(name)

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=20)


# --- harvesting ------------------------------------------------------------------------------

def create_source(platform, url: str, source_type: str = "govshare_node", config=None,
                  name: str = "node-tongji") -> dict:
    return helpers.call_action(
        "harvest_source_create", context={"user": platform["bureau"]["name"]},
        name=name, title=f"节点 {name}", url=url, source_type=source_type,
        owner_org=platform["department"]["id"],
        config=json.dumps(MAPPING if config is None else config, ensure_ascii=False))


def harvest(platform, source: dict, timeout: float = 240) -> dict:
    """Run one job through the queues and wait until the periodic check finishes it."""
    from ckanext.govshare.exchange import watchdog
    from ckanext.harvest.model import HarvestJob
    job = helpers.call_action("harvest_job_create", context={"user": platform["bureau"]["name"]},
                              source_id=source["id"], run=True)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        model.Session.remove()
        watchdog.check()
        if model.Session.get(HarvestJob, job["id"]).status == "Finished":
            model.Session.remove()
            return helpers.call_action("harvest_job_show", id=job["id"])
        time.sleep(0.5)
    raise AssertionError(f"job {job['id']} did not finish within {timeout} s")


def report(job: dict) -> dict:
    """The job's object counts and error messages by stage."""
    from ckanext.harvest.model import HarvestGatherError, HarvestObject, HarvestObjectError
    objects = model.Session.query(HarvestObject).filter_by(harvest_job_id=job["id"]).all()
    errors = model.Session.query(HarvestObjectError).join(HarvestObject).filter(
        HarvestObject.harvest_job_id == job["id"]).all()
    gather = model.Session.query(HarvestGatherError).filter_by(harvest_job_id=job["id"]).all()
    by_stage: dict[str, list[str]] = {}
    for error in errors:
        by_stage.setdefault(error.stage, []).append(error.message)
    return {"objects": len(objects), "states": sorted(o.state for o in objects),
            "errors": by_stage, "gather_errors": [e.message for e in gather]}


def central(name: str) -> dict:
    return helpers.call_action("package_show", id=name)


def central_names(source_id: str) -> set[str]:
    rows = model.Session.query(EntryLineage).filter_by(source_id=source_id, withdrawn=None)
    return {model.Session.get(model.Package, row.package_id).name for row in rows}


def stored_bytes(resource: dict) -> bytes:
    path = uploader.get_resource_uploader(resource).get_path(resource["id"])
    return Path(path).read_bytes()


def xlsx_bytes() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["区县名称", "人口数"])
    sheet.append(["鼓楼区", 690000])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


XLSX = xlsx_bytes()


# --- the node's life ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def first(platform, node):
    """The node's first catalog, harvested once."""
    node.call("organization_create", name="node-dept", title="节点部门")
    open_entry = node.entry("renkou-tongji", "常住人口统计", 信息资源代码="101004/000123")
    node.upload(open_entry["id"], "utf8.csv", "区县名称,人口数\n鼓楼区,690000\n".encode(), "CSV")
    node.upload(open_entry["id"], "gbk.csv", GBK_TEXT.encode("gbk"), "CSV")
    internal = node.entry("hukou-qianyi", "户籍迁移登记", share="有条件共享", open_="不予开放",
                          private=True, 信息资源代码="not-a-code")
    node.upload(internal["id"], "qianyi.xlsx", XLSX, "XLSX")
    node.upload(internal["id"], "broken.xlsx", b"not a workbook at all", "XLSX")
    secret = node.entry("shehui-jiuzhu", "社会救助对象", share="不予共享", open_="不予开放",
                        private=True)
    node.upload(secret["id"], "jiuzhu.csv", "姓名,身份证号\n张三,350102\n".encode(), "CSV")
    big = node.entry("da-wenjian", "超限文件", 更新周期="月")
    node.upload(big["id"], "big.csv", b"a,b\n" + b"1,2\n" * 300_000, "CSV")  # 1.2 MB > 1 MB
    source = create_source(platform, node.url)
    helpers.call_action("govshare_exchange_token_set",
                        context={"user": platform["bureau"]["name"]},
                        source_id=source["id"], api_token=node.token)
    job = harvest(platform, source)
    return {"source": source, "job": job, "department_id": platform["department"]["id"],
            "token": node.token,
            "ids": {e["name"]: e["id"] for e in (open_entry, internal, secret, big)}}


def test_first_harvest_matches_the_node(first, node):
    result = report(first["job"])
    assert result["gather_errors"] == []
    assert result["objects"] == 4 and result["states"] == ["COMPLETE"] * 4
    # the file over the limit, and the workbook that is no workbook: reported, not skipped
    assert sorted(result["errors"]) == ["Conversion", "Transfer"]
    assert "1 MB" in result["errors"]["Transfer"][0]
    assert result["errors"]["Conversion"][0].startswith("broken.xlsx: ")
    names = central_names(first["source"]["id"])
    assert names == {"renkou-tongji", "hukou-qianyi", "shehui-jiuzhu", "da-wenjian"}
    for name in names:
        at_node, here = node.call("package_show", id=name), central(name)
        assert here["title"] == at_node["title"] and here["notes"] == at_node["notes"]
        assert [t["name"] for t in here["tags"]] == ["人口"]
        assert here["classification"] == "101004" and here["data_grade"] == "general"
        assert here["sensitivity"] == "L1"  # the source's default
        assert [{k: v for k, v in item.items() if v} for item in here["data_items"]] == ITEMS
        assert here["owner_org"] == first["department_id"]  # the source's department
    opened = central("renkou-tongji")
    assert opened["share_type"] == "unconditional" and opened["open_type"] == "open"
    assert opened["update_cycle"] == "yearly"
    assert opened["resource_code"] == "101004/000123"  # the node's valid code is kept
    internal = central("hukou-qianyi")
    assert internal["share_type"] == "conditional"
    assert internal["resource_code"].startswith("101004/")  # malformed at the node: issued
    assert internal["resource_code"] != "not-a-code"
    assert central("da-wenjian")["update_cycle"] == "monthly"


def test_files_are_copied_converted_or_kept_at_the_node(first):
    opened = central("renkou-tongji")
    utf8, gbk = opened["resources"]
    assert stored_bytes(utf8) == "区县名称,人口数\n鼓楼区,690000\n".encode()
    assert stored_bytes(gbk) == GBK_TEXT.encode("utf-8")  # GBK became UTF-8
    files = {row.resource_id: row for row in model.Session.query(FileLineage)}
    assert files[gbk["id"]].transfer == "converted"
    assert files[gbk["id"]].source_encoding == "gb18030"
    assert files[gbk["id"]].source_checksum == hashlib.sha256(GBK_TEXT.encode("gbk")).hexdigest()
    assert files[gbk["id"]].checksum == hashlib.sha256(GBK_TEXT.encode()).hexdigest()
    assert files[utf8["id"]].transfer == "copied"

    sheet, made_csv, broken = central("hukou-qianyi")["resources"]
    assert stored_bytes(broken) == b"not a workbook at all"  # kept as it came
    assert files[broken["id"]].transfer == "copied" and files[broken["id"]].note
    assert stored_bytes(sheet) == XLSX
    assert sheet["url_type"] == "upload" and made_csv["format"] == "CSV"
    assert stored_bytes(made_csv).decode() == "区县名称,人口数\r\n鼓楼区,690000\r\n"
    assert files[made_csv["id"]].derived_from == sheet["id"]

    secret = central("shehui-jiuzhu")["resources"][0]
    assert secret["url"] == "" and secret.get("url_type") in (None, "")
    assert files[secret["id"]].transfer == "not_copied" and files[secret["id"]].size is None
    storage = Path(helpers.config["ckan.storage_path"]) / "resources"
    stored = {p.read_bytes() for p in storage.rglob("*") if p.is_file()}
    assert "张三".encode() not in b"".join(stored)  # the 不予共享 data never arrived

    big = central("da-wenjian")["resources"][0]
    assert big["url"] == "" and files[big["id"]].transfer == "failed"
    assert "limit" in files[big["id"]].note or "上限" in files[big["id"]].note


def test_lineage_through_the_api_and_on_the_page(first, app, platform, node):
    lineage = helpers.call_action("govshare_lineage_show",
                                  context={"user": platform["bureau"]["name"]}, id="renkou-tongji")
    assert lineage["source_id"] == first["source"]["id"]
    assert lineage["remote_id"] == first["ids"]["renkou-tongji"]
    assert lineage["harvest_job_id"] == first["job"]["id"]
    assert [f["transfer"] for f in lineage["files"]] == ["copied", "converted"]
    assert all(len(f["checksum"]) == 64 for f in lineage["files"])
    page = app.get("/dataset/renkou-tongji", status=200).body
    assert first["ids"]["renkou-tongji"] in page and "节点 node-tongji" in page
    # the public sees where an open entry came from, but not the node's network address
    assert node.url not in page
    public = helpers.call_action("govshare_lineage_show", context={"user": "",
                                 "ignore_auth": False}, id="renkou-tongji")
    assert public["source_url"] == "" and {f["remote_url"] for f in public["files"]} == {""}
    assert lineage["source_url"] == node.url  # the bureau sees it
    # the token is never shown, and a stranger may not read its status
    status = helpers.call_action("govshare_exchange_token_status",
                                 context={"user": platform["bureau"]["name"]},
                                 source_id=first["source"]["id"])
    assert status["token_set"] is True
    assert first["token"] not in json.dumps(status)
    assert first["token"] not in json.dumps(helpers.call_action(
        "harvest_source_show", id=first["source"]["id"]))
    stranger = factories.User()
    with pytest.raises(plugins.toolkit.NotAuthorized):
        helpers.call_action("govshare_exchange_token_status",
                            context={"user": stranger["name"], "ignore_auth": False},
                            source_id=first["source"]["id"])


def test_update_deletion_and_new_entry(first, platform, node):
    node.call("package_patch", id="renkou-tongji", title="常住人口统计（修订）")
    node.call("package_delete", id="shehui-jiuzhu")
    fresh = node.entry("chusheng-dengji", "出生登记", 更新周期="月")
    node.upload(fresh["id"], "chusheng.csv", "月份,出生数\n1,1200\n".encode(), "CSV")
    job = harvest(platform, first["source"])
    result = report(job)
    # the unchanged entry is not fetched again; the one whose file failed is retried
    assert result["objects"] == 3 + 1, result
    assert list(result["errors"]) == ["Transfer"]
    assert central("renkou-tongji")["title"] == "常住人口统计（修订）"
    assert central("chusheng-dengji")["update_cycle"] == "monthly"
    withdrawn = central("shehui-jiuzhu")
    assert withdrawn["state"] == "deleted"
    row = model.Session.get(EntryLineage, withdrawn["id"])
    assert row.withdrawn is not None and job["id"] in row.withdrawn_reason
    at_node = {p["name"] for p in node.call("package_search", include_private=True,
                                             rows=100)["results"]}
    assert central_names(first["source"]["id"]) == at_node
    # the re-harvested entry kept its stored files (same bytes, no second copy)
    lineage = helpers.call_action("govshare_lineage_show", id="renkou-tongji")
    assert len(lineage["files"]) == 2


def test_unreachable_node_then_recovery(first, platform, node):
    helpers.call_action("harvest_source_patch", context={"user": platform["bureau"]["name"]},
                        id=first["source"]["id"], url="http://127.0.0.1:9")
    before = central_names(first["source"]["id"])
    job = harvest(platform, first["source"])
    result = report(job)
    assert result["objects"] == 0 and len(result["gather_errors"]) == 1
    assert "127.0.0.1:9" in result["gather_errors"][0]
    assert central_names(first["source"]["id"]) == before  # nothing withdrawn, nothing made
    node.call("package_patch", id="hukou-qianyi", title="户籍迁移登记（新）")
    helpers.call_action("harvest_source_patch", context={"user": platform["bureau"]["name"]},
                        id=first["source"]["id"], url=node.url)
    harvest(platform, first["source"])
    assert central("hukou-qianyi")["title"] == "户籍迁移登记（新）"


class BrokenNode(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"success": true, "result": {"count": 3, "results": [')

    def log_message(self, *args):
        pass


def test_malformed_json_is_a_gather_error(platform):
    server = http.server.HTTPServer(("127.0.0.1", 0), BrokenNode)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        source = create_source(platform, f"http://127.0.0.1:{server.server_port}",
                               name="broken-node")
        result = report(harvest(platform, source))
    finally:
        server.shutdown()
    assert result["objects"] == 0
    assert result["gather_errors"] and "JSON" in result["gather_errors"][0]
    assert central_names(source["id"]) == set()


def test_validation_failure_then_fix(first, platform, node):
    bad = node.entry("cuowu-tiaomu", "错误条目", 数据级别="特别重要")
    job = harvest(platform, first["source"])
    result = report(job)
    assert result["states"].count("ERROR") == 1, result  # (the other: the big file, retried)
    # (one message; a slow machine may re-queue the object and report it a second time)
    messages = set(result["errors"]["Import"])
    assert len(messages) == 1 and "data_grade" in messages.pop()
    assert model.Package.get("cuowu-tiaomu") is None  # nothing half-created
    node.call("package_patch", id=bad["id"],
              extras=[{"key": k, "value": ("一般数据" if k == "数据级别" else v)}
                      for k, v in ((e["key"], e["value"]) for e in bad["extras"])])
    harvest(platform, first["source"])
    assert central("cuowu-tiaomu")["data_grade"] == "general"


def test_fetch_consumer_killed_mid_job(first, platform, node):
    names = [f"piliang-{n:02d}" for n in range(24)]
    for name in names:
        entry = node.entry(name, f"批量条目 {name}")
        node.upload(entry["id"], f"{name}.csv", f"编号\n{name}\n".encode(), "CSV")
    from ckanext.govshare.exchange import watchdog
    from ckanext.harvest.model import HarvestObject
    job = helpers.call_action("harvest_job_create", context={"user": platform["bureau"]["name"]},
                              source_id=first["source"]["id"], run=True)
    deadline = time.monotonic() + 120
    while True:  # let part of the job through, then kill the consumer mid-way
        model.Session.remove()
        done = model.Session.query(HarvestObject).filter_by(
            harvest_job_id=job["id"], state="COMPLETE").count()
        if done >= 4:
            break
        assert time.monotonic() < deadline, "the fetch consumer never got going"
        time.sleep(0.1)
    platform["consumers"].kill("fetch")
    model.Session.remove()
    assert model.Session.query(HarvestObject).filter_by(
        harvest_job_id=job["id"], state="COMPLETE").count() < len(names)
    time.sleep(31)  # longer than requeue_after in test.ini: the claim is now abandoned
    platform["consumers"].restart("fetch")
    deadline = time.monotonic() + 240
    from ckanext.harvest.model import HarvestJob
    while model.Session.get(HarvestJob, job["id"]).status != "Finished":
        assert time.monotonic() < deadline, "the job did not finish after the restart"
        model.Session.remove()
        watchdog.check()
        time.sleep(0.5)
    model.Session.remove()
    harvested = central_names(first["source"]["id"])
    assert set(names) <= harvested
    rows = model.Session.query(EntryLineage).filter(EntryLineage.remote_name.in_(names)).all()
    assert len(rows) == len(names)  # one entry each: none lost, none twice
    packages = model.Session.query(model.Package).filter(
        model.Package.title.like("批量条目 %"), model.Package.state == "active").count()
    assert packages == len(names)
    for name in names:
        resources = central(name)["resources"]
        assert len(resources) == 1 and stored_bytes(resources[0]) == f"编号\n{name}\n".encode()


# --- sources that are not CKAN ------------------------------------------------------------------

class StaticFiles:
    """A department web server publishing files (a catalog template, a DCAT catalog)."""

    def __init__(self, directory: Path):
        handler = lambda *args: http.server.SimpleHTTPRequestHandler(  # noqa: E731
            *args, directory=str(directory))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.RequestHandlerClass.log_message = lambda *args: None
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/{name}"

    def close(self) -> None:
        self.server.shutdown()


def template_workbook(titles: list[str]) -> bytes:
    """A department's catalog, filled into the national template."""
    from ckanext.govshare import catalog_table
    packages = [{"title": title, "notes": f"{title}：按模板报送。", "classification": "101004",
                 "format_category": "2", "format_type": "xlsx", "share_type": "unconditional",
                 "open_type": "not_open", "update_cycle": "quarterly", "data_grade": "general",
                 "sensitivity": "L2", "data_items": ITEMS, "tags": [{"name": "模板"}]}
                for title in titles]
    out = io.BytesIO()
    catalog_table.write_xlsx(*catalog_table.rows(packages), out)
    return out.getvalue()


def test_catalog_file_source(platform, tmp_path):
    files = StaticFiles(tmp_path)
    try:
        (tmp_path / "catalog.xlsx").write_bytes(template_workbook(["企业登记信息", "社保参保信息"]))
        source = create_source(platform, files.url("catalog.xlsx"), "govshare_catalog_file",
                               config={}, name="catalog-file")
        result = report(harvest(platform, source))
        assert result["states"] == ["COMPLETE", "COMPLETE"] and not result["errors"], result
        entries = {central(name)["title"]: central(name) for name in central_names(source["id"])}
        assert set(entries) == {"企业登记信息", "社保参保信息"}
        entry = entries["企业登记信息"]
        assert (entry["share_type"], entry["open_type"], entry["update_cycle"],
                entry["sensitivity"]) == ("unconditional", "not_open", "quarterly", "L2")
        assert entry["owner_org"] == platform["department"]["id"]
        assert entry["resource_code"].startswith("101004/")
        # the department drops a row from its template: the entry is withdrawn
        (tmp_path / "catalog.xlsx").write_bytes(template_workbook(["企业登记信息"]))
        harvest(platform, source)
        assert central(entries["社保参保信息"]["id"])["state"] == "deleted"
        assert central(entries["企业登记信息"]["id"])["state"] == "active"
    finally:
        files.close()


def test_dcat_source_with_our_profile(first, platform, tmp_path):
    from ckanext.dcat.processors import RDFSerializer
    profiles = ["euro_dcat_ap_3", "euro_dcat_ap_scheming", "govshare_dcat_ap"]
    published = {**central("renkou-tongji"), "id": "dcat-node-entry-1", "name": "dcat-entry",
                 "title": "DCAT 节点：常住人口", "resource_code": "",
                 "resources": [{"id": "dcat-res-1", "name": "人口.csv", "format": "CSV",
                                "url": "http://data.example.gov.cn/renkou.csv"}]}
    (tmp_path / "catalog.ttl").write_text(RDFSerializer(profiles=profiles).serialize_catalog(
        {}, dataset_dicts=[published], _format="turtle"))
    files = StaticFiles(tmp_path)
    try:
        source = create_source(platform, files.url("catalog.ttl"), "dcat_rdf",
                               config={"profiles": profiles}, name="dcat-node")
        result = report(harvest(platform, source))
    finally:
        files.close()
    assert result["states"] == ["COMPLETE"] and not result["errors"], result
    row = model.Session.query(EntryLineage).filter_by(source_id=source["id"]).one()
    entry = central(row.package_id)
    assert entry["title"] == "DCAT 节点：常住人口"
    assert (entry["share_type"], entry["open_type"], entry["classification"]) == (
        "unconditional", "open", "101004")
    assert entry["owner_org"] == platform["department"]["id"]
    assert entry["resources"][0]["url"] == "http://data.example.gov.cn/renkou.csv"


def test_token_page(first, app, platform):
    bureau = {"Authorization": factories.APIToken(user=platform["bureau"]["name"])["token"]}
    url = f"/exchange/node/{first['source']['name']}/token"
    page = app.get(url, headers=bureau, status=200).get_data(as_text=True)
    assert 'name="api_token"' in page and first["token"] not in page
    empty = app.post(url, headers=bureau, data={"api_token": " "}, status=400)
    assert "api_token" in empty.get_data(as_text=True)
    app.post(url, headers=bureau, data={"api_token": first["token"]}, follow_redirects=False,
             status=302)
    stranger = {"Authorization": factories.APIToken(user=factories.User()["name"])["token"]}
    app.get(url, headers=stranger, status=403)
    app.get("/exchange/node/no-such-source/token", headers=bureau, status=404)
