"""Web pages of conditional-access requests: the request form, my requests, the department
inbox, and a request's page with its history and the reviewers' decisions."""
from __future__ import annotations

import csv
import io

from flask import Blueprint, Response

import ckan.plugins.toolkit as tk

__all__ = ["requests"]

requests = Blueprint("govshare_requests", __name__)

DECISIONS = {
    "approve": ("govshare_access_request_approve", ("expires", "note")),
    "refuse": ("govshare_access_request_refuse", ("reason",)),
    "revoke": ("govshare_access_request_revoke", ("reason",)),
    "withdraw": ("govshare_access_request_withdraw", ()),
}


def _context() -> dict:
    return {"user": tk.current_user.name, "auth_user_obj": tk.current_user}


@requests.before_request
def _signed_in():
    if not tk.current_user.is_authenticated:
        return tk.redirect_to("user.login", came_from=tk.request.full_path.rstrip("?"))


@requests.errorhandler(tk.NotAuthorized)
def _forbidden(error):
    return tk.abort(403, str(error) or tk._("Not authorized"))


@requests.errorhandler(tk.ObjectNotFound)
def _not_found(error):
    return tk.abort(404, str(error) or tk._("Not found"))


@requests.route("/dataset/<id>/request", methods=["GET", "POST"])
def new(id: str):
    """Ask for an entry's data: which resources and items, what for, on what basis, until
    when."""
    package = tk.get_action("package_show")(_context(), {"id": id})
    errors, form = {}, {}
    if tk.request.method == "POST":
        form = {
            "package_id": package["id"],
            "resource_ids": tk.request.form.getlist("resource_ids"),
            "data_items": tk.request.form.getlist("data_items"),
            "purpose": tk.request.form.get("purpose", ""),
            "basis": tk.request.form.get("basis", ""),
            "requested_until": tk.request.form.get("requested_until", ""),
        }
        try:
            request = tk.get_action("govshare_access_request_create")(_context(), dict(form))
        except tk.ValidationError as error:
            errors = error.error_dict
        else:
            tk.h.flash_success(tk._("Your request was sent to the providing department"))
            return tk.redirect_to("govshare_requests.read", id=request["id"])
    return tk.render("govshare/requests/new.html",
                     {"pkg_dict": package, "errors": errors, "form": form})


def _listing(scope: str):
    args = tk.request.args
    query = {"scope": scope, "limit": 1000}
    for key in ("state", "overdue", "package_id"):
        if args.get(key):
            query[key] = args[key]
    return tk.get_action("govshare_access_request_list")(_context(), query)


@requests.route("/requests")
def mine():
    return tk.render("govshare/requests/list.html",
                     {"scope": "mine", "listing": _listing("mine"), "args": tk.request.args})


@requests.route("/requests/inbox")
def inbox():
    return tk.render("govshare/requests/list.html",
                     {"scope": "inbox", "listing": _listing("inbox"), "args": tk.request.args})


def _export_columns() -> list[tuple[str, str]]:
    _ = tk._
    return [("id", _("Request")), ("kind", _("Kind")), ("state", _("State")),
            ("overdue", _("Overdue")), ("package_title", _("Catalog entry")),
            ("owner_org_title", _("Providing department")),
            ("requester_display_name", _("Requester")), ("purpose", _("Purpose")),
            ("basis", _("Basis")), ("requested_until", _("Needed until")),
            ("created", _("Submitted")), ("reply_due", _("Reply due")),
            ("decided_by", _("Decided by")), ("decided", _("Decided")),
            ("expires", _("Access until")), ("reason", _("Reason"))]


@requests.route("/requests/<any(mine, inbox):scope>.csv")
def export(scope: str):
    """The listing as CSV (UTF-8 with BOM, so that Excel opens the Chinese correctly)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    columns = _export_columns()
    writer.writerow([label for _key, label in columns])
    for row in _listing(scope)["results"]:
        writer.writerow([row[key] for key, _label in columns])
    return Response(out.getvalue().encode("utf-8"), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition":
                             f'attachment; filename="govshare-requests-{scope}.csv"'})


@requests.route("/requests/<id>")
def read(id: str):
    request = tk.get_action("govshare_access_request_show")(_context(), {"id": id})
    return tk.render("govshare/requests/read.html", {"request": request, "errors": {}})


@requests.route("/requests/<id>/<any(approve, refuse, revoke, withdraw):decision>",
                methods=["POST"])
def decide(id: str, decision: str):
    action, fields = DECISIONS[decision]
    data = {"id": id, **{f: tk.request.form.get(f, "") for f in fields}}
    if decision == "approve":
        data["resource_ids"] = tk.request.form.getlist("resource_ids")
    try:
        tk.get_action(action)(_context(), data)
    except tk.ValidationError as error:
        request = tk.get_action("govshare_access_request_show")(_context(), {"id": id})
        return tk.render("govshare/requests/read.html", {
            "request": request, "errors": error.error_dict, "decision": decision,
            "form": data}), 400
    tk.h.flash_success(tk._("The request was updated"))
    return tk.redirect_to("govshare_requests.read", id=id)
