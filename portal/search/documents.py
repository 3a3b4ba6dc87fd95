"""Search documents from the system of record: one per public enterprise, built from its public
facts on a given day.

Record texts are masked (portal.privacy) before they become part of a document: a resident ID or
telephone number in a complaint is neither stored in the index nor findable, on either backend.

Enterprises are read in chunks (keyset paging, plain rows, so nothing accumulates in the session);
each chunk's facts are loaded with one query per kind of record over the chunk's USCCs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.chunks import chunked
from portal.domain import SAMPLING_LABELS, CreditList, SamplingResult
from portal.privacy import mask_text
from portal.rules.facts import DUE_LISTS, load_facts
from portal.rules.model import Thresholds
from portal.rules.record_colours import record_colours
from portal.search.base import SearchDocument
from portal.storage.models import (
    Complaint,
    Designation,
    EnforcementCase,
    Enterprise,
    RectificationItem,
    RectificationNotice,
    SamplingInspection,
)
from portal.storage.queries import designation_is_current

_LIST_ORDER = {value.value: i for i, value in enumerate(CreditList)}
# The facts a document reads: what the colours read, and the products.
_FACT_LISTS = (*DUE_LISTS, "products")
_ENTERPRISE_COLUMNS = (
    Enterprise.id,
    Enterprise.uscc,
    Enterprise.org_code,
    Enterprise.name,
    Enterprise.former_names,
    Enterprise.address,
    Enterprise.legal_representative,
    Enterprise.district,
    Enterprise.industry,
)


def build_documents(
    session: Session,
    today: date,
    usccs: Iterable[str] | None = None,
    *,
    yellow_months: int = 6,
    chunk: int = 500,
) -> Iterator[SearchDocument]:
    """Documents of the public enterprises (all of them, or those of `usccs` that are public),
    streamed chunk by chunk in enterprise order."""
    # The indexer passes the one threshold the colours read; the rules take the object.
    th = Thresholds(yellow_months=yellow_months)
    for enterprises in _enterprise_chunks(session, today, usccs, chunk):
        yield from _documents(session, today, enterprises, th)


def _enterprise_chunks(
    session: Session, today: date, usccs: Iterable[str] | None, chunk: int
) -> Iterator[Sequence[Any]]:
    public = select(*_ENTERPRISE_COLUMNS).where(Enterprise.is_public(today))
    if usccs is not None:
        for batch in chunked(sorted(set(usccs)), chunk):
            stmt = public.where(Enterprise.uscc.in_(batch)).order_by(Enterprise.id)
            yield session.execute(stmt).all()
        return
    last_id = 0
    while True:
        stmt = public.where(Enterprise.id > last_id).order_by(Enterprise.id).limit(chunk)
        rows = session.execute(stmt).all()
        if not rows:
            return
        yield rows
        last_id = rows[-1].id


def _sampling_text(product: str, result: str, failed_items: list[str] | None) -> str:
    try:
        label = SAMPLING_LABELS[SamplingResult(result)]
    except ValueError:
        label = result
    text = f"{product} 抽检{label}"
    return f"{text}:{'、'.join(failed_items)}" if failed_items else text


def _texts(session: Session, today: date, usccs: list[str]) -> dict[str, list[str]]:
    """Searchable texts of the chunk's public records, per USCC, personal data masked."""
    texts: dict[str, list[str]] = defaultdict(list)
    s = SamplingInspection
    for uscc, product, result, failed in session.execute(
        select(s.enterprise_uscc, s.product_name, s.result, s.failed_items)
        .where(s.enterprise_uscc.in_(usccs), s.is_public(today))
        .order_by(s.enterprise_uscc, s.sampled_on, s.id)
    ):
        texts[uscc].append(mask_text(_sampling_text(product, result, failed)))
    n, item = RectificationNotice, RectificationItem
    queries = (
        select(n.enterprise_uscc, item.description)
        .join(n, item.notice_id == n.id)
        .where(n.enterprise_uscc.in_(usccs), n.is_public(today))
        .order_by(n.enterprise_uscc, n.issued_on, n.id, item.seq),
        select(EnforcementCase.enterprise_uscc, EnforcementCase.violation)
        .where(EnforcementCase.enterprise_uscc.in_(usccs), EnforcementCase.is_public(today))
        .order_by(EnforcementCase.enterprise_uscc, EnforcementCase.opened_on, EnforcementCase.id),
        select(Complaint.enterprise_uscc, Complaint.summary)
        .where(Complaint.enterprise_uscc.in_(usccs), Complaint.is_public(today))
        .order_by(Complaint.enterprise_uscc, Complaint.received_on, Complaint.id),
        # Only designations in force: a withdrawn, repaired or expired one leaves search too.
        select(Designation.enterprise_uscc, Designation.title, Designation.reason)
        .where(Designation.enterprise_uscc.in_(usccs), designation_is_current(today))
        .order_by(Designation.enterprise_uscc, Designation.starts_on, Designation.id),
    )
    for stmt in queries:
        for uscc, *values in session.execute(stmt):
            texts[uscc].extend(mask_text(v) for v in values if v)
    return texts


def _current_lists(session: Session, today: date, usccs: list[str]) -> dict[str, list[str]]:
    """The lists each enterprise is on today, by public designations in force today."""
    stmt = (
        select(Designation.enterprise_uscc, Designation.list_name)
        .where(Designation.enterprise_uscc.in_(usccs), designation_is_current(today))
        .distinct()
    )
    lists: dict[str, list[str]] = defaultdict(list)
    for uscc, name in session.execute(stmt):
        lists[uscc].append(name)
    return {
        u: sorted(names, key=lambda v: (_LIST_ORDER.get(v, len(_LIST_ORDER)), v))
        for u, names in lists.items()
    }


def _facts(
    session: Session, today: date, usccs: list[str], th: Thresholds
) -> tuple[dict[str, str | None], dict[str, list[str]]]:
    """Per USCC, the overall warning colour (the rules' one decision, portal.rules.record_colours,
    corrections and renewals included, as the credit file shows it) and the public products'
    names, from the rules' facts (portal.rules.facts): the one loading of an enterprise's facts.
    The chunk's rows are detached afterwards, so that nothing accumulates in the session over a
    whole rebuild."""
    facts = load_facts(session, usccs, today, only=_FACT_LISTS)
    colours: dict[str, str | None] = {}
    products: dict[str, list[str]] = {}
    for uscc, f in facts.items():
        overall = record_colours(f, today, th).overall
        colours[uscc] = overall.colour.value if overall else None
        products[uscc] = [p.name for p in f.products]
        for rows in (
            f.equipment,
            f.instruments,
            f.licences,
            f.operators,
            f.corrections,
            f.derived,
            f.products,
        ):
            for row in rows:
                session.expunge(row)
    return colours, products


def _documents(
    session: Session, today: date, enterprises: Sequence[Any], th: Thresholds
) -> Iterator[SearchDocument]:
    if not enterprises:
        return
    usccs = [row.uscc for row in enterprises]
    texts = _texts(session, today, usccs)
    lists = _current_lists(session, today, usccs)
    colours, products = _facts(session, today, usccs, th)
    for row in enterprises:
        yield SearchDocument(
            uscc=row.uscc,
            org_code=row.org_code,
            name=row.name,
            former_names=tuple(dict.fromkeys(n for n in row.former_names or () if n)),
            address=row.address or "",
            legal_representative=row.legal_representative or "",
            district=row.district,
            industry=row.industry,
            products=tuple(dict.fromkeys(products.get(row.uscc, ()))),
            texts=tuple(dict.fromkeys(texts.get(row.uscc, ()))),
            lists=tuple(lists.get(row.uscc, ())),
            colour=colours.get(row.uscc),
        )
