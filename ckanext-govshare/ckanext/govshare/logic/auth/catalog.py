"""Auth functions of the catalog actions."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

__all__ = [
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


@tk.auth_allow_anonymous_access
def govshare_classification_list(context, data_dict):
    """The classification tree is public: it is how the catalog is browsed."""
    return {"success": True}


@tk.auth_allow_anonymous_access
def govshare_classification_show(context, data_dict):
    return {"success": True}


def govshare_classification_create(context, data_dict):
    """Only the data bureau (sysadmins, who pass every auth check) edits the tree."""
    return {"success": False, "msg": tk._("Only the data bureau can edit the classification")}


def govshare_classification_update(context, data_dict):
    return govshare_classification_create(context, data_dict)


def govshare_classification_delete(context, data_dict):
    return govshare_classification_create(context, data_dict)


@tk.auth_allow_anonymous_access
def govshare_department_tree(context, data_dict):
    """Which departments exist is public, like the organization list."""
    return {"success": True}


@tk.auth_allow_anonymous_access
def govshare_catalog_export(context, data_dict):
    """Anyone may export what they may search; the search itself applies visibility."""
    return {"success": True}


def govshare_catalog_import_create(context, data_dict):
    """Registering entries in bulk is registering entries: the department's editors."""
    return _can_register_in(context, data_dict.get("owner_org"))


def govshare_catalog_import_show(context, data_dict):
    """An import is seen by those who could have run it."""
    return _can_register_in(context, data_dict.get("owner_org"))


def _can_register_in(context, owner_org):
    if not owner_org:
        return {"success": False, "msg": tk._("Choose a department")}
    try:
        tk.check_access("package_create", dict(context), {"owner_org": owner_org})
    except tk.NotAuthorized:
        return {"success": False,
                "msg": tk._("You cannot register entries for this department")}
    return {"success": True}


def govshare_catalog_import_list(context, data_dict):
    """A department's imports are listed to those who could run them."""
    return _can_register_in(context, data_dict.get("owner_org"))
