"""The portal benchmark's result as Markdown tables, and its targets checked."""
from __future__ import annotations

RATIO_TARGET = 1.15          # ours/stock at p95 for package_search and package_show
REBUILD_TARGET = 100         # entries per second with rebuild-fast
PAGE_SOLR_TARGET = 3         # Solr requests per dataset or search page


def ratio(result: dict, kind: str, tier: str) -> float | None:
    ours = result["latency"].get(f"ours/{kind}/{tier}")
    stock = result["latency"].get(f"stock/{kind}/{tier}")
    if not ours or not stock or not stock["p95_ms"]:
        return None
    return round(ours["p95_ms"] / stock["p95_ms"], 2)


def targets(result: dict) -> list[dict]:
    """Each target with whether it was met and the figures behind it."""
    checks = []
    worst = max(((ratio(result, kind, tier) or 0.0, f"{kind} as {tier}")
                 for kind in result["api_kinds"] for tier in result["tiers"]), default=(0, ""))
    checks.append({"target": f"package_search and package_show: ours/stock ≤ {RATIO_TARGET} "
                             f"at p95 for every user",
                   "met": worst[0] <= RATIO_TARGET, "detail": f"highest {worst[0]} ({worst[1]})"})
    fast = result["reindex"].get("ours", {}).get("rebuild-fast")
    if fast is not None:
        checks.append({"target": f"rebuild-fast ≥ {REBUILD_TARGET} entries/s",
                       "met": fast >= REBUILD_TARGET, "detail": f"{fast} entries/s"})
    pages = {f"{kind} as {tier}": result["counts"]["solr"][f"ours/{kind}/{tier}"]
             for kind in result["pages"] for tier in result["tiers"]}
    most = max(pages.items(), key=lambda item: item[1])
    checks.append({"target": f"≤ {PAGE_SOLR_TARGET} Solr requests per dataset or search page",
                   "met": most[1] <= PAGE_SOLR_TARGET, "detail": f"most {most[1]} ({most[0]})"})
    grows = {tier: sql for key, sql in result["counts"]["list_sql"].items()
             if key.startswith("ours/") for tier in [key.split("/", 1)[1]]
             if sql["20 results"] > sql["1 result"]}
    checks.append({"target": "no per-dataset SQL on the search page (20 results cost the "
                             "statements of 1)",
                   "met": not grows, "detail": "; ".join(
                       f"{tier}: {sql['1 result']} → {sql['20 results']}"
                       for tier, sql in grows.items()) or "equal for every user"})
    deep = [result["latency"][f"ours/search_deep/{tier}"] for tier in result["tiers"]]
    checks.append({"target": "page 500 answered, never timed out",
                   "met": all(cell["errors"] == 0 for cell in deep),
                   "detail": f"{sum(cell['errors'] for cell in deep)} failed of "
                             f"{sum(cell['requests'] for cell in deep)}"})
    errors = sum(cell["errors"] for cell in result["latency"].values())
    checks.append({"target": "every measured request answered 200", "met": errors == 0,
                   "detail": f"{errors} failed" + next(
                       (f" (first: {cell['first_error']})" for cell in result["latency"].values()
                        if cell["errors"]), "")})
    return checks


def row(cells: list) -> str:
    return "| " + " | ".join("—" if cell is None else str(cell) for cell in cells) + " |"


def latency_cells(cell: dict | None) -> list:
    if not cell:
        return [None] * 4
    return [cell["p50_ms"], cell["p95_ms"], cell["p99_ms"], cell["per_second"]]


def markdown(result: dict) -> str:
    kinds, tiers, latency = result["kinds"], result["tiers"], result["latency"]
    lines = [f"## Portal benchmark: {result['entries']:,} entries",
             "",
             f"{result['requests']} requests per row and system from {result['clients']} "
             f"concurrent clients; latency in ms (p50 / p95 / p99), throughput in requests/s. "
             f"Solr: the Solr queries ours made for the same requests, sent to Solr directly.",
             "",
             row(["request", "user", "ours p50", "ours p95", "ours p99", "ours req/s",
                  "stock p50", "stock p95", "stock p99", "stock req/s",
                  "Solr p50", "Solr p95", "Solr p99", "Solr req/s", "ours/stock p95"]),
             row(["---"] * 2 + ["---:"] * 13)]
    for kind, label in kinds.items():
        for tier in tiers:
            lines.append(row([label, tier, *latency_cells(latency.get(f"ours/{kind}/{tier}")),
                              *latency_cells(latency.get(f"stock/{kind}/{tier}")),
                              *latency_cells(latency.get(f"solr/{kind}/{tier}")),
                              ratio(result, kind, tier)]))
    counts = result["counts"]
    lines += ["", "Per request (one request, counted at Solr and PostgreSQL):", "",
              row(["request", "user", "Solr requests ours", "Solr requests stock",
                   "SQL statements ours", "SQL statements stock"]),
              row(["---"] * 2 + ["---:"] * 4)]
    for kind, label in kinds.items():
        for tier in tiers:
            lines.append(row([label, tier] + [counts[what].get(f"{system}/{kind}/{tier}")
                                              for what in ("solr", "sql")
                                              for system in ("ours", "stock")]))
    lines += ["", row(["user", "entries found ours", "entries found stock",
                       "search page SQL ours (1 → 20 results)",
                       "search page SQL stock (1 → 20 results)"]),
              row(["---"] + ["---:"] * 4)]
    for tier in tiers:
        list_sql = [counts["list_sql"].get(f"{system}/{tier}") for system in ("ours", "stock")]
        lines.append(row([tier, counts["visible"].get(f"ours/{tier}"),
                          counts["visible"].get(f"stock/{tier}"),
                          *(f"{sql['1 result']} → {sql['20 results']}" if sql else None
                            for sql in list_sql)]))
    lines += ["", row(["loading", "ours", "stock"]), row(["---", "---:", "---:"])]
    created = result["created"]
    lines.append(row(["API creation (entries/s, per load)"] + [
        ", ".join(f"{load['per_second']} ({load['from']:,}–{load['to']:,})"
                  for load in created.get(s, [])) or None for s in ("ours", "stock")]))
    for command in ("rebuild", "rebuild-fast"):
        lines.append(row([f"`ckan search-index {command}` (entries/s)"] + [
            result["reindex"].get(s, {}).get(command) for s in ("ours", "stock")]))
    if result["reindex"].get("at"):
        lines += ["", f"Re-index figures from the run that re-indexed at {result['reindex']['at']} "
                      f"(this one was started with --no-rebuild)."]
    lines += ["", "Targets:", ""]
    for check in targets(result):
        lines.append(f"- {'met' if check['met'] else 'NOT MET'}: {check['target']} "
                     f"({check['detail']})")
    return "\n".join(lines) + "\n"


SYSTEMS = (("ours", "#1f6feb"), ("stock", "#8b949e"), ("solr", "#2da44e"))


def chart(result: dict) -> str:
    """p95 latency per request kind and user as grouped horizontal bars (SVG): ours, stock
    CKAN and Solr directly."""
    rows = [(f"{label} · {tier}", [result["latency"].get(f"{system}/{kind}/{tier}")
                                   for system, _colour in SYSTEMS])
            for kind, label in result["kinds"].items() for tier in result["tiers"]]
    highest = max((cell["p95_ms"] for _label, cells in rows for cell in cells if cell),
                  default=1) or 1
    left, width, bar, gap = 330, 520, 7, 8
    height = 40 + len(rows) * (3 * bar + gap)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 80}" '
             f'height="{height}" font-family="sans-serif" font-size="11">',
             f'<text x="10" y="16" font-size="13">p95 latency (ms), {result["entries"]:,} '
             f'entries, {result["clients"]} clients</text>']
    for index, (system, colour) in enumerate(SYSTEMS):
        parts.append(f'<rect x="{left + index * 90}" y="6" width="10" height="10" '
                     f'fill="{colour}"/><text x="{left + 14 + index * 90}" y="15">{system}</text>')
    y = 30
    for label, cells in rows:
        parts.append(f'<text x="{left - 6}" y="{y + 2 * bar}" text-anchor="end">{label}</text>')
        for (system, colour), cell in zip(SYSTEMS, cells):
            if cell:
                length = max(1.0, cell["p95_ms"] / highest * width)
                parts.append(f'<rect x="{left}" y="{y}" width="{length:.1f}" height="{bar - 1}" '
                             f'fill="{colour}"/><text x="{left + length + 4:.1f}" '
                             f'y="{y + bar - 1}" font-size="8">{cell["p95_ms"]}</text>')
            y += bar
        y += gap
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
