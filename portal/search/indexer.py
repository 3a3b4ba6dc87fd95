"""Keeping the search index in step with the system of record.

`sync_enterprises` refreshes the documents of the enterprises an ingest run touched;
`rebuild_all` replaces the whole index (after a schema change, or each day, since warning colours
and lists change with the date even when no record does).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from portal.logs import get_logger
from portal.search.base import SearchBackend, SearchDocument
from portal.search.documents import build_documents

log = get_logger(__name__)

# Documents between two calls of a rebuild's progress callback.
PROGRESS_EVERY = 500


def sync_enterprises(
    session_factory: sessionmaker[Session],
    backend: SearchBackend,
    usccs: Iterable[str],
    today: date,
    *,
    yellow_months: int = 6,
) -> tuple[int, int]:
    """Re-index the enterprises of `usccs`: upsert those that are public today, delete the rest
    (not vetted, withdrawn, not yet published, unknown). Returns (upserted, deleted)."""
    wanted = set(usccs)
    if not wanted:
        return 0, 0
    built: set[str] = set()

    def documents(session: Session) -> Iterator[SearchDocument]:
        for doc in build_documents(session, today, wanted, yellow_months=yellow_months):
            built.add(doc.uscc)
            yield doc

    started = time.monotonic()
    with session_factory() as session:
        upserted = backend.upsert(documents(session))
    deleted = backend.delete(sorted(wanted - built))
    log.info(
        "search.sync",
        backend=backend.name,
        requested=len(wanted),
        upserted=upserted,
        deleted=deleted,
        seconds=round(time.monotonic() - started, 3),
    )
    return upserted, deleted


def rebuild_all(
    session_factory: sessionmaker[Session],
    backend: SearchBackend,
    today: date,
    *,
    yellow_months: int = 6,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Replace the whole index with the documents of every public enterprise; returns how many.

    `progress` is called with the number of documents built so far, every PROGRESS_EVERY
    documents and once at the end. A failure leaves the old index in place.
    """
    built = 0

    def documents(session: Session) -> Iterator[SearchDocument]:
        nonlocal built
        for doc in build_documents(session, today, yellow_months=yellow_months):
            yield doc
            built += 1
            if progress is not None and built % PROGRESS_EVERY == 0:
                progress(built)

    started = time.monotonic()
    log.info("search.rebuild_started", backend=backend.name, today=today.isoformat())
    with session_factory() as session:
        count = backend.rebuild(documents(session))
    if progress is not None and built % PROGRESS_EVERY:
        progress(built)
    log.info(
        "search.rebuild",
        backend=backend.name,
        documents=count,
        seconds=round(time.monotonic() - started, 3),
    )
    return count
