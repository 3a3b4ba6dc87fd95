"""Personal data in free text: find it and mask it, before any text reaches the public.

Complaint summaries, designation reasons, notice items and the like are written by people and
may name a complainant with their resident ID number or telephone number. The stored record
keeps the original (partner departments may later see it); every public output — the credit file,
the lists, GraphQL, the feeds, the objection pages and the search index — reads the masked text.
These functions are pure: `find_personal_data` says what is where, `mask_text` masks it.

What is found, and how it is masked (masked digits become "*", separators stay as written):

- 居民身份证号 (GB 11643): 18 characters with a province code, a real date of birth and a valid
  ISO 7064 MOD 11-2 check character (X allowed); the pre-1999 15-digit ID (no check digit) only
  after 身份证 or 证件号. The first 4 and last 4 characters kept: `6101**********1234`,
  `6103*******1234`.
- Mobile numbers: valid Chinese mobile numbers, with or without +86 / 0086 and separators (found
  by the `phonenumbers` library, Google's libphonenumber). The first 3 and last 4 digits of the
  number kept: `138****5678`, `+86 139 **** 5678`.
- Landline numbers: valid numbers with their area code, `0917-3212345`, `(029)88881234`, …
  (`phonenumbers`). The area code and the last 4 digits kept: `0917-***2345`.
- E-mail addresses: the first character of the local part and the domain kept: `z***@163.com`.
- Bank card numbers: 16 to 19 digits (spaces or hyphens between groups allowed) starting with
  3, 4, 5 or 6 whose Luhn check holds. The first 4 and last 4 digits kept: `6222 **** **** 1234`.

Not personal data, and never masked: USCCs (GB 32100; an all-digit USCC is recognised by its own
check character), organisation codes, licence, case, notice and record numbers (letters or other
digits next to the digits keep them from matching), dates, batch numbers, amounts of money,
short service numbers such as 12315 and an enterprise's 400 / 800 hotline. A number is only taken
for an ID when its check character is right: a mistyped ID stays as written (unless, by chance, it
passes as a card number), as the price of leaving codes and record numbers alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import overload

import phonenumbers

from portal.codes import is_uscc


class PersonalData(StrEnum):
    resident_id = "resident_id"
    mobile = "mobile"
    landline = "landline"
    email = "email"
    bank_card = "bank_card"


@dataclass(frozen=True)
class Found:
    """Personal data of `kind` at text[start:end]; `keep` are the offsets (within the text) of
    the characters that stay visible; every other digit or letter in the span is masked."""

    kind: PersonalData
    start: int
    end: int
    keep: frozenset[int]


MASK = "*"

# GB 11643-1999: weights of the 17 body digits; the check character is CHECK[sum % 11].
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# The first two digits of an ID: the provinces (GB/T 2260), Taiwan, Hong Kong and Macao (81-83:
# residence permits). Not 9x, with which most USCCs begin.
_PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46}
    | {50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83}
)
# Letters or digits next to a number make it part of a code (SC1266…, XK14-…, T6103…).
_EDGE_BEFORE = r"(?<![0-9A-Za-z])"
_EDGE_AFTER = r"(?![0-9A-Za-z])"
# Region, year of birth (18xx to 20xx), month, day, sequence, check character.
_ID18 = re.compile(
    _EDGE_BEFORE
    + r"[1-9][0-9]{5}(?:18|19|20)[0-9]{2}[01][0-9][0-3][0-9][0-9]{3}[0-9Xx]"
    + _EDGE_AFTER
)
# A 15-digit number is as often an old business registration number: an ID only when named.
_ID15 = re.compile(
    r"(?:身份证|证件号)[^0-9A-Za-z]{0,6}?"
    + _EDGE_BEFORE
    + r"([1-9][0-9]{5}[0-9]{2}[01][0-9][0-3][0-9][0-9]{3})"
    + _EDGE_AFTER
)
_CARD = re.compile(
    _EDGE_BEFORE + r"[3-6][0-9]{3}(?:[ -]?[0-9]{4}){2,3}(?:[ -]?[0-9]{1,4})?" + _EDGE_AFTER
)
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])([A-Za-z0-9][A-Za-z0-9._%+-]*)@"
    r"((?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,})(?![A-Za-z0-9-])"
)
# Seven digits, possibly with separators: the shortest telephone number worth asking about.
_MAYBE_PHONE = re.compile(r"[0-9](?:[ ()\-.]?[0-9]){6}")
# Full-width digits and letters as ASCII, one character for one, so that offsets carry over.
_ASCII = str.maketrans(
    {chr(0xFF10 + i): str(i) for i in range(10)}
    | {chr(0xFF21 + i): chr(0x41 + i) for i in range(26)}
    | {chr(0xFF41 + i): chr(0x61 + i) for i in range(26)}
    | {"\uff0b": "+", "\uff0d": "-", "\uff08": "(", "\uff09": ")", "\u3000": " "}
)
_PHONE_KINDS = {
    phonenumbers.PhoneNumberType.MOBILE: PersonalData.mobile,
    phonenumbers.PhoneNumberType.FIXED_LINE: PersonalData.landline,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE: PersonalData.landline,
}


def resident_id_check_char(first17: str) -> str:
    """The 18th character of a resident ID number whose first 17 digits are given."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def _real_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def is_resident_id(text: str) -> bool:
    """An 18-character resident ID number: province, date of birth and check character right."""
    code = text.upper()
    if len(code) != 18 or not code[:17].isdigit() or int(code[:2]) not in _PROVINCES:
        return False
    if not _real_date(int(code[6:10]), int(code[10:12]), int(code[12:14])):
        return False
    return resident_id_check_char(code[:17]) == code[17] and not is_uscc(code)


def _is_old_resident_id(digits: str) -> bool:
    born = (1900 + int(digits[6:8]), int(digits[8:10]), int(digits[10:12]))
    return int(digits[:2]) in _PROVINCES and _real_date(*born)


def luhn_valid(digits: str) -> bool:
    """The Luhn (ISO/IEC 7812) check of a card number."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _digit_positions(text: str, start: int, end: int) -> list[int]:
    return [i for i in range(start, end) if text[i].isdigit()]


def _keep_ends(text: str, start: int, end: int, head: int, tail: int) -> frozenset[int]:
    """The offsets of the first `head` and the last `tail` digits of text[start:end]."""
    digits = _digit_positions(text, start, end)
    return frozenset(digits[:head] + digits[len(digits) - tail :])


def _id(start: int, end: int) -> Found:
    # The first four characters (province and prefecture) and the last four (with the check X).
    keep = frozenset(range(start, start + 4)) | frozenset(range(end - 4, end))
    return Found(PersonalData.resident_id, start, end, keep)


def _ids(text: str) -> list[Found]:
    found = [_id(*m.span()) for m in _ID18.finditer(text) if is_resident_id(m.group())]
    found += [_id(*m.span(1)) for m in _ID15.finditer(text) if _is_old_resident_id(m.group(1))]
    return found


def _cards(text: str) -> list[Found]:
    found = []
    for m in _CARD.finditer(text):
        digits = re.sub(r"[ -]", "", m.group())
        if 16 <= len(digits) <= 19 and luhn_valid(digits) and not is_uscc(digits):
            found.append(
                Found(PersonalData.bank_card, m.start(), m.end(), _keep_ends(text, *m.span(), 4, 4))
            )
    return found


def _emails(text: str) -> list[Found]:
    return [
        Found(PersonalData.email, m.start(), m.end(), frozenset({m.start(1)}) | _domain(m))
        for m in _EMAIL.finditer(text)
    ]


def _domain(m: re.Match[str]) -> frozenset[int]:
    return frozenset(range(m.start(2) - 1, m.end(2)))  # "@" and the domain


def _phones(text: str) -> list[Found]:
    if not _MAYBE_PHONE.search(text):
        return []  # the matcher is thorough and slow: most texts have no run of digits at all
    found = []
    leniency = phonenumbers.Leniency.VALID
    for match in phonenumbers.PhoneNumberMatcher(text, "CN", leniency=leniency):
        kind = _PHONE_KINDS.get(phonenumbers.number_type(match.number))
        if kind is None:
            continue  # 400 / 800 service numbers, short codes: an enterprise's, not a person's
        national = phonenumbers.national_significant_number(match.number)
        digits = _digit_positions(text, match.start, match.end)
        # The digits before the national number (+86, 0086, the trunk 0) stay as written, then
        # the mobile prefix or the area code, and the last four digits.
        lead = len(digits) - len(national)
        head = phonenumbers.length_of_national_destination_code(match.number) or 3
        keep = digits[: lead + head] + digits[len(digits) - 4 :]
        found.append(Found(kind, match.start, match.end, frozenset(keep)))
    return found


def find_personal_data(text: str) -> list[Found]:
    """Where personal data is in `text`, in text order; overlapping finds resolved in favour of
    the most specific kind (an ID before a bank card, both before a telephone number)."""
    if not text:
        return []
    ascii_text = text.translate(_ASCII)
    chosen: list[Found] = []
    for finder in (_ids, _cards, _emails, _phones):
        for item in finder(ascii_text):
            if all(item.end <= c.start or item.start >= c.end for c in chosen):
                chosen.append(item)
    return sorted(chosen, key=lambda f: f.start)


@overload
def mask_text(text: str) -> str: ...
@overload
def mask_text(text: None) -> None: ...
def mask_text(text: str | None) -> str | None:
    """`text` with its personal data masked (see the module docstring); None stays None."""
    if not text:
        return text
    found = find_personal_data(text)
    if not found:
        return text
    pieces, at = [], 0
    for item in found:
        pieces.append(text[at : item.start])
        pieces.append(_masked(text, item))
        at = item.end
    pieces.append(text[at:])
    return "".join(pieces)


def _masked(text: str, item: Found) -> str:
    if item.kind is PersonalData.email:
        # The local part becomes its first character and three stars, whatever its length.
        at = text.index("@", item.start)
        return text[item.start] + MASK * 3 + text[at : item.end]
    return "".join(
        MASK if i not in item.keep and text[i].translate(_ASCII).isalnum() else text[i]
        for i in range(item.start, item.end)
    )


def mask_texts(texts: list[str]) -> list[str]:
    return [mask_text(t) for t in texts]


__all__ = [
    "MASK",
    "Found",
    "PersonalData",
    "find_personal_data",
    "is_resident_id",
    "luhn_valid",
    "mask_text",
    "mask_texts",
    "resident_id_check_char",
]
