"""What the credit rules take and give: thresholds, references to records, decisions with their
reasons, and the facts the rules derive (designations and enforcement cases of the
`credit_rules` source system).

Every decision says why (`reason`), and when and how it will change by itself
(`next_change_on`, `next_change`): "将于 2026-12-09 升级为黑名单,除非在此之前整改".
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

# Dates of the bureau are days in China: one definition, in portal.clock.
from portal.clock import china_day as china_day
from portal.clock import start_of_china_day as start_of_china_day
from portal.domain import EQUIPMENT_LABELS, SOURCE_LABELS, EquipmentKind, SourceSystem
from portal.settings import default_of

if TYPE_CHECKING:
    from portal.settings import Settings

# The source system, approver and record-id limit of what the rules derive.
RULES_SYSTEM = "credit_rules"
RULES_APPROVER = "信用规则"
MAX_RECORD_ID = 100
# A span of days, first and last (None: no end known): e.g. an exemplary designation's
# suspension (portal.rules.exemplary).
Period = tuple[date, date | None]


@dataclass(frozen=True)
class Thresholds:
    """The rules' thresholds, from settings (`PORTAL_*`; see portal/settings.py). The defaults
    are the settings' own: they are written down once, there."""

    yellow_months: int = default_of("yellow_months")
    grace_days: int = default_of("bad_record_grace_days")
    minor_display_months: int = default_of("minor_display_months")
    moderate_display_months: int = default_of("moderate_display_months")
    moderate_repair_months: int = default_of("moderate_repair_months")
    serious_display_months: int = default_of("serious_display_months")
    serious_repair_months: int = default_of("serious_repair_months")

    @classmethod
    def of(cls, settings: Settings) -> Thresholds:
        return cls(
            yellow_months=settings.yellow_months,
            grace_days=settings.bad_record_grace_days,
            minor_display_months=settings.minor_display_months,
            moderate_display_months=settings.moderate_display_months,
            moderate_repair_months=settings.moderate_repair_months,
            serious_display_months=settings.serious_display_months,
            serious_repair_months=settings.serious_repair_months,
        )


@dataclass(frozen=True, order=True)
class Ref:
    """A record by its kind (a key of RECORD_TABLES) and provenance identity."""

    kind: str
    system: str
    record_id: str

    @property
    def identity(self) -> tuple[str, str]:
        return self.system, self.record_id

    def as_json(self, version: int | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "system": self.system, "id": self.record_id}
        if version is not None:
            out["version"] = version
        return out


@dataclass(frozen=True)
class Decision:
    """A rule's verdict on one item, seen on one day."""

    # A short code: open, closed, overdue, refused (notices); published, corrected, scheduled,
    # upgraded, expired, repaired, lapsed (designations).
    state: str
    # Why, in the words the public site shows.
    reason: str
    # The next day on which the state changes by itself, and what happens then.
    next_change_on: date | None = None
    next_change: str | None = None
    rule: str = ""


@dataclass(frozen=True)
class DerivedDesignation:
    """A designation the rules put an enterprise on (a row of `designations`)."""

    key: str  # source_record_id
    uscc: str
    list_name: str
    title: str
    reason: str
    severity: str
    starts_on: date
    # The day the rule fires: published then (and approved at the start of that day).
    published_on: date
    rule: str
    records: tuple[dict[str, Any], ...]
    text: str
    products: tuple[str, ...] = ()
    health_or_safety_risk: bool = False
    corrected_on: date | None = None
    # Extra facts of the derivation (e.g. the due date of a colour cause).
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def identity(self) -> tuple[str, str]:
        return RULES_SYSTEM, self.key

    def derivation(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "on": self.published_on.isoformat(),
            "records": list(self.records),
            "text": self.text,
            **self.extra,
        }


@dataclass(frozen=True)
class DerivedCase:
    """An enforcement case the rules open (a referral: 移送执法)."""

    key: str
    uscc: str
    case_no: str
    opened_on: date
    violation: str
    rule: str
    records: tuple[dict[str, Any], ...]
    text: str

    def derivation(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "on": self.opened_on.isoformat(),
            "records": list(self.records),
            "text": self.text,
        }


@dataclass(frozen=True)
class OpenItem:
    """One open issue of an enterprise for the one-enterprise-one-plan section (一企一策)."""

    # notice, equipment, instrument, licence, operator, finding, upgrade, repair
    kind: str
    title: str
    # open, overdue, refused, yellow, red, pending_upgrade, repair_pending, repair_later,
    # repair_eligible (portal.domain.STATE_LABELS)
    state: str
    text: str
    due_on: date | None = None


def rule_key(*parts: str) -> str:
    """A deterministic record id of a derived row, at most MAX_RECORD_ID characters."""
    key = ":".join(parts)
    if len(key) <= MAX_RECORD_ID:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return f"{key[: MAX_RECORD_ID - 17]}~{digest}"


def public_day(record: Any) -> date:
    """The day a public record became public: its publication day, or the day it was approved."""
    published: date | None = record.published_on
    if published is not None:
        return published
    if record.approved_at is not None:
        return china_day(record.approved_at)
    return date.min


# What the public site calls each source system in the texts the rules write: the bureau's five
# internal systems by "…系统", the complaint channels and the rules as they are.
_SYSTEM_NAMES = {
    "metrology": "计量系统",
    "quality_inspection": "质检系统",
    "fibre_inspection": "纤检系统",
    "special_equipment": "特种设备系统",
    "org_code_registry": "组织机构代码系统",
}


def source_name(system: str) -> str:
    """A source system by its Chinese name (计量系统), for the texts citizens read; the machine
    identities stay in the `derivation` JSON."""
    if system in _SYSTEM_NAMES:
        return _SYSTEM_NAMES[system]
    try:
        return SOURCE_LABELS[SourceSystem(system)]
    except ValueError:
        return system


def record_title(kind: str, record: Any) -> str:
    """A record as the bureau and the public know it: what it is and its number (registration_no,
    instrument_no, licence_no, notice_no), never its source system's record id."""
    if kind == "special_equipment":
        try:
            label = EQUIPMENT_LABELS[EquipmentKind(record.kind)]
        except ValueError:
            label = record.kind
        return f"{label} {record.registration_no}"
    if kind == "measuring_instrument":
        return f"{record.name} {record.instrument_no}"
    if kind == "licence":
        return f"{record.kind} {record.licence_no}"
    if kind == "rectification_notice":
        return f"责令整改通知书 {record.notice_no}"
    return f"作业人员证书({record.category})"


def iso(day: date | None) -> str:
    return day.isoformat() if day else "—"
