"""统一社会信用代码 check character (GB 32100-2015)."""
import pytest

from ckanext.govshare import credit_code


@pytest.mark.parametrize("code", ["91350100M000100Y43", "12100000400000624D",
                                  "11100000000019713D"])
def test_published_codes_are_valid(code):
    assert credit_code.is_valid(code)


@pytest.mark.parametrize("code", [
    "91350100M000100Y44",   # wrong check character
    "91350100M000100Y4",    # 17 characters
    "91350100M00010OY43",   # O is not in the character set
    "",
])
def test_malformed_codes_are_invalid(code):
    assert not credit_code.is_valid(code)
