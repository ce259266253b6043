"""Catalog entries in DCAT-AP 3 (ckanext-dcat with the govshare_dcat_ap profile): the
endpoints carry our fields, and reading the RDF back gives the same entry, both with
ckanext-dcat's parser and through the DCAT RDF harvester pulling from the running portal."""
from __future__ import annotations

import ckanapi
import pytest
from ckan.tests import helpers
from ckanext.dcat.processors import RDFParser
from ckanext.dcat.harvesters import DCATRDFHarvester
from ckanext.harvest.model import HarvestJob, HarvestObject

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins")

PROFILES = ["euro_dcat_ap_3", "euro_dcat_ap_scheming", "govshare_dcat_ap"]
ROUND_TRIP_FIELDS = [
    "title", "notes", "resource_code", "classification", "share_type", "share_condition",
    "share_channel", "open_type", "open_condition", "update_cycle", "provider_code",
    "format_category", "format_type", "release_date", "data_grade", "sensitivity",
    "industry", "source_system", "data_items",
]


@pytest.fixture
def rich_entry(create_entry):
    return create_entry(
        share_type="conditional", share_condition="仅限履行法定职责使用", share_channel="platform",
        open_type="conditional", open_condition="申请审核后脱敏提供", sensitivity="L2",
        update_cycle="quarterly", release_date="2024-06-01", industry="S",
        source_system="人口管理信息系统",
        data_items=[{"name": "区县名称", "type": "C", "length": 50, "code": "QXMC"},
                    {"name": "常住人口数", "type": "I", "sensitive": "false"}],
        # restricted data is held by the platform: here a DataStore table
        resources=[{"name": "常住人口统计表", "url": "_datastore_only_resource",
                    "url_type": "datastore", "format": "CSV", "channel_type": "file"}])


def _parse(body: bytes, fmt: str) -> dict:
    parser = RDFParser(profiles=PROFILES)
    parser.parse(body, _format=fmt)
    return next(iter(parser.datasets()))


@pytest.mark.parametrize("suffix, fmt", [("rdf", "xml"), ("ttl", "turtle"), ("jsonld", "json-ld")])
def test_dataset_endpoint_round_trips_every_catalog_field(app, rich_entry, suffix, fmt):
    parsed = _parse(app.get(f"/dataset/{rich_entry['name']}.{suffix}").data, fmt)

    for field in ROUND_TRIP_FIELDS:
        assert parsed.get(field) == rich_entry.get(field), field
    assert parsed["resources"][0]["channel_type"] == "file"


def test_catalog_endpoint_lists_entries_by_resource_code(app, rich_entry):
    body = app.get("/catalog.ttl").body

    assert '"101004/000001"' in body
    assert "access-right/RESTRICTED" in body and "frequency/QUARTERLY" in body
    assert "/catalog/classification/101004" in body


def test_theme_uri_leads_to_the_classified_entries(app, rich_entry):
    response = app.get("/catalog/classification/101004", follow_redirects=False)

    assert response.status_code == 302
    assert "classification_path=101004" in response.headers["location"]
    assert app.get("/catalog/classification/999999", status=404)


def test_dcat_harvester_reads_a_portal_entry_back_without_loss(portal_url, department,
                                                                classification_tree,
                                                                data_bureau_admin):
    """Harvest a demo entry of the running portal into this (test) catalog."""
    live = ckanapi.RemoteCKAN(portal_url).action.package_show(id="101004-000001")
    context = {"user": data_bureau_admin["name"]}
    source = helpers.call_action(
        "harvest_source_create", context=dict(context), name="gongan-node", title="市公安局节点",
        url=f"{portal_url}/dataset/101004-000001.rdf", source_type="dcat_rdf",
        owner_org=department["id"], config='{"rdf_format": "application/rdf+xml"}')
    job = HarvestJob.get(helpers.call_action("harvest_job_create", context=dict(context),
                                           source_id=source["id"])["id"])
    harvester = DCATRDFHarvester()

    object_ids = harvester.gather_stage(job)
    for object_id in object_ids:
        harvest_object = HarvestObject.get(object_id)
        assert harvester.fetch_stage(harvest_object)
        assert harvester.import_stage(harvest_object), [e.message for e in harvest_object.errors]

    harvested = helpers.call_action("package_search", fq="resource_code:\"101004/000001\"",
                                    include_private=True)["results"]
    assert len(harvested) == 1
    for field in ROUND_TRIP_FIELDS:
        assert harvested[0].get(field) == live.get(field), field
