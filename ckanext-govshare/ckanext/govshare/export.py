"""Catalog export: the entries a search finds, as the national template."""
from __future__ import annotations

from typing import Any, Iterator

import ckan.plugins.toolkit as tk

PAGE = 500


def search_packages(context: dict, q: str = "*:*", fq: str = "") -> Iterator[dict[str, Any]]:
    """Every entry the user may see that the search finds, in resource-code order."""
    start = 0
    while True:
        result = tk.get_action("package_search")(dict(context), {
            "q": q or "*:*", "fq": fq, "rows": PAGE, "start": start, "sort": "name asc",
            "include_private": True})
        yield from result["results"]
        start += PAGE
        if start >= result["count"]:
            return


def filters_from_args(args: dict[str, str]) -> str:
    """An fq from search-page style arguments (``share_type=conditional&organization=x``)."""
    clauses = []
    for key, value in args.items():
        if key in ("q", "sort", "page", "format") or not value:
            continue
        escaped = str(value).replace("\\", "\\\\").replace('"', '\\"')
        clauses.append(f'{key}:"{escaped}"')
    return " ".join(clauses)
