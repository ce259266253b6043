"""Auth of the exchange actions: lineage follows the entry; a source's token is for who may
edit the source (its department's admins and the data bureau)."""
from __future__ import annotations

import ckan.model as model
import ckan.plugins.toolkit as tk

__all__ = [
    "govshare_lineage_show",
    "govshare_exchange_token_set",
    "govshare_exchange_token_delete",
    "govshare_exchange_token_status",
]


@tk.auth_allow_anonymous_access
def govshare_lineage_show(context, data_dict):
    """Whoever may see the entry may see where it came from."""
    try:
        tk.check_access("package_show", context, {"id": data_dict.get("id")})
    except tk.NotAuthorized:
        return {"success": False, "msg": tk._("Not authorized to see this entry")}
    return {"success": True}


def _may_edit_source(context, data_dict):
    package = model.Package.get(data_dict.get("source_id") or "")
    if package is None or package.type != "harvest":
        return {"success": False, "msg": tk._("Harvest source not found")}
    try:
        tk.check_access("harvest_source_update", context, {"id": package.id})
    except tk.NotAuthorized:
        return {"success": False,
                "msg": tk._("Only the source's department and the data bureau manage its token")}
    return {"success": True}


govshare_exchange_token_set = _may_edit_source
govshare_exchange_token_delete = _may_edit_source
govshare_exchange_token_status = _may_edit_source
