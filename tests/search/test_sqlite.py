"""The embedded SQLite FTS5 backend, on documents built by hand."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.codes import make_uscc
from portal.errors import BadRequest, SearchUnavailable
from portal.search.base import CHUNK, FacetValue, SearchDocument, SearchQuery, SearchResult
from portal.search.sqlite import SCHEMA_VERSION, SqliteSearch, match_expression
from portal.search.tokens import parse_query


def doc(n: int, name: str, **fields: object) -> SearchDocument:
    uscc = make_uscc("91", "610300", f"{n:08d}")
    values: dict[str, object] = {"district": "渭滨区", "industry": "其他", **fields}
    return SearchDocument(uscc=uscc, org_code=uscc[8:17], name=name, **values)  # type: ignore[arg-type]


TITANIUM = doc(
    1,
    "宝鸡钛业股份有限公司",
    former_names=("宝鸡有色金属加工厂",),
    products=("钛合金锻件", "钛棒"),
    address="宝鸡市渭滨区清姜路",
    legal_representative="王建国",
    industry="有色金属(钛及钛合金)",
    lists=("exemplary",),
    colour="green",
)
TRADER = doc(
    2,
    "陕西合钛贸易有限公司",
    address="西安市雁塔区",
    district="高新区",
    industry="有色金属(钛及钛合金)",
    lists=("bad_records", "blacklist"),
    colour="red",
)
CHENCANG = doc(
    3,
    "陈仓机床有限公司",
    address="宝鸡市陈仓区虢镇",
    products=("数控车床",),
    texts=("数控车床 抽检不合格:定位精度",),
    district="陈仓区",
    industry="机床工具",
    lists=("bad_records",),
    colour="yellow",
)
SPLIT = doc(
    4,
    "岐山食品厂",
    texts=("整改通知:钛合,合金标识不清",),
    district="岐山县",
    industry="烟酒食品",
)
LATIN = doc(5, "ABC Foods 岐山分公司", products=("Titanium Cups",), district="岐山县")
DOCS = (TITANIUM, TRADER, CHENCANG, SPLIT, LATIN)


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[SqliteSearch]:
    search = SqliteSearch(tmp_path / "search.sqlite3")
    search.upsert(DOCS)
    yield search
    search.close()


def find(backend: SqliteSearch, text: str, **filters: str) -> SearchResult:
    return backend.search(SearchQuery(text, filters=filters, limit=100))


def names(result: SearchResult) -> list[str]:
    return [hit.name for hit in result.hits]


def test_count_and_backend_name(backend: SqliteSearch) -> None:
    assert backend.count() == len(DOCS)
    assert find(backend, "钛").backend == "sqlite"


def test_one_character_finds_every_document_with_it(backend: SqliteSearch) -> None:
    result = find(backend, "钛")
    assert set(names(result)) == {TITANIUM.name, TRADER.name, SPLIT.name}
    assert result.total == 3
    # Matches in names rank above a match in a record text.
    assert names(result)[2] == SPLIT.name


def test_two_characters_rank_names_before_addresses(backend: SqliteSearch) -> None:
    result = find(backend, "宝鸡")
    assert names(result) == [TITANIUM.name, CHENCANG.name]


def test_four_characters_find_the_product_only(backend: SqliteSearch) -> None:
    assert names(find(backend, "钛合金锻")) == [TITANIUM.name]


def test_no_false_positives_from_scattered_characters(backend: SqliteSearch) -> None:
    # "合钛" is in TRADER's name only; TITANIUM has 钛 and 合 but never "合钛".
    assert names(find(backend, "合钛")) == [TRADER.name]
    # SPLIT has "钛合,合金": both bigrams, but not as one run.
    assert names(find(backend, "钛合金")) == [TITANIUM.name]
    assert names(find(backend, "金锻件")) == [TITANIUM.name]
    assert find(backend, "锻钛").total == 0


def test_terms_are_anded_across_fields(backend: SqliteSearch) -> None:
    assert names(find(backend, "宝鸡 锻件")) == [TITANIUM.name]
    assert names(find(backend, "宝鸡 车床")) == [CHENCANG.name]
    assert find(backend, "宝鸡 食品").total == 0


def test_other_fields_are_searchable(backend: SqliteSearch) -> None:
    assert names(find(backend, "有色金属加工")) == [TITANIUM.name]  # former name
    assert names(find(backend, "王建国")) == [TITANIUM.name]
    assert names(find(backend, "定位精度")) == [CHENCANG.name]
    assert names(find(backend, "雁塔")) == [TRADER.name]


def test_latin_words_ignore_case_and_the_last_is_a_prefix(backend: SqliteSearch) -> None:
    assert names(find(backend, "abc")) == [LATIN.name]
    assert names(find(backend, "FOODS")) == [LATIN.name]
    assert names(find(backend, "titan")) == [LATIN.name]
    assert find(backend, "titan cups").total == 0  # only the last word is a prefix
    assert names(find(backend, "titanium cup")) == [LATIN.name]
    assert find(backend, "ab ").total == 0


def test_exact_name_and_name_prefix_come_first(tmp_path: Path) -> None:
    with_products = doc(6, "陕西钛材有限公司", products=("宝鸡钛业",) * 3)
    search = SqliteSearch(tmp_path / "s.sqlite3")
    search.upsert([*DOCS, with_products])
    assert names(find(search, "宝鸡钛业"))[0] == TITANIUM.name
    assert names(find(search, "陕西"))[:2] == [TRADER.name, with_products.name]
    search.close()


def test_highlights_name_and_matching_fields(backend: SqliteSearch) -> None:
    (hit,) = find(backend, "钛合金锻").hits
    fields = {item.field: item for item in hit.highlights}
    assert list(fields) == ["name", "products"]
    assert fields["products"].segments[0] == ("钛合金锻", True)
    assert not any(flag for _, flag in fields["name"].segments)
    (hit,) = find(backend, "定位精度").hits
    assert [item.field for item in hit.highlights] == ["name", "texts"]


def test_hits_carry_facet_fields(backend: SqliteSearch) -> None:
    (hit,) = find(backend, "合钛").hits
    assert (hit.uscc, hit.district, hit.industry) == (TRADER.uscc, "高新区", TRADER.industry)
    assert hit.lists == ("bad_records", "blacklist")
    assert hit.colour == "red"
    assert hit.score > 0


@pytest.mark.parametrize("text", ["!!!", "“”", "*", "( )", '"', "-", "—— ……"])
def test_punctuation_only_is_a_bad_request(backend: SqliteSearch, text: str) -> None:
    with pytest.raises(BadRequest):
        find(backend, text)


@pytest.mark.parametrize(
    "text",
    [
        '"钛',
        '钛"合金',
        "钛*",
        "*钛",
        "(钛",
        "钛)",
        "AND",
        "钛 AND 合金",
        "OR 钛",
        "NOT",
        "NEAR(钛 合金, 3)",
        "{name_uni}: 钛",
        "name_uni:钛",
        "^钛",
        "钛 -合金",
        "'; DROP TABLE docs; --",
        "钛\x00合金",
        "a" * 500,
    ],
)
def test_fts_syntax_in_queries_is_plain_text(backend: SqliteSearch, text: str) -> None:
    result = find(backend, text)
    assert result.total == len(result.hits)
    assert backend.count() == len(DOCS)


def test_operators_are_searched_as_words(tmp_path: Path) -> None:
    search = SqliteSearch(tmp_path / "s.sqlite3")
    search.upsert([doc(1, "AND NEAR 公司"), doc(2, "其他公司")])
    assert names(find(search, "and")) == ["AND NEAR 公司"]
    assert names(find(search, "NEAR")) == ["AND NEAR 公司"]
    search.close()


def test_match_expression_quotes_everything() -> None:
    expression = match_expression(parse_query('钛 合金锻 "x*'))
    assert expression == (
        '{name_uni products_uni person_uni texts_uni address_uni} : "钛" AND '
        '{name_bi products_bi person_bi texts_bi address_bi} : "合金 金锻" AND '
        '{name_uni products_uni person_uni texts_uni address_uni codes} : "x" *'
    )


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.text(alphabet=st.sampled_from("钛合金宝鸡abAND NEAR\"*()^:{}-+'., \u3000"), max_size=12)
)
def test_any_query_either_runs_or_is_a_bad_request(backend: SqliteSearch, text: str) -> None:
    try:
        result = find(backend, text)
    except BadRequest:
        return
    assert result.total == len(result.hits)


def test_empty_text_browses_by_name(backend: SqliteSearch) -> None:
    result = find(backend, "", district="岐山县")
    assert names(result) == sorted([SPLIT.name, LATIN.name])
    assert result.hits[0].highlights == ()
    assert find(backend, "   ").total == len(DOCS)


def test_paging_totals_are_exact(tmp_path: Path) -> None:
    search = SqliteSearch(tmp_path / "s.sqlite3")
    many = [doc(i, f"宝鸡测试企业{i:03d}") for i in range(1, CHUNK + 46)]
    assert search.upsert(iter(many)) == len(many)
    seen: list[str] = []
    for offset in range(0, len(many), 100):
        page = search.search(SearchQuery("测试", offset=offset, limit=100))
        assert page.total == len(many)
        seen += [hit.uscc for hit in page.hits]
    assert sorted(seen) == sorted(d.uscc for d in many)
    last = search.search(SearchQuery("测试", offset=len(many) - 5, limit=20))
    assert (last.total, len(last.hits)) == (len(many), 5)
    beyond = search.search(SearchQuery("测试", offset=10_000, limit=20))
    assert (beyond.total, beyond.hits) == (len(many), ())
    browse = search.search(SearchQuery("", offset=20, limit=10))
    assert [h.name for h in browse.hits] == [f"宝鸡测试企业{i:03d}" for i in range(21, 31)]
    assert search.search(SearchQuery("测试", limit=0)).total == len(many)
    search.close()


def test_bad_paging_and_unknown_filters_are_bad_requests(backend: SqliteSearch) -> None:
    with pytest.raises(BadRequest):
        backend.search(SearchQuery("钛", offset=-1))
    with pytest.raises(BadRequest):
        backend.search(SearchQuery("钛", limit=-1))
    with pytest.raises(BadRequest, match="scale"):
        backend.search(SearchQuery("钛", filters={"scale": "large"}))


def test_facet_counts_over_all_matches(backend: SqliteSearch) -> None:
    facets = find(backend, "钛").facets
    assert facets["district"] == (
        FacetValue("岐山县", 1),
        FacetValue("渭滨区", 1),
        FacetValue("高新区", 1),
    )
    assert facets["industry"] == (FacetValue("有色金属(钛及钛合金)", 2), FacetValue("烟酒食品", 1))
    assert facets["list"] == (
        FacetValue("bad_records", 1),
        FacetValue("blacklist", 1),
        FacetValue("exemplary", 1),
    )
    assert facets["colour"] == (FacetValue("green", 1), FacetValue("red", 1))


def test_filters_apply_and_a_facet_ignores_its_own_filter(backend: SqliteSearch) -> None:
    result = find(backend, "", list="bad_records")
    assert set(names(result)) == {TRADER.name, CHENCANG.name}
    # Other facets are narrowed by the list filter...
    assert result.facets["colour"] == (FacetValue("red", 1), FacetValue("yellow", 1))
    # ...the list facet itself still shows every list, to switch to.
    assert dict((v.value, v.count) for v in result.facets["list"]) == {
        "bad_records": 2,
        "blacklist": 1,
        "exemplary": 1,
    }
    narrowed = find(backend, "钛", industry="有色金属(钛及钛合金)", colour="red")
    assert names(narrowed) == [TRADER.name]
    assert narrowed.facets["district"] == (FacetValue("高新区", 1),)
    assert narrowed.facets["colour"] == (FacetValue("green", 1), FacetValue("red", 1))
    assert find(backend, "钛", list="exemplary", district="高新区").total == 0
    assert find(backend, "钛", district="").total == 3  # an empty value is no filter


def test_exact_uscc_and_org_code_lookup(backend: SqliteSearch) -> None:
    spaced = " ".join(CHENCANG.uscc[i : i + 6] for i in range(0, 18, 6)).lower()
    for text in (
        CHENCANG.uscc,
        spaced,
        CHENCANG.org_code,
        f"{CHENCANG.org_code[:8]}-{CHENCANG.org_code[8]}",
    ):
        result = find(backend, text)
        assert result.exact, text
        assert [h.uscc for h in result.hits] == [CHENCANG.uscc]
        assert result.total == 1
        assert result.facets["district"] == (FacetValue("陈仓区", 1),)
    assert find(backend, CHENCANG.uscc, district="渭滨区").total == 0


def test_unknown_code_falls_back_to_text_search(backend: SqliteSearch) -> None:
    unknown = make_uscc("91", "610300", "99999999")
    result = find(backend, unknown)
    assert (result.exact, result.total) == (False, 0)
    # A code's prefix finds it as a word prefix.
    assert names(find(backend, TITANIUM.uscc[:16].lower())) == [TITANIUM.name]


def test_upsert_replaces_by_uscc(backend: SqliteSearch) -> None:
    renamed = doc(1, "宝鸡钛材集团", products=("钛管",), lists=("blacklist",), colour="red")
    assert backend.upsert([renamed]) == 1
    assert backend.count() == len(DOCS)
    assert find(backend, "钛合金锻").total == 0
    assert names(find(backend, "钛材集团")) == [renamed.name]
    lists = dict((v.value, v.count) for v in find(backend, "").facets["list"])
    assert lists == {"bad_records": 2, "blacklist": 2}


def test_upsert_of_a_repeated_uscc_keeps_the_last(backend: SqliteSearch) -> None:
    first, second = doc(9, "甲公司"), doc(9, "乙公司")
    assert backend.upsert([first, second]) == 1
    assert names(find(backend, "乙公司")) == ["乙公司"]
    assert find(backend, "甲公司").total == 0


def test_delete(backend: SqliteSearch) -> None:
    assert backend.delete([TRADER.uscc, "91610300XXXXXXXXXX", TRADER.uscc]) == 1
    assert backend.count() == len(DOCS) - 1
    assert find(backend, "合钛").total == 0
    assert "blacklist" not in [v.value for v in find(backend, "").facets["list"]]
    assert backend.delete([]) == 0


def test_rebuild_replaces_everything(backend: SqliteSearch) -> None:
    fresh = [doc(i, f"新企业{i}") for i in range(100, 100 + CHUNK + 7)]
    assert backend.rebuild(iter(fresh)) == len(fresh)
    assert backend.count() == len(fresh)
    assert find(backend, "钛").total == 0
    assert find(backend, "新企业").total == len(fresh)
    assert find(backend, "", district="渭滨区").total == len(fresh)


def test_failed_rebuild_keeps_the_old_index(backend: SqliteSearch) -> None:
    def failing() -> Iterator[SearchDocument]:
        for i in range(CHUNK + 10):
            yield doc(100 + i, f"新企业{i}")
        raise RuntimeError("source went away")

    with pytest.raises(RuntimeError, match="source went away"):
        backend.rebuild(failing())
    assert backend.count() == len(DOCS)
    assert names(find(backend, "钛合金锻")) == [TITANIUM.name]
    assert find(backend, "新企业").total == 0
    tables = sqlite3.connect(backend.path).execute("SELECT name FROM sqlite_master").fetchall()
    assert not [name for (name,) in tables if "_new" in name]
    # The next rebuild works.
    assert backend.rebuild([TRADER]) == 1
    assert names(find(backend, "钛")) == [TRADER.name]


def test_index_persists_across_reopen(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "search.sqlite3"
    search = SqliteSearch(path)
    search.upsert(DOCS)
    search.close()
    search.close()  # idempotent
    with pytest.raises(SearchUnavailable):
        search.search(SearchQuery("钛"))
    again = SqliteSearch(path)
    assert again.count() == len(DOCS)
    assert names(find(again, "钛合金锻")) == [TITANIUM.name]
    again.close()


def test_schema_version_change_starts_empty(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "search.sqlite3"
    search = SqliteSearch(path)
    search.upsert(DOCS)
    search.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with caplog.at_level(logging.WARNING):
        again = SqliteSearch(path)
    assert "search.schema_mismatch" in caplog.text
    assert again.count() == 0
    again.upsert(DOCS)
    assert again.count() == len(DOCS)
    again.close()


def test_unreadable_file_is_unavailable(tmp_path: Path) -> None:
    path = tmp_path / "search.sqlite3"
    path.write_bytes(b"not a database" * 100)
    with pytest.raises(SearchUnavailable):
        SqliteSearch(path)


def test_a_foreign_database_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "portal.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE enterprises (id INTEGER PRIMARY KEY)")
    with pytest.raises(SearchUnavailable, match="不是检索索引"):
        SqliteSearch(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT name FROM sqlite_master").fetchall() == [("enterprises",)]


def test_concurrent_searches_and_writes(backend: SqliteSearch) -> None:
    errors: list[BaseException] = []

    def searching() -> None:
        try:
            for _ in range(50):
                assert find(backend, "钛").total >= 3
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=searching) for _ in range(4)]
    for thread in threads:
        thread.start()
    for i in range(20):
        backend.upsert([doc(200 + i, f"钛制品厂{i}")])
    backend.rebuild([*DOCS, *(doc(300 + i, f"钛制品厂{i}") for i in range(30))])
    for thread in threads:
        thread.join()
    assert errors == []
    assert backend.count() == len(DOCS) + 30


def test_searches_run_at_the_same_time(backend: SqliteSearch) -> None:
    """Two searches are inside the engine together, each on its own read connection. Before,
    one connection behind a lock served one search at a time: the second never reached the
    barrier while the first waited at it, and the barrier broke."""
    expected = sorted([find(backend, "钛").total, find(backend, "机床").total])
    in_use: list[int] = []
    # The barrier's action runs once, when both searches are here and each holds its connection
    # (read after the wait, the first could already have given its connection back).
    barrier = threading.Barrier(2, action=lambda: in_use.append(backend.readers_in_use), timeout=30)
    run = backend._run

    def meet_then_run(*args: object) -> SearchResult:
        barrier.wait()  # returns only once both searches are here
        return run(*args)  # type: ignore[arg-type]

    backend._run = meet_then_run  # type: ignore[method-assign]
    results: list[int] = []
    errors: list[BaseException] = []

    def searching(text: str) -> None:
        try:
            results.append(find(backend, text).total)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=searching, args=(t,)) for t in ("钛", "机床")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == expected
    assert in_use == [2]
    assert backend.readers_in_use == 0


def test_read_connections_are_reused_and_closed(backend: SqliteSearch) -> None:
    for _ in range(5):
        find(backend, "钛")
    assert len(backend._idle) == 1  # one search at a time needs one connection, kept open
    backend.close()
    assert backend._idle == []
    with pytest.raises(SearchUnavailable, match="已关闭"):
        find(backend, "钛")
