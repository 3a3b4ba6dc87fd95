"""Orders that do not depend on the backend: rows that tie on a view's sort key come in the order
of their ids. (PostgreSQL returns ties in physical order, which an UPDATE changes; SQLite in rowid
order.)"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from portal.readmodels.credit_file import get_credit_file
from portal.readmodels.lists import list_enterprises_on
from portal.storage.models import Enterprise
from tests import factories as f

TODAY = date(2026, 11, 24)


def _touch_first(session: Session, rows: list[Any]) -> None:
    """Update the first of the tied rows, so that PostgreSQL moves it behind the others."""
    first = min(rows, key=lambda row: row.id)
    session.execute(
        update(type(first)).where(type(first).id == first.id).values(approved_by="王审核")
    )


def test_ties_in_the_credit_file_follow_the_ids(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as s:
        ent = f.add_enterprise(s)
        tied = {
            "licences": [f.add_licence(s, ent, expires_on=date(2029, 1, 1)) for _ in range(3)],
            "products": [f.add_product(s, ent, name="钛棒") for _ in range(3)],
            "equipment": [
                f.add_equipment(s, ent, next_inspection_due=date(2027, 5, 1)) for _ in range(3)
            ],
            "instruments": [f.add_instrument(s, ent, instrument_no="JL-1") for _ in range(3)],
            "sampling_inspections": [
                f.add_sampling(s, ent, sampled_on=date(2026, 9, 1)) for _ in range(3)
            ],
            "rectification_notices": [
                f.add_notice(s, ent, issued_on=date(2026, 10, 1)) for _ in range(3)
            ],
            "enforcement_cases": [
                f.add_case(s, ent, opened_on=date(2026, 10, 2)) for _ in range(3)
            ],
            "complaints": [f.add_complaint(s, ent, received_on=date(2026, 9, 3)) for _ in range(3)],
            "designations": [
                f.add_designation(s, ent, starts_on=date(2026, 11, 1)) for _ in range(3)
            ],
        }
        operators = [f.add_operator(s, ent, category="起重机司机") for _ in range(3)]
        s.commit()
        for rows in [*tied.values(), operators]:
            _touch_first(s, rows)
        s.commit()
        uscc = ent.uscc

    newest_first = {
        "sampling_inspections", "rectification_notices", "enforcement_cases", "complaints",
        "designations",
    }  # fmt: skip
    with session_factory() as s:
        file = get_credit_file(s, uscc, TODAY)
        for section, rows in tied.items():
            listed = [getattr(item, "record", item).id for item in getattr(file, section)]
            ids = sorted(row.id for row in rows)
            expected = ids[::-1] if section in newest_first else ids
            assert listed == expected, section
        # Operators are masked (no id): the third, untouched, still comes last.
        assert [o.approved_by for o in file.operators] == ["王审核", "李明", "李明"]


def test_ties_on_a_list_follow_the_ids(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as s:
        rows = [
            f.add_designation(s, f.add_enterprise(s), "blacklist", starts_on=date(2026, 11, 1))
            for _ in range(4)
        ]
        s.commit()
        _touch_first(s, rows)
        s.execute(update(Enterprise).values(approved_by="王审核"))
        s.commit()
        ids = sorted((row.id for row in rows), reverse=True)

    with session_factory() as s:
        page = list_enterprises_on(s, "blacklist", TODAY, limit=2)
        rest = list_enterprises_on(s, "blacklist", TODAY, offset=2, limit=2)
        listed = [item.designation.id for item in [*page.items, *rest.items]]
        assert listed == ids
