"""Times as the public reads them: China Standard Time. Stored datetimes are UTC (the loader
converts; SQLite keeps no offset), so a naive value is read as UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

CHINA = timezone(timedelta(hours=8), "CST")


def aware(value: datetime) -> datetime:
    """`value` with a time zone: naive values are UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def local(value: datetime) -> datetime:
    return aware(value).astimezone(CHINA)


def start_of_day(day: date) -> datetime:
    """Midnight of `day` in China."""
    return datetime.combine(day, time(), CHINA)


def local_date(value: datetime | date | None) -> str:
    """`2026-10-01` in China time; "—" for nothing."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return local(value).date().isoformat()
    return value.isoformat()



def local_datetime(value: datetime | None) -> str:
    """`2026-11-24 10:30` in China time; "—" for nothing."""
    if value is None:
        return "—"
    return local(value).strftime("%Y-%m-%d %H:%M")
