"""Elasticsearch request bodies for a search: pure functions that only build dicts.

The semantics are those of the embedded search (`sqlite.match_expression`), on the runs that
`mapping.document_source` indexes:

- every part of every whitespace-separated term must match (AND);
- a Chinese part is the `match_phrase` of its text (kana and hangul spaced out, as indexed) over
  the name, products, person, texts and address fields. The standard analyzer cuts it into
  single characters, and a phrase of consecutive characters within one run matches exactly the
  texts that contain the string: the same as the embedded search's bigram phrases, for one
  character as for six;
- a latin/digit word is a `match_phrase` (one token) over those fields and the codes; the last
  word of the query (when no space follows) is a `prefix` instead, for search-as-you-type;
- a valid USCC or organisation code is first looked up exactly (`term`);
- the filters go into `post_filter`, and each facet is a `filter` aggregation with every filter
  but its own, so a facet still offers the values to switch to;
- ranking: exact name, then names starting with the query, then relevance, then name and USCC.
  The first two are constant scores far above any relevance score (`TIER`), so one `_score` sort
  does it without scripts; `relevance` takes them off again for `SearchHit.score`.
"""

from __future__ import annotations

from typing import Any

from portal.search.base import FACET_FIELDS
from portal.search.elastic.mapping import (
    CODES_BOOST,
    FACET_KEYWORDS,
    MAX_RESULT_WINDOW,
    SEARCH_BOOSTS,
    SOURCE_FIELDS,
    cjk_text,
)
from portal.search.tokens import ParsedQuery, QueryPart, RunKind

# Constant score of "the name starts with the query", and again of "the name is the query". Far
# above the relevance scores of real queries (tens to hundreds), and small enough that a float32
# score keeps relevance to about 0.01 on top of it.
TIER = 100_000.0
# Values per facet: more than any facet has (districts, industries, lists, colours).
FACET_SIZE = 1000

BY_NAME: list[dict[str, Any]] = [{"name": "asc"}, {"uscc": "asc"}]
BY_RELEVANCE: list[dict[str, Any]] = [{"_score": "desc"}, *BY_NAME]


def part_query(part: QueryPart) -> dict[str, Any]:
    """One part of a query: matches in any searchable field, scores summed over the fields."""
    fields = {f"search.{field}": boost for field, boost in SEARCH_BOOSTS.items()}
    if part.kind is RunKind.WORD:
        fields["search.codes"] = CODES_BOOST
    kind, key = ("prefix", "value") if part.prefix else ("match_phrase", "query")
    text = cjk_text(part.text) if part.kind is RunKind.CJK else part.text
    should = [{kind: {f: {key: text, "boost": b}}} for f, b in fields.items()]
    return {"bool": {"should": should, "minimum_should_match": 1}}


def text_query(parsed: ParsedQuery) -> dict[str, Any]:
    """All parts of a parsed query (which has at least one), ANDed."""
    return {"bool": {"must": [part_query(part) for part in parsed.parts]}}


def ranked_query(parsed: ParsedQuery) -> dict[str, Any]:
    """`text_query`, plus TIER for a name starting with the query and TIER more for the name."""
    return {
        "bool": {
            "must": [text_query(parsed)],
            "should": [
                {"constant_score": {"filter": {"prefix": {"name": parsed.text}}, "boost": TIER}},
                {"constant_score": {"filter": {"term": {"name": parsed.text}}, "boost": TIER}},
            ],
        }
    }


def relevance(score: float | None, name: str, text: str) -> float:
    """A hit's relevance: its `_score` from `ranked_query` without the name tiers."""
    if score is None:
        return 0.0
    tiers = TIER * (name.startswith(text) + (name == text))
    return max(0.0, score - tiers)


def code_query(code: str) -> dict[str, Any]:
    """Exact lookup of a normalised, valid USCC (18 characters) or organisation code (9)."""
    return {"term": {"uscc" if len(code) == 18 else "org_code": code}}


def match_all() -> dict[str, Any]:
    return {"match_all": {}}


def filter_query(filters: dict[str, str], skip: str | None = None) -> dict[str, Any]:
    """The documents that pass every filter (FACET_FIELDS name -> value) but `skip`'s."""
    clauses = [
        {"term": {FACET_KEYWORDS[field]: value}}
        for field, value in filters.items()
        if field != skip
    ]
    return {"bool": {"filter": clauses}} if clauses else match_all()


def facet_aggregations(filters: dict[str, str]) -> dict[str, Any]:
    """Per facet, its values by count (then value), over the matches that pass the other filters."""
    return {
        field: {
            "filter": filter_query(filters, skip=field),
            "aggs": {
                "values": {
                    "terms": {
                        "field": FACET_KEYWORDS[field],
                        "size": FACET_SIZE,
                        "order": [{"_count": "desc"}, {"_key": "asc"}],
                        "exclude": [""],
                    }
                }
            },
        }
        for field in FACET_FIELDS
    }


def page(offset: int, limit: int) -> tuple[int, int]:
    """`from` and `size` for a page, kept within MAX_RESULT_WINDOW (see `window_exceeded`)."""
    start = min(offset, MAX_RESULT_WINDOW)
    return start, max(0, min(limit, MAX_RESULT_WINDOW - start))


def window_exceeded(offset: int, limit: int, total: int) -> bool:
    """Whether a page asked for hits beyond MAX_RESULT_WINDOW that `page` could not fetch."""
    start, size = page(offset, limit)
    wanted_end = min(offset + limit, total)
    return wanted_end > offset and wanted_end > start + size


def search_body(
    query: dict[str, Any],
    filters: dict[str, str],
    *,
    offset: int,
    limit: int,
    sort: list[dict[str, Any]],
) -> dict[str, Any]:
    """A whole search request: hits of one page, exact total, facets."""
    start, size = page(offset, limit)
    body: dict[str, Any] = {
        "query": query,
        "aggs": facet_aggregations(filters),
        "from": start,
        "size": size,
        "sort": sort,
        "track_total_hits": True,
        "_source": list(SOURCE_FIELDS),
    }
    if filters:
        body["post_filter"] = filter_query(filters)
    return body
