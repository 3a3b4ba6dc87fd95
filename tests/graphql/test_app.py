"""How the endpoint is built: strawberry's ASGI app, resolvers off the event loop, and GraphQL
and the public site independent of each other (composed by `portal.server`)."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest
from starlette.testclient import TestClient

from portal.readmodels import lists as queries

QUERY = "{ listCounts { blacklist } }"


def test_resolvers_run_in_a_worker_thread_not_on_the_event_loop(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A resolver reads the database synchronously: on the event loop it would stall every
    other request."""
    loops: list[bool] = []
    original = queries.list_counts

    def spy(*args: object, **kwargs: object) -> object:
        try:
            asyncio.get_running_loop()
            loops.append(True)
        except RuntimeError:  # no loop in this thread: a worker thread
            loops.append(False)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(queries, "list_counts", spy)
    response = client.post("/graphql", json={"query": QUERY})
    assert response.json() == {"data": {"listCounts": {"blacklist": 7}}}
    assert loops == [False]


def test_a_client_accepting_anything_gets_the_how_to_not_the_explorer(client: TestClient) -> None:
    """Strawberry would show the explorer page for `Accept: */*` (curl, scripts)."""
    response = client.get("/graphql", headers={"accept": "*/*"})
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert "缺少 query 参数" in error["message"]


def test_a_subscription_is_refused_by_post_too(client: TestClient) -> None:
    response = client.post("/graphql", json={"query": "subscription { x }"})
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["message"] == "本接口只接受 query 操作和 mutation submitObjection"


def test_head_is_refused_as_not_allowed(client: TestClient) -> None:
    """HEAD (which the Route adds to GET) was answered 415 before; it runs nothing either way."""
    response = client.head("/graphql")
    assert response.status_code == 405
    assert response.headers["content-type"] == "application/json"


def _imported_after(statement: str) -> set[str]:
    code = f"import sys\n{statement}\nprint('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_graphql_imports_nothing_of_the_site() -> None:
    modules = _imported_after("import portal.graphql.app")
    assert not {m for m in modules if m.startswith("portal.web")}


def test_the_site_imports_nothing_of_graphql() -> None:
    modules = _imported_after("import portal.web.app, portal.web.views\nportal.web.views.routes()")
    assert not {m for m in modules if m.startswith("portal.graphql")}
