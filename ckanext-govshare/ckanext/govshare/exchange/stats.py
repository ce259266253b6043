"""What the exchange has received, per node, per department and per day: the dashboard's
numbers, as plain dicts.

Every figure comes from a handful of grouped queries (one per kind of figure, never one
per node). Counting rules:

* a node is a harvest source; it belongs to the department that owns its source dataset,
  and its errors and its count as a node go to that department;
* an entry is *received* while its lineage is not withdrawn and its dataset is active; it
  belongs to the department that owns the dataset (usually the node's department);
* bytes are those the platform stores: files copied or converted, whatever happened to
  their entry since (a history of transfers, as the files' lineage is);
* the time series counts by the day of the last harvest, in the time zone the portal shows
  times in (a night's harvest at 01:00 in Beijing is that day's, not the UTC day before),
  withdrawn entries included: it shows the flow of deliveries, not what is held today.
"""
from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any, Iterable
from zoneinfo import ZoneInfo

import ckan.model as model
from ckan.lib.helpers import get_display_timezone
from ckanext.harvest.model import (HarvestGatherError, HarvestJob, HarvestObject,
                                   HarvestObjectError, HarvestSource)
from sqlalchemy import and_, func

from ..model import EntryLineage, FileLineage

__all__ = ["TRANSFERS", "ERROR_KINDS", "exchange_stats", "node_stats", "department_stats",
           "daily_series"]

TRANSFERS = ("copied", "converted", "linked", "not_copied", "failed")
STORED = ("copied", "converted")  # transfers that leave a file on the platform
ERROR_KINDS = ("gather", "fetch", "import", "transfer", "conversion", "other")
# HarvestObjectError.stage as harvesters write it; any other stage counts as "other"
STAGE_KINDS = {"Fetch": "fetch", "Import": "import", "Transfer": "transfer",
               "Conversion": "conversion"}
FINISHED = "Finished"


def exchange_stats(days: int = 30) -> dict[str, Any]:
    """The whole dashboard: totals, nodes, departments and the last ``days`` days."""
    nodes = node_stats()
    return {
        "days": days,
        "totals": _totals(nodes),
        "nodes": nodes,
        "departments": department_stats(nodes),
        "series": daily_series(days, {n["id"]: n["title"] for n in nodes}),
    }


# --- per node ------------------------------------------------------------------------------

def node_stats() -> list[dict[str, Any]]:
    """One row per harvest source, by department then title."""
    entries = _entry_counts()
    files = _file_counts()
    jobs = _job_counts()
    errors = _error_counts()
    last_success = _last_successful_jobs()
    last_job = _last_job_statuses()

    rows = []
    for source in _sources():
        sid = source["id"]
        received, withdrawn = entries.get(sid, (0, 0))
        by_transfer = files.get(sid, {})
        job_count, finished_count = jobs.get(sid, (0, 0))
        node_errors = {kind: errors.get(sid, {}).get(kind, 0) for kind in ERROR_KINDS}
        rows.append({
            **source,
            "datasets": received,
            "withdrawn": withdrawn,
            "bytes": sum(size for transfer, (_count, size) in by_transfer.items()
                         if transfer in STORED),
            "files": {t: by_transfer.get(t, (0, 0))[0] for t in TRANSFERS},
            "jobs": {"count": job_count, "finished": finished_count},
            "errors": {**node_errors, "total": sum(node_errors.values())},
            "last_success": _iso(last_success.get(sid)),
            "last_job_status": last_job.get(sid),
        })
    return sorted(rows, key=lambda r: (r["department_title"], r["title"]))


def _sources() -> list[dict[str, Any]]:
    """Harvest sources with their department (the owner of the source's dataset)."""
    query = (model.Session.query(HarvestSource.id, HarvestSource.title, HarvestSource.url,
                                 HarvestSource.type, HarvestSource.active,
                                 model.Package.name, model.Group.id, model.Group.title,
                                 model.Group.name)
             .outerjoin(model.Package, model.Package.id == HarvestSource.id)
             .outerjoin(model.Group, model.Group.id == model.Package.owner_org))
    return [{"id": sid, "name": name or sid, "title": title or url, "url": url, "type": type_,
             "active": bool(active), "department_id": org_id or "",
             "department_title": org_title or org_name or ""}
            for sid, title, url, type_, active, name, org_id, org_title, org_name in query]


def _received():
    """The condition of an entry the platform holds today."""
    return and_(EntryLineage.withdrawn.is_(None), model.Package.state == "active")


def _entry_counts() -> dict[str, tuple[int, int]]:
    """source id -> (received, withdrawn)."""
    query = (model.Session.query(EntryLineage.source_id,
                                 func.count().filter(_received()),
                                 func.count().filter(EntryLineage.withdrawn.isnot(None)))
             .join(model.Package, model.Package.id == EntryLineage.package_id)
             .group_by(EntryLineage.source_id))
    return {sid: (received, withdrawn) for sid, received, withdrawn in query}


def _file_counts() -> dict[str, dict[str, tuple[int, int]]]:
    """source id -> transfer -> (files, bytes)."""
    query = (model.Session.query(FileLineage.source_id, FileLineage.transfer, func.count(),
                                 func.coalesce(func.sum(FileLineage.size), 0))
             .group_by(FileLineage.source_id, FileLineage.transfer))
    counts: dict[str, dict[str, tuple[int, int]]] = defaultdict(dict)
    for sid, transfer, files, size in query:
        counts[sid][transfer] = (files, int(size))
    return counts


def _job_counts() -> dict[str, tuple[int, int]]:
    """source id -> (jobs, finished jobs)."""
    query = (model.Session.query(HarvestJob.source_id, func.count(),
                                 func.count().filter(HarvestJob.status == FINISHED))
             .group_by(HarvestJob.source_id))
    return {sid: (count, finished) for sid, count, finished in query}


def _error_counts() -> dict[str, dict[str, int]]:
    """source id -> error kind -> count: gather errors per job, object errors by stage."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    gather = (model.Session.query(HarvestJob.source_id, func.count())
              .join(HarvestGatherError, HarvestGatherError.harvest_job_id == HarvestJob.id)
              .group_by(HarvestJob.source_id))
    for sid, count in gather:
        counts[sid]["gather"] += count
    by_stage = (model.Session.query(HarvestObject.harvest_source_id, HarvestObjectError.stage,
                                    func.count())
                .join(HarvestObjectError,
                      HarvestObjectError.harvest_object_id == HarvestObject.id)
                .group_by(HarvestObject.harvest_source_id, HarvestObjectError.stage))
    for sid, stage, count in by_stage:
        counts[sid][STAGE_KINDS.get(stage, "other")] += count
    return counts


def _last_successful_jobs() -> dict[str, datetime.datetime]:
    """source id -> when its last job finished without a gather or an object error."""
    gather_failed = (model.Session.query(HarvestGatherError.id)
                     .filter(HarvestGatherError.harvest_job_id == HarvestJob.id).exists())
    object_failed = (model.Session.query(HarvestObjectError.id)
                     .join(HarvestObject,
                           HarvestObject.id == HarvestObjectError.harvest_object_id)
                     .filter(HarvestObject.harvest_job_id == HarvestJob.id).exists())
    query = (model.Session.query(HarvestJob.source_id, func.max(HarvestJob.finished))
             .filter(HarvestJob.status == FINISHED, HarvestJob.finished.isnot(None),
                     ~gather_failed, ~object_failed)
             .group_by(HarvestJob.source_id))
    return dict(query.all())


def _last_job_statuses() -> dict[str, str]:
    """source id -> status of its most recently created job (PostgreSQL's DISTINCT ON)."""
    query = (model.Session.query(HarvestJob.source_id, HarvestJob.status)
             .distinct(HarvestJob.source_id)
             .order_by(HarvestJob.source_id, HarvestJob.created.desc()))
    return dict(query.all())


def _totals(nodes: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "nodes": len(nodes),
        "datasets": sum(n["datasets"] for n in nodes),
        "withdrawn": sum(n["withdrawn"] for n in nodes),
        "bytes": sum(n["bytes"] for n in nodes),
        "files_failed": sum(n["files"]["failed"] for n in nodes),
        "errors": sum(n["errors"]["total"] for n in nodes),
        "nodes_never_succeeded": sum(1 for n in nodes if not n["last_success"]),
    }


# --- per department ------------------------------------------------------------------------

def department_stats(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per department that received entries or owns a node, by title.

    ``nodes`` are :func:`node_stats` rows: a department's nodes and errors are summed from
    them, its entries and bytes are counted by the owner of the entries' datasets."""
    datasets = dict(model.Session.query(model.Package.owner_org, func.count())
                    .join(EntryLineage, EntryLineage.package_id == model.Package.id)
                    .filter(_received())
                    .group_by(model.Package.owner_org).all())
    stored = dict(model.Session.query(model.Package.owner_org,
                                      func.coalesce(func.sum(FileLineage.size), 0))
                  .join(FileLineage, FileLineage.package_id == model.Package.id)
                  .filter(FileLineage.transfer.in_(STORED))
                  .group_by(model.Package.owner_org).all())
    node_count: dict[str, int] = defaultdict(int)
    errors: dict[str, int] = defaultdict(int)
    for node in nodes:
        node_count[node["department_id"]] += 1
        errors[node["department_id"]] += node["errors"]["total"]

    ids = (set(datasets) | set(stored) | set(node_count)) - {"", None}
    rows = [{"id": org.id, "name": org.name, "title": org.title or org.name,
             "datasets": datasets.get(org.id, 0), "bytes": int(stored.get(org.id, 0)),
             "nodes": node_count.get(org.id, 0), "errors": errors.get(org.id, 0)}
            for org in _groups(ids)]
    return sorted(rows, key=lambda r: r["title"])


def _groups(ids: Iterable[str]) -> list[model.Group]:
    ids = list(ids)
    if not ids:
        return []
    return model.Session.query(model.Group).filter(model.Group.id.in_(ids)).all()


# --- over time -----------------------------------------------------------------------------

def daily_series(days: int, titles: dict[str, str] | None = None,
                 zone: str | None = None) -> dict[str, Any]:
    """Entries harvested and bytes stored per day for the last ``days`` days (today
    included), per node that delivered anything in that time, by title.

    ``titles`` maps source ids to node titles (a node no longer known keeps its id);
    days are those of ``zone`` (default: the portal's display time zone)."""
    zone = zone or str(get_display_timezone())
    today = datetime.datetime.now(ZoneInfo(zone)).date()
    dates = [today - datetime.timedelta(days=back) for back in range(days - 1, -1, -1)]
    # the lineage times are naive UTC
    since = (datetime.datetime.combine(dates[0], datetime.time.min, ZoneInfo(zone))
             .astimezone(datetime.timezone.utc).replace(tzinfo=None))
    position = {day: index for index, day in enumerate(dates)}

    datasets = _per_day(zone, EntryLineage.source_id, EntryLineage.harvested, func.count(),
                        EntryLineage.harvested >= since)
    stored = _per_day(zone, FileLineage.source_id, FileLineage.harvested,
                      func.coalesce(func.sum(FileLineage.size), 0),
                      FileLineage.harvested >= since, FileLineage.transfer.in_(STORED))

    def spread(values: dict[datetime.date, int]) -> list[int]:
        row = [0] * len(dates)
        for day, value in values.items():
            if day in position:
                row[position[day]] = int(value)
        return row

    titles = titles or {}
    nodes = [{"id": sid, "title": titles.get(sid, sid),
              "datasets": spread(datasets.get(sid, {})), "bytes": spread(stored.get(sid, {}))}
             for sid in set(datasets) | set(stored)]
    return {"dates": [day.isoformat() for day in dates],
            "nodes": sorted(nodes, key=lambda n: (n["title"], n["id"]))}


def _per_day(zone: str, source_column, time_column, measure, *conditions
             ) -> dict[str, dict[datetime.date, int]]:
    """source id -> day in ``zone`` -> ``measure`` over the rows matching ``conditions``."""
    day = func.date(func.timezone(zone, func.timezone("UTC", time_column)))
    query = (model.Session.query(source_column, day, measure)
             .filter(*conditions).group_by(source_column, day))
    values: dict[str, dict[datetime.date, int]] = defaultdict(dict)
    for sid, when, value in query:
        values[sid][when] = value
    return values


def _iso(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value else None
