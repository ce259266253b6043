"""The Solr schema GovShare generates from CKAN's, and the Solr core that serves it."""
from __future__ import annotations

import json
import urllib.parse
import urllib.request

import ckan.plugins.toolkit as tk
import pytest
from lxml import etree

from ckanext.govshare import solr_schema


def _tokenizers(schema: bytes, field_type: str) -> set[str]:
    root = etree.fromstring(schema)
    return {t.get("class") for t in root.find(f".//fieldType[@name='{field_type}']").iter("tokenizer")}


def test_ckan_text_types_split_on_white_space_only():
    # what makes stock CKAN blind to words inside Chinese text
    stock = solr_schema.ckan_schema()
    assert _tokenizers(stock, "text") == {"solr.WhitespaceTokenizerFactory"}


def test_generated_schema_segments_chinese_text():
    built = solr_schema.build(solr_schema.ckan_schema())

    for field_type in solr_schema.CHINESE_TEXT_TYPES:
        assert _tokenizers(built, field_type) == {solr_schema.CHINESE_TOKENIZER}


def test_generated_schema_keeps_everything_else_of_ckans():
    stock = etree.fromstring(solr_schema.ckan_schema())
    built = etree.fromstring(solr_schema.build(solr_schema.ckan_schema()))

    assert built.get("name") == stock.get("name") == "ckan-2.11"
    added = [field["name"] for field in solr_schema.GOVSHARE_FIELDS]
    assert [f.get("name") for f in built.iter("field") if f.get("name") not in added] == [
        f.get("name") for f in stock.iter("field")]
    assert all(built.find(f".//field[@name='{name}']") is not None for name in added)
    assert _tokenizers(etree.tostring(built), "text_ngram") == _tokenizers(
        etree.tostring(stock), "text_ngram")


def test_cli_writes_the_schema(tmp_path):
    out = tmp_path / "schema.xml"

    assert solr_schema.main([str(out)]) == 0
    assert _tokenizers(out.read_bytes(), "text") == {solr_schema.CHINESE_TOKENIZER}
    assert solr_schema.main([]) == 2


@pytest.mark.usefixtures("with_plugins")
def test_running_core_analyses_chinese_into_words():
    """Asks the live Solr core how it tokenises a title."""
    params = urllib.parse.urlencode({
        "analysis.fieldtype": "text", "analysis.fieldvalue": "常住人口统计信息", "wt": "json"})
    url = f"{tk.config['solr_url']}/analysis/field?{params}"
    with urllib.request.urlopen(url, timeout=10) as response:
        analysis = json.load(response)
    stages = analysis["analysis"]["field_types"]["text"]["index"]
    tokens = [token["text"] for token in stages[-1]]

    assert "人口" in tokens and "统计" in tokens


def test_stock_text_variant_keeps_ckans_analysis_but_holds_our_documents():
    stock = solr_schema.build(solr_schema.ckan_schema(), chinese=False)
    root = etree.fromstring(stock)

    assert _tokenizers(stock, "text") == {"solr.WhitespaceTokenizerFactory"}
    assert root.find(".//field[@name='classification_path']").get("multiValued") == "true"
    assert root.find(".//field[@name='text_cjk']") is None


def test_character_pairs_are_copied_from_the_texts_people_search():
    root = etree.fromstring(solr_schema.build(solr_schema.ckan_schema()))
    copied = {c.get("source") for c in root.iter("copyField") if c.get("dest") == "text_cjk"}

    assert {"title", "notes"} <= copied
    assert _tokenizers(etree.tostring(root), "text_cjk") == {"solr.StandardTokenizerFactory"}
