"""The public lists (名单) and what the home page and the feeds show of them: one list's entries
page by page, how many each list holds, the newest warnings.

A read model over storage (portal.storage): the entries are the designations in force today
(`designation_is_current`), their free text masked (portal.readmodels.masking).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.domain import CreditList
from portal.errors import BadRequest
from portal.readmodels.masking import mask_rows
from portal.storage.models import Designation, Enterprise
from portal.storage.queries import designation_is_current

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    # Exact number of matching rows, whatever the page.
    total: int
    offset: int
    limit: int
    # Of a list: how many distinct enterprises the `total` entries (条) belong to (家企业); one
    # enterprise may have several entries on a list.
    enterprises: int | None = None

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.items) < self.total


@dataclass(frozen=True)
class ListedEnterprise:
    designation: Designation
    enterprise: Enterprise


def list_enterprises_on(
    session: Session,
    list_name: str,
    today: date,
    *,
    district: str | None = None,
    industry: str | None = None,
    offset: int = 0,
    limit: int = 20,
) -> Page[ListedEnterprise]:
    """One public list (CreditList), newest first, filterable by district and industry."""
    try:
        CreditList(list_name)
    except ValueError:
        raise BadRequest(f"未知名单“{list_name}”") from None
    if offset < 0 or limit < 1:
        raise BadRequest("分页参数有误")
    conditions = [
        Designation.list_name == list_name,
        designation_is_current(today),
        Enterprise.is_public(today),
    ]
    if district:
        conditions.append(Enterprise.district == district)
    if industry:
        conditions.append(Enterprise.industry == industry)
    joined = select(Designation, Enterprise).join(
        Enterprise, Enterprise.uscc == Designation.enterprise_uscc
    )
    matching = joined.where(*conditions).subquery()
    total = session.scalar(select(func.count()).select_from(matching))
    enterprises = session.scalar(
        select(func.count(func.distinct(matching.c.enterprise_uscc))).select_from(matching)
    )
    rows = session.execute(
        joined.where(*conditions)
        .order_by(Designation.starts_on.desc(), Designation.id.desc())
        .offset(offset)
        .limit(limit)
    )
    items = [ListedEnterprise(designation=d, enterprise=e) for d, e in rows]
    mask_rows(item.designation for item in items)  # personal data in titles and reasons
    return Page(
        items=items, total=total or 0, offset=offset, limit=limit, enterprises=enterprises or 0
    )


def list_counts(session: Session, today: date) -> dict[str, int]:
    """How many enterprises (家企业) each public list holds today, under the list's name; how many
    entries (条) under `{name}_entries` (an enterprise may have several); and how many credit
    files there are (`enterprises`)."""
    rows = session.execute(
        select(
            Designation.list_name,
            func.count(func.distinct(Designation.enterprise_uscc)),
            func.count(Designation.id),
        )
        .join(Enterprise, Enterprise.uscc == Designation.enterprise_uscc)
        .where(designation_is_current(today), Enterprise.is_public(today))
        .group_by(Designation.list_name)
    )
    counts = {name.value: 0 for name in CreditList}
    counts.update({f"{name.value}_entries": 0 for name in CreditList})
    for name, enterprises, entries in rows:
        counts[name], counts[f"{name}_entries"] = enterprises, entries
    counts["enterprises"] = (
        session.scalar(select(func.count()).where(Enterprise.is_public(today))) or 0
    )
    return counts


def latest_warnings(
    session: Session,
    today: date,
    *,
    limit: int = 20,
    district: str | None = None,
    industry: str | None = None,
) -> Sequence[ListedEnterprise]:
    """The newest quality-safety warnings: what the home page and the feeds show."""
    return list_enterprises_on(
        session,
        CreditList.quality_safety_warning,
        today,
        district=district,
        industry=industry,
        limit=limit,
    ).items
