"""Reading and writing the lineage of harvested entries and files."""
from __future__ import annotations

import datetime

import ckan.model as model

from ..model import EntryLineage, FileLineage


def stamp(modified: str | None) -> str:
    """A node's modification time as one comparable string: the search index gives it to
    the millisecond with a "Z", package_show to the microsecond without."""
    value = (modified or "").rstrip("Z")
    try:
        return datetime.datetime.fromisoformat(value).isoformat(timespec="milliseconds")
    except ValueError:
        return value   # not a time (a catalog file row's digest): compared as it is


def entry_of(source_id: str, remote_id: str) -> EntryLineage | None:
    return model.Session.query(EntryLineage).filter_by(
        source_id=source_id, remote_id=remote_id).one_or_none()


def entries_of_source(source_id: str) -> dict[str, EntryLineage]:
    """The source's entries still in the catalog, by the node's id."""
    rows = model.Session.query(EntryLineage).filter_by(source_id=source_id, withdrawn=None)
    return {row.remote_id: row for row in rows}


def with_failed_files(source_id: str) -> set[str]:
    """The node ids of the source's entries with a file that could not be copied: the next
    run tries them again (the node may be reachable, the file smaller, the limit higher)."""
    rows = model.Session.query(EntryLineage.remote_id).join(
        FileLineage, FileLineage.package_id == EntryLineage.package_id).filter(
        EntryLineage.source_id == source_id, EntryLineage.withdrawn.is_(None),
        FileLineage.transfer == "failed").distinct()
    return {remote_id for remote_id, in rows}


def files_of(package_id: str) -> dict[str, FileLineage]:
    rows = model.Session.query(FileLineage).filter_by(package_id=package_id)
    return {row.resource_id: row for row in rows}


def record_entry(package_id: str, source_id: str, node_package: dict, harvest_object) -> None:
    row = model.Session.get(EntryLineage, package_id) or EntryLineage(package_id=package_id)
    row.source_id = source_id
    row.remote_id = node_package["id"]
    row.remote_name = node_package.get("name") or ""
    row.remote_modified = stamp(node_package.get("metadata_modified"))
    row.harvest_job_id = harvest_object.harvest_job_id
    row.harvest_object_id = harvest_object.id
    row.harvested = datetime.datetime.utcnow()
    row.withdrawn = None
    row.withdrawn_reason = ""
    model.Session.add(row)


def record_files(package_id: str, source_id: str, job_id: str, files: list[dict]) -> None:
    """Replace the package's file lineage with ``files`` (FileLineage column values)."""
    model.Session.query(FileLineage).filter_by(package_id=package_id).delete()
    now = datetime.datetime.utcnow()
    for values in files:
        model.Session.add(FileLineage(package_id=package_id, source_id=source_id,
                                      harvest_job_id=job_id, harvested=now, **values))


def withdraw(row: EntryLineage, reason: str) -> None:
    row.withdrawn = datetime.datetime.utcnow()
    row.withdrawn_reason = reason
    model.Session.add(row)


def show(package_id: str) -> dict | None:
    """The API's view: the entry's origin and each file's, or None if not harvested."""
    row = model.Session.get(EntryLineage, package_id)
    if row is None:
        return None
    from ckanext.harvest.model import HarvestSource
    source = model.Session.get(HarvestSource, row.source_id)
    files = model.Session.query(FileLineage).filter_by(package_id=package_id).order_by(
        FileLineage.harvested)
    return {**row.as_dict(),
            "source_title": source.title if source else "",
            "source_url": source.url if source else "",
            "files": [f.as_dict() for f in files]}
