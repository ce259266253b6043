"""Core list actions that read the database rather than the search index, filtered so
they show a user no more than ``package_search`` would (tiered access, first layer).

``package_search``, ``package_show``, ``package_autocomplete``, ``organization_show`` and the
activity streams already honour the permission labels; these do not in CKAN core: they list
every non-private dataset, its tags, or counts of both.
"""
from __future__ import annotations

from typing import Any, Iterable

import ckan.authz as authz
import ckan.lib.search as search
from ckan.lib.search.query import solr_literal
import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import get_permission_labels

__all__ = [
    "package_list", "organization_list", "group_list", "member_list",
    "tag_list", "tag_search", "tag_autocomplete",
]


def _labels(context) -> list[str] | None:
    """The user's labels, or None where nothing is filtered (the data bureau, internal calls)."""
    user = context.get("user")
    if context.get("ignore_auth") or (user and authz.is_sysadmin(user)):
        return None
    return get_permission_labels().get_user_dataset_labels(context.get("auth_user_obj"))


def _search(labels: list[str], **params: Any) -> search.PackageSearchQuery:
    query = search.query_for(model.Package)
    query.run({"q": "*:*", **params}, permission_labels=labels)
    return query


def _visible_facet(labels: list[str], field: str) -> dict[str, int]:
    return _search(labels, rows=0, **{"facet.field": [field], "facet.limit": -1,
                                      "facet.mincount": 1}).facets.get(field, {})


@tk.chained_action
@tk.side_effect_free
def package_list(up_func, context, data_dict):
    labels = _labels(context)
    if labels is None:
        return up_func(context, data_dict)
    tk.check_access("package_list", context, data_dict)
    field = "id" if context.get("api_version") == 2 else "name"
    limit = data_dict.get("limit")
    offset = int(data_dict.get("offset") or 0)
    if not limit:
        limit = _search(labels, rows=0).count
    query = _search(labels, fl=field, sort=f"{field} asc", rows=int(limit), start=offset,
                    fq="+capacity:public")
    return query.results  # a plain list when only the name or id is asked for


def _with_visible_counts(context, groups: list, field: str, key: str) -> list:
    labels = _labels(context)
    if labels is None or not groups or not isinstance(groups[0], dict):
        return groups
    if "package_count" not in groups[0]:
        return groups
    counts = _visible_facet(labels, field)
    for group in groups:
        group["package_count"] = counts.get(group[key], 0)
    return groups


@tk.chained_action
@tk.side_effect_free
def organization_list(up_func, context, data_dict):
    return _with_visible_counts(context, up_func(context, data_dict), "owner_org", "id")


@tk.chained_action
@tk.side_effect_free
def group_list(up_func, context, data_dict):
    return _with_visible_counts(context, up_func(context, data_dict), "groups", "name")


@tk.chained_action
@tk.side_effect_free
def member_list(up_func, context, data_dict):
    members = up_func(context, data_dict)
    labels = _labels(context)
    package_ids = [member_id for member_id, kind, _ in members if kind == "package"]
    if labels is None or not package_ids:
        return members
    visible = set(_search(
        labels, fl="id", rows=len(package_ids),
        fq="id:(%s)" % " OR ".join(solr_literal(i) for i in package_ids)).results)
    return [m for m in members if m[1] != "package" or m[0] in visible]


def _visible_tags(context, names: Iterable[str]) -> set[str] | None:
    labels = _labels(context)
    if labels is None:
        return None
    return set(names) & set(_visible_facet(labels, "tags"))


def _keep_visible_tags(context, data_dict, tags: list, name=lambda tag: tag) -> list:
    if data_dict.get("vocabulary_id") or not tags:
        return tags  # vocabulary tags are controlled lists, not data from entries
    visible = _visible_tags(context, (name(tag) for tag in tags))
    return tags if visible is None else [tag for tag in tags if name(tag) in visible]


@tk.chained_action
@tk.side_effect_free
def tag_list(up_func, context, data_dict):
    tags = up_func(context, data_dict)
    return _keep_visible_tags(context, data_dict, tags,
                              lambda tag: tag["name"] if isinstance(tag, dict) else tag)


@tk.chained_action
@tk.side_effect_free
def tag_search(up_func, context, data_dict):
    result = up_func(context, data_dict)
    results = _keep_visible_tags(context, data_dict, result["results"], lambda t: t["name"])
    return {"count": len(results) if results != result["results"] else result["count"],
            "results": results}


@tk.chained_action
@tk.side_effect_free
def tag_autocomplete(up_func, context, data_dict):
    return _keep_visible_tags(context, data_dict, up_func(context, data_dict))
