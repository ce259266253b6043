"""A source's mapping configuration: how a node's entries become catalog entries.

A node on stock CKAN or on an older schema names and codes its fields its own way. The
harvest source's configuration (JSON) says how to read them::

    {
      "fields":        {"共享类型": "share_type", "abstract": "notes"},
      "values":        {"share_type": {"共享": "unconditional"}},
      "defaults":      {"classification": "101004", "update_cycle": "irregular"},
      "organizations": {"node-org-name": "central-department-name"},
      "name_prefix":   "",
      "max_file_mb":   100,
      "force_all":     false
    }

``fields`` renames a node's field (top level or extra) to ours; ``values`` maps a node's
values of one of our fields; choice fields also accept the choice's Chinese or English
label; ``defaults`` fill what the node leaves empty (the provider, a classification);
``organizations`` maps the node's organizations to departments (else the source's own).
"""
from __future__ import annotations

import json
from typing import Any

import ckan.plugins.toolkit as tk

from .. import catalog_table, codes

KEYS = ("fields", "values", "defaults", "organizations", "name_prefix", "max_file_mb",
        "force_all")
# a node's own bookkeeping, never catalog content
NOT_CONTENT = {"id", "name", "owner_org", "resources", "extras", "tags", "groups",
               "organization", "private", "state", "type", "metadata_created",
               "metadata_modified", "creator_user_id", "num_resources", "num_tags",
               "relationships_as_object", "relationships_as_subject", "revision_id"}
MAPPED_ELSEWHERE = {"name", "owner_org", "tag_string"}


class MappingConfigError(ValueError):
    """The source's configuration is unusable; str() lists every problem."""


def parse(config_text: str | None) -> dict[str, Any]:
    """The configuration with defaults filled in; every problem reported at once."""
    try:
        config = json.loads(config_text) if (config_text or "").strip() else {}
    except ValueError as error:
        raise MappingConfigError(tk._("The configuration is not valid JSON: {error}").format(
            error=error)) from None
    if not isinstance(config, dict):
        raise MappingConfigError(tk._("The configuration must be a JSON object"))
    problems = [tk._("Unknown configuration key: {key}").format(key=key)
                for key in config if key not in KEYS]
    ours = _dataset_fields()
    for key in ("fields", "values", "defaults", "organizations"):
        if not isinstance(config.get(key, {}), dict):
            problems.append(tk._("{key} must be a JSON object").format(key=key))
            config[key] = {}
    for node_field, field in config.get("fields", {}).items():
        if field not in ours:
            problems.append(tk._("fields: {node_field} maps to {field}, which is not a "
                                 "catalog field").format(node_field=node_field, field=field))
    for field, table in config.get("values", {}).items():
        if field not in ours or not isinstance(table, dict):
            problems.append(tk._("values: {field} must be a catalog field with an object of "
                                 "node value to catalog value").format(field=field))
    for field in config.get("defaults", {}):
        if field not in ours:
            problems.append(tk._("defaults: {field} is not a catalog field").format(
                field=field))
    limit = config.get("max_file_mb", tk.config.get("ckan.max_resource_size"))
    if not isinstance(limit, (int, float)) or isinstance(limit, bool) or limit <= 0:
        problems.append(tk._("max_file_mb must be a positive number of megabytes"))
    if not isinstance(config.get("name_prefix", ""), str):
        problems.append(tk._("name_prefix must be text"))
    if problems:
        raise MappingConfigError("; ".join(problems))
    return {"fields": {}, "values": {}, "defaults": {}, "organizations": {},
            "name_prefix": "", "force_all": False, **config, "max_file_mb": limit}


def max_file_bytes(config: dict[str, Any]) -> int:
    return int(float(config["max_file_mb"]) * 2**20)


def entry(node_package: dict[str, Any], config: dict[str, Any],
          default_org: str) -> dict[str, Any]:
    """The catalog entry (without resources) for a node's package_show dict."""
    flat = {key: value for key, value in node_package.items() if key not in NOT_CONTENT}
    for extra in node_package.get("extras") or []:
        flat.setdefault(extra.get("key"), extra.get("value"))
    ours = _dataset_fields()
    result: dict[str, Any] = {}
    for key, value in flat.items():
        field = config["fields"].get(key, key)
        if field in ours and field not in MAPPED_ELSEWHERE and not _empty(value):
            result[field] = _mapped_value(field, value, config, ours)
    for field, value in config["defaults"].items():
        if _empty(result.get(field)):
            result[field] = _mapped_value(field, value, config, ours)
    if isinstance(result.get("data_items"), str):
        try:
            result["data_items"] = json.loads(result["data_items"])
        except ValueError:
            pass  # left as it is: the catalog's validator names the field
    if not codes.parse(result.get("resource_code") or ""):
        result.pop("resource_code", None)  # malformed at the node: the platform issues one
    tags = [tag["name"] for tag in node_package.get("tags") or [] if tag.get("name")]
    if tags:
        result["tags"] = [{"name": name} for name in tags]
    node_org = (node_package.get("organization") or {}).get("name")
    result["owner_org"] = config["organizations"].get(node_org, default_org)
    result["name"] = (config["name_prefix"] + node_package["name"])[:100]
    return result


def _mapped_value(field: str, value: Any, config: dict, ours: dict[str, dict]) -> Any:
    if isinstance(value, str):
        value = value.strip()
        value = config["values"].get(field, {}).get(value, value)
        choices = catalog_table.field_choices(ours[field])
        if choices:
            value = catalog_table.choice_value(choices, value) or value
    return value


def _dataset_fields() -> dict[str, dict]:
    fields = catalog_table.schema_fields("dataset_fields")
    return {name: field for name, field in fields.items() if not name.startswith("item:")}


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []
