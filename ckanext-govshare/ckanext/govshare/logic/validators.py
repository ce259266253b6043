"""Validators of catalog entries (GB/T 21063 core metadata and the sharing/opening rules).

Field validators are named in scheming/govshare_dataset.yaml. Cross-field rules read the other
fields' submitted values from the flattened data and report on the field that must change.
"""
from __future__ import annotations

import datetime
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk

from .. import classification, codes, credit_code, departments
from ..model import Classification

__all__ = [
    "govshare_credit_code",
    "govshare_classification",
    "govshare_resource_code",
    "govshare_related_codes",
    "govshare_share_condition",
    "govshare_open_condition",
    "govshare_open_type_rules",
    "govshare_not_classified",
    "govshare_classification_code",
    "govshare_classification_parent",
    "govshare_parent_department",
    "govshare_xlsx_upload",
    "govshare_data_items_required",
    "govshare_data_on_platform",
    "govshare_string_list",
    "govshare_future_date",
]

# 电子表格 and 数据库: structured resources, which must list their data items (信息项)
STRUCTURED_FORMATS = ("2", "3")

Invalid = tk.Invalid
_ = tk._

# Open types from most to least open: a rule caps how open an entry may be.
OPENNESS = ("open", "conditional", "not_open")


def _value(data: dict, key: tuple, name: str) -> Any:
    """A sibling field's submitted value (top-level fields are keyed ``(name,)``)."""
    value = data.get(key[:-1] + (name,))
    return None if value is tk.missing else value


def _is_empty(value: Any) -> bool:
    return value is None or value is tk.missing or (isinstance(value, str) and not value.strip())


def govshare_credit_code(value: Any, context: dict) -> Any:
    """A 统一社会信用代码 with a correct check character (stored upper case)."""
    if _is_empty(value):
        return value
    if not credit_code.is_valid(str(value).strip()):
        raise Invalid(_("Not a valid unified social credit code: 18 characters with a "
                        "correct check character are required"))
    return str(value).strip().upper()


def govshare_classification(value: Any, context: dict) -> Any:
    """A category (目) or deeper node of the classification tree."""
    if _is_empty(value):
        return value
    if not classification.can_head_resource_code(value):
        raise Invalid(_("Choose a category (目) or sub-category of the classification, "
                        "not a class or item"))
    if model.Session.get(Classification, value) is None:
        raise Invalid(_("Unknown classification code: {code}").format(code=value))
    return value


def govshare_resource_code(key: tuple, data: dict, errors: dict, context: dict) -> None:
    """Well-formed, under the entry's classification, unique, and never changed once issued."""
    code = data.get(key)
    package = context.get("package")
    stored = _stored_code(package) if package is not None else None

    if stored:
        if _is_empty(code):
            data[key] = stored
        elif code != stored:
            errors[key].append(_("The resource code cannot be changed once issued "
                                 "(it is {code})").format(code=stored))
        return
    if _is_empty(code):
        chosen = _value(data, key, "classification")
        if context.get("govshare_code_pending") and classification.can_head_resource_code(
                chosen or ""):
            return  # validating ahead of creation (bulk registration): issued on create
        errors[key].append(_("A resource code could not be issued: choose a classification"))
        return
    parsed = codes.parse(code)
    if parsed is None:
        errors[key].append(_("Not a valid resource code: expected classification code, "
                             "\"/\" and a 6-digit sequence number, e.g. 101001/000001"))
        return
    chosen = _value(data, key, "classification")
    if not _is_empty(chosen) and parsed[0] != chosen:
        errors[key].append(_("The resource code must start with the classification code "
                             "{code}").format(code=chosen))
        return
    holder = codes.holder(code)
    if holder and (package is None or holder != package.id):
        errors[key].append(_("The resource code {code} is already in use").format(code=code))


def _stored_code(package: model.Package) -> str | None:
    return package.extras.get(codes.EXTRA_KEY) if package.id else None


def govshare_related_codes(value: Any, context: dict) -> Any:
    """Related resource codes: each well-formed and carried by an entry of the catalog."""
    if _is_empty(value):
        return value
    related = value if isinstance(value, list) else [
        part.strip() for part in str(value).replace("，", ",").split(",") if part.strip()]
    malformed = [code for code in related if codes.parse(code) is None]
    if malformed:
        raise Invalid(_("Not valid resource codes: {codes}").format(codes=", ".join(malformed)))
    unknown = sorted(set(related) - codes.holders(related))
    if unknown:
        raise Invalid(_("No catalog entry has these resource codes: {codes}").format(
            codes=", ".join(unknown)))
    return ",".join(dict.fromkeys(related))


def govshare_share_condition(key: tuple, data: dict, errors: dict, context: dict) -> None:
    """Conditions for 有条件共享; the legal basis for 不予共享."""
    share_type = _value(data, key, "share_type")
    if not _is_empty(data.get(key)):
        return
    if share_type == "conditional":
        errors[key].append(_("State the conditions of sharing for a conditionally shared "
                             "resource"))
    elif share_type == "not_shared":
        errors[key].append(_("State the legal basis (law, administrative regulation or "
                             "national policy) for not sharing"))


def govshare_open_condition(key: tuple, data: dict, errors: dict, context: dict) -> None:
    """Conditions for 有条件开放."""
    if _value(data, key, "open_type") == "conditional" and _is_empty(data.get(key)):
        errors[key].append(_("State the conditions of opening for a conditionally open "
                             "resource"))


def govshare_open_type_rules(key: tuple, data: dict, errors: dict, context: dict) -> None:
    """How open an entry may be, given its sharing type, data grade and sensitivity."""
    open_type = data.get(key)
    if open_type not in OPENNESS:
        return
    share_type = _value(data, key, "share_type")
    grade = _value(data, key, "data_grade")
    sensitivity = _value(data, key, "sensitivity")

    if share_type == "not_shared" and open_type != "not_open":
        errors[key].append(_("A resource that is not shared cannot be opened"))
    elif grade == "core" and open_type != "not_open":
        errors[key].append(_("Core data cannot be opened"))
    elif sensitivity == "L4" and open_type != "not_open":
        errors[key].append(_("Sensitive (L4) data cannot be opened"))
    elif sensitivity in ("L2", "L3") and open_type == "open":
        errors[key].append(_("{level} data can be opened only on conditions").format(
            level=sensitivity))


def govshare_not_classified(value: Any, context: dict) -> Any:
    """Classified (涉密) resources stay out of this portal."""
    if value == "classified":
        raise Invalid(_("Classified (涉密) resources must not be registered on this platform"))
    return value


def govshare_classification_code(value: Any, context: dict) -> Any:
    """The shape of a new tree node's code: 类 1 digit, 项 2, 目 3, 细目 2 per level."""
    if not classification.is_valid(value):
        raise Invalid(_("A classification code is a class digit (1 基础, 2 主题, 3 部门) followed "
                        "by 2 digits for the item, 3 for the category and 2 per sub-category"))
    if model.Session.get(Classification, value) is not None:
        raise Invalid(_("The classification code {code} already exists").format(code=value))
    return value


def govshare_classification_parent(value: Any, context: dict) -> Any:
    """A new node hangs from an existing parent (classes are the roots)."""
    parent = classification.parent_code(value)
    if parent is not None and model.Session.get(Classification, parent) is None:
        raise Invalid(_("Create the parent {code} first").format(code=parent))
    return value


def govshare_parent_department(key: tuple, data: dict, errors: dict, context: dict) -> None:
    """The parent department exists and is not the department itself or one of its sub-units."""
    parent = data.get(key)
    if _is_empty(parent):
        data[key] = ""
        return
    group = model.Group.get(parent)
    if group is None or not group.is_organization or group.state != "active":
        errors[key].append(_("Unknown department: {name}").format(name=parent))
        return
    data[key] = group.name
    this = context.get("group")
    if this is not None and this.name in departments.lineage(group.name):
        errors[key].append(_("A department cannot be placed under itself or its own sub-unit"))


XLSX_MAGIC = b"PK\x03\x04"  # xlsx files are zip archives


def govshare_xlsx_upload(value: Any, context: dict) -> Any:
    """An uploaded Excel 2007+ (xlsx) file."""
    stream = getattr(value, "stream", None)
    if stream is None:
        raise Invalid(_("Upload the filled-in template as a file"))
    head = stream.read(4)
    stream.seek(0)
    if head != XLSX_MAGIC:
        raise Invalid(_("The file is not an Excel (xlsx) workbook"))
    return value


def govshare_data_items_required(key: tuple, data: dict, errors: dict, context: dict) -> None:
    """Structured resources (spreadsheets, databases) describe their data items."""
    if data.get(key) not in STRUCTURED_FORMATS:
        return
    prefix = key[:-1] + ("data_items",)
    has_items = any(k[:len(prefix)] == prefix and len(k) > len(prefix) and
                    k[-1] == "name" and not _is_empty(v) for k, v in data.items())
    if not has_items:  # reported on this field: forms show repeating fields' errors per item
        errors[key].append(_(
            "Structured resources (spreadsheets, databases) must list their data items"))


def govshare_string_list(value: Any, context: dict) -> Any:
    """A list of non-empty strings; one string (a form's single value) becomes a list."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise tk.Invalid(_("Give a list of values"))
    return [v.strip() for v in value if v.strip()]


def govshare_future_date(value: Any, context: dict) -> Any:
    """A YYYY-MM-DD date, today or later."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        try:
            value = datetime.date.fromisoformat(str(value).strip()[:10])
        except ValueError:
            raise tk.Invalid(_("Give a date as YYYY-MM-DD"))
    if value < datetime.date.today():
        raise tk.Invalid(_("The date cannot be in the past"))
    return value


def _held_by_platform(url: str, url_type: Any) -> bool:
    """Uploads are served from the platform's store whatever their URL field says; DataStore
    resources only when they carry no address of their own."""
    if url_type == "upload":
        return True
    return url_type == "datastore" and url == "_datastore_only_resource"


def govshare_data_on_platform(key: tuple, data: dict, errors: dict, context: dict) -> None:
    """Data that is not open to everyone must be held by the platform (an upload or the
    DataStore): a link elsewhere could be followed by anyone, past the access rules."""
    url = data.get(key)
    if _is_empty(url) or data.get(("open_type",)) == "open":
        return
    if not _held_by_platform(url, data.get(key[:-1] + ("url_type",))):
        errors[key].append(_("Only data open to everyone (无条件开放) may be a link: upload "
                             "the file, so that the platform applies the access rules"))
