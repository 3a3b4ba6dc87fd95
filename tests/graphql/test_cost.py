"""The cost limit of a GraphQL request: what a query costs, and that a dear one is refused
before anything of it runs."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from graphql import parse
from starlette.testclient import TestClient

from portal.context import PortalContext
from portal.graphql.cost import FACETS_COST, SEARCH_COST, query_cost
from portal.graphql.schema import schema
from portal.settings import Settings

SETTINGS = Settings(page_size=5, max_page_size=100, graphql_max_cost=1000)
FULL_SEARCH = """
  searchEnterprises(query: "机床", first: 100) {
    totalCount
    edges { cursor node { uscc name highlights { field segments { text match } } } }
    facets { field values { value count } }
    pageInfo { hasNextPage endCursor }
  }
"""


def cost(query: str, variables: dict[str, Any] | None = None, name: str | None = None) -> int:
    return query_cost(schema._schema, parse(query), name, variables or {}, SETTINGS)


def test_a_list_costs_its_page_of_objects() -> None:
    query = """{ blacklist(first: 10) { totalCount pageInfo { hasNextPage }
        edges { cursor node { enterprise { uscc } designation { title } } } } }"""
    # blacklist 1, pageInfo 1, and per entry: edge, node, enterprise, designation
    assert cost(query) == 1 + 1 + 10 * 4


def test_the_page_comes_from_variables_or_the_default() -> None:
    query = "query($n: Int) { warnings(first: $n) { edges { node { enterprise { uscc } } } } }"
    assert cost(query, {"n": 50}) == 1 + 50 * 3
    assert cost(query) == 1 + SETTINGS.page_size * 3
    assert cost(query, {"n": 10_000}) == 1 + 100 * 3  # at most max_page_size


def test_scalars_cost_nothing() -> None:
    assert cost("{ listCounts { blacklist exemplary } }") == 1
    assert cost("{ __typename }") == 0


def test_a_search_costs_its_run_its_results_and_its_facets() -> None:
    # search, its 100 edges, nodes, highlights and segments, facets and their values, pageInfo
    expected = (1 + SEARCH_COST) + 100 * 4 + (1 + FACETS_COST) + 1 + 1
    assert cost("{" + FULL_SEARCH + "}") == expected
    assert cost('{ searchEnterprises(query: "x") { totalCount } }') == 1 + SEARCH_COST


def test_aliases_and_fragments_add_up() -> None:
    one = cost('{ searchEnterprises(query: "x") { totalCount } }')
    aliased = (
        "{ "
        + " ".join(f'a{i}: searchEnterprises(query: "x") {{ totalCount }}' for i in range(30))
        + " }"
    )
    assert cost(aliased) == 30 * one
    fragment = """query { a: blacklist(first: 10) { ...E } b: exemplary(first: 10) { ...E } }
        fragment E on ListEntryConnection { edges { node { enterprise { uscc } } } }"""
    assert cost(fragment) == 2 * (1 + 10 * 3)


def test_the_named_operation_is_costed() -> None:
    query = """query Cheap { listCounts { blacklist } }
        query Dear { searchEnterprises(query: "x") { totalCount } }"""
    assert cost(query, name="Cheap") == 1
    assert cost(query, name="Dear") == 1 + SEARCH_COST


def test_thirty_aliased_searches_with_facets_are_refused_before_running(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was accepted: 0.8 s of the embedded search, every other search waiting."""
    searches: list[object] = []
    search = client.app.state.portal.search  # type: ignore[attr-defined]
    real = search.search
    monkeypatch.setattr(search, "search", lambda q: searches.append(q) or real(q))
    aliases = " ".join(f"a{i}: {FULL_SEARCH}" for i in range(30))
    response = client.post("/graphql", json={"query": "{" + aliases + "}"})
    assert response.status_code == 200
    body = response.json()
    assert "data" not in body
    (error,) = body["errors"]
    assert "查询代价为" in error["message"] and "超过上限1000" in error["message"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    # The test portal caps first at 10: each alias costs its search, 10 × 4 objects, its facets.
    per_alias = (1 + SEARCH_COST) + 10 * 4 + (1 + FACETS_COST) + 1 + 1
    assert error["extensions"]["maxCost"] == 1000
    assert error["extensions"]["cost"] == 30 * per_alias
    assert searches == []


def test_one_full_search_is_accepted(client: TestClient) -> None:
    # The test portal allows 10 per page: first is 10 here.
    response = client.post("/graphql", json={"query": "{" + FULL_SEARCH.replace("100", "10") + "}"})
    body = response.json()
    assert "errors" not in body, body
    assert body["data"]["searchEnterprises"]["totalCount"] > 0


def test_the_limit_is_a_setting(context: PortalContext) -> None:
    from portal.server import create_app

    tight = replace(context, settings=context.settings.replace(graphql_max_cost=50))
    with TestClient(create_app(context=tight)) as client:
        cheap = client.post("/graphql", json={"query": "{ blacklist(first: 10) { totalCount } }"})
        dear = client.post(
            "/graphql", json={"query": '{ searchEnterprises(query: "x") { totalCount } }'}
        )
    assert cheap.json() == {"data": {"blacklist": {"totalCount": 7}}}
    assert "超过上限50" in dear.json()["errors"][0]["message"]
