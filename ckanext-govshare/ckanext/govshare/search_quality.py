"""Search relevance measured against a set of queries with known relevant entries.

precision@k for one query is the share of the top k results that are relevant, out of the
most that could be: min(k, number of relevant entries). A query is a top-1 hit when its first
result is relevant.
"""
from __future__ import annotations

from dataclasses import dataclass, asdict
from typing import Any, Callable, Iterable, Iterator

K = 5


@dataclass
class QueryResult:
    q: str
    relevant: list[str]
    returned: list[str]
    found: int

    @property
    def precision(self) -> float:
        top = self.returned[:K]
        return sum(title in self.relevant for title in top) / min(K, len(self.relevant))

    @property
    def top1(self) -> bool:
        return bool(self.returned) and self.returned[0] in self.relevant

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "precision_at_5": round(self.precision, 3), "top1": self.top1}


def evaluate(queries: Iterable[dict], search: Callable[[str], tuple[list[str], int]],
             progress: Callable[[list], Iterator] = iter) -> list[QueryResult]:
    """Run every query through ``search`` (query -> (top titles, number found))."""
    results = []
    for query in progress(list(queries)):
        titles, found = search(query["q"])
        results.append(QueryResult(query["q"], list(query["relevant"]), titles, found))
    return results


def summary(results: list[QueryResult]) -> dict[str, float]:
    return {
        "queries": len(results),
        "mean_precision_at_5": round(sum(r.precision for r in results) / len(results), 3),
        "top1_rate": round(sum(r.top1 for r in results) / len(results), 3),
        "zero_result_queries": sum(r.found == 0 for r in results),
    }


def package_search(query: str, stock: bool = False) -> tuple[list[str], int]:
    """The catalog's own search, as the portal runs it; ``stock`` sends CKAN's own query
    fields instead of ours (for a core with CKAN's stock text analysis)."""
    import ckan.plugins.toolkit as tk
    from ckan.lib.search.query import QUERY_FIELDS

    params = {"q": query, "rows": K, "fl": "title"}
    if stock:
        params["qf"] = QUERY_FIELDS
    result = tk.get_action("package_search")({"ignore_auth": True}, params)
    return [row["title"] for row in result["results"]], result["count"]
