"""Where a fact came from, in words a citizen reads: the source system by its Chinese name, the
record's number as the bureau knows it (licence number, registration code, notice number…),
and, for what the credit rules derived, the rule and the records it was derived from.

The machine identities (source system code, record id, version) stay in the markup as data-
attributes (`data_attributes`) and in GraphQL's `provenance`, for partners and for objections;
they are never text a citizen has to read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from markupsafe import Markup, escape

from portal.domain import LIST_LABELS, RECORD_KIND_LABELS, SOURCE_LABELS, CreditList, SourceSystem
from portal.rules.engine import UPGRADE_NAME, UPGRADE_RULE
from portal.rules.notices import BLACKLIST_NAME, BLACKLIST_RULE, REFERRAL_NAME, REFERRAL_RULE
from portal.rules.red_warnings import RULE as WARNING_RULE
from portal.rules.red_warnings import RULE_NAME as WARNING_RULE_NAME

# Each rule of portal.rules by the name the public reads.
RULE_NAMES = {
    WARNING_RULE: WARNING_RULE_NAME,
    REFERRAL_RULE: REFERRAL_NAME,
    BLACKLIST_RULE: BLACKLIST_NAME,
    UPGRADE_RULE: UPGRADE_NAME,
}

# The number a record is known by at the bureau, by the column that holds it, with its name.
NUMBER_COLUMNS = (
    ("licence_no", "许可证编号"),
    ("registration_no", "设备注册代码"),
    ("instrument_no", "器具编号"),
    ("notice_no", "通知书文号"),
    ("case_no", "案件编号"),
    ("certificate_no", "证书编号"),
)

Identity = tuple[str, str]
SYSTEMS = frozenset(SourceSystem)
LISTS = frozenset(CreditList)


def _number(record: Any) -> tuple[str, str] | None:
    for column, name in NUMBER_COLUMNS:
        value = getattr(record, column, None)
        if value:
            return name, str(value)
    return None


def record_number(record: Any) -> str | None:
    """`器具编号 BJ00000001`: the record's number with its name; None when it has none."""
    number = _number(record)
    return f"{number[0]} {number[1]}" if number else None


def numbers_of(records: Iterable[Any]) -> dict[Identity, str]:
    """What each record of a credit file is called, by (source system, record id): the inputs a
    derived row names are looked up here (a designation by its title)."""
    named: dict[Identity, str] = {}
    for record in records:
        number = _number(record)
        called = number[1] if number else getattr(record, "title", None)
        if called:
            named[(record.source_system, record.source_record_id)] = str(called)
    return named


def _input(entry: Mapping[str, Any], numbers: Mapping[Identity, str]) -> str:
    """One input record of a derivation: 计量系统的计量器具 BJ00000001."""
    kind = RECORD_KIND_LABELS.get(str(entry.get("kind")), "记录")
    system = str(entry.get("system", ""))
    number = numbers.get((system, str(entry.get("id", ""))))
    if system == SourceSystem.credit_rules:
        # A derived row's key starts with its list: bad_records:…
        listed = str(entry.get("id", "")).split(":", 1)[0]
        label = LIST_LABELS[CreditList(listed)] if listed in LISTS else kind
        return f"{label}“{number}”" if number else f"此前的{label}"
    source = SOURCE_LABELS.get(SourceSystem(system), system) if system in SYSTEMS else system
    return f"{source}的{kind} {number}" if number else f"{source}的{kind}记录"


def derived_from(record: Any, numbers: Mapping[Identity, str] | None = None) -> str | None:
    """`由信用规则“红色预警升级为不良信息”根据计量系统的计量器具 BJ00000001 自动生成`, for a
    row the credit rules derived; None for a record of an internal system."""
    if getattr(record, "source_system", None) != SourceSystem.credit_rules:
        return None
    derivation = getattr(record, "derivation", None) or {}
    rule = RULE_NAMES.get(str(derivation.get("rule", "")))
    inputs = [_input(r, numbers or {}) for r in derivation.get("records", ())]
    text = f"由信用规则“{rule}”" if rule else "由信用规则"
    if inputs:
        text += "根据" + "、".join(dict.fromkeys(inputs))
        if text[-1].isascii():  # a space between a record number and the Chinese after it
            text += " "
    return text + "自动生成"


def data_attributes(record: Any) -> Markup:
    """The machine identity of a record, for partners' scripts and objections, as attributes."""
    parts = []
    for name, attr in (
        ("source-system", "source_system"),
        ("source-record-id", "source_record_id"),
        ("source-version", "source_version"),
    ):
        value = getattr(record, attr, None)
        if value is not None:
            parts.append(f' data-{name}="{escape(value)}"')
    return Markup("".join(parts))
