"""Departments as a hierarchy: bureaus and sub-units, and a bureau's roll-up catalog."""
from __future__ import annotations

import pytest
from ckan.tests import factories, helpers

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins")

CREDIT = "91350100M000100Y43"


@pytest.fixture
def sub_unit(department, data_bureau_admin):
    return factories.Organization(name="shi-ceshi-ju-zhidui", title="市测试局一支队",
                                  credit_code=CREDIT, parent=department["name"],
                                  user=data_bureau_admin)


def test_tree_nests_sub_units_under_their_bureau(department, sub_unit):
    tree = helpers.call_action("govshare_department_tree")

    assert tree == [{"name": "shi-ceshi-ju", "title": "市测试局", "children": [
        {"name": "shi-ceshi-ju-zhidui", "title": "市测试局一支队", "children": []}]}]


def test_bureau_catalog_rolls_up_sub_units(create_entry, department, sub_unit):
    create_entry(title="局本级条目")
    create_entry(title="支队条目", owner_org=sub_unit["id"])

    def titles(fq):
        return sorted(r["title"] for r in helpers.call_action("package_search", fq=fq)["results"])

    assert titles("department_path:shi-ceshi-ju") == ["局本级条目", "支队条目"]
    assert titles("department_path:shi-ceshi-ju-zhidui") == ["支队条目"]
    assert titles(f"owner_org:{department['id']}") == ["局本级条目"]


@pytest.mark.parametrize("parent, message", [
    ("no-such-department", "Unknown department: no-such-department"),
    ("shi-ceshi-ju-zhidui", "A department cannot be placed under itself or its own sub-unit"),
    ("shi-ceshi-ju", "A department cannot be placed under itself or its own sub-unit"),
])
def test_parent_must_exist_and_not_make_a_cycle(department, sub_unit, data_bureau_admin,
                                                parent, message):
    with pytest.raises(helpers.logic.ValidationError) as error:
        helpers.call_action("organization_patch", context={"user": data_bureau_admin["name"]},
                            id=department["id"], parent=parent)

    assert error.value.error_dict["parent"] == [message]


def test_department_credit_code_is_checked(data_bureau_admin):
    with pytest.raises(helpers.logic.ValidationError) as error:
        helpers.call_action("organization_create", context={"user": data_bureau_admin["name"]},
                            name="shi-cuowu-ju", title="市错误局", credit_code="91350100M000100Y44")

    assert "credit_code" in error.value.error_dict


def test_department_page_shows_parent_and_sub_units(app, department, sub_unit):
    bureau_page = app.get("/organization/shi-ceshi-ju").body
    unit_page = app.get("/organization/shi-ceshi-ju-zhidui").body

    assert "下属单位" in bureau_page and "市测试局一支队" in bureau_page
    assert "/dataset/?department_path=shi-ceshi-ju" in bureau_page
    assert "隶属于" in unit_page and 'href="/organization/shi-ceshi-ju"' in unit_page
