"""The catalog as the national template's table (政务信息资源目录 编制模板): one sheet of
entries, one of data items; shared by export (xlsx, csv) and bulk registration (xlsx).

Choice fields are written as their Chinese labels, as departments fill the template in; on
the way back in, a Chinese or English label or the stored value are all accepted.
"""
from __future__ import annotations

import csv
import datetime
import io
import re
from typing import IO, Any, Iterable

import ckan.plugins.toolkit as tk

ENTRY_SHEET = "信息资源目录"
ITEM_SHEET = "信息项"
ROW = "序号"

# (dataset field, template header); "provider" is the department's name, read-only
ENTRY_COLUMNS = [
    ("classification", "信息资源分类"),
    ("title", "信息资源名称"),
    ("resource_code", "信息资源代码"),
    ("provider", "信息资源提供方"),
    ("provider_code", "信息资源提供方代码"),
    ("notes", "信息资源摘要"),
    ("format_category", "信息资源格式分类"),
    ("format_type", "信息资源格式类型"),
    ("share_type", "共享类型"),
    ("share_condition", "共享条件"),
    ("share_channel", "共享方式"),
    ("open_type", "开放类型"),
    ("open_condition", "开放条件"),
    ("update_cycle", "更新周期"),
    ("release_date", "发布日期"),
    ("related_codes", "关联资源代码"),
    ("data_grade", "数据级别"),
    ("sensitivity", "敏感级别"),
    ("industry", "行业分类"),
    ("tags", "领域标签"),
    ("source_system", "来源信息系统"),
]
ITEM_COLUMNS = [
    ("resource_code", "信息资源代码"),
    ("name", "信息项名称"),
    ("code", "信息项代码"),
    ("type", "数据类型"),
    ("length", "数据长度"),
    ("sensitive", "是否敏感"),
]
TAG_SEPARATORS = re.compile(r"[、,，;；]\s*")


def schema_fields(section: str) -> dict[str, dict]:
    schema = tk.h.scheming_get_dataset_schema("dataset") or {}
    fields = {f["field_name"]: f for f in schema.get(section, [])}
    if section == "dataset_fields" and "data_items" in fields:
        fields.update({f"item:{f['field_name']}": f
                       for f in fields["data_items"].get("repeating_subfields", [])})
    return fields


def field_choices(field: dict | None) -> list[dict]:
    if not field:
        return []
    if field.get("choices_helper"):
        return tk.h.scheming_field_choices(field) or []
    return field.get("choices") or []


def _label(choices: list[dict], value: Any) -> Any:
    for choice in choices:
        if choice["value"] == value:
            label = choice["label"]
            return label.get("zh_Hans_CN", value) if isinstance(label, dict) else label
    return value


# --- export -------------------------------------------------------------------------------

def rows(packages: Iterable[dict]) -> tuple[list[list[Any]], list[list[Any]]]:
    """Template rows (entries, data items) for package dicts, numbered from 1."""
    fields = schema_fields("dataset_fields")
    entries, items = [], []
    for number, package in enumerate(packages, start=1):
        row = [number]
        for key, _header in ENTRY_COLUMNS:
            if key == "provider":
                value = (package.get("organization") or {}).get("title", "")
            elif key == "tags":
                value = "、".join(tag["name"] for tag in package.get("tags", []))
            elif key == "classification":
                value = _label(field_choices(fields.get(key)), package.get(key)) or ""
            else:
                value = _label(field_choices(fields.get(key)), package.get(key, ""))
            row.append("" if value is None else value)
        entries.append(row)
        for item in package.get("data_items") or []:
            items.append([number, package.get("resource_code", "")] + [
                _label(field_choices(fields.get(f"item:{key}")), item.get(key, ""))
                for key, _header in ITEM_COLUMNS[1:]])
    return entries, items


def write_xlsx(entries: list[list[Any]], items: list[list[Any]], out: IO[bytes]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook(write_only=False)
    for sheet, columns, data in ((book.active, ENTRY_COLUMNS, entries),
                                 (book.create_sheet(), ITEM_COLUMNS, items)):
        sheet.title = ENTRY_SHEET if columns is ENTRY_COLUMNS else ITEM_SHEET
        sheet.append([ROW] + [header for _key, header in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in data:
            sheet.append(row)
        sheet.freeze_panes = "B2"
        for index, (_key, header) in enumerate([(None, ROW)] + columns, start=1):
            width = 30 if header in ("信息资源摘要", "信息资源名称", "共享条件") else 16
            sheet.column_dimensions[sheet.cell(1, index).column_letter].width = width
    book.save(out)


def write_csv(entries: list[list[Any]], out: IO[str]) -> None:
    """The entry sheet as CSV, UTF-8 with a byte-order mark so Excel opens it in Chinese."""
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([ROW] + [header for _key, header in ENTRY_COLUMNS])
    writer.writerows(entries)


# --- import -------------------------------------------------------------------------------

class TemplateError(ValueError):
    """The file is not a filled-in catalog template at all."""


def read_xlsx(source: IO[bytes]) -> list[dict[str, Any]]:
    """Rows of a filled-in template as ``{"row": n, "package": {...}, "errors": {...}}``.

    ``errors`` holds what can be told from the cell alone (an unknown choice); everything
    else is left to the catalog's validators.
    """
    from openpyxl import load_workbook

    try:
        book = load_workbook(source, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a non-xlsx file
        raise TemplateError(tk._("Not an Excel (xlsx) file: {error}").format(error=error))
    if ENTRY_SHEET not in book.sheetnames:
        raise TemplateError(tk._("The workbook has no sheet named {sheet}").format(
            sheet=ENTRY_SHEET))
    fields = schema_fields("dataset_fields")
    entries = _read_sheet(book[ENTRY_SHEET], ENTRY_COLUMNS)
    items = _read_sheet(book[ITEM_SHEET], ITEM_COLUMNS) if ITEM_SHEET in book.sheetnames else []

    parsed = []
    for number, cells in entries:
        package, errors = {}, {}
        for key, _header in ENTRY_COLUMNS:
            value = cells.get(key)
            if value in (None, "") or key == "provider":
                continue
            if key == "tags":
                package["tags"] = [{"name": t} for t in TAG_SEPARATORS.split(str(value)) if t]
            elif key == "classification":
                package[key] = str(value).split()[0]
            else:
                _convert(package, errors, key, value, field_choices(fields.get(key)))
        parsed.append({"row": number, "package": package, "errors": errors,
                       "items_of": cells.get(ROW)})

    by_row = {entry["items_of"]: entry for entry in parsed if entry["items_of"] is not None}
    for number, cells in items:
        entry = by_row.get(cells.get(ROW))
        if entry is None:
            continue
        item, errors = {}, {}
        for key, _header in ITEM_COLUMNS[1:]:
            if cells.get(key) not in (None, ""):
                _convert(item, errors, key, cells[key], field_choices(fields.get(f"item:{key}")))
        entry["package"].setdefault("data_items", []).append(item)
        for key, messages in errors.items():
            entry["errors"].setdefault(f"data_items: {key}", []).extend(messages)
    for entry in parsed:
        entry.pop("items_of")
    return parsed


def _read_sheet(sheet, columns) -> list[tuple[int, dict[str, Any]]]:
    rows_iter = sheet.iter_rows(values_only=True)
    header = next(rows_iter, None) or ()
    by_header = {header_text: key for key, header_text in columns}
    by_header[ROW] = ROW
    positions = {index: by_header[str(text).strip()] for index, text in enumerate(header)
                 if text is not None and str(text).strip() in by_header}
    if not positions:
        raise TemplateError(tk._("Sheet {sheet} has none of the template's column headers")
                            .format(sheet=sheet.title))
    result = []
    for number, values in enumerate(rows_iter, start=2):
        cells = {positions[i]: v for i, v in enumerate(values) if i in positions}
        if any(v not in (None, "") for v in cells.values()):
            result.append((number, cells))
    return result


def _convert(target: dict, errors: dict, key: str, value: Any, choices: list[dict]) -> None:
    if isinstance(value, datetime.datetime):
        value = value.date().isoformat()
    elif isinstance(value, datetime.date):
        value = value.isoformat()
    elif isinstance(value, float) and value.is_integer():
        value = str(int(value))
    value = str(value).strip()
    if choices:
        matched = choice_value(choices, value)
        if matched is None:
            errors.setdefault(key, []).append(
                tk._("{value} is not one of the allowed values").format(value=value))
            return
        value = matched
    target[key] = value


def choice_value(choices: list[dict], text: str) -> str | None:
    for choice in choices:
        label = choice["label"]
        labels = set(label.values()) if isinstance(label, dict) else {label}
        if text == choice["value"] or text in labels:
            return choice["value"]
    return None
