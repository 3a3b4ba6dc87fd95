"""The fixed set of realistic Chinese search queries, built deterministically from the ingested
data (same data, same queries, on SQLite as on PostgreSQL).

Eight queries in each of eight kinds: one to six characters cut from enterprise names (the
字号 a citizen remembers, with or without the city prefix), legal representatives, products
(the most frequent and random ones), and codes (USCC and organisation code).
"""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from portal.storage.models import Enterprise, Product

PER_KIND = 8
_PREFIXES = ("陕西省宝鸡市", "陕西宝鸡", "宝鸡市", "陕西省", "陕西", "宝鸡")


@dataclass(frozen=True)
class Query:
    kind: str
    text: str
    uscc: str  # the enterprise it was cut from ("" for products)


def _trade(name: str) -> str:
    for prefix in _PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def build(database_url: str, seed: int = 2013) -> list[Query]:
    engine = create_engine(database_url)
    rnd = random.Random(seed)
    try:
        with Session(engine) as session:
            count = session.scalar(select(func.count()).select_from(Enterprise)) or 0
            step = max(1, count // 4000)
            rows = session.execute(
                select(
                    Enterprise.uscc, Enterprise.org_code, Enterprise.name,
                    Enterprise.legal_representative,
                )
                .where(Enterprise.id % step == 0, Enterprise.withdrawn.is_(False))
                .order_by(Enterprise.uscc)
            ).all()  # fmt: skip
            products = Counter(
                dict(
                    session.execute(
                        select(Product.name, func.count())
                        .where(Product.id <= 50_000)
                        .group_by(Product.name)
                        .order_by(Product.name)
                    ).all()
                )
            )
    finally:
        engine.dispose()
    picked = rnd.sample(rows, min(len(rows), PER_KIND * 5))
    queries: list[Query] = []

    def add(kind: str, chosen: list[tuple[str, str]]) -> None:
        queries.extend(Query(kind, q, uscc) for uscc, q in chosen[:PER_KIND])

    trades = [(r.uscc, _trade(r.name)) for r in picked]
    add("1 char (字号)", [(u, t[:1]) for u, t in trades[0:PER_KIND]])
    add("2 chars (字号)", [(u, t[:2]) for u, t in trades[PER_KIND : 2 * PER_KIND]])
    add("3 chars (字号)", [(u, t[:3]) for u, t in trades[2 * PER_KIND : 3 * PER_KIND]])
    add("4 chars (字号+行业)", [(u, t[:4]) for u, t in trades[3 * PER_KIND : 4 * PER_KIND]])
    add(
        "5-6 chars (名称开头)",
        [(r.uscc, r.name[: 5 + i % 2]) for i, r in enumerate(picked[4 * PER_KIND :])],
    )
    people = [(r.uscc, r.legal_representative) for r in rnd.sample(rows, PER_KIND)]
    add("person (法定代表人)", [(u, p) for u, p in people if p] + [("", "王")])
    common = [name for name, _ in products.most_common(PER_KIND // 2)]
    rest = sorted(set(products) - set(common))
    chosen = common + rnd.sample(rest, min(len(rest), PER_KIND - len(common)))
    add("product (产品)", [("", p) for p in chosen])
    coded = rnd.sample(rows, PER_KIND)
    add(
        "code (代码)", [(r.uscc, r.uscc if i % 2 == 0 else r.org_code) for i, r in enumerate(coded)]
    )
    return queries


def credit_file_usccs(queries: list[Query]) -> list[str]:
    """The enterprises the name queries were cut from: the credit files to fetch."""
    return sorted({q.uscc for q in queries if q.uscc})


def save(queries: list[Query], path: Path) -> None:
    path.write_text(
        json.dumps([asdict(q) for q in queries], ensure_ascii=False, indent=1), encoding="utf-8"
    )


def load(path: Path) -> list[Query]:
    return [Query(**q) for q in json.loads(path.read_text(encoding="utf-8"))]
