"""The objection limit holds under concurrent submissions, on SQLite and PostgreSQL: counting a
client's objections and adding one happen under one lock (`portal.objections._lock_client`)."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from portal.errors import TooManyRequests
from portal.objections import client_hash, submit_objection
from portal.storage.db import session_scope
from portal.storage.models import Objection
from tests import factories as f

TODAY = date(2026, 11, 24)
NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
SUBMISSIONS = 20


def test_twenty_concurrent_submissions_let_exactly_five_through(
    session_factory: sessionmaker[Session],
) -> None:
    """Was 7 of 20: every submission counted the others' before any had inserted."""
    with session_scope(session_factory) as session:
        licence = f.add_licence(session, f.add_enterprise(session, "宝鸡市并发异议有限公司"))
        system, source_id = licence.source_system, licence.source_record_id
    client = client_hash(b"test-key", "203.0.113.7")
    other = client_hash(b"test-key", "198.51.100.9")
    start = threading.Barrier(SUBMISSIONS + 1, timeout=60)
    outcomes: list[str] = []

    def submit(n: int, who: str) -> None:
        start.wait()
        try:
            with session_scope(session_factory) as session:
                submit_objection(
                    session, record_kind="licence", source_system=system, source_id=source_id,
                    reason=f"第{n}份异议:该许可证已延续,公示的有效期有误。", contact_name="王女士",
                    contact_phone="13912345678", client_hash=who, now=NOW, today=TODAY,
                    per_hour=5, per_day=20,
                )  # fmt: skip
            outcomes.append("accepted" if who == client else "other accepted")
        except TooManyRequests:
            outcomes.append("refused")
        except Exception as exc:  # a lock timeout or a deadlock would land here
            outcomes.append(f"error: {exc!r}")

    # 20 from one client, and one from another that the first's lock must not hold up.
    threads = [threading.Thread(target=submit, args=(n, client)) for n in range(SUBMISSIONS)]
    threads.append(threading.Thread(target=submit, args=(99, other)))
    for thread in threads[1:]:
        thread.start()
    threads[0].start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(outcomes) == sorted(["accepted"] * 5 + ["refused"] * 15 + ["other accepted"])
    with session_factory() as session:
        stored = session.scalar(
            select(func.count()).select_from(Objection).where(Objection.client_hash == client)
        )
    assert stored == 5
