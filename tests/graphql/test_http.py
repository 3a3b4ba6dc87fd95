"""The /graphql endpoint over HTTP: methods, request errors, the explorer and its static files."""

from __future__ import annotations

import html as html_module
import logging
import re
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from portal.errors import SearchUnavailable
from portal.graphql.app import MAX_BODY_BYTES
from portal.readmodels import lists

QUERY = "{ listCounts { blacklist } }"
VENDORED = (
    "graphiql.min.js",
    "graphiql.min.css",
    "react.production.min.js",
    "react-dom.production.min.js",
)


def test_post_is_answered_in_place_not_redirected(client: TestClient) -> None:
    response = client.post("/graphql", json={"query": QUERY}, follow_redirects=False)
    assert response.status_code == 200
    assert response.json() == {"data": {"listCounts": {"blacklist": 7}}}


def test_post_with_operation_name_and_variables(client: TestClient) -> None:
    body = {
        "query": "query A { listCounts { exemplary } } query B($n: Int) { blacklist(first: $n) "
        "{ edges { cursor } } }",
        "operationName": "B",
        "variables": {"n": 2},
    }
    response = client.post("/graphql", json=body)
    assert response.status_code == 200
    assert len(response.json()["data"]["blacklist"]["edges"]) == 2


def test_get_with_query_parameter_runs_the_query(client: TestClient) -> None:
    response = client.get("/graphql", params={"query": QUERY})
    assert response.status_code == 200
    assert response.json()["data"]["listCounts"]["blacklist"] == 7


@pytest.mark.parametrize(
    ("content", "content_type", "status", "says"),
    [
        (b"{not json", "application/json", 400, "JSON"),
        (b'{"variables": {}}', "application/json", 400, "query"),
        (b'[{"query": "{ listCounts { blacklist } }"}]', "application/json", 400, "批量"),
        (b'{"query": "{ listCounts { blacklist } }", "variables": [1]}', "application/json", 400,
         "variables"),
        (b"query=x", "application/x-www-form-urlencoded", 415, "application/json"),
        (b'{"query": "' + b"x" * MAX_BODY_BYTES + b'"}', "application/json", 413, "字节"),
    ],
)  # fmt: skip
def test_malformed_requests_are_400s_with_a_message(
    client: TestClient, content: bytes, content_type: str, status: int, says: str
) -> None:
    response = client.post("/graphql", content=content, headers={"content-type": content_type})
    assert response.status_code == status
    (error,) = response.json()["errors"]
    assert says in error["message"] and error["extensions"]["code"] == "BAD_REQUEST"


def test_oversized_chunked_body_is_refused_without_reading_it_all(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"query": "'
        for _ in range(MAX_BODY_BYTES // 1000 + 5):
            yield b"x" * 1000

    response = client.post(
        "/graphql", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413


def test_mutations_are_refused_by_get(client: TestClient) -> None:
    # The one mutation, submitObjection, is tested in test_objections.py; by POST only.
    response = client.get("/graphql", params={"query": "mutation { x }"})
    assert response.status_code == 400
    assert "GET 请求只接受 query 操作" in response.json()["errors"][0]["message"]


def test_unknown_mutations_are_refused(client: TestClient) -> None:
    response = client.post("/graphql", json={"query": "mutation { x }"})
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def test_syntax_error_is_reported(client: TestClient) -> None:
    response = client.post("/graphql", json={"query": "{ listCounts { "})
    assert response.status_code == 200
    assert "data" not in response.json()  # never executed
    (error,) = response.json()["errors"]
    assert "Syntax Error" in error["message"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def test_get_without_query_from_a_program_explains_itself(client: TestClient) -> None:
    response = client.get("/graphql", headers={"accept": "application/json"})
    assert response.status_code == 400
    assert "POST" in response.json()["errors"][0]["message"]


def test_other_methods_are_not_allowed(client: TestClient) -> None:
    assert client.put("/graphql", json={"query": QUERY}).status_code == 405


def test_explorer_page_is_self_contained(client: TestClient) -> None:
    response = client.get("/graphql", headers={"accept": "text/html,application/xhtml+xml"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    scripts = re.findall(r'<script[^>]*\ssrc="([^"]+)"', html)
    styles = re.findall(r'<link[^>]*\shref="([^"]+)"', html)
    assert scripts == [
        "/static/graphiql/react.production.min.js",
        "/static/graphiql/react-dom.production.min.js",
        "/static/graphiql/graphiql.min.js",
        "/static/graphiql/explorer.js",
    ]
    assert styles == ["/static/graphiql/graphiql.min.css", "/static/graphiql/explorer.css"]
    # Nothing inline: the Content-Security-Policy would block it.
    assert "<script>" not in html and "<style" not in html and " style=" not in html
    for path in [*scripts, *styles]:
        assert client.get(path).status_code == 200
    # No external resource of any kind: nothing loaded from an http(s) or protocol-relative URL.
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "unpkg" not in html and "jsdelivr" not in html and "cdn" not in html.lower()
    # The explorer talks to this endpoint and starts with an example over the blacklist,
    # both handed to explorer.js in the container's data attributes.
    assert 'data-endpoint="/graphql"' in html
    match = re.search(r'data-default-query="([^"]*)"', html)
    assert match, "no default query in the page"
    example = html_module.unescape(match.group(1))
    assert "blacklist(first: 10)" in example and "黑名单" in example
    assert client.post("/graphql", json={"query": example}).json()["data"]["blacklist"]
    script = client.get("/static/graphiql/explorer.js").text
    assert "container.dataset.endpoint" in script and "container.dataset.defaultQuery" in script


@pytest.mark.parametrize("name", VENDORED)
def test_vendored_files_are_served(client: TestClient, name: str) -> None:
    response = client.get(f"/static/graphiql/{name}")
    assert response.status_code == 200
    assert len(response.content) > 10_000
    kind = "css" if name.endswith(".css") else "javascript"
    assert kind in response.headers["content-type"]


def test_vendored_react_keeps_its_licence_header(client: TestClient) -> None:
    head = client.get("/static/graphiql/react.production.min.js").text[:400]
    assert "@license React" in head and "MIT" in head


def test_graphiql_bundle_defines_the_global(client: TestClient) -> None:
    tail = client.get("/static/graphiql/graphiql.min.js").text[-400:]
    assert "window.GraphiQL" in tail


def test_search_down_is_a_503_coded_error_not_a_500(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def down(_query: object) -> object:
        raise SearchUnavailable("检索服务暂不可用:索引未建立")

    monkeypatch.setattr(client.app.state.portal.search, "search", down)  # type: ignore[attr-defined]
    with caplog.at_level(logging.ERROR, logger="portal.graphql.schema"):
        response = client.post(
            "/graphql", json={"query": '{ searchEnterprises(query: "精工") { totalCount } }'}
        )
    assert response.status_code == 200
    (error,) = response.json()["errors"]
    assert error["message"] == "检索服务暂不可用:索引未建立"
    assert error["extensions"] == {"code": "SEARCH_UNAVAILABLE", "status": 503}
    assert any(r.getMessage() == "graphql.error" for r in caplog.records)


def test_unexpected_error_is_masked_and_the_rest_still_answers(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> object:
        raise RuntimeError("no such table: designations (secret detail)")

    monkeypatch.setattr(lists, "list_counts", broken)
    query = "{ listCounts { blacklist } blacklist(first: 1) { totalCount } }"
    response = client.post("/graphql", json={"query": query})
    assert response.status_code == 200
    body = response.json()
    assert body["data"] == {"listCounts": None, "blacklist": {"totalCount": 7}}
    (error,) = body["errors"]
    assert error["message"] == "服务器内部错误,请稍后再试"
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert "secret" not in response.text
