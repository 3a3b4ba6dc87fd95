"""Search over enterprise credit files: one interface (`SearchBackend`) that the site and GraphQL
both use, with an embedded SQLite FTS5 implementation and room for Elasticsearch.

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
        from portal.errors import ConfigurationError

        raise ConfigurationError(
            "PORTAL_ELASTICSEARCH_URL is set, but the Elasticsearch backend is not built yet; "
            "unset it to use the embedded search"
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
