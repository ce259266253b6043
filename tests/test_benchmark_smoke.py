"""The portal benchmark (benchmarks/portal.py) at 500 entries, so it cannot rot.

It runs as its users run it, a separate command against the bench instances (ours and stock
CKAN, their own databases and Solr cores), and must produce a complete result. Timings are
reported, never asserted; what is asserted is what does not depend on the machine: every
request answered, the tiered access applied (anonymous users find exactly the public
entries, as on stock CKAN), the search index rebuilt in full, and the page-level counts
(Solr requests per page, no per-dataset SQL on the search page).
"""
from __future__ import annotations

import json
import random
import socket
import subprocess
import sys

import pytest

from conftest import REPO

ENTRIES, REQUESTS = 500, 20


def free_port_pair() -> int:
    """Two free consecutive ports (ours and stock serve on port and port + 1), below the
    ephemeral range: there the run's own outgoing connections could take the second one
    before its server starts."""
    def free(port: int) -> bool:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                return False
            return True

    start = random.randrange(20000, 29000, 2)
    for port in range(start, start + 1000, 2):
        if free(port) and free(port + 1):
            return port
    raise RuntimeError("no two free consecutive ports between 20000 and 30000")


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    out = tmp_path_factory.mktemp("portal-bench")
    run = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "portal.py"), "--sizes", str(ENTRIES),
         "--requests", str(REQUESTS), "--port", str(free_port_pair()), "--out", str(out)],
        capture_output=True, text=True, timeout=1800, check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    table = (out / f"portal-{ENTRIES}.md").read_text("utf-8")
    chart = (out / f"portal-{ENTRIES}.svg").read_text("utf-8")
    return (json.loads((out / f"portal-{ENTRIES}.json").read_text("utf-8")), table,
            run.stdout + chart)


def test_every_request_of_every_kind_and_user_is_measured_and_answered(result):
    data, _table, _stdout = result
    for kind in data["kinds"]:
        for tier in data["tiers"]:
            for system in ("ours", "stock"):
                cell = data["latency"][f"{system}/{kind}/{tier}"]
                assert cell["requests"] == REQUESTS and cell["errors"] == 0, (kind, tier, cell)
                assert 0 < cell["p50_ms"] <= cell["p95_ms"] <= cell["p99_ms"]
    # the search kinds are also sent to Solr directly, as ours sent them
    for kind in ("search_empty", "search_keyword", "search_facets", "search_deep"):
        assert data["latency"][f"solr/{kind}/anonymous"]["errors"] == 0


def test_tiered_access_is_what_was_measured(result):
    visible = result[0]["counts"]["visible"]
    public = result[0]["public_entries"]

    assert 0 < public < ENTRIES
    assert visible["ours/anonymous"] == visible["stock/anonymous"] == public
    for tier in ("staff", "sysadmin"):
        assert visible[f"ours/{tier}"] == visible[f"stock/{tier}"] == ENTRIES


def test_entries_were_created_and_reindexed_in_full(result):
    data = result[0]
    # the run itself checks that every entry is found after each re-index
    assert [load["to"] for load in data["created"]["ours"]] == [ENTRIES]
    assert data["reindex"]["ours"]["rebuild-fast"] > 0
    assert data["reindex"]["ours"]["rebuild"] > 0
    assert data["reindex"]["stock"]["rebuild"] > 0


def test_page_level_counts_meet_their_targets(result):
    targets = {check["target"]: check for check in result[0]["targets"]}
    counted = [check for name, check in targets.items()
               if "Solr requests per" in name or "per-dataset SQL" in name
               or "page 500" in name or "answered 200" in name]

    assert len(counted) == 4
    assert all(check["met"] for check in counted), counted


def test_the_table_is_printed_and_written_with_a_chart(result):
    data, table, output = result

    assert table.split("\n![")[0] in output
    # one bar per system and row that was measured
    assert output.count("<rect") == 3 + len(data["latency"])
    assert "| package_search: page 500 | anonymous |" in table
    assert "ours/stock p95" in table and "Targets:" in table
