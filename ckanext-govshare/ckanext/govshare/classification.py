"""Shape of classification codes (GB/T 21063.4): 类 1 digit, 项 2, 目 3, 细目 2 per level.

    1        基础        (class)
    101      人口        (item)
    101001   人口基本信息 (category)
    10100101 ...         (subcategory, nested in steps of two digits)
"""
from __future__ import annotations

import re

CLASSES = {"1": "基础", "2": "主题", "3": "部门"}
_CODE = re.compile(r"^[1-3](?:\d{2}(?:\d{3}(?:\d{2})*)?)?$")
LEVELS = ("class", "item", "category", "subcategory")
# The shortest code that may head a resource code: class + item + category.
MIN_RESOURCE_PREFIX = 6


def is_valid(code: str) -> bool:
    return bool(isinstance(code, str) and _CODE.match(code))


def level(code: str) -> str:
    """``class``, ``item``, ``category`` or ``subcategory``."""
    if len(code) == 1:
        return "class"
    if len(code) == 3:
        return "item"
    if len(code) == 6:
        return "category"
    return "subcategory"


def parent_code(code: str) -> str | None:
    """The code one level up, or ``None`` for a class."""
    if len(code) == 1:
        return None
    if len(code) == 3:
        return code[:1]
    if len(code) == 6:
        return code[:3]
    return code[:-2]


def can_head_resource_code(code: str) -> bool:
    """Resource codes hang from a category (目) or deeper, never from a class or item."""
    return is_valid(code) and len(code) >= MIN_RESOURCE_PREFIX
