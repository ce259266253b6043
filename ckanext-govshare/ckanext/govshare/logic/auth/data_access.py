"""Data access (downloads, files, DataStore, previews) hangs on ``resource_show``.

CKAN core asks ``resource_show`` before a download, a resource view and every DataStore
read, so one chained check here governs them all (see data_access.py for the rules).
"""
from __future__ import annotations

import ckan.model as model
import ckan.plugins.toolkit as tk

from ... import data_access

__all__ = ["resource_show", "resource_view_list"]


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def resource_show(next_auth, context, data_dict):
    result = next_auth(context, data_dict)
    if not result.get("success"):
        return result
    resource = context.get("resource") or model.Resource.get(data_dict.get("id"))
    if resource is None:
        raise tk.ObjectNotFound(tk._("Resource not found"))
    if data_access.may_use_data(context.get("auth_user_obj"), resource.package, resource.id):
        return {"success": True}
    return {"success": False,
            "msg": tk._("The data of this entry is not available to you: it is shared or "
                        "opened on conditions, or not shared. Request access on the "
                        "entry's page.")}


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def resource_view_list(next_auth, context, data_dict):
    """Listing a resource's views is metadata: whoever sees the entry may, so the resource
    page renders (with a request link) even where the data itself is closed; the view
    contents still go through ``resource_show``."""
    resource = model.Resource.get(data_dict.get("id"))
    if resource is None:
        raise tk.ObjectNotFound(tk._("Resource not found"))
    try:
        tk.check_access("package_show", dict(context), {"id": resource.package_id})
    except tk.NotAuthorized:
        return {"success": False, "msg": tk._("Not authorized to see this entry")}
    return {"success": True}
