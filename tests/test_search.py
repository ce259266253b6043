"""Catalog entries created through the Action API are indexed by the real Solr and found by
Chinese words, which CKAN's stock schema cannot do (it splits text on white space only)."""
from __future__ import annotations

import pytest
from ckan.tests import helpers

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins")


def test_created_entry_is_found_by_package_search(create_entry):
    created = create_entry()

    result = helpers.call_action("package_search", q=f"name:{created['name']}")

    assert result["count"] == 1
    assert result["results"][0]["id"] == created["id"]
    assert result["results"][0]["title"] == "常住人口统计信息"


@pytest.mark.parametrize("word", ["人口", "常住", "统计", "年龄结构"])
def test_chinese_title_is_found_by_a_chinese_word_from_it(create_entry, word):
    create_entry()
    create_entry(title="空气质量实时监测数据", notes="各监测站点的 PM2.5 实时浓度。",
                 classification="203001")

    result = helpers.call_action("package_search", q=word)

    assert [r["title"] for r in result["results"]] == ["常住人口统计信息"]


def test_a_word_absent_from_every_entry_finds_nothing(create_entry):
    create_entry()

    assert helpers.call_action("package_search", q="空气质量")["count"] == 0


def test_catalog_fields_filter_through_package_search(create_entry):
    create_entry()
    create_entry(title="居民电子健康档案", classification="205002", share_type="not_shared",
                 share_condition="《中华人民共和国个人信息保护法》", open_type="not_open",
                 data_grade="important", sensitivity="L4")

    shared = helpers.call_action("package_search", fq="share_type:unconditional")
    facets = helpers.call_action("package_search", **{"facet.field": '["share_type"]'})

    assert [r["title"] for r in shared["results"]] == ["常住人口统计信息"]
    assert facets["facets"]["share_type"] == {"unconditional": 1, "not_shared": 1}


def test_classification_filters_at_every_level_of_the_tree(create_entry):
    create_entry()                                        # 101004 人口统计
    create_entry(title="户籍人口基本信息", classification="101002")
    create_entry(title="空气质量实时监测数据", classification="203001")

    def titles(code):
        result = helpers.call_action("package_search", fq=f"classification_path:{code}",
                                     sort="title_string asc")
        return [r["title"] for r in result["results"]]

    assert titles("1") == ["常住人口统计信息", "户籍人口基本信息"]      # class 基础
    assert titles("101") == ["常住人口统计信息", "户籍人口基本信息"]    # item 人口
    assert titles("101002") == ["户籍人口基本信息"]                    # category
    assert titles("2") == ["空气质量实时监测数据"]
