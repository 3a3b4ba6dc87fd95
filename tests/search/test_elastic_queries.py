"""The pure parts of the Elasticsearch backend: names, mapping, documents and request bodies."""

from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from portal.errors import ConfigurationError
from portal.search.elastic import mapping, queries
from portal.search.elastic.names import (
    SCHEMA_VERSION,
    alias_name,
    check_prefix,
    index_name,
    index_pattern,
    parse_index_name,
)
from portal.search.tokens import parse_query
from tests.search.corpus import FULLWIDTH, TITANIUM, TRADER

FIELDS = ("search.name", "search.products", "search.person", "search.texts", "search.address")
BOOSTS = (20.0, 6.0, 3.0, 1.0, 1.0)


def clauses(query: dict[str, Any]) -> list[dict[str, Any]]:
    return query["bool"]["should"]


# -- names -----------------------------------------------------------------------------------------


def test_names() -> None:
    assert alias_name("credit-portal") == "credit-portal-enterprises"
    assert index_pattern("p") == "p-enterprises-v*"
    assert index_name("p", "0") == f"p-enterprises-v{SCHEMA_VERSION}-0"
    stamped = index_name("p")
    version, stamp = parse_index_name("p", stamped) or (0, "")
    assert (version, len(stamp)) == (SCHEMA_VERSION, 20)
    assert index_name("p") >= stamped  # time-ordered
    assert parse_index_name("p", "p-enterprises-v7-123") == (7, "123")
    for other in (
        "p-enterprises",
        "q-enterprises-v1-0",
        "p-enterprises-v1-x",
        "p-x-enterprises-v1-0",
    ):
        assert parse_index_name("p", other) is None
    assert check_prefix("credit-portal-test-1a2b3c4d") == "credit-portal-test-1a2b3c4d"
    with pytest.raises(ConfigurationError):
        check_prefix("_hidden")


# -- mapping and documents ---------------------------------------------------------------------


def test_mapping_is_strict_and_uses_the_configured_analyzer() -> None:
    body = mapping.mappings("ik_max_word")
    assert body["dynamic"] == "strict"
    assert body["_meta"] == {"schema_version": SCHEMA_VERSION, "analyzer": "ik_max_word"}
    props = body["properties"]
    for field in ("uscc", "org_code", "name", "district", "industry", "lists", "colour"):
        assert props[field] == {"type": "keyword"}, field
    for field in ("former_names", "address", "legal_representative", "products", "texts"):
        assert props[field] == {"type": "text", "index": False}, field
    search = props["search"]["properties"]
    assert set(search) == {"name", "products", "person", "texts", "address", "codes"}
    for field in search.values():
        assert field == {"type": "text", "analyzer": "ik_max_word", "position_increment_gap": 100}
    standard = mapping.mappings("standard")["properties"]["search"]["properties"]
    assert standard["name"]["analyzer"] == "standard"


def test_index_settings() -> None:
    assert mapping.index_settings() == {
        "index": {"number_of_shards": 1, "number_of_replicas": 0, "max_result_window": 100_000}
    }
    assert mapping.index_settings(loading=True)["index"]["refresh_interval"] == "-1"


def test_document_keeps_originals_and_indexes_runs() -> None:
    source = mapping.document_source(TITANIUM)
    assert source["name"] == TITANIUM.name
    assert source["products"] == ["钛合金锻件", "钛棒"]
    assert source["lists"] == ["exemplary"]
    assert source["colour"] == "green"
    assert source["search"]["name"] == ["宝鸡钛业股份有限公司", "宝鸡有色金属加工厂"]
    assert source["search"]["codes"] == [TITANIUM.uscc.lower(), TITANIUM.org_code.lower()]
    # Punctuation ends a run; latin and CJK are runs of their own; width and case are folded.
    assert mapping.document_source(FULLWIDTH)["search"]["name"] == ["xyz", "科技有限公司"]
    texts = mapping.document_source(replace(TRADER, texts=("钛合,合金x", "ＡＢＣ")))
    assert texts["search"]["texts"] == ["钛合", "合金", "x", "abc"]
    assert mapping.document_source(TRADER)["colour"] == "red"
    assert mapping.cjk_text("サンプル株式会社") == "サ ン プ ル 株式会社"
    assert mapping.cjk_text("한국") == "한 국"


# -- queries -----------------------------------------------------------------------------------


def test_chinese_parts_are_phrases_over_the_text_fields() -> None:
    for text in ("钛", "钛合", "钛合金锻件厂"):
        (part,) = parse_query(text).parts
        query = queries.part_query(part)
        assert query["bool"]["minimum_should_match"] == 1
        assert clauses(query) == [
            {"match_phrase": {field: {"query": text, "boost": boost}}}
            for field, boost in zip(FIELDS, BOOSTS, strict=True)
        ]


def test_words_also_search_the_codes_and_the_last_is_a_prefix() -> None:
    word, last = parse_query("ABC foo").parts
    assert clauses(queries.part_query(word))[-1] == {
        "match_phrase": {"search.codes": {"query": "abc", "boost": 10.0}}
    }
    assert clauses(queries.part_query(last))[0] == {
        "prefix": {"search.name": {"value": "foo", "boost": 20.0}}
    }
    assert len(clauses(queries.part_query(last))) == 6
    (spaced,) = parse_query("foo ").parts
    assert "match_phrase" in clauses(queries.part_query(spaced))[0]


def test_terms_and_parts_are_all_required() -> None:
    parsed = parse_query("宝鸡 钛合金-锻件")
    must = queries.text_query(parsed)["bool"]["must"]
    assert must == [queries.part_query(part) for part in parsed.parts]
    texts = [c["bool"]["should"][0]["match_phrase"]["search.name"]["query"] for c in must]
    assert texts == ["宝鸡", "钛合金", "锻件"]


def test_ranking_tiers_and_relevance() -> None:
    parsed = parse_query("宝鸡钛业")
    ranked = queries.ranked_query(parsed)
    assert ranked["bool"]["must"] == [queries.text_query(parsed)]
    assert ranked["bool"]["should"] == [
        {"constant_score": {"filter": {"prefix": {"name": "宝鸡钛业"}}, "boost": queries.TIER}},
        {"constant_score": {"filter": {"term": {"name": "宝鸡钛业"}}, "boost": queries.TIER}},
    ]
    assert queries.relevance(2 * queries.TIER + 5.5, "宝鸡钛业", "宝鸡钛业") == 5.5
    assert queries.relevance(queries.TIER + 5.5, "宝鸡钛业股份", "宝鸡钛业") == 5.5
    assert queries.relevance(5.5, "陕西钛材", "宝鸡钛业") == 5.5
    assert queries.relevance(None, "x", "y") == 0.0
    assert queries.BY_RELEVANCE == [{"_score": "desc"}, {"name": "asc"}, {"uscc": "asc"}]


def test_codes_are_looked_up_exactly() -> None:
    assert queries.code_query(TITANIUM.uscc) == {"term": {"uscc": TITANIUM.uscc}}
    assert queries.code_query(TITANIUM.org_code) == {"term": {"org_code": TITANIUM.org_code}}


def test_filters_and_facets_each_ignoring_its_own_filter() -> None:
    filters = {"district": "高新区", "list": "blacklist"}
    assert queries.filter_query({}) == {"match_all": {}}
    assert queries.filter_query(filters) == {
        "bool": {"filter": [{"term": {"district": "高新区"}}, {"term": {"lists": "blacklist"}}]}
    }
    aggs = queries.facet_aggregations(filters)
    assert list(aggs) == ["district", "industry", "list", "colour"]
    assert aggs["district"]["filter"] == {"bool": {"filter": [{"term": {"lists": "blacklist"}}]}}
    assert aggs["list"]["filter"] == {"bool": {"filter": [{"term": {"district": "高新区"}}]}}
    assert aggs["colour"]["filter"] == queries.filter_query(filters)
    terms = aggs["list"]["aggs"]["values"]["terms"]
    assert terms == {
        "field": "lists",
        "size": queries.FACET_SIZE,
        "order": [{"_count": "desc"}, {"_key": "asc"}],
        "exclude": [""],
    }


def test_search_body() -> None:
    query = queries.match_all()
    body = queries.search_body(query, {}, offset=40, limit=20, sort=queries.BY_NAME)
    assert body["query"] is query
    assert (body["from"], body["size"], body["track_total_hits"]) == (40, 20, True)
    assert body["sort"] == [{"name": "asc"}, {"uscc": "asc"}]
    assert "post_filter" not in body
    assert "search" not in body["_source"] and "name" in body["_source"]
    filtered = queries.search_body(query, {"colour": "red"}, offset=0, limit=0, sort=[])
    assert filtered["post_filter"] == {"bool": {"filter": [{"term": {"colour": "red"}}]}}
    assert filtered["size"] == 0


def test_pages_stay_within_the_result_window() -> None:
    window = mapping.MAX_RESULT_WINDOW
    assert queries.page(0, 20) == (0, 20)
    assert queries.page(window - 5, 20) == (window - 5, 5)
    assert queries.page(window + 5, 20) == (window, 0)
    assert not queries.window_exceeded(0, 20, 10)
    assert not queries.window_exceeded(window + 5, 20, 50)  # past the end: an empty page
    assert queries.window_exceeded(window - 5, 20, window + 100)
    assert not queries.window_exceeded(window - 5, 20, window)


def test_only_portal_search_imports_the_elasticsearch_client() -> None:
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for package in ("portal", "ingest"):
        for path in (root / package).rglob("*.py"):
            if path.is_relative_to(root / "portal" / "search"):
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                if any(n.split(".")[0] in ("elasticsearch", "elastic_transport") for n in names):
                    offenders.append(str(path.relative_to(root)))
    assert offenders == []
