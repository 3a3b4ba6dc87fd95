"""Fair use of /search and /graphql: a rate per client per minute and a number of requests in
progress per client, both answered with 429, Retry-After and a Chinese message."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from starlette.testclient import TestClient

from portal.context import PortalContext
from portal.search import SearchQuery, SearchResult
from portal.server import create_app
from portal.web.fair_use import client_key
from tests.web.conftest import Data

QUERY = {"query": "{ listCounts { blacklist } }"}


def _app(context: PortalContext, **limits: int) -> Any:
    settings = context.settings.replace(**limits)
    return create_app(context=replace(context, settings=settings))


@pytest.fixture
def limited(portal_context: PortalContext, data: Data) -> Iterator[Any]:
    """An app allowing 3 searches and 3 GraphQL requests a minute per client."""
    yield _app(portal_context, search_limit_per_minute=3, graphql_limit_per_minute=3)


def test_searches_over_the_rate_get_429_with_retry_after(limited: Any) -> None:
    with TestClient(limited, client=("198.51.100.1", 1)) as client:
        statuses = [client.get("/search?q=钛").status_code for _ in range(3)]
        refused = client.get("/search?q=钛")
    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert "每分钟最多3次检索请求" in refused.text
    assert refused.headers["content-type"].startswith("text/html")


def test_graphql_over_the_rate_gets_a_graphql_error(limited: Any) -> None:
    with TestClient(limited, client=("198.51.100.1", 1)) as client:
        assert [client.post("/graphql", json=QUERY).status_code for _ in range(3)] == [200] * 3
        refused = client.post("/graphql", json=QUERY)
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) >= 1
    (error,) = refused.json()["errors"]
    assert error["extensions"] == {"code": "TOO_MANY_REQUESTS", "status": 429}
    assert "数据接口" in error["message"]


def test_one_client_over_the_rate_does_not_limit_another(limited: Any) -> None:
    with TestClient(limited, client=("198.51.100.1", 1)) as greedy:
        for _ in range(4):
            greedy.get("/search?q=钛")
        assert greedy.get("/search?q=钛").status_code == 429
        with TestClient(limited, client=("198.51.100.2", 1)) as other:
            assert other.get("/search?q=钛").status_code == 200
        # Pages that run no search are not limited.
        assert greedy.get("/blacklist").status_code == 200


def test_limits_of_zero_are_off(portal_context: PortalContext, data: Data) -> None:
    app = _app(portal_context, search_limit_per_minute=0, concurrent_requests_per_client=0)
    with TestClient(app) as client:
        assert {client.get("/search?q=钛").status_code for _ in range(100)} == {200}


def test_a_client_cannot_hold_every_worker(portal_context: PortalContext, data: Data) -> None:
    """With two searches of one client in progress, its third is refused at once, while another
    client's search is answered: one client cannot starve the others."""
    app = _app(portal_context, concurrent_requests_per_client=2)
    real_search = portal_context.search.search
    inside = threading.Semaphore(0)
    release = threading.Event()

    def slow_for_one_query(query: SearchQuery) -> SearchResult:
        if query.text == "慢":
            inside.release()
            assert release.wait(timeout=30)
        return real_search(query)

    portal_context.search.search = slow_for_one_query  # type: ignore[method-assign]
    results: list[int] = []
    try:
        with TestClient(app, client=("198.51.100.1", 1)) as greedy:
            holders = [
                threading.Thread(
                    target=lambda: results.append(greedy.get("/search?q=慢").status_code)
                )
                for _ in range(2)
            ]
            for thread in holders:
                thread.start()
            for _ in holders:  # both are inside the search now
                assert inside.acquire(timeout=30)
            third = greedy.get("/search?q=钛")
            gql = greedy.post("/graphql", json=QUERY)
            with TestClient(app, client=("198.51.100.2", 1)) as other:
                answered = other.get("/search?q=钛")
            release.set()
            for thread in holders:
                thread.join(timeout=30)
    finally:
        release.set()
        del portal_context.search.search
    assert third.status_code == 429 and third.headers["retry-after"] == "1"
    assert "最多同时进行2个检索请求" in third.text
    assert gql.status_code == 429  # GraphQL counts with search: the same workers run both
    assert answered.status_code == 200
    assert results == [200, 200]
    with TestClient(app, client=("198.51.100.1", 1)) as greedy:
        assert greedy.get("/search?q=钛").status_code == 200  # its slots were given back


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("203.0.113.5", "203.0.113.5"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.5", "203.0.113.5"),
        ("testclient", "testclient"),
        (None, "unknown"),
    ],
)
def test_client_key(address: str | None, key: str) -> None:
    assert client_key(address) == key
