"""The classification tree (类/项/目/细目): actions, auth, pages, and browsing by it."""
from __future__ import annotations

import pytest
from ckan.tests import factories, helpers

from ckanext.govshare import classification, demo

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins")


def as_user(user):
    return {"user": user["name"], "ignore_auth": False}


def test_seed_builds_the_standard_libraries(classification_tree):
    nodes = {n["code"]: n for n in helpers.call_action("govshare_classification_list")}

    assert {nodes[c]["name"] for c in ("101", "102", "103", "104", "105", "106")} == {
        "人口", "法人单位", "自然资源和空间地理", "宏观经济", "社会信用", "电子证照"}
    assert {"建筑物与管网", "企业证照", "环境资源"} <= {n["name"] for n in nodes.values()
                                                if n["parent"] == "2"}
    assert nodes["3"]["name"] == "部门信息资源"
    assert all(n["parent"] is None or n["parent"] in nodes for n in nodes.values())
    assert demo.seed_classification() == 0  # seeding again adds nothing


def test_list_children_and_show_with_ancestors(classification_tree):
    items = helpers.call_action("govshare_classification_list", parent="1")
    node = helpers.call_action("govshare_classification_show", code="101004")
    item = helpers.call_action("govshare_classification_show", code="101")

    assert [n["code"] for n in items] == ["101", "102", "103", "104", "105", "106"]
    assert [a["name"] for a in node["ancestors"]] == ["基础信息资源", "人口"]
    assert node["level"] == "category"
    assert [c["code"] for c in item["children"]] == ["101001", "101002", "101003", "101004"]


def test_counts_include_every_ancestor(create_entry):
    create_entry()
    create_entry(title="户籍人口基本信息", classification="101002")

    counts = {n["code"]: n["count"] for n in
              helpers.call_action("govshare_classification_list", with_counts=True)}

    assert (counts["1"], counts["101"], counts["101004"], counts["2"]) == (2, 2, 1, 0)


def test_sysadmin_creates_renames_and_deletes(classification_tree, data_bureau_admin):
    context = as_user(data_bureau_admin)

    created = helpers.call_action("govshare_classification_create", context=dict(context),
                                  code="10100401", name="年度人口统计", name_en="Yearly")
    renamed = helpers.call_action("govshare_classification_update", context=dict(context),
                                  code="10100401", name="人口年度统计")
    helpers.call_action("govshare_classification_delete", context=dict(context), code="10100401")

    assert created["level"] == "subcategory" and created["parent"] == "101004"
    assert renamed["name"] == "人口年度统计"
    with pytest.raises(helpers.logic.NotFound):
        helpers.call_action("govshare_classification_show", code="10100401")


@pytest.mark.parametrize("data, field, message", [
    ({"code": "101004", "name": "重复"}, "code", "The classification code 101004 already exists"),
    ({"code": "1010", "name": "错位"}, "code", "A classification code is a class digit"),
    ({"code": "4", "name": "第四类"}, "code", "A classification code is a class digit"),
    ({"code": "109001", "name": "无上级"}, "code", "Create the parent 109 first"),
    ({"code": "109", "name": ""}, "name", "Missing value"),
])
def test_bad_nodes_are_refused_per_field(classification_tree, data_bureau_admin, data, field,
                                         message):
    with pytest.raises(helpers.logic.ValidationError) as error:
        helpers.call_action("govshare_classification_create",
                            context=as_user(data_bureau_admin), **data)

    assert error.value.error_dict[field][0].startswith(message)


def test_nodes_in_use_or_with_children_cannot_be_deleted(create_entry, data_bureau_admin):
    create_entry()

    with pytest.raises(helpers.logic.ValidationError, match="reclassify"):
        helpers.call_action("govshare_classification_delete",
                            context=as_user(data_bureau_admin), code="101004")
    with pytest.raises(helpers.logic.ValidationError, match="children"):
        helpers.call_action("govshare_classification_delete",
                            context=as_user(data_bureau_admin), code="101")


@pytest.mark.parametrize("action, data", [
    ("govshare_classification_create", {"code": "109", "name": "新项"}),
    ("govshare_classification_update", {"code": "101", "name": "改名"}),
    ("govshare_classification_delete", {"code": "101001"}),
])
def test_only_the_data_bureau_edits_the_tree(classification_tree, department, action, data):
    staff = factories.User()
    helpers.call_action("organization_member_create", id=department["id"],
                        username=staff["name"], role="admin")

    with pytest.raises(helpers.logic.NotAuthorized):
        helpers.call_action(action, context=as_user(staff), **data)


def test_anyone_can_read_the_tree(classification_tree):
    nodes = helpers.call_action("govshare_classification_list",
                                context={"user": "", "ignore_auth": False})
    assert nodes


def test_browse_page_lists_the_tree_with_counts(app, create_entry):
    create_entry()

    body = app.get("/catalog/classification").body

    assert "按分类浏览资源目录" in body
    assert "人口统计" in body and "/dataset/?classification_path=101004" in body


def test_admin_page_is_for_the_data_bureau_only(app, classification_tree, data_bureau_admin):
    staff = factories.User()

    assert app.get("/ckan-admin/classification", extra_environ={
        "REMOTE_USER": staff["name"]}, status=403)
    body = app.get("/ckan-admin/classification",
                   headers={"Authorization": factories.APIToken(
                       user=data_bureau_admin["name"])["token"]}).body
    assert "新增分类" in body and "101004" in body


def test_admin_page_adds_a_node_and_shows_field_errors(app, classification_tree,
                                                       data_bureau_admin):
    headers = {"Authorization": factories.APIToken(user=data_bureau_admin["name"])["token"]}

    bad = app.post("/ckan-admin/classification", headers=headers,
                   data={"operation": "create", "code": "109001", "name": "无上级"})
    good = app.post("/ckan-admin/classification", headers=headers, follow_redirects=False,
                    data={"operation": "create", "code": "109", "name": "人口迁移"})

    assert bad.status_code == 200 and "请先创建上级分类 109" in bad.body
    assert good.status_code == 302
    assert helpers.call_action("govshare_classification_show", code="109")["name"] == "人口迁移"


def test_search_facets_show_labels_not_codes(app, create_entry):
    create_entry()

    chinese = app.get("/dataset/").body
    english = app.get("/en/dataset/").body

    assert "无条件共享" in chinese and "101004 人口统计" in chinese and "每年" in chinese
    assert ">unconditional<" not in chinese
    assert "Shared unconditionally" in english and "101004 Population statistics" in english


def test_code_shapes():
    assert [classification.level(c) for c in ("1", "101", "101004", "10100401")] == [
        "class", "item", "category", "subcategory"]
    assert classification.parent_code("10100401") == "101004"
    assert not classification.is_valid("1010")
    assert not classification.can_head_resource_code("101")


def test_api_facets_carry_display_names(create_entry):
    create_entry()

    result = helpers.call_action("package_search", **{"facet.field": '["share_type", "classification_path"]'})
    names = {item["name"]: item["display_name"]
             for facet in result["search_facets"].values() for item in facet["items"]}

    assert names["unconditional"] == "无条件共享"
    assert names["101"] == "101 人口"


def test_active_filter_pill_shows_the_label(app, create_entry):
    create_entry()

    body = app.get("/dataset/?share_type=unconditional").body

    pill = body[body.index('class="filtered pill"'):][:200]
    assert "无条件共享" in pill
