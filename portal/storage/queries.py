"""Read queries behind every public view: the credit file, the lists, counts and warnings.

The site and GraphQL both call these, so the two always agree on what is public. Every query
takes `today` explicitly and filters with `Provenance.is_public(today)`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from portal.codes import normalise
from portal.domain import Colour, CreditList, ObjectionStatus
from portal.errors import BadRequest, NotFound
from portal.rules import ColourDecision
from portal.rules.engine import evaluate, stored_decision
from portal.rules.facts import load_facts
from portal.rules.model import Decision, OpenItem, Thresholds
from portal.storage.masking import mask_credit_file, mask_rows
from portal.storage.models import (
    RECORD_TABLES,
    Complaint,
    Designation,
    EnforcementCase,
    Enterprise,
    Licence,
    MeasuringInstrument,
    Objection,
    Product,
    RectificationNotice,
    SamplingInspection,
    SpecialEquipment,
)

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    # Exact number of matching rows, whatever the page.
    total: int
    offset: int
    limit: int
    # Of a list: how many distinct enterprises the `total` entries (条) belong to (家企业); one
    # enterprise may have several entries on a list.
    enterprises: int | None = None

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.items) < self.total


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


@dataclass(frozen=True)
class ListedEnterprise:
    designation: Designation
    enterprise: Enterprise


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


def mask_name(name: str) -> str:
    """张三丰 → 张**: the public sees the family name only."""
    return name[:1] + "*" * max(len(name) - 1, 1)


def mask_number(number: str) -> str:
    """Keep the first 4 and last 2 characters of a certificate number."""
    if len(number) <= 6:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 6) + number[-2:]


def get_enterprise(session: Session, uscc: str, today: date) -> Enterprise:
    code = normalise(uscc)
    enterprise = session.scalar(
        select(Enterprise).where(Enterprise.uscc == code, Enterprise.is_public(today))
    )
    if enterprise is None:
        raise NotFound(f"未找到统一社会信用代码为“{code}”的公开企业信用档案")
    return enterprise


def get_credit_file(
    session: Session,
    uscc: str,
    today: date,
    *,
    yellow_months: int = 6,
    thresholds: Thresholds | None = None,
) -> CreditFile:
    """Everything public about one enterprise, with today's colours and the credit rules'
    explanations (`thresholds` default to the defaults with `yellow_months`)."""
    th = thresholds or Thresholds(yellow_months=yellow_months)
    enterprise = get_enterprise(session, uscc, today)
    code = enterprise.uscc

    def public(model: type[T], *order: Any) -> list[T]:
        # `order` ends with the id, so that ties come in the same order on every backend.
        stmt = select(model).where(
            model.enterprise_uscc == code,  # type: ignore[attr-defined]
            model.is_public(today),  # type: ignore[attr-defined]
        )
        return list(session.scalars(stmt.order_by(*order)))

    # The rules' facts hold the public licences, products, equipment, instruments, operators
    # and notices: the file shows those rows rather than reading them a second time. Their
    # colours are the rules' one decision (portal.rules.record_colours: corrections included).
    facts = load_facts(session, [code], today)[code]
    evaluation = evaluate(facts, today, th)
    colours = evaluation.colours
    file = CreditFile(enterprise=enterprise)
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
        PublicOperator(
            name=mask_name(op.name),
            certificate_no=mask_number(op.certificate_no),
            category=op.category,
            decision=colours.of("operator", op),
            source_system=op.source_system,
            source_record_id=op.source_record_id,
            source_version=op.source_version,
            approved_by=op.approved_by,
            approved_at=op.approved_at,
            published_on=op.published_on,
        )
        for op in _ordered(facts.operators, "category")
    ]
    # Newest first; records of the same day newest (highest id) first.
    s, c = SamplingInspection, EnforcementCase
    file.sampling_inspections = public(s, s.sampled_on.desc(), s.id.desc())
    file.rectification_notices = _ordered(facts.notices, "issued_on", newest_first=True)
    file.enforcement_cases = public(c, c.opened_on.desc(), c.id.desc())
    file.complaints = public(Complaint, Complaint.received_on.desc(), Complaint.id.desc())
    in_force = session.scalars(
        select(Designation)
        .where(Designation.enterprise_uscc == code, designation_is_current(today, suspended=True))
        .order_by(Designation.starts_on.desc(), Designation.id.desc())
    )
    # A suspended exemplary designation is not on the lists: the file says why (the rules' own
    # decision of today, which the materialised suspension that the lists use follows).
    for d in in_force:
        decision = evaluation.decisions.get((d.source_system, d.source_record_id))
        suspended = decision is not None and decision.state == "suspended"
        (file.suspended if suspended else file.designations).append(d)
    file.today = today
    file.overall = colours.overall
    file.decisions = evaluation.decisions
    file.notice_decisions = evaluation.notices
    file.open_items = evaluation.open_items
    file.objected = objected_records(session, [code])
    mask_credit_file(file)  # personal data in free text, after the rules read the originals
    return file


def _ordered(rows: list[T], column: str, *, newest_first: bool = False) -> list[T]:
    """`rows` by `column`, then id (so that ties come in one order); a missing value first
    (last when newest first)."""

    def key(row: Any) -> tuple[bool, Any, int]:
        value = getattr(row, column)
        return (value is not None, value, row.id)

    return sorted(rows, key=key, reverse=newest_first)


def list_enterprises_on(
    session: Session,
    list_name: str,
    today: date,
    *,
    district: str | None = None,
    industry: str | None = None,
    offset: int = 0,
    limit: int = 20,
) -> Page[ListedEnterprise]:
    """One public list (CreditList), newest first, filterable by district and industry."""
    try:
        CreditList(list_name)
    except ValueError:
        raise BadRequest(f"未知名单“{list_name}”") from None
    if offset < 0 or limit < 1:
        raise BadRequest("分页参数有误")
    conditions = [
        Designation.list_name == list_name,
        designation_is_current(today),
        Enterprise.is_public(today),
    ]
    if district:
        conditions.append(Enterprise.district == district)
    if industry:
        conditions.append(Enterprise.industry == industry)
    joined = select(Designation, Enterprise).join(
        Enterprise, Enterprise.uscc == Designation.enterprise_uscc
    )
    matching = joined.where(*conditions).subquery()
    total = session.scalar(select(func.count()).select_from(matching))
    enterprises = session.scalar(
        select(func.count(func.distinct(matching.c.enterprise_uscc))).select_from(matching)
    )
    rows = session.execute(
        joined.where(*conditions)
        .order_by(Designation.starts_on.desc(), Designation.id.desc())
        .offset(offset)
        .limit(limit)
    )
    items = [ListedEnterprise(designation=d, enterprise=e) for d, e in rows]
    mask_rows(item.designation for item in items)  # personal data in titles and reasons
    return Page(
        items=items, total=total or 0, offset=offset, limit=limit, enterprises=enterprises or 0
    )


def list_counts(session: Session, today: date) -> dict[str, int]:
    """How many enterprises (家企业) each public list holds today, under the list's name; how many
    entries (条) under `{name}_entries` (an enterprise may have several); and how many credit
    files there are (`enterprises`)."""
    rows = session.execute(
        select(
            Designation.list_name,
            func.count(func.distinct(Designation.enterprise_uscc)),
            func.count(Designation.id),
        )
        .join(Enterprise, Enterprise.uscc == Designation.enterprise_uscc)
        .where(designation_is_current(today), Enterprise.is_public(today))
        .group_by(Designation.list_name)
    )
    counts = {name.value: 0 for name in CreditList}
    counts.update({f"{name.value}_entries": 0 for name in CreditList})
    for name, enterprises, entries in rows:
        counts[name], counts[f"{name}_entries"] = enterprises, entries
    counts["enterprises"] = (
        session.scalar(select(func.count()).where(Enterprise.is_public(today))) or 0
    )
    return counts


def latest_warnings(
    session: Session,
    today: date,
    *,
    limit: int = 20,
    district: str | None = None,
    industry: str | None = None,
) -> Sequence[ListedEnterprise]:
    """The newest quality-safety warnings: what the home page and the feeds show."""
    return list_enterprises_on(
        session,
        CreditList.quality_safety_warning,
        today,
        district=district,
        industry=industry,
        limit=limit,
    ).items
