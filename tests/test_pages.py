"""The portal's main pages render in Chinese by default and in English on request."""
from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins")

CHINESE_TAGLINE = "汇聚全市各部门政务信息资源"
ENGLISH_TAGLINE = "Government information resources of every department"


@pytest.fixture
def catalog_entry(create_entry):
    return create_entry()  # 101004/000001, the first code under 人口统计


def _lang(html: str) -> str:
    return re.search(r'<html[^>]* lang="([^"]+)"', html).group(1)


@pytest.mark.parametrize("prefix, lang", [("", "zh-Hans-CN"), ("/en", "en")])
@pytest.mark.parametrize("page", ["/", "/dataset/", "/dataset/101004-000001"])
def test_page_renders_in_each_offered_language(app, catalog_entry, prefix, lang, page):
    response = app.get(prefix + page)

    assert response.status_code == 200
    assert _lang(response.body) == lang


def test_home_page_is_chinese_by_default(app):
    body = app.get("/").body

    assert CHINESE_TAGLINE in body
    assert ENGLISH_TAGLINE not in body
    assert "浏览资源目录" in body


def test_home_page_in_english(app):
    body = app.get("/en/").body

    assert ENGLISH_TAGLINE in body
    assert CHINESE_TAGLINE not in body
    assert "Browse the catalog" in body


def test_dataset_page_shows_catalog_fields_with_chinese_labels(app, catalog_entry):
    body = app.get("/dataset/101004-000001").body

    assert "常住人口统计信息" in body
    assert "共享类型" in body and "无条件共享" in body
    assert "更新周期" in body and "每年" in body


def test_dataset_page_shows_english_labels_in_english(app, catalog_entry):
    body = app.get("/en/dataset/101004-000001").body

    assert "Sharing type" in body and "Shared unconditionally" in body
    assert "无条件共享" not in body
