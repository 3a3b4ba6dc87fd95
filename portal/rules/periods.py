"""How long a designation is shown, and from when its credit repair may be applied for.

By severity (settings, months from `starts_on`):
- minor: shown `minor_display_months` (3), then removed automatically; nothing to repair;
- moderate: shown at most `moderate_display_months` (12); repair from `moderate_repair_months` (3);
- serious: shown at most `serious_display_months` (36); repair from `serious_repair_months` (12).

A designation without a severity takes its list's default: bad records moderate, the blacklist and
quality-safety warnings serious. A bad record the rules derive from a red warning is minor: the
article counts an overdue inspection, an unverified instrument and an expired licence among the
"首次轻微违法行为" that are helped to rectify rather than punished. Exemplary designations have no
severity: their validity is their `ends_on`, and they lapse (portal.rules.engine).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from portal.domain import SEVERITY_LABELS, CreditList, Severity
from portal.rules.colours import add_days, add_months
from portal.rules.model import Thresholds
from portal.storage.models import CreditRepair

DEFAULT_SEVERITY = {
    CreditList.bad_records: Severity.moderate,
    CreditList.blacklist: Severity.serious,
    CreditList.quality_safety_warning: Severity.serious,
}
# The severity of a bad record derived from a red warning (a first minor violation).
WARNING_BAD_RECORD_SEVERITY = Severity.minor


def severity_of(list_name: str, severity: str | None) -> Severity | None:
    """The designation's severity, or its list's default; None for exemplary designations."""
    if list_name == CreditList.exemplary:
        return None
    if severity:
        return Severity(severity)
    return DEFAULT_SEVERITY.get(CreditList(list_name), Severity.moderate)


def severity_label(severity: Severity | None) -> str:
    return SEVERITY_LABELS[severity] if severity else ""


def display_months(severity: Severity, th: Thresholds) -> int:
    return {
        Severity.minor: th.minor_display_months,
        Severity.moderate: th.moderate_display_months,
        Severity.serious: th.serious_display_months,
    }[severity]


def period_end(starts_on: date, severity: Severity, th: Thresholds) -> date:
    """The last day of the display period of an entry starting on `starts_on`."""
    return add_days(add_months(starts_on, display_months(severity, th)), -1)


def repair_from(starts_on: date, severity: Severity | None, th: Thresholds) -> date | None:
    """The first day a credit repair may be applied for; None: not applicable (minor entries
    are removed automatically, exemplary ones are not repaired)."""
    if severity is Severity.moderate:
        return add_months(starts_on, th.moderate_repair_months)
    if severity is Severity.serious:
        return add_months(starts_on, th.serious_repair_months)
    return None


@dataclass(frozen=True)
class RepairOutcome:
    """What the credit repairs of one designation amount to on a day."""

    # The first day the designation is no longer shown because of a repair; None: not repaired.
    effective_on: date | None
    # Why (the effective repair, or why the last application does not take effect); "" for none.
    reason: str
    # A pending application, if any (applied_on).
    pending_since: date | None = None


def repair_outcome(
    repairs: Iterable[CreditRepair], eligible_from: date | None, today: date
) -> RepairOutcome:
    """The effect of the repairs (CreditRepair rows) of one designation on `today`: the earliest
    approved one decided by today and applied for on or after `eligible_from` takes effect on its
    `decided_on`; others say why they do not."""
    effective: date | None = None
    reason, pending = "", None
    for r in sorted(repairs, key=lambda r: (r.applied_on, r.decided_on or date.max)):
        applied, decided, approved = r.applied_on, r.decided_on, r.approved
        if applied > today:
            continue
        if decided is None or decided > today:
            pending = pending or applied
            reason = reason or f"信用修复申请({applied.isoformat()})审核中"
            continue
        if not approved:
            reason = f"{applied.isoformat()} 提出的信用修复申请未获批准"
            continue
        if eligible_from is None:
            reason = "该信息公示期满自动移除,不适用信用修复,修复申请不生效"
            continue
        if applied < eligible_from:
            reason = (
                f"信用修复申请于 {applied.isoformat()} 提出,早于可申请修复日期 "
                f"{eligible_from.isoformat()},不生效"
            )
            continue
        if effective is None or decided < effective:
            effective = decided
            reason = f"已于 {decided.isoformat()} 经批准信用修复(申请日期 {applied.isoformat()})"
    return RepairOutcome(effective, reason, pending if effective is None else None)
