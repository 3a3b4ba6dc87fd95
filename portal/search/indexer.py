"""Keeping the search index in step with the system of record.

SQL is the system of record: ingest and the rules job record the index work they owe in SQL
(`search_pending`, portal/storage/owed.py) in the transactions that change the records, and
`sync_enterprises` settles it once the engine took the documents. When the engine cannot take
them, the work stays pending (with the error) and `sync_pending` (the next ingest, `portal
rules`, the server's start, `portal reindex --pending`) retries it, so the index converges once
the engine is back, and after a process was killed between its commit and its index update.
`rebuild_all` replaces the whole index (after a schema change, or each day, since warning colours
and lists change with the date even when no record does).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from portal.chunks import chunked
from portal.errors import SearchUnavailable
from portal.logs import get_logger
from portal.search.base import SearchBackend, SearchDocument
from portal.search.documents import build_documents
from portal.storage.models import PendingIndexWork
from portal.storage.owed import owed_index, settle_index

log = get_logger(__name__)

# Documents between two calls of a rebuild's progress callback.
PROGRESS_EVERY = 500
# Pending enterprises retried per round of `sync_pending`.
PENDING_CHUNK = 1000


class SyncResult(NamedTuple):
    upserted: int
    deleted: int
    # Enterprises left as pending work because the engine failed (0 when all went through).
    pending: int = 0


def sync_enterprises(
    session_factory: sessionmaker[Session],
    backend: SearchBackend,
    usccs: Iterable[str],
    today: date,
    *,
    yellow_months: int = 6,
) -> SyncResult:
    """Re-index the enterprises of `usccs`: upsert those that are public today, delete the rest
    (not vetted, withdrawn, not yet published, unknown). When the engine fails, the enterprises
    are queued as pending work instead, and the failure is logged, not raised."""
    wanted = set(usccs)
    if not wanted:
        return SyncResult(0, 0)
    built: set[str] = set()

    def documents(session: Session) -> Iterator[SearchDocument]:
        for doc in build_documents(session, today, wanted, yellow_months=yellow_months):
            built.add(doc.uscc)
            yield doc

    started = time.monotonic()
    since = datetime.now(UTC)  # work owed after this moment is not settled by this sync
    try:
        with session_factory() as session:
            upserted = backend.upsert(documents(session))
        deleted = backend.delete(sorted(wanted - built))
    except SearchUnavailable as exc:
        _queue(session_factory, wanted, exc.detail)
        log.warning(
            "search.sync_failed", backend=backend.name, pending=len(wanted), error=exc.detail
        )
        return SyncResult(0, 0, len(wanted))
    with session_factory.begin() as session:
        settle_index(session, wanted, since)
    log.info(
        "search.sync",
        backend=backend.name,
        requested=len(wanted),
        upserted=upserted,
        deleted=deleted,
        seconds=round(time.monotonic() - started, 3),
    )
    return SyncResult(upserted, deleted)


def pending_count(session_factory: sessionmaker[Session]) -> int:
    with session_factory() as session:
        return session.scalar(select(func.count()).select_from(PendingIndexWork)) or 0


def sync_pending(
    session_factory: sessionmaker[Session],
    backend: SearchBackend,
    today: date,
    *,
    yellow_months: int = 6,
    progress: Callable[[int], None] | None = None,
) -> SyncResult:
    """Retry the pending work, a chunk at a time; stops at the first chunk that fails again."""
    upserted = deleted = 0
    with session_factory() as session:
        usccs = owed_index(session)
    for chunk in chunked(usccs, PENDING_CHUNK):
        result = sync_enterprises(
            session_factory, backend, chunk, today, yellow_months=yellow_months
        )
        if result.pending:
            return SyncResult(upserted, deleted, pending_count(session_factory))
        upserted, deleted = upserted + result.upserted, deleted + result.deleted
        if progress is not None:
            progress(len(chunk))
    return SyncResult(upserted, deleted, 0)


def rebuild_all(
    session_factory: sessionmaker[Session],
    backend: SearchBackend,
    today: date,
    *,
    yellow_months: int = 6,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Replace the whole index with the documents of every public enterprise; returns how many.

    `progress` is called with the number of documents built since its last call, every
    PROGRESS_EVERY documents and once at the end. A failure leaves the old index in place and
    raises; success clears the pending work, which the new index includes.
    """
    built = reported = 0

    def documents(session: Session) -> Iterator[SearchDocument]:
        nonlocal built, reported
        for doc in build_documents(session, today, yellow_months=yellow_months):
            yield doc
            built += 1
            if progress is not None and built - reported == PROGRESS_EVERY:
                progress(built - reported)
                reported = built

    started = time.monotonic()
    since = datetime.now(UTC)
    log.info("search.rebuild_started", backend=backend.name, today=today.isoformat())
    with session_factory() as session:
        count = backend.rebuild(documents(session))
    if progress is not None and built > reported:
        progress(built - reported)
    with session_factory.begin() as session:
        settle_index(session, owed_index(session), since)
    log.info(
        "search.rebuild",
        backend=backend.name,
        documents=count,
        seconds=round(time.monotonic() - started, 3),
    )
    return count


def _queue(session_factory: sessionmaker[Session], usccs: set[str], error: str) -> None:
    now = datetime.now(UTC)
    with session_factory.begin() as session:
        for uscc in sorted(usccs):
            work = session.get(PendingIndexWork, uscc)
            if work is None:
                session.add(
                    PendingIndexWork(uscc=uscc, queued_at=now, attempts=1, last_error=error[:2000])
                )
            else:
                work.attempts += 1
                work.last_error = error[:2000]
