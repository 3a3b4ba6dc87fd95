"""Display periods by severity, credit repair before and after eligibility, and the lapse of
exemplary designations."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from portal.rules.model import Thresholds
from portal.rules.periods import period_end, repair_from, severity_of
from portal.storage.db import session_scope
from portal.storage.models import Designation
from tests import factories as f
from tests.rules.helpers import Factory, current, day, evaluation, run


@pytest.mark.parametrize(
    ("list_name", "severity", "expected"),
    [
        ("bad_records", None, "moderate"),
        ("blacklist", None, "serious"),
        ("quality_safety_warning", None, "serious"),
        ("bad_records", "minor", "minor"),
        ("exemplary", None, None),
    ],
)
def test_severity_defaults_by_list(list_name: str, severity: str | None, expected: str) -> None:
    assert severity_of(list_name, severity) == expected


def test_periods_follow_the_settings() -> None:
    th = Thresholds()
    start = date(2026, 1, 31)
    assert period_end(start, severity_of("bad_records", "minor"), th) == date(2026, 4, 29)  # type: ignore[arg-type]
    assert period_end(start, severity_of("bad_records", None), th) == date(2027, 1, 30)  # type: ignore[arg-type]
    assert period_end(start, severity_of("blacklist", None), th) == date(2029, 1, 30)  # type: ignore[arg-type]
    assert repair_from(start, severity_of("bad_records", None), th) == date(2026, 4, 30)
    assert repair_from(start, severity_of("blacklist", None), th) == date(2027, 1, 31)
    assert repair_from(start, severity_of("bad_records", "minor"), th) is None
    short = Thresholds(minor_display_months=1)
    assert period_end(start, severity_of("bad_records", "minor"), short) == date(2026, 2, 27)  # type: ignore[arg-type]


def test_a_minor_entry_is_removed_after_three_months(session_factory: Factory) -> None:
    with session_scope(session_factory) as s:
        e = f.add_enterprise(s)
        f.add_equipment(
            s,
            e,
            source_record_id="SE-1",
            next_inspection_due=day(-1),
            published_on=date(2026, 1, 1),
        )
        f.add_correction(s, e, corrected_on=day(3), published_on=day(3))
    run(session_factory, day(3))
    [bad] = current(session_factory, day(3), "bad_records")
    assert bad.severity == "minor" and bad.display_until == date(2026, 8, 8)
    assert current(session_factory, date(2026, 8, 8), "bad_records")
    assert current(session_factory, date(2026, 8, 9), "bad_records") == []
    assert current(session_factory, date(2026, 8, 9)) == []  # and no upgrade: corrected in time


def test_moderate_and_serious_entries_are_shown_one_and_three_years(
    session_factory: Factory,
) -> None:
    with session_scope(session_factory) as s:
        e = f.add_enterprise(s)
        bad = f.add_designation(
            s,
            e,
            "bad_records",
            starts_on=date(2025, 1, 1),
            published_on=date(2025, 1, 1),
            corrected_on=date(2025, 1, 5),
        )
        black = f.add_designation(
            s, e, "blacklist", starts_on=date(2025, 1, 1), published_on=date(2025, 1, 1)
        )
        ends = f.add_designation(
            s,
            e,
            "blacklist",
            starts_on=date(2025, 1, 1),
            published_on=date(2025, 1, 1),
            ends_on=date(2026, 6, 30),
        )
        ids = bad.source_record_id, black.source_record_id, ends.source_record_id
    run(session_factory, date(2025, 2, 1))
    until = {
        d.source_record_id: d.display_until for d in current(session_factory, date(2025, 2, 1))
    }
    assert until == {
        ids[0]: date(2025, 12, 31),
        ids[1]: date(2027, 12, 31),
        ids[2]: date(2026, 6, 30),
    }
    assert {d.source_record_id for d in current(session_factory, date(2026, 1, 1))} == set(ids[1:])


def test_credit_repair_before_eligibility_is_not_effective(session_factory: Factory) -> None:
    with session_scope(session_factory) as s:
        e = f.add_enterprise(s)
        black = f.add_designation(
            s, e, "blacklist", starts_on=date(2025, 1, 1), published_on=date(2025, 1, 1)
        )
        f.add_repair(
            s,
            black,
            applied_on=date(2025, 6, 1),
            decided_on=date(2025, 6, 10),
            published_on=date(2025, 6, 10),
        )
        identity, uscc = (black.source_system, black.source_record_id), e.uscc
    run(session_factory, date(2025, 7, 1))
    assert [d.list_name for d in current(session_factory, date(2025, 7, 1))] == ["blacklist"]
    decision = evaluation(session_factory, uscc, date(2025, 7, 1)).decisions[identity]
    assert "早于可申请修复日期 2026-01-01" in decision.reason and "不生效" in decision.reason
    items = evaluation(session_factory, uscc, date(2025, 7, 1)).open_items
    assert [(i.kind, i.due_on) for i in items if i.kind == "repair"] == [
        ("repair", date(2026, 1, 1))
    ]


def test_credit_repair_after_eligibility_removes_the_entry(session_factory: Factory) -> None:
    with session_scope(session_factory) as s:
        e = f.add_enterprise(s)
        black = f.add_designation(
            s, e, "blacklist", starts_on=date(2025, 1, 1), published_on=date(2025, 1, 1)
        )
        f.add_repair(
            s,
            black,
            applied_on=date(2026, 1, 2),
            decided_on=date(2026, 1, 20),
            published_on=date(2026, 1, 20),
        )
        identity, uscc = (black.source_system, black.source_record_id), e.uscc
    run(session_factory, date(2026, 1, 20))
    assert current(session_factory, date(2026, 1, 19))  # the day before the decision
    assert current(session_factory, date(2026, 1, 20)) == []
    decision = evaluation(session_factory, uscc, date(2026, 1, 20)).decisions[identity]
    assert decision.state == "repaired" and "2026-01-20" in decision.reason


def test_exemplary_lapses_at_its_end_and_at_once_on_a_blacklist_entry(
    session_factory: Factory,
) -> None:
    with session_scope(session_factory) as s:
        tidy = f.add_enterprise(s)
        f.add_designation(
            s,
            tidy,
            "exemplary",
            starts_on=date(2025, 1, 1),
            published_on=date(2025, 1, 1),
            ends_on=date(2026, 12, 31),
        )
        fallen = f.add_enterprise(s)
        f.add_designation(
            s,
            fallen,
            "exemplary",
            starts_on=date(2025, 1, 1),
            published_on=date(2025, 1, 1),
            ends_on=date(2027, 12, 31),
        )
        f.add_notice(
            s,
            fallen,
            refused=True,
            issued_on=date(2026, 3, 3),
            deadline=date(2026, 4, 3),
            published_on=date(2026, 3, 3),
        )
    run(session_factory, date(2026, 3, 3))
    on = lambda d: {x.enterprise_uscc for x in current(session_factory, d, "exemplary")}  # noqa: E731
    assert on(date(2026, 3, 2)) == {tidy.uscc, fallen.uscc}
    assert on(date(2026, 3, 3)) == {tidy.uscc}  # lapsed on the blacklist entry's first day
    assert on(date(2026, 12, 31)) == {tidy.uscc}
    assert on(date(2027, 1, 1)) == set()
    [listed] = current(session_factory, date(2026, 3, 3), "blacklist")
    assert listed.enterprise_uscc == fallen.uscc


def test_exemplary_lapses_ahead_on_a_pending_upgrade(session_factory: Factory) -> None:
    with session_scope(session_factory) as s:
        e = f.add_enterprise(s)
        f.add_designation(
            s,
            e,
            "exemplary",
            starts_on=date(2025, 1, 1),
            published_on=date(2025, 1, 1),
            ends_on=date(2027, 12, 31),
        )
        f.add_equipment(s, e, next_inspection_due=day(-1), published_on=date(2026, 1, 1))
    run(session_factory, day(0))
    # Suspended while the bad record is shown (days 0-15), then lapsed with its upgrade (day 16).
    assert current(session_factory, day(-1), "exemplary")
    assert current(session_factory, day(15), "exemplary") == []
    assert current(session_factory, day(16), "exemplary") == []
    with session_factory() as s:
        row = s.scalars(select(Designation).where(Designation.list_name == "exemplary")).one()
    assert (row.suspended_from, row.suspended_until, row.display_until) == (
        day(0),
        day(15),
        day(15),
    )
