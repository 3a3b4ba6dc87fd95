"""Search over enterprise credit files: one interface (`SearchBackend`) that the site and GraphQL
both use, with an embedded SQLite FTS5 implementation and an Elasticsearch one
(`portal.search.elastic`).

Only this package talks to a search engine. `open_backend(settings)` picks the implementation.
"""

from __future__ import annotations

from portal.search.base import (
    FACET_FIELDS,
    FacetValue,
    Highlight,
    SearchBackend,
    SearchDocument,
    SearchHit,
    SearchQuery,
    SearchResult,
)
from portal.settings import Settings


def open_backend(settings: Settings) -> SearchBackend:
    """The search backend the settings ask for."""
    if settings.elasticsearch_url:
        from portal.search.elastic import ElasticsearchSearch

        return ElasticsearchSearch(
            settings.elasticsearch_url, settings.index_prefix, settings.elasticsearch_analyzer
        )
    from portal.search.sqlite import SqliteSearch

    return SqliteSearch(settings.search_file)


__all__ = [
    "FACET_FIELDS",
    "FacetValue",
    "Highlight",
    "SearchBackend",
    "SearchDocument",
    "SearchHit",
    "SearchQuery",
    "SearchResult",
    "open_backend",
]
