"""Build ingest records and write them as JSON Lines files, for the ingest tests."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from portal.codes import make_uscc

USCC_A = make_uscc("91", "610303", "MA6X0001")
USCC_B = make_uscc("91", "610302", "MA6X0002")
USCC_C = make_uscc("92", "610304", "MA6X0003")
VETTING = {"approved_by": "李明", "approved_at": "2026-10-01T09:30:00+08:00"}

# The system that usually exports each kind.
SYSTEMS = {
    "enterprise": "org_code_registry",
    "licence": "quality_inspection",
    "product": "quality_inspection",
    "special_equipment": "special_equipment",
    "measuring_instrument": "metrology",
    "operator": "special_equipment",
    "sampling_inspection": "quality_inspection",
    "rectification_notice": "enforcement_inspection",
    "enforcement_case": "enforcement_inspection",
    "complaint": "public_complaint",
    "designation": "quality_inspection",
    "correction": "special_equipment",
    "credit_repair": "enforcement_inspection",
}


def data_for(kind: str, uscc: str = USCC_A) -> dict[str, Any]:
    """Minimal valid `data` of a kind (required fields only)."""
    data: dict[str, dict[str, Any]] = {
        "enterprise": {
            "uscc": uscc,
            "org_code": uscc[8:17],
            "name": "宝鸡钛业示例有限公司",
            "district": "渭滨区",
            "industry": "有色金属(钛及钛合金)",
        },
        "licence": {
            "uscc": uscc,
            "licence_no": "XK05-001-00001",
            "kind": "工业产品生产许可证",
            "issued_on": "2024-01-15",
            "expires_on": "2029-01-14",
        },
        "product": {"uscc": uscc, "name": "钛合金棒材"},
        "special_equipment": {
            "uscc": uscc,
            "registration_no": "起17陕C0123",
            "kind": "crane",
            "next_inspection_due": "2027-03-01",
        },
        "measuring_instrument": {
            "uscc": uscc,
            "instrument_no": "JL-0001",
            "name": "电子台秤",
            "mandatory_verification": True,
        },
        "operator": {
            "uscc": uscc,
            "name": "王小明",
            "certificate_no": "TS-0001",
            "category": "起重机司机",
            "certificate_expires_on": "2027-05-01",
        },
        "sampling_inspection": {
            "uscc": uscc,
            "product_name": "钛合金棒材",
            "sampled_on": "2026-06-01",
            "result": "pass",
            "failed_items": [],
        },
        "rectification_notice": {
            "uscc": uscc,
            "notice_no": "宝质监责改〔2026〕1号",
            "issued_on": "2026-09-01",
            "items": [{"description": "产品标签不全", "rectified": False}],
        },
        "enforcement_case": {
            "uscc": uscc,
            "case_no": "宝质监案〔2026〕1号",
            "opened_on": "2026-08-01",
            "violation": "生产不合格产品",
        },
        "complaint": {
            "uscc": uscc,
            "channel": "public_complaint",
            "received_on": "2026-07-01",
            "summary": "电梯运行异响",
        },
        "designation": {
            "uscc": uscc,
            "list": "bad_records",
            "title": "特种设备逾期未检",
            "reason": "起重机械超期未检验",
            "starts_on": "2026-10-01",
        },
        "correction": {
            "uscc": uscc,
            "target": {
                "kind": "special_equipment",
                "system": "special_equipment",
                "record_id": "SE-0001",
            },
            "corrected_on": "2026-10-05",
        },
        "credit_repair": {
            "uscc": uscc,
            "target": {"system": "quality_inspection", "record_id": "designation-1"},
            "applied_on": "2026-10-05",
            "approved": False,
        },
    }
    return data[kind]


def record(
    kind: str,
    uscc: str = USCC_A,
    /,
    *,
    record_id: str | None = None,
    system: str | None = None,
    version: Any = 1,
    vetting: dict[str, Any] | None = VETTING,
    published_on: str | None = "2026-10-02",
    withdrawn: Any = False,
    **data: Any,
) -> dict[str, Any]:
    """A valid envelope of `kind` about `uscc`; other keyword arguments override `data` fields
    (`uscc=` too, without changing the record id)."""
    return {
        "kind": kind,
        "source": {
            "system": system or SYSTEMS[kind],
            "record_id": record_id or f"{kind}-{uscc}",
            "version": version,
        },
        "vetting": vetting,
        "published_on": published_on,
        "withdrawn": withdrawn,
        "data": {**data_for(kind, uscc), **data},
    }


def line(value: dict[str, Any] | str) -> str:
    """One JSON line; a string is taken as the raw line itself."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def write_jsonl(path: Path, records: Iterable[dict[str, Any] | str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(line(r) + "\n" for r in records), encoding="utf-8")
    return path
