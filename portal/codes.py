"""Identity codes of enterprises: the unified social credit code (USCC, GB 32100-2015) and the
organisation code (GB 11714). Check characters are computed, not pattern-matched."""

from __future__ import annotations

# GB 32100-2015: the 31 characters a USCC may use (no I, O, S, V, Z), in value order.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# GB 11714: weights of the eight body characters of an organisation code.
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_CODE_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class InvalidCode(ValueError):
    """A USCC or organisation code that is malformed or whose check character is wrong."""


def uscc_check_char(first17: str) -> str:
    """The 18th character of a USCC whose first 17 characters are given."""
    if len(first17) != 17:
        raise InvalidCode(f"统一社会信用代码本体应为17位,实为{len(first17)}位")
    total = 0
    for ch, weight in zip(first17, USCC_WEIGHTS, strict=True):
        value = USCC_ALPHABET.find(ch)
        if value < 0:
            raise InvalidCode(f"统一社会信用代码含非法字符“{ch}”")
        total += value * weight
    return USCC_ALPHABET[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    """The 9th character of an organisation code whose first 8 characters are given."""
    if len(first8) != 8:
        raise InvalidCode(f"组织机构代码本体应为8位,实为{len(first8)}位")
    total = 0
    for ch, weight in zip(first8, ORG_CODE_WEIGHTS, strict=True):
        value = _ORG_CODE_ALPHABET.find(ch)
        if value < 0:
            raise InvalidCode(f"组织机构代码含非法字符“{ch}”")
        total += value * weight
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def normalise(code: str) -> str:
    """Codes are printed with spaces and hyphens and typed in lower case; compare them bare."""
    return code.strip().replace("-", "").replace(" ", "").upper()


def validate_org_code(code: str) -> str:
    """The normalised organisation code, or InvalidCode saying what is wrong."""
    code = normalise(code)
    if len(code) != 9:
        raise InvalidCode(f"组织机构代码应为9位,实为{len(code)}位")
    expected = org_code_check_char(code[:8])
    if code[8] != expected:
        raise InvalidCode(f"组织机构代码校验码错误:应为“{expected}”,实为“{code[8]}”")
    return code


def validate_uscc(code: str) -> str:
    """The normalised USCC, or InvalidCode saying what is wrong.

    Checks the USCC's own check character and that of the organisation code it embeds
    (characters 9–17).
    """
    code = normalise(code)
    if len(code) != 18:
        raise InvalidCode(f"统一社会信用代码应为18位,实为{len(code)}位")
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        raise InvalidCode(f"统一社会信用代码校验码错误:应为“{expected}”,实为“{code[17]}”")
    if not code[2:8].isdigit():
        raise InvalidCode("统一社会信用代码第3至8位应为行政区划代码(数字)")
    try:
        validate_org_code(code[8:17])
    except InvalidCode as exc:
        raise InvalidCode(f"统一社会信用代码中的{exc}") from None
    return code


def org_code_of(uscc: str) -> str:
    """The organisation code embedded in a USCC (characters 9–17)."""
    return normalise(uscc)[8:17]


def make_org_code(body8: str) -> str:
    return body8 + org_code_check_char(body8)


def make_uscc(registration: str, division: str, org_body8: str) -> str:
    """Build a valid USCC: 2 characters of registering authority and type, a 6-digit division
    code, an 8-character organisation-code body. Used by the demo data and the tests."""
    first17 = registration + division + make_org_code(org_body8)
    return first17 + uscc_check_char(first17)


def is_uscc(text: str) -> bool:
    try:
        validate_uscc(text)
    except InvalidCode:
        return False
    return True


def is_org_code(text: str) -> bool:
    try:
        validate_org_code(text)
    except InvalidCode:
        return False
    return True
