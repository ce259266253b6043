#!/usr/bin/env python3
"""Bulk registration at scale: a 5,000-row Excel template imported into the running portal.

Generates a realistic filled-in template (reproducible from --seed), uploads it through the
Action API as the demo sysadmin into a benchmark department, follows the background job's
progress, and prints the timings; the benchmark department and its entries are purged
afterwards unless --keep is given.

    make up && .venv/bin/python benchmarks/bulk_import.py --rows 5000
"""
from __future__ import annotations

import argparse
import io
import os
import random
import sys
import time
import uuid
from pathlib import Path

import ckanapi
from openpyxl import Workbook

REPO = Path(__file__).resolve().parent.parent
RUN_DIR = Path(os.environ.get("GOVSHARE_RUN_DIR", REPO / ".run"))
sys.path.insert(0, str(REPO / "ckanext-govshare"))
from ckanext.govshare import catalog_table  # noqa: E402  (headers only; needs no CKAN app)

DISTRICTS = ["上城区", "拱墅区", "西湖区", "滨江区", "萧山区", "余杭区", "临平区", "钱塘区", "富阳区", "临安区"]
SUBJECTS = [("101004", "人口统计"), ("102001", "企业法人登记"), ("103004", "地名地址"),
            ("104001", "经济运行"), ("203001", "环境质量监测"), ("204003", "公交出行"),
            ("205001", "医疗机构服务"), ("206002", "社会保险参保"), ("201002", "建筑物普查")]
CYCLES = ["实时", "每日", "每周", "每月", "每季度", "每年"]


def generate(rows: int, seed: int) -> bytes:
    rng = random.Random(seed)
    book = Workbook()
    sheet = book.active
    sheet.title = catalog_table.ENTRY_SHEET
    headers = [catalog_table.ROW] + [h for _k, h in catalog_table.ENTRY_COLUMNS]
    sheet.append(headers)
    items = book.create_sheet(catalog_table.ITEM_SHEET)
    items.append([catalog_table.ROW] + [h for _k, h in catalog_table.ITEM_COLUMNS])
    for number in range(1, rows + 1):
        code, subject = rng.choice(SUBJECTS)
        district = rng.choice(DISTRICTS)
        conditional = rng.random() < 0.3
        row = {
            "信息资源分类": code, "信息资源名称": f"{district}{subject}数据（{number}）",
            "信息资源摘要": f"{district}{subject}相关数据，按{rng.choice(CYCLES)}汇总。",
            "信息资源格式分类": "电子表格", "信息资源格式类型": rng.choice(["xlsx", "csv"]),
            "共享类型": "有条件共享" if conditional else "无条件共享",
            "共享条件": "仅限政务部门履行职责使用" if conditional else "",
            "开放类型": "不予开放" if conditional else "无条件开放",
            "更新周期": rng.choice(CYCLES), "数据级别": "重要数据" if conditional else "一般数据",
            "敏感级别": "L3 较敏感" if conditional else "L1 不敏感", "领域标签": f"{subject}、{district}",
        }
        sheet.append([number] + [row.get(h, "") for h in headers[1:]])
        for name, kind in (("区县名称", "字符型"), ("统计日期", "日期型"), ("数值", "数值型")):
            items.append([number, "", name, "", kind, "", ""])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def credentials() -> dict[str, str]:
    lines = (RUN_DIR / "admin.env").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=21063)
    parser.add_argument("--url", default=f"http://127.0.0.1:{os.environ.get('GOVSHARE_WEB_PORT', '5000')}")
    parser.add_argument("--keep", action="store_true", help="keep the imported entries")
    args = parser.parse_args()

    portal = ckanapi.RemoteCKAN(args.url, apikey=credentials()["GOVSHARE_ADMIN_TOKEN"])
    started = time.monotonic()
    workbook = generate(args.rows, args.seed)
    generated = time.monotonic() - started
    org = portal.action.organization_create(name=f"benchmark-{uuid.uuid4().hex[:8]}",
                                            title="批量登记基准测试部门",
                                            credit_code="91350100M000100Y43")
    try:
        started = time.monotonic()
        record = portal.call_action(
            "govshare_catalog_import_create", {"owner_org": org["id"], "mode": "all_or_nothing"},
            files={"upload": ("benchmark.xlsx", io.BytesIO(workbook))})
        phases = {}
        while record["state"] in ("pending", "validating", "creating"):
            time.sleep(1)
            record = portal.action.govshare_catalog_import_show(id=record["id"])
            phases.setdefault(record["state"], time.monotonic() - started)
            done = record["processed"] / record["total"] if record["total"] else 0
            bar = "#" * int(30 * done)
            print(f"\r{record['state']:<10} [{bar:<30}] {record['processed']}/{record['total']}",
                  end="", flush=True)
        total = time.monotonic() - started
        print()
        created = len(record["created_codes"])
        print("| measure | value |\n|---|---:|")
        print(f"| rows in the template | {args.rows} |")
        print(f"| template generated (s) | {generated:.1f} |")
        print(f"| final state | {record['state']} |")
        print(f"| entries created | {created} |")
        print(f"| rows rejected | {len(record['row_errors'])} |")
        print(f"| validation phase ended after (s) | {phases.get('creating', total):.1f} |")
        print(f"| total wall time (s) | {total:.1f} |")
        print(f"| entries per second | {created / total:.1f} |")
        return 0 if record["state"] == "done" and created == args.rows else 1
    finally:
        if not args.keep:
            print("purging the benchmark entries...", flush=True)
            for package in iter(lambda: portal.action.package_search(
                    fq=f"owner_org:{org['id']}", rows=1000, include_private=True)["results"], []):
                for entry in package:
                    portal.action.dataset_purge(id=entry["id"])
            portal.action.organization_purge(id=org["id"])


if __name__ == "__main__":
    sys.exit(main())
