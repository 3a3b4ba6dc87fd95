"""Time travel over a year of days: for generated record sets, the rules job is idempotent (a
second run on the same day writes nothing, row for row), and running it every day of a month, in
order or not, then on the last day, leaves the same public state as running it once on that day.

Each example uses two in-memory SQLite databases holding the same records.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from portal.codes import make_uscc
from portal.rules.model import RULES_SYSTEM
from portal.storage.models import Base, Designation, EnforcementCase
from portal.storage.queries import designation_is_current
from tests import factories as f
from tests.rules.helpers import run

YEAR = date(2026, 1, 1)
MONTH = 31
# Generated dates: a year, and a little of the year before.
offsets = st.integers(min_value=-60, max_value=365)


def at(offset: int) -> date:
    return YEAR + timedelta(days=offset)


@st.composite
def record_sets(draw: st.DrawFn) -> list[tuple[str, dict[str, Any]]]:
    """A small record set of one or two enterprises: (kind, fields) in insertion order, with
    `enterprise` an index and `target` an index into the earlier records."""
    out: list[tuple[str, dict[str, Any]]] = []
    enterprises = draw(st.integers(1, 2))
    for _ in range(draw(st.integers(1, 7))):
        who = draw(st.integers(0, enterprises - 1))
        kind = draw(
            st.sampled_from(
                [
                    "equipment",
                    "instrument",
                    "licence",
                    "notice",
                    "designation",
                    "correction",
                    "repair",
                    "product",
                ]
            )
        )
        published = draw(offsets)
        fields: dict[str, Any] = {"enterprise": who, "published_on": at(published)}
        if kind == "equipment":
            fields["next_inspection_due"] = at(draw(offsets))
            if draw(st.booleans()):
                fields["last_inspected_on"] = fields["next_inspection_due"] - timedelta(365)
        elif kind == "instrument":
            fields["mandatory_verification"] = draw(st.booleans())
            due = draw(st.none() | offsets)
            fields["next_verification_due"] = None if due is None else at(due)
            fields["last_verified_on"] = None
        elif kind == "licence":
            issued = draw(offsets)
            fields |= {
                "kind": draw(st.sampled_from(["生产许可证", "计量许可证"])),
                "issued_on": at(issued),
                "expires_on": at(issued + draw(st.integers(0, 200))),
            }
        elif kind == "notice":
            issued = draw(offsets)
            fields |= {
                "issued_on": at(issued),
                "deadline": at(issued + draw(st.integers(0, 40))),
                "refused": draw(st.booleans()),
                "serious": draw(st.booleans()),
            }
            if draw(st.booleans()):
                fields["rectified_on"] = at(issued + draw(st.integers(0, 60)))
        elif kind == "designation":
            start = draw(offsets)
            fields |= {
                "list_name": draw(
                    st.sampled_from(
                        [
                            "bad_records",
                            "bad_records",
                            "blacklist",
                            "quality_safety_warning",
                            "exemplary",
                        ]
                    )
                ),
                "starts_on": at(start),
                "health_or_safety_risk": draw(st.booleans()),
                "severity": draw(st.none() | st.sampled_from(["minor", "moderate", "serious"])),
                "withdrawn": draw(st.booleans()) and draw(st.booleans()),
            }
            if draw(st.booleans()):
                fields["ends_on"] = at(start + draw(st.integers(0, 400)))
            if draw(st.booleans()):
                fields["corrected_on"] = at(start + draw(st.integers(0, 30)))
        elif kind in ("correction", "repair"):
            if not out:
                continue
            fields["target"] = draw(st.integers(0, len(out) - 1))
            on = draw(offsets)
            if kind == "correction":
                fields["corrected_on"] = at(on)
            else:
                fields |= {
                    "applied_on": at(on),
                    "decided_on": at(on + draw(st.integers(0, 30))),
                    "approved": draw(st.booleans()) or draw(st.booleans()),
                }
        out.append((kind, fields))
    return out


_ADD = {
    "equipment": f.add_equipment,
    "instrument": f.add_instrument,
    "licence": f.add_licence,
    "notice": f.add_notice,
    "product": f.add_product,
}
_TARGET_KIND = {
    "equipment": "special_equipment",
    "instrument": "measuring_instrument",
    "licence": "licence",
    "designation": "designation",
}


# Numbers the factories would draw from a counter: fixed, so that both databases agree.
_NUMBERS = {
    "equipment": lambda n: {"registration_no": f"起17陕C{n:04d}", "installation_filing": f"F{n}"},
    "instrument": lambda n: {"instrument_no": f"JL{n:06d}"},
    "licence": lambda n: {"licence_no": f"XK{n:08d}"},
    "notice": lambda n: {"notice_no": f"宝质监责改〔2026〕{n}号"},
    "product": lambda n: {},
}


def _insert(session: Session, records: list[tuple[str, dict[str, Any]]]) -> None:
    enterprises = [
        f.add_enterprise(
            session, f"宝鸡测试{n}有限公司", uscc=make_uscc("91", "610303", f"MA6T{n:04d}")
        )
        for n in range(2)
    ]
    rows: list[Any] = []
    for n, (kind, fields) in enumerate(records):
        values = dict(fields) | _NUMBERS.get(kind, lambda n: {})(n)
        e = enterprises[values.pop("enterprise")]
        rid = f"R-{n}"
        if kind == "designation":
            rows.append(f.add_designation(session, e, source_record_id=rid, **values))
            continue
        if kind in ("correction", "repair"):
            target = rows[values.pop("target")]
            target_kind = _TARGET_KIND.get(records[rows.index(target)][0], "product")
            row: Any
            if kind == "correction":
                row = f.add_correction(
                    session,
                    e,
                    source_record_id=rid,
                    target_kind=target_kind,
                    target_system=target.source_system,
                    target_record_id=target.source_record_id,
                    **values,
                )
            else:
                row = f.add_repair(session, target, source_record_id=rid, **values)
            rows.append(row)
            continue
        rows.append(_ADD[kind](session, e, source_record_id=rid, **values))


@contextmanager
def _database(records: list[tuple[str, dict[str, Any]]]) -> Iterator[sessionmaker[Session]]:
    engine = create_engine(
        "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
    )
    Base.metadata.create_all(engine)
    factory = sessionmaker(engine, expire_on_commit=False)
    with factory.begin() as session:
        _insert(session, records)
    try:
        yield factory
    finally:
        engine.dispose()


def _dump(factory: sessionmaker[Session]) -> list[tuple[Any, ...]]:
    """Every designation and case, every column."""
    out = []
    with factory() as session:
        for model in (Designation, EnforcementCase):
            columns = list(model.__table__.columns)
            for row in session.execute(select(*columns).order_by(columns[0])):
                out.append((model.__tablename__, *row))
    return out


def _public(factory: sessionmaker[Session], today: date) -> set[tuple[Any, ...]]:
    """What the public sees on `today` and is told of what comes: the designations in force with
    their dates, every derived row still called for (upgrades written ahead), the public cases."""
    d, c = Designation, EnforcementCase
    with factory() as session:
        shown = {
            (
                "shown",
                r.source_system,
                r.source_record_id,
                r.enterprise_uscc,
                r.list_name,
                r.title,
                r.starts_on,
                r.display_until,
                r.published_on,
                r.corrected_on,
                r.severity,
            )
            for r in session.scalars(select(d).where(designation_is_current(today)))
        }
        ahead = {
            (
                "derived",
                r.source_record_id,
                r.enterprise_uscc,
                r.list_name,
                r.starts_on,
                r.published_on,
                r.display_until,
                r.corrected_on,
                r.content_hash,
            )
            for r in session.scalars(
                select(d).where(d.source_system == RULES_SYSTEM, d.withdrawn.is_(False))
            )
        }
        cases = {
            ("case", r.source_record_id, r.enterprise_uscc, r.opened_on, r.published_on)
            for r in session.scalars(select(c).where(c.is_public(today)))
        }
    return shown | ahead | cases


FAST = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(records=record_sets(), day=offsets)
def test_a_second_run_on_the_same_day_changes_nothing(
    records: list[tuple[str, dict[str, Any]]], day: int
) -> None:
    with _database(records) as factory:
        run(factory, at(day))
        before = _dump(factory)
        again = run(factory, at(day))
        assert (again.derived, again.updated, again.withdrawn) == (0, 0, 0)
        assert _dump(factory) == before


@FAST
@given(
    records=record_sets(),
    start=st.integers(min_value=0, max_value=365 - MONTH),
    order=st.permutations(range(MONTH)),
    shuffled=st.booleans(),
)
def test_every_day_of_a_month_or_once_at_its_end_give_the_same_public_state(
    records: list[tuple[str, dict[str, Any]]], start: int, order: list[int], shuffled: bool
) -> None:
    last = at(start + MONTH - 1)
    days = [at(start + n) for n in (order if shuffled else range(MONTH))]
    with _database(records) as daily, _database(records) as once:
        for today in days:
            run(daily, today)
        run(daily, last)
        run(once, last)
        assert _public(daily, last) == _public(once, last)
        # And the dates materialised ahead keep the views right on the days after.
        for later in (last + timedelta(days=n) for n in (1, 16, 100)):
            shown = [{x for x in _public(fac, later) if x[0] == "shown"} for fac in (daily, once)]
            assert shown[0] == shown[1]
