"""What GovShare adds to a catalog entry's search document."""
from __future__ import annotations

from typing import Any

from . import classification, departments

PATH_FIELD = "classification_path"
DEPARTMENT_FIELD = "department_path"


def add_classification_path(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """Index the entry under its classification node and every ancestor, so one facet counts
    and filters entries at any level of the tree (``fq=classification_path:101``)."""
    code = pkg_dict.get("classification")
    path = []
    while code:
        path.append(code)
        code = classification.parent_code(code)
    if path:
        pkg_dict[PATH_FIELD] = path
    return pkg_dict


def add_department_path(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """Index the entry under its department and every parent department, so a bureau's
    catalog rolls up its sub-units' entries (``fq=department_path:shi-gongan-ju``)."""
    if pkg_dict.get("owner_org"):
        pkg_dict[DEPARTMENT_FIELD] = departments.lineage(pkg_dict["owner_org"])
    return pkg_dict
