"""`/credit-repair`: the guide to credit repair (信用修复指南): which entries may be repaired and
from when, by severity (from the thresholds in settings), what to bring, where to apply, and what
happens while the bureau decides. The credit file links here wherever it says that a repair may
be applied for."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from portal.context import PortalContext
from portal.domain import LIST_LABELS, SEVERITY_LABELS, CreditList, Severity
from portal.web.templating import render


@dataclass(frozen=True)
class SeverityRule:
    """What one severity means for an entry: how long it is shown, and when it may be repaired."""

    label: str
    examples: str
    display_months: int
    # None: nothing to repair; the entry ends by itself.
    repair_months: int | None


def severity_rules(portal: PortalContext) -> list[SeverityRule]:
    s = portal.settings
    return [
        SeverityRule(
            SEVERITY_LABELS[Severity.minor],
            "首次轻微违法形成的不良信息,如特种设备超期未检、计量器具未按期检定、许可证过期",
            s.minor_display_months,
            None,
        ),
        SeverityRule(
            SEVERITY_LABELS[Severity.moderate],
            f"其他{LIST_LABELS[CreditList.bad_records]}",
            s.moderate_display_months,
            s.moderate_repair_months,
        ),
        SeverityRule(
            SEVERITY_LABELS[Severity.serious],
            f"{LIST_LABELS[CreditList.blacklist]}、{LIST_LABELS[CreditList.quality_safety_warning]}",
            s.serious_display_months,
            s.serious_repair_months,
        ),
    ]


def credit_repair(request: Request) -> Response:
    portal: PortalContext = request.app.state.portal
    return render(request, "credit_repair.html", {"rules": severity_rules(portal)})
