"""Bulk registration: a department's filled-in Excel template becomes catalog entries.

Runs as a background job. Every row is validated first, with the catalog's own validators;
then, in ``all_or_nothing`` mode, nothing is created unless every row is valid, and all
entries are created in one transaction; in ``valid_only`` mode the valid rows are created
and the others reported. Progress is written through a separate connection, so the import
page can follow it while the creating transaction is still open.
"""
from __future__ import annotations

import datetime
import os
from collections import Counter
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib import plugins as lib_plugins
from sqlalchemy import text

from . import catalog_table, language
from .model import CatalogImport

MODES = ("all_or_nothing", "valid_only")
PROGRESS_EVERY = 25
# how the template names each field, for the rejected-rows report
HEADERS = {**dict(catalog_table.ENTRY_COLUMNS), "data_items": catalog_table.ITEM_SHEET}


def upload_path(import_id: str) -> str:
    directory = os.path.join(tk.config["ckan.storage_path"], "govshare", "imports")
    os.makedirs(directory, exist_ok=True)
    return os.path.join(directory, f"{import_id}.xlsx")


def run(import_id: str) -> None:
    """The job: validate every row, then create entries as the import's mode says."""
    record = model.Session.get(CatalogImport, import_id)
    try:
        with language.speaking(record.lang):
            _run(record)
    except Exception:
        model.Session.rollback()
        _progress(import_id, state="failed", message=tk._("The import stopped on an "
                  "unexpected error; nothing was created"), finished=True)
        raise


def _run(record: CatalogImport) -> None:
    user = model.User.get(record.user_id)
    context = {"user": user.name, "auth_user_obj": user, "model": model,
               "session": model.Session}
    try:
        with open(upload_path(record.id), "rb") as source:
            rows = catalog_table.read_xlsx(source)
    except catalog_table.TemplateError as error:
        _progress(record.id, state="failed", message=str(error), finished=True)
        return
    if not rows:
        _progress(record.id, state="failed", message=tk._("The template has no entries"),
                  finished=True)
        return
    _progress(record.id, state="validating", total=len(rows), processed=0)

    problems, valid = [], []
    repeated = {code for code, n in Counter(
        r["package"].get("resource_code") for r in rows).items() if code and n > 1}
    for index, row in enumerate(rows, start=1):
        package = {**row["package"], "owner_org": record.owner_org, "type": "dataset"}
        errors = dict(row["errors"])
        if package.get("resource_code") in repeated:
            errors.setdefault("resource_code", []).append(
                tk._("The resource code {code} appears more than once in the file").format(
                    code=package["resource_code"]))
        for field, messages in _validation_errors(package, context).items():
            errors.setdefault(field, messages)  # a cell's own error says more than "missing"
        if errors:
            problems.append(_problem(row["row"], package, errors))
        else:
            valid.append((row["row"], package))
        if index % PROGRESS_EVERY == 0:
            _progress(record.id, processed=index)
    _progress(record.id, processed=len(rows), row_errors=problems)

    if problems and record.mode == "all_or_nothing":
        _progress(record.id, state="rejected", finished=True, message=tk._(
            "{count} rows have errors; nothing was created").format(count=len(problems)))
        return
    _create(record, valid, problems, context)


def _validation_errors(package: dict, context: dict) -> dict:
    plugin = lib_plugins.lookup_package_plugin("dataset")
    validation_context = {**context, "govshare_code_pending": True}
    _data, errors = lib_plugins.plugin_validate(
        plugin, validation_context, dict(package), plugin.create_package_schema(),
        "package_create")
    model.Session.rollback()  # validators only read; leave no transaction open
    return errors


def _create(record: CatalogImport, valid: list, problems: list, context: dict) -> None:
    _progress(record.id, state="creating", processed=0, total=len(valid))
    atomic = record.mode == "all_or_nothing"
    codes = []
    for index, (row_number, package) in enumerate(valid, start=1):
        try:
            created = tk.get_action("package_create")(
                {**context, "defer_commit": atomic}, package)
        except tk.ValidationError as error:  # e.g. a code taken since validation
            if atomic:
                model.Session.rollback()
                _progress(record.id, state="failed", finished=True, row_errors=problems + [
                    _problem(row_number, package, error.error_dict)], message=tk._(
                    "Row {row} could not be created; nothing was created").format(row=row_number))
                return
            problems.append(_problem(row_number, package, error.error_dict))
            continue
        codes.append(created["resource_code"])
        if index % PROGRESS_EVERY == 0:
            _progress(record.id, processed=index)
    if atomic:
        model.repo.commit()
    _progress(record.id, state="done", processed=len(valid), created_codes=codes,
              row_errors=problems, finished=True, message=tk._(
                  "{created} entries created, {rejected} rows rejected").format(
                  created=len(codes), rejected=len(problems)))


def _problem(row: int, package: dict, errors: dict) -> dict[str, Any]:
    return {"row": row, "title": package.get("title", ""),
            "errors": [{"field": HEADERS.get(field, field), "message": message}
                       for field, messages in errors.items() for message in _messages(messages)]}


def _messages(value: Any) -> list[str]:
    """Flatten CKAN's error values (lists of strings, or nested for repeating fields)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [f"{key}: {m}" for key, inner in value.items() for m in _messages(inner)]
    return [m for inner in value or [] for m in _messages(inner)]


def _progress(import_id: str, finished: bool = False, **values: Any) -> None:
    """Record progress in its own transaction, visible at once whatever the job holds open."""
    import json
    if finished:
        values["finished"] = datetime.datetime.utcnow()
    assignments = ", ".join(
        f"{key} = CAST(:{key} AS JSONB)" if key in ("row_errors", "created_codes")
        else f"{key} = :{key}" for key in values)
    params = {key: json.dumps(value, ensure_ascii=False)
              if key in ("row_errors", "created_codes") else value
              for key, value in values.items()}
    with model.meta.engine.begin() as connection:
        connection.execute(text(f"UPDATE govshare_catalog_import SET {assignments} "
                                f"WHERE id = :import_id"), {**params, "import_id": import_id})
