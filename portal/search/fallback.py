"""Search answered from SQL when the search engine is down, and the wrapper that switches to it.

The fallback is simpler than a search engine, and says so (`backend="sql-fallback"`): substring
matches on names, addresses, legal representatives and products, ordered by name, exact totals,
district / industry / list facets. It cannot filter or facet by warning colour (colours live in
the index), and refuses such a filter rather than ignore it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from portal.codes import is_org_code, is_uscc, normalise
from portal.errors import BadRequest, SearchUnavailable
from portal.logs import get_logger
from portal.search.base import (
    FACET_FIELDS,
    FacetValue,
    SearchBackend,
    SearchDocument,
    SearchHit,
    SearchQuery,
    SearchResult,
    checked_filters,
)
from portal.search.highlight import document_highlights
from portal.search.tokens import parse_query
from portal.storage.models import Designation, Enterprise, Product
from portal.storage.queries import designation_is_current

log = get_logger(__name__)


class SqlFallbackSearch:
    name = "sql-fallback"

    def __init__(self, session_factory: sessionmaker[Session], today: Callable[[], date]):
        self._sessions = session_factory
        self._today = today

    def search(self, query: SearchQuery) -> SearchResult:
        filters = checked_filters(query)
        if filters.get("colour"):
            raise BadRequest("检索服务暂不可用,数据库简易检索暂不支持按预警颜色筛选,请稍后再试")
        today = self._today()
        text = query.text.strip()
        code = normalise(text)
        exact = bool(text) and (is_uscc(code) or is_org_code(code))
        terms: tuple[str, ...] = ()
        conditions: list[ColumnElement[bool]] = [Enterprise.is_public(today)]
        if exact:
            conditions.append(or_(Enterprise.uscc == code, Enterprise.org_code == code))
        elif text:
            terms = parse_query(text).highlight_terms  # raises BadRequest when nothing to search
            conditions += [_contains(term, today) for term in terms]
        with self._sessions() as session:
            facets = {
                name: _facet(session, name, [*conditions, *_filters(filters, today, name)], today)
                for name in FACET_FIELDS
            }
            where = conditions + _filters(filters, today)
            total = session.scalar(select(func.count()).select_from(Enterprise).where(*where))
            rows = session.scalars(
                select(Enterprise)
                .where(*where)
                .order_by(Enterprise.name, Enterprise.id)
                .offset(query.offset)
                .limit(query.limit)
            ).all()
            lists = _lists(session, [e.uscc for e in rows], today)
        hits = tuple(_hit(e, lists.get(e.uscc, ()), terms) for e in rows)
        return SearchResult(
            total=total or 0, hits=hits, facets=facets, exact=exact, backend=self.name
        )

    # The fallback writes nothing: the index catches up when the engine is back.
    def upsert(self, documents: Iterable[SearchDocument]) -> int:
        raise SearchUnavailable("数据库简易检索不维护索引")

    def delete(self, usccs: Iterable[str]) -> int:
        raise SearchUnavailable("数据库简易检索不维护索引")

    def rebuild(self, documents: Iterable[SearchDocument]) -> int:
        raise SearchUnavailable("数据库简易检索不维护索引")

    def count(self) -> int:
        with self._sessions() as session:
            return (
                session.scalar(select(func.count()).where(Enterprise.is_public(self._today()))) or 0
            )

    def close(self) -> None:
        pass


class ResilientSearch:
    """The configured engine, with the SQL fallback answering searches while it is unavailable.

    Writes are not redirected: they raise SearchUnavailable, so the caller keeps them as
    pending work and the index converges when the engine is back.
    """

    def __init__(self, primary: SearchBackend, fallback: SearchBackend) -> None:
        self.primary = primary
        self.fallback = fallback
        self.name = primary.name

    def search(self, query: SearchQuery) -> SearchResult:
        try:
            return self.primary.search(query)
        except SearchUnavailable as exc:
            log.warning("search.fallback", backend=self.primary.name, error=exc.detail)
            return self.fallback.search(query)

    def upsert(self, documents: Iterable[SearchDocument]) -> int:
        return self.primary.upsert(documents)

    def delete(self, usccs: Iterable[str]) -> int:
        return self.primary.delete(usccs)

    def rebuild(self, documents: Iterable[SearchDocument]) -> int:
        return self.primary.rebuild(documents)

    def count(self) -> int:
        return self.primary.count()

    def close(self) -> None:
        self.primary.close()


def _contains(term: str, today: date) -> ColumnElement[bool]:
    """The enterprise's name, address, legal representative or a public product contains term."""
    product = exists().where(
        Product.enterprise_uscc == Enterprise.uscc,
        Product.is_public(today),
        Product.name.icontains(term, autoescape=True),
    )
    return or_(
        Enterprise.name.icontains(term, autoescape=True),
        Enterprise.address.icontains(term, autoescape=True),
        Enterprise.legal_representative.icontains(term, autoescape=True),
        product,
    )


def _on_list(list_name: str, today: date) -> ColumnElement[bool]:
    return exists().where(
        Designation.enterprise_uscc == Enterprise.uscc,
        Designation.list_name == list_name,
        designation_is_current(today),
    )


def _filters(
    filters: dict[str, str], today: date, skip: str | None = None
) -> list[ColumnElement[bool]]:
    """The filters as conditions; a facet's own filter is skipped when counting that facet."""
    conditions: list[ColumnElement[bool]] = []
    for name, value in filters.items():
        if not value or name == skip:
            continue
        if name == "list":
            conditions.append(_on_list(value, today))
        elif name in ("district", "industry"):
            conditions.append(getattr(Enterprise, name) == value)
    return conditions


def _facet(
    session: Session, name: str, where: list[ColumnElement[bool]], today: date
) -> tuple[FacetValue, ...]:
    if name == "colour":
        return ()  # colours are computed for the index only
    if name == "list":
        rows = session.execute(
            select(Designation.list_name, func.count(func.distinct(Enterprise.id)))
            .join(Enterprise, Enterprise.uscc == Designation.enterprise_uscc)
            .where(*where, designation_is_current(today))
            .group_by(Designation.list_name)
        ).all()
    else:
        column = getattr(Enterprise, name)
        rows = session.execute(select(column, func.count()).where(*where).group_by(column)).all()
    counts = [FacetValue(str(value), count) for value, count in rows if value]
    return tuple(sorted(counts, key=lambda f: (-f.count, f.value)))


def _lists(session: Session, usccs: list[str], today: date) -> dict[str, tuple[str, ...]]:
    found: dict[str, set[str]] = {}
    if usccs:
        rows = session.execute(
            select(Designation.enterprise_uscc, Designation.list_name).where(
                and_(Designation.enterprise_uscc.in_(usccs), designation_is_current(today))
            )
        )
        for uscc, list_name in rows:
            found.setdefault(uscc, set()).add(list_name)
    return {uscc: tuple(sorted(names)) for uscc, names in found.items()}


def _hit(enterprise: Enterprise, lists: tuple[str, ...], terms: tuple[str, ...]) -> SearchHit:
    return SearchHit(
        uscc=enterprise.uscc,
        name=enterprise.name,
        district=enterprise.district,
        industry=enterprise.industry,
        lists=lists,
        colour=None,
        score=0.0,
        highlights=document_highlights(
            terms,
            name=enterprise.name,
            address=enterprise.address or "",
            legal_representative=enterprise.legal_representative or "",
        ),
    )
