"""The domain model: one SQLAlchemy 2 table per kind of record, named after the glossary.

Every stored fact carries its provenance (`Provenance`): the source system and its record id and
version, who vetted it and when, when it was published, and whether it was withdrawn. A fact is
public only when `is_public()` holds, so every public view uses the same predicate.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    ColumnElement,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    and_,
    or_,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

# Stable constraint names, so Alembic migrations can refer to them on every backend.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """A moment, handed back as an aware datetime in UTC on every backend.

    Stored as `timestamp with time zone` where the backend has one. SQLite keeps no offset, so
    values are stored there in UTC; PostgreSQL returns them in the session's time zone (e.g.
    Asia/Shanghai). Naive values are taken to be UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[str]: JSON}


class Provenance:
    """Where a fact came from and whether it may be shown. Mixed into every record table."""

    # The internal system that exported the record (SourceSystem), and its id and version there.
    source_system: Mapped[str] = mapped_column(String(40))
    source_record_id: Mapped[str] = mapped_column(String(100))
    source_version: Mapped[int] = mapped_column(Integer)
    # Vetting: who approved the record for publication and when; null = not vetted, not public.
    approved_by: Mapped[str | None] = mapped_column(String(100))
    approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Date from which the fact is public; a later date keeps it back until then.
    published_on: Mapped[date | None] = mapped_column(Date)
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)
    # SHA-256 of the canonical record, so a repeated load is recognised as unchanged.
    content_hash: Mapped[str] = mapped_column(String(64))
    ingested_at: Mapped[datetime] = mapped_column(UtcDateTime)

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (UniqueConstraint("source_system", "source_record_id"),)

    @classmethod
    def is_public(cls, today: date) -> ColumnElement[bool]:
        """The one predicate of every public view: vetted, not withdrawn, published by today."""
        return and_(
            cls.approved_at.is_not(None),
            cls.withdrawn.is_(False),
            or_(cls.published_on.is_(None), cls.published_on <= today),
        )


class Enterprise(Provenance, Base):
    __tablename__ = "enterprises"

    id: Mapped[int] = mapped_column(primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    org_code: Mapped[str] = mapped_column(String(9), index=True)
    name: Mapped[str] = mapped_column(String(200))
    former_names: Mapped[list[str]] = mapped_column(default=list)
    legal_representative: Mapped[str | None] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(300))
    district: Mapped[str] = mapped_column(String(20), index=True)
    industry: Mapped[str] = mapped_column(String(40), index=True)
    scale: Mapped[str | None] = mapped_column(String(10))
    established_on: Mapped[date | None] = mapped_column(Date)


class EnterpriseRecord(Provenance):
    """A record about one enterprise, referenced by its USCC."""

    @declared_attr
    def enterprise_uscc(cls) -> Mapped[str]:
        return mapped_column(String(18), ForeignKey("enterprises.uscc"), index=True)


class Licence(EnterpriseRecord, Base):
    __tablename__ = "licences"

    id: Mapped[int] = mapped_column(primary_key=True)
    licence_no: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(60))  # e.g. 工业产品生产许可证
    scope: Mapped[str | None] = mapped_column(Text)
    issuer: Mapped[str | None] = mapped_column(String(100))
    issued_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date)


class Product(EnterpriseRecord, Base):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str | None] = mapped_column(String(100))
    standard: Mapped[str | None] = mapped_column(String(100))  # product standard, e.g. GB/T 3620.1


class SpecialEquipment(EnterpriseRecord, Base):
    __tablename__ = "special_equipment"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_no: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(30))  # EquipmentKind
    model: Mapped[str | None] = mapped_column(String(100))
    location: Mapped[str | None] = mapped_column(String(200))
    # Missing manufacturer data and a missing installation filing are findings in themselves.
    manufacturer: Mapped[str | None] = mapped_column(String(200))
    installation_filing: Mapped[str | None] = mapped_column(String(60))
    last_inspected_on: Mapped[date | None] = mapped_column(Date)
    next_inspection_due: Mapped[date] = mapped_column(Date)


class MeasuringInstrument(EnterpriseRecord, Base):
    __tablename__ = "measuring_instruments"

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_no: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(100))
    mandatory_verification: Mapped[bool] = mapped_column(Boolean)
    last_verified_on: Mapped[date | None] = mapped_column(Date)
    next_verification_due: Mapped[date | None] = mapped_column(Date)


class Operator(EnterpriseRecord, Base):
    """A certified operator of special equipment. Personal data: masked on every public view."""

    __tablename__ = "operators"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    certificate_no: Mapped[str] = mapped_column(String(60))
    category: Mapped[str] = mapped_column(String(60))  # e.g. 起重机司机
    certificate_expires_on: Mapped[date] = mapped_column(Date)


class SamplingInspection(EnterpriseRecord, Base):
    __tablename__ = "sampling_inspections"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_name: Mapped[str] = mapped_column(String(200))
    batch: Mapped[str | None] = mapped_column(String(60))
    sampled_on: Mapped[date] = mapped_column(Date)
    result: Mapped[str] = mapped_column(String(10))  # SamplingResult
    failed_items: Mapped[list[str]] = mapped_column(default=list)
    inspecting_body: Mapped[str | None] = mapped_column(String(200))


class RectificationNotice(EnterpriseRecord, Base):
    __tablename__ = "rectification_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_no: Mapped[str] = mapped_column(String(60))
    issued_on: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date] = mapped_column(Date)
    # When the bureau confirmed the rectification; null while open.
    rectified_on: Mapped[date | None] = mapped_column(Date)
    refused: Mapped[bool] = mapped_column(Boolean, default=False)
    serious: Mapped[bool] = mapped_column(Boolean, default=False)
    items: Mapped[list[RectificationItem]] = relationship(
        back_populates="notice",
        cascade="all, delete-orphan",
        order_by="RectificationItem.seq",
        lazy="selectin",
    )


class RectificationItem(Base):
    """One finding of a notice; replaced with its notice when a newer version arrives."""

    __tablename__ = "rectification_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(
        ForeignKey("rectification_notices.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text)
    rectified: Mapped[bool] = mapped_column(Boolean, default=False)
    notice: Mapped[RectificationNotice] = relationship(back_populates="items")


class EnforcementCase(EnterpriseRecord, Base):
    __tablename__ = "enforcement_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_no: Mapped[str] = mapped_column(String(60))
    opened_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    violation: Mapped[str] = mapped_column(Text)
    endangers_health_or_safety: Mapped[bool] = mapped_column(Boolean, default=False)
    penalty: Mapped[str | None] = mapped_column(Text)
    # How the credit rules derived the case (source_system `credit_rules`, e.g. a referral of an
    # overdue rectification notice): rule, input records, date and a readable text. Null when
    # ingested.
    derivation: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Complaint(EnterpriseRecord, Base):
    """A complaint or report from one of the four channels (COMPLAINT_CHANNELS)."""

    __tablename__ = "complaints"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(40))
    received_on: Mapped[date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(Text)
    substantiated: Mapped[bool | None] = mapped_column(Boolean)


class Designation(EnterpriseRecord, Base):
    """An enterprise on a public list (CreditList): exemplary, bad record, blacklist, or a
    quality-safety warning."""

    __tablename__ = "designations"
    __table_args__ = (
        UniqueConstraint("source_system", "source_record_id"),
        Index("ix_designations_list_name_starts_on", "list_name", "starts_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    list_name: Mapped[str] = mapped_column(String(30))  # CreditList
    title: Mapped[str] = mapped_column(String(300))
    reason: Mapped[str] = mapped_column(Text)
    products: Mapped[list[str]] = mapped_column(default=list)
    health_or_safety_risk: Mapped[bool] = mapped_column(Boolean, default=False)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    corrected_on: Mapped[date | None] = mapped_column(Date)
    # Severity (portal.domain.Severity); null: the list's default (portal.rules.periods).
    severity: Mapped[str | None] = mapped_column(String(10))
    # Materialised by the credit rules (`portal rules`): the last day the designation is shown,
    # from ends_on, the display period of its severity, an upgrade, an effective credit repair or
    # (exemplary) a lapse. Null: no end known (or the rules have not run yet).
    display_until: Mapped[date | None] = mapped_column(Date)
    # Materialised by the credit rules too (exemplary only, portal.rules.exemplary): the current
    # or next suspension while a bad record is in force, first and last day (last null: no end).
    suspended_from: Mapped[date | None] = mapped_column(Date)
    suspended_until: Mapped[date | None] = mapped_column(Date)
    # How the credit rules derived the row (source_system `credit_rules`): rule, input records,
    # date and a readable text. Null when ingested.
    derivation: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    @property
    def last_public_day(self) -> date | None:
        """The last day the designation is shown, as the credit file, every list and GraphQL
        say it: the earlier of display_until and ends_on; None when no end is known."""
        days = [day for day in (self.display_until, self.ends_on) if day is not None]
        return min(days) if days else None


class Correction(EnterpriseRecord, Base):
    """The bureau's record that a problem was corrected (整改纠正): it names the record that
    caused a bad record (e.g. the overdue special equipment) or the bad record itself."""

    __tablename__ = "corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The record corrected: its kind (a key of RECORD_TABLES) and its provenance identity.
    target_kind: Mapped[str] = mapped_column(String(40))
    target_system: Mapped[str] = mapped_column(String(40))
    target_record_id: Mapped[str] = mapped_column(String(100))
    corrected_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)


class CreditRepair(EnterpriseRecord, Base):
    """An application for credit repair (信用修复) of one designation, and the bureau's decision.
    Approved and applied for on or after the eligibility date, it ends the designation's display
    from `decided_on` (portal.rules.periods)."""

    __tablename__ = "credit_repairs"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The designation to repair, by its provenance identity.
    target_system: Mapped[str] = mapped_column(String(40))
    target_record_id: Mapped[str] = mapped_column(String(100))
    applied_on: Mapped[date] = mapped_column(Date)
    # Null while the application is pending.
    decided_on: Mapped[date | None] = mapped_column(Date)
    approved: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)


# Columns the credit rules write; ingest never sets them (they are not fields of `data`).
RULE_COLUMNS = frozenset({"display_until", "suspended_from", "suspended_until", "derivation"})


class QuarantinedRecord(Base):
    """A record that failed validation, kept with where it came from and why."""

    __tablename__ = "quarantine"

    id: Mapped[int] = mapped_column(primary_key=True)
    file: Mapped[str] = mapped_column(String(500))
    line: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str | None] = mapped_column(String(40))
    source_system: Mapped[str | None] = mapped_column(String(40))
    source_record_id: Mapped[str | None] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text)
    raw: Mapped[str] = mapped_column(Text)
    # SHA-256 of the raw line: a bad line loaded twice is quarantined once.
    raw_hash: Mapped[str] = mapped_column(String(64), unique=True)
    quarantined_at: Mapped[datetime] = mapped_column(UtcDateTime)


class PendingIndexWork(Base):
    """An enterprise whose search document is owed: its public facts changed (recorded in the
    transaction that changed them: ingest, the rules job), or its indexing failed (the search
    engine was down; `attempts` and `last_error` say so).

    SQL is the system of record: a run killed between its commit and the index update leaves
    the work here, and the next ingest, `portal rules`, the server's start or `portal reindex
    --pending` writes it (portal/pipeline.py).
    """

    __tablename__ = "search_pending"

    uscc: Mapped[str] = mapped_column(String(18), primary_key=True)
    # When the work was last owed: a sync that started later settles it, an earlier one not.
    queued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Failed attempts to index it (0: owed, not yet tried).
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    last_error: Mapped[str] = mapped_column(Text)


class PendingRulesWork(Base):
    """An enterprise whose credit rules are owed: ingest changed its records, in the same
    transaction that wrote this row, and the rules job has not evaluated it since (or failed on
    it). The rules job settles the row in the transaction that writes what the rules derive, so
    a process killed at any moment leaves exactly the work still to do (portal/pipeline.py)."""

    __tablename__ = "rules_pending"

    uscc: Mapped[str] = mapped_column(String(18), primary_key=True)
    # When the work was last owed: an evaluation that started later settles it, an earlier not.
    queued_at: Mapped[datetime] = mapped_column(UtcDateTime)


# The record kinds of the ingest format, each with its table.
RECORD_TABLES: dict[str, type[Provenance]] = {
    "enterprise": Enterprise,
    "licence": Licence,
    "product": Product,
    "special_equipment": SpecialEquipment,
    "measuring_instrument": MeasuringInstrument,
    "operator": Operator,
    "sampling_inspection": SamplingInspection,
    "rectification_notice": RectificationNotice,
    "enforcement_case": EnforcementCase,
    "complaint": Complaint,
    "designation": Designation,
    "correction": Correction,
    "credit_repair": CreditRepair,
}


class Objection(Base):
    """A public objection (异议) to one published record, and where the bureau's review stands.

    The contact details are for the bureau's staff only: no public view reads them (the public
    view is `portal.objections.PublicObjection`). `client_hash` is a keyed hash of the client's
    address, kept for rate limiting; the address itself is never stored.
    """

    __tablename__ = "objections"
    __table_args__ = (
        Index("ix_objections_client_hash_submitted_at", "client_hash", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # What the submitter quotes to look the objection up, e.g. YY-2026-7K3QD9M2XA (unguessable).
    reference: Mapped[str] = mapped_column(String(24), unique=True)
    # The record objected to: its kind (a key of RECORD_TABLES) and its provenance identity.
    record_kind: Mapped[str] = mapped_column(String(40))
    record_source_system: Mapped[str] = mapped_column(String(40))
    record_source_id: Mapped[str] = mapped_column(String(100))
    enterprise_uscc: Mapped[str] = mapped_column(String(18), index=True)
    # What the public saw when the objection was made, so the status page can still say what it
    # is about after the record has been corrected or withdrawn.
    enterprise_name: Mapped[str] = mapped_column(String(200))
    record_summary: Mapped[str] = mapped_column(String(300))
    reason: Mapped[str] = mapped_column(Text)
    # Contact details: never public. At least one of phone and e-mail.
    contact_name: Mapped[str] = mapped_column(String(50))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(20))  # ObjectionStatus
    # The bureau's public explanation of the decision.
    status_note: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    client_hash: Mapped[str] = mapped_column(String(64))
