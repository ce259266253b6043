"""The demo catalog: city departments and their catalog entries, loaded through the Action API.

Loading is idempotent: organizations and datasets that already exist are left as they are,
so ``make up`` can run it every time.
"""
from __future__ import annotations

import csv
import io
import json
import os
import secrets
from importlib import resources
from typing import Any, Callable, Iterator

import ckan.plugins.toolkit as tk
from werkzeug.datastructures import FileStorage

from . import codes

SAMPLE_ROWS = 5


def _seed(name: str) -> dict[str, Any]:
    return json.loads(resources.files("ckanext.govshare").joinpath(f"seed/{name}")
                      .read_text("utf-8"))


def catalog() -> dict[str, Any]:
    """The bundled demo catalog (departments and entries, with their resource codes)."""
    return _seed("demo_catalog.json")


def classification_tree() -> list[dict[str, str]]:
    """The bundled classification tree: base libraries, the city plan's themes, departments."""
    return _seed("classification.json")["nodes"]


def seed_classification(progress: Callable[[list], Iterator] = iter) -> int:
    """Create the bundled classification nodes that do not exist yet.

    :returns: how many nodes were created
    """
    context = {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}
    existing = {node["code"] for node in
                tk.get_action("govshare_classification_list")(dict(context), {})}
    created = 0
    for node in progress(classification_tree()):  # parents come before their children
        if node["code"] not in existing:
            tk.get_action("govshare_classification_create")(dict(context), dict(node))
            created += 1
    return created


def ensure_sysadmin(name: str) -> tuple[dict[str, Any], str | None]:
    """Return the sysadmin ``name``, creating it if needed.

    :returns: the user dict and the password when the user was created now, else ``None``
    """
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    context = {"ignore_auth": True, "user": site_user["name"]}
    try:
        return tk.get_action("user_show")(context, {"id": name}), None
    except tk.ObjectNotFound:
        password = secrets.token_urlsafe(18)
        user = tk.get_action("user_create")(
            context,
            {"name": name, "email": f"{name}@govshare.invalid", "password": password,
             "fullname": "数据局管理员", "sysadmin": True},
        )
        return user, password


def issue_token(user_name: str, token_name: str) -> str:
    """A new API token for ``user_name``."""
    result = tk.get_action("api_token_create")(
        {"user": user_name}, {"user": user_name, "name": token_name}
    )
    return result["token"]


def load(admin_name: str, progress: Callable[[list], Iterator] = iter) -> dict[str, int]:
    """Create the demo organizations and datasets that do not exist yet.

    :param admin_name: the sysadmin who creates everything (and so administers the demo
        departments)
    :param progress: wraps the list of datasets, e.g. ``click.progressbar``
    :returns: counts of created and already present organizations and datasets
    """
    seed_classification()  # the entries are classified under it
    data = catalog()
    counts = {"organizations_created": 0, "datasets_created": 0, "datasets_present": 0}

    for org in data["organizations"]:
        if not _exists("organization_show", org["name"]):
            tk.get_action("organization_create")({"user": admin_name}, dict(org))
            counts["organizations_created"] += 1

    for entry in progress(data["datasets"]):
        name = codes.url_name(entry["resource_code"])
        if _exists("package_show", name):
            counts["datasets_present"] += 1
            continue
        package = tk.get_action("package_create")({"user": admin_name}, _package(entry, name))
        # Uploads go through resource_create, which hands the file to the uploader.
        tk.get_action("resource_create")({"user": admin_name}, _sample_resource(entry, package))
        counts["datasets_created"] += 1
    return counts


def _exists(show_action: str, name: str) -> bool:
    try:
        tk.get_action(show_action)({"ignore_auth": True}, {"id": name})
        return True
    except tk.ObjectNotFound:
        return False


def _package(entry: dict[str, Any], name: str) -> dict[str, Any]:
    package = {key: value for key, value in entry.items() if key != "tags"}
    package["name"] = name
    package["tags"] = [{"name": tag} for tag in entry["tags"]]
    return package


def _sample_resource(entry: dict[str, Any], package: dict[str, Any]) -> dict[str, Any]:
    return {
        "package_id": package["id"],
        "name": f"{entry['title']}（样例）",
        "description": "演示数据：按信息项生成的样例记录。",
        "format": "CSV",
        "upload": FileStorage(
            stream=io.BytesIO(sample_csv(entry["data_items"]).encode("utf-8")),
            filename=f"{package['name']}.csv",
            content_type="text/csv",
        ),
    }


_SAMPLES = {
    "C": lambda item, row: f"{item}示例{row + 1}",
    "I": lambda item, row: str(100 * (row + 1) + row * 7),
    "N": lambda item, row: str(100 * (row + 1) + row * 7),
    "F": lambda item, row: f"{12.5 * (row + 1):.2f}",
    "B": lambda item, row: f"{12.5 * (row + 1):.2f}",
    "Y": lambda item, row: f"{1000.0 * (row + 1):.2f}",
    "D": lambda item, row: f"2024-{row + 1:02d}-15",
    "T": lambda item, row: f"2024-{row + 1:02d}-15 08:30:00",
    "L": lambda item, row: "是" if row % 2 == 0 else "否",
}


def sample_csv(data_items: list[dict[str, str]]) -> str:
    """A small CSV whose header is the data items and whose rows fit their data types."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=os.linesep)
    writer.writerow([item["name"] for item in data_items])
    for row in range(SAMPLE_ROWS):
        writer.writerow([
            _SAMPLES.get(item["type"], _SAMPLES["C"])(item["name"], row) for item in data_items
        ])
    return out.getvalue()
