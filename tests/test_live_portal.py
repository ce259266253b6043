"""The ckanapi client drives the portal that `make up` started, over HTTP."""
from __future__ import annotations

import uuid

import ckanapi
import pytest


@pytest.fixture(scope="module")
def anonymous(portal_url):
    return ckanapi.RemoteCKAN(portal_url, user_agent="govshare-tests")


@pytest.fixture(scope="module")
def bureau(portal_url, admin_credentials):
    return ckanapi.RemoteCKAN(portal_url, apikey=admin_credentials["GOVSHARE_ADMIN_TOKEN"],
                              user_agent="govshare-tests")


@pytest.fixture
def scratch_department(bureau):
    """A department created for one test and purged afterwards, leaving the demo as it was."""
    name = f"ceshi-{uuid.uuid4().hex[:8]}"
    org = bureau.action.organization_create(name=name, title="临时测试局",
                                            credit_code="91350100M000100Y43")
    yield org
    for package in bureau.action.package_search(fq=f"owner_org:{org['id']}",
                                                include_private=True)["results"]:
        bureau.action.dataset_purge(id=package["id"])
    bureau.action.organization_purge(id=org["id"])


def test_portal_reports_its_version_and_plugins(anonymous):
    status = anonymous.action.status_show()

    assert status["ckan_version"] == "2.11.6"
    assert {"govshare", "govasset", "harvest", "dcat"} <= set(status["extensions"])


def test_demo_catalog_is_loaded(anonymous, bureau):
    from ckanext.govshare import demo

    departments = anonymous.action.organization_list(all_fields=True)
    entries = demo.catalog()["datasets"]
    open_to_public = [e for e in entries if e["open_type"] in ("open", "conditional")]

    assert len(departments) >= 8
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in d["title"]) for d in departments)
    assert len(entries) >= 30
    # the public sees what is open; the data bureau sees the whole catalog
    assert anonymous.action.package_search(rows=0)["count"] == len(open_to_public)
    assert bureau.action.package_search(rows=0, include_private=True)["count"] >= len(entries)


def test_demo_entry_has_a_downloadable_sample(anonymous, portal_url):
    entry = anonymous.action.package_show(id="101004-000001")
    resource = entry["resources"][0]

    assert entry["title"] == "常住人口统计信息"
    assert resource["url_type"] == "upload"
    assert resource["url"].startswith(portal_url)


def test_create_then_find_by_chinese_word(bureau, anonymous, scratch_department):
    created = bureau.action.package_create(
        title="城市内涝积水点监测数据", notes="暴雨期间易涝积水点的水位监测记录。",
        owner_org=scratch_department["id"], classification="215001", format_category="2",
        format_type="csv", share_type="unconditional", open_type="open",
        update_cycle="realtime", data_grade="general", sensitivity="L1",
        data_items=[{"name": "积水点名称", "type": "C"}, {"name": "水位", "type": "F"}])

    found = anonymous.action.package_search(q="积水点", fl="id,title")

    assert created["resource_code"].startswith("215001/")
    assert created["name"] == created["resource_code"].replace("/", "-")
    assert created["id"] in [r["id"] for r in found["results"]]


def test_bad_input_is_a_field_level_validation_error(bureau, scratch_department):
    with pytest.raises(ckanapi.ValidationError) as error:
        bureau.action.package_create(title="缺少必填项的条目", owner_org=scratch_department["id"],
                                     classification="215001", share_type="maybe")

    fields = error.value.error_dict
    assert {"notes", "share_type", "open_type", "update_cycle", "data_grade"} <= set(fields)


def test_anonymous_cannot_create(anonymous, scratch_department):
    with pytest.raises(ckanapi.NotAuthorized):
        anonymous.action.package_create(title="匿名创建", owner_org=scratch_department["id"],
                                        classification="215001")
