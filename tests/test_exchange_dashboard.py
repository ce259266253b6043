"""The exchange dashboard: per-node, per-department and per-day figures of what the
department nodes delivered, counted from real harvest jobs, errors and lineage rows; who may
see them; the page, its chart and its CSV and xlsx exports."""
from __future__ import annotations

import csv
import datetime
import io

import pytest
from ckan.lib.helpers import get_display_timezone
from ckan.tests import factories, helpers
from openpyxl import load_workbook

import ckan.model as model
from ckanext.harvest.model import (HarvestGatherError, HarvestJob, HarvestObject,
                                   HarvestObjectError)

from ckanext.govshare.model import EntryLineage, FileLineage

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins")



def today() -> datetime.date:
    """Today where the portal shows times (Asia/Shanghai): the days the series counts."""
    return datetime.datetime.now(get_display_timezone()).date()


def days_ago(days: int) -> datetime.datetime:
    """Noon of a local day, as the naive UTC time the lineage stores: its day does not
    depend on the hour the tests run."""
    zone = get_display_timezone()
    noon = zone.localize(datetime.datetime.combine(today() - datetime.timedelta(days=days),
                                                   datetime.time(12)))
    return noon.astimezone(datetime.timezone.utc).replace(tzinfo=None)


class Exchange:
    """Writes harvest jobs, errors and lineage the way the harvesters do."""

    def __init__(self, bureau, create_entry):
        self.bureau = bureau
        self.create_entry = create_entry
        self.entries = 0

    def node(self, department, name, title):
        return helpers.call_action(
            "harvest_source_create", context={"user": self.bureau["name"]}, name=name,
            title=title, url=f"http://{name}.example.gov.cn/", source_type="ckan",
            owner_org=department["id"])

    def job(self, node, status="Finished", finished=None, created=None):
        job = HarvestJob(source_id=node["id"], status=status, finished=finished,
                         created=created or finished or datetime.datetime.utcnow())
        model.Session.add(job)
        model.Session.commit()
        return job

    def gather_error(self, job):
        model.Session.add(HarvestGatherError(harvest_job_id=job.id, message="节点不可达"))
        model.Session.commit()

    def object_errors(self, job, *stages):
        harvested = HarvestObject(job=job, source=job.source, guid=f"remote-of-{job.id}")
        model.Session.add(harvested)
        model.Session.flush()
        for stage in stages:
            model.Session.add(HarvestObjectError(harvest_object_id=harvested.id, stage=stage,
                                                 message=f"{stage} failed"))
        model.Session.commit()

    def entry(self, node, job, department, harvested, withdrawn=None, files=()):
        """A harvested entry with a resource per ``(transfer, size)`` in ``files``."""
        self.entries += 1
        pkg = self.create_entry(
            title=f"收到的目录{self.entries}", owner_org=department["id"],
            resources=[{"name": f"文件{n}", "url": f"http://node.example/{n}.csv"}
                       for n, _file in enumerate(files)])
        model.Session.add(EntryLineage(
            package_id=pkg["id"], source_id=node["id"], remote_id=f"remote-{self.entries}",
            harvest_job_id=job.id, harvest_object_id=f"object-{self.entries}",
            harvested=harvested, withdrawn=withdrawn,
            withdrawn_reason="节点撤回" if withdrawn else ""))
        for resource, (transfer, size) in zip(pkg["resources"], files):
            model.Session.add(FileLineage(
                resource_id=resource["id"], package_id=pkg["id"], source_id=node["id"],
                remote_id=resource["id"], harvest_job_id=job.id, harvested=harvested,
                transfer=transfer, size=size))
        model.Session.commit()
        return pkg


@pytest.fixture
def exchange(department, data_bureau_admin, create_entry):
    """Three nodes: 市测试局's busy node with a failed and a running job after a success,
    another department's node whose only job had object errors, and a node never run.

    市测试局's node delivered two entries held today, one withdrawn, and one whose dataset
    was deleted; the other node delivered one entry to its own department and one to
    市测试局 (entries count for the department that owns them)."""
    other = factories.Organization(name="shi-qita-ju", title="市其他局",
                                   credit_code="12100000400000624D", user=data_bureau_admin)
    ex = Exchange(data_bureau_admin, create_entry)
    busy = ex.node(department, "node-ceshi", "市测试局节点")
    remote = ex.node(other, "node-qita", "市其他局节点")
    idle = ex.node(department, "node-kong", "市测试局备用节点")

    succeeded = ex.job(busy, finished=days_ago(3))
    gather_failed = ex.job(busy, finished=days_ago(1))
    ex.gather_error(gather_failed)
    ex.object_errors(gather_failed, "Fetch", "Transfer", "Transfer")
    ex.job(busy, status="Running", created=datetime.datetime.utcnow())
    ex.entry(busy, succeeded, department, days_ago(0),
             files=[("copied", 1000), ("converted", 500), ("linked", None)])
    ex.entry(busy, succeeded, department, days_ago(0), files=[("failed", None)])
    ex.entry(busy, succeeded, department, days_ago(2), withdrawn=days_ago(1),
             files=[("not_copied", None)])
    deleted = ex.entry(busy, succeeded, department, days_ago(10))
    helpers.call_action("package_delete", context={"user": data_bureau_admin["name"]},
                        id=deleted["id"])

    errored = ex.job(remote, finished=days_ago(1))
    ex.object_errors(errored, "Import", "Conversion", "Validation")
    ex.entry(remote, errored, other, days_ago(1), files=[("copied", 2048)])
    ex.entry(remote, errored, department, days_ago(5))
    return {"busy": busy, "remote": remote, "idle": idle, "department": department,
            "other": other, "succeeded": succeeded}


def stats_as(user, **params):
    return helpers.call_action("govshare_exchange_stats",
                               context={"user": user["name"] if user else "",
                                        "ignore_auth": False}, **params)


def by_title(rows):
    return {row["title"]: row for row in rows}


def test_node_figures(exchange, data_bureau_admin):
    nodes = by_title(stats_as(data_bureau_admin)["nodes"])

    busy = nodes["市测试局节点"]
    assert (busy["department_title"], busy["type"], busy["active"]) == ("市测试局", "ckan", True)
    assert (busy["datasets"], busy["withdrawn"], busy["bytes"]) == (2, 1, 1500)
    assert busy["files"] == {"copied": 1, "converted": 1, "linked": 1, "not_copied": 1,
                             "failed": 1}
    assert busy["jobs"] == {"count": 3, "finished": 2}
    assert busy["errors"] == {"gather": 1, "fetch": 1, "import": 0, "transfer": 2,
                              "conversion": 0, "other": 0, "total": 4}
    assert busy["last_success"] == days_ago(3).isoformat()
    assert busy["last_job_status"] == "Running"

    remote = nodes["市其他局节点"]
    assert (remote["datasets"], remote["withdrawn"], remote["bytes"]) == (2, 0, 2048)
    assert remote["errors"] == {"gather": 0, "fetch": 0, "import": 1, "transfer": 0,
                                "conversion": 1, "other": 1, "total": 3}
    assert remote["jobs"] == {"count": 1, "finished": 1}
    assert (remote["last_success"], remote["last_job_status"]) == (None, "Finished")

    idle = nodes["市测试局备用节点"]
    assert (idle["datasets"], idle["bytes"], idle["errors"]["total"]) == (0, 0, 0)
    assert (idle["jobs"], idle["last_success"], idle["last_job_status"]) == (
        {"count": 0, "finished": 0}, None, None)


def test_department_figures_and_totals(exchange, data_bureau_admin):
    stats = stats_as(data_bureau_admin)

    assert [(d["title"], d["datasets"], d["bytes"], d["nodes"], d["errors"])
            for d in stats["departments"]] == [("市其他局", 1, 2048, 1, 3),
                                               ("市测试局", 3, 1500, 2, 4)]
    assert stats["totals"] == {"nodes": 3, "datasets": 4, "withdrawn": 1, "bytes": 3548,
                               "files_failed": 1, "errors": 7, "nodes_never_succeeded": 2}


def test_daily_series(exchange, data_bureau_admin):
    series = stats_as(data_bureau_admin, days=7)["series"]

    assert series["dates"] == [(today() - datetime.timedelta(days=d)).isoformat()
                               for d in range(6, -1, -1)]
    # withdrawn entries were still delivered; the deleted one is ten days old
    assert [(n["title"], n["datasets"], n["bytes"]) for n in series["nodes"]] == [
        ("市其他局节点", [0, 1, 0, 0, 0, 1, 0], [0, 0, 0, 0, 0, 2048, 0]),
        ("市测试局节点", [0, 0, 0, 0, 1, 0, 2], [0, 0, 0, 0, 0, 0, 1500])]
    assert stats_as(data_bureau_admin)["days"] == 30
    assert len(stats_as(data_bureau_admin)["series"]["dates"]) == 30
    assert [n["datasets"][-11] for n in stats_as(data_bureau_admin)["series"]["nodes"]] == [
        0, 1]


@pytest.mark.parametrize("days", ["abc", 0, 366, -1, "7.5", " "])
def test_bad_days_are_a_field_error(days, data_bureau_admin):
    with pytest.raises(helpers.logic.ValidationError) as raised:
        stats_as(data_bureau_admin, days=days)
    assert list(raised.value.error_dict) == ["days"]


def test_only_the_data_bureau_sees_the_figures(exchange, department):
    department_admin = factories.User()
    helpers.call_action("organization_member_create", id=department["id"],
                        username=department_admin["name"], role="admin")
    for user in (None, factories.User(), department_admin):
        with pytest.raises(helpers.logic.NotAuthorized):
            stats_as(user)


def auth(user):
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


def test_the_page_is_for_the_data_bureau(app, exchange, data_bureau_admin):
    app.get("/exchange", status=403)
    app.get("/exchange", headers=auth(factories.User()), status=403)
    app.get("/exchange/stats.csv", status=403)
    app.get("/exchange/stats.xlsx", headers=auth(factories.User()), status=403)
    app.get("/exchange?days=abc", headers=auth(data_bureau_admin), status=400)
    app.get("/exchange?days=400", headers=auth(data_bureau_admin), status=400)

    page = app.get("/en/exchange?days=7", headers=auth(data_bureau_admin)).get_data(as_text=True)

    for title in ("市测试局节点", "市其他局节点", "市测试局备用节点", "市其他局"):
        assert title in page
    assert "<svg" in page and "<figcaption>" in page
    assert f"市测试局节点, {today().isoformat()}: 2 datasets" in page
    assert page.count('<rect x=') == 4  # a bar per node and day with deliveries
    assert "/exchange/stats.csv" in page and "/exchange/stats.xlsx" in page


def test_csv_export(app, exchange, data_bureau_admin):
    body = app.get("/en/exchange/stats.csv", headers=auth(data_bureau_admin)).get_data()

    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    header, nodes = rows[0], rows[1:4]
    assert rows[4] == []
    assert [row[0] for row in nodes] == ["市其他局节点", "市测试局备用节点", "市测试局节点"]
    busy = dict(zip(header, nodes[2]))
    assert busy == {
        "Node": "市测试局节点", "Type": "ckan", "Department": "市测试局",
        "Datasets received": "2", "Withdrawn": "1", "Bytes stored": "1500",
        "Files: Copied": "1", "Files: Converted": "1", "Files: Linked": "1",
        "Files: Not copied (not shared)": "1", "Files: Failed": "1",
        "Jobs": "3", "Jobs finished": "2",
        "Errors: Gather": "1", "Errors: Fetch": "1", "Errors: Import": "0",
        "Errors: Transfer": "2", "Errors: Conversion": "0", "Errors: Other": "0",
        "Errors": "4", "Last successful harvest (UTC)": days_ago(3).isoformat(),
        "Last job": "Running"}
    assert rows[5:] == [["Department", "Datasets received", "Bytes stored", "Nodes", "Errors"],
                        ["市其他局", "1", "2048", "1", "3"],
                        ["市测试局", "3", "1500", "2", "4"]]


def test_xlsx_export(app, exchange, data_bureau_admin):
    body = app.get("/en/exchange/stats.xlsx", headers=auth(data_bureau_admin)).get_data()

    book = load_workbook(io.BytesIO(body))
    assert book.sheetnames == ["Nodes", "Departments"]
    nodes = list(book["Nodes"].values)
    assert nodes[0][:6] == ("Node", "Type", "Department", "Datasets received", "Withdrawn",
                            "Bytes stored")
    assert nodes[3][:6] == ("市测试局节点", "ckan", "市测试局", 2, 1, 1500)
    assert len(nodes) == 4
    assert list(book["Departments"].values) == [
        ("Department", "Datasets received", "Bytes stored", "Nodes", "Errors"),
        ("市其他局", 1, 2048, 1, 3), ("市测试局", 3, 1500, 2, 4)]


def test_bar_geometry_stacks_nodes_in_legend_order():
    from ckanext.govshare.exchange_views import PALETTE, bar_chart

    chart = bar_chart({"dates": ["2026-01-01", "2026-01-02"], "nodes": [
        {"title": "甲", "datasets": [1, 0]}, {"title": "乙", "datasets": [3, 5]}]})

    # the busiest day (5) fills the 222 pixels above the baseline at 232
    assert [(b["node"], b["date"], b["y"], b["height"], b["colour"]) for b in chart["bars"]] == [
        ("甲", "2026-01-01", 187.6, 44.4, PALETTE[0]),
        ("乙", "2026-01-01", 54.4, 133.2, PALETTE[1]),
        ("乙", "2026-01-02", 10.0, 222.0, PALETTE[1])]
    assert [t["value"] for t in chart["y_ticks"]] == [0, 2, 5]
    assert chart["legend"] == [{"title": "甲", "colour": PALETTE[0]},
                               {"title": "乙", "colour": PALETTE[1]}]
