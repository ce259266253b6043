"""Processes forked from a CKAN process must not share its pooled database connections.

`ckan search-index rebuild-fast` forks one indexing process per core after CKAN has loaded;
ckanext-harvest checks its tables while loading, so the parent already holds a pooled
connection, and two processes using one connection mix up each other's replies (the children
fail with KeyError in SQLAlchemy's result handling). A child forgets the parent's
connections without closing them, as SQLAlchemy advises for os.fork(), and opens its own.
"""
from __future__ import annotations

import os

from ckan.model import meta


def _forget_parent_connections() -> None:
    if meta.engine is not None:
        meta.engine.dispose(close=False)


os.register_at_fork(after_in_child=_forget_parent_connections)
