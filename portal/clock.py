"""The portal's clock: what "now" and "today" are, in China.

The bureau's dates are days in China (Asia/Shanghai), whatever time zone the server runs in: a
server whose clock is UTC is still on the previous day until 08:00 in Beijing. Everything that
asks for today (the credit rules, the pages, GraphQL, the feeds, the daily job) goes through
`china_today()` (via `Settings.current_date()`, which lets `PORTAL_TODAY` override it), and every
moment shown to the public is converted with `in_china()`. Never `date.today()` or a naive
`datetime.now()`: both follow the server's time zone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

# The one definition of China's time zone (China Standard Time, UTC+8, no daylight saving).
CHINA = ZoneInfo("Asia/Shanghai")


def utc_now() -> datetime:
    """The present moment, aware, in UTC (what is stored)."""
    return datetime.now(UTC)


def aware(moment: datetime) -> datetime:
    """`moment` with a time zone: naive values are UTC (SQLite keeps no offset)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def in_china(moment: datetime) -> datetime:
    """`moment` on China's clock."""
    return aware(moment).astimezone(CHINA)


def china_day(moment: datetime) -> date:
    """The day in China at `moment`."""
    return in_china(moment).date()


def china_today() -> date:
    """Today's date in China, on any server."""
    return china_day(utc_now())


def start_of_china_day(day: date) -> datetime:
    """Midnight at the start of `day` in China, in UTC (as stored): e.g. when a rule that fires
    on `day` approves its fact."""
    return datetime.combine(day, time(), CHINA).astimezone(UTC)
