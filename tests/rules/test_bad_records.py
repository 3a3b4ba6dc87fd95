"""A red warning becomes a published bad record; not corrected within 15 days of publication it is
upgraded on day 16 (not on day 15); a correction in time stops it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from portal.rules.model import RULES_APPROVER, RULES_SYSTEM
from portal.storage.db import session_scope
from portal.storage.models import Enterprise, SpecialEquipment
from tests import factories as f
from tests.rules.helpers import Factory, current, day, derived, evaluation, run

DUE = date(2026, 5, 8)  # the crane's inspection was due on this day: red from day 0 (5-09)


def _crane(factory: Factory, record_id: str = "SE-1", **fields: object) -> str:
    with session_scope(factory) as s:
        e = f.add_enterprise(s, "宝鸡市鹏盛鑫有色金属有限公司")
        f.add_equipment(
            s,
            e,
            source_record_id=record_id,
            next_inspection_due=DUE,
            published_on=date(2026, 1, 1),
            **fields,
        )
        return e.uscc


def test_a_red_inspection_is_published_as_a_bad_record_on_its_first_red_day(
    session_factory: Factory,
) -> None:
    uscc = _crane(session_factory)
    assert run(session_factory, day(-1)).derived == 0  # due today: yellow, not red
    summary = run(session_factory, day(0))
    assert summary.derived == 2 and uscc in summary.changed_usccs  # the bad record, its upgrade
    [bad] = current(session_factory, day(0), "bad_records")
    assert bad.source_system == RULES_SYSTEM
    assert bad.source_record_id == "bad_records:special_equipment:special_equipment:SE-1:2026-05-09"
    assert (bad.starts_on, bad.published_on) == (day(0), day(0))
    assert bad.approved_by == RULES_APPROVER and bad.severity == "minor"
    assert bad.derivation is not None
    assert bad.derivation["rule"] == "bad_record_from_warning"
    assert bad.derivation["records"] == [
        {"kind": "special_equipment", "system": "special_equipment", "id": "SE-1", "version": 1}
    ]
    # In words: the day, the source system by its Chinese name, the record by its number; the
    # machine identity only in `records`.
    text = bad.derivation["text"]
    assert "2026-05-09" in text and "特种设备系统" in text
    assert "起重机械(行车、行吊) 起17陕C" in text  # the registration number
    assert "SE-1" not in text and "special_equipment" not in text


def test_upgraded_on_day_16_not_on_day_15(session_factory: Factory) -> None:
    _crane(session_factory)
    run(session_factory, day(1))  # one run; the upgrade is written ahead with its date
    assert current(session_factory, day(15), "blacklist") == []
    assert [b.title for b in current(session_factory, day(15), "bad_records")]
    [upgrade] = current(session_factory, day(16), "blacklist")
    assert (upgrade.starts_on, upgrade.published_on) == (day(16), day(16))
    assert upgrade.severity == "serious" and upgrade.derivation is not None
    assert upgrade.derivation["rule"] == "bad_record_upgrade"
    # The bad record became the blacklist entry: shown until the day before.
    assert current(session_factory, day(16), "bad_records") == []
    # Running on the day itself changes nothing.
    again = run(session_factory, day(16))
    assert (again.derived, again.updated, again.withdrawn) == (0, 0, 0)


def test_the_explanation_says_when_it_will_be_upgraded(session_factory: Factory) -> None:
    uscc = _crane(session_factory)
    ev = evaluation(session_factory, uscc, day(3))
    [bad] = [d for d in ev.designations if d.list_name == "bad_records"]
    decision = ev.decisions[bad.identity]
    assert decision.state == "published" and decision.next_change_on == day(16)
    assert decision.next_change == "将于 2026-05-25 升级为黑名单,除非在此之前整改"
    upgrades = [i for i in ev.open_items if i.kind == "upgrade"]
    assert [(i.due_on, i.state) for i in upgrades] == [(day(16), "pending_upgrade")]


def _correct(
    factory: Factory, uscc: str, on: date, record_id: str = "SE-1", **fields: object
) -> None:
    with session_scope(factory) as s:
        e = s.scalars(select(Enterprise).where(Enterprise.uscc == uscc)).one()
        fields.setdefault("published_on", on)
        f.add_correction(s, e, target_record_id=record_id, corrected_on=on, **fields)


def test_a_correction_on_day_10_stops_the_upgrade(session_factory: Factory) -> None:
    uscc = _crane(session_factory)
    run(session_factory, day(1))
    [ahead] = derived(session_factory, "blacklist")
    assert not ahead.withdrawn and ahead.starts_on == day(16)
    _correct(session_factory, uscc, day(10), published_on=day(10))
    summary = run(session_factory, day(10))
    assert summary.withdrawn == 1 and summary.updated >= 1
    [withdrawn] = derived(session_factory, "blacklist")
    assert withdrawn.withdrawn
    assert current(session_factory, day(20), "blacklist") == []
    [bad] = current(session_factory, day(20), "bad_records")
    assert bad.corrected_on == day(10)


def test_a_correction_on_day_15_still_stops_it_and_on_day_16_does_not(
    session_factory: Factory,
) -> None:
    uscc = _crane(session_factory)
    _correct(session_factory, uscc, day(15))
    run(session_factory, day(30))
    assert current(session_factory, day(30), "blacklist") == []

    other = _crane(session_factory, "SE-2")
    _correct(session_factory, other, day(16), "SE-2")
    run(session_factory, day(30))
    listed = current(session_factory, day(30), "blacklist")
    assert [d.enterprise_uscc for d in listed] == [other]


def test_a_newer_version_inspected_again_corrects_the_bad_record_which_stays(
    session_factory: Factory,
) -> None:
    uscc = _crane(session_factory)
    run(session_factory, day(2))
    with session_scope(session_factory) as s:
        [crane] = s.scalars(select(SpecialEquipment)).all()
        crane.last_inspected_on, crane.next_inspection_due = day(6), date(2027, 5, 1)
        crane.source_version, crane.published_on = 2, day(7)
    run(session_factory, day(7))
    [bad] = current(session_factory, day(7), "bad_records")
    assert bad.corrected_on == day(6) and bad.enterprise_uscc == uscc
    assert current(session_factory, day(40), "blacklist") == []
    assert [d.withdrawn for d in derived(session_factory, "blacklist")] == [True]


def test_a_health_or_safety_bad_record_becomes_a_quality_safety_warning(
    session_factory: Factory,
) -> None:
    with session_scope(session_factory) as s:
        e = f.add_enterprise(s)
        f.add_designation(
            s,
            e,
            "bad_records",
            title="食品标签不合格",
            starts_on=day(0),
            published_on=day(0),
            health_or_safety_risk=True,
            products=["速冻水饺"],
        )
        corrected = f.add_enterprise(s)
        f.add_designation(
            s,
            corrected,
            "bad_records",
            starts_on=day(0),
            published_on=day(0),
            corrected_on=day(12),
        )
    run(session_factory, day(12))
    [warning] = current(session_factory, day(16), "quality_safety_warning")
    assert warning.enterprise_uscc == e.uscc and warning.products == ["速冻水饺"]
    assert warning.health_or_safety_risk and "食品标签不合格" in warning.title
    assert current(session_factory, day(16), "blacklist") == []


def test_a_bureau_upgrade_is_not_derived_twice(session_factory: Factory) -> None:
    with session_scope(session_factory) as s:
        e = f.add_enterprise(s)
        f.add_designation(s, e, "bad_records", starts_on=day(0), published_on=day(0))
        f.add_designation(s, e, "blacklist", starts_on=day(16), published_on=day(16))
    run(session_factory, day(20))
    assert derived(session_factory) == []
    assert [d.list_name for d in current(session_factory, day(20))] == ["blacklist"]
