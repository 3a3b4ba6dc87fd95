"""The input records of the credit rules for one enterprise (`Facts`), and their loading.

The rules see what is public on `today` (vetted, not withdrawn, published by then), and the
rows they derived before (any state: a derived bad record is kept once published, and the job
reconciles what it derives with what it wrote). Loading is one query per kind of record for a
chunk of enterprises.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.rules.model import RULES_SYSTEM
from portal.storage.models import (
    Correction,
    CreditRepair,
    Designation,
    Enterprise,
    Licence,
    MeasuringInstrument,
    Operator,
    Product,
    RectificationNotice,
    SpecialEquipment,
)

T = TypeVar("T")


@dataclass
class Facts:
    """Everything the rules read about one enterprise."""

    uscc: str
    name: str
    equipment: list[SpecialEquipment] = field(default_factory=list)
    instruments: list[MeasuringInstrument] = field(default_factory=list)
    licences: list[Licence] = field(default_factory=list)
    operators: list[Operator] = field(default_factory=list)
    products: list[Product] = field(default_factory=list)
    notices: list[RectificationNotice] = field(default_factory=list)
    # Public designations from the bureau's systems (not derived).
    designations: list[Designation] = field(default_factory=list)
    # Every row the rules derived for the enterprise before, withdrawn ones too.
    derived: list[Designation] = field(default_factory=list)
    corrections: list[Correction] = field(default_factory=list)
    repairs: list[CreditRepair] = field(default_factory=list)


_PUBLIC_LISTS: dict[str, Any] = {
    "equipment": SpecialEquipment,
    "instruments": MeasuringInstrument,
    "licences": Licence,
    "operators": Operator,
    "products": Product,
    "notices": RectificationNotice,
    "corrections": Correction,
    "repairs": CreditRepair,
}


# What the colour decisions read (portal.rules.record_colours): the search documents load only this.
DUE_LISTS = ("equipment", "instruments", "licences", "operators", "corrections")


def load_facts(
    session: Session, usccs: Iterable[str], today: date, *, only: Iterable[str] | None = None
) -> dict[str, Facts]:
    """The facts of the known enterprises among `usccs` (one chunk: keep it to a few hundred);
    `only` some of the lists (e.g. DUE_LISTS; the derived rows are always loaded)."""
    kinds = set(_PUBLIC_LISTS if only is None else only)
    wanted = sorted(set(usccs))
    if not wanted:
        return {}
    facts = {
        uscc: Facts(uscc=uscc, name=name)
        for uscc, name in session.execute(
            select(Enterprise.uscc, Enterprise.name).where(Enterprise.uscc.in_(wanted))
        )
    }
    known = sorted(facts)
    for attribute, model in _PUBLIC_LISTS.items():
        if attribute not in kinds:
            continue
        rows = session.scalars(
            select(model)
            .where(model.enterprise_uscc.in_(known), model.is_public(today))
            .order_by(model.id)
        )
        for uscc, group in _by_uscc(rows).items():
            setattr(facts[uscc], attribute, group)
    d = Designation
    ingested = (
        ()
        if only is not None
        else session.scalars(
            select(d)
            .where(
                d.enterprise_uscc.in_(known), d.is_public(today), d.source_system != RULES_SYSTEM
            )
            .order_by(d.id)
        )
    )
    for uscc, group in _by_uscc(ingested).items():
        facts[uscc].designations = group
    derived = session.scalars(
        select(d)
        .where(d.enterprise_uscc.in_(known), d.source_system == RULES_SYSTEM)
        .order_by(d.id)
    )
    for uscc, group in _by_uscc(derived).items():
        facts[uscc].derived = group
    return facts


def _by_uscc(rows: Iterable[T]) -> dict[str, list[T]]:
    groups: dict[str, list[T]] = defaultdict(list)
    for row in rows:
        groups[row.enterprise_uscc].append(row)  # type: ignore[attr-defined]
    return groups
