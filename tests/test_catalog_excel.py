"""Catalog export (the national template as xlsx/csv, and as JSON through the API) and bulk
registration from the filled-in template, run by the real job worker on Redis."""
from __future__ import annotations

import csv
import io

import pytest
from ckan.lib import jobs
from ckan.tests import factories, helpers
from openpyxl import Workbook, load_workbook
from werkzeug.datastructures import FileStorage

from ckanext.govshare import catalog_table

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins")

ROW = {
    "信息资源分类": "101004 人口统计", "信息资源名称": "常住人口统计信息",
    "信息资源摘要": "全市常住人口年度统计。", "信息资源格式分类": "电子文件", "信息资源格式类型": "pdf",
    "共享类型": "无条件共享", "开放类型": "无条件开放", "更新周期": "每年", "数据级别": "一般数据",
    "敏感级别": "L1 不敏感", "领域标签": "人口、统计", "发布日期": "2024-06-01",
}


def template(rows, items=()):
    """A filled-in template, as a department would upload it."""
    book = Workbook()
    sheet = book.active
    sheet.title = catalog_table.ENTRY_SHEET
    headers = [catalog_table.ROW] + [h for _k, h in catalog_table.ENTRY_COLUMNS]
    sheet.append(headers)
    for number, row in enumerate(rows, start=1):
        sheet.append([number] + [row.get(h, "") for h in headers[1:]])
    item_sheet = book.create_sheet(catalog_table.ITEM_SHEET)
    item_headers = [catalog_table.ROW] + [h for _k, h in catalog_table.ITEM_COLUMNS]
    item_sheet.append(item_headers)
    for item in items:
        item_sheet.append([item.get(h, "") for h in item_headers])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


@pytest.fixture
def editor(department, classification_tree):
    user = factories.User(name="bianji")
    helpers.call_action("organization_member_create", id=department["id"],
                        username=user["name"], role="editor")
    return user


def run_import(app, user, department, workbook, mode="all_or_nothing"):
    record = helpers.call_action(
        "govshare_catalog_import_create", context={"user": user["name"]},
        upload=FileStorage(workbook, filename="目录.xlsx"), owner_org=department["id"], mode=mode)
    with app.flask_app.app_context():  # as under `ckan jobs worker`
        jobs.Worker(["govshare"]).work(burst=True)
    return helpers.call_action("govshare_catalog_import_show", context={"user": user["name"]},
                               id=record["id"])


@pytest.mark.usefixtures("with_test_worker")
class TestBulkRegistration:

    def test_valid_template_creates_every_entry_with_codes_and_items(self, app, editor, department):
        rows = [{**ROW, "信息资源格式分类": "电子表格", "信息资源格式类型": "xlsx"},
                {**ROW, "信息资源名称": "人口抽样调查数据", "信息资源代码": "101004/000010"}]
        items = [{"序号": 1, "信息项名称": "区县名称", "数据类型": "字符型", "数据长度": 50},
                 {"序号": 1, "信息项名称": "常住人口数", "数据类型": "I"}]

        result = run_import(app, editor, department, template(rows, items))

        assert result["state"] == "done", result
        assert result["created_codes"] == ["101004/000001", "101004/000010"]
        entry = helpers.call_action("package_show", id="101004-000001")
        assert entry["share_type"] == "unconditional" and entry["sensitivity"] == "L1"
        assert [t["name"] for t in entry["tags"]] == ["人口", "统计"]
        assert entry["data_items"] == [{"name": "区县名称", "type": "C", "length": 50},
                                       {"name": "常住人口数", "type": "I"}]

    def test_bad_rows_are_listed_with_field_errors_and_nothing_is_created(self, app, editor,
                                                                          department):
        rows = [ROW,
                {**ROW, "信息资源名称": "缺条件", "共享类型": "有条件共享"},
                {**ROW, "信息资源名称": "错选项", "更新周期": "每两年", "敏感级别": "L4 敏感"},
                {**ROW, "信息资源名称": "缺信息项", "信息资源格式分类": "数据库"}]

        result = run_import(app, editor, department, template(rows))

        assert result["state"] == "rejected"
        assert [(p["row"], p["title"]) for p in result["row_errors"]] == [
            (3, "缺条件"), (4, "错选项"), (5, "缺信息项")]
        assert {"field": "共享条件", "message": "有条件共享的信息资源须填写共享条件"} in \
            result["row_errors"][0]["errors"]
        messages = {e["field"]: e["message"] for e in result["row_errors"][1]["errors"]}
        assert messages["更新周期"] == "每两年 不是允许的取值"
        assert messages["开放类型"] == "敏感（L4）数据不得开放"
        assert result["row_errors"][2]["errors"] == [
            {"field": "信息资源格式分类", "message": "结构化信息资源（电子表格、数据库）须填写信息项"}]
        assert helpers.call_action("package_search", include_private=True,
                                   include_drafts=True)["count"] == 0

    def test_valid_only_mode_creates_the_good_rows(self, app, editor, department):
        rows = [ROW, {**ROW, "信息资源名称": "缺条件", "共享类型": "有条件共享"}]

        result = run_import(app, editor, department, template(rows), mode="valid_only")

        assert result["state"] == "done"
        assert result["created_codes"] == ["101004/000001"]
        assert [p["row"] for p in result["row_errors"]] == [3]

    def test_duplicate_codes_in_one_file_are_refused(self, app, editor, department):
        rows = [{**ROW, "信息资源代码": "101004/000003"},
                {**ROW, "信息资源名称": "重复", "信息资源代码": "101004/000003"}]

        result = run_import(app, editor, department, template(rows))

        assert result["state"] == "rejected"
        assert len(result["row_errors"]) == 2

    def test_a_workbook_without_the_template_sheet_fails_plainly(self, app, editor, department):
        book = Workbook()
        out = io.BytesIO()
        book.save(out)
        out.seek(0)

        result = run_import(app, editor, department, out)

        assert result["state"] == "failed"
        assert "信息资源目录" in result["message"]


def test_not_an_xlsx_is_refused_at_upload(app, editor, department):
    response = app.post("/api/3/action/govshare_catalog_import_create",
                        headers={"Authorization": factories.APIToken(user=editor["name"])["token"]},
                        data={"owner_org": department["id"],
                              "upload": (io.BytesIO(b"a,b\n1,2"), "x.csv")})

    assert response.status_code == 409
    assert response.json["error"]["upload"] == ["文件不是 Excel（xlsx）工作簿"]


def test_only_the_departments_editors_may_import(department, classification_tree):
    outsider = factories.User()

    with pytest.raises(helpers.logic.NotAuthorized):
        helpers.call_action("govshare_catalog_import_create",
                            context={"user": outsider["name"], "ignore_auth": False},
                            upload=FileStorage(template([ROW]), filename="x.xlsx"),
                            owner_org=department["id"])


def test_export_follows_the_template_and_round_trips(app, create_entry, data_bureau_admin):
    create_entry(data_items=[{"name": "区县名称", "type": "C", "length": 50}])
    create_entry(title="空气质量实时监测数据", classification="203001", share_type="conditional",
                 share_condition="仅限政务部门使用", open_type="not_open", data_grade="important",
                 sensitivity="L3")

    response = app.get("/catalog/export.xlsx", headers={
        "Authorization": factories.APIToken(user=data_bureau_admin["name"])["token"]})
    book = load_workbook(io.BytesIO(response.data))
    entries = list(book[catalog_table.ENTRY_SHEET].iter_rows(values_only=True))
    items = list(book[catalog_table.ITEM_SHEET].iter_rows(values_only=True))

    assert entries[0][:4] == ("序号", "信息资源分类", "信息资源名称", "信息资源代码")
    assert [row[3] for row in entries[1:]] == ["101004/000001", "203001/000001"]
    assert entries[2][9] == "有条件共享"
    assert items[1][:4] == (1, "101004/000001", "区县名称", None)
    reread = catalog_table.read_xlsx(io.BytesIO(response.data))
    assert reread[1]["package"]["share_type"] == "conditional"
    assert reread[1]["package"]["classification"] == "203001"
    assert not any(row["errors"] for row in reread)


def test_export_of_one_department_or_a_search(app, create_entry, data_bureau_admin):
    other = factories.Organization(name="shi-qita-ju", title="市其他局",
                                   credit_code="12100000400000624D", user=data_bureau_admin)
    create_entry()
    create_entry(title="空气质量实时监测数据", notes="各站点实时浓度。", classification="203001",
                 owner_org=other["id"])

    by_department = app.get("/catalog/export.csv?organization=shi-qita-ju").body
    by_search = helpers.call_action("govshare_catalog_export", q="人口")

    rows = list(csv.reader(io.StringIO(by_department.lstrip("\ufeff"))))
    assert [row[2] for row in rows[1:]] == ["空气质量实时监测数据"]
    assert [row[2] for row in by_search["entries"]] == ["常住人口统计信息"]


def test_search_page_offers_export_and_bulk_registration(app, editor):
    body = app.get("/dataset/?share_type=unconditional",
                   headers={"Authorization": factories.APIToken(user=editor["name"])["token"]}).body

    assert "/catalog/export.xlsx?share_type=unconditional" in body
    assert "/catalog/import" in body


def test_import_pages(app, editor):
    headers = {"Authorization": factories.APIToken(user=editor["name"])["token"]}

    form = app.get("/catalog/import", headers=headers).body
    refused = app.post("/catalog/import", headers=headers, data={"owner_org": ""})
    template_file = app.get("/catalog/import/template.xlsx")

    assert "市测试局" in form
    assert refused.status_code == 200 and "请选择部门" in refused.body
    assert load_workbook(io.BytesIO(template_file.data)).sheetnames == [
        catalog_table.ENTRY_SHEET, catalog_table.ITEM_SHEET]


def test_export_leaves_out_what_the_user_may_not_see(app, create_entry):
    create_entry()
    create_entry(title="户籍人口基本信息", share_type="conditional", share_condition="审批",
                 open_type="not_open", data_grade="important", sensitivity="L3")

    anonymous = app.get("/catalog/export.csv").body

    assert "常住人口统计信息" in anonymous and "户籍人口基本信息" not in anonymous
