"""Engines of the system of record: URLs and the datetimes they hand back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from portal.storage.db import database_url
from portal.storage.models import QuarantinedRecord


def test_postgresql_urls_without_a_driver_get_psycopg() -> None:
    for url in ("postgresql://u:p@db:5432/portal", "postgres://u:p@db:5432/portal"):
        parsed = database_url(url)
        assert parsed.drivername == "postgresql+psycopg"
        assert (parsed.username, parsed.password, parsed.host, parsed.database) == (
            "u", "p", "db", "portal",
        )  # fmt: skip
    assert database_url("postgresql+psycopg://db/x").drivername == "postgresql+psycopg"
    assert database_url("sqlite:////tmp/p.sqlite3").drivername == "sqlite"


def test_moments_come_back_as_utc_whatever_the_backend_and_session_zone(
    session_factory: sessionmaker[Session],
) -> None:
    """SQLite keeps no offset; PostgreSQL answers in the session's zone (Asia/Shanghai in the
    tests). Either way the portal gets aware datetimes in UTC, and naive ones are taken as UTC."""
    china = timezone(timedelta(hours=8))
    moments = {
        "aware": datetime(2026, 10, 1, 9, 30, tzinfo=china),
        "naive": datetime(2026, 10, 1, 1, 30),
    }
    with session_factory() as session:
        for n, (name, moment) in enumerate(moments.items()):
            session.add(
                QuarantinedRecord(
                    file=name, line=n, reason="-", raw="-", raw_hash=name, quarantined_at=moment
                )
            )
        session.commit()
    with session_factory() as session:
        stored = session.execute(select(QuarantinedRecord.file, QuarantinedRecord.quarantined_at))
        for name, moment in stored:
            assert moment == datetime(2026, 10, 1, 1, 30, tzinfo=UTC), name
            assert moment.utcoffset() == timedelta(0), name
