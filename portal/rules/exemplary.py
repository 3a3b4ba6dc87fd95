"""The red list (质量诚信示范企业): when an exemplary designation lapses, and when it is suspended.

- `exemplary_lapse`: the designation lapses (示范资格失效, for good) on the first day of its period
  on which a blacklist entry or quality-safety warning of the enterprise is in force. Why for good:
  those are serious dishonesty (不良信息 not corrected in time, refusal to rectify, a serious
  violation); the honour was awarded for "连续三年监督抽查合格,无质量违法记录", which they refute,
  and the joint-incentive rules of the State Council withdraw honours from entities on dishonesty
  lists. A new designation by the bureau is needed to return to the list.
- `exemplary_suspension`: while a bad record (不良信息) of the enterprise is in force (published and
  not past its last public day), the designation is suspended (示范资格暂停): not on the list, not
  counted, and the credit file says why. Why only suspended: a bad record is a first, minor
  finding that the enterprise is helped to correct (the article); once it is no longer shown the
  designation returns, if its own period has not ended. A bad record upgraded to the blacklist or
  a quality-safety warning ends in a lapse instead.

Both are dated ahead (they follow from the bad record's dates), and the job materialises the
current or next suspension (`suspended_from`, `suspended_until`) beside `display_until`, so that
the lists and counts agree with the credit file on any day between two runs of the job. Several
bad records make overlapping or adjacent periods into one suspension.
"""

from __future__ import annotations

from datetime import date

from portal.domain import CreditList
from portal.rules.colours import add_days
from portal.rules.evaluation import Entry
from portal.rules.model import Period as Period

ADVERSE = (CreditList.blacklist, CreditList.quality_safety_warning)


def _min(a: date | None, b: date | None) -> date | None:
    return b if a is None else a if b is None else min(a, b)


def lapse(e: Entry, entries: list[Entry]) -> None:
    """An exemplary designation lapses when an adverse entry is first in force in its period."""
    until = e.ends_on
    first: date | None = None
    for x in entries:
        if x.list_name not in ADVERSE:
            continue
        if x.starts_on > (until or date.max) or (x.display_until or date.max) < e.starts_on:
            continue
        start = max(x.starts_on, e.starts_on)
        first = start if first is None else min(first, start)
    e.lapse_on = first
    e.display_until = _min(until, None if first is None else add_days(first, -1))


def suspensions(e: Entry, entries: list[Entry]) -> list[Period]:
    """The periods within the designation's own (after a lapse) in which a bad record of the
    enterprise is in force, merged, earliest first."""
    last = e.display_until or date.max
    periods: list[tuple[date, date]] = []
    for x in entries:
        if x.list_name != CreditList.bad_records:
            continue
        start = max(x.starts_on, x.published, e.starts_on)
        end = min(x.display_until or date.max, last)
        if start <= end:
            periods.append((start, end))
    merged: list[tuple[date, date]] = []
    for start, end in sorted(periods):
        if merged and start <= add_days(merged[-1][1], 1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return [(start, None if end == date.max else end) for start, end in merged]


def current_suspension(periods: list[Period], today: date) -> Period | None:
    """The suspension in force on `today`, or else the next one: what the job materialises."""
    return next((p for p in periods if p[1] is None or p[1] >= today), None)


def suspension_reason(e: Entry, period: Period, entries: list[Entry]) -> str:
    """Why the designation is (or will be) suspended, with the bad records behind it."""
    start, end = period
    titles = [
        f"“{x.title}”"
        for x in entries
        if x.list_name == CreditList.bad_records
        and max(x.starts_on, x.published) <= (end or date.max)
        and (x.display_until or date.max) >= start
    ]
    head = f"示范资格暂停:企业有不良信息{'、'.join(titles[:3])}在公示期内"
    if end is None:
        return head
    back = add_days(end, 1)
    if e.display_until is not None and back > e.display_until:
        return f"{head},公示期至 {end};示范资格有效期至 {e.display_until},届时不再恢复"
    return f"{head},公示期至 {end};公示期满后于 {back} 恢复示范资格(有效期内)"
