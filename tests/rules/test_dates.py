"""No date step in the rules overflows, whatever is stored: a "never" due date of 9999-12-31 or a
designation starting 9999-06-01 is "no change within the calendar", not a crash."""

from __future__ import annotations

from datetime import date

from portal.domain import Colour
from portal.readmodels.credit_file import get_credit_file
from portal.rules.colours import add_days, add_months, due_date_colour
from portal.search.documents import build_documents
from portal.storage.db import session_scope
from tests import factories as f
from tests.rules.helpers import Factory, run

TODAY = date(2026, 11, 24)
NEVER = date(9999, 12, 31)


def test_date_steps_clamp_at_the_ends_of_the_calendar() -> None:
    assert add_days(NEVER, 1) == date.max
    assert add_days(date.min, -1) == date.min
    assert add_days(date(2026, 1, 31), 1) == date(2026, 2, 1)
    assert add_months(date(9999, 6, 1), 36) == date.max
    assert add_months(date(1, 2, 1), -3) == date.min
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    decision = due_date_colour(NEVER, date(9999, 12, 1))
    assert decision.colour is Colour.yellow and decision.changes_on == date.max


def test_the_rules_and_the_file_survive_year_9999(session_factory: Factory) -> None:
    with session_scope(session_factory) as s:
        e = f.add_enterprise(s)
        f.add_equipment(s, e, next_inspection_due=NEVER)
        f.add_instrument(s, e, mandatory_verification=True, next_verification_due=NEVER)
        f.add_licence(s, e, issued_on=date(2026, 1, 1), expires_on=NEVER)
        f.add_operator(s, e, certificate_expires_on=NEVER)
        f.add_designation(s, e, "exemplary", starts_on=date(9999, 6, 1), ends_on=NEVER)
        f.add_designation(s, e, "bad_records", starts_on=date(9999, 6, 1))
        f.add_designation(s, e, "blacklist", starts_on=date(9999, 6, 1))
        f.add_notice(s, e, issued_on=date(2026, 11, 1), deadline=NEVER)
        f.add_notice(s, e, issued_on=date(9999, 12, 20), deadline=NEVER)
        uscc = e.uscc
    for today in (TODAY, date(9999, 12, 30), NEVER):
        summary = run(session_factory, today)
        assert summary.evaluated == 1
        with session_factory() as s:
            file = get_credit_file(s, uscc, today)
            [doc] = build_documents(s, today, [uscc])
        assert file.colour is not None and doc.colour == file.colour.value
    with session_factory() as s:
        file = get_credit_file(s, uscc, TODAY)
    assert file.colour is Colour.green
