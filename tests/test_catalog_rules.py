"""The national catalog rules as field-level validation errors, in the user's language, with
HTTP 409 from the Action API and nothing written."""
from __future__ import annotations

import pytest
from ckan.tests import helpers

from conftest import ENTRY

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins")


@pytest.fixture
def api_post(app, data_bureau_admin, department, classification_tree):
    from ckan.tests import factories

    token = factories.APIToken(user=data_bureau_admin["name"])["token"]

    def post(action, prefix="", **data):
        return app.post(f"{prefix}/api/3/action/{action}", json=data,
                        headers={"Authorization": token})
    return post


def _entry(department, **fields):
    return {**ENTRY, "owner_org": department["id"], **fields}


REFUSED = [
    # (what the entry says, field that must change, Chinese message, English message)
    ({"share_type": "conditional"}, "share_condition",
     "有条件共享的信息资源须填写共享条件",
     "State the conditions of sharing for a conditionally shared resource"),
    ({"share_type": "not_shared", "open_type": "not_open"}, "share_condition",
     "不予共享的信息资源须填写法律、行政法规或国家政策依据",
     "State the legal basis (law, administrative regulation or national policy) for not sharing"),
    ({"open_type": "conditional", "sensitivity": "L2"}, "open_condition",
     "有条件开放的信息资源须填写开放条件",
     "State the conditions of opening for a conditionally open resource"),
    ({"share_type": "not_shared", "share_condition": "《个人信息保护法》", "open_type": "open"},
     "open_type", "不予共享的信息资源不得开放", "A resource that is not shared cannot be opened"),
    ({"data_grade": "core", "open_type": "conditional", "open_condition": "审批"},
     "open_type", "核心数据不得开放", "Core data cannot be opened"),
    ({"sensitivity": "L4", "open_type": "conditional", "open_condition": "审批"},
     "open_type", "敏感（L4）数据不得开放", "Sensitive (L4) data cannot be opened"),
    ({"sensitivity": "L3"}, "open_type", "L3 级数据只能有条件开放",
     "L3 data can be opened only on conditions"),
    ({"sensitivity": "L2"}, "open_type", "L2 级数据只能有条件开放",
     "L2 data can be opened only on conditions"),
    ({"secrecy": "classified"}, "secrecy", "涉密信息资源不得在本平台登记",
     "Classified (涉密) resources must not be registered on this platform"),
    ({"related_codes": "101004/000999"}, "related_codes",
     "目录中不存在以下信息资源代码：101004/000999",
     "No catalog entry has these resource codes: 101004/000999"),
    ({"related_codes": "101004-000001"}, "related_codes",
     "以下信息资源代码格式错误：101004-000001", "Not valid resource codes: 101004-000001"),
    ({"provider_code": "91350100M000100Y44"}, "provider_code",
     "统一社会信用代码无效：须为18位且校验码正确",
     "Not a valid unified social credit code: 18 characters with a correct check character are required"),
    ({"classification": "101"}, "classification",
     "请选择“目”或“细目”级分类，不能选择“类”或“项”",
     "Choose a category (目) or sub-category of the classification, not a class or item"),
    ({"classification": "101099"}, "classification", "分类代码不存在：101099",
     "Unknown classification code: 101099"),
    ({"data_items": []}, "format_category", "结构化信息资源（电子表格、数据库）须填写信息项",
     "Structured resources (spreadsheets, databases) must list their data items"),
]


@pytest.mark.parametrize("fields, field, chinese, english", REFUSED,
                         ids=[f"{case[1]}-{'-'.join(map(str, case[0].values()))}" for case in REFUSED])
def test_rule_is_a_field_level_error_in_each_language(api_post, department, fields, field,
                                                      chinese, english):
    in_chinese = api_post("package_create", **_entry(department, **fields))
    in_english = api_post("package_create", prefix="/en", **_entry(department, **fields))

    assert in_chinese.status_code == in_english.status_code == 409
    assert in_chinese.json["error"][field] == [chinese]
    assert in_english.json["error"][field] == [english]
    assert helpers.call_action("package_search", include_private=True)["count"] == 0


ACCEPTED = [
    {"share_type": "conditional", "share_condition": "仅限履行法定职责使用", "open_type": "not_open",
     "data_grade": "important", "sensitivity": "L3"},
    {"open_type": "conditional", "open_condition": "申请审核后脱敏提供", "sensitivity": "L2"},
    {"share_type": "not_shared", "share_condition": "《中华人民共和国个人信息保护法》",
     "open_type": "not_open", "data_grade": "core", "sensitivity": "L4"},
    {"provider_code": "91350100m000100y43"},
    {"format_category": "1", "format_type": "ofd", "data_items": []},  # a document: no items
]


@pytest.mark.parametrize("fields", ACCEPTED, ids=lambda f: "-".join(map(str, f.values())))
def test_combinations_the_rules_allow_are_accepted(api_post, department, fields):
    response = api_post("package_create", **_entry(department, **fields))

    assert response.status_code == 200, response.json
    for key, value in fields.items():
        expected = value.upper() if key == "provider_code" else value
        assert response.json["result"].get(key, []) == expected


def test_related_codes_of_existing_entries_are_accepted(create_entry):
    first = create_entry()
    related = create_entry(title="人口抽样调查数据", related_codes=f"{first['resource_code']}，")

    assert related["related_codes"] == first["resource_code"]


def test_provider_code_defaults_to_the_departments(create_entry, department):
    assert create_entry()["provider_code"] == "91350100M000100Y43"


def test_malformed_data_items_are_a_field_error(api_post, department):
    response = api_post("package_create", **_entry(department, data_items="区县名称"))

    assert response.status_code == 409
    assert response.json["error"]["data_items"] == [{"name": ["信息项须为列表，每项包含名称和数据类型"]}]


def test_missing_required_metadata_is_reported_per_field(api_post, department):
    response = api_post("package_create", owner_org=department["id"], title="不完整的条目")

    assert response.status_code == 409
    assert {"notes", "classification", "format_category", "format_type", "share_type",
            "open_type", "update_cycle", "data_grade", "sensitivity"} <= set(response.json["error"])
    assert response.json["error"]["notes"] == ["缺失值"]


LINK = "https://data.example.gov.cn/rk.csv"
RESTRICTED = {"open_type": "not_open", "sensitivity": "L3"}


@pytest.mark.parametrize("prefix, message", [
    ("", "仅无条件开放的数据可以使用外部链接"),
    ("/en", "Only data open to everyone (无条件开放) may be a link"),
])
def test_restricted_data_must_be_held_by_the_platform(api_post, department, prefix, message):
    for resource in ({"url": LINK},
                     {"url": LINK, "url_type": "datastore"}):  # a disguised link
        response = api_post("package_create", prefix,
                            **_entry(department, **RESTRICTED, resources=[resource]))
        assert response.status_code == 409
        assert message in response.json["error"]["resources"][0]["url"][0]
    assert api_post("package_search").json["result"]["count"] == 0


def test_open_data_may_link_and_restricted_data_may_live_in_the_datastore(api_post,
                                                                          department):
    open_entry = api_post("package_create", **_entry(department, resources=[{"url": LINK}]))
    datastore = api_post("package_create", **_entry(department, **RESTRICTED, resources=[
        {"url": "_datastore_only_resource", "url_type": "datastore"}]))

    assert open_entry.status_code == 200 and datastore.status_code == 200
