"""Running the rules job on a day and reading what the public sees, for the rules tests."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from portal.rules.facts import load_facts
from portal.rules.job import RulesSummary, run_rules
from portal.rules.model import RULES_SYSTEM
from portal.storage.models import Designation, EnforcementCase
from portal.storage.queries import designation_is_current

Factory = sessionmaker[Session]


def day(n: int, start: date = date(2026, 5, 9)) -> date:
    """Day `n` counted from `start` (day 0)."""
    return start + timedelta(days=n)


def run(factory: Factory, today: date, **kwargs: Any) -> RulesSummary:
    return run_rules(factory, today, **kwargs)


def current(factory: Factory, today: date, list_name: str | None = None) -> list[Designation]:
    """The designations in force on `today` (the public predicate), oldest first."""
    with factory() as session:
        stmt = select(Designation).where(designation_is_current(today))
        if list_name is not None:
            stmt = stmt.where(Designation.list_name == list_name)
        return list(session.scalars(stmt.order_by(Designation.starts_on, Designation.id)))


def derived(factory: Factory, list_name: str | None = None) -> list[Designation]:
    """Every row the rules wrote to `designations`, withdrawn ones too."""
    with factory() as session:
        stmt = select(Designation).where(Designation.source_system == RULES_SYSTEM)
        if list_name is not None:
            stmt = stmt.where(Designation.list_name == list_name)
        return list(session.scalars(stmt.order_by(Designation.id)))


def derived_cases(factory: Factory) -> list[EnforcementCase]:
    with factory() as session:
        stmt = select(EnforcementCase).where(EnforcementCase.source_system == RULES_SYSTEM)
        return list(session.scalars(stmt.order_by(EnforcementCase.id)))


def evaluation(factory: Factory, uscc: str, today: date) -> Any:
    from portal.rules.engine import evaluate

    with factory() as session:
        return evaluate(load_facts(session, [uscc], today)[uscc], today)
