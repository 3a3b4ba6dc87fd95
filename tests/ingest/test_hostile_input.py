"""No line can break an ingest: hypothesis mutates every field of valid envelopes of every kind
(any JSON value, extreme numbers and dates, hostile characters, missing and extra fields, broken
bytes) and the whole pipeline (load, rules, index) must neither raise nor lose a line; and one
poison line in the middle of a large batch is quarantined while everything else loads."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from ingest import ingest_paths
from ingest.parsing import parse_record
from portal import pipeline
from portal.context import PortalContext
from portal.settings import Settings
from portal.storage.models import RECORD_TABLES, QuarantinedRecord
from tests.databases import Databases

from .helpers import USCC_A, USCC_B, record

TODAY = date(2026, 11, 24)
KINDS = list(RECORD_TABLES)

# Values that have broken or could break a reader, a database or a renderer.
HOSTILE_SCALARS = st.sampled_from(
    [
        None, True, 0, -1, 2**31, 2**63, 1e308, -0.0, "", " ", "9999-12-31", "0001-01-01",
        "2026-02-30", "10000-01-01", "2026-11-24T00:00:00", "\x07", "\x00", "\ud800", "\ufffe",
        "钛\u200b", "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "a" * 5000,
    ]
)  # fmt: skip
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
DATES = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(str)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every path into a JSON value (keys of objects, indexes of lists)."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _paths(item, (*prefix, i))


@st.composite
def hostile_lines(draw: st.DrawFn) -> str:
    """One line: a valid envelope of any kind with a few of its values replaced, removed or
    added, written as JSON, sometimes with its bytes or its numbers broken."""
    kind = draw(st.sampled_from(KINDS))
    uscc = draw(st.sampled_from([USCC_A, USCC_B]))
    rec = copy.deepcopy(record(kind, uscc, record_id=f"{kind}-{draw(st.integers(0, 3))}"))
    for _ in range(draw(st.integers(0, 3))):
        path = draw(st.sampled_from(list(_paths(rec))[1:]))
        *parents, last = path
        target: Any = rec
        for key in parents:
            target = target[key]
        action = draw(st.sampled_from(["replace", "hostile", "date", "delete"]))
        if action == "delete" and isinstance(target, dict):
            del target[last]
        else:
            value = {"replace": JSON_VALUES, "hostile": HOSTILE_SCALARS, "date": DATES}.get(
                action, HOSTILE_SCALARS
            )
            target[last] = draw(value)
    if draw(st.booleans()):
        rec.setdefault("data", {})
        if isinstance(rec["data"], dict):
            rec["data"][draw(st.text(max_size=8))] = draw(JSON_VALUES)
    text = json.dumps(rec, ensure_ascii=draw(st.booleans()))
    damage = draw(st.sampled_from(["none", "none", "digits", "bytes", "cut"]))
    if damage == "digits":
        text = text.replace('"version": ', '"version": ' + "9" * 5000, 1)
    elif damage == "cut":
        text = text[: draw(st.integers(0, len(text)))]
    elif damage == "bytes":
        at = draw(st.integers(0, len(text)))
        raw = text.encode("utf-8", errors="surrogatepass")
        return (raw[:at] + b"\xff\xc3" + raw[at:]).decode("utf-8", errors="surrogateescape")
    return text


def _write(path: Path, lines: list[str]) -> Path:
    data = b"".join(
        # A lone surrogate cannot be UTF-8: written as its three bytes, which are not UTF-8.
        line.encode("utf-8", errors="surrogatepass").replace(b"\n", b" ") + b"\n"
        for line in lines
    )
    path.write_bytes(data)
    return path


@pytest.fixture(scope="module")
def portal(
    tmp_path_factory: pytest.TempPathFactory, databases: Databases
) -> Iterator[PortalContext]:
    """One portal for every example (on the database under test, with the embedded search):
    each batch meets what earlier ones stored."""
    root = tmp_path_factory.mktemp("hostile")
    with databases.isolated() as url:
        context = PortalContext.open(Settings(data_dir=root, database_url=url, today=str(TODAY)))
        yield context
        context.close()


TRIED: list[int] = []


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(lines=st.lists(hostile_lines(), min_size=1, max_size=8))
def test_no_line_breaks_the_pipeline_or_is_lost(
    portal: PortalContext, tmp_path_factory: pytest.TempPathFactory, lines: list[str]
) -> None:
    enterprises = [json.dumps(record("enterprise", uscc)) for uscc in (USCC_A, USCC_B)]
    path = _write(tmp_path_factory.mktemp("batch") / "batch.jsonl", [*enterprises, *lines])
    done = pipeline.ingest(portal, [path])
    summary = done.summary
    TRIED.append(len(lines))
    assert (
        summary.read == sum(1 for line in lines if line.strip()) + 2
    )  # blank lines are no records
    assert summary.loaded + summary.unchanged + summary.quarantined == summary.read
    assert done.rules.failed == {}
    assert done.synced.pending == 0
    # Whatever was loaded parses again as it was stored: no refused character got through.
    with portal.session() as session:
        reasons = list(session.scalars(select(QuarantinedRecord.reason)))
    assert all(reasons)


def _poison_lines() -> dict[str, str]:
    """Lines that each broke, or could break, an ingest, with the start of their reason."""
    notice = record("rectification_notice", record_id="poison-9999", issued_on="9999-12-20")
    crane = record("special_equipment", record_id="poison-never", next_inspection_due="9999-12-31")
    bel = record("designation", record_id="poison-bel", title="特种设备\x07逾期未检")
    long = record("complaint", record_id="poison-long", summary="投诉" * 1500)
    huge = record("complaint", record_id="poison-huge", summary="投诉" * 900_000)  # 5 MB
    digits = json.dumps(record("licence", record_id="poison-digits")).replace(
        '"version": 1', '"version": ' + "9" * 5000
    )
    return {
        digits: "不是合法的 JSON",
        json.dumps(notice): "data.issued_on: 日期 9999-12-20 在未来",
        json.dumps(crane): "data.next_inspection_due: 日期 9999-12-31 晚于",
        json.dumps(bel): "data.title: 不能包含控制字符或非法字符 U+0007",
        json.dumps(long, ensure_ascii=False): "data.summary: 过长",
        json.dumps(huge, ensure_ascii=False): "一行超过 1048576 字节",
        json.dumps(record("product", record_id="poison-utf8"))[:-2] + '\udcff"}': "不是 UTF-8",
        json.dumps(
            record("product", record_id="poison-surrogate", name="钛\ud800")
        ): "不是合法的 JSON",
        # Read by Python's JSON (for the identity kept with the line), refused by the validator.
        json.dumps(record("product", record_id="poison-\ud800")): "不是合法的 JSON",
    }


def test_a_poison_line_in_a_large_batch_is_quarantined_and_the_rest_loads(
    tmp_path: Path, session_factory: Any
) -> None:
    from ingest.sample_data import write_sample_data

    sample = tmp_path / "sample"
    write_sample_data(sample, enterprises=100, seed=2013, today=TODAY)
    big = sample / "quality_inspection.jsonl"
    good = big.read_text(encoding="utf-8").splitlines()
    poison = _poison_lines()
    middle = len(good) // 2
    lines = [*good[:middle], *poison, *good[middle:]]
    _write(big, lines)
    summary = ingest_paths([sample], session_factory, today=TODAY)
    deliberate = sum(1 for _ in (sample / "rejected-examples.jsonl").open())
    assert summary.quarantined == len(poison) + deliberate
    assert summary.loaded == summary.read - summary.quarantined
    with session_factory() as session:
        stored = {
            q.line: q.reason
            for q in session.scalars(
                select(QuarantinedRecord).where(QuarantinedRecord.file == str(big))
            )
        }
    assert sorted(stored) == list(range(middle + 1, middle + 1 + len(poison)))
    for line_no, expected in zip(sorted(stored), poison.values(), strict=True):
        assert stored[line_no].startswith(expected), stored[line_no]


def test_the_poison_lines_each_give_their_reason() -> None:
    from ingest.parsing import RecordError

    for line, expected in _poison_lines().items():
        if "\udcff" in line or len(line) > 1_000_000:
            continue  # the reader's checks, not the parser's
        with pytest.raises(RecordError) as caught:
            parse_record(line, today=TODAY)
        assert caught.value.reason.startswith(expected), caught.value.reason
