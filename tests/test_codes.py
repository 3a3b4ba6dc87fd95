"""USCC (GB 32100-2015) and organisation code (GB 11714) validation: check characters computed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.codes import (
    USCC_ALPHABET,
    InvalidCode,
    is_org_code,
    is_uscc,
    make_org_code,
    make_uscc,
    org_code_check_char,
    org_code_of,
    uscc_check_char,
    validate_org_code,
    validate_uscc,
)

VALID_USCC = "91350100M000100Y43"  # a published example


def _with_check(first17: str) -> str:
    return first17 + uscc_check_char(first17)


@pytest.mark.parametrize(
    "code",
    [
        VALID_USCC,
        make_uscc("91", "610303", "MA6X0001"),
        make_uscc("12", "610300", "00000006"),  # embedded org code with check character X
        make_uscc("93", "610301", "00000019"),  # embedded org code with check character 0
    ],
)
def test_valid_usccs(code: str) -> None:
    assert validate_uscc(code) == code
    assert is_uscc(code)


def test_uscc_is_normalised_before_checking() -> None:
    assert validate_uscc(" 91350100-m000100y43 ") == VALID_USCC
    assert org_code_of("91350100-m000100y43") == "M000100Y4"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91350100M000100Y44", "校验码错误:应为“3”,实为“4”"),  # wrong check character
        ("91350100M000100Y4", "应为18位,实为17位"),
        ("91350100M000100Y433", "应为18位,实为19位"),
        ("", "应为18位,实为0位"),
        ("91350100I000100Y43", "非法字符“I”"),
        ("91350100O000100Y43", "非法字符“O”"),
        ("91350100Z000100Y43", "非法字符“Z”"),
        ("91350100S000100Y43", "非法字符“S”"),
        ("91350100V000100Y43", "非法字符“V”"),
        ("91350100M000100Y4#", "校验码错误"),
    ],
)
def test_invalid_usccs(code: str, message: str) -> None:
    with pytest.raises(InvalidCode, match=message):
        validate_uscc(code)
    assert not is_uscc(code)


def test_uscc_with_a_bad_embedded_org_code() -> None:
    # Characters 9-17 carry a wrong GB 11714 check character, yet the USCC's own one is right.
    first17 = "91610303" + "MA6X0001" + "7"
    code = _with_check(first17)
    with pytest.raises(InvalidCode, match="统一社会信用代码中的组织机构代码校验码错误"):
        validate_uscc(code)


def test_uscc_division_must_be_digits() -> None:
    code = _with_check("91AB0303MA6X00016")
    with pytest.raises(InvalidCode, match="行政区划"):
        validate_uscc(code)


def test_check_char_needs_seventeen_characters() -> None:
    with pytest.raises(InvalidCode, match="本体应为17位"):
        uscc_check_char("9135010")


@pytest.mark.parametrize(
    ("body", "check"),
    [("12345678", "8"), ("MA6X0001", "6"), ("00000006", "X"), ("00000019", "0"), ("M000100Y", "4")],
)
def test_org_code_check_characters(body: str, check: str) -> None:
    assert org_code_check_char(body) == check
    assert make_org_code(body) == body + check
    assert validate_org_code(body + check) == body + check
    assert is_org_code(f"{body}-{check}".lower())


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("123456789", "校验码错误:应为“8”,实为“9”"),
        ("12345678", "应为9位,实为8位"),
        ("1234567888", "应为9位,实为10位"),
        ("1234#6788", "非法字符“#”"),
    ],
)
def test_invalid_org_codes(code: str, message: str) -> None:
    with pytest.raises(InvalidCode, match=message):
        validate_org_code(code)
    assert not is_org_code(code)


_USCC_BODY = st.text(alphabet=USCC_ALPHABET, min_size=8, max_size=8)
_DIVISION = st.text(alphabet="0123456789", min_size=6, max_size=6)
_REGISTRATION = st.sampled_from(["11", "12", "31", "51", "52", "53", "91", "92", "93", "Y1"])


@given(_REGISTRATION, _DIVISION, _USCC_BODY)
def test_made_usccs_are_valid(registration: str, division: str, body: str) -> None:
    code = make_uscc(registration, division, body)
    assert validate_uscc(code) == code
    assert org_code_of(code) == make_org_code(body)


@given(
    _REGISTRATION,
    _DIVISION,
    _USCC_BODY,
    st.integers(min_value=0, max_value=17),
    st.sampled_from(USCC_ALPHABET),
)
def test_any_single_substitution_is_caught(
    registration: str, division: str, body: str, position: int, replacement: str
) -> None:
    code = make_uscc(registration, division, body)
    changed = code[:position] + replacement + code[position + 1 :]
    assert is_uscc(changed) is (changed == code)
