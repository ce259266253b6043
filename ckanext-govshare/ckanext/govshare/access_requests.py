"""Conditional-access requests: who reviews them, what a request looks like to the API,
and the notices that go out when one changes state."""
from __future__ import annotations

import datetime
import logging
from typing import Iterable, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib import mailer

from .model import AccessRequest

log = logging.getLogger(__name__)

REVIEWER_CAPACITIES = ("admin", "editor")
STATES = ("pending", "approved", "refused", "revoked", "expired", "withdrawn")


def reviewers(org_id: str) -> list[model.User]:
    """The providing department's reviewers: its editors and admins."""
    return (model.Session.query(model.User)
            .join(model.Member, model.Member.table_id == model.User.id)
            .filter(model.Member.group_id == org_id, model.Member.table_name == "user",
                    model.Member.state == "active",
                    model.Member.capacity.in_(REVIEWER_CAPACITIES),
                    model.User.state == "active")
            .all())


def reviewed_orgs(user: model.User) -> list[str]:
    """Departments whose requests ``user`` reviews."""
    return [org_id for (org_id,) in model.Session.query(model.Member.group_id)
            .filter(model.Member.table_id == user.id, model.Member.table_name == "user",
                    model.Member.state == "active",
                    model.Member.capacity.in_(REVIEWER_CAPACITIES))]


def is_reviewer(user: Optional[model.User], org_id: str) -> bool:
    return bool(user) and org_id in reviewed_orgs(user)


def is_overdue(request: AccessRequest, today: Optional[datetime.date] = None) -> bool:
    return request.state == "pending" and (today or datetime.date.today()) > request.reply_due


def is_active(request: AccessRequest, today: Optional[datetime.date] = None) -> bool:
    return request.state == "approved" and request.expires >= (today or datetime.date.today())


def as_dict(request: AccessRequest, with_history: bool = False) -> dict:
    package = model.Package.get(request.package_id)
    org = model.Group.get(request.owner_org)
    requester = model.User.get(request.requester_id)
    decider = model.User.get(request.decided_by) if request.decided_by else None
    names = {r.id: r.name or r.id for r in package.resources_all}
    result = {
        "id": request.id,
        "kind": request.kind,
        "state": request.state,
        "overdue": is_overdue(request),
        "active": is_active(request),
        "package_id": package.id,
        "package_name": package.name,
        "package_title": package.title,
        "owner_org": org.name,
        "owner_org_title": org.title,
        "requester": requester.name,
        "requester_display_name": requester.display_name,
        "resource_ids": list(request.resource_ids),
        "resources": [{"id": rid, "name": names.get(rid, rid)} for rid in request.resource_ids],
        "data_items": list(request.data_items or []),
        "purpose": request.purpose,
        "basis": request.basis,
        "requested_until": request.requested_until.isoformat(),
        "created": request.created.isoformat(),
        "reply_due": request.reply_due.isoformat(),
        "decided_by": decider.name if decider else None,
        "decided": request.decided.isoformat() if request.decided else None,
        "expires": request.expires.isoformat() if request.expires else None,
        "reason": request.reason,
    }
    if with_history:
        users = {u.id: u for u in model.Session.query(model.User).filter(
            model.User.id.in_([e.actor_id for e in request.events if e.actor_id]))}
        result["history"] = [{
            "action": event.action,
            "actor": users[event.actor_id].name if event.actor_id in users else None,
            "note": event.note,
            "created": event.created.isoformat(),
        } for event in request.events]
    return result


def notify(users: Iterable[model.User], request: AccessRequest, subject: str,
           body: str) -> None:
    """Mail ``users`` about ``request``; a mail failure is logged, never undoes the change."""
    link = tk.url_for("govshare_requests.read", id=request.id, _external=True)
    for user in {u.id: u for u in users}.values():
        if not user.email:
            continue
        try:
            mailer.mail_user(user, subject, f"{body}\n\n{link}\n")
        except mailer.MailerException as error:
            log.warning("could not mail %s about request %s: %s", user.name, request.id, error)


def data_bureau() -> list[model.User]:
    return model.Session.query(model.User).filter(
        model.User.sysadmin.is_(True), model.User.state == "active").all()
