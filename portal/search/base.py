"""The search interface and its value types, shared by every backend."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from portal.errors import BadRequest

# Fields a search can be filtered and faceted by, in the order the site shows them.
FACET_FIELDS = ("district", "industry", "list", "colour")
# Documents per transaction (embedded) or bulk request (Elasticsearch) when writing the index.
CHUNK = 500


@dataclass(frozen=True)
class SearchDocument:
    """Everything searchable about one enterprise, built from its public facts on one day."""

    uscc: str
    org_code: str
    name: str
    former_names: tuple[str, ...] = ()
    address: str = ""
    legal_representative: str = ""
    district: str = ""
    industry: str = ""
    products: tuple[str, ...] = ()
    # Texts of public records: sampling results, notice items, cases, complaints, designations.
    texts: tuple[str, ...] = ()
    # CreditList values the enterprise is on today.
    lists: tuple[str, ...] = ()
    # Worst warning colour of its equipment, instruments and licences today (None: nothing due).
    colour: str | None = None


@dataclass(frozen=True)
class SearchQuery:
    text: str
    # FACET_FIELDS name -> value; all must hold.
    filters: dict[str, str] = field(default_factory=dict)
    offset: int = 0
    limit: int = 20


def checked_filters(query: SearchQuery) -> dict[str, str]:
    """The checks every backend makes before it searches, in one place: paging that is not
    negative (a limit of 0 asks for the total and facets only) and known filters. Returns the
    filters that are set."""
    if query.offset < 0 or query.limit < 0:
        raise BadRequest("分页参数不能为负数")
    filters = {k: v for k, v in query.filters.items() if v}
    unknown = sorted(set(filters) - set(FACET_FIELDS))
    if unknown:
        raise BadRequest(f"不支持的筛选条件:{'、'.join(unknown)}")
    return filters


@dataclass(frozen=True)
class Highlight:
    """A field's original text cut into segments; `True` marks the segments that matched."""

    field: str
    segments: tuple[tuple[str, bool], ...]


@dataclass(frozen=True)
class SearchHit:
    uscc: str
    name: str
    district: str
    industry: str
    lists: tuple[str, ...]
    colour: str | None
    score: float
    highlights: tuple[Highlight, ...] = ()


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int


@dataclass(frozen=True)
class SearchResult:
    # Exact number of matching documents, whatever the page.
    total: int
    hits: tuple[SearchHit, ...]
    # FACET_FIELDS name -> values with counts over all matches (filters applied).
    facets: dict[str, tuple[FacetValue, ...]]
    # True when the query was a USCC or organisation code and was looked up exactly.
    exact: bool = False
    # Which backend answered ("sqlite", "elasticsearch", "sql-fallback").
    backend: str = ""


class SearchBackend(Protocol):
    name: str

    def search(self, query: SearchQuery) -> SearchResult:
        """Run a query. Raises BadRequest for a query it cannot run, SearchUnavailable when down."""
        ...

    def upsert(self, documents: Iterable[SearchDocument]) -> int:
        """Add or replace documents (by USCC); returns how many were written."""
        ...

    def delete(self, usccs: Iterable[str]) -> int:
        """Remove documents of enterprises that are no longer public."""
        ...

    def rebuild(self, documents: Iterable[SearchDocument]) -> int:
        """Replace the whole index with `documents`; a failure leaves the old index in place."""
        ...

    def count(self) -> int: ...

    def close(self) -> None: ...
