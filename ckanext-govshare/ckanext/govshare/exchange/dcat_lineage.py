"""DCAT nodes go through ckanext-dcat's own RDF harvester (with our profile); these hooks
give its entries the department default and the same entry lineage as ours."""
from __future__ import annotations

from .. import codes
from . import lineage


def prepare(harvest_object, dataset_dict: dict, updating: bool = False) -> None:
    """The source's department by default; a new entry keeps the node's resource code where
    valid and free, else the platform issues one; an entry's code never changes after."""
    from .harvesters import _source_org
    from .importer import keep_or_drop_code
    if not dataset_dict.get("owner_org"):
        dataset_dict["owner_org"] = _source_org(harvest_object.source)
    if updating or not codes.parse(dataset_dict.get("resource_code") or ""):
        dataset_dict.pop("resource_code", None)   # on update the stored code is kept
    keep_or_drop_code(dataset_dict, None)


def record(harvest_object, dataset_dict: dict) -> None:
    remote = {"id": harvest_object.guid, "name": dataset_dict.get("name") or "",
              "metadata_modified": dataset_dict.get("metadata_modified") or ""}
    lineage.record_entry(dataset_dict["id"], harvest_object.source.id, remote, harvest_object)
