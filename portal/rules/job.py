"""The rules job (`portal rules`, and `portal ingest` for the enterprises it touched): evaluate
every rule for each enterprise and write what they derive, with provenance.

Derived rows have source system `credit_rules`, a deterministic record id (e.g.
`bad_records:special_equipment:special_equipment:SE-1:2026-05-09`), approver "信用规则",
approval at the start (China time) of the day the rule fires, `published_on` that day, and a
`derivation` (rule, input records with versions, date, readable text). A row no longer called
for is withdrawn (`withdrawn = true`), never deleted. Every designation also gets its
`display_until`, the last day it is shown, so the public predicate
(`portal.storage.queries.designation_is_current`) is right on any day between two runs.

Idempotent: the row values are a function of the stored records and `today`, compared by a hash;
a second run on the same day writes nothing. Running it every day of a month, or once at its end,
leads to the same public state.

One enterprise cannot stop the others: an error while evaluating or writing one is logged with
its USCC, counted in `RulesSummary.failed`, and its rules stay owed (portal/storage/owed.py) for
the next run. Each chunk's transaction settles the rules owed by the enterprises it evaluated and
owes the index update of those whose public state changed, so a process killed at any moment
leaves exactly the work still to do.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from portal import clock
from portal.chunks import chunked
from portal.logs import get_logger
from portal.rules.engine import Evaluation, evaluate
from portal.rules.facts import Facts, load_facts
from portal.rules.model import (
    RULES_APPROVER,
    RULES_SYSTEM,
    DerivedCase,
    DerivedDesignation,
    Thresholds,
    start_of_china_day,
)
from portal.storage.models import Designation, EnforcementCase, Enterprise, Objection
from portal.storage.owed import owe_index, owe_rules, settle_rules

log = get_logger(__name__)
CHUNK = 200


@dataclass
class RulesSummary:
    evaluated: int = 0  # enterprises
    derived: int = 0  # rows written for the first time
    updated: int = 0  # rows changed (derived rows, or the display_until of ingested ones)
    withdrawn: int = 0  # derived rows no longer called for
    unchanged: int = 0
    # Enterprises whose public state changed, or changes today by a date (for the search index).
    changed_usccs: set[str] = field(default_factory=set)
    # Enterprises whose rules failed, with the error; their rules stay owed.
    failed: dict[str, str] = field(default_factory=dict)

    def add(self, other: RulesSummary) -> None:
        """Count `other` (one chunk's summary) in."""
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            if isinstance(mine, int):
                setattr(self, f.name, mine + theirs)
            else:
                mine.update(theirs)


def run_rules(
    session_factory: sessionmaker[Session],
    today: date,
    *,
    usccs: Iterable[str] | None = None,
    thresholds: Thresholds | None = None,
    now: datetime | None = None,
    chunk: int = CHUNK,
) -> RulesSummary:
    """Evaluate the rules for the enterprises of `usccs` (all when None) on `today`."""
    th = thresholds or Thresholds()
    moment = now or clock.utc_now()
    summary = RulesSummary()
    for batch in _chunks(session_factory, usccs, chunk):
        try:
            summary.add(_run_chunk(session_factory, batch, today, th, moment))
        except Exception:
            # Something of the chunk failed as a whole (loading its facts, writing): find which
            # enterprise it was by running each alone.
            log.exception("rules.chunk_failed", first=batch[0], enterprises=len(batch))
            for uscc in batch:
                try:
                    summary.add(_run_chunk(session_factory, [uscc], today, th, moment))
                except Exception as exc:
                    log.exception("rules.enterprise_failed", uscc=uscc)
                    summary.failed[uscc] = f"{type(exc).__name__}: {exc}"[:500]
                    with session_factory.begin() as session:
                        owe_rules(session, [uscc])
    log.info(
        "rules.done",
        today=today.isoformat(),
        evaluated=summary.evaluated,
        derived=summary.derived,
        updated=summary.updated,
        withdrawn=summary.withdrawn,
        unchanged=summary.unchanged,
        changed=len(summary.changed_usccs),
        failed=len(summary.failed),
    )
    return summary


def _run_chunk(
    session_factory: sessionmaker[Session],
    usccs: list[str],
    today: date,
    th: Thresholds,
    now: datetime,
) -> RulesSummary:
    """One transaction: the rules of `usccs`, the work it settles and the work it owes."""
    started = clock.utc_now()
    summary = RulesSummary()
    with session_factory.begin() as session:
        _Chunk(session, today, th, now, summary).run(usccs)
        settle_rules(session, set(usccs) - set(summary.failed), started)
        owe_rules(session, summary.failed)
        owe_index(session, summary.changed_usccs)
    return summary


def _chunks(
    session_factory: sessionmaker[Session], usccs: Iterable[str] | None, size: int
) -> Iterator[list[str]]:
    if usccs is not None:
        yield from chunked(sorted(set(usccs)), size)
        return
    last = ""
    while True:
        with session_factory() as session:
            batch = list(
                session.scalars(
                    select(Enterprise.uscc)
                    .where(Enterprise.uscc > last)
                    .order_by(Enterprise.uscc)
                    .limit(size)
                )
            )
        if not batch:
            return
        yield batch
        last = batch[-1]


def _overruled(session: Session, usccs: list[str]) -> set[str]:
    """Record ids of derived rows of these enterprises that an upheld objection withdrew
    (portal.objections): the bureau found them wrong, so the rules do not derive them again."""
    o = Objection
    stmt = select(o.record_source_id).where(
        o.enterprise_uscc.in_(usccs), o.record_source_system == RULES_SYSTEM, o.status == "upheld"
    )
    return set(session.scalars(stmt))


def _hash(values: dict[str, Any]) -> str:
    text = json.dumps(values, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def designation_values(d: DerivedDesignation, display_until: date | None) -> dict[str, Any]:
    """The columns of the row of a derived designation."""
    return {
        "enterprise_uscc": d.uscc,
        "list_name": str(d.list_name),
        "title": d.title,
        "reason": d.reason,
        "products": list(d.products),
        "health_or_safety_risk": d.health_or_safety_risk,
        "starts_on": d.starts_on,
        "ends_on": None,
        "corrected_on": d.corrected_on,
        "severity": str(d.severity),
        "display_until": display_until,
        "derivation": d.derivation(),
        "approved_by": RULES_APPROVER,
        "approved_at": start_of_china_day(d.published_on),
        "published_on": d.published_on,
    }


def case_values(c: DerivedCase) -> dict[str, Any]:
    """The columns of the row of a derived enforcement case."""
    return {
        "enterprise_uscc": c.uscc,
        "case_no": c.case_no,
        "opened_on": c.opened_on,
        "closed_on": None,
        "violation": c.violation,
        "endangers_health_or_safety": False,
        "penalty": None,
        "derivation": c.derivation(),
        "approved_by": RULES_APPROVER,
        "approved_at": start_of_china_day(c.opened_on),
        "published_on": c.opened_on,
    }


class _Chunk:
    def __init__(
        self,
        session: Session,
        today: date,
        th: Thresholds,
        now: datetime,
        summary: RulesSummary,
    ) -> None:
        self.session, self.today, self.th, self.now = session, today, th, now
        self.overruled: set[str] = set()
        self.summary = summary

    def run(self, usccs: list[str]) -> None:
        self.overruled = _overruled(self.session, usccs)
        facts = load_facts(self.session, usccs, self.today)
        evaluations = []
        for uscc, f in list(facts.items()):
            try:
                evaluations.append(evaluate(f, self.today, self.th))
            except Exception as exc:
                # Its derived rows are left as they are (not withdrawn): only the others go on.
                log.exception("rules.enterprise_failed", uscc=uscc)
                self.summary.failed[uscc] = f"{type(exc).__name__}: {exc}"[:500]
                del facts[uscc]
        usccs = [uscc for uscc in usccs if uscc not in self.summary.failed]
        self.summary.evaluated += len(evaluations)
        self._designations(facts, evaluations)
        self._cases(usccs, evaluations)
        self._displays(facts, evaluations)
        self._transitions(usccs)

    def _write(self, row: Any, values: dict[str, Any], new: bool) -> None:
        digest = _hash(values)
        if not new and row.content_hash == digest and not row.withdrawn:
            self.summary.unchanged += 1
            return
        if not new:
            self.summary.changed_usccs.add(row.enterprise_uscc)
        for name, value in values.items():
            setattr(row, name, value)
        row.withdrawn = False
        row.content_hash = digest
        row.source_version = 1 if new else row.source_version + 1
        row.ingested_at = self.now
        self.summary.changed_usccs.add(values["enterprise_uscc"])
        if new:
            self.summary.derived += 1
        else:
            self.summary.updated += 1

    def _withdraw(self, rows: Iterable[Any], wanted: set[str]) -> None:
        for row in rows:
            if row.source_record_id in wanted or row.withdrawn:
                continue
            row.withdrawn = True
            row.content_hash = hashlib.sha256(f"withdrawn:{row.content_hash}".encode()).hexdigest()
            row.source_version += 1
            row.ingested_at = self.now
            self.summary.withdrawn += 1
            self.summary.changed_usccs.add(row.enterprise_uscc)

    def _designations(self, facts: dict[str, Facts], evaluations: list[Evaluation]) -> None:
        wanted = {
            d.key: designation_values(d, ev.display_until.get(d.identity))
            for ev in evaluations
            for d in ev.designations
        }
        rows = {row.source_record_id: row for f in facts.values() for row in f.derived}
        rows.update(self._rows(Designation, set(wanted) - set(rows)))
        self._reconcile(Designation, rows, wanted)

    def _cases(self, usccs: list[str], evaluations: list[Evaluation]) -> None:
        wanted = {c.key: case_values(c) for ev in evaluations for c in ev.cases}
        e = EnforcementCase
        stmt = select(e).where(
            e.source_system == RULES_SYSTEM,
            or_(e.enterprise_uscc.in_(usccs), e.source_record_id.in_(sorted(wanted))),
        )
        rows = {row.source_record_id: row for row in self.session.scalars(stmt)}
        self._reconcile(EnforcementCase, rows, wanted)

    def _reconcile(
        self, model: Any, rows: dict[str, Any], wanted: dict[str, dict[str, Any]]
    ) -> None:
        """Write the `wanted` derived rows of `model` (by record id) over the stored `rows`,
        adding the missing ones; withdraw the stored rows no longer wanted. A row an upheld
        objection withdrew, or one derived from such a row, is not derived again."""
        wanted = {
            key: values
            for key, values in wanted.items()
            if key not in self.overruled
            and not any(
                r.get("system") == RULES_SYSTEM and r.get("id") in self.overruled
                for r in values["derivation"].get("records", ())
            )
        }
        for key, values in wanted.items():
            row = rows.get(key)
            if row is None:
                row = model(source_system=RULES_SYSTEM, source_record_id=key)
                self.session.add(row)
            self._write(row, values, new=row.id is None)
        self._withdraw(rows.values(), set(wanted))

    def _rows(self, model: Any, keys: set[str]) -> dict[str, Any]:
        """Derived rows of `keys` that belong to enterprises outside the chunk (a record that
        moved to another enterprise takes its derived rows along)."""
        if not keys:
            return {}
        stmt = select(model).where(
            model.source_system == RULES_SYSTEM, model.source_record_id.in_(sorted(keys))
        )
        return {row.source_record_id: row for row in self.session.scalars(stmt)}

    def _displays(self, facts: dict[str, Facts], evaluations: list[Evaluation]) -> None:
        """The materialised display_until (and an exemplary one's suspension) of the bureau's
        own designations."""
        by_uscc = {ev.uscc: ev for ev in evaluations}
        for uscc, f in facts.items():
            ev = by_uscc[uscc]
            for row in f.designations:
                identity = (row.source_system, row.source_record_id)
                until = ev.display_until.get(identity)
                start, end = ev.suspension.get(identity) or (None, None)
                if (row.display_until, row.suspended_from, row.suspended_until) == (
                    until,
                    start,
                    end,
                ):
                    self.summary.unchanged += 1
                    continue
                row.display_until = until
                row.suspended_from, row.suspended_until = start, end
                self.summary.updated += 1
                self.summary.changed_usccs.add(uscc)

    def _transitions(self, usccs: list[str]) -> None:
        """Enterprises whose lists change today by a date alone (an entry starts, is published or
        ended yesterday): the search index must hear of them although no row changed."""
        d, c = Designation, EnforcementCase
        yesterday = self.today - timedelta(days=1)
        for stmt in (
            select(d.enterprise_uscc).where(
                d.enterprise_uscc.in_(usccs),
                or_(
                    d.starts_on == self.today,
                    d.published_on == self.today,
                    d.display_until == yesterday,
                    d.ends_on == yesterday,
                    d.suspended_from == self.today,
                    d.suspended_until == yesterday,
                ),
            ),
            select(c.enterprise_uscc).where(
                c.enterprise_uscc.in_(usccs), c.published_on == self.today
            ),
        ):
            self.summary.changed_usccs.update(self.session.scalars(stmt.distinct()))
