"""Resource codes (信息资源代码): issued at creation under the entry's classification, without
gaps or duplicates, never changed afterwards; harvested or imported codes are kept."""
from __future__ import annotations

import concurrent.futures
import uuid

import ckanapi
import pytest
from ckan.tests import helpers

from ckanext.govshare import codes

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins")


def test_code_is_issued_under_the_classification_and_names_the_url(create_entry):
    first = create_entry()
    second = create_entry(title="人口抽样调查数据")
    other = create_entry(title="空气质量实时监测数据", classification="203001")

    assert (first["resource_code"], second["resource_code"]) == ("101004/000001", "101004/000002")
    assert other["resource_code"] == "203001/000001"
    assert first["name"] == "101004-000001"


def test_a_failed_create_leaves_no_gap(create_entry):
    create_entry()
    with pytest.raises(helpers.logic.ValidationError):
        create_entry(open_type="open", sensitivity="L4")  # refused after a code was drawn

    assert create_entry(title="人口抽样调查数据")["resource_code"] == "101004/000002"


def test_code_cannot_be_changed(create_entry, data_bureau_admin):
    entry = create_entry()

    with pytest.raises(helpers.logic.ValidationError) as error:
        helpers.call_action("package_patch", context={"user": data_bureau_admin["name"]},
                            id=entry["id"], resource_code="101004/000099")

    assert "resource_code" in error.value.error_dict
    assert helpers.call_action("package_show", id=entry["id"])["resource_code"] == "101004/000001"


def test_update_without_the_code_keeps_it(create_entry, data_bureau_admin):
    entry = create_entry()
    entry.pop("resource_code")
    entry["title"] = "常住人口统计信息（修订）"

    updated = helpers.call_action("package_update", context={"user": data_bureau_admin["name"]},
                                  **entry)

    assert updated["resource_code"] == "101004/000001"


def test_an_imported_code_is_kept_and_never_issued_again(create_entry):
    imported = create_entry(resource_code="101004/000007")
    issued = create_entry(title="人口抽样调查数据")

    assert imported["resource_code"] == "101004/000007"
    assert imported["name"] == "101004-000007"
    assert issued["resource_code"] == "101004/000008"


def test_an_imported_code_gives_its_classification(create_entry):
    entry = create_entry(classification=None, resource_code="203001/000003")

    assert entry["classification"] == "203001"


@pytest.mark.parametrize("code, fragment", [
    ("101004-000001", "6-digit sequence"),
    ("101004/1", "6-digit sequence"),
    ("1/000001", "6-digit sequence"),           # a class cannot head a code
    ("101004/000000", "6-digit sequence"),
    ("203001/000001", "must start with the classification code 101004"),
])
def test_an_invalid_code_is_refused(create_entry, code, fragment):
    with pytest.raises(helpers.logic.ValidationError) as error:
        create_entry(resource_code=code)

    assert any(fragment in message for message in error.value.error_dict["resource_code"])


def test_a_duplicate_code_is_refused(create_entry):
    create_entry(resource_code="101004/000005")

    with pytest.raises(helpers.logic.ValidationError) as error:
        create_entry(title="重复代码", resource_code="101004/000005")

    assert error.value.error_dict["resource_code"] == [
        "The resource code 101004/000005 is already in use"]


def test_without_a_classification_no_code_can_be_issued(create_entry):
    with pytest.raises(helpers.logic.ValidationError) as error:
        create_entry(classification=None)

    assert "classification" in error.value.error_dict
    assert "resource_code" in error.value.error_dict


def test_code_helpers():
    assert codes.parse("3070010201/000260") == ("3070010201", 260)
    assert codes.parse("307001020/000260") is None   # 细目 come in steps of two digits
    assert codes.url_name("3070010201/000260") == "3070010201-000260"


class TestConcurrentCreation:
    """Many simultaneous creates against the running portal (threaded server, one database
    transaction each): every code distinct, and together a run without gaps."""

    def test_concurrent_creates_get_distinct_consecutive_codes(self, portal_url,
                                                                 admin_credentials):
        bureau = ckanapi.RemoteCKAN(portal_url, apikey=admin_credentials["GOVSHARE_ADMIN_TOKEN"])
        org = bureau.action.organization_create(name=f"ceshi-{uuid.uuid4().hex[:8]}",
                                                title="并发测试局",
                                                credit_code="91350100M000100Y43")
        entry = {"title": "并发赋码测试", "notes": "并发创建。", "owner_org": org["id"],
                 "classification": "215001", "format_category": "2", "format_type": "csv",
                 "share_type": "unconditional", "open_type": "open", "update_cycle": "daily",
                 "data_grade": "general", "sensitivity": "L1",
                 "data_items": [{"name": "序号", "type": "I"}]}

        def create(number):
            client = ckanapi.RemoteCKAN(portal_url,
                                        apikey=admin_credentials["GOVSHARE_ADMIN_TOKEN"])
            return client.action.package_create(**{**entry, "title": f"并发赋码测试{number}"})

        try:
            with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
                created = list(pool.map(create, range(8)))
            sequences = sorted(codes.parse(e["resource_code"])[1] for e in created)
            assert len(set(sequences)) == 8
            assert sequences == list(range(sequences[0], sequences[0] + 8))
        finally:
            for package in bureau.action.package_search(fq=f"owner_org:{org['id']}",
                                                        rows=100)["results"]:
                bureau.action.dataset_purge(id=package["id"])
            bureau.action.organization_purge(id=org["id"])
