"""Loading ingest files: counts, quarantine, versions, idempotence, order independence."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Generator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ingest import IngestSummary, ingest_paths, loader
from ingest.reader import expand_paths, iter_lines, read_lines
from portal.storage.models import (
    RECORD_TABLES,
    Designation,
    Enterprise,
    Licence,
    QuarantinedRecord,
    RectificationItem,
    RectificationNotice,
)

from .helpers import USCC_A, USCC_B, USCC_C, line, record, write_jsonl

Factory = sessionmaker[Session]
KINDS = list(RECORD_TABLES)


def ingest(factory: Factory, *paths: Path, **options: Any) -> IngestSummary:
    """Ingest, and check the invariants every run must keep."""
    summary = ingest_paths(list(paths), factory, **options)
    assert summary.loaded + summary.unchanged + summary.quarantined == summary.read
    assert 0 <= summary.stale <= summary.unchanged
    assert sum(summary.by_kind.values()) == summary.loaded
    return summary


def row_counts(factory: Factory) -> dict[str, int]:
    tables: list[type[Any]] = [*RECORD_TABLES.values(), RectificationItem, QuarantinedRecord]
    with factory() as session:
        return {
            table.__name__: session.scalar(select(func.count()).select_from(table)) or 0
            for table in tables
        }


def quarantine(factory: Factory) -> dict[int, QuarantinedRecord]:
    with factory() as session:
        return {q.line: q for q in session.scalars(select(QuarantinedRecord))}


def one(factory: Factory, table: type[Any], **where: Any) -> Any:
    with factory() as session:
        return session.scalars(select(table).filter_by(**where)).one()


def every_kind(uscc: str = USCC_A) -> list[dict[str, Any]]:
    return [record(kind, uscc) for kind in KINDS]


def test_loads_a_record_of_every_kind(tmp_path: Path, session_factory: Factory) -> None:
    summary = ingest(session_factory, write_jsonl(tmp_path / "all.jsonl", every_kind()))
    n = len(KINDS)
    assert (summary.read, summary.loaded, summary.unchanged, summary.quarantined) == (n, n, 0, 0)
    assert summary.by_kind == dict.fromkeys(KINDS, 1)
    assert summary.affected_usccs == {USCC_A}
    assert set(row_counts(session_factory).values()) == {1, 0}  # one row each, no quarantine

    enterprise = one(session_factory, Enterprise, uscc=USCC_A)
    assert (enterprise.org_code, enterprise.district, enterprise.former_names) == (
        USCC_A[8:17],
        "渭滨区",
        [],
    )
    assert (enterprise.source_system, enterprise.source_version) == ("org_code_registry", 1)
    assert enterprise.approved_by == "李明"
    # 09:30 at +08:00, stored in UTC.
    assert enterprise.approved_at.replace(tzinfo=None) == datetime(2026, 10, 1, 1, 30)
    assert enterprise.published_on == date(2026, 10, 2) and enterprise.withdrawn is False
    assert len(enterprise.content_hash) == 64

    licence = one(session_factory, Licence, enterprise_uscc=USCC_A)
    assert (licence.licence_no, licence.expires_on) == ("XK05-001-00001", date(2029, 1, 14))
    notice = one(session_factory, RectificationNotice, enterprise_uscc=USCC_A)
    assert notice.deadline == date(2026, 10, 1)  # issued 2026-09-01, plus 30 days
    assert [(i.seq, i.description, i.rectified) for i in notice.items] == [
        (1, "产品标签不全", False)
    ]
    assert one(session_factory, Designation, enterprise_uscc=USCC_A).list_name == "bad_records"


def test_records_may_come_before_their_enterprise(tmp_path: Path, session_factory: Factory) -> None:
    lines = [*every_kind(USCC_B)[1:], record("enterprise", USCC_B)]  # enterprise last
    write_jsonl(tmp_path / "batch" / "a-records.jsonl", lines[:5])
    write_jsonl(tmp_path / "batch" / "b-more.jsonl", lines[5:-1])
    write_jsonl(tmp_path / "batch" / "c-enterprises.jsonl", lines[-1:])
    summary = ingest(session_factory, tmp_path / "batch", batch_size=3)
    assert (summary.read, summary.loaded, summary.quarantined) == (len(KINDS), len(KINDS), 0)


def test_an_enterprise_spelt_with_escapes_is_still_loaded_first(
    tmp_path: Path, session_factory: Factory
) -> None:
    escaped = line(record("enterprise")).replace('"enterprise"', '"\\u0065nterprise"', 1)
    assert '"kind": "\\u0065nterprise"' in escaped
    path = write_jsonl(tmp_path / "escaped.jsonl", [record("licence"), escaped])
    summary = ingest(session_factory, path)
    assert (summary.loaded, summary.quarantined) == (2, 0)


def test_a_record_may_name_an_enterprise_loaded_before(
    tmp_path: Path, session_factory: Factory
) -> None:
    ingest(session_factory, write_jsonl(tmp_path / "e.jsonl", [record("enterprise", USCC_C)]))
    summary = ingest(
        session_factory, write_jsonl(tmp_path / "l.jsonl", [record("licence", USCC_C)])
    )
    assert (summary.loaded, summary.quarantined) == (1, 0)


def _bad_lines() -> list[tuple[dict[str, Any] | str, str, str | None]]:
    """(line, expected reason, expected kind) of each kind of bad input; lines 3 onwards."""
    wrong_check = USCC_A[:17] + ("0" if USCC_A[17] != "0" else "1")
    return [
        ('{"kind": "licence", "source": ', "不是合法的 JSON(invalid JSON", None),
        ('["enterprise"]', "不是 JSON 对象(not a JSON object", None),
        (record("licence", uscc=wrong_check), "data.uscc: 统一社会信用代码校验码错误", "licence"),
        (
            record("enterprise", USCC_C, org_code=USCC_A[8:17]),
            "data.org_code: 组织机构代码“MA6X00016”与统一社会信用代码第9至17位",
            "enterprise",
        ),
        ({**record("product"), "kind": "factory"}, 'kind: 未知的记录类型 "factory"', "factory"),
        (record("product", colour="red"), "data.colour: 未知字段", "product"),
        (
            record("complaint", received_on="2026-02-30"),
            "data.received_on: 日期应写作",
            "complaint",
        ),
        (
            record("operator", USCC_C),  # USCC_C's enterprise was quarantined above
            f"data.uscc: 未知企业:统一社会信用代码“{USCC_C}”既未入库也不在本批数据中",
            "operator",
        ),
        (
            record("licence", kind="食品生产许可证"),  # same id and version as line 2
            "source.version: 版本冲突",
            "licence",
        ),
        (
            record("enterprise", USCC_A, record_id="ENT-DUP"),
            "已由另一条企业记录 org_code_registry/enterprise-",
            "enterprise",
        ),
    ]


def _write_bad_file(path: Path) -> Path:
    lines = [record("enterprise"), record("licence"), *(bad for bad, _, _ in _bad_lines())]
    return write_jsonl(path, lines)


def test_bad_lines_are_quarantined_with_their_reasons(
    tmp_path: Path, session_factory: Factory, caplog: pytest.LogCaptureFixture
) -> None:
    path = _write_bad_file(tmp_path / "bad.jsonl")
    with caplog.at_level(logging.INFO, logger="ingest"):
        summary = ingest(session_factory, path)
    bad = _bad_lines()
    assert (summary.read, summary.loaded, summary.quarantined) == (2 + len(bad), 2, len(bad))
    assert summary.by_kind == {"enterprise": 1, "licence": 1}

    stored = quarantine(session_factory)
    assert sorted(stored) == list(range(3, 3 + len(bad)))
    raw_lines = path.read_text(encoding="utf-8").splitlines()
    for line_no, (_, reason, kind) in enumerate(bad, start=3):
        entry = stored[line_no]
        assert reason in entry.reason, (line_no, entry.reason)
        assert (entry.file, entry.kind) == (str(path), kind)
        assert entry.raw == raw_lines[line_no - 1]
        assert entry.raw_hash == hashlib.sha256(entry.raw.encode("utf-8")).hexdigest()
    assert (stored[5].source_system, stored[5].source_record_id) == (
        "quality_inspection",
        f"licence-{USCC_A}",
    )
    assert stored[3].source_system is None and stored[3].kind is None

    warnings = [r for r in caplog.records if r.getMessage() == "ingest.quarantined"]
    assert len(warnings) == len(bad) and all(r.levelno == logging.WARNING for r in warnings)
    assert {getattr(r, "line") for r in warnings} == set(stored)  # noqa: B009
    done = [r for r in caplog.records if r.getMessage() == "ingest.done"]
    assert getattr(done[0], "quarantined") == len(bad)  # noqa: B009


def test_a_bad_line_loaded_twice_is_stored_once(tmp_path: Path, session_factory: Factory) -> None:
    path = _write_bad_file(tmp_path / "bad.jsonl")
    first = ingest(session_factory, path)
    counts = row_counts(session_factory)
    copy = write_jsonl(tmp_path / "copy.jsonl", path.read_text("utf-8").splitlines())
    second = ingest(session_factory, path, copy)
    assert second.quarantined == 2 * first.quarantined  # counted again each time it is read
    assert second.loaded == 0 and second.unchanged == 4
    assert row_counts(session_factory) == counts  # but kept once
    assert {q.file for q in quarantine(session_factory).values()} == {str(path)}


def test_lines_that_are_not_utf8_are_quarantined(tmp_path: Path, session_factory: Factory) -> None:
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(line(record("enterprise")).encode() + b"\n" + b'{"name": "caf\xe9"}\n')
    summary = ingest(session_factory, path)
    assert (summary.loaded, summary.quarantined) == (1, 1)
    entry = quarantine(session_factory)[2]
    assert "not valid UTF-8" in entry.reason
    assert entry.raw == '{"name": "caf\\xe9"}'
    assert entry.raw_hash == hashlib.sha256(b'{"name": "caf\xe9"}').hexdigest()


def test_loading_the_same_file_twice_changes_nothing(
    tmp_path: Path, session_factory: Factory
) -> None:
    path = write_jsonl(tmp_path / "all.jsonl", [*every_kind(USCC_A), *every_kind(USCC_B)])
    first = ingest(session_factory, path, batch_size=5)
    counts = row_counts(session_factory)
    stamp = one(session_factory, Enterprise, uscc=USCC_A).ingested_at
    second = ingest(session_factory, path, batch_size=5)
    n = 2 * len(KINDS)
    assert (first.read, first.loaded) == (n, n)
    assert (second.read, second.loaded, second.unchanged, second.stale) == (n, 0, n, 0)
    assert second.affected_usccs == set() and second.by_kind == {}
    assert row_counts(session_factory) == counts
    assert one(session_factory, Enterprise, uscc=USCC_A).ingested_at == stamp


def test_a_newer_version_replaces_the_stored_one(tmp_path: Path, session_factory: Factory) -> None:
    items = [
        {"description": "标签不全", "rectified": False},
        {"description": "超期", "rectified": False},
    ]
    first = [
        record("enterprise", USCC_A),
        record("enterprise", USCC_B),
        record("rectification_notice", record_id="N-1", items=items),
        record("licence", record_id="L-1"),
    ]
    ingest(session_factory, write_jsonl(tmp_path / "v1.jsonl", first))
    notice_id = one(session_factory, RectificationNotice, source_record_id="N-1").id
    newer = [
        record(
            "rectification_notice",
            version=2,
            record_id="N-1",
            rectified_on="2026-09-20",
            items=[{"description": "标签不全", "rectified": True}],
        ),
        record("licence", USCC_B, record_id="L-1", version=2),  # now names enterprise B
    ]
    summary = ingest(session_factory, write_jsonl(tmp_path / "v2.jsonl", newer))
    assert (summary.loaded, summary.unchanged) == (2, 0)
    assert summary.affected_usccs == {USCC_A, USCC_B}

    notice = one(session_factory, RectificationNotice, source_record_id="N-1")
    assert (notice.id, notice.source_version, notice.rectified_on) == (
        notice_id,
        2,
        date(2026, 9, 20),
    )
    assert [(i.description, i.rectified) for i in notice.items] == [("标签不全", True)]
    assert row_counts(session_factory)["RectificationItem"] == 1  # the old items are gone
    assert one(session_factory, Licence, source_record_id="L-1").enterprise_uscc == USCC_B


def test_an_older_version_is_ignored(tmp_path: Path, session_factory: Factory) -> None:
    enterprise = record("enterprise")
    newer = record("product", version=3, name="钛合金板材")
    ingest(session_factory, write_jsonl(tmp_path / "v3.jsonl", [enterprise, newer]))
    older = record("product", version=2, name="钛合金棒材")
    summary = ingest(session_factory, write_jsonl(tmp_path / "v2.jsonl", [older]))
    assert (summary.read, summary.loaded, summary.unchanged, summary.stale) == (1, 0, 1, 1)
    assert summary.affected_usccs == set()
    stored = one(session_factory, RECORD_TABLES["product"], enterprise_uscc=USCC_A)
    assert (stored.source_version, stored.name) == (3, "钛合金板材")


@pytest.mark.parametrize("batch_size", [1, 1000])
def test_versions_within_one_file(
    tmp_path: Path, session_factory: Factory, batch_size: int
) -> None:
    lines = [
        record("enterprise"),
        record("product", version=1, name="一"),
        record("product", version=2, name="二"),
        record("product", version=1, name="一"),  # stale by now
        record("product", version=2, name="二"),  # the same again: unchanged
    ]
    path = write_jsonl(tmp_path / "versions.jsonl", lines)
    summary = ingest(session_factory, path, batch_size=batch_size)
    assert (summary.loaded, summary.unchanged, summary.stale, summary.quarantined) == (3, 2, 1, 0)
    assert one(session_factory, RECORD_TABLES["product"], enterprise_uscc=USCC_A).name == "二"
    assert row_counts(session_factory)["Product"] == 1


def test_withdrawn_and_unvetted_records_are_stored(
    tmp_path: Path, session_factory: Factory
) -> None:
    lines = [
        record("enterprise"),
        record("licence", record_id="L-withdrawn", withdrawn=True),
        record("licence", record_id="L-unvetted", vetting=None, published_on=None),
    ]
    summary = ingest(session_factory, write_jsonl(tmp_path / "flags.jsonl", lines))
    assert summary.loaded == 3
    withdrawn = one(session_factory, Licence, source_record_id="L-withdrawn")
    assert withdrawn.withdrawn is True and withdrawn.approved_at is not None
    unvetted = one(session_factory, Licence, source_record_id="L-unvetted")
    assert (unvetted.approved_at, unvetted.approved_by, unvetted.withdrawn) == (None, None, False)
    today = date(2026, 11, 24)
    with session_factory() as session:
        public = session.scalars(select(Licence.source_record_id).where(Licence.is_public(today)))
        assert list(public) == []


def test_a_newer_version_may_withdraw_a_record(tmp_path: Path, session_factory: Factory) -> None:
    ingest(session_factory, write_jsonl(tmp_path / "1.jsonl", [record("enterprise")]))
    summary = ingest(
        session_factory,
        write_jsonl(tmp_path / "2.jsonl", [record("enterprise", version=2, withdrawn=True)]),
    )
    assert (summary.loaded, summary.affected_usccs) == (1, {USCC_A})
    assert one(session_factory, Enterprise, uscc=USCC_A).withdrawn is True


def test_a_newer_version_may_not_change_the_uscc(tmp_path: Path, session_factory: Factory) -> None:
    ingest(session_factory, write_jsonl(tmp_path / "1.jsonl", [record("enterprise")]))
    moved = record("enterprise", USCC_B, record_id=f"enterprise-{USCC_A}", version=2)
    summary = ingest(session_factory, write_jsonl(tmp_path / "2.jsonl", [moved]))
    assert summary.quarantined == 1
    assert "新版本不得更改统一社会信用代码" in quarantine(session_factory)[1].reason
    assert one(session_factory, Enterprise, uscc=USCC_A).source_version == 1


def test_progress_reports_each_batch(tmp_path: Path, session_factory: Factory) -> None:
    path = write_jsonl(tmp_path / "all.jsonl", [*every_kind(), "not json"])
    steps: list[int] = []
    summary = ingest(session_factory, path, batch_size=4, progress=steps.append)
    # Pass 1: the enterprise; pass 2: the other lines (one per other kind, and the bad line) in
    # batches of 4.
    rest = len(KINDS)
    assert steps == [1, *[4] * (rest // 4), *([rest % 4] if rest % 4 else [])]
    assert sum(steps) == summary.read == len(KINDS) + 1


def test_a_missing_path_fails_before_loading(tmp_path: Path, session_factory: Factory) -> None:
    path = write_jsonl(tmp_path / "all.jsonl", every_kind())
    with pytest.raises(FileNotFoundError, match="找不到"):
        ingest_paths([path, tmp_path / "nowhere.jsonl"], session_factory)
    assert row_counts(session_factory)["Enterprise"] == 0


def test_batch_size_must_be_positive(tmp_path: Path, session_factory: Factory) -> None:
    with pytest.raises(ValueError, match="batch_size"):
        ingest_paths([tmp_path], session_factory, batch_size=0)


# --- the reader -----------------------------------------------------------------------------------


def test_folders_are_searched_for_jsonl_files(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "in" / "b.jsonl", ["{}"])
    write_jsonl(tmp_path / "in" / "sub" / "a.jsonl", ["{}"])
    (tmp_path / "in" / "notes.txt").write_text("{}")
    single = write_jsonl(tmp_path / "single.json", ["{}"])  # named explicitly: read anyway
    files = expand_paths([tmp_path / "in", single])
    assert files == [tmp_path / "in" / "b.jsonl", tmp_path / "in" / "sub" / "a.jsonl", single]


def test_lines_are_streamed_with_their_numbers(tmp_path: Path) -> None:
    path = tmp_path / "lines.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"a": 1}\r\n\n   \n{"b": 2}\n{"c": 3}')
    lines = read_lines(path)
    assert isinstance(lines, Generator)
    assert [(n, raw) for _, n, raw, _too_long in lines] == [
        (1, '{"a": 1}'),
        (4, '{"b": 2}'),
        (5, '{"c": 3}'),
    ]
    assert [raw.file for raw in iter_lines([tmp_path])] == [path] * 3


def test_a_transaction_worked_through_in_chunks_sees_its_own_writes(
    tmp_path: Path, session_factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With chunks of 2 lines and transactions of 6, later chunks must see what earlier chunks of
    the same, uncommitted transaction wrote: enterprises, rows and their versions."""
    monkeypatch.setattr(loader, "LINES_PER_CHUNK", 2)
    lines = [
        record("enterprise"),
        record("enterprise", USCC_B),
        record("enterprise", USCC_C),
        record("enterprise", USCC_A, record_id="enterprise-again"),  # a second record, same USCC
        record("product", version=1, name="一"),
        record("licence", USCC_C),
        record("product", version=2, name="二"),  # a newer version of a row of another chunk
        record("product", version=1, name="一"),  # stale by now
        record("product", USCC_B, record_id="P-B"),
    ]
    steps: list[int] = []
    path = write_jsonl(tmp_path / "chunks.jsonl", lines)
    summary = ingest(session_factory, path, batch_size=6, progress=steps.append)
    assert steps == [2, 2, 2, 2, 1]
    assert (summary.loaded, summary.unchanged, summary.stale, summary.quarantined) == (7, 1, 1, 1)
    assert "已由另一条企业记录" in quarantine(session_factory)[4].reason
    assert one(session_factory, RECORD_TABLES["product"], enterprise_uscc=USCC_A).name == "二"
    assert row_counts(session_factory)["Product"] == 2
