"""Catalog actions: the classification tree, resource codes on create, export and import."""
from __future__ import annotations

from typing import Any

import uuid

import ckan.model as model
import ckan.plugins.toolkit as tk

from ... import (bulk_import, catalog_table, classification, codes, departments, export,
                 language)
from ...indexing import PATH_FIELD
from ...model import CatalogImport, Classification
from .. import schema
from ..checks import authorized_and_valid

__all__ = [
    "package_create",
    "package_update",
    "govshare_classification_list",
    "govshare_classification_show",
    "govshare_classification_create",
    "govshare_classification_update",
    "govshare_classification_delete",
    "govshare_department_tree",
    "govshare_catalog_export",
    "govshare_catalog_import_create",
    "govshare_catalog_import_show",
    "govshare_catalog_import_list",
]


@tk.chained_action
def package_create(up_func, context, data_dict):
    """Issue the resource code and derive the URL name before CKAN creates a catalog entry.

    An entry that brings its own code (harvested or imported) keeps it; otherwise the next
    code under its classification is issued, inside the creating transaction.
    """
    if data_dict.get("type", "dataset") == "dataset":
        tk.check_access("package_create", context, data_dict)
        _refuse_malformed_items(data_dict)
        _assign_resource_code(data_dict)
        _default_provider_code(context, data_dict)
    return up_func(context, data_dict)


@tk.chained_action
def package_update(up_func, context, data_dict):
    """Keep the provider code in step with the department when an update leaves it out."""
    if data_dict.get("type", "dataset") == "dataset":
        _refuse_malformed_items(data_dict)
        _default_provider_code(context, data_dict)
    return up_func(context, data_dict)


def _refuse_malformed_items(data_dict: dict[str, Any]) -> None:
    """Data items must be a list of objects; anything else would reach CKAN's validation as
    a DataError (a server error) instead of a field error."""
    items = data_dict.get("data_items")
    if items in (None, "") or (isinstance(items, list) and
                               all(isinstance(item, dict) for item in items)):
        return
    # shaped as one item's error, which is how forms and clients show repeating fields
    raise tk.ValidationError({"data_items": [{"name": [tk._(
        "Data items must be a list of objects with a name and a data type")]}]})


def _default_provider_code(context, data_dict: dict[str, Any]) -> None:
    """信息资源提供方代码 defaults to the providing department's credit code."""
    if data_dict.get("provider_code") or not data_dict.get("owner_org"):
        return
    group = model.Group.get(data_dict["owner_org"])
    if group is not None and group.extras.get("credit_code"):
        data_dict["provider_code"] = group.extras["credit_code"]


def _assign_resource_code(data_dict: dict[str, Any]) -> None:
    code = data_dict.get("resource_code")
    chosen = data_dict.get("classification")
    if code:
        parsed = codes.parse(code)
        if parsed is None:
            return  # the validator reports it
        if not data_dict.get("classification"):
            data_dict["classification"] = parsed[0]
        codes.reserve(code)
    elif (chosen and classification.can_head_resource_code(chosen)
          and model.Session.get(Classification, chosen) is not None):
        code = data_dict["resource_code"] = codes.issue(chosen)
    if code and not data_dict.get("name"):
        data_dict["name"] = codes.url_name(code)


def _node_or_404(code: str) -> Classification:
    node = model.Session.get(Classification, code)
    if node is None:
        raise tk.ObjectNotFound(tk._("Classification not found"))
    return node


def _entry_counts(context) -> dict[str, int]:
    """Catalog entries the caller can see under every classification node, ancestors
    included (a sysadmin sees them all)."""
    result = tk.get_action("package_search")({"user": context.get("user")}, {
        "rows": 0, "facet.field": [PATH_FIELD], "facet.limit": -1, "include_private": True,
        "include_drafts": True})
    return result["facets"].get(PATH_FIELD, {})


@tk.side_effect_free
def govshare_classification_list(context, data_dict):
    """The classification tree (类/项/目/细目) as a list ordered by code.

    :param parent: only the children of this code (optional; ``""`` for the classes)
    :type parent: string
    :param with_counts: add ``count``, the number of catalog entries the caller can see under
        each node (default: false)
    :type with_counts: bool
    :returns: nodes with ``code``, ``name``, ``name_en``, ``level`` and ``parent``
    :rtype: list of dictionaries
    """
    data = authorized_and_valid("govshare_classification_list", schema.classification_list_schema,
                                 context, data_dict)
    nodes = [node.as_dict() for node in
             model.Session.query(Classification).order_by(Classification.code)]
    if "parent" in data:
        wanted = data["parent"] or None
        nodes = [node for node in nodes if node["parent"] == wanted]
    if data.get("with_counts"):
        counts = _entry_counts(context)
        for node in nodes:
            node["count"] = counts.get(node["code"], 0)
    return nodes


@tk.side_effect_free
def govshare_classification_show(context, data_dict):
    """One classification node with its ancestors and children.

    :param code: the node's code, e.g. ``101001``
    :type code: string
    :returns: the node, plus ``ancestors`` (from the class down) and ``children``
    :rtype: dictionary
    """
    tk.check_access("govshare_classification_show", context, data_dict)
    code = tk.get_or_bust(data_dict, "code")
    node = _node_or_404(code).as_dict()
    ancestors, parent = [], node["parent"]
    while parent:
        ancestors.insert(0, _node_or_404(parent).as_dict())
        parent = ancestors[0]["parent"]
    node["ancestors"] = ancestors
    node["children"] = [child.as_dict() for child in model.Session.query(Classification)
                        .filter(Classification.code.like(f"{code}%"),
                                Classification.code != code).order_by(Classification.code)
                        if classification.parent_code(child.code) == code]
    return node


def govshare_classification_create(context, data_dict):
    """Add a node to the classification tree (data bureau only).

    :param code: the new code; its parent must exist, e.g. ``101005`` under ``101``
    :type code: string
    :param name: the Chinese name, e.g. 人口迁移
    :type name: string
    :param name_en: the English name (optional)
    :type name_en: string
    :returns: the new node
    :rtype: dictionary
    """
    data = authorized_and_valid("govshare_classification_create", schema.classification_create_schema,
                                 context, data_dict)
    node = Classification(code=data["code"], name=data["name"], name_en=data.get("name_en", ""))
    model.Session.add(node)
    model.Session.commit()
    return node.as_dict()


def govshare_classification_update(context, data_dict):
    """Rename a classification node (data bureau only); codes never change.

    :param code: the node's code
    :type code: string
    :param name: the new Chinese name (optional)
    :type name: string
    :param name_en: the new English name (optional)
    :type name_en: string
    :returns: the updated node
    :rtype: dictionary
    """
    data = authorized_and_valid("govshare_classification_update", schema.classification_update_schema,
                                 context, data_dict)
    node = _node_or_404(data["code"])
    for field in ("name", "name_en"):
        if field in data:
            setattr(node, field, data[field])
    model.Session.commit()
    return node.as_dict()


def govshare_classification_delete(context, data_dict):
    """Remove a classification node that has no children and no catalog entries.

    :param code: the node's code
    :type code: string
    """
    tk.check_access("govshare_classification_delete", context, data_dict)
    code = tk.get_or_bust(data_dict, "code")
    node = _node_or_404(code)
    if model.Session.query(Classification).filter(
            Classification.code.like(f"{code}_%")).first() is not None:
        raise tk.ValidationError({"code": [tk._("Delete the node's children first")]})
    if _entry_counts(context).get(code):
        raise tk.ValidationError({"code": [tk._("Catalog entries are classified under this "
                                                "node; reclassify them first")]})
    model.Session.delete(node)
    model.Session.commit()


@tk.side_effect_free
def govshare_department_tree(context, data_dict):
    """The departments as a tree: each bureau with its sub-units.

    :returns: root departments, each ``{name, title, children}`` with children nested alike
    :rtype: list of dictionaries
    """
    tk.check_access("govshare_department_tree", context, data_dict)
    return departments.tree()


@tk.side_effect_free
def govshare_catalog_export(context, data_dict):
    """The catalog in the national template's layout, for the entries a search finds.

    The same table is downloadable as Excel or CSV from ``/catalog/export.xlsx`` and
    ``/catalog/export.csv`` with the same parameters.

    :param q: a search query (optional; default: all entries)
    :type q: string
    :param fq: a filter query, e.g. ``department_path:shi-gongan-ju`` for one department
        with its sub-units (optional)
    :type fq: string
    :returns: ``columns`` (template headers), ``entries`` and ``data_items`` (rows of cells)
    :rtype: dictionary
    """
    tk.check_access("govshare_catalog_export", context, data_dict)
    entries, items = catalog_table.rows(export.search_packages(
        {"user": context.get("user")}, data_dict.get("q", ""), data_dict.get("fq", "")))
    return {
        "columns": [catalog_table.ROW] + [h for _k, h in catalog_table.ENTRY_COLUMNS],
        "item_columns": [catalog_table.ROW] + [h for _k, h in catalog_table.ITEM_COLUMNS],
        "entries": entries,
        "data_items": items,
    }


def govshare_catalog_import_create(context, data_dict):
    """Register catalog entries in bulk from a filled-in Excel template (a background job).

    :param upload: the xlsx file (multipart upload)
    :param owner_org: the department the entries belong to
    :type owner_org: string
    :param mode: ``all_or_nothing`` (default: nothing is created unless every row is valid)
        or ``valid_only`` (the valid rows are created, the others reported)
    :type mode: string
    :returns: the import, whose ``state`` moves from ``pending`` through ``validating`` and
        ``creating`` to ``done`` (or ``rejected``/``failed``); follow it with
        ``govshare_catalog_import_show``
    :rtype: dictionary
    """
    data = authorized_and_valid("govshare_catalog_import_create", schema.catalog_import_schema,
                                 context, data_dict)
    org = model.Group.get(data["owner_org"])
    user = model.User.get(context["user"])
    record = CatalogImport(id=str(uuid.uuid4()), user_id=user.id, owner_org=org.id,
                           filename=data["upload"].filename or "catalog.xlsx",
                           mode=data.get("mode") or "all_or_nothing", state="pending",
                           lang=language.current())
    data["upload"].save(bulk_import.upload_path(record.id))
    model.Session.add(record)
    model.Session.commit()
    tk.enqueue_job(bulk_import.run, [record.id], title=f"catalog import {record.id}",
                   queue="govshare", rq_kwargs={"timeout": 3600})
    return record.as_dict()


def _import_or_404(import_id: str) -> CatalogImport:
    record = model.Session.get(CatalogImport, import_id)
    if record is None:
        raise tk.ObjectNotFound(tk._("Import not found"))
    return record


@tk.side_effect_free
def govshare_catalog_import_show(context, data_dict):
    """One bulk registration: its state, progress and every rejected row with its errors.

    :param id: the import's id
    :type id: string
    :rtype: dictionary
    """
    record = _import_or_404(tk.get_or_bust(data_dict, "id"))
    tk.check_access("govshare_catalog_import_show", context, {"owner_org": record.owner_org})
    return record.as_dict()


@tk.side_effect_free
def govshare_catalog_import_list(context, data_dict):
    """A department's bulk registrations, newest first.

    :param owner_org: the department
    :type owner_org: string
    :rtype: list of dictionaries
    """
    org = model.Group.get(tk.get_or_bust(data_dict, "owner_org"))
    if org is None:
        raise tk.ObjectNotFound(tk._("Department not found"))
    tk.check_access("govshare_catalog_import_list", context, {"owner_org": org.id})
    records = model.Session.query(CatalogImport).filter(
        CatalogImport.owner_org == org.id).order_by(CatalogImport.created.desc()).limit(50)
    return [record.as_dict() for record in records]
