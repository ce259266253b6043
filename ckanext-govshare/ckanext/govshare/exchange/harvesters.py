"""The exchange's harvesters, on ckanext-harvest's gather/fetch/import stages.

Both work the same way: gather lists the source's entries with a version stamp and compares
them with the lineage, so a run queues only what is new or changed since it was last
imported (whatever happened to the jobs in between), and queues a withdrawal for every
entry the source no longer lists. Fetch gets the entry; import is ``importer``'s.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
from typing import Any

import ckan.model as model
import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckanext.harvest.harvesters.base import HarvesterBase
from ckanext.harvest.interfaces import IHarvester
from ckanext.harvest.model import HarvestObject, HarvestObjectExtra

from .. import catalog_table, codes, language
from . import credentials, importer, lineage, mapping, transfer
from .node_client import NodeClient, NodeError

CHANGE, DELETE = "change", "delete"


class ExchangeHarvester(HarvesterBase):
    """What the exchange's harvesters share; subclasses say how to list and fetch."""

    def validate_config(self, config: str) -> str:
        try:
            mapping.parse(config)
        except mapping.MappingConfigError as error:
            raise ValueError(str(error)) from None
        return config

    # -- to be provided --------------------------------------------------------------------
    def listing(self, job, config: dict) -> dict[str, tuple[str, dict | None]]:
        """``{source's id: (version stamp, entry or None to fetch later)}``."""
        raise NotImplementedError

    def fetch_entry(self, harvest_object, config: dict) -> dict:
        raise NotImplementedError

    def client(self, source) -> NodeClient | None:
        return None

    # -- stages ------------------------------------------------------------------------------
    def gather_stage(self, harvest_job):
        with language.speaking(tk.config["ckan.locale_default"]):
            try:
                config = mapping.parse(harvest_job.source.config)
                listed = self.listing(harvest_job, config)
            except (mapping.MappingConfigError, NodeError, catalog_table.TemplateError,
                    transfer.TransferError) as error:
                self._save_gather_error(str(error), harvest_job)
                return None
            known = lineage.entries_of_source(harvest_job.source.id)
            if not listed and known:
                self._save_gather_error(tk._(
                    "The source lists no entries at all: nothing was withdrawn. Check the "
                    "source, and that its token still has access"), harvest_job)
                return None
            withdraw_reason = tk._("No longer listed by the source (deleted there, or no "
                                   "longer shared with the platform); seen by harvest job "
                                   "{job}").format(job=harvest_job.id)
            retry = lineage.with_failed_files(harvest_job.source.id)
            ids = []
            for remote_id, (version, content) in listed.items():
                row = known.get(remote_id)
                if (config["force_all"] or row is None or row.remote_modified != version
                        or remote_id in retry):
                    ids.append(self._queue(harvest_job, remote_id, CHANGE, content))
            for remote_id in known.keys() - listed.keys():
                ids.append(self._queue(harvest_job, remote_id, DELETE, None,
                                       package_id=known[remote_id].package_id,
                                       reason=withdraw_reason))
            model.Session.commit()
            return ids

    def fetch_stage(self, harvest_object):
        if _extra(harvest_object, "status") == DELETE or harvest_object.content:
            return True
        with language.speaking(tk.config["ckan.locale_default"]):
            try:
                config = mapping.parse(harvest_object.source.config)
                entry = self.fetch_entry(harvest_object, config)
            except (mapping.MappingConfigError, NodeError) as error:
                self._save_object_error(str(error), harvest_object, "Fetch")
                return False
        harvest_object.content = json.dumps(entry, ensure_ascii=False)
        harvest_object.save()
        return True

    def import_stage(self, harvest_object):
        user_name = self._get_user_name()
        with language.speaking(tk.config["ckan.locale_default"]):
            if _extra(harvest_object, "status") == DELETE:
                return importer.withdraw(harvest_object, _extra(harvest_object, "reason"),
                                         user_name)
            config = mapping.parse(harvest_object.source.config)
            entry = json.loads(harvest_object.content)
            if entry.get("errors"):  # a template row with unreadable cells
                self._save_object_error(tk._("Entry {name} failed validation: {errors}").format(
                    name=entry["name"], errors=importer.describe(entry["errors"])),
                    harvest_object, "Import")
                return False

            def report(stage: str, message: str) -> None:
                self._save_object_error(message, harvest_object, stage)

            return importer.import_entry(harvest_object, entry, config,
                                         _source_org(harvest_object.source), user_name,
                                         self.client(harvest_object.source), report)

    def _queue(self, job, remote_id: str, status: str, content: dict | None,
               package_id: str | None = None, reason: str = "") -> str:
        extras = [HarvestObjectExtra(key="status", value=status)]
        if reason:
            extras.append(HarvestObjectExtra(key="reason", value=reason))
        obj = HarvestObject(guid=remote_id, job=job, package_id=package_id, extras=extras,
                            content=json.dumps(content, ensure_ascii=False) if content else None)
        obj.add()
        model.Session.flush()
        return obj.id


class NodeHarvester(ExchangeHarvester, p.SingletonPlugin):
    """A department's CKAN (stock, or with GovShare's extensions), read with its token."""
    p.implements(IHarvester)

    def info(self):
        return {"name": "govshare_node", "title": "GovShare department node (CKAN)",
                "description": "A department's CKAN, read with a node-issued API token and "
                               "mapped to the catalog; shared data files are copied."}

    def client(self, source) -> NodeClient:
        return NodeClient(source.url, credentials.token_for(source.id))

    def listing(self, job, config):
        return {entry["id"]: (lineage.stamp(entry.get("metadata_modified")), None)
                for entry in self.client(job.source).search(fl=["id", "metadata_modified"])}

    def fetch_entry(self, harvest_object, config):
        return self.client(harvest_object.source).package(harvest_object.guid)


class CatalogFileHarvester(ExchangeHarvester, p.SingletonPlugin):
    """A department without a CKAN: its filled-in catalog template (xlsx) at an address.
    An entry is known by its resource code, or by its title until it has one."""
    p.implements(IHarvester)

    def info(self):
        return {"name": "govshare_catalog_file", "title": "GovShare catalog file (Excel)",
                "description": "The national catalog template, filled in by a department "
                               "and published at an address."}

    def listing(self, job, config):
        client = NodeClient(job.source.url)
        received = transfer.receive(client, job.source.url, mapping.max_file_bytes(config))
        try:
            with open(received.path, "rb") as source:
                rows = catalog_table.read_xlsx(io.BytesIO(source.read()))
        finally:
            os.unlink(received.path)
        listed = {}
        for row in rows:
            entry = self._entry(row)
            version = hashlib.sha256(json.dumps(row, sort_keys=True, default=str,
                                                ensure_ascii=False).encode()).hexdigest()
            entry["metadata_modified"] = version
            listed[entry["id"]] = (version, entry)
        return listed

    def _entry(self, row: dict[str, Any]) -> dict[str, Any]:
        package = row["package"]
        key = package.get("resource_code") or package.get("title") or f"row {row['row']}"
        name = (codes.url_name(package["resource_code"]) if package.get("resource_code")
                else "entry-" + hashlib.sha1(key.encode()).hexdigest()[:12])
        extras = [{"key": k, "value": v} for k, v in package.items() if k != "tags"]
        return {"id": key, "name": name, "tags": package.get("tags", []), "extras": extras,
                "errors": row["errors"], "resources": []}


def _extra(harvest_object, key: str) -> str:
    for extra in harvest_object.extras:
        if extra.key == key:
            return extra.value
    return ""


def _source_org(source) -> str:
    """The department owning the source: the default owner of what it brings."""
    package = model.Package.get(source.id)
    return package.owner_org if package else ""
