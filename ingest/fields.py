"""The values of the ingest format's fields (ingest/records.py): codes with their check
characters, the district, and strings with their lengths and the characters they may not hold.

Each is an `Annotated` type whose validator says, in Chinese and English, why a value is refused;
the JSON Schemas carry the same limits (`maxLength`, `pattern`, `enum`).
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints, ValidationInfo

from portal.codes import InvalidCode, validate_org_code, validate_uscc
from portal.domain import DISTRICTS


@lru_cache(maxsize=1 << 16)  # every record names its enterprise: the same few codes again
def _check_uscc(value: str) -> str:
    try:
        code = validate_uscc(value)
    except InvalidCode as exc:
        raise ValueError(f"{exc}(invalid USCC)") from None
    if code != value:
        raise ValueError(
            "统一社会信用代码应写作18位大写字母或数字,不含空格和连字符"
            "(write the USCC as 18 upper-case characters)"
        )
    return code


def _check_org_code(value: str) -> str:
    try:
        code = validate_org_code(value)
    except InvalidCode as exc:
        raise ValueError(f"{exc}(invalid organisation code)") from None
    if code != value:
        raise ValueError(
            "组织机构代码应写作9位大写字母或数字,不含空格和连字符"
            "(write the organisation code as 9 upper-case characters)"
        )
    return code


def _check_district(value: str) -> str:
    if value not in DISTRICTS:
        raise ValueError(f"区县“{value}”不是宝鸡市的区县之一(unknown district)")
    return value


def not_before(value: date | None, info: ValidationInfo, earlier: str) -> date | None:
    """`value`, unless it lies before the (already validated) field `earlier`."""
    start = info.data.get(earlier)
    if value is not None and isinstance(start, date) and value < start:
        raise ValueError(f"{value} 早于 {earlier} {start}(must not be before {earlier})")
    return value


_USCC_CHARS = "0-9A-HJ-NPQRTUWXY"
Uscc = Annotated[
    str,
    AfterValidator(_check_uscc),
    Field(
        description="统一社会信用代码 (GB 32100-2015, with check character)",
        json_schema_extra={"pattern": f"^[{_USCC_CHARS}]{{2}}[0-9]{{6}}[{_USCC_CHARS}]{{10}}$"},
    ),
]
OrgCode = Annotated[
    str,
    AfterValidator(_check_org_code),
    Field(
        description="组织机构代码 (GB 11714, with check character)",
        json_schema_extra={"pattern": "^[0-9A-Z]{8}[0-9X]$"},
    ),
]
District = Annotated[
    str, AfterValidator(_check_district), Field(json_schema_extra={"enum": list(DISTRICTS)})
]


# What a text may not hold: the characters XML 1.0 cannot carry (every C0 control but tab, line
# feed and carriage return; lone surrogates; U+FFFE, U+FFFF). One of them in a record would
# break the feeds (lxml refuses it) and is never meant text; refusing it at the door keeps every
# output safe. NUL gets its own words: PostgreSQL cannot store it at all.
_REFUSED_CHARACTERS = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _no_nul(value: str) -> str:
    # JSON may spell U+0000 as "\u0000"; PostgreSQL stores no NUL in text.
    if "\x00" in value:
        raise ValueError(
            "不能包含 NUL 字符(U+0000)(must not contain NUL characters, which the database "
            "cannot store)"
        )
    found = _REFUSED_CHARACTERS.search(value)
    if found:
        code = f"U+{ord(found.group()):04X}"
        raise ValueError(
            f"不能包含控制字符或非法字符 {code}(第 {found.start() + 1} 个字符)(must not contain "
            f"{code}: control characters other than tab and line breaks, lone surrogates and "
            "non-characters are refused)"
        )
    return value


def _stripped(max_length: int | None = None) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)


NoNul = AfterValidator(_no_nul)
# Non-empty strings without refused characters, at most as long as their columns (PostgreSQL
# refuses longer ones).
Str40 = Annotated[str, _stripped(40), NoNul]
Str50 = Annotated[str, _stripped(50), NoNul]
Str60 = Annotated[str, _stripped(60), NoNul]
Str100 = Annotated[str, _stripped(100), NoNul]
Str200 = Annotated[str, _stripped(200), NoNul]
Str300 = Annotated[str, _stripped(300), NoNul]
# Free text (TEXT columns) with a maximum that fits the bureau's real records several times
# over: a complaint's summary or a designation's reason is a paragraph, not a file (a 5 MB
# summary would make a 5 MB credit file).
Text2000 = Annotated[str, _stripped(2000), NoNul]  # summaries, reasons, violations, scopes
Text1000 = Annotated[str, _stripped(1000), NoNul]  # penalties, notes
Text500 = Annotated[str, _stripped(500), NoNul]  # one finding of a notice
Names = Annotated[list[Str200], Field(max_length=200)]
