#!/usr/bin/env python3
"""Chinese search relevance, GovShare's Solr schema side by side with CKAN's stock schema.

Runs the query set in benchmarks/relevance_queries.yaml over the demo catalog twice through
the same CKAN code (`ckan govshare search-quality`): once against the `ckan` core (smartcn
word segmentation plus character pairs) and once against `ckan_stock` (CKAN 2.11's own text
analysis), after indexing the same database into it. Prints a Markdown table and writes it,
with the per-query detail as JSON, to benchmarks/results/.

    make up && .venv/bin/python benchmarks/relevance.py
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RUN_DIR = Path(os.environ.get("GOVSHARE_RUN_DIR", REPO / ".run"))
CKAN = str(REPO / ".venv" / "bin" / "ckan")
QUERIES = REPO / "benchmarks" / "relevance_queries.yaml"
RESULTS = REPO / "benchmarks" / "results"


def ckan(ini: str, *args: str) -> None:
    result = subprocess.run([CKAN, "-c", str(RUN_DIR / ini), *args], capture_output=True,
                            text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"`ckan {' '.join(args)}` failed:\n{result.stderr[-2000:]}")


def measure(ini: str, *flags: str) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        ckan(ini, "govshare", "search-quality", str(QUERIES), "--json", out.name, *flags)
        return json.load(open(out.name, encoding="utf-8"))


def table(ours: dict, stock: dict) -> str:
    rows = [
        ("queries", "queries"),
        ("mean precision@5", "mean_precision_at_5"),
        ("top-1 result relevant", "top1_rate"),
        ("queries finding nothing", "zero_result_queries"),
    ]
    lines = ["| measure | GovShare schema | CKAN stock schema |", "|---|---:|---:|"]
    lines += [f"| {label} | {ours['summary'][key]} | {stock['summary'][key]} |"
              for label, key in rows]
    lines += ["", "| query | GovShare P@5 | stock P@5 |", "|---|---:|---:|"]
    for mine, theirs in zip(ours["queries"], stock["queries"]):
        lines.append(f"| {mine['q']} | {mine['precision_at_5']:.2f} | "
                     f"{theirs['precision_at_5']:.2f} |")
    return "\n".join(lines)


def main() -> int:
    print("indexing the demo catalog into the stock-schema core (ckan_stock)...", flush=True)
    ckan("stock.ini", "search-index", "rebuild")
    print("measuring GovShare's schema...", flush=True)
    ours = measure("ckan.ini")
    print("measuring CKAN's stock schema...", flush=True)
    stock = measure("stock.ini", "--stock-query")
    report = table(ours, stock)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "relevance.md").write_text(report + "\n", encoding="utf-8")
    (RESULTS / "relevance.json").write_text(
        json.dumps({"govshare": ours, "stock": stock}, ensure_ascii=False, indent=1),
        encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
