"""Resource codes (信息资源代码, GB/T 21063.5): ``classification code/6-digit sequence``.

Sequences are kept per classification prefix in ``govshare_code_sequence``. A code is issued
with one ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``, which locks the prefix's row
until the creating transaction ends: concurrent creates under one prefix queue up, and a
create that fails rolls its number back, so numbers have neither gaps nor duplicates.
"""
from __future__ import annotations

import re

import ckan.model as model
from sqlalchemy import text

from . import classification

SEQUENCE_DIGITS = 6
_CODE = re.compile(r"^(?P<prefix>\d+)/(?P<sequence>\d{%d})$" % SEQUENCE_DIGITS)
EXTRA_KEY = "resource_code"


def parse(code: str) -> tuple[str, int] | None:
    """``(prefix, sequence)`` of a well-formed code, else ``None``."""
    match = _CODE.match(code or "") if isinstance(code, str) else None
    if not match or not classification.can_head_resource_code(match["prefix"]):
        return None
    sequence = int(match["sequence"])
    return (match["prefix"], sequence) if sequence > 0 else None


def compose(prefix: str, sequence: int) -> str:
    return f"{prefix}/{sequence:0{SEQUENCE_DIGITS}d}"


def url_name(code: str) -> str:
    """The CKAN dataset name for a code: "/" is not allowed in names."""
    return code.replace("/", "-")


def issue(prefix: str) -> str:
    """Allocate the next code under ``prefix`` in the current transaction."""
    while True:
        sequence = model.Session.execute(text(
            "INSERT INTO govshare_code_sequence (prefix, last_value) VALUES (:prefix, 1) "
            "ON CONFLICT (prefix) DO UPDATE "
            "SET last_value = govshare_code_sequence.last_value + 1 RETURNING last_value"),
            {"prefix": prefix}).scalar()
        code = compose(prefix, sequence)
        # a code registered by hand (or harvested) earlier may already hold this number
        if holder(code) is None:
            return code


def reserve(code: str) -> None:
    """Keep ``code`` (harvested or imported) from being issued again, and serialise two
    creates that bring the same code, so only one of them can pass the uniqueness check."""
    parsed = parse(code)
    if parsed is None:
        return
    prefix, sequence = parsed
    model.Session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:code))"), {"code": code})
    model.Session.execute(text(
        "INSERT INTO govshare_code_sequence (prefix, last_value) VALUES (:prefix, :sequence) "
        "ON CONFLICT (prefix) DO UPDATE "
        "SET last_value = GREATEST(govshare_code_sequence.last_value, :sequence)"),
        {"prefix": prefix, "sequence": sequence})


def holder(code: str) -> str | None:
    """Id of the dataset (in any state short of purged) that carries ``code``."""
    return model.Session.execute(text(
        "SELECT package_id FROM package_extra WHERE key = :key AND value = :code "
        "AND state = 'active' LIMIT 1"), {"key": EXTRA_KEY, "code": code}).scalar()


def holders(codes: list[str]) -> set[str]:
    """Which of ``codes`` are carried by some dataset."""
    if not codes:
        return set()
    rows = model.Session.execute(text(
        "SELECT DISTINCT value FROM package_extra WHERE key = :key AND value = ANY(:codes) "
        "AND state = 'active'"), {"key": EXTRA_KEY, "codes": list(codes)})
    return {row[0] for row in rows}
