"""Hostile or odd requests to /graphql get a clear 4xx, never a 500: lone surrogates, JSON and
queries nested beyond any use, and media types in any letter case."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

SEARCH = "query($q: String!) { searchEnterprises(query: $q) { totalCount } }"


def _error(response: object, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    (error,) = response.json()["errors"]  # type: ignore[attr-defined]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    return error  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    "body",
    [
        b'{"query": "' + SEARCH.encode() + b'", "variables": {"q": "\\ud800"}}',
        b'{"query": "' + SEARCH.encode() + b'", "variables": {"q": "abc\\udfff"}}',
        b'{"query": "{ listCounts { blacklist } }", "variables": {"\\ud800": 1}}',
        b'{"query": "{ listCounts { blacklist } }", "operationName": "\\udbff"}',
    ],
)
def test_a_lone_surrogate_is_a_400(client: TestClient, body: bytes) -> None:
    """Was HTTP 500: the string reached the search (SQLite cannot encode it) or the response."""
    response = client.post("/graphql", content=body, headers={"content-type": "application/json"})
    assert "Unicode" in _error(response, 400)["message"]  # type: ignore[operator]


def test_a_lone_surrogate_in_get_variables_is_a_400(client: TestClient) -> None:
    response = client.get("/graphql", params={"query": SEARCH, "variables": '{"q": "\\ud800"}'})
    assert "Unicode" in _error(response, 400)["message"]  # type: ignore[operator]


def test_a_proper_surrogate_pair_is_a_character(client: TestClient) -> None:
    """\\ud840\\udc00 is 𠀀 (U+20000), a character outside the BMP, searched like any other."""
    body = b'{"query": "' + SEARCH.encode() + b'", "variables": {"q": "\\ud840\\udc00"}}'
    response = client.post("/graphql", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 200
    assert response.json() == {"data": {"searchEnterprises": {"totalCount": 0}}}


def test_json_nested_50000_deep_is_refused(client: TestClient) -> None:
    body = b'{"query": "{ listCounts { blacklist } }", "variables": {"v": ' + b"[" * 50_000
    body += b"]" * 50_000 + b"}}"
    response = client.post("/graphql", content=body, headers={"content-type": "application/json"})
    assert "字节" in _error(response, 413)["message"]  # type: ignore[operator]


def test_json_nested_40000_deep_is_a_400(client: TestClient) -> None:
    """Was RecursionError in json.loads (HTTP 500): it fits in the body limit."""
    body = b'{"query": "{ listCounts { blacklist } }", "variables": {"v": ' + b"[" * 40_000
    body += b"]" * 40_000 + b"}}"
    response = client.post("/graphql", content=body, headers={"content-type": "application/json"})
    assert "嵌套" in _error(response, 400)["message"]  # type: ignore[operator]


def test_json_nested_5000_deep_in_get_variables_is_a_400(client: TestClient) -> None:
    variables = "[" * 5_000 + "]" * 5_000
    response = client.get(
        "/graphql", params={"query": "{ listCounts { blacklist } }", "variables": variables}
    )
    assert "嵌套" in _error(response, 400)["message"]  # type: ignore[operator]


def test_a_query_nested_deeper_than_the_depth_limit_is_refused_by_the_parser(
    client: TestClient,
) -> None:
    """Within the token limit: graphql-core's parser stops it, with a message, before recursing."""
    query = "{" + "listCounts {" * 1200 + "blacklist" + "}" * 1201
    response = client.post("/graphql", json={"query": query})
    assert response.status_code == 200
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "nested too deeply" in error["message"]


@pytest.mark.parametrize(
    "content_type",
    ["APPLICATION/JSON", "Application/Json; charset=UTF-8", "application/json ;charset=utf-8"],
)
def test_media_type_in_any_case_is_json(client: TestClient, content_type: str) -> None:
    """Media types are case-insensitive (RFC 9110 8.3.1); was 415."""
    response = client.post(
        "/graphql",
        content=b'{"query": "{ listCounts { blacklist } }"}',
        headers={"content-type": content_type},
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"listCounts": {"blacklist": 7}}}
