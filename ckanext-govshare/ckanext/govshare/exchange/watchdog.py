"""The exchange's periodic check, so no job stays "Running" and no object is lost.

One pass: objects a consumer took from the fetch queue but never finished (the consumer
died: its Redis claim is older than ``ckanext.govshare.exchange.requeue_after``) go back
on the queue; then ckanext-harvest's own run marks finished jobs, aborts jobs idle longer
than ``ckan.harvest.timeout`` minutes, and re-sends waiting objects missing from Redis.
Importing is idempotent, so an object that is sent twice is never imported twice.
"""
from __future__ import annotations

import datetime
import logging

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckanext.harvest import queue
from ckanext.harvest.model import HarvestObject
from sqlalchemy import text

log = logging.getLogger(__name__)
CLAIM_FORMAT = "%Y-%m-%d %H:%M:%S.%f"   # how ckanext-harvest's Redis consumer stamps a claim


def check() -> dict[str, int]:
    requeued = requeue_abandoned()
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    tk.get_action("harvest_jobs_run")({"user": site_user["name"], "model": model,
                                       "session": model.Session}, {})
    running = model.Session.execute(text(
        "SELECT count(*) FROM harvest_job WHERE status = 'Running'")).scalar()
    return {"requeued": requeued, "running_jobs": running}


def requeue_abandoned() -> int:
    """Put back on the fetch queue the objects whose consumer claimed them too long ago."""
    if tk.config.get("ckan.harvest.mq.type") != "redis":
        return 0
    limit = datetime.timedelta(seconds=tk.config["ckanext.govshare.exchange.requeue_after"])
    redis = queue.get_connection()
    routing_key = queue.get_fetch_routing_key()
    publisher = queue.get_fetch_publisher()
    now = datetime.datetime.now()   # the consumer stamps claims in local time
    requeued = 0
    for key in redis.keys(routing_key + ":*"):
        stamp = redis.get(key)
        try:
            claimed = datetime.datetime.strptime(stamp, CLAIM_FORMAT)
        except (TypeError, ValueError):
            continue
        if now - claimed < limit:
            continue
        object_id = key.rsplit(":", 1)[-1]
        harvest_object = model.Session.get(HarvestObject, object_id)
        if harvest_object is not None and harvest_object.state not in ("COMPLETE", "ERROR"):
            harvest_object.state = "WAITING"
            harvest_object.save()
            publisher.send({"harvest_object_id": object_id})
            requeued += 1
            log.warning("Harvest object %s abandoned since %s: re-queued", object_id, claimed)
        redis.delete(key)
    publisher.close()
    return requeued
