"""A department user registers and edits a catalog entry through the web forms, in Chinese."""
from __future__ import annotations

import pytest
from ckan.tests import factories, helpers

from conftest import ENTRY

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins")


@pytest.fixture
def editor(department, classification_tree):
    user = factories.User(name="bianji")
    helpers.call_action("organization_member_create", id=department["id"],
                        username=user["name"], role="editor")
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


def _form(department, **fields):
    form = {**{k: v for k, v in ENTRY.items() if k != "data_items"},
            "owner_org": department["id"], "data_items-0-name": "区县名称",
            "data_items-0-type": "C", "data_items-0-length": "50", "save": "continue"}
    form.update(fields)
    return form


def test_form_is_in_chinese_with_catalog_fields(app, editor):
    body = app.get("/dataset/new", headers=editor).body

    for label in ("信息资源分类", "信息资源摘要", "共享类型", "开放类型", "更新周期", "数据级别",
                  "敏感级别", "信息项名称", "101004 人口统计"):
        assert label in body, label


def test_register_through_the_form(app, editor, department):
    created = app.post("/dataset/new", headers=editor, data=_form(department),
                       follow_redirects=False)

    assert created.status_code == 302
    assert "/dataset/101004-000001" in created.headers["location"]
    resource = app.post("/dataset/101004-000001/resource/new", headers=editor,
                        data={"id": "", "url": "https://data.example.gov.cn/rk.csv", "name": "常住人口统计表",
                              "format": "CSV", "channel_type": "file", "save": "go-metadata"},
                        follow_redirects=False)
    assert resource.status_code == 302
    entry = helpers.call_action("package_show", id="101004-000001")
    assert entry["state"] == "active"
    assert entry["resource_code"] == "101004/000001"
    assert entry["data_items"] == [{"name": "区县名称", "type": "C", "length": 50}]
    assert entry["resources"][0]["channel_type"] == "file"


def test_form_errors_are_shown_per_field_and_nothing_is_saved(app, editor, department):
    response = app.post("/dataset/new", headers=editor,
                        data=_form(department, share_type="conditional", sensitivity="L4"))

    assert response.status_code == 200
    assert "有条件共享的信息资源须填写共享条件" in response.body
    assert "敏感（L4）数据不得开放" in response.body
    assert helpers.call_action("package_search", include_private=True,
                               include_drafts=True)["count"] == 0


def test_edit_keeps_the_code(app, editor, create_entry):
    entry = create_entry()

    page = app.get(f"/dataset/edit/{entry['name']}", headers=editor).body
    response = app.post(f"/dataset/edit/{entry['name']}", headers=editor,
                        data={**_form({"id": entry["owner_org"]}), "title": "常住人口统计信息（修订）",
                              "save": ""}, follow_redirects=False)

    assert "101004/000001" in page or "101004-000001" in page
    assert response.status_code == 302
    updated = helpers.call_action("package_show", id=entry["id"])
    assert updated["title"] == "常住人口统计信息（修订）"
    assert updated["resource_code"] == "101004/000001"


def test_a_malformed_data_items_field_is_a_form_error_not_a_crash(app, editor, department):
    response = app.post("/dataset/new", headers=editor,
                        data={**_form(department), "data_items": "不是列表"})

    assert response.status_code == 200
    assert "信息项须为列表，每项包含名称和数据类型" in response.body
