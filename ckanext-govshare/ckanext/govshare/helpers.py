"""Template helpers of the govshare plugin."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from . import config, language


def govshare_platform_name() -> str:
    """The platform's configured name, e.g. 杭州市政务数据共享开放平台."""
    return config.platform_name()


def govshare_data_bureau() -> str:
    """The configured department that runs the platform."""
    return config.data_bureau()


def govshare_classification_choices(field: dict) -> list[dict]:
    """Choices for the classification field: the nodes resource codes can hang from, labelled
    "code name" in the user's language (scheming ``choices_helper``)."""
    from . import classification
    english = language.current() == "en"
    nodes = tk.get_action("govshare_classification_list")({}, {})
    return [{"value": node["code"],
             "label": f"{node['code']} {node['name_en'] if english and node['name_en'] else node['name']}"}
            for node in nodes if classification.can_head_resource_code(node["code"])]


def govshare_department_choices(field: dict) -> list[dict]:
    """Choices for a department's parent: every department, indented by level."""
    choices = []

    def walk(nodes, depth):
        for node in nodes:
            choices.append({"value": node["name"], "label": "　" * depth + node["title"]})
            walk(node["children"], depth + 1)
    walk(tk.get_action("govshare_department_tree")({}, {}), 0)
    return choices


def govshare_department_lineage(name: str) -> list[dict]:
    """The department's parents, from the top bureau down (for breadcrumbs and pages)."""
    from . import departments
    names = departments.lineage(name)[1:]
    return [tk.get_action("organization_show")({}, {"id": parent}) for parent in reversed(names)]


def govshare_department_children(name: str) -> list[dict]:
    """The department's direct sub-units as ``{name, title, children}``."""
    def find(nodes):
        for node in nodes:
            if node["name"] == name:
                return node["children"]
            found = find(node["children"])
            if found is not None:
                return found
        return None
    return find(tk.get_action("govshare_department_tree")({}, {})) or []


def govshare_may_use_data(resource_id: str) -> bool:
    """Whether the current user may take this resource's data (download, preview, query)."""
    return tk.h.check_access("resource_show", {"id": resource_id})


def govshare_request_kind(pkg_dict: dict) -> str | None:
    """The kind of request the current user could make for this entry's data: "share"
    (government staff, 有条件共享), "open" (registered users, 有条件开放), or None."""
    from . import data_access
    if not tk.current_user.is_authenticated:
        return data_access.OPEN if pkg_dict.get("open_type") == "conditional" else None
    if pkg_dict.get("share_type") == "not_shared":
        return None
    if pkg_dict.get("share_type") == "conditional" and data_access.is_staff(tk.current_user):
        return data_access.SHARE
    if pkg_dict.get("open_type") == "conditional":
        return data_access.OPEN
    return None


def govshare_my_requests(pkg_dict: dict) -> list[dict]:
    """The current user's requests for this entry, newest first."""
    if not tk.current_user.is_authenticated:
        return []
    return tk.get_action("govshare_access_request_list")(
        {"user": tk.current_user.name}, {"package_id": pkg_dict["id"], "limit": 10})["results"]


def govshare_inbox_pending() -> int:
    """Pending requests in the current user's inbox (0 for users who review nothing)."""
    if not tk.current_user.is_authenticated:
        return 0
    return tk.get_action("govshare_access_request_list")(
        {"user": tk.current_user.name}, {"scope": "inbox", "state": "pending", "limit": 1})["count"]


def govshare_lineage(pkg_dict: dict) -> dict | None:
    """Where a harvested entry and its files came from (None for entries made here)."""
    try:
        found = tk.get_action("govshare_lineage_show")(
            {"user": tk.current_user.name if tk.current_user.is_authenticated else ""},
            {"id": pkg_dict["id"]})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return None
    if found:
        names = {r["id"]: r.get("name") or r["id"] for r in pkg_dict.get("resources", [])}
        for row in found["files"]:
            row["resource_name"] = names.get(row["resource_id"], row["resource_id"])
    return found


def govshare_transfer_label(transfer: str) -> str:
    """What the exchange did with a harvested file, in the reader's language."""
    from .exchange_views import transfer_labels
    return transfer_labels().get(transfer, transfer)
