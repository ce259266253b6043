"""统一社会信用代码 (unified social credit code, GB 32100-2015) and its check character."""
from __future__ import annotations

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18


def check_character(first17: str) -> str:
    total = sum(CHARSET.index(ch) * weight for ch, weight in zip(first17, WEIGHTS))
    return CHARSET[(31 - total % 31) % 31]


def is_valid(code: str) -> bool:
    """True for an 18-character code whose last character is its check character."""
    if not isinstance(code, str) or len(code) != LENGTH:
        return False
    code = code.upper()
    if any(ch not in CHARSET for ch in code):
        return False
    return check_character(code[:17]) == code[17]
