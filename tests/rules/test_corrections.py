"""A correction closes what it corrects: the record is no longer red from the correction's day,
in the credit file, 一企一策, the overall colour and the search document alike, and says in words
that the new date is to come from the source system; notices whose items are all rectified are
closed."""

from __future__ import annotations

from datetime import date

from starlette.testclient import TestClient

from portal.domain import Colour
from portal.readmodels.credit_file import get_credit_file
from portal.rules.facts import Facts
from portal.rules.record_colours import record_colours
from portal.search.documents import build_documents
from portal.server import create_app
from portal.settings import Settings
from portal.storage.db import session_scope
from tests import factories as f
from tests.rules.helpers import Factory, run
from tests.rules.helpers import day as _day


def day(n: int) -> date:
    """Day `n` from 2026-11-01 (the factories' records are public from 2026-10-02)."""
    return _day(n, date(2026, 11, 1))


DUE = day(-1)  # the crane was due the day before day 0: red from day 0


def _overdue_crane(factory: Factory, corrected_on: date | None) -> tuple[str, str]:
    with session_scope(factory) as s:
        e = f.add_enterprise(s)
        crane = f.add_equipment(
            s, e, next_inspection_due=DUE, registration_no="起13陕C00001", published_on=day(-20)
        )
        if corrected_on is not None:
            f.add_correction(
                s, e, target_record_id=crane.source_record_id, corrected_on=corrected_on
            )
        return e.uscc, crane.registration_no


def test_a_correction_ends_the_red_everywhere_from_its_day(session_factory: Factory) -> None:
    uscc, number = _overdue_crane(session_factory, corrected_on=day(5))
    run(session_factory, day(10))
    with session_factory() as s:
        before = get_credit_file(s, uscc, day(4))
        after = get_credit_file(s, uscc, day(5))
        [doc_before] = build_documents(s, day(4), [uscc])
        [doc_after] = build_documents(s, day(5), [uscc])
    # The day before the correction: red, listed in 一企一策.
    assert before.equipment[0].decision.colour is Colour.red
    assert before.colour is Colour.red and doc_before.colour == "red"
    assert any(number in i.title for i in before.open_items if i.kind == "equipment")
    # From the correction's day: not red, in words, and gone from 一企一策.
    decision = after.equipment[0].decision
    assert decision.colour is Colour.green and decision.corrected_on == day(5)
    assert f"已于 {day(5)} 整改" in decision.reason
    assert "新的检验日期待特种设备系统报送" in decision.reason
    assert not any(number in i.title for i in after.open_items if i.kind == "equipment")
    assert after.colour is Colour.green and doc_after.colour == "green"
    # The bad record it caused says corrected, and its upgrade never came.
    [bad] = [d for d in after.designations if d.list_name == "bad_records"]
    assert bad.corrected_on == day(5)
    assert "blacklist" not in after.lists


def test_graphql_gives_the_correction(session_factory: Factory, settings: Settings) -> None:
    uscc, _ = _overdue_crane(session_factory, corrected_on=day(5))
    settings = settings.replace(today=day(6).isoformat())
    query = (
        f'{{ enterprise(uscc: "{uscc}") {{ colour overallWarning {{ colour reason }} '
        "specialEquipment { warning { colour correctedOn reason } } } }"
    )
    with TestClient(create_app(settings)) as client:
        data = client.post("/graphql", json={"query": query}).json()["data"]["enterprise"]
    [crane] = data["specialEquipment"]
    assert crane["warning"]["colour"] == "GREEN" and crane["warning"]["correctedOn"] == str(day(5))
    assert data["colour"] == "GREEN" and data["overallWarning"]["colour"] == "GREEN"


def test_the_correction_holds_until_a_version_with_a_later_due_date(
    session_factory: Factory,
) -> None:
    uscc, _ = _overdue_crane(session_factory, corrected_on=day(5))
    with session_scope(session_factory) as s:
        # The system's newer version: a new inspection, due again long ago (a new red episode
        # the old correction does not cover) — e.g. a unit re-registered with stale data.
        [crane] = get_credit_file(s, uscc, day(6)).equipment
        crane.record.next_inspection_due = day(20)
        crane.record.source_version = 2
    with session_factory() as s:
        later = get_credit_file(s, uscc, day(30))
        inside = get_credit_file(s, uscc, day(10))
    assert inside.equipment[0].decision.colour is Colour.yellow  # the new date decides
    assert later.equipment[0].decision.colour is Colour.red  # overdue again: not covered
    assert later.equipment[0].decision.corrected_on is None


def test_a_correction_of_the_derived_bad_record_also_closes_the_record(
    session_factory: Factory,
) -> None:
    uscc, _ = _overdue_crane(session_factory, corrected_on=None)
    run(session_factory, day(0))
    with session_factory() as s:
        [bad] = [d for d in get_credit_file(s, uscc, day(0)).designations]
    with session_scope(session_factory) as s:
        e = get_credit_file(s, uscc, day(0)).enterprise
        f.add_correction(
            s,
            e,
            target_kind="designation",
            target_system="credit_rules",
            target_record_id=bad.source_record_id,
            corrected_on=day(3),
        )
    with session_factory() as s:
        file = get_credit_file(s, uscc, day(3))
    assert file.equipment[0].decision.colour is Colour.green
    assert file.colour is Colour.green


def test_a_renewed_licence_is_not_red(session_factory: Factory) -> None:
    with session_scope(session_factory) as s:
        e = f.add_enterprise(s)
        f.add_licence(
            s, e, kind="工业产品生产许可证", issued_on=date(2021, 1, 1), expires_on=date(2026, 1, 1)
        )
        f.add_licence(
            s, e, kind="工业产品生产许可证", issued_on=date(2026, 3, 1), expires_on=date(2031, 3, 1)
        )
        uscc = e.uscc
    with session_factory() as s:
        file = get_credit_file(s, uscc, date(2026, 11, 1))
    old = next(c for c in file.licences if c.record.expires_on == date(2026, 1, 1))
    assert old.decision.colour is Colour.green and "延续" in old.decision.reason
    assert file.colour is Colour.green
    assert not [i for i in file.open_items if i.kind == "licence"]


def test_a_notice_with_every_item_rectified_is_closed(session_factory: Factory) -> None:
    with session_scope(session_factory) as s:
        e = f.add_enterprise(s)
        f.add_notice(
            s,
            e,
            items=[("标签标识不规范", True), ("未按期检定", True)],
            issued_on=date(2026, 9, 1),
            deadline=date(2026, 10, 1),
            published_on=date(2026, 9, 20),
        )
        uscc = e.uscc
    with session_factory() as s:
        file = get_credit_file(s, uscc, date(2026, 11, 1))
    [notice] = file.rectification_notices
    assert file.status(notice).state == "closed"
    assert not [i for i in file.open_items if i.kind == "notice"]


def test_record_colours_without_due_records_have_no_overall() -> None:
    none = Facts(uscc="x", name="x")
    assert record_colours(none, date(2026, 1, 1)).overall is None
