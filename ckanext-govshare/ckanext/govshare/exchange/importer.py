"""The import stage shared by the exchange's harvesters: one node entry, mapped to the
catalog, created or updated with its files copied and converted, and its lineage recorded.

Importing is idempotent by the node's id (the lineage), so an object imported twice (a
consumer killed after the create, then the object re-queued) updates instead of
duplicating. Files that cannot be copied or converted do not stop the entry: each becomes
an error of the object (stage "Transfer" or "Conversion") and a note on the file.
"""
from __future__ import annotations

import os
import tempfile
import urllib.parse
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib import uploader
from werkzeug.datastructures import FileStorage

from .. import codes
from ..model import EntryLineage
from . import conversion, lineage, mapping, transfer
from .node_client import NodeClient

ErrorReport = Callable[[str, str], None]   # (stage, message)


@dataclass
class PlannedFile:
    resource: dict[str, Any]
    lineage: dict[str, Any]
    derived_from: int | None = None   # position of the original, for a CSV made from it


@dataclass
class FilePlan:
    files: list[PlannedFile] = field(default_factory=list)
    temp_paths: list[str] = field(default_factory=list)
    stored: list[str] = field(default_factory=list)   # files written into the file store

    def cleanup(self) -> None:
        for path in self.temp_paths:
            if os.path.exists(path):
                os.unlink(path)

    def discard_stored(self) -> None:
        """The entry was not saved: its files must not stay behind in the store."""
        for path in self.stored:
            if os.path.exists(path):
                os.unlink(path)


def import_entry(harvest_object, node_package: dict, config: dict, default_org: str,
                 user_name: str, client: NodeClient | None, report: ErrorReport) -> bool | str:
    source_id = harvest_object.source.id
    existing = _existing(source_id, node_package, config, user_name)
    if existing and existing.get("state") == "active" and _same_version(existing, node_package,
                                                                          source_id):
        _make_current(harvest_object, existing["id"])
        return "unchanged"
    entry = mapping.entry(node_package, config, default_org)
    keep_or_drop_code(entry, existing)
    plan = FilePlan()
    try:
        _plan_files(plan, node_package, entry, existing, config, client, report)
        context = {"model": model, "session": model.Session, "user": user_name,
                   "ignore_auth": True}
        entry["resources"] = [planned.resource for planned in plan.files]
        if existing:
            entry.update(id=existing["id"], name=existing["name"], state="active")
            result = tk.get_action("package_update")(context, entry)
        else:
            result = tk.get_action("package_create")(context, entry)
    except tk.ValidationError as error:
        model.Session.rollback()
        plan.discard_stored()
        report("Import", tk._("Entry {name} failed validation: {errors}").format(
            name=node_package.get("name"), errors=describe(error.error_dict)))
        return False
    except Exception:
        model.Session.rollback()
        plan.discard_stored()
        raise
    finally:
        plan.cleanup()
    _record(result, plan, node_package, harvest_object)
    return True


def withdraw(harvest_object, reason: str, user_name: str) -> bool:
    """The node no longer has the entry: take it out of the catalog, saying why."""
    row = lineage.entry_of(harvest_object.source.id, harvest_object.guid)
    if row is None or row.withdrawn:
        return True
    context = {"model": model, "session": model.Session, "user": user_name, "ignore_auth": True}
    try:
        tk.get_action("package_delete")(context, {"id": row.package_id})
    except tk.ObjectNotFound:
        pass  # purged at the centre already: the record of why is all that is left to do
    lineage.withdraw(model.Session.get(EntryLineage, row.package_id), reason)
    _make_current(harvest_object, row.package_id, current=False)
    return True


# --- finding the entry harvested before -----------------------------------------------------

def _existing(source_id: str, node_package: dict, config: dict, user_name: str) -> dict | None:
    row = lineage.entry_of(source_id, node_package["id"])
    package_id = row.package_id if row else _orphan(node_package, config, user_name)
    if not package_id:
        return None
    try:
        return tk.get_action("package_show")({"ignore_auth": True, "for_update": True},
                                             {"id": package_id})
    except tk.ObjectNotFound:
        return None


def _orphan(node_package: dict, config: dict, user_name: str) -> str | None:
    """An entry this harvester created whose lineage was never written (the consumer died
    between the two commits): adopt it rather than fail on its name."""
    package = model.Package.get(config["name_prefix"] + node_package["name"])
    user = model.User.get(user_name)
    if package is None or user is None or package.creator_user_id != user.id:
        return None
    return None if model.Session.get(EntryLineage, package.id) else package.id


def _same_version(existing: dict, node_package: dict, source_id: str) -> bool:
    row = model.Session.get(EntryLineage, existing["id"])
    return bool(row and row.source_id == source_id and not row.withdrawn
                and row.remote_modified == lineage.stamp(node_package.get("metadata_modified"))
                and row.remote_id not in lineage.with_failed_files(source_id))


def keep_or_drop_code(entry: dict, existing: dict | None) -> None:
    """A code, once issued, stays; a node's code is kept unless another entry holds it."""
    if existing and existing.get("resource_code"):
        entry["resource_code"] = existing["resource_code"]
        return
    code = entry.get("resource_code")
    if code and codes.holder(code) not in (None, existing and existing["id"]):
        entry.pop("resource_code")


# --- files -------------------------------------------------------------------------------------

def _plan_files(plan: FilePlan, node_package: dict, entry: dict, existing: dict | None,
                config: dict, client: NodeClient | None, report: ErrorReport) -> None:
    previous = _previous_files(existing)
    for remote in node_package.get("resources") or []:
        described = {"name": remote.get("name") or _filename(remote.get("url", "")),
                     "description": remote.get("description") or "",
                     "format": remote.get("format") or "", "channel_type": "file"}
        origin = {"remote_id": remote["id"], "remote_url": remote.get("url") or ""}
        url = remote.get("url") or ""
        if entry.get("share_type") == "not_shared":
            _add(plan, {**described, "url": ""}, origin, "not_copied",
                 note=tk._("Not shared (不予共享): the data stays at the node"))
        elif client and client.owns(url):
            _copy(plan, remote, described, origin, previous, config, client, report)
        elif url and entry.get("open_type") == "open":
            _add(plan, {**described, "url": url}, origin, "linked")
        else:
            message = tk._("The data is not on the node (a link elsewhere or no file): only "
                           "data open to everyone may stay a link")
            report("Transfer", f"{described['name']}: {message}")
            _add(plan, {**described, "url": ""}, origin, "failed", note=message)


def _copy(plan: FilePlan, remote: dict, described: dict, origin: dict, previous: dict,
          config: dict, client: NodeClient, report: ErrorReport) -> None:
    name = described["name"]
    try:
        received = transfer.receive(client, remote["url"], mapping.max_file_bytes(config),
                                    transfer.sha256_of(remote.get("hash")),
                                    directory=_work_dir())
    except transfer.TransferError as error:
        report("Transfer", f"{name}: {error}")
        _add(plan, {**described, "url": ""}, origin, "failed", note=str(error))
        return
    plan.temp_paths.append(received.path)
    kept = previous.get((remote["id"], received.sha256))
    if kept:  # the same bytes as last time: keep the stored file (and its CSV)
        original = len(plan.files)
        for number, (resource, values) in enumerate(kept):
            plan.files.append(PlannedFile({**resource, **described} if number == 0 else resource,
                                          {**values, "derived_from": None},
                                          original if number else None))
        return
    filename = _filename(remote["url"])
    fmt = conversion.detect_format(filename, remote.get("format"))
    encoding, note, kind = None, "", "copied"
    if fmt in conversion.TEXT_FORMATS:
        try:
            encoding = conversion.to_utf8(received.path)
        except conversion.ConversionError as error:
            report("Conversion", f"{name}: {error}")
            note = str(error)
        else:
            kind = "converted" if encoding else "copied"
    size, checksum = transfer.file_digest(received.path)
    original = _add(plan, {**described, **_upload(plan, received.path, filename)}, origin, kind,
                    size=size, checksum=checksum, source_checksum=received.sha256,
                    source_encoding=encoding, note=note)
    if fmt in conversion.SHEET_FORMATS:
        _add_sheet_csv(plan, original, received, fmt, described, origin, filename, report)


def _add_sheet_csv(plan: FilePlan, original: int, received, fmt: str, described: dict,
                   origin: dict, filename: str, report: ErrorReport) -> None:
    fd, csv_path = tempfile.mkstemp(prefix="govshare-csv-", suffix=".csv", dir=_work_dir())
    os.close(fd)
    plan.temp_paths.append(csv_path)
    try:
        conversion.sheet_to_csv(received.path, fmt, csv_path)
    except conversion.ConversionError as error:
        report("Conversion", f"{described['name']}: {error}")
        plan.files[original].lineage["note"] = str(error)
        return
    size, checksum = transfer.file_digest(csv_path)
    csv_name = os.path.splitext(filename)[0] + ".csv"
    _add(plan, {**described, "name": tk._("{name} (CSV)").format(name=described["name"]),
                "format": "CSV", **_upload(plan, csv_path, csv_name)},
         origin, "converted", size=size, checksum=checksum,
         source_checksum=received.sha256, derived_from=original)


def _add(plan: FilePlan, resource: dict, origin: dict, kind: str, derived_from: int | None = None,
         **values) -> int:
    plan.files.append(PlannedFile(resource, {**origin, "transfer": kind, **values},
                                  derived_from))
    return len(plan.files) - 1


def _upload(plan: FilePlan, path: str, filename: str) -> dict:
    """Store the file under a new resource id, through CKAN's uploader, before the entry is
    saved: the entry is then written once, with its resources pointing at stored files
    (core's package_create stores no uploads, and a second write would cost a second
    validation and index)."""
    resource_id = str(uuid.uuid4())
    with open(path, "rb") as handle:
        resource = {"id": resource_id, "url": filename,
                    "upload": FileStorage(stream=handle, filename=filename)}
        upload = uploader.get_resource_uploader(resource)
        upload.upload(resource_id, uploader.get_max_resource_size())
    plan.stored.append(upload.get_path(resource_id))
    return {"id": resource_id, "url": resource["url"], "url_type": "upload",
            "size": os.path.getsize(path), "mimetype": upload.mimetype}


def _previous_files(existing: dict | None) -> dict[tuple[str, str], list[tuple[dict, dict]]]:
    """Files stored by an earlier import, by (node resource id, checksum as received), each
    with its CSV if one was made: so unchanged files are not stored again."""
    if not existing:
        return {}
    rows = lineage.files_of(existing["id"])
    resources = {r["id"]: r for r in existing.get("resources", [])}
    kept: dict[tuple[str, str], list[tuple[dict, dict]]] = {}
    for resource_id, row in rows.items():
        if row.derived_from or row.transfer not in ("copied", "converted"):
            continue
        group = [(_kept_resource(resources[resource_id]), _values(row))]
        for other in rows.values():
            if other.derived_from == resource_id and other.resource_id in resources:
                group.append((_kept_resource(resources[other.resource_id]), _values(other)))
        kept[(row.remote_id, row.source_checksum)] = group
    return kept


def _kept_resource(resource: dict) -> dict:
    return {key: resource.get(key) for key in ("id", "name", "description", "format", "url",
                                               "url_type", "channel_type")}


def _values(row) -> dict:
    return {key: getattr(row, key) for key in (
        "remote_id", "remote_url", "transfer", "size", "checksum", "source_checksum",
        "source_encoding", "derived_from", "note")}


def _filename(url: str) -> str:
    name = urllib.parse.unquote(urllib.parse.urlsplit(url).path.rsplit("/", 1)[-1])
    return name or "data"


def _work_dir() -> str:
    """Temporary copies live next to the file store, so large files do not fill /tmp."""
    directory = os.path.join(tk.config["ckan.storage_path"], "govshare", "transfer")
    os.makedirs(directory, exist_ok=True)
    return directory


# --- after the entry is saved ---------------------------------------------------------------

def _record(result: dict, plan: FilePlan, node_package: dict, harvest_object) -> None:
    resources = result.get("resources", [])
    files = []
    for position, planned in enumerate(plan.files):
        values = {**planned.lineage, "resource_id": resources[position]["id"]}
        if planned.derived_from is not None:
            values["derived_from"] = resources[planned.derived_from]["id"]
        files.append(values)
    source_id = harvest_object.source.id
    lineage.record_entry(result["id"], source_id, node_package, harvest_object)
    lineage.record_files(result["id"], source_id, harvest_object.harvest_job_id, files)
    _make_current(harvest_object, result["id"])


def _make_current(harvest_object, package_id: str, current: bool = True) -> None:
    from ckanext.harvest.model import HarvestObject
    model.Session.query(HarvestObject).filter(
        HarvestObject.package_id == package_id,
        HarvestObject.id != harvest_object.id).update({"current": False})
    harvest_object.package_id = package_id
    harvest_object.current = current
    harvest_object.add()
    model.Session.commit()


def describe(error_dict: dict) -> str:
    parts = []
    for key, messages in error_dict.items():
        if isinstance(messages, list) and messages and isinstance(messages[0], dict):
            messages = [f"{k}: {', '.join(map(str, v))}" for item in messages
                        for k, v in item.items()]
        parts.append(f"{key}: {'; '.join(map(str, messages))}")
    return " | ".join(parts)
