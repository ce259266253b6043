"""Who may see a catalog entry's metadata (tiered access, first layer).

Entries open to the public (无条件开放, 有条件开放) are visible to everyone. Every other entry,
不予共享 included (the catalog lists it, flagged), is visible to government staff only: users
who belong to any department. The data bureau (sysadmins) sees everything. Expressed as
CKAN permission labels, so ``package_search`` and ``package_show`` agree by construction.
"""
from __future__ import annotations

import ckan.authz as authz
import ckan.model as model
import sqlalchemy as sa
from ckan.lib.plugins import DefaultPermissionLabels

STAFF = "govshare-staff"
PUBLIC = "public"
OPEN_TO_PUBLIC = ("open", "conditional")


class CatalogPermissionLabels(DefaultPermissionLabels):

    def get_dataset_labels(self, dataset_obj) -> list[str]:
        labels = super().get_dataset_labels(dataset_obj)
        if PUBLIC in labels and open_type(dataset_obj) not in OPEN_TO_PUBLIC:
            return [label for label in labels if label != PUBLIC] + [STAFF]
        return labels

    def get_user_dataset_labels(self, user_obj) -> list[str]:
        if not user_obj or user_obj.is_anonymous:
            return [PUBLIC]
        if user_obj.sysadmin or authz.check_config_permission("allow_dataset_collaborators"):
            labels = super().get_user_dataset_labels(user_obj)  # CKAN's own, for rare cases
        else:  # CKAN's labels, for every request of a signed-in user: kept cheap
            labels = [PUBLIC, f"creator-{user_obj.id}",
                      *(f"member-{org_id}" for org_id in readable_organizations(user_obj.id))]
        # membership of any department makes one staff
        if any(label.startswith("member-") for label in labels):
            labels.append(STAFF)
        return labels


def open_type(dataset_obj) -> str | None:
    """The entry's open type. Auth checks ask before anything has loaded the entry's extras
    (about twenty ORM objects): then only this one value is read."""
    if dataset_obj.id is None or "_extras" not in sa.inspect(dataset_obj).unloaded:
        return dataset_obj.extras.get("open_type")
    row = model.Session.query(model.PackageExtra.value).filter_by(
        package_id=dataset_obj.id, key="open_type").first()
    return row[0] if row else None


def readable_organizations(user_id: str) -> set[str]:
    """Ids of the active organizations whose datasets the user may read: what CKAN's default
    labels take from organization_list_for_user (permission "read"), without dictizing every
    organization, which took most of a staff user's package_show."""
    cascading = authz.check_config_permission("roles_that_cascade_to_sub_groups")
    memberships = (
        model.Session.query(model.Member.capacity, model.Group)
        .join(model.Group, model.Group.id == model.Member.group_id)
        .filter(model.Member.table_name == "user", model.Member.table_id == user_id,
                model.Member.state == "active",
                model.Member.capacity.in_(authz.get_roles_with_permission("read"))))
    ids: set[str] = set()
    for capacity, group in memberships:
        ids.add(group.id)
        if capacity in cascading:
            ids.update(child[0] for child in group.get_children_group_hierarchy("organization"))
    if not ids:
        return ids
    active = model.Session.query(model.Group.id).filter(
        model.Group.id.in_(ids), model.Group.is_organization.is_(True),
        model.Group.state == "active")
    return {org_id for (org_id,) in active}
