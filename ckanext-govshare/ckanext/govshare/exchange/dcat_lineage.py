"""DCAT nodes go through ckanext-dcat's own RDF harvester (with our profile); these hooks
give its entries the department default and the same entry lineage as ours."""
from __future__ import annotations

from . import lineage


def default_department(harvest_object, dataset_dict: dict) -> None:
    if not dataset_dict.get("owner_org"):
        from .harvesters import _source_org
        dataset_dict["owner_org"] = _source_org(harvest_object.source)


def record(harvest_object, dataset_dict: dict) -> None:
    remote = {"id": harvest_object.guid, "name": dataset_dict.get("name") or "",
              "metadata_modified": dataset_dict.get("metadata_modified") or ""}
    lineage.record_entry(dataset_dict["id"], harvest_object.source.id, remote, harvest_object)
