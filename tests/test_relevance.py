"""Chinese search relevance over the demo catalog (benchmarks/relevance_queries.yaml): the
queries people type find what they mean, first, without unrelated entries that merely share
a character."""
from __future__ import annotations

import pytest
import yaml
from ckan.tests import helpers

from ckanext.govshare import demo, search_quality
from ckanext.govshare.cli import govshare
from conftest import REPO

QUERIES = yaml.safe_load((REPO / "benchmarks" / "relevance_queries.yaml").read_text("utf-8"))


@pytest.fixture
def demo_catalog(clean_db, clean_index, with_plugins, data_bureau_admin):
    demo.load(data_bureau_admin["name"])


def test_query_set_is_large_enough_and_names_real_entries():
    titles = {entry["title"] for entry in demo.catalog()["datasets"]}

    assert len(QUERIES) >= 30
    assert all(set(query["relevant"]) <= titles for query in QUERIES)


@pytest.mark.usefixtures("demo_catalog")
def test_relevant_entries_come_first(cli):
    results = search_quality.evaluate(QUERIES, search_quality.package_search)
    totals = search_quality.summary(results)
    misses = [(r.q, r.returned[:3]) for r in results if r.precision < 1 or not r.top1]

    assert totals["mean_precision_at_5"] >= 0.95, misses
    assert totals["top1_rate"] >= 0.95, misses
    assert totals["zero_result_queries"] == 0, misses


@pytest.mark.usefixtures("demo_catalog")
def test_a_word_does_not_drown_in_entries_sharing_one_character():
    # 人口 must not bring 人力资源 entries (人) or 户口-less entries with 口
    result = helpers.call_action("package_search", q="人口", rows=50)

    assert sorted(r["title"] for r in result["results"]) == sorted(
        ["常住人口统计信息", "户籍人口基本信息", "流动人口居住登记信息", "人口抽样调查数据"])


@pytest.mark.usefixtures("demo_catalog")
def test_search_quality_command_reports_the_summary(cli, tmp_path):
    queries = tmp_path / "queries.yaml"
    queries.write_text(yaml.safe_dump(QUERIES[:3], allow_unicode=True), encoding="utf-8")

    result = cli.invoke(govshare, ["search-quality", str(queries)])

    assert result.exit_code == 0, result.output
    assert '"queries": 3' in result.output and "mean_precision_at_5" in result.output
