"""The record models of the ingest format: what they accept, what they reject and why."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, get_args

import jsonschema
import pytest

from ingest.parsing import RecordError, canonical_hash, parse_record
from ingest.records import (
    DATA_MODELS,
    SCHEMA_DIR,
    Channel,
    Kind,
    SystemName,
    json_schemas,
    schema_text,
    write_json_schemas,
)
from portal.domain import COMPLAINT_CHANNELS, SourceSystem
from portal.storage.models import RECORD_TABLES, RULE_COLUMNS

from .helpers import USCC_A, line, record

KINDS = list(DATA_MODELS)
# Columns the loader sets from the envelope, not from `data`.
PROVENANCE_COLUMNS = {
    "source_system", "source_record_id", "source_version", "approved_by", "approved_at",
    "published_on", "withdrawn", "content_hash", "ingested_at",
}  # fmt: skip


def _reason(value: dict[str, Any] | str) -> str:
    with pytest.raises(RecordError) as caught:
        parse_record(line(value))
    return caught.value.reason


def test_kinds_systems_and_channels_match_the_domain() -> None:
    assert list(get_args(Kind)) == KINDS == list(RECORD_TABLES)
    assert set(get_args(SystemName)) == {s.value for s in SourceSystem} - {"credit_rules"}
    assert set(get_args(Channel)) == {c.value for c in COMPLAINT_CHANNELS}


@pytest.mark.parametrize("kind", KINDS)
def test_a_minimal_record_of_each_kind_parses(kind: str) -> None:
    parsed = parse_record(line(record(kind)))
    assert parsed.kind == kind
    assert parsed.key == (kind, record(kind)["source"]["system"], f"{kind}-{USCC_A}")
    assert parsed.data.uscc == USCC_A
    assert parsed.envelope.vetting is not None
    assert parsed.envelope.vetting.approved_at == datetime(2026, 10, 1, 1, 30, tzinfo=UTC)
    assert parsed.envelope.published_on == date(2026, 10, 2)


@pytest.mark.parametrize("kind", KINDS)
def test_columns_are_exactly_the_tables_columns(kind: str) -> None:
    table = RECORD_TABLES[kind].__table__  # type: ignore[attr-defined]
    expected = {c.name for c in table.columns} - {"id"} - PROVENANCE_COLUMNS - RULE_COLUMNS
    assert set(parse_record(line(record(kind))).data.columns()) == expected


def test_absent_optional_fields_take_the_columns_defaults() -> None:
    enterprise = parse_record(line(record("enterprise"))).data.columns()
    assert enterprise["former_names"] == [] and enterprise["scale"] is None
    notice = parse_record(line(record("rectification_notice", refused=None))).data.columns()
    assert (notice["refused"], notice["serious"]) == (False, False)
    designation = parse_record(line(record("designation"))).data.columns()
    assert designation["list_name"] == "bad_records"
    assert (designation["products"], designation["health_or_safety_risk"]) == ([], False)
    complaint = parse_record(line(record("complaint"))).data.columns()
    assert complaint["substantiated"] is None  # unknown stays unknown


def test_rectification_deadline_defaults_to_thirty_days() -> None:
    parsed = parse_record(line(record("rectification_notice", issued_on="2026-09-01")))
    assert parsed.data.columns()["deadline"] == date(2026, 10, 1)
    shorter = parse_record(line(record("rectification_notice")), rectification_days=15)
    assert shorter.data.columns()["deadline"] == date(2026, 9, 16)
    given = parse_record(line(record("rectification_notice", deadline="2026-09-10")))
    assert given.data.columns()["deadline"] == date(2026, 9, 10)


def test_strings_are_stripped() -> None:
    parsed = parse_record(line(record("product", name="  钛合金棒材 ")))
    assert parsed.data.columns()["name"] == "钛合金棒材"


_WRONG_CHECK = USCC_A[:17] + ("0" if USCC_A[17] != "0" else "1")
_OTHER_ORG = "MA6X00024"  # valid organisation code, but not the one in USCC_A


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (record("licence", uscc=_WRONG_CHECK), "data.uscc: 统一社会信用代码校验码错误"),
        (record("product", uscc=USCC_A.lower()), "data.uscc: 统一社会信用代码应写作18位大写"),
        (record("product", uscc=USCC_A[:17]), "data.uscc: 统一社会信用代码应为18位,实为17位"),
        (record("enterprise", org_code=_OTHER_ORG), "data.org_code: 组织机构代码“MA6X00024”与"),
        (record("enterprise", org_code="MA6X00017"), "data.org_code: 组织机构代码校验码错误"),
        (record("enterprise", district="西安市"), "data.district: 区县“西安市”不是宝鸡市"),
        (record("enterprise", scale="huge"), 'data.scale: 取值不在允许范围内,实为 "huge"'),
        (record("enterprise", name="   "), "data.name: 不能为空"),
        (record("enterprise", name="厂" * 201), "data.name: 过长"),
        (record("enterprise", colour="red"), "data.colour: 未知字段(Extra inputs"),
        (record("designation", list_name="blacklist"), "data.list_name: 未知字段"),
        (record("licence", expires_on="2020-01-01"), "data.expires_on: 2020-01-01 早于 issued_on"),
        (record("licence", issued_on="2026-02-30"), "data.issued_on: 日期应写作 YYYY-MM-DD"),
        (record("licence", issued_on=20260101), "data.issued_on: 日期应写作 YYYY-MM-DD"),
        (record("licence", issued_on=None), "data.issued_on: 日期应写作"),
        (
            record(
                "special_equipment",
                last_inspected_on="2026-04-01",
                next_inspection_due="2026-03-01",
            ),
            "data.next_inspection_due: 2026-03-01 早于 last_inspected_on",
        ),
        (record("special_equipment", kind="rocket"), "data.kind: 取值不在允许范围内"),
        (record("measuring_instrument", mandatory_verification="true"), "应为布尔值"),
        (record("sampling_inspection", result="fail"), "data.failed_items: 抽查不合格时应列出"),
        (
            record("sampling_inspection", failed_items=["重量偏差"]),
            "data.failed_items: 抽查合格时不应有不合格项目",
        ),
        (record("rectification_notice", items=[]), "data.items: 不能为空"),
        (
            record("rectification_notice", items=[{"description": "标签"}]),
            "data.items.0.rectified: 缺少必填字段",
        ),
        (record("rectification_notice", deadline="2026-08-01"), "data.deadline: 2026-08-01 早于"),
        (record("enforcement_case", closed_on="2026-01-01"), "data.closed_on: 2026-01-01 早于"),
        (record("complaint", channel="wechat"), "data.channel: 取值不在允许范围内"),
        (record("designation", ends_on="2026-01-01"), "data.ends_on: 2026-01-01 早于 starts_on"),
        (record("operator", certificate_no=None), "data.certificate_no: 应为字符串"),
        (record("product", version=0), "source.version: 数值过小"),
        (record("product", version="2"), "source.version: 应为整数"),
        (record("product", system="credit_rules"), "source.system: 取值不在允许范围内"),
        (record("product", record_id="x" * 101), "source.record_id: 过长"),
        (record("product", withdrawn="false"), "withdrawn: 应为布尔值"),
        (
            record("product", vetting={"approved_by": "李明", "approved_at": "2026-10-01T09:30"}),
            "vetting.approved_at: 时间须带时区",
        ),
        ({**record("product"), "note": 1}, "note: 未知字段"),
        ({k: v for k, v in record("product").items() if k != "vetting"}, "vetting: 缺少必填字段"),
        ({k: v for k, v in record("product").items() if k != "data"}, "data: 缺少必填字段"),
        ({**record("product"), "kind": "licence"}, "data.licence_no: 缺少必填字段"),
    ],
)
def test_invalid_records_are_rejected_with_a_readable_reason(
    value: dict[str, Any], expected: str
) -> None:
    assert expected in _reason(value)


def test_every_error_of_a_record_is_reported() -> None:
    reason = _reason(record("enterprise", uscc=_WRONG_CHECK, district="西安市", extra=1))
    assert reason.count("; ") == 2
    assert "data.uscc" in reason and "data.district" in reason and "data.extra" in reason


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('{"kind": "product", ', "不是合法的 JSON(invalid JSON"),
        ("[1, 2]", "不是 JSON 对象(not a JSON object but list)"),
        ('"enterprise"', "不是 JSON 对象"),
        ('{"kind": "factory"}', 'kind: 未知的记录类型 "factory"(unknown kind'),
        ('{"kind": 7}', "kind: 未知的记录类型 7"),
        ('{"source": {}}', "kind: 缺少记录类型"),
    ],
)
def test_lines_that_are_no_record(raw: str, expected: str) -> None:
    assert _reason(raw).startswith(expected)


def test_a_rejected_record_keeps_its_readable_identity() -> None:
    with pytest.raises(RecordError) as caught:
        parse_record(line(record("licence", record_id="L-1", uscc=_WRONG_CHECK)))
    assert (caught.value.kind, caught.value.system, caught.value.record_id) == (
        "licence",
        "quality_inspection",
        "L-1",
    )
    with pytest.raises(RecordError) as unknown:
        parse_record(line({**record("licence"), "kind": "factory"}))
    assert unknown.value.kind == "factory" and unknown.value.record_id == f"licence-{USCC_A}"


def test_content_hash_ignores_layout_but_not_content() -> None:
    value = record("licence")
    compact = json.dumps(value, ensure_ascii=True, separators=(",", ":"))
    reordered = json.dumps(dict(reversed(list(value.items()))), ensure_ascii=False, indent=1)
    hashes = {parse_record(raw).content_hash for raw in (line(value), compact, reordered)}
    assert hashes == {canonical_hash(value)}
    assert parse_record(line(record("licence", scope="钛材"))).content_hash not in hashes
    assert parse_record(line(record("licence", withdrawn=True))).content_hash not in hashes


def test_the_committed_schemas_are_the_generated_ones() -> None:
    generated = json_schemas()
    assert set(generated) == {"envelope.schema.json"} | {f"{k}.schema.json" for k in KINDS}
    for name, schema in generated.items():
        committed = (SCHEMA_DIR / name).read_text(encoding="utf-8")
        assert committed == schema_text(schema), f"{name} is stale: run write_json_schemas()"
    assert {p.name for p in SCHEMA_DIR.glob("*.json")} == set(generated)


def test_write_json_schemas(tmp_path: Path) -> None:
    written = write_json_schemas(tmp_path / "schemas")
    assert len(written) == len(KINDS) + 1
    enterprise = json.loads((tmp_path / "schemas" / "enterprise.schema.json").read_text("utf-8"))
    assert enterprise["additionalProperties"] is False
    assert "渭滨区" in enterprise["properties"]["district"]["enum"]
    assert (
        "list"
        in json.loads((tmp_path / "schemas" / "designation.schema.json").read_text())["properties"]
    )


@pytest.mark.parametrize("kind", KINDS)
def test_valid_records_satisfy_the_json_schemas(kind: str) -> None:
    schemas = json_schemas()
    value = record(kind)
    jsonschema.validate(value, schemas["envelope.schema.json"])
    jsonschema.validate(value["data"], schemas[f"{kind}.schema.json"])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**value["data"], "unknown": 1}, schemas[f"{kind}.schema.json"])
