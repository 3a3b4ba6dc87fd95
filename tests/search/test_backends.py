"""Every search backend on one corpus and one query set (tests/search/corpus.py): the embedded
SQLite search and Elasticsearch (skipped loudly without PORTAL_TEST_ELASTICSEARCH_URL, see
conftest.py) must give the same hits, totals, facets and highlights, in the same order wherever
the order does not rest on each engine's own relevance scores."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.errors import BadRequest, SearchUnavailable
from portal.search.base import (
    FacetValue,
    SearchBackend,
    SearchDocument,
    SearchHit,
    SearchQuery,
    SearchResult,
)
from portal.search.elastic import ElasticsearchSearch
from portal.search.sqlite import SqliteSearch
from tests.search.corpus import (
    CASES,
    CHENCANG,
    CORPUS,
    NAMED,
    PAGED,
    SPLIT,
    TI,
    TITANIUM,
    TRADER,
    Case,
    doc,
)

BACKENDS = ("sqlite", "elasticsearch")


@pytest.fixture(scope="module")
def loaded_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SqliteSearch]:
    search = SqliteSearch(tmp_path_factory.mktemp("search") / "search.sqlite3")
    search.upsert(CORPUS)
    yield search
    search.close()


@pytest.fixture(scope="module")
def loaded_elasticsearch(module_elastic: ElasticsearchSearch) -> ElasticsearchSearch:
    assert module_elastic.upsert(iter(CORPUS)) == len(CORPUS)
    return module_elastic


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> SearchBackend:
    """The corpus in each backend, loaded once per module: for tests that only search."""
    loaded: SearchBackend = request.getfixturevalue(f"loaded_{request.param}")
    return loaded


@pytest.fixture(params=BACKENDS)
def empty(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchBackend]:
    """A new, empty index in each backend: for tests that write."""
    if request.param == "sqlite":
        search = SqliteSearch(tmp_path / "search.sqlite3")
        yield search
        search.close()
    else:
        make: Callable[[], ElasticsearchSearch] = request.getfixturevalue("make_elastic")
        yield make()


def find(backend: SearchBackend, text: str, **filters: str) -> SearchResult:
    return backend.search(SearchQuery(text, filters=filters, limit=100))


def names(result: SearchResult) -> list[str]:
    return [hit.name for hit in result.hits]


# -- the query set ---------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_query_set(backend: SearchBackend, case: Case) -> None:
    result = backend.search(SearchQuery(case.text, filters=case.filters, limit=100))
    assert result.backend == backend.name
    assert result.exact is case.exact
    assert result.total == (case.total if case.total is not None else len(case.names))
    assert len(result.hits) == min(result.total, 100)
    if case.names or case.total is None:
        if case.ordered:
            assert names(result) == list(case.names)
        else:
            assert sorted(names(result)) == sorted(case.names)
    if case.first is not None:
        assert names(result)[0] == case.first


def tier(hit: SearchHit, text: str) -> int:
    """0: the name is the query, 1: the name starts with it, 2: anything else."""
    return 0 if hit.name == text else 1 if hit.name.startswith(text) else 2


def assert_same(expected: SearchResult, actual: SearchResult, text: str) -> None:
    """Same total, facets and hits; the same order up to ties in relevance, which each engine
    scores its own way: hits of one name tier (exact, prefix, other) may come in another order."""
    assert (actual.total, actual.exact) == (expected.total, expected.exact), text
    assert actual.facets == expected.facets, text
    if expected.exact or not text.strip():  # ordered by name and USCC: the same order
        assert actual.hits == expected.hits, text
        return
    query = " ".join(text.split())
    tiers = [tier(hit, query) for hit in expected.hits]
    assert sorted(tiers) == tiers, text  # the reference keeps the tiers in order
    assert [tier(hit, query) for hit in actual.hits] == tiers, text
    by_uscc = {hit.uscc: hit for hit in expected.hits}
    assert {hit.uscc for hit in actual.hits} == set(by_uscc), text
    for hit in actual.hits:  # the same fields and highlights; only the scores differ
        assert hit.score > 0, text
        assert hit == replace(by_uscc[hit.uscc], score=hit.score), text


def substrings(docs: tuple[SearchDocument, ...], count: int) -> list[str]:
    """A fixed sample of 1–6 character pieces of every searchable text of `docs`."""
    pieces: set[str] = set()
    for d in docs:
        for text in (d.name, *d.former_names, *d.products, d.address, d.legal_representative):
            for size in range(1, 7):
                pieces.update(text[i : i + size] for i in range(len(text) - size + 1))
        for text in d.texts:
            pieces.update(text[i : i + 3] for i in range(len(text) - 2))
    return random.Random(20261124).sample(sorted(pieces), min(count, len(pieces)))


def test_elasticsearch_answers_as_sqlite(
    loaded_sqlite: SqliteSearch, loaded_elasticsearch: ElasticsearchSearch
) -> None:
    queries = [SearchQuery(c.text, filters=c.filters, limit=100) for c in CASES]
    queries += [SearchQuery(text, limit=100) for text in substrings(NAMED, 300)]
    queries += [
        SearchQuery(text, filters={field: value}, limit=100)
        for text in ("钛", "宝鸡", "", "有限公司", "机床")
        for field, value in (("district", "高新区"), ("list", "bad_records"), ("colour", "red"))
    ]
    for query in queries:
        try:
            expected = loaded_sqlite.search(query)
        except BadRequest:
            with pytest.raises(BadRequest):
                loaded_elasticsearch.search(query)
            continue
        assert_same(expected, loaded_elasticsearch.search(query), query.text)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.text(
        alphabet=st.sampled_from("钛合金宝鸡机床304abcSUS ,.、-:\"*()'\u3000ＡＢＣ"), max_size=10
    )
)
def test_any_query_gets_the_same_answer(
    loaded_sqlite: SqliteSearch, loaded_elasticsearch: ElasticsearchSearch, text: str
) -> None:
    query = SearchQuery(text, limit=100)
    try:
        expected = loaded_sqlite.search(query)
    except BadRequest:
        with pytest.raises(BadRequest):
            loaded_elasticsearch.search(query)
        return
    assert_same(expected, loaded_elasticsearch.search(query), text)


# -- pages, facets, hits -----------------------------------------------------------------------


def test_paging_totals_are_exact(backend: SearchBackend) -> None:
    seen: list[str] = []
    for offset in range(0, len(PAGED), 10):
        page = backend.search(SearchQuery("测试企业", offset=offset, limit=10))
        assert page.total == len(PAGED)
        seen += [hit.uscc for hit in page.hits]
    assert sorted(seen) == sorted(d.uscc for d in PAGED)
    last = backend.search(SearchQuery("测试企业", offset=len(PAGED) - 5, limit=20))
    assert (last.total, len(last.hits)) == (len(PAGED), 5)
    beyond = backend.search(SearchQuery("测试企业", offset=10_000, limit=20))
    assert (beyond.total, beyond.hits) == (len(PAGED), ())
    browse = backend.search(SearchQuery("", offset=20, limit=10))
    assert names(browse) == sorted(d.name for d in CORPUS)[20:30]
    assert backend.search(SearchQuery("测试", limit=0)).total == len(PAGED)


def test_facet_counts_over_all_matches(backend: SearchBackend) -> None:
    facets = find(backend, "钛").facets
    assert facets["district"] == (
        FacetValue("渭滨区", 2),
        FacetValue("高新区", 2),
        FacetValue("岐山县", 1),
        FacetValue("金台区", 1),
    )
    assert facets["industry"] == (FacetValue(TI, 5), FacetValue("烟酒食品", 1))
    assert facets["list"] == (
        FacetValue("bad_records", 2),
        FacetValue("blacklist", 1),
        FacetValue("exemplary", 1),
    )
    assert facets["colour"] == (
        FacetValue("green", 1),
        FacetValue("red", 1),
        FacetValue("yellow", 1),
    )


def test_a_facet_ignores_its_own_filter(backend: SearchBackend) -> None:
    result = find(backend, "", list="bad_records")
    assert result.facets["colour"] == (FacetValue("yellow", 2), FacetValue("red", 1))
    assert dict((v.value, v.count) for v in result.facets["list"]) == {
        "bad_records": 3,
        "blacklist": 2,
        "exemplary": 2,
    }
    narrowed = find(backend, "钛", industry=TI, colour="red")
    assert narrowed.facets["district"] == (FacetValue("高新区", 1),)
    assert narrowed.facets["colour"] == (
        FacetValue("green", 1),
        FacetValue("red", 1),
        FacetValue("yellow", 1),
    )


def test_highlights_and_hit_fields(backend: SearchBackend) -> None:
    (hit,) = find(backend, "钛合金锻").hits
    fields = {item.field: item for item in hit.highlights}
    assert list(fields) == ["name", "products"]
    assert fields["products"].segments[0] == ("钛合金锻", True)
    assert (hit.uscc, hit.district, hit.lists, hit.colour) == (
        TITANIUM.uscc,
        "渭滨区",
        ("exemplary",),
        "green",
    )
    assert hit.score > 0
    (hit,) = find(backend, "合钛").hits
    assert (hit.lists, hit.colour, hit.industry) == (("bad_records", "blacklist"), "red", TI)
    (hit,) = find(backend, "", district="岐山县", industry="烟酒食品").hits
    assert (hit.name, hit.score, hit.highlights) == (SPLIT.name, 0.0, ())


@pytest.mark.parametrize("text", ["!!!", "“”", "*", "( )", '"', "-", "—— ……"])
def test_punctuation_only_is_a_bad_request(backend: SearchBackend, text: str) -> None:
    with pytest.raises(BadRequest):
        find(backend, text)


def test_bad_paging_and_unknown_filters_are_bad_requests(backend: SearchBackend) -> None:
    with pytest.raises(BadRequest):
        backend.search(SearchQuery("钛", offset=-1))
    with pytest.raises(BadRequest):
        backend.search(SearchQuery("钛", limit=-1))
    with pytest.raises(BadRequest, match="scale"):
        backend.search(SearchQuery("钛", filters={"scale": "large"}))


# -- writing ----------------------------------------------------------------------------------


def test_upsert_streams_and_replaces_by_uscc(empty: SearchBackend) -> None:
    assert empty.count() == 0
    assert empty.upsert(iter(NAMED)) == len(NAMED)
    renamed = doc(1, "宝鸡钛材集团", products=("钛管",), lists=("blacklist",), colour="red")
    assert empty.upsert([renamed]) == 1
    assert empty.count() == len(NAMED)
    assert find(empty, "钛合金锻").total == 0
    assert names(find(empty, "钛材集团")) == [renamed.name]
    lists = dict((v.value, v.count) for v in find(empty, "").facets["list"])
    assert lists == {"bad_records": 3, "blacklist": 3, "exemplary": 1}
    first, second = doc(99, "甲公司"), doc(99, "乙公司")
    assert empty.upsert([first, second]) == 1
    assert (find(empty, "乙公司").total, find(empty, "甲公司").total) == (1, 0)
    assert empty.upsert([]) == 0


def test_delete(empty: SearchBackend) -> None:
    empty.upsert(NAMED)
    assert empty.delete(iter([TRADER.uscc, "91610300XXXXXXXXXX", TRADER.uscc])) == 1
    assert empty.count() == len(NAMED) - 1
    assert find(empty, "合钛").total == 0
    assert "blacklist" in [v.value for v in find(empty, "").facets["list"]]  # FORMER's
    assert empty.delete([]) == 0


def test_rebuild_replaces_everything(empty: SearchBackend) -> None:
    empty.upsert(NAMED)
    fresh = [doc(1000 + i, f"新企业{i}") for i in range(1234)]
    assert empty.rebuild(iter(fresh)) == len(fresh)
    assert empty.count() == len(fresh)
    assert find(empty, "钛").total == 0
    assert find(empty, "新企业").total == len(fresh)
    assert names(find(empty, "新企业7"))[0] == "新企业7"  # exact name first


def test_failed_rebuild_keeps_the_old_index(empty: SearchBackend) -> None:
    empty.upsert(NAMED)

    def failing() -> Iterator[SearchDocument]:
        for i in range(1234):
            yield doc(1000 + i, f"新企业{i}")
        raise RuntimeError("source went away")

    with pytest.raises(RuntimeError, match="source went away"):
        empty.rebuild(failing())
    assert empty.count() == len(NAMED)
    assert names(find(empty, "钛合金锻")) == [TITANIUM.name]
    assert find(empty, "新企业").total == 0
    assert empty.rebuild([TRADER]) == 1  # the next rebuild works
    assert names(find(empty, "钛")) == [TRADER.name]


def test_a_closed_backend_is_unavailable(empty: SearchBackend) -> None:
    empty.upsert([CHENCANG])
    empty.close()
    empty.close()  # idempotent
    with pytest.raises(SearchUnavailable):
        empty.search(SearchQuery("机床"))
    with pytest.raises(SearchUnavailable):
        empty.count()


def test_searches_keep_working_during_writes(empty: SearchBackend) -> None:
    empty.upsert(NAMED)
    errors: list[BaseException] = []

    def searching() -> None:
        try:
            for _ in range(15):
                assert find(empty, "钛").total >= 6
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=searching) for _ in range(3)]
    for thread in threads:
        thread.start()
    for i in range(5):
        empty.upsert([doc(200 + i, f"钛制品厂{i}")])
    empty.rebuild([*NAMED, *(doc(300 + i, f"钛制品厂{i}") for i in range(30))])
    for thread in threads:
        thread.join()
    assert errors == []
    assert empty.count() == len(NAMED) + 30
    assert find(empty, "钛制品厂").total == 30
