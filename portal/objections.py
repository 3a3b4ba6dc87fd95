"""Public objections (异议) to published records: validation, rate limits, storage, the public
look-up and the staff's status changes.

The site's form, the GraphQL mutation and the `portal objection-status` command all go through
these functions, so the rules are the same on every channel:

- only a record that is public today (its own `is_public(today)`, and its enterprise's) can be
  objected to; the reason is 10–2000 characters; a name and a phone number (mainland mobile or
  landline) and/or an e-mail address are required;
- one client (`client_hash`: a keyed hash of its address, never the address) may submit at most
  `per_hour` objections in any hour and `per_day` in any day, and never the same reason about
  the same record twice;
- the public sees `PublicObjection`, which has no contact fields at all.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.domain import (
    EQUIPMENT_LABELS,
    LIST_LABELS,
    OBJECTION_STATUS_LABELS,
    RECORD_KIND_LABELS,
    SAMPLING_LABELS,
    SOURCE_LABELS,
    ObjectionStatus,
)
from portal.errors import BadRequest, NotFound, TooManyRequests
from portal.logs import get_logger
from portal.privacy import mask_text
from portal.readmodels.credit_file import mask_name, record_kind_of
from portal.storage import models as m
from portal.storage.db import session_scope

if TYPE_CHECKING:
    from portal.context import PortalContext

log = get_logger(__name__)

REASON_MIN, REASON_MAX = 10, 2000
NAME_MAX = 50
EMAIL_MAX = 254
NOTE_MAX = 2000
# "YY" for 异议 (yì yì), the year, and 10 characters of Crockford's base32 (no I, L, O or U, so
# nothing is misread): 50 random bits from `secrets`.
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_RANDOM = 10
_REFERENCE = re.compile(r"YY-?(\d{4})-?([0-9A-Z]{10})")
_MISREAD = str.maketrans({"O": "0", "I": "1", "L": "1"})

MOBILE = re.compile(r"1[3-9]\d{9}")
# Area code (3–4 digits from 0), number (7–8 digits), optional extension: 0917-3212345-801.
LANDLINE = re.compile(r"0\d{2,3}-?[2-9]\d{6,7}(?:-\d{1,6})?")
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")

RECORD_NOT_PUBLIC = "未找到该条公开信息(可能尚未公开或已撤回),无法对其提出异议"


class InvalidObjection(BadRequest):
    """The submission has errors: `errors` maps each field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(";".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class Target:
    """The public record an objection is about, as the public sees it."""

    kind: str
    source_system: str
    source_id: str
    enterprise_uscc: str
    enterprise_name: str
    summary: str

    @property
    def kind_label(self) -> str:
        return RECORD_KIND_LABELS.get(self.kind, self.kind)


@dataclass(frozen=True)
class PublicObjection:
    """What anyone with the reference may see. No contact fields and no reason, by design."""

    reference: str
    status: ObjectionStatus
    status_note: str | None
    record_kind: str
    record_source_system: str
    record_source_id: str
    enterprise_uscc: str
    enterprise_name: str
    record_summary: str
    submitted_at: datetime
    updated_at: datetime

    @property
    def status_label(self) -> str:
        return OBJECTION_STATUS_LABELS[self.status]

    @property
    def record_kind_label(self) -> str:
        return RECORD_KIND_LABELS.get(self.record_kind, self.record_kind)

    @classmethod
    def of(cls, o: m.Objection) -> PublicObjection:
        return cls(
            reference=o.reference,
            status=ObjectionStatus(o.status),
            # Personal data a note or the record's summary may quote is masked (portal.privacy).
            status_note=mask_text(o.status_note),
            record_kind=o.record_kind,
            record_source_system=o.record_source_system,
            record_source_id=o.record_source_id,
            enterprise_uscc=o.enterprise_uscc,
            enterprise_name=o.enterprise_name,
            record_summary=mask_text(o.record_summary),
            submitted_at=o.submitted_at,
            updated_at=o.updated_at,
        )


# ---- the record objected to -------------------------------------------------------------------

_SUMMARIES: dict[str, Callable[[Any], str]] = {
    "enterprise": lambda r: f"{r.name}的企业基本信息",
    "licence": lambda r: f"{r.kind} {r.licence_no}",
    "product": lambda r: r.name,
    "special_equipment": lambda r: f"{EQUIPMENT_LABELS.get(r.kind, r.kind)} {r.registration_no}",
    "measuring_instrument": lambda r: f"{r.name} {r.instrument_no}",
    # Personal data: the operator's name is masked as on the credit file.
    "operator": lambda r: f"{mask_name(r.name)} · {r.category}",
    "sampling_inspection": lambda r: (
        f"{r.product_name} {r.sampled_on.isoformat()} 抽查{SAMPLING_LABELS.get(r.result, r.result)}"
    ),
    "rectification_notice": lambda r: f"责令整改通知书 {r.notice_no}",
    "enforcement_case": lambda r: f"案件 {r.case_no}",
    "complaint": lambda r: f"{SOURCE_LABELS.get(r.channel, r.channel)} {r.received_on.isoformat()}",
    "designation": lambda r: f"{LIST_LABELS.get(r.list_name, r.list_name)}:{r.title}",
    "correction": lambda r: f"整改纠正记录 {r.corrected_on.isoformat()}",
    "credit_repair": lambda r: f"信用修复申请 {r.applied_on.isoformat()}",
}


def record_subject(record: object) -> str | None:
    """What a record of the credit file is, in words: `计量器具:压力表 BJ00000001`."""
    kind = record_kind_of(record)
    if kind is None:
        return None
    return f"{RECORD_KIND_LABELS.get(kind, kind)}:{_SUMMARIES[kind](record)}"


def objection_form_path(record: object) -> str | None:
    """The link to object to a record shown on the site: /objections/new?kind=…&system=…&id=…"""
    kind = record_kind_of(record)
    if kind is None:
        return None
    system, source_id = record.source_system, record.source_record_id  # type: ignore[attr-defined]
    return "/objections/new?" + urlencode({"kind": kind, "system": system, "id": source_id})


def find_target(session: Session, kind: str, system: str, source_id: str, today: date) -> Target:
    """The record, if it and its enterprise are public today; NotFound otherwise (the same
    answer for a record that does not exist and one that is not public: no leak)."""
    if kind not in m.RECORD_TABLES:
        raise NotFound(f"未知的信息类别“{kind}”,无法对其提出异议")
    model: Any = m.RECORD_TABLES[kind]
    record = session.scalar(
        select(model).where(
            model.source_system == system,
            model.source_record_id == source_id,
            model.is_public(today),
        )
    )
    if record is None:
        raise NotFound(RECORD_NOT_PUBLIC)
    uscc = record.uscc if kind == "enterprise" else record.enterprise_uscc
    enterprise = session.scalar(
        select(m.Enterprise).where(m.Enterprise.uscc == uscc, m.Enterprise.is_public(today))
    )
    if enterprise is None:
        raise NotFound(RECORD_NOT_PUBLIC)
    # The summary is what the form shows and the objection keeps: as public as the record.
    summary = mask_text(_SUMMARIES[kind](record))[:300]
    return Target(kind, system, source_id, uscc, enterprise.name, summary)


# ---- validation ------------------------------------------------------------------------------


def _clean(value: str | None) -> str:
    """NFKC (full-width digits and letters to ASCII), trimmed."""
    return unicodedata.normalize("NFKC", value or "").strip()


def normalise_phone(raw: str) -> str | None:
    """A mainland mobile number as 11 digits, or a landline as typed; None when neither."""
    text = re.sub(r"[\s()()]", "", _clean(raw))
    digits = text.replace("-", "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if MOBILE.fullmatch(digits):
        return digits
    if LANDLINE.fullmatch(text):
        return text
    return None


@dataclass(frozen=True)
class Submission:
    """The submitted fields, cleaned: trimmed, phone and e-mail normalised."""

    reason: str
    contact_name: str
    contact_phone: str | None
    contact_email: str | None


def validate(
    reason: str, contact_name: str, contact_phone: str | None, contact_email: str | None
) -> tuple[dict[str, str], Submission]:
    """The errors of the submitted fields, by field, and the cleaned values."""
    errors: dict[str, str] = {}
    text = (reason or "").strip()
    if len(text) < REASON_MIN:
        errors["reason"] = f"异议理由过短:请至少填写{REASON_MIN}个字,说明哪里有误及理由"
    elif len(text) > REASON_MAX:
        errors["reason"] = f"异议理由过长:最多{REASON_MAX}个字,当前{len(text)}个字"
    name = _clean(contact_name)
    if not name:
        errors["contact_name"] = "请填写联系人姓名"
    elif len(name) > NAME_MAX:
        errors["contact_name"] = f"联系人姓名最多{NAME_MAX}个字"
    phone_raw, email_raw = _clean(contact_phone), _clean(contact_email)
    phone = normalise_phone(phone_raw) if phone_raw else None
    email = email_raw.lower() if email_raw else None
    if not phone_raw and not email_raw:
        errors["contact"] = "请至少填写联系电话或电子邮箱中的一项,以便我们告知处理结果"
    if phone_raw and phone is None:
        errors["contact_phone"] = (
            f"联系电话“{phone_raw}”格式有误:应为11位手机号(如13912345678)"
            "或带区号的固定电话(如0917-3212345)"
        )
    if email and (len(email) > EMAIL_MAX or not EMAIL.fullmatch(email)):
        errors["contact_email"] = f"电子邮箱“{email_raw}”格式有误,例如 name@example.com"
    return errors, Submission(text, name, phone, email)


# ---- references and client hashes ------------------------------------------------------------


def new_reference(today: date) -> str:
    random = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_RANDOM))
    return f"YY-{today.year:04d}-{random}"


def normalise_reference(raw: str) -> str | None:
    """`yy-2026-7k3qd9m2xa`, with spaces, without hyphens or with O for 0: the canonical form;
    None when it cannot be a reference."""
    text = re.sub(r"[\s\-–—]", "", _clean(raw).upper())
    match = _REFERENCE.fullmatch(text)
    if not match:
        return None
    return f"YY-{match[1]}-{match[2].translate(_MISREAD)}"


def client_hash(key: bytes, address: str | None) -> str:
    """HMAC-SHA256 of the client's address under the server secret. An IPv6 client counts by
    its /64 network (what one subscriber usually gets), so it cannot hop between addresses."""
    text = address or "unknown"
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        pass
    else:
        if isinstance(ip, ipaddress.IPv6Address):
            mapped = ip.ipv4_mapped
            text = str(mapped) if mapped else str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


# ---- submit, look up, decide -----------------------------------------------------------------


def _lock_client(session: Session, client: str) -> None:
    """Hold, until the caller's commit or rollback, the right to count and add this client's
    objections: without it, concurrent submissions all count the same few and all pass (7 of
    20 got through a limit of 5). PostgreSQL: a transaction-level advisory lock on the client's
    hash, so other clients do not wait. SQLite: BEGIN IMMEDIATE, the database's one write lock,
    taken before the count is read (a deferred transaction reads first and locks at its insert,
    too late). Must run before the session writes anything (an open write transaction holds the
    lock already)."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        key = int.from_bytes(hashlib.sha256(client.encode()).digest()[:8], "big", signed=True)
        connection.execute(select(func.pg_advisory_xact_lock(key)))
    elif connection.dialect.name == "sqlite":
        dbapi: Any = connection.connection.dbapi_connection
        if not dbapi.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def _submitted_since(session: Session, client: str, since: datetime) -> int:
    stmt = select(func.count()).where(
        m.Objection.client_hash == client, m.Objection.submitted_at > since
    )
    return session.scalar(stmt) or 0


def _check_limits(
    session: Session, client_hash: str, now: datetime, per_hour: int, per_day: int
) -> None:
    """TooManyRequests (429) when this network submitted too many objections lately."""
    if _submitted_since(session, client_hash, now - timedelta(hours=1)) >= per_hour:
        raise TooManyRequests(f"提交过于频繁:同一网络每小时最多可提交{per_hour}件异议,请稍后再试")
    if _submitted_since(session, client_hash, now - timedelta(days=1)) >= per_day:
        raise TooManyRequests(f"提交过于频繁:同一网络每天最多可提交{per_day}件异议,请明天再试")


def _check_not_repeated(session: Session, client_hash: str, target: Target, reason: str) -> None:
    """InvalidObjection when this network already objected to the record with the same reason."""
    duplicate = session.scalar(
        select(m.Objection.id).where(
            m.Objection.client_hash == client_hash,
            m.Objection.record_kind == target.kind,
            m.Objection.record_source_system == target.source_system,
            m.Objection.record_source_id == target.source_id,
            m.Objection.reason == reason,
        )
    )
    if duplicate is not None:
        raise InvalidObjection({"reason": "您已就该信息提交过内容相同的异议,请勿重复提交"})


def submit_objection(
    session: Session,
    *,
    record_kind: str,
    source_system: str,
    source_id: str,
    reason: str,
    contact_name: str,
    contact_phone: str | None = None,
    contact_email: str | None = None,
    client_hash: str,
    now: datetime,
    today: date,
    per_hour: int = 5,
    per_day: int = 20,
) -> m.Objection:
    """Validate, apply the limits and store a new objection (status received); the caller
    commits. Raises InvalidObjection (400, every field's error) or TooManyRequests (429)."""
    errors, cleaned = validate(reason, contact_name, contact_phone, contact_email)
    target: Target | None = None
    try:
        target = find_target(session, record_kind, source_system, source_id, today)
    except NotFound as exc:
        errors = {"record": exc.detail, **errors}
    if errors or target is None:
        raise InvalidObjection(errors)
    _lock_client(session, client_hash)  # the count and the insert below, one client at a time
    _check_limits(session, client_hash, now, per_hour, per_day)
    _check_not_repeated(session, client_hash, target, cleaned.reason)
    reference = new_reference(today)
    while session.scalar(select(m.Objection.id).where(m.Objection.reference == reference)):
        reference = new_reference(today)  # 50 random bits: practically never
    objection = m.Objection(
        reference=reference,
        record_kind=target.kind,
        record_source_system=target.source_system,
        record_source_id=target.source_id,
        enterprise_uscc=target.enterprise_uscc,
        enterprise_name=target.enterprise_name,
        record_summary=target.summary,
        reason=cleaned.reason,
        contact_name=cleaned.contact_name,
        contact_phone=cleaned.contact_phone,
        contact_email=cleaned.contact_email,
        status=ObjectionStatus.received.value,
        status_note=None,
        submitted_at=now,
        updated_at=now,
        client_hash=client_hash,
    )
    session.add(objection)
    session.flush()
    log.info("objection.submitted", reference=reference, kind=target.kind,
             system=target.source_system, record=target.source_id)  # fmt: skip
    return objection


def _find(session: Session, reference: str) -> m.Objection:
    code = normalise_reference(reference)
    objection = None
    if code is not None:
        objection = session.scalar(select(m.Objection).where(m.Objection.reference == code))
    if objection is None:
        raise NotFound(f"未找到查询编号为“{reference.strip()}”的异议,请核对编号(如 YY-2026-…)")
    return objection


def get_objection(session: Session, reference: str) -> PublicObjection:
    """The public view of an objection; NotFound for an unknown or malformed reference."""
    return PublicObjection.of(_find(session, reference))


def set_status(
    session: Session,
    reference: str,
    status: ObjectionStatus,
    *,
    note: str | None,
    now: datetime,
) -> PublicObjection:
    """The bureau's decision: a new status and its public note (None clears the note, which
    belongs to the previous status). The caller commits."""
    objection = _find(session, reference)
    note = (note or "").strip() or None
    if note is not None and len(note) > NOTE_MAX:
        raise BadRequest(f"处理说明最多{NOTE_MAX}个字")
    previous = objection.status
    objection.status, objection.status_note, objection.updated_at = status.value, note, now
    if status is ObjectionStatus.upheld:
        _withdraw_target(session, objection, now)
    session.flush()
    log.info("objection.status", reference=objection.reference, previous=previous,
             status=status.value)  # fmt: skip
    return PublicObjection.of(objection)


def _withdraw_target(session: Session, objection: m.Objection, now: datetime) -> None:
    """An upheld objection withdraws the record it is about: from today it is no longer public
    (`withdrawn`), and the feeds announce a withdrawn designation as 已撤销, dated today (the row
    changed now: `ingested_at`). Its source version and content hash stay, so that the same
    version sent again stays withdrawn, and the corrected version the internal system sends next
    replaces it. The enterprise itself is not withdrawn by an objection to its basic information:
    that is corrected in the organisation-code registry, which sends the new version."""
    kind = objection.record_kind
    if kind == "enterprise" or kind not in m.RECORD_TABLES:
        return
    model: Any = m.RECORD_TABLES[kind]
    record = session.scalar(
        select(model).where(
            model.source_system == objection.record_source_system,
            model.source_record_id == objection.record_source_id,
        )
    )
    if record is None or record.withdrawn:
        return
    record.withdrawn = True
    record.ingested_at = now
    log.info("objection.withdrawn", reference=objection.reference, kind=kind,
             system=objection.record_source_system, record=objection.record_source_id)  # fmt: skip


@dataclass(frozen=True)
class Decided:
    """A decision and what it changed: the credit rules' and the search index's updates."""

    objection: PublicObjection
    reindexed: int


def decide(
    context: PortalContext,
    reference: str,
    status: ObjectionStatus,
    *,
    note: str | None,
    now: datetime,
) -> Decided:
    """The bureau's decision, everywhere the same day: the status is stored; an upheld objection
    withdraws the record, the credit rules run again for its enterprise (what was derived from
    the record goes too), and the enterprise's search document is rewritten. The feeds read
    the database, so they follow at once (within their cache time)."""
    from portal.rules.job import run_rules
    from portal.rules.model import Thresholds
    from portal.search.indexer import sync_enterprises

    with session_scope(context.session_factory) as session:
        view = set_status(session, reference, status, note=note, now=now)
    if status is not ObjectionStatus.upheld:
        return Decided(view, 0)
    today = context.today()
    ruled = run_rules(
        context.session_factory,
        today,
        usccs={view.enterprise_uscc},
        thresholds=Thresholds.of(context.settings),
        now=now,
    )
    synced = sync_enterprises(
        context.session_factory,
        context.search,
        {view.enterprise_uscc} | ruled.changed_usccs,
        today,
        yellow_months=context.settings.yellow_months,
    )
    return Decided(view, synced.upserted + synced.deleted)
