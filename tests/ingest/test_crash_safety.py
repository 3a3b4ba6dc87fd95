"""A real `portal ingest` killed with SIGKILL at several moments, then run again, leaves exactly
what one clean run leaves: the same records, the same derived designations and cases, the same
search documents, and no work owed. On the backends under test (SQLite and the embedded search;
PostgreSQL and Elasticsearch with the test variables set)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import SQLAlchemyError

from ingest.sample_data import write_sample_data
from portal.context import PortalContext
from portal.search import SearchQuery
from portal.settings import Settings
from portal.storage.db import make_engine
from portal.storage.models import (
    RECORD_TABLES,
    Designation,
    PendingIndexWork,
    PendingRulesWork,
    QuarantinedRecord,
    RectificationItem,
)
from tests.databases import Databases

TODAY = "2026-11-24"
ENTERPRISES = 120
BATCH = 150  # lines per commit: many commits to be killed between
ES_URL = os.environ.get("PORTAL_TEST_ELASTICSEARCH_URL", "")


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    write_sample_data(
        out, enterprises=ENTERPRISES, seed=2013, today=Settings(today=TODAY).current_date()
    )
    return out


class Portal:
    """One portal of the test's own: a database, a search index, a data folder."""

    def __init__(self, root: Path, database_url: str) -> None:
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")},
            "PORTAL_DATA_DIR": str(root / "data"),
            "PORTAL_DATABASE_URL": database_url,
            "PORTAL_TODAY": TODAY,
            "PORTAL_LOG_LEVEL": "WARNING",
        }
        if ES_URL:
            self.env["PORTAL_ELASTICSEARCH_URL"] = ES_URL
            self.env["PORTAL_INDEX_PREFIX"] = f"credit-portal-test-kill-{uuid.uuid4().hex[:8]}"
        self.settings = Settings(
            data_dir=root / "data",
            database_url=database_url,
            today=TODAY,
            elasticsearch_url=ES_URL,
            index_prefix=self.env.get("PORTAL_INDEX_PREFIX", "credit-portal"),
        )

    def start(self, sample: Path) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "portal.cli", "ingest", "--batch-size", str(BATCH)]
        return subprocess.Popen(
            [*command, str(sample)],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def ingest(self, sample: Path) -> None:
        process = self.start(sample)
        _, stderr = process.communicate(timeout=300)
        # 1: the sample's deliberate bad lines are quarantined.
        assert process.returncode == 1, stderr.decode(errors="replace")[-3000:]

    def snapshot(self) -> dict[str, Any]:
        context = PortalContext.open(self.settings, run_migrations=False)
        try:
            with context.session() as session:
                shot: dict[str, Any] = {}
                for kind, model in RECORD_TABLES.items():
                    m: Any = model
                    columns = [m.source_system, m.source_record_id, m.source_version]
                    columns += [m.content_hash, m.withdrawn]
                    if model is Designation:
                        columns.append(Designation.display_until)
                    shot[kind] = sorted(map(tuple, session.execute(select(*columns))))
                shot["items"] = session.scalar(select(func.count()).select_from(RectificationItem))
                shot["quarantine"] = sorted(session.scalars(select(QuarantinedRecord.raw_hash)))
                shot["owed"] = [
                    session.scalar(select(func.count()).select_from(model))
                    for model in (PendingRulesWork, PendingIndexWork)
                ]
            shot["documents"] = _documents(context)
        finally:
            context.close()
        return shot

    def drop_index(self) -> None:
        if not ES_URL:
            return
        from elasticsearch import Elasticsearch

        client = Elasticsearch(ES_URL, request_timeout=30)
        try:
            prefix = self.env["PORTAL_INDEX_PREFIX"]
            found = client.indices.get(index=f"{prefix}-*", expand_wildcards="all")
            if found.body:
                client.indices.delete(index=",".join(found.body), ignore_unavailable=True)
        finally:
            client.close()


def _documents(context: PortalContext) -> list[tuple[Any, ...]]:
    """Every search document, as the search answers it: USCC, name, lists, colour."""
    found: list[tuple[Any, ...]] = []
    while True:
        result = context.search.search(SearchQuery("", offset=len(found), limit=100))
        found += [(h.uscc, h.name, h.lists, h.colour) for h in result.hits]
        if not result.hits:
            assert len(found) == result.total == context.search.count()
            return sorted(found)


@pytest.fixture
def portals(tmp_path: Path, databases: Databases) -> Iterator[Callable[[str], Portal]]:
    made: list[tuple[Portal, str]] = []

    def make(name: str) -> Portal:
        url = databases.create()
        portal = Portal(tmp_path / name, url)
        made.append((portal, url))
        return portal

    yield make
    for portal, url in made:
        portal.drop_index()
        databases.drop(url)


def _count(engine: Engine, sql: str) -> int:
    try:
        with engine.connect() as connection:
            return int(connection.scalar(text(sql)) or 0)
    except SQLAlchemyError:  # not migrated yet, or busy
        return 0


# When to kill, by what the database shows: after the first commit of records; after the rules'
# commit (the index still owed). Then at fractions of a clean run's time (the index update, say).
KILL_POINTS: dict[str, str] = {
    "after the first commit": "SELECT count(*) FROM enterprises",
    "after the rules' commit": (
        "SELECT count(*) FROM designations WHERE source_system = 'credit_rules'"
    ),
}
KILL_FRACTIONS = (0.3, 0.6, 0.9)


@pytest.mark.slow
def test_ingest_killed_at_any_moment_and_run_again_gives_one_clean_run(
    sample: Path, portals: Callable[[str], Portal]
) -> None:
    clean = portals("clean")
    started = time.monotonic()
    clean.ingest(sample)
    seconds = time.monotonic() - started
    expected = clean.snapshot()
    assert expected["owed"] == [0, 0]
    assert expected["documents"] and expected["designation"]
    assert any(row[0] == "credit_rules" for row in expected["designation"])

    points: list[tuple[str, str | float]] = [*KILL_POINTS.items()]
    points += [
        (f"at {fraction:.0%} of a clean run", fraction * seconds) for fraction in KILL_FRACTIONS
    ]
    killed_at: list[str] = []
    for n, (point, when) in enumerate(points):
        portal = portals(f"killed-{n}")
        engine = make_engine(portal.settings)
        process = portal.start(sample)
        begun = time.monotonic()
        try:
            while process.poll() is None and (
                time.monotonic() - begun < when
                if isinstance(when, float)
                else not _count(engine, when)
            ):
                time.sleep(0.005)
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                killed_at.append(point)
            process.communicate(timeout=60)
        finally:
            engine.dispose()
        if isinstance(when, str):
            assert portal.snapshot() != expected, f"killed {point}: nothing was left to do"

        portal.ingest(sample)
        again = portal.snapshot()
        for key in expected:
            assert again[key] == expected[key], f"killed {point}: {key} differs"
    # The points the database shows are reached before the run ends (the timed ones, on a busy
    # machine, may come after it: then that run is simply a clean one).
    assert killed_at[:2] == list(KILL_POINTS), killed_at
