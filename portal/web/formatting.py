"""Times as the public reads them: on China's clock (portal.clock). Stored datetimes are UTC
(the loader converts; SQLite keeps no offset), so a naive value is read as UTC.
"""

from __future__ import annotations

from datetime import date, datetime, time

from portal.clock import CHINA, in_china
from portal.clock import aware as aware


def local(value: datetime) -> datetime:
    return in_china(value)


def start_of_day(day: date) -> datetime:
    """Midnight of `day` in China (shown with its +08:00 offset)."""
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
