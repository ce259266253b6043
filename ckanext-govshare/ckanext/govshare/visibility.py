"""Who may see a catalog entry's metadata (tiered access, first layer).

Entries open to the public (无条件开放, 有条件开放) are visible to everyone. Every other entry,
不予共享 included (the catalog lists it, flagged), is visible to government staff only: users
who belong to any department. The data bureau (sysadmins) sees everything. Expressed as
CKAN permission labels, so ``package_search`` and ``package_show`` agree by construction.
"""
from __future__ import annotations

from ckan.lib.plugins import DefaultPermissionLabels

STAFF = "govshare-staff"
PUBLIC = "public"
OPEN_TO_PUBLIC = ("open", "conditional")


class CatalogPermissionLabels(DefaultPermissionLabels):

    def get_dataset_labels(self, dataset_obj) -> list[str]:
        labels = super().get_dataset_labels(dataset_obj)
        if PUBLIC in labels and dataset_obj.extras.get("open_type") not in OPEN_TO_PUBLIC:
            return [label for label in labels if label != PUBLIC] + [STAFF]
        return labels

    def get_user_dataset_labels(self, user_obj) -> list[str]:
        labels = super().get_user_dataset_labels(user_obj)
        # membership of any department (the default labels name them) makes one staff
        if any(label.startswith("member-") for label in labels):
            labels.append(STAFF)
        return labels
