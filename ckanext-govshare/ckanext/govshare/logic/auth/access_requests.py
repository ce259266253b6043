"""Auth functions of the access-request actions (the data bureau passes every check)."""
from __future__ import annotations

import ckan.model as model
import ckan.plugins.toolkit as tk

from ... import access_requests
from ...model import AccessRequest

__all__ = [
    "govshare_access_request_create",
    "govshare_access_request_show",
    "govshare_access_request_list",
    "govshare_access_request_approve",
    "govshare_access_request_refuse",
    "govshare_access_request_revoke",
    "govshare_access_request_withdraw",
    "govshare_access_request_check",
]


def _user(context):
    return context.get("auth_user_obj") or model.User.get(context.get("user"))


def _request(data_dict) -> AccessRequest:
    request = model.Session.get(AccessRequest, data_dict.get("id") or "")
    if request is None:
        raise tk.ObjectNotFound(tk._("Request not found"))
    return request


def govshare_access_request_create(context, data_dict):
    """Any signed-in user may ask; the action decides whether the entry can be asked for."""
    return {"success": True}


def govshare_access_request_list(context, data_dict):
    """Signed-in users list their own requests and their departments' inbox."""
    return {"success": True}


def govshare_access_request_show(context, data_dict):
    """The requester and the providing department's reviewers."""
    request = _request(data_dict)
    user = _user(context)
    if user.id == request.requester_id or access_requests.is_reviewer(user, request.owner_org):
        return {"success": True}
    return {"success": False, "msg": tk._("Not authorized to see this request")}


def govshare_access_request_approve(context, data_dict):
    """The providing department's reviewers (its editors and admins)."""
    request = _request(data_dict)
    if access_requests.is_reviewer(_user(context), request.owner_org):
        return {"success": True}
    return {"success": False, "msg": tk._(
        "Only the providing department's reviewers can decide on this request")}


def govshare_access_request_refuse(context, data_dict):
    return govshare_access_request_approve(context, data_dict)


def govshare_access_request_revoke(context, data_dict):
    return govshare_access_request_approve(context, data_dict)


def govshare_access_request_withdraw(context, data_dict):
    """Only the requester withdraws a request."""
    if _user(context).id == _request(data_dict).requester_id:
        return {"success": True}
    return {"success": False, "msg": tk._("Only the requester can withdraw a request")}


def govshare_access_request_check(context, data_dict):
    """The periodic check runs as the data bureau (the CLI uses the site user)."""
    return {"success": False, "msg": tk._("Only the data bureau can run the request check")}
