"""Who may take a catalog entry's data (tiered access, second layer).

Seeing an entry (visibility.py) is not taking its data. Data — downloads, uploaded files,
DataStore queries, previews — follows the sharing and open types:

- 无条件开放: everyone;
- 有条件开放: registered users holding an approved open-data application;
- 无条件共享: all government staff;
- 有条件共享: government staff holding an approved sharing request, until it expires;
- 不予共享: the providing department only.

The providing department and the data bureau always may. A grant counts only while the entry
still offers that kind of conditional access: re-typing an entry as 不予共享 ends it.
"""
from __future__ import annotations

import datetime
from typing import Optional

import ckan.authz as authz
import ckan.model as model
from sqlalchemy import exists

from .model import AccessRequest

SHARE = "share"  # a department's request under 有条件共享
OPEN = "open"    # a registered user's application under 有条件开放


def registered(user: Optional[model.User]) -> bool:
    """A signed-in account (views pass Flask-Login's anonymous user, actions may pass None)."""
    return user is not None and not getattr(user, "is_anonymous", False)


def is_staff(user: Optional[model.User]) -> bool:
    """Government staff: members of any department."""
    return registered(user) and authz.has_user_permission_for_some_org(user.name, "read")


def is_provider(user: Optional[model.User], package: model.Package) -> bool:
    """Staff of the department that provides the entry."""
    return registered(user) and bool(package.owner_org) and authz.has_user_permission_for_group_or_org(
        package.owner_org, user.name, "read")


def grant_kinds(package: model.Package) -> list[str]:
    """The kinds of request this entry's data may be granted through."""
    kinds = []
    if package.extras.get("share_type") == "conditional":
        kinds.append(SHARE)
    if package.extras.get("open_type") == "conditional":
        kinds.append(OPEN)
    return kinds


def may_use_data(user: Optional[model.User], package: model.Package,
                 resource_id: str) -> bool:
    if package.extras.get("open_type") == "open":
        return True
    if not registered(user):
        return False
    if user.sysadmin or is_provider(user, package):
        return True
    share_type = package.extras.get("share_type")
    if share_type == "unconditional" and is_staff(user):
        return True
    return holds_grant(user, package, resource_id)


def holds_grant(user: model.User, package: model.Package, resource_id: str,
                today: Optional[datetime.date] = None) -> bool:
    """An approved, unexpired request of a kind the entry still offers, covering the resource."""
    kinds = grant_kinds(package)
    if SHARE in kinds and not is_staff(user):
        kinds.remove(SHARE)  # a sharing grant serves a department, not a person who left it
    if not kinds:
        return False
    today = today or datetime.date.today()
    return model.Session.query(exists().where(
        AccessRequest.requester_id == user.id,
        AccessRequest.package_id == package.id,
        AccessRequest.state == "approved",
        AccessRequest.kind.in_(kinds),
        AccessRequest.expires >= today,
        AccessRequest.resource_ids.any(resource_id),
    )).scalar()
