"""Values at the limits of their columns: what PostgreSQL enforces and SQLite does not (string
lengths, 32-bit integers, NUL characters) is checked by validation, so a bad value is quarantined
with a readable reason instead of failing its whole batch in the database."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import String, Text, select
from sqlalchemy.orm import Session, sessionmaker

from ingest import ingest_paths
from ingest.records import DATA_MODELS, MAX_VERSION
from portal.codes import make_uscc
from portal.storage.models import RECORD_TABLES, Enterprise, QuarantinedRecord

from .helpers import USCC_A, record, write_jsonl

Factory = sessionmaker[Session]


def _string_limits(kind: str) -> list[tuple[str, int, bool]]:
    """(field, maxLength, is a list of strings) of each length-limited string of a kind."""
    limits = []
    for name, prop in DATA_MODELS[kind].model_json_schema()["properties"].items():
        for variant in prop.get("anyOf", [prop]):
            if "maxLength" in variant:
                limits.append((name, variant["maxLength"], False))
            elif "maxLength" in variant.get("items", {}):
                limits.append((name, variant["items"]["maxLength"], True))
    return limits


LIMITED = [(kind, *limit) for kind in DATA_MODELS for limit in _string_limits(kind)]


def _value(length: int, as_list: bool) -> Any:
    text = "钛" * length
    return [text] if as_list else text


def test_every_limited_field_is_known() -> None:
    assert ("enterprise", "name", 200, False) in LIMITED
    assert ("designation", "products", 200, True) in LIMITED
    assert len(LIMITED) >= 25


@pytest.mark.parametrize("kind", sorted(DATA_MODELS))
def test_no_valid_value_is_longer_than_its_column(kind: str) -> None:
    columns = RECORD_TABLES[kind].__table__.columns  # type: ignore[attr-defined]
    renamed = DATA_MODELS[kind].renamed
    for field, max_length, as_list in _string_limits(kind):
        if as_list:
            continue  # stored as JSON
        column = columns[renamed.get(field, field)]
        if isinstance(column.type, Text):
            continue  # a TEXT column holds any length: the limit is the format's own
        assert isinstance(column.type, String) and column.type.length, field
        assert max_length <= column.type.length, (kind, field)


def test_values_as_long_as_their_columns_load_and_longer_ones_are_quarantined(
    tmp_path: Path, session_factory: Factory
) -> None:
    lines: list[dict[str, Any]] = [record("enterprise")]
    too_long: dict[int, str] = {}  # line number: field
    for n, (kind, field, max_length, as_list) in enumerate(LIMITED):
        for length in (max_length, max_length + 1):
            uscc = make_uscc("91", "610303", f"MA6L{n:03d}{length % 2}")
            if kind == "enterprise":
                rec = record(kind, uscc, **{field: _value(length, as_list)})
            else:
                rec = record(kind, record_id=f"{kind}-{field}-{length}")
                rec["data"][field] = _value(length, as_list)
                if field == "failed_items":
                    rec["data"]["result"] = "fail"  # failed items belong to a failed inspection
            lines.append(rec)
            if length > max_length:
                too_long[len(lines)] = f"data.{field}{'.0' if as_list else ''}: 过长"
    summary = ingest_paths([write_jsonl(tmp_path / "limits.jsonl", lines)], session_factory)

    assert summary.quarantined == len(too_long)
    assert summary.loaded == len(lines) - len(too_long)
    with session_factory() as session:
        reasons = {q.line: q.reason for q in session.scalars(select(QuarantinedRecord))}
    assert sorted(reasons) == sorted(too_long)
    for line_no, expected in too_long.items():
        assert reasons[line_no].startswith(expected), reasons[line_no]


def _nul_in(rec: dict[str, Any], *path: str) -> dict[str, Any]:
    rec = copy.deepcopy(rec)  # `record` shares its `vetting`
    target = rec
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = "宝鸡\x00钛业" if path[-1] != "former_names" else ["旧\x00名"]
    return rec


NUL_CASES = [
    (("data", "name"), "data.name: 不能包含 NUL 字符"),
    (("data", "former_names"), "data.former_names.0: 不能包含 NUL 字符"),
    (("data", "address"), "data.address: 不能包含 NUL 字符"),
    (("source", "record_id"), "source.record_id: 不能包含 NUL 字符"),
    (("vetting", "approved_by"), "vetting.approved_by: 不能包含 NUL 字符"),
    (("data", "district"), "data.district: 区县“宝鸡\\x00钛业”不是宝鸡市的区县之一"),
]


def test_nul_characters_are_quarantined_with_a_reason(
    tmp_path: Path, session_factory: Factory
) -> None:
    lines = [_nul_in(record("enterprise"), *path) for path, _ in NUL_CASES]
    # `json.dumps` writes NUL as the escape \u0000, the only way JSON can hold one.
    path = write_jsonl(tmp_path / "nul.jsonl", lines)
    assert "\\u0000" in path.read_text(encoding="utf-8")
    summary = ingest_paths([path], session_factory)
    assert (summary.loaded, summary.quarantined) == (0, len(NUL_CASES))
    with session_factory() as session:
        stored = {q.line: q for q in session.scalars(select(QuarantinedRecord))}
    for line_no, (_, reason) in enumerate(NUL_CASES, start=1):
        assert stored[line_no].reason.startswith(reason), stored[line_no].reason
        assert "\x00" not in stored[line_no].reason
    # The identity is kept as far as it is readable, with the NUL shown as \x00.
    assert stored[4].source_record_id == "宝鸡\\x00钛业"


@pytest.mark.parametrize(
    ("version", "loaded"), [(MAX_VERSION, True), (MAX_VERSION + 1, False), (2**70, False)]
)
def test_versions_fit_a_32_bit_column(
    tmp_path: Path, session_factory: Factory, version: int, loaded: bool
) -> None:
    path = write_jsonl(tmp_path / "v.jsonl", [record("enterprise", version=version)])
    summary = ingest_paths([path], session_factory)
    assert (summary.loaded, summary.quarantined) == (int(loaded), int(not loaded))
    with session_factory() as session:
        if loaded:
            assert session.scalars(select(Enterprise.source_version)).one() == version
        else:
            reason = session.scalars(select(QuarantinedRecord.reason)).one()
            assert reason.startswith("source.version: 数值过大"), reason


def test_unpaired_surrogates_are_quarantined(tmp_path: Path, session_factory: Factory) -> None:
    """JSON may spell half a UTF-16 pair (\\ud800), which no UTF-8 database can store."""
    good = json.dumps(record("enterprise"), ensure_ascii=False)
    lines = [
        good.replace("宝鸡钛业示例有限公司", "\\ud800"),
        good.replace(f'"enterprise-{USCC_A}"', '"E\\udc80"'),
    ]
    summary = ingest_paths([write_jsonl(tmp_path / "s.jsonl", lines)], session_factory)
    assert (summary.loaded, summary.quarantined) == (0, 2)
