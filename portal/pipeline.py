"""The publish pipeline: records in, the credit rules, the search index, in one place.

`portal ingest`, `portal rules`, the server's start and the benchmarks all call these functions,
so that the sequence is written once:

- `ingest`: load the files (ingest/loader.py), run the rules owed (those of the enterprises the
  batch touched, and whatever an earlier, killed run left owed), then update the search documents
  owed (the batch's, what the rules changed, and earlier leftovers);
- `daily_rules`: the rules for every enterprise on a day, then the index work owed;
- `finish_owed_work`: only what is owed (the server's start runs it in a background thread).

Every step records the work it owes in the transaction that makes it owed, and settles it in the
one that does it (portal/storage/owed.py): killed at any moment, a run leaves the database and
the index exactly where one of these functions finishes them, and the result is that of one clean
run.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ingest.loader import IngestSummary, ingest_paths
from portal.context import PortalContext
from portal.logs import get_logger
from portal.rules.job import RulesSummary, run_rules
from portal.rules.model import Thresholds
from portal.search.indexer import SyncResult, sync_enterprises, sync_pending
from portal.storage.owed import owed_counts, owed_rules

log = get_logger(__name__)

# A step of the pipeline ("load", "rules", "index") and how many items it will handle (None:
# unknown), entered as a context that hands back a callback advancing it by a number of items.
Phase = Callable[[str, int | None], AbstractContextManager[Callable[[int], None]]]


@contextmanager
def _quiet(name: str, total: int | None) -> Iterator[Callable[[int], None]]:
    yield lambda n: None


@dataclass
class Published:
    """What the rules and the index update did."""

    rules: RulesSummary
    synced: SyncResult


@dataclass
class Ingested(Published):
    """What an ingest did: the load, then the rules and the index update."""

    summary: IngestSummary


def ingest(
    context: PortalContext,
    paths: list[Path],
    *,
    batch_size: int = 1000,
    phase: Phase = _quiet,
) -> Ingested:
    """Load `paths`, then finish the rules and the index work owed (the batch's and any left)."""
    today = context.today()
    with phase("load", None) as advance:
        summary = ingest_paths(
            paths,
            context.session_factory,
            progress=advance,
            batch_size=batch_size,
            rectification_days=context.settings.rectification_days,
            today=today,
        )
    # The batch's enterprises are owed in SQL too; named here as well, so that a concurrent run
    # settling them (the server's start) cannot make this run skip them.
    published = _publish(context, today, summary.affected_usccs | set(_owed_rules(context)), phase)
    return Ingested(rules=published.rules, synced=published.synced, summary=summary)


def daily_rules(context: PortalContext, today: date, *, phase: Phase = _quiet) -> Published:
    """Every credit rule for every enterprise on `today`; then the index work owed."""
    return _publish(context, today, None, phase)


def finish_owed_work(context: PortalContext, *, phase: Phase = _quiet) -> Published:
    """The rules and index work left owed (by a killed run, or an engine that was down)."""
    return _publish(context, context.today(), set(_owed_rules(context)), phase)


def start_owed_work(context: PortalContext) -> threading.Thread | None:
    """`finish_owed_work` in a background thread when anything is owed (None when nothing is),
    so that a server starts at once; an error is logged, and the work stays owed."""
    with context.session() as session:
        rules, index = owed_counts(session)
    if not rules and not index:
        return None
    log.info("pipeline.owed_work", rules=rules, index=index)

    def work() -> None:
        try:
            done = finish_owed_work(context)
        except Exception:
            log.exception("pipeline.owed_work_failed")
            return
        log.info(
            "pipeline.owed_work_done",
            evaluated=done.rules.evaluated,
            failed=len(done.rules.failed),
            upserted=done.synced.upserted,
            pending=done.synced.pending,
        )

    thread = threading.Thread(target=work, name="owed-work", daemon=True)
    thread.start()
    return thread


def _owed_rules(context: PortalContext) -> list[str]:
    with context.session() as session:
        return owed_rules(session)


def _publish(
    context: PortalContext, today: date, usccs: set[str] | None, phase: Phase
) -> Published:
    """The rules for `usccs` (every enterprise when None), then the index work: what the rules
    touched first, then whatever else is owed."""
    settings = context.settings
    with phase("rules", None):
        if usccs is None or usccs:
            rules = run_rules(
                context.session_factory, today, usccs=usccs, thresholds=Thresholds.of(settings)
            )
        else:
            rules = RulesSummary()
    touched = (usccs or set()) | rules.changed_usccs
    with phase("index", len(touched)):
        synced = sync_enterprises(
            context.session_factory,
            context.search,
            touched,
            today,
            yellow_months=settings.yellow_months,
        )
        if not synced.pending:
            rest = sync_pending(
                context.session_factory, context.search, today, yellow_months=settings.yellow_months
            )
            synced = SyncResult(
                synced.upserted + rest.upserted, synced.deleted + rest.deleted, rest.pending
            )
    return Published(rules=rules, synced=synced)
