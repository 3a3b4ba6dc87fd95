"""Owed work: the rules and index updates an enterprise still needs, kept in SQL.

Whatever changes an enterprise's records or derived rows records, in the same transaction, the
work that change owes (`owe_rules`, `owe_index`); whatever does the work settles it in the
transaction that writes the result (`settle_rules`) or after the search engine took it
(`settle_index`). A process killed at any moment therefore leaves exactly the work still to do,
and the next run finishes it (portal/pipeline.py).

Work owed again while it is being done is not lost: owing stamps `queued_at` with the moment,
and settling removes only what was owed before the work started.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from portal.chunks import chunked
from portal.storage.models import PendingIndexWork, PendingRulesWork

# USCCs per statement: well under every backend's limit of bound parameters.
CHUNK = 500


def owe_rules(session: Session, usccs: Iterable[str], now: datetime | None = None) -> None:
    """Record that the credit rules of `usccs` are owed (in the caller's transaction)."""
    _owe(session, PendingRulesWork, usccs, now or datetime.now(UTC), {})


def owe_index(session: Session, usccs: Iterable[str], now: datetime | None = None) -> None:
    """Record that the search documents of `usccs` are owed (in the caller's transaction). A
    row left by a failed attempt keeps its count and error."""
    _owe(
        session,
        PendingIndexWork,
        usccs,
        now or datetime.now(UTC),
        {"attempts": 0, "last_error": ""},
    )


def settle_rules(session: Session, usccs: Iterable[str], started: datetime) -> None:
    """The rules of `usccs`, evaluated from `started` on, are written in this transaction."""
    _settle(session, PendingRulesWork, usccs, started)


def settle_index(session: Session, usccs: Iterable[str], started: datetime) -> None:
    """The search documents of `usccs`, built from `started` on, are in the index."""
    _settle(session, PendingIndexWork, usccs, started)


def owed_rules(session: Session) -> list[str]:
    """The enterprises whose rules are owed, in order."""
    return list(session.scalars(select(PendingRulesWork.uscc).order_by(PendingRulesWork.uscc)))


def owed_index(session: Session) -> list[str]:
    """The enterprises whose search documents are owed, in order."""
    return list(session.scalars(select(PendingIndexWork.uscc).order_by(PendingIndexWork.uscc)))


def owed_counts(session: Session) -> tuple[int, int]:
    """How many enterprises owe rules, and how many owe their search document."""
    rules = session.scalar(select(func.count()).select_from(PendingRulesWork)) or 0
    index = session.scalar(select(func.count()).select_from(PendingIndexWork)) or 0
    return rules, index


def _owe(
    session: Session, model: Any, usccs: Iterable[str], now: datetime, extra: dict[str, Any]
) -> None:
    # One upsert per chunk, so that two writers owing the same enterprise never collide on the
    # key: both dialects spell it ON CONFLICT … DO UPDATE.
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    for chunk in chunked(sorted(set(usccs)), CHUNK):
        rows = [{"uscc": uscc, "queued_at": now, **extra} for uscc in chunk]
        stmt = insert(model).values(rows)
        session.execute(
            stmt.on_conflict_do_update(index_elements=["uscc"], set_={"queued_at": now})
        )


def _settle(session: Session, model: Any, usccs: Iterable[str], started: datetime) -> None:
    for chunk in chunked(sorted(set(usccs)), CHUNK):
        session.execute(delete(model).where(model.uscc.in_(chunk), model.queued_at <= started))
