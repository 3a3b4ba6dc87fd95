"""Calendar steps on dates that never crash: days and whole months, clamped to the calendar.

Every date step of the credit rules goes through these (portal.rules), and so does the demo data
(ingest), which dates its records as the rules would: a foundation with no import of the project.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def add_days(day: date, days: int) -> date:
    """`day` moved by `days`, clamped to date.min .. date.max: a stored "never" date such as
    9999-12-31 must not make a rule crash (it stays "no change within the calendar")."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, clamped to the last day of a shorter month, and to
    date.min .. date.max (every date step of the rules goes through add_days or add_months)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    if year > date.max.year:
        return date.max
    if year < date.min.year:
        return date.min
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
