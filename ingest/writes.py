"""The writes of one chunk of an ingest (ingest/loader.py), made with a few bulk statements
instead of one ORM object per line.

The loader decides, line by line, what happens to each record (bench/RESULTS.md, change 2: the
ORM unit of work and PostgreSQL's multi-row INSERTs, re-parsed by psycopg for every chunk, took
most of the load time). `stored_rows` reads what is stored of a chunk's records, one query per
kind; `Writes` collects the new rows per table and inserts them with one executemany per table at
the end of the chunk (psycopg pipelines it; SQLite's `executemany` is a loop in C), and updates
the rarer newer versions in place.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.orm import Session

from ingest.parsing import ParsedRecord
from ingest.records import RectificationNoticeData
from portal.chunks import chunked
from portal.storage.models import RECORD_TABLES, RectificationItem

# Values per IN (...) query: well under every backend's limit of bound parameters.
CHUNK = 500
Key = tuple[str, str, str]  # kind, source system, source record id


@dataclass(slots=True)
class Row:
    """What the loader needs to know of a stored record, or of one this chunk will insert."""

    id: int | None  # None: a new row of this chunk, not yet inserted
    version: int
    content_hash: str
    # The enterprise's own USCC, or the USCC the record refers to.
    uscc: str


@dataclass
class Writes:
    """The rows of a chunk, as stored and as they will be after the chunk."""

    rows: dict[Key, Row]
    _inserts: dict[str, dict[Key, dict[str, Any]]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    _updates: list[tuple[str, int, dict[str, Any]]] = field(default_factory=list)
    # Rectification items of the notices written in this chunk, by notice.
    _items: dict[Key, list[dict[str, Any]]] = field(default_factory=dict)

    def put(self, record: ParsedRecord, values: dict[str, Any]) -> None:
        """Write `values` as the record's row: a new row, or a newer version of a stored one."""
        key = record.key
        kind = record.kind
        row = self.rows.get(key)
        uscc: str = values["enterprise_uscc" if "enterprise_uscc" in values else "uscc"]
        if row is None or row.id is None:
            # New, or a newer version of a row new in this chunk: the last version is inserted.
            self._inserts[kind][key] = values
            self.rows[key] = Row(None, record.envelope.source.version, record.content_hash, uscc)
        else:
            self._updates.append((kind, row.id, values))
            row.version, row.content_hash, row.uscc = (
                record.envelope.source.version,
                record.content_hash,
                uscc,
            )
        if isinstance(record.data, RectificationNoticeData):
            # A newer version replaces the notice's items.
            self._items[key] = [
                {"seq": seq, "description": item.description, "rectified": item.rectified}
                for seq, item in enumerate(record.data.items, start=1)
            ]

    def new_enterprise(self, uscc: str) -> Key | None:
        """The key of the enterprise of `uscc` that this chunk inserts, if any."""
        new = self._inserts.get("enterprise", {})
        return next((key for key, values in new.items() if values["uscc"] == uscc), None)

    def execute(self, session: Session) -> None:
        """Insert the new rows (enterprises first: records refer to them), then update."""
        for kind, table in _TABLES.items():
            if rows := list(self._inserts.get(kind, {}).values()):
                session.execute(insert(table), rows)
        for kind, row_id, values in self._updates:
            table = _TABLES[kind]
            session.execute(update(table).where(table.c.id == row_id).values(values))
        if self._items:
            self._write_items(session)

    def _write_items(self, session: Session) -> None:
        notice_ids = {key: row.id for key, row in stored_rows(session, self._items).items()}
        items: Table = RectificationItem.__table__  # type: ignore[assignment]
        replaced = [notice_ids[key] for key in self._items if self.rows[key].id is not None]
        for chunk in chunked(replaced, CHUNK):
            session.execute(delete(items).where(items.c.notice_id.in_(chunk)))
        rows = [
            {**item, "notice_id": notice_ids[key]}
            for key, notice_items in self._items.items()
            for item in notice_items
        ]
        if rows:
            session.execute(insert(items), rows)


_TABLES: dict[str, Table] = {
    kind: model.__table__  # type: ignore[attr-defined]
    for kind, model in RECORD_TABLES.items()
}


def stored_rows(session: Session, keys: Iterable[Key]) -> dict[Key, Row]:
    """The stored rows of `keys`, by kind and identity: one query per kind (and per CHUNK record
    ids)."""
    wanted: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for kind, system, record_id in keys:
        wanted[kind].add((system, record_id))
    rows: dict[Key, Row] = {}
    for kind, identities in wanted.items():
        table = _TABLES[kind]
        uscc = table.c.uscc if kind == "enterprise" else table.c.enterprise_uscc
        columns = (
            *(table.c.id, table.c.source_system, table.c.source_record_id),
            *(table.c.source_version, table.c.content_hash, uscc),
        )
        systems = sorted({system for system, _ in identities})
        record_ids = sorted({record_id for _, record_id in identities})
        for chunk in chunked(record_ids, CHUNK):
            # Both columns, so that the unique index on (system, record id) serves the query.
            query = select(*columns).where(
                table.c.source_system.in_(systems), table.c.source_record_id.in_(chunk)
            )
            for row_id, system, record_id, version, content_hash, row_uscc in session.execute(
                query
            ):
                if (system, record_id) in identities:
                    rows[(kind, system, record_id)] = Row(row_id, version, content_hash, row_uscc)
    return rows
