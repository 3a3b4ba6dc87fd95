"""`/healthz`: JSON saying whether the database and the search backend answer."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from portal.context import PortalContext


def test_health_reports_database_and_search(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "search": {"backend": "sqlite", "documents": 4},
    }


def test_health_is_503_when_search_is_down(
    client: TestClient, portal_context: PortalContext
) -> None:
    portal_context.search.close()
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"] == "ok"
    assert body["search"]["backend"] == "sqlite"
    assert "documents" not in body["search"]


def test_health_is_503_when_the_database_is_down(
    client: TestClient, portal_context: PortalContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    @contextmanager
    def broken() -> Iterator[Session]:
        raise OSError("database unreachable")
        yield  # pragma: no cover

    monkeypatch.setattr(portal_context, "session", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"].startswith("error")
    assert body["search"]["documents"] == 4
