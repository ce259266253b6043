"""Conditional sharing requests (有条件共享) and open-data applications (有条件开放).

A government user asks the providing department for a conditionally shared entry's data, a
registered user applies for a conditionally open entry's data; the department's reviewers
approve (until an expiry date, possibly for fewer resources) or refuse with a reason; an
approval can be revoked. Every change is recorded with who and when, and mailed.
"""
from __future__ import annotations

import datetime
import uuid
import ckan.model as model
import ckan.plugins.toolkit as tk
from sqlalchemy import func

from ... import access_requests, config, data_access, working_days
from ...model import AccessRequest, AccessRequestEvent
from .. import schema
from ..checks import validated

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

_ = tk._


def _user(context) -> model.User:
    return context.get("auth_user_obj") or model.User.get(context.get("user"))


def _request_or_404(request_id: str) -> AccessRequest:
    request = model.Session.get(AccessRequest, request_id) if request_id else None
    if request is None:
        raise tk.ObjectNotFound(_("Request not found"))
    return request


def _record(request: AccessRequest, actor: model.User | None, action: str, note: str = ""):
    request.events.append(AccessRequestEvent(
        actor_id=actor.id if actor else None, action=action, note=note,
        created=datetime.datetime.utcnow()))


def _kind_for(user: model.User, package: model.Package) -> str:
    """Which kind of request ``user`` may make for ``package``, or a field error saying why
    none applies."""
    share_type = package.extras.get("share_type")
    open_type = package.extras.get("open_type")
    if share_type == "not_shared":
        raise tk.ValidationError({"package_id": [_(
            "Data that is not shared (不予共享) cannot be requested: it stays with the "
            "providing department. Where your duties need it, consult the department; the "
            "data bureau decides where that fails.")]})
    if data_access.is_staff(user) and share_type == "conditional":
        return data_access.SHARE
    if open_type == "conditional":
        return data_access.OPEN
    if share_type == "unconditional" and not data_access.is_staff(user):
        raise tk.ValidationError({"package_id": [_(
            "This entry is shared with government departments only and is not open to the "
            "public: it cannot be applied for.")]})
    raise tk.ValidationError({"package_id": [_(
        "This entry's data is not offered on conditions: there is nothing to request.")]})


def _chosen_resources(package: model.Package, wanted: list[str] | None) -> list[str]:
    ids = [r.id for r in package.resources]
    if not wanted:
        return ids
    unknown = [rid for rid in wanted if rid not in ids]
    if unknown:
        raise tk.ValidationError({"resource_ids": [_(
            "Not resources of this entry: {ids}").format(ids=", ".join(unknown))]})
    return list(dict.fromkeys(wanted))


def _chosen_items(package: model.Package, wanted: list[str] | None) -> list[str]:
    if not wanted:
        return []
    pkg = tk.get_action("package_show")({"ignore_auth": True}, {"id": package.id})
    names = {item.get("name") for item in pkg.get("data_items") or []}
    unknown = [name for name in wanted if name not in names]
    if unknown:
        raise tk.ValidationError({"data_items": [_(
            "Not data items of this entry: {names}").format(names=", ".join(unknown))]})
    return list(dict.fromkeys(wanted))


def govshare_access_request_create(context, data_dict):
    """Request a conditionally shared entry's data (as government staff) or apply for a
    conditionally open entry's data (as a registered user).

    The providing department must reply within the configured number of working days
    (``ckanext.govshare.requests.reply_working_days``, 10 by default).

    :param package_id: the catalog entry's id or name
    :type package_id: string
    :param resource_ids: the resources wanted (optional, default: all of the entry's)
    :type resource_ids: list of strings
    :param data_items: the data items (信息项) wanted, by name (optional, default: all)
    :type data_items: list of strings
    :param purpose: what the data is for
    :type purpose: string
    :param basis: the legal basis or the business matter (事项) the use rests on
    :type basis: string
    :param requested_until: the last day the data is needed (YYYY-MM-DD)
    :type requested_until: string
    :returns: the request, with ``state`` "pending" and its ``reply_due`` date
    :rtype: dictionary
    """
    tk.check_access("govshare_access_request_create", context, data_dict)
    data = validated(schema.access_request_create_schema, context, data_dict)
    user = _user(context)
    package = model.Package.get(data["package_id"])
    if package is None or package.state != "active":
        raise tk.ValidationError({"package_id": [_("No such catalog entry")]})
    try:
        tk.check_access("package_show", dict(context), {"id": package.id})
    except tk.NotAuthorized:
        raise tk.ValidationError({"package_id": [_("No such catalog entry")]})

    kind = _kind_for(user, package)
    resource_ids = _chosen_resources(package, data.get("resource_ids"))
    if not resource_ids:
        raise tk.ValidationError({"resource_ids": [_("This entry has no data to request")]})
    if all(data_access.may_use_data(user, package, rid) for rid in resource_ids):
        raise tk.ValidationError({"package_id": [_("You already have access to this data")]})
    items = _chosen_items(package, data.get("data_items"))

    # one open request per person and resource: serialise this requester's requests for
    # this entry so two submissions at once cannot both pass the check
    model.Session.execute(func.pg_advisory_xact_lock(
        func.hashtext(f"govshare-request:{user.id}:{package.id}")))
    pending = model.Session.query(AccessRequest).filter(
        AccessRequest.requester_id == user.id, AccessRequest.package_id == package.id,
        AccessRequest.state == "pending",
        AccessRequest.resource_ids.overlap(resource_ids)).first()
    if pending is not None:
        raise tk.ValidationError({"resource_ids": [_(
            "You already have a pending request for this data (submitted {date})").format(
                date=pending.created.date().isoformat())]})

    today = datetime.date.today()
    request = AccessRequest(
        id=str(uuid.uuid4()), kind=kind, package_id=package.id, owner_org=package.owner_org,
        requester_id=user.id, resource_ids=resource_ids, data_items=items,
        purpose=data["purpose"], basis=data["basis"],
        requested_until=data["requested_until"], state="pending",
        created=datetime.datetime.utcnow(),
        reply_due=working_days.add_working_days(today, config.reply_working_days()))
    model.Session.add(request)
    _record(request, user, "submitted", data["purpose"])
    model.Session.commit()

    access_requests.notify(
        access_requests.reviewers(package.owner_org), request,
        _("New data request: {title}").format(title=package.title),
        _("{user} requests the data of \"{title}\". Please reply by {due}.").format(
            user=user.display_name, title=package.title, due=request.reply_due.isoformat()))
    return access_requests.as_dict(request, with_history=True)


@tk.side_effect_free
def govshare_access_request_show(context, data_dict):
    """A request with its history.

    :param id: the request's id
    :type id: string
    :rtype: dictionary
    """
    request = _request_or_404(data_dict.get("id"))
    tk.check_access("govshare_access_request_show", context, {"id": request.id})
    return access_requests.as_dict(request, with_history=True)


@tk.side_effect_free
def govshare_access_request_list(context, data_dict):
    """Requests: the user's own (``scope`` "mine") or the inbox of the departments they
    review (``scope`` "inbox"; the data bureau's inbox holds every department's).

    :param scope: "mine" (default) or "inbox"
    :type scope: string
    :param state: only requests in this state (optional): pending, approved, refused,
        revoked, expired or withdrawn
    :type state: string
    :param overdue: only pending requests past their reply date (optional)
    :type overdue: bool
    :param package_id: only requests for this entry (optional)
    :type package_id: string
    :param limit: at most this many (optional, default 100)
    :type limit: int
    :param offset: skip this many (optional)
    :type offset: int
    :returns: ``count`` and ``results``, newest first
    :rtype: dictionary
    """
    tk.check_access("govshare_access_request_list", context, data_dict)
    data = validated(schema.access_request_list_schema, context, data_dict)
    user = _user(context)
    query = model.Session.query(AccessRequest)
    if data.get("scope", "mine") == "mine":
        query = query.filter(AccessRequest.requester_id == user.id)
    elif not user.sysadmin:
        query = query.filter(AccessRequest.owner_org.in_(access_requests.reviewed_orgs(user)))
    if data.get("state"):
        query = query.filter(AccessRequest.state == data["state"])
    if data.get("overdue"):
        query = query.filter(AccessRequest.state == "pending",
                             AccessRequest.reply_due < datetime.date.today())
    if data.get("package_id"):
        package = model.Package.get(data["package_id"])
        query = query.filter(AccessRequest.package_id == (package.id if package else None))
    count = query.count()
    rows = (query.order_by(AccessRequest.created.desc())
            .offset(data.get("offset", 0)).limit(data.get("limit") or 100).all())
    return {"count": count, "results": [access_requests.as_dict(r) for r in rows]}


def _decision(action: str, context, data_dict, schema_fn):
    """The checks every reviewer's decision shares: the request exists, the user reviews
    for its department, and it is not their own."""
    request = _request_or_404(data_dict.get("id"))
    tk.check_access(action, context, {"id": request.id})
    user = _user(context)
    if request.requester_id == user.id:
        raise tk.NotAuthorized(_("You cannot decide on your own request"))
    return request, user, validated(schema_fn, context, data_dict)


def _require_state(request: AccessRequest, state: str, message: str) -> None:
    if request.state != state:
        raise tk.ValidationError({"state": [message]})


def govshare_access_request_approve(context, data_dict):
    """Approve a pending request: the requester may use the data until ``expires``.

    :param id: the request's id
    :type id: string
    :param expires: the last day of access (YYYY-MM-DD), today or later and not after
        the period requested
    :type expires: string
    :param resource_ids: approve only these of the requested resources (optional)
    :type resource_ids: list of strings
    :param data_items: approve only these of the requested data items (optional)
    :type data_items: list of strings
    :param note: a note for the requester (optional)
    :type note: string
    :rtype: dictionary
    """
    request, user, data = _decision("govshare_access_request_approve", context, data_dict,
                                    schema.access_request_approve_schema)
    _require_state(request, "pending", _("Only a pending request can be approved"))
    if data["expires"] > request.requested_until:
        raise tk.ValidationError({"expires": [_(
            "Access cannot last beyond the period requested ({date})").format(
                date=request.requested_until.isoformat())]})
    for field in ("resource_ids", "data_items"):
        narrowed = data.get(field)
        if narrowed:
            outside = [v for v in narrowed if v not in (getattr(request, field) or [])]
            if outside and (field == "resource_ids" or request.data_items):
                raise tk.ValidationError({field: [_(
                    "Only what was requested can be approved: {values}").format(
                        values=", ".join(outside))]})
            setattr(request, field, list(dict.fromkeys(narrowed)))
    request.state = "approved"
    request.expires = data["expires"]
    request.decided_by, request.decided = user.id, datetime.datetime.utcnow()
    _record(request, user, "approved", data.get("note", ""))
    model.Session.commit()
    package = model.Package.get(request.package_id)
    access_requests.notify(
        [model.User.get(request.requester_id)], request,
        _("Data request approved: {title}").format(title=package.title),
        _("Your request for \"{title}\" was approved. You may use the data until "
          "{expires}.").format(title=package.title, expires=request.expires.isoformat()))
    return access_requests.as_dict(request, with_history=True)


def govshare_access_request_refuse(context, data_dict):
    """Refuse a pending request; the reason is required and shown to the requester.

    :param id: the request's id
    :type id: string
    :param reason: why the request is refused
    :type reason: string
    :rtype: dictionary
    """
    request, user, data = _decision("govshare_access_request_refuse", context, data_dict,
                                    schema.access_request_reasoned_schema)
    _require_state(request, "pending", _("Only a pending request can be refused"))
    return _close(request, user, "refused", data["reason"],
                  _("Data request refused: {title}"),
                  _("Your request for \"{title}\" was refused: {reason}"))


def govshare_access_request_revoke(context, data_dict):
    """Revoke an approved request: access ends at once.

    :param id: the request's id
    :type id: string
    :param reason: why access is revoked
    :type reason: string
    :rtype: dictionary
    """
    request, user, data = _decision("govshare_access_request_revoke", context, data_dict,
                                    schema.access_request_reasoned_schema)
    _require_state(request, "approved", _("Only an approved request can be revoked"))
    return _close(request, user, "revoked", data["reason"],
                  _("Data access revoked: {title}"),
                  _("Your access to \"{title}\" was revoked: {reason}"))


def _close(request, user, state, reason, subject, body):
    request.state, request.reason = state, reason
    request.decided_by, request.decided = user.id, datetime.datetime.utcnow()
    _record(request, user, state, reason)
    model.Session.commit()
    title = model.Package.get(request.package_id).title
    access_requests.notify([model.User.get(request.requester_id)], request,
                           subject.format(title=title), body.format(title=title, reason=reason))
    return access_requests.as_dict(request, with_history=True)


def govshare_access_request_withdraw(context, data_dict):
    """Withdraw one's own pending request.

    :param id: the request's id
    :type id: string
    :rtype: dictionary
    """
    request = _request_or_404(data_dict.get("id"))
    tk.check_access("govshare_access_request_withdraw", context, {"id": request.id})
    _require_state(request, "pending", _("Only a pending request can be withdrawn"))
    user = _user(context)
    request.state = "withdrawn"
    _record(request, user, "withdrawn")
    model.Session.commit()
    return access_requests.as_dict(request, with_history=True)


def govshare_access_request_check(context, data_dict):
    """The periodic check (``ckan govshare requests check``): mark approvals past their
    expiry as expired and tell the requester; flag pending requests past their reply date
    to the department's reviewers and the data bureau, once.

    Access itself ends on the expiry date whether or not this has run.

    :returns: ``expired`` and ``overdue``: how many requests each step touched
    :rtype: dictionary
    """
    tk.check_access("govshare_access_request_check", context, data_dict)
    today = datetime.date.today()
    expired = model.Session.query(AccessRequest).filter(
        AccessRequest.state == "approved", AccessRequest.expires < today).all()
    for request in expired:
        request.state = "expired"
        _record(request, None, "expired")
    overdue = model.Session.query(AccessRequest).filter(
        AccessRequest.state == "pending", AccessRequest.reply_due < today,
        AccessRequest.overdue_notified.is_(None)).all()
    for request in overdue:
        request.overdue_notified = datetime.datetime.utcnow()
        _record(request, None, "overdue")
    model.Session.commit()

    for request in expired:
        title = model.Package.get(request.package_id).title
        access_requests.notify(
            [model.User.get(request.requester_id)], request,
            _("Data access expired: {title}").format(title=title),
            _("Your access to \"{title}\" ended on {date}.").format(
                title=title, date=request.expires.isoformat()))
    bureau = access_requests.data_bureau()
    for request in overdue:
        title = model.Package.get(request.package_id).title
        access_requests.notify(
            access_requests.reviewers(request.owner_org) + bureau, request,
            _("Overdue data request: {title}").format(title=title),
            _("The request for \"{title}\" was due for a reply on {due} and is still "
              "pending.").format(title=title, due=request.reply_due.isoformat()))
    return {"expired": len(expired), "overdue": len(overdue)}
