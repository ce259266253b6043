"""Catalog entries created through the Action API are indexed by the real Solr and found by
Chinese words, which CKAN's stock schema cannot do (it splits text on white space only)."""
from __future__ import annotations

import pytest
from ckan.tests import helpers

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins")


@pytest.fixture
def entry(department, data_bureau_admin):
    """Creates catalog entries in ``department`` as the data bureau."""
    def create(**fields):
        return _entry(department, data_bureau_admin, **fields)
    return create


def _entry(department, user, **fields):
    values = {
        "name": "1010010001-000001",
        "title": "常住人口统计信息",
        "notes": "全市各区县常住人口数量、性别构成和年龄结构的年度统计。",
        "owner_org": department["id"],
        "resource_code": "1010010001/000001",
        "share_type": "unconditional",
        "open_type": "open",
        "update_cycle": "yearly",
    }
    values.update(fields)
    context = {"user": user["name"]}
    return helpers.call_action("package_create", context=context, **values)


def test_created_entry_is_found_by_package_search(entry):
    created = entry()

    result = helpers.call_action("package_search", q="name:1010010001-000001")

    assert result["count"] == 1
    assert result["results"][0]["id"] == created["id"]
    assert result["results"][0]["title"] == "常住人口统计信息"


@pytest.mark.parametrize("word", ["人口", "常住", "统计", "年龄结构"])
def test_chinese_title_is_found_by_a_chinese_word_from_it(entry, word):
    entry()
    entry(name="2030010001-000001", title="空气质量实时监测数据",
           notes="各监测站点的 PM2.5 实时浓度。", resource_code="2030010001/000001")

    result = helpers.call_action("package_search", q=word)

    assert [r["title"] for r in result["results"]] == ["常住人口统计信息"]


def test_a_word_absent_from_every_entry_finds_nothing(entry):
    entry()

    assert helpers.call_action("package_search", q="空气质量")["count"] == 0


def test_catalog_fields_filter_through_package_search(entry):
    entry()
    entry(name="2050020003-000001", title="居民电子健康档案",
           resource_code="2050020003/000001", share_type="not_shared", open_type="not_open")

    shared = helpers.call_action("package_search", fq="share_type:unconditional")
    facets = helpers.call_action("package_search", **{"facet.field": '["share_type"]'})

    assert [r["title"] for r in shared["results"]] == ["常住人口统计信息"]
    assert facets["facets"]["share_type"] == {"unconditional": 1, "not_shared": 1}
