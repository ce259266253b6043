"""Departments as a hierarchy: a bureau and its sub-units, through each organization's
``parent`` (上级部门) field."""
from __future__ import annotations

import ckan.model as model
import sqlalchemy as sa

PARENT_KEY = "parent"
# A hierarchy deeper than this is a data error (a cycle that slipped in), not a real city.
MAX_DEPTH = 10


def parent_name(group: model.Group) -> str | None:
    return group.extras.get(PARENT_KEY) or None


# The department and its ancestors in one statement: it runs for every entry indexed, where
# walking the ORM objects cost two queries per level.
LINEAGE_SQL = sa.text("""
    WITH RECURSIVE chain(name, parent, depth) AS (
        SELECT g.name, e.value, 1
        FROM "group" g
        LEFT JOIN group_extra e ON e.group_id = g.id AND e.key = :key AND e.state = 'active'
        WHERE g.id = :ref OR g.name = :ref
      UNION ALL
        SELECT g.name, e.value, chain.depth + 1
        FROM chain
        JOIN "group" g ON g.name = chain.parent OR g.id = chain.parent
        LEFT JOIN group_extra e ON e.group_id = g.id AND e.key = :key AND e.state = 'active'
        WHERE chain.depth < :max_depth AND chain.parent <> ''
    )
    SELECT name FROM chain ORDER BY depth
""")


def lineage(name_or_id: str) -> list[str]:
    """The organization's name followed by its ancestors' names, nearest first."""
    names: list[str] = []
    rows = model.Session.execute(LINEAGE_SQL, {"ref": name_or_id, "key": PARENT_KEY,
                                               "max_depth": MAX_DEPTH})
    for (name,) in rows:
        if name in names:  # a cycle: stop where it closes
            break
        names.append(name)
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
