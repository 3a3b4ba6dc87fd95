"""Designations that were public and no longer are (withdrawn, repaired, past their display
period): the feeds announce them as withdrawn, so subscribers learn that an entry left the lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.clock import china_day
from portal.readmodels.masking import mask_rows
from portal.storage.models import CreditRepair, Designation, Enterprise


@dataclass(frozen=True)
class EndedDesignation:
    """A designation that was public and no longer is: withdrawn, repaired or ended."""

    designation: Designation
    enterprise: Enterprise
    # The first day it was no longer shown, and why (in words).
    ended_on: date
    why: str


def ended_designations(
    session: Session,
    list_name: str,
    today: date,
    *,
    limit: int = 20,
    district: str | None = None,
    industry: str | None = None,
) -> list[EndedDesignation]:
    """The designations of a list that were public and ended by `today` (withdrawn, repaired,
    past their display period), the most recently ended first: what the feeds announce as
    withdrawn. A row withdrawn before it was ever public is not among them."""
    d, e = Designation, Enterprise
    base = (
        select(d, e)
        .join(e, e.uscc == d.enterprise_uscc)
        .where(d.list_name == list_name, d.approved_at.is_not(None), e.is_public(today))
    )
    if district:
        base = base.where(e.district == district)
    if industry:
        base = base.where(e.industry == industry)
    last_day = func.coalesce(d.display_until, d.ends_on)
    ended = base.where(d.withdrawn.is_(False), d.starts_on <= today, last_day < today)
    withdrawn = base.where(d.withdrawn.is_(True))
    found: list[EndedDesignation] = []
    newest_first = ended.order_by(last_day.desc(), d.id.desc()).limit(limit)
    for row, enterprise in session.execute(newest_first):
        last = min(x for x in (row.display_until, row.ends_on) if x is not None)
        if row.published_on is None or row.published_on <= last:
            found.append(EndedDesignation(row, enterprise, last + timedelta(days=1), "公示期满"))
    for row, enterprise in session.execute(
        withdrawn.order_by(d.ingested_at.desc(), d.id.desc()).limit(limit)
    ):
        on = china_day(row.ingested_at)
        if on <= today and row.starts_on <= on and (row.published_on or on) <= on:
            found.append(EndedDesignation(row, enterprise, on, "已撤销"))
    _repaired(session, found)
    found.sort(key=lambda x: (x.ended_on, x.designation.id), reverse=True)
    mask_rows(x.designation for x in found[:limit])  # personal data in titles and reasons
    return found[:limit]


def _repaired(session: Session, found: list[EndedDesignation]) -> None:
    """Say "信用修复" for the entries an approved credit repair ended."""
    ids = sorted({x.designation.source_record_id for x in found})
    if not ids:
        return
    decided = {
        (r.target_system, r.target_record_id, r.decided_on)
        for r in session.scalars(
            select(CreditRepair).where(
                CreditRepair.target_record_id.in_(ids), CreditRepair.approved.is_(True)
            )
        )
    }
    for n, x in enumerate(found):
        d = x.designation
        if (d.source_system, d.source_record_id, x.ended_on) in decided:
            found[n] = EndedDesignation(d, x.enterprise, x.ended_on, "经信用修复移出")
