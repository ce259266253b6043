"""Web pages of the govshare plugin: browsing and administering the classification tree."""
from __future__ import annotations

from flask import Blueprint

import ckan.plugins.toolkit as tk

__all__ = ["classification"]

classification = Blueprint("govshare_classification", __name__)


def _context() -> dict:
    return {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}


@classification.route("/catalog/classification")
def browse():
    """The classification tree with how many entries each node holds."""
    nodes = tk.get_action("govshare_classification_list")(_context(), {"with_counts": True})
    return tk.render("govshare/classification_browse.html", {"nodes": nodes})


@classification.route("/ckan-admin/classification", methods=["GET", "POST"])
def admin():
    """Sysadmins add, rename and delete classification nodes."""
    context = _context()
    try:
        tk.check_access("govshare_classification_create", context, {})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only the data bureau can edit the classification"))

    errors, form = {}, {}
    if tk.request.method == "POST":
        form = dict(tk.request.form)
        operation = form.pop("operation", "")
        form.pop("_csrf_token", None)
        action = {"create": "govshare_classification_create",
                  "update": "govshare_classification_update",
                  "delete": "govshare_classification_delete"}.get(operation)
        if action is None:
            return tk.abort(400, tk._("Unknown operation"))
        try:
            tk.get_action(action)(context, form)
        except tk.ValidationError as error:
            errors = error.error_dict
        except tk.ObjectNotFound:
            errors = {"code": [tk._("Classification not found")]}
        else:
            tk.h.flash_success(tk._("The classification was saved"))
            return tk.redirect_to("govshare_classification.admin")

    nodes = tk.get_action("govshare_classification_list")(context, {"with_counts": True})
    return tk.render("govshare/classification_admin.html",
                     {"nodes": nodes, "errors": errors, "form": form})
