"""The demo catalog and its loader (`ckan govshare demo load`)."""
from __future__ import annotations

import csv
import io
import os

import pytest
from ckan.tests import helpers

from ckanext.govshare import demo
from ckanext.govshare.cli import govshare


def test_demo_catalog_is_realistic():
    catalog = demo.catalog()
    codes = [entry["resource_code"] for entry in catalog["datasets"]]
    departments = {org["name"] for org in catalog["organizations"]}

    assert len(catalog["organizations"]) >= 8 and len(catalog["datasets"]) >= 30
    assert len(set(codes)) == len(codes)
    assert all(entry["owner_org"] in departments for entry in catalog["datasets"])
    # every sharing type appears, and 不予共享 entries are never opened
    assert {e["share_type"] for e in catalog["datasets"]} == {
        "unconditional", "conditional", "not_shared"}
    assert all(e["open_type"] == "not_open" for e in catalog["datasets"]
               if e["share_type"] == "not_shared")


def test_sample_csv_follows_the_data_items():
    items = [{"name": "区县名称", "type": "C"}, {"name": "常住人口数", "type": "I"},
             {"name": "统计日期", "type": "D"}]

    rows = list(csv.reader(io.StringIO(demo.sample_csv(items))))

    assert rows[0] == ["区县名称", "常住人口数", "统计日期"]
    assert len(rows) == 1 + demo.SAMPLE_ROWS
    assert all(row[1].isdigit() for row in rows[1:])
    assert all(len(row[2]) == 10 and row[2][4] == "-" for row in rows[1:])


@pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins")
def test_load_command_creates_the_catalog_once(cli, tmp_path):
    credentials = tmp_path / "admin.env"

    first = cli.invoke(govshare, ["demo", "load", "--credentials-file", str(credentials)])
    second = cli.invoke(govshare, ["demo", "load", "--credentials-file", str(credentials)])

    expected = len(demo.catalog()["datasets"])
    assert first.exit_code == 0, first.output
    assert f"{expected} entries created, 0 already present" in first.output
    assert f"0 entries created, {expected} already present" in second.output
    assert helpers.call_action("package_search", rows=0)["count"] == expected
    assert oct(os.stat(credentials).st_mode & 0o777) == "0o600"
    assert "GOVSHARE_ADMIN_TOKEN=" in credentials.read_text()

    entry = helpers.call_action("package_show", id="101004-000001")
    assert entry["organization"]["title"] == "市公安局"
    assert entry["share_type"] == "unconditional"
    assert [item["name"] for item in entry["data_items"]][:2] == ["区县名称", "常住人口数"]
    assert entry["resources"][0]["url_type"] == "upload"
