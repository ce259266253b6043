"""Web pages of the govshare plugin: the classification tree, catalog export and bulk
registration. Each view parses the request, calls one action and renders."""
from __future__ import annotations

import io

from flask import Blueprint, Response

import ckan.plugins.toolkit as tk

from . import catalog_table, export
from .exchange_views import exchange
from .request_views import requests

__all__ = ["classification", "catalog", "requests", "exchange"]

classification = Blueprint("govshare_classification", __name__)
catalog = Blueprint("govshare_catalog", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _context() -> dict:
    return {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}


@classification.route("/catalog/classification")
def browse():
    """The classification tree with how many entries each node holds."""
    nodes = tk.get_action("govshare_classification_list")(_context(), {"with_counts": True})
    return tk.render("govshare/classification_browse.html", {"nodes": nodes})


@classification.route("/catalog/classification/<code>")
def node(code: str):
    """A classification node's own address (its URI in DCAT): the entries classified there."""
    try:
        tk.get_action("govshare_classification_show")(_context(), {"code": code})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Classification not found"))
    return tk.redirect_to("dataset.search", classification_path=code)


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


@catalog.route("/catalog/export.<any(xlsx, csv):fmt>")
def export_file(fmt: str):
    """The entries a search finds (same parameters as the search page) as xlsx or csv."""
    args = dict(tk.request.args)
    table = tk.get_action("govshare_catalog_export")(_context(), {
        "q": args.get("q", ""), "fq": export.filters_from_args(args)})
    if fmt == "csv":
        out = io.StringIO()
        catalog_table.write_csv(table["entries"], out)
        body, mimetype = out.getvalue().encode("utf-8"), "text/csv; charset=utf-8"
    else:
        out = io.BytesIO()
        catalog_table.write_xlsx(table["entries"], table["data_items"], out)
        body, mimetype = out.getvalue(), XLSX
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="govshare-catalog.{fmt}"'})


@catalog.route("/catalog/import/template.xlsx")
def import_template():
    """The empty template departments fill in."""
    out = io.BytesIO()
    catalog_table.write_xlsx([], [], out)
    return Response(out.getvalue(), mimetype=XLSX, headers={
        "Content-Disposition": 'attachment; filename="govshare-catalog-template.xlsx"'})


@catalog.route("/catalog/import", methods=["GET", "POST"])
def import_new():
    """Upload a filled-in template for one of the user's departments."""
    if not tk.current_user.is_authenticated:
        return tk.abort(403, tk._("Log in to register catalog entries"))
    departments = tk.h.organizations_available("create_dataset")
    errors, form = {}, {}
    if tk.request.method == "POST":
        form = {"owner_org": tk.request.form.get("owner_org", ""),
                "mode": tk.request.form.get("mode", "all_or_nothing"),
                "upload": tk.request.files.get("upload")}
        try:
            record = tk.get_action("govshare_catalog_import_create")(_context(), dict(form))
        except tk.ValidationError as error:
            errors = error.error_dict
        except tk.NotAuthorized as error:
            errors = {"owner_org": [str(error) or tk._("Not authorized")]}
        else:
            return tk.redirect_to("govshare_catalog.import_status", id=record["id"])
    return tk.render("govshare/import_new.html", {
        "departments": departments, "errors": errors, "form": form})


@catalog.route("/catalog/import/<id>")
def import_status(id: str):
    """An import's progress, then the rows it rejected with their field errors."""
    try:
        record = tk.get_action("govshare_catalog_import_show")(_context(), {"id": id})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Import not found"))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("You cannot see this import"))
    return tk.render("govshare/import_status.html", {"record": record})
