"""The catalog's search facets: which, in what order, and how their values are labelled."""
from __future__ import annotations

from collections import OrderedDict
from typing import Any, Callable

import ckan.plugins.toolkit as tk

from . import language
from .indexing import PATH_FIELD

_ = tk._


def _titles() -> "OrderedDict[str, str]":
    # built per request so the titles follow the user's language
    return OrderedDict([
        (PATH_FIELD, _("Classification")),
        ("organization", _("Department")),
        ("share_type", _("Sharing type")),
        ("open_type", _("Open type")),
        ("update_cycle", _("Update cycle")),
        ("res_format", _("Format")),
        ("tags", _("Domain")),
    ])


def dataset_facets(facets_dict: "OrderedDict[str, Any]") -> "OrderedDict[str, Any]":
    """Ours first, in catalog order; other plugins' facets after them."""
    ordered = _titles()
    for name, title in facets_dict.items():
        if name not in ordered and name not in ("groups", "license_id"):
            ordered[name] = title
    return ordered


def value_labeler(facet: str) -> Callable[[dict], str] | None:
    """A function that labels a facet item of ``facet`` in the user's language, if the facet's
    values are codes (classification codes or choice values of the catalog schema)."""
    if facet == PATH_FIELD:
        names = {node["code"]: node for node in tk.get_action("govshare_classification_list")(
            {}, {})}
        english = language.current() == "en"

        def classification_label(item: dict) -> str:
            node = names.get(item["name"])
            if node is None:
                return item["name"]
            return f"{item['name']} {node['name_en'] if english and node['name_en'] else node['name']}"
        return classification_label

    choices = _schema_choices(facet)
    if choices:
        return lambda item: tk.h.scheming_choices_label(choices, item["name"])
    return None


def _schema_choices(field_name: str) -> list[dict] | None:
    schema = tk.h.scheming_get_dataset_schema("dataset") or {}
    for field in schema.get("dataset_fields", []):
        if field["field_name"] == field_name:
            return field.get("choices")
    return None
