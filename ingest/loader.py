"""Load ingest files into the system of record (docs/ingest-format.md, "What the portal does").

Two passes over the input: enterprises first, then every other line, so that a record may name an
enterprise listed after it. A transaction (one commit) holds `batch_size` lines, worked through in
chunks of at most LINES_PER_CHUNK: each chunk looks up its stored records with one query per kind
and writes with one statement per table (ingest/writes.py). A line that cannot be loaded is
quarantined, never dropped: `loaded + unchanged + quarantined == read`, whatever the line holds
(an unexpected failure to read one line quarantines that line, logged with its traceback).

Each transaction also records the rules and index work it owes for the enterprises it changed
(portal/storage/owed.py), so that a run killed after any commit leaves that work owed, and the
next run finishes it (portal/pipeline.py).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import chain, islice
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ingest.parsing import ParsedRecord, RecordError, parse_record
from ingest.reader import (
    MAX_LINE_BYTES,
    RawLine,
    expand_paths,
    is_utf8,
    printable,
    raw_bytes,
    read_lines,
)
from ingest.records import DEFAULT_RECTIFICATION_DAYS
from ingest.writes import CHUNK, Row, Writes, stored_rows
from portal.chunks import chunked
from portal.logs import get_logger
from portal.storage.models import Enterprise, QuarantinedRecord
from portal.storage.owed import owe_index, owe_rules

log = get_logger(__name__)
# Lines read, checked and written together: what an ingest holds in memory.
LINES_PER_CHUNK = 1000


@dataclass
class IngestSummary:
    read: int = 0
    loaded: int = 0
    unchanged: int = 0
    stale: int = 0  # older versions than stored; counted in `unchanged` too
    quarantined: int = 0
    # Enterprises whose public facts may have changed (to refresh in the search index).
    affected_usccs: set[str] = field(default_factory=set)
    by_kind: dict[str, int] = field(default_factory=dict)  # loaded per kind


def ingest_paths(
    paths: Sequence[Path],
    session_factory: sessionmaker[Session],
    *,
    progress: Callable[[int], None] | None = None,
    batch_size: int = 1000,
    rectification_days: int = DEFAULT_RECTIFICATION_DAYS,
    today: date | None = None,
) -> IngestSummary:
    """Load the `.jsonl` files of `paths` (files, or folders searched recursively).

    `today` is the day of ingest, which the plausible ranges of dates are relative to (the real
    date when None; the portal passes its `today`).

    Each transaction (one commit) holds `batch_size` lines; they are read, checked and written
    LINES_PER_CHUNK lines at a time, so that memory does not grow with `batch_size`. `progress`
    is called after each chunk with the number of lines it read (an increment). Raises
    FileNotFoundError before loading anything when a path does not exist.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    files = expand_paths(paths)
    log.info("ingest.start", files=len(files), batch_size=batch_size)
    run = _Run(session_factory, rectification_days, today or date.today())
    for enterprises in (True, False):
        lines = (
            line
            for file in files
            for line in read_lines(file)
            if _is_enterprise_line(line.raw) is enterprises
        )
        run.load(lines, batch_size, progress)
    summary = run.summary
    assert summary.loaded + summary.unchanged + summary.quarantined == summary.read
    log.info(
        "ingest.done",
        files=len(files),
        read=summary.read,
        loaded=summary.loaded,
        unchanged=summary.unchanged,
        stale=summary.stale,
        quarantined=summary.quarantined,
        affected=len(summary.affected_usccs),
    )
    return summary


def _is_enterprise_line(raw: str) -> bool:
    """Whether a line is an `enterprise` record, for the first pass. Both passes ask this same
    question of every line, so each line is loaded in exactly one of them.

    Only lines that hold `"enterprise"`, or a `\\u` escape that could spell it, are parsed.
    """
    if '"enterprise"' not in raw and "\\u" not in raw:
        return False
    try:
        obj = json.loads(raw)
    except (ValueError, RecursionError):
        return False
    return isinstance(obj, dict) and obj.get("kind") == "enterprise"


class _Run:
    """The state of one ingest run: its counts and what it changed."""

    def __init__(
        self, session_factory: sessionmaker[Session], rectification_days: int, today: date
    ) -> None:
        self.session_factory = session_factory
        self.rectification_days = rectification_days
        self.today = today
        self.summary = IngestSummary()
        self.now = datetime.now(UTC)

    def load(
        self, lines: Iterator[RawLine], batch_size: int, progress: Callable[[int], None] | None
    ) -> None:
        """Load `lines`, `batch_size` to a transaction, LINES_PER_CHUNK at a time within it."""
        size = min(LINES_PER_CHUNK, batch_size)
        per_transaction = -(-batch_size // size)  # whole chunks: at least batch_size lines
        chunks = chunked(lines, size)
        while first := next(chunks, None):
            with self.session_factory() as session, session.begin():
                changed: set[str] = set()
                for chunk in chain([first], islice(chunks, per_transaction - 1)):
                    self._load_chunk(session, chunk, changed)
                    if progress is not None:
                        progress(len(chunk))
                # In the transaction of the records: the work they owe is never lost.
                owe_rules(session, changed)
                owe_index(session, changed)

    def _load_chunk(self, session: Session, chunk: list[RawLine], changed: set[str]) -> None:
        parsed = [(line, self._parse(line)) for line in chunk]
        records = [result for _, result in parsed if isinstance(result, ParsedRecord)]
        bad: list[tuple[RawLine, RecordError]] = []
        # The enterprises stored (this transaction's earlier chunks included) that the chunk's
        # records name; enterprises the chunk adds are added as they come.
        known = _stored_usccs(session, {record.data.uscc for record in records})
        writes = Writes(stored_rows(session, (record.key for record in records)))
        for line, result in parsed:
            self.summary.read += 1
            error = result if isinstance(result, RecordError) else None
            if isinstance(result, ParsedRecord):
                error = self._load(session, result, writes, known, changed)
            if error is not None:
                bad.append((line, error))
        writes.execute(session)
        self._quarantine(session, bad)

    def _parse(self, line: RawLine) -> ParsedRecord | RecordError:
        if line.too_long:
            return RecordError(
                f"一行超过 {MAX_LINE_BYTES} 字节,仅保存其开头(a line longer than "
                f"{MAX_LINE_BYTES} bytes; its start is kept)"
            )
        if not is_utf8(line.raw):
            return RecordError("不是 UTF-8 编码的文本(not valid UTF-8)")
        try:
            return parse_record(
                line.raw, rectification_days=self.rectification_days, today=self.today
            )
        except RecordError as exc:
            return exc
        except Exception as exc:  # whatever else one line does, it stops only itself
            log.exception("ingest.parse_failed", file=str(line.file), line=line.line_no)
            return RecordError(f"无法读取该记录(could not read the record: {type(exc).__name__})")

    def _load(
        self,
        session: Session,
        record: ParsedRecord,
        writes: Writes,
        known: set[str],
        changed: set[str],
    ) -> RecordError | None:
        """Insert, update or skip one valid record; the error when it must be quarantined."""
        source = record.envelope.source
        key = record.key
        ids = {"kind": record.kind, "system": source.system, "record_id": source.record_id}
        data = record.data
        row = writes.rows.get(key)
        if row is not None:
            if source.version < row.version:
                self.summary.unchanged += 1
                self.summary.stale += 1
                return None
            if source.version == row.version:
                if record.content_hash == row.content_hash:
                    self.summary.unchanged += 1
                    return None
                return RecordError(
                    f"source.version: 版本冲突:{source.system}/{source.record_id} 第 "
                    f"{source.version} 版已入库,内容却不同(version conflict: version "
                    f"{source.version} is stored with other content; send a newer version)",
                    **ids,
                )
        refusal = self._refuse(session, record, row, writes, known)
        if refusal is not None:
            return RecordError(refusal, **ids)
        if row is not None:
            # A newer version may name another enterprise: the one named before is affected too.
            changed.add(row.uscc)
        writes.put(record, self._values(record))
        if not data.references_enterprise:
            known.add(data.uscc)
        self.summary.loaded += 1
        self.summary.by_kind[record.kind] = self.summary.by_kind.get(record.kind, 0) + 1
        changed.add(data.uscc)
        self.summary.affected_usccs.update(changed)
        return None

    def _refuse(
        self,
        session: Session,
        record: ParsedRecord,
        row: Row | None,
        writes: Writes,
        known: set[str],
    ) -> str | None:
        """Why a new record or newer version cannot be loaded, given the enterprises known."""
        uscc = record.data.uscc
        if record.data.references_enterprise:
            if uscc not in known:
                return (
                    f"data.uscc: 未知企业:统一社会信用代码“{uscc}”既未入库也不在本批数据中"
                    "(unknown enterprise: the USCC is neither stored nor in this batch)"
                )
        elif row is not None:
            if row.uscc != uscc:
                return (
                    f"data.uscc: 新版本不得更改统一社会信用代码(“{row.uscc}”→“{uscc}”)"
                    "(a newer version may not change the USCC)"
                )
        elif uscc in known:
            query = select(Enterprise.source_system, Enterprise.source_record_id)
            new = writes.new_enterprise(uscc)
            other = new[1:] if new else session.execute(query.where(Enterprise.uscc == uscc)).one()
            owner = f" {other[0]}/{other[1]} "
            return (
                f"data.uscc: 统一社会信用代码“{uscc}”已由另一条企业记录{owner}登记"
                "(the USCC belongs to another enterprise record)"
            )
        return None

    def _values(self, record: ParsedRecord) -> dict[str, Any]:
        """Every column of the record's row (a new row, or a newer version in place)."""
        envelope, vetting = record.envelope, record.envelope.vetting
        values = record.data.columns()
        values.update(
            source_system=envelope.source.system,
            source_record_id=envelope.source.record_id,
            source_version=envelope.source.version,
            approved_by=vetting.approved_by if vetting else None,
            # Stored in UTC: not every backend keeps the offset.
            approved_at=vetting.approved_at.astimezone(UTC) if vetting else None,
            published_on=envelope.published_on,
            withdrawn=envelope.withdrawn,
            content_hash=record.content_hash,
            ingested_at=self.now,
        )
        return values

    def _quarantine(self, session: Session, bad: list[tuple[RawLine, RecordError]]) -> None:
        """Count and log every bad line; store the ones not stored before (by raw hash)."""
        if not bad:
            return
        hashes = [hashlib.sha256(raw_bytes(line.raw)).hexdigest() for line, _ in bad]
        stored: set[str] = set()
        for chunk in chunked(hashes, CHUNK):
            query = select(QuarantinedRecord.raw_hash).where(QuarantinedRecord.raw_hash.in_(chunk))
            stored.update(session.scalars(query))
        for (line, error), raw_hash in zip(bad, hashes, strict=True):
            self.summary.quarantined += 1
            log.warning(
                "ingest.quarantined",
                file=str(line.file),
                line=line.line_no,
                reason=printable(error.reason),
            )
            if raw_hash in stored:
                continue
            stored.add(raw_hash)
            session.add(
                QuarantinedRecord(
                    file=str(line.file)[-500:],
                    line=line.line_no,
                    kind=_clip(error.kind, 40),
                    source_system=_clip(error.system, 40),
                    source_record_id=_clip(error.record_id, 100),
                    reason=printable(error.reason),
                    raw=printable(line.raw),
                    raw_hash=raw_hash,
                    quarantined_at=self.now,
                )
            )


def _stored_usccs(session: Session, usccs: set[str]) -> set[str]:
    """Which of `usccs` are stored enterprises."""
    stored: set[str] = set()
    for chunk in chunked(sorted(usccs), CHUNK):
        stored.update(session.scalars(select(Enterprise.uscc).where(Enterprise.uscc.in_(chunk))))
    return stored


def _clip(text: str | None, length: int) -> str | None:
    """What was read of a bad line's identity, storable (no NUL) and at most `length` long."""
    return None if text is None else printable(text)[:length]
