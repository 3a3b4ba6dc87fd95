"""The credit file (企业信用档案): everything public about one enterprise, as the site's
enterprise page and GraphQL's `creditFile` read it.

It is a read model: it assembles the stored public rows (portal.storage) with the credit rules'
decisions of today (portal.rules: colours, statuses, open items), then masks the personal data in
free text (portal.readmodels.masking). Every query takes `today` explicitly and filters with
`Provenance.is_public(today)`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.domain import Colour, ObjectionStatus
from portal.readmodels.masking import mask_credit_file
from portal.rules import ColourDecision
from portal.rules.engine import Evaluation, evaluate, stored_decision
from portal.rules.facts import Facts, load_facts
from portal.rules.model import Decision, OpenItem, Thresholds
from portal.rules.record_colours import RecordColours
from portal.storage.models import (
    RECORD_TABLES,
    Complaint,
    Designation,
    EnforcementCase,
    Enterprise,
    Licence,
    MeasuringInstrument,
    Objection,
    Operator,
    Product,
    RectificationNotice,
    SamplingInspection,
    SpecialEquipment,
)
from portal.storage.queries import designation_is_current, get_enterprise

T = TypeVar("T")


@dataclass(frozen=True)
class Coloured(Generic[T]):
    """A record with a due date and the warning colour it has today, with the reason."""

    record: T
    decision: ColourDecision


@dataclass(frozen=True)
class PublicOperator:
    """A certified operator as the public may see them: personal data masked."""

    name: str
    certificate_no: str
    category: str
    decision: ColourDecision
    # Provenance is not personal data: shown in full, as for every other fact.
    source_system: str
    source_record_id: str
    source_version: int
    approved_by: str | None
    approved_at: datetime | None
    published_on: date | None


@dataclass
class CreditFile:
    enterprise: Enterprise
    licences: list[Coloured[Licence]] = field(default_factory=list)
    products: list[Product] = field(default_factory=list)
    equipment: list[Coloured[SpecialEquipment]] = field(default_factory=list)
    instruments: list[Coloured[MeasuringInstrument]] = field(default_factory=list)
    operators: list[PublicOperator] = field(default_factory=list)
    sampling_inspections: list[SamplingInspection] = field(default_factory=list)
    rectification_notices: list[RectificationNotice] = field(default_factory=list)
    enforcement_cases: list[EnforcementCase] = field(default_factory=list)
    complaints: list[Complaint] = field(default_factory=list)
    designations: list[Designation] = field(default_factory=list)
    # Exemplary designations suspended today (示范资格暂停), with their status saying why.
    suspended: list[Designation] = field(default_factory=list)
    # The credit rules' decisions (portal.rules.engine): why each designation and notice has its
    # status and what happens next, by (source system, record id); and the open items (一企一策).
    decisions: dict[tuple[str, str], Decision] = field(default_factory=dict)
    notice_decisions: dict[tuple[str, str], Decision] = field(default_factory=dict)
    open_items: list[OpenItem] = field(default_factory=list)
    # 综合预警: its colour and the records behind it (portal.rules.record_colours).
    overall: ColourDecision | None = None
    today: date | None = None
    # The records of the file an objection is in review about (kind, source system, record id):
    # shown as 异议处理中 until the bureau decides (`portal objection-status`).
    objected: frozenset[RecordKey] = frozenset()

    def under_objection(self, record: object) -> bool:
        """Whether an objection to `record` (a record of this file) awaits the bureau's decision."""
        key = record_key(record)
        return key is not None and key in self.objected

    def status(self, record: Designation | RectificationNotice) -> Decision:
        """Why the designation or notice has its status today, and what happens next."""
        key = (record.source_system, record.source_record_id)
        if isinstance(record, RectificationNotice):
            return self.notice_decisions[key]
        found = self.decisions.get(key)
        if found is not None:
            return found
        # A derived row the rules no longer call for (they run again tonight): as stored.
        return stored_decision(record, self.today or record.starts_on)

    @property
    def lists(self) -> list[str]:
        return sorted({d.list_name for d in self.designations})

    @property
    def colour(self) -> Colour | None:
        """The worst colour over everything with a due date (the rules' overall decision, of the
        same colours the file shows); None when nothing is due."""
        return self.overall.colour if self.overall else None


RecordKey = tuple[str, str, str]
_KIND_OF_TABLE: dict[type, str] = {table: kind for kind, table in RECORD_TABLES.items()}
# An objection in these states awaits the bureau's decision.
OBJECTION_PENDING = (ObjectionStatus.received.value, ObjectionStatus.under_review.value)


def record_kind_of(record: object) -> str | None:
    """The record kind (a key of RECORD_TABLES) of a row of the credit file or its masked
    operator, if any."""
    if isinstance(record, PublicOperator):
        return "operator"
    return _KIND_OF_TABLE.get(type(record))


def record_key(record: object) -> RecordKey | None:
    """(kind, source system, record id) of a record of the credit file, as objections name it."""
    kind = record_kind_of(record)
    if kind is None:
        return None
    return kind, record.source_system, record.source_record_id  # type: ignore[attr-defined]


def objected_records(session: Session, usccs: Sequence[str]) -> frozenset[RecordKey]:
    """The records of these enterprises that an objection in review is about."""
    if not usccs:
        return frozenset()
    o = Objection
    rows = session.execute(
        select(o.record_kind, o.record_source_system, o.record_source_id).where(
            o.enterprise_uscc.in_(sorted(set(usccs))), o.status.in_(OBJECTION_PENDING)
        )
    )
    return frozenset((kind, system, record_id) for kind, system, record_id in rows)


def mask_name(name: str) -> str:
    """张三丰 → 张**: the public sees the family name only."""
    return name[:1] + "*" * max(len(name) - 1, 1)


def mask_number(number: str) -> str:
    """Keep the first 4 and last 2 characters of a certificate number."""
    if len(number) <= 6:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 6) + number[-2:]


def get_credit_file(
    session: Session,
    uscc: str,
    today: date,
    *,
    thresholds: Thresholds | None = None,
) -> CreditFile:
    """Everything public about one enterprise, with today's colours and the credit rules'
    explanations (`thresholds`: the defaults when None)."""
    th = thresholds or Thresholds()
    enterprise = get_enterprise(session, uscc, today)
    code = enterprise.uscc
    # The rules' facts hold the public licences, products, equipment, instruments, operators
    # and notices: the file shows those rows rather than reading them a second time. Their
    # colours are the rules' one decision (portal.rules.record_colours: corrections included).
    facts = load_facts(session, [code], today)[code]
    evaluation = evaluate(facts, today, th)
    file = CreditFile(enterprise=enterprise, today=today)
    _add_due_records(file, facts, evaluation.colours)
    _add_history(file, session, facts, today)
    _add_designations(file, session, evaluation, today)
    file.overall = evaluation.colours.overall
    file.decisions = evaluation.decisions
    file.notice_decisions = evaluation.notices
    file.open_items = evaluation.open_items
    file.objected = objected_records(session, [code])
    mask_credit_file(file)  # personal data in free text, after the rules read the originals
    return file


def _add_due_records(file: CreditFile, facts: Facts, colours: RecordColours) -> None:
    """The records with a due date, each with its colour today, and the products."""
    file.licences = [
        Coloured(lic, colours.of("licence", lic)) for lic in _ordered(facts.licences, "expires_on")
    ]
    file.products = _ordered(facts.products, "name")
    file.equipment = [
        Coloured(eq, colours.of("special_equipment", eq))
        for eq in _ordered(facts.equipment, "next_inspection_due")
    ]
    file.instruments = [
        Coloured(ins, colours.of("measuring_instrument", ins))
        for ins in _ordered(facts.instruments, "instrument_no")
    ]
    file.operators = [
        _public_operator(op, colours.of("operator", op))
        for op in _ordered(facts.operators, "category")
    ]


def _public_operator(op: Operator, decision: ColourDecision) -> PublicOperator:
    return PublicOperator(
        name=mask_name(op.name),
        certificate_no=mask_number(op.certificate_no),
        category=op.category,
        decision=decision,
        source_system=op.source_system,
        source_record_id=op.source_record_id,
        source_version=op.source_version,
        approved_by=op.approved_by,
        approved_at=op.approved_at,
        published_on=op.published_on,
    )


def _add_history(file: CreditFile, session: Session, facts: Facts, today: date) -> None:
    """Inspections, notices, cases and complaints: newest first; records of the same day newest
    (highest id) first."""
    code = file.enterprise.uscc

    def public(model: type[T], *order: Any) -> list[T]:
        # `order` ends with the id, so that ties come in the same order on every backend.
        stmt = select(model).where(
            model.enterprise_uscc == code,  # type: ignore[attr-defined]
            model.is_public(today),  # type: ignore[attr-defined]
        )
        return list(session.scalars(stmt.order_by(*order)))

    s, c = SamplingInspection, EnforcementCase
    file.sampling_inspections = public(s, s.sampled_on.desc(), s.id.desc())
    file.rectification_notices = _ordered(facts.notices, "issued_on", newest_first=True)
    file.enforcement_cases = public(c, c.opened_on.desc(), c.id.desc())
    file.complaints = public(Complaint, Complaint.received_on.desc(), Complaint.id.desc())


def _add_designations(
    file: CreditFile, session: Session, evaluation: Evaluation, today: date
) -> None:
    """The designations in force today, newest first, the suspended ones apart."""
    in_force = session.scalars(
        select(Designation)
        .where(
            Designation.enterprise_uscc == file.enterprise.uscc,
            designation_is_current(today, suspended=True),
        )
        .order_by(Designation.starts_on.desc(), Designation.id.desc())
    )
    # A suspended exemplary designation is not on the lists: the file says why (the rules' own
    # decision of today, which the materialised suspension that the lists use follows).
    for d in in_force:
        decision = evaluation.decisions.get((d.source_system, d.source_record_id))
        suspended = decision is not None and decision.state == "suspended"
        (file.suspended if suspended else file.designations).append(d)


def _ordered(rows: list[T], column: str, *, newest_first: bool = False) -> list[T]:
    """`rows` by `column`, then id (so that ties come in one order); a missing value first
    (last when newest first)."""

    def key(row: Any) -> tuple[bool, Any, int]:
        value = getattr(row, column)
        return (value is not None, value, row.id)

    return sorted(rows, key=key, reverse=newest_first)
