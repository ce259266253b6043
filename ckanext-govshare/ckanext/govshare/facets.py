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


def label_search_facets(search_results: dict[str, Any]) -> dict[str, Any]:
    """Give coded facet values (classification codes, choice values of the catalog schema)
    display names in the user's language, for the facet lists, the active-filter pills and
    API clients alike."""
    for facet, block in (search_results.get("search_facets") or {}).items():
        label = _value_labeler(facet)
        if label is None:
            continue
        for item in block.get("items", []):
            item["display_name"] = label(item["name"])
    return search_results


def _value_labeler(facet: str) -> Callable[[str], str] | None:
    if facet == PATH_FIELD:
        names = {node["code"]: node for node in tk.get_action("govshare_classification_list")(
            {}, {})}
        english = language.current() == "en"

        def classification_label(code: str) -> str:
            node = names.get(code)
            if node is None:
                return code
            return f"{code} {node['name_en'] if english and node['name_en'] else node['name']}"
        return classification_label

    choices = _schema_choices(facet)
    if choices:
        labels = {choice["value"]: choice["label"] for choice in choices}
        lang = language.current()

        def choice_label(value: str) -> str:
            label = labels.get(value, value)
            if isinstance(label, dict):  # scheming's {language: text}
                return label.get(lang) or label.get("zh_Hans_CN") or value
            return label
        return choice_label
    return None


def _schema_choices(field_name: str) -> list[dict] | None:
    schema = tk.h.scheming_get_dataset_schema("dataset") or {}
    for field in schema.get("dataset_fields", []):
        if field["field_name"] == field_name:
            return field.get("choices")
    return None
