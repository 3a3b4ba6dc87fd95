"""Owed work: what a load owes is recorded with its records, and the server's start finishes it
in the background (a run killed before its rules and index update leaves exactly this)."""

from __future__ import annotations

from pathlib import Path

from starlette.testclient import TestClient

from ingest import ingest_paths
from portal.context import PortalContext
from portal.search import SearchQuery
from portal.server import create_app
from portal.settings import Settings
from portal.storage.owed import owed_counts

from .helpers import USCC_A, USCC_B, record, write_jsonl


def test_the_server_start_finishes_the_work_a_killed_ingest_left(
    tmp_path: Path, settings: Settings
) -> None:
    crane = record("special_equipment", record_id="SE-1", next_inspection_due="2026-11-20")
    path = write_jsonl(
        tmp_path / "in.jsonl", [record("enterprise"), record("enterprise", USCC_B), crane]
    )
    # The load alone: what `portal ingest` commits before it is killed.
    context = PortalContext.open(settings)
    try:
        ingest_paths([path], context.session_factory)
        with context.session() as session:
            assert owed_counts(session) == (2, 2)
    finally:
        context.close()

    app = create_app(settings)
    with TestClient(app) as client:
        assert app.state.owed_work is not None
        app.state.owed_work.join(timeout=60)
        page = client.get("/search", params={"list": "bad_records"}).text
        assert f"/enterprises/{USCC_A}" in page and f"/enterprises/{USCC_B}" not in page
    context = PortalContext.open(settings)
    try:
        with context.session() as session:
            assert owed_counts(session) == (0, 0)
        assert context.search.search(SearchQuery("")).total == 2
    finally:
        context.close()


def test_a_server_with_nothing_owed_starts_no_work(settings: Settings) -> None:
    app = create_app(settings)
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
        assert app.state.owed_work is None
