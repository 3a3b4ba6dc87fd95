"""Read predicates and look-ups of the system of record that involve no credit rule: which
designations are in force today, and one public enterprise. The read models (portal.readmodels)
and the search (portal.search) build on them. Every query takes `today` explicitly.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from portal.codes import normalise
from portal.errors import NotFound
from portal.storage.models import Designation, Enterprise


def designation_is_current(today: date, *, suspended: bool = False) -> ColumnElement[bool]:
    """A public designation in force today: started, not past its last public day, and not
    suspended today (`suspended=True`: suspended ones too, for the credit file to explain).

    `display_until` is materialised by the credit rules (`portal rules`, portal.rules.job) from
    ends_on, the display period of its severity, an upgrade, an effective credit repair or an
    exemplary designation's lapse; `ends_on` also counts before the rules first run. So are
    `suspended_from` / `suspended_until`: an exemplary designation is suspended while a bad
    record is in force (portal.rules.exemplary).
    """
    d = Designation
    current = and_(
        d.is_public(today),
        d.starts_on <= today,
        or_(d.ends_on.is_(None), d.ends_on >= today),
        or_(d.display_until.is_(None), d.display_until >= today),
    )
    if suspended:
        return current
    not_suspended = or_(
        d.suspended_from.is_(None),
        d.suspended_from > today,
        and_(d.suspended_until.is_not(None), d.suspended_until < today),
    )
    return and_(current, not_suspended)


def get_enterprise(session: Session, uscc: str, today: date) -> Enterprise:
    code = normalise(uscc)
    enterprise = session.scalar(
        select(Enterprise).where(Enterprise.uscc == code, Enterprise.is_public(today))
    )
    if enterprise is None:
        raise NotFound(f"未找到统一社会信用代码为“{code}”的公开企业信用档案")
    return enterprise
