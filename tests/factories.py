"""Model rows for tests, inserted directly, each with full provenance.

Every `add_*` helper takes the session, fills what a loaded record would carry (source system,
record id and version, vetting, publication day, content hash) and accepts any column as a
keyword to override, e.g. `approved_at=None` (not vetted), `withdrawn=True`,
`published_on=date(2027, 1, 1)` (not yet public).
"""

from __future__ import annotations

import hashlib
import itertools
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from portal.codes import make_uscc
from portal.storage.models import (
    Complaint,
    Correction,
    CreditRepair,
    Designation,
    EnforcementCase,
    Enterprise,
    Licence,
    MeasuringInstrument,
    Operator,
    Product,
    RectificationItem,
    RectificationNotice,
    SamplingInspection,
    SpecialEquipment,
)

T = TypeVar("T")

# 09:30 on 1 October 2026 in China, stored in UTC as the loader stores it.
APPROVED_AT = datetime(2026, 10, 1, 1, 30, tzinfo=UTC)
PUBLISHED_ON = date(2026, 10, 2)
APPROVER = "李明"

_sequence = itertools.count(1)


def next_uscc(division: str = "610303") -> str:
    """A fresh valid USCC (GB 32100-2015 check characters) for a Baoji enterprise."""
    return make_uscc("91", division, f"MA{next(_sequence):06d}")


def _provenance(source_system: str, prefix: str) -> dict[str, Any]:
    record_id = f"{prefix}-{next(_sequence):06d}"
    return {
        "source_system": source_system,
        "source_record_id": record_id,
        "source_version": 1,
        "approved_by": APPROVER,
        "approved_at": APPROVED_AT,
        "published_on": PUBLISHED_ON,
        "withdrawn": False,
        "content_hash": hashlib.sha256(record_id.encode()).hexdigest(),
        "ingested_at": datetime(2026, 10, 2, tzinfo=UTC),
    }


def _add(session: Session, model: type[T], source: str, prefix: str, /, **fields: Any) -> T:
    values = _provenance(source, prefix)
    values.update(fields)
    row = model(**values)
    session.add(row)
    session.flush()
    return row


def add_enterprise(
    session: Session,
    name: str = "宝鸡市测试机械有限公司",
    *,
    uscc: str | None = None,
    district: str = "金台区",
    industry: str = "机床工具",
    **fields: Any,
) -> Enterprise:
    code = uscc or next_uscc()
    fields.setdefault("org_code", code[8:17])
    fields.setdefault("former_names", [])
    fields.setdefault("legal_representative", "张伟")
    fields.setdefault("address", f"陕西省宝鸡市{district}测试路1号")
    fields.setdefault("scale", "small")
    return _add(
        session, Enterprise, "org_code_registry", "ORG",
        uscc=code, name=name, district=district, industry=industry, **fields,
    )  # fmt: skip


def add_designation(
    session: Session,
    enterprise: Enterprise,
    list_name: str = "quality_safety_warning",
    *,
    title: str = "产品抽检不合格",
    reason: str = "监督抽查不合格,存在质量安全隐患",
    starts_on: date = date(2026, 11, 1),
    source_system: str = "quality_inspection",
    **fields: Any,
) -> Designation:
    fields.setdefault("products", [])
    return _add(
        session, Designation, source_system, "DES",
        enterprise_uscc=enterprise.uscc, list_name=list_name, title=title, reason=reason,
        starts_on=starts_on, **fields,
    )  # fmt: skip


def add_equipment(session: Session, enterprise: Enterprise, **fields: Any) -> SpecialEquipment:
    fields.setdefault("registration_no", f"起17陕C{next(_sequence):04d}")
    fields.setdefault("kind", "crane")
    fields.setdefault("manufacturer", "太原重型机械集团有限公司")
    fields.setdefault("installation_filing", f"安备{next(_sequence):05d}")
    fields.setdefault("last_inspected_on", date(2025, 12, 1))
    fields.setdefault("next_inspection_due", date(2027, 12, 1))
    return _add(
        session, SpecialEquipment, "special_equipment", "SE",
        enterprise_uscc=enterprise.uscc, **fields,
    )  # fmt: skip


def add_instrument(session: Session, enterprise: Enterprise, **fields: Any) -> MeasuringInstrument:
    fields.setdefault("instrument_no", f"JL{next(_sequence):06d}")
    fields.setdefault("name", "电子台秤")
    fields.setdefault("mandatory_verification", True)
    fields.setdefault("last_verified_on", date(2026, 3, 1))
    fields.setdefault("next_verification_due", date(2027, 3, 1))
    return _add(
        session, MeasuringInstrument, "metrology", "JL",
        enterprise_uscc=enterprise.uscc, **fields,
    )  # fmt: skip


def add_operator(session: Session, enterprise: Enterprise, **fields: Any) -> Operator:
    fields.setdefault("name", "王小明")
    fields.setdefault("certificate_no", "Q161030012345678")
    fields.setdefault("category", "起重机司机")
    fields.setdefault("certificate_expires_on", date(2028, 1, 1))
    return _add(
        session, Operator, "special_equipment", "OP", enterprise_uscc=enterprise.uscc, **fields
    )


def add_licence(session: Session, enterprise: Enterprise, **fields: Any) -> Licence:
    fields.setdefault("licence_no", f"XK{next(_sequence):08d}")
    fields.setdefault("kind", "工业产品生产许可证")
    fields.setdefault("issued_on", date(2024, 1, 1))
    fields.setdefault("expires_on", date(2029, 1, 1))
    return _add(
        session, Licence, "quality_inspection", "XK", enterprise_uscc=enterprise.uscc, **fields
    )


def add_product(session: Session, enterprise: Enterprise, **fields: Any) -> Product:
    fields.setdefault("name", "钛合金锻件")
    return _add(
        session, Product, "quality_inspection", "PR", enterprise_uscc=enterprise.uscc, **fields
    )


def add_sampling(session: Session, enterprise: Enterprise, **fields: Any) -> SamplingInspection:
    fields.setdefault("product_name", "钛合金锻件")
    fields.setdefault("sampled_on", date(2026, 9, 15))
    fields.setdefault("result", "pass")
    fields.setdefault("failed_items", [])
    return _add(
        session, SamplingInspection, "quality_inspection", "CC",
        enterprise_uscc=enterprise.uscc, **fields,
    )  # fmt: skip


def add_notice(
    session: Session,
    enterprise: Enterprise,
    items: list[tuple[str, bool]] | None = None,
    **fields: Any,
) -> RectificationNotice:
    fields.setdefault("notice_no", f"宝质监责改〔2026〕{next(_sequence)}号")
    fields.setdefault("issued_on", date(2026, 10, 10))
    fields.setdefault("deadline", date(2026, 11, 10))
    notice = _add(
        session, RectificationNotice, "enforcement_inspection", "ZG",
        enterprise_uscc=enterprise.uscc, **fields,
    )  # fmt: skip
    for seq, (description, rectified) in enumerate(items or [("标签标识不规范", False)], 1):
        session.add(
            RectificationItem(
                notice_id=notice.id, seq=seq, description=description, rectified=rectified
            )
        )
    session.flush()
    return notice


def add_case(session: Session, enterprise: Enterprise, **fields: Any) -> EnforcementCase:
    fields.setdefault("case_no", f"宝质监罚〔2026〕{next(_sequence)}号")
    fields.setdefault("opened_on", date(2026, 10, 20))
    fields.setdefault("violation", "生产不合格产品")
    return _add(
        session, EnforcementCase, "enforcement_inspection", "AJ",
        enterprise_uscc=enterprise.uscc, **fields,
    )  # fmt: skip


def add_complaint(session: Session, enterprise: Enterprise, **fields: Any) -> Complaint:
    fields.setdefault("channel", "public_complaint")
    fields.setdefault("received_on", date(2026, 9, 1))
    fields.setdefault("summary", "产品质量问题投诉")
    source = fields.pop("source_system", fields["channel"])
    return _add(session, Complaint, source, "TS", enterprise_uscc=enterprise.uscc, **fields)


def add_correction(session: Session, enterprise: Enterprise, **fields: Any) -> Correction:
    """A correction of a record (by default the special equipment `target_record_id`)."""
    fields.setdefault("target_kind", "special_equipment")
    fields.setdefault("target_system", "special_equipment")
    fields.setdefault("target_record_id", "SE-1")
    fields.setdefault("corrected_on", date(2026, 10, 10))
    return _add(
        session, Correction, "special_equipment", "JZ", enterprise_uscc=enterprise.uscc, **fields
    )


def add_repair(
    session: Session, designation: Designation, **fields: Any
) -> CreditRepair:
    """A credit repair of `designation`, approved unless told otherwise."""
    fields.setdefault("applied_on", date(2026, 10, 10))
    fields.setdefault("decided_on", fields["applied_on"])
    fields.setdefault("approved", True)
    return _add(
        session, CreditRepair, "enforcement_inspection", "XF",
        enterprise_uscc=designation.enterprise_uscc, target_system=designation.source_system,
        target_record_id=designation.source_record_id, **fields,
    )  # fmt: skip
