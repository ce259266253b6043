"""Departments as a hierarchy: a bureau and its sub-units, through each organization's
``parent`` (上级部门) field."""
from __future__ import annotations

import ckan.model as model

PARENT_KEY = "parent"
# A hierarchy deeper than this is a data error (a cycle that slipped in), not a real city.
MAX_DEPTH = 10


def parent_name(group: model.Group) -> str | None:
    return group.extras.get(PARENT_KEY) or None


def lineage(name_or_id: str) -> list[str]:
    """The organization's name followed by its ancestors' names, nearest first."""
    names: list[str] = []
    group = model.Group.get(name_or_id)
    while group is not None and group.name not in names and len(names) < MAX_DEPTH:
        names.append(group.name)
        parent = parent_name(group)
        group = model.Group.get(parent) if parent else None
    return names


def tree() -> list[dict]:
    """Every active organization as nested ``{name, title, children}``, roots sorted by title."""
    groups = model.Session.query(model.Group).filter(
        model.Group.is_organization.is_(True), model.Group.state == "active").all()
    nodes = {g.name: {"name": g.name, "title": g.title, "children": []} for g in groups}
    roots = []
    for group in groups:
        parent = parent_name(group)
        (nodes[parent]["children"] if parent in nodes else roots).append(nodes[group.name])
    for node in nodes.values():
        node["children"].sort(key=lambda child: child["title"])
    return sorted(roots, key=lambda node: node["title"])
