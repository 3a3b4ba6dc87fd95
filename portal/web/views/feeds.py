"""`/feeds/warnings.rss` and `/feeds/warnings.atom`: the newest quality-safety warnings
(质量安全预警信息), filterable by `?district=&industry=`.

Entry ids are stable (the designation's source identity under its credit file's URL), dates come
from when the designation was approved and published, links are absolute. A warning that left the
list (withdrawn, repaired by credit repair, or past its display period) comes back as an entry
titled "【撤销】…", dated the day it left, with the same id and "-withdrawn", so subscribers learn
of it. Both feeds carry an ETag and Last-Modified and answer conditional requests with 304.

A built feed is kept in memory for `PORTAL_FEED_CACHE_SECONDS` (`FeedCache`): feed readers poll,
and within that time a poll, conditional or not, is answered without a query or feedgen
(bench/RESULTS.md, "Feeds"). The feeds already tell proxies `max-age=300`.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import urlencode

from cachetools import TTLCache
from feedgen.feed import FeedGenerator
from starlette.requests import Request
from starlette.responses import Response

from portal.context import PortalContext
from portal.domain import CreditList
from portal.storage.ended import EndedDesignation, ended_designations
from portal.storage.models import Designation
from portal.storage.queries import ListedEnterprise, latest_warnings
from portal.web.formatting import aware, start_of_day
from portal.web.params import district_param, industry_param

FEED_TITLE = "质量安全预警信息"
# Distinct (kind, filters, day) feeds kept: two kinds × the districts × the industries, and more.
CACHE_ENTRIES = 1024


@dataclass(frozen=True)
class BuiltFeed:
    body: bytes
    etag: str
    last_modified: datetime


class FeedCache:
    """Built feeds by key, each kept `seconds` (0: none kept). Views run in worker threads, hence
    the lock; two threads that miss at once both build, and the second result is kept."""

    def __init__(self, seconds: int, timer: Callable[[], float] = time.monotonic) -> None:
        self._feeds: TTLCache[Hashable, BuiltFeed] | None = (
            TTLCache(CACHE_ENTRIES, ttl=seconds, timer=timer) if seconds > 0 else None
        )
        self._lock = threading.Lock()

    def get(self, key: Hashable, build: Callable[[], BuiltFeed]) -> BuiltFeed:
        if self._feeds is None:
            return build()
        with self._lock:
            feed = self._feeds.get(key)
        if feed is None:
            feed = build()
            with self._lock:
                self._feeds[key] = feed
        return feed


def public_since(d: Designation) -> datetime:
    """When the designation became public: its publication day, or its approval if later."""
    times = [aware(d.approved_at)] if d.approved_at else []
    if d.published_on:
        times.append(start_of_day(d.published_on))
    return max(times) if times else start_of_day(d.starts_on)


def entry_id(base_url: str, row: ListedEnterprise | EndedDesignation) -> str:
    """The credit file's URL with the designation's anchor: stable across versions."""
    d = row.designation
    anchor = f"designation-{d.source_system}-{d.source_record_id}"
    return f"{base_url}/enterprises/{row.enterprise.uscc}#{anchor}"


def entry_title(row: ListedEnterprise) -> str:
    return f"【质量安全预警】{row.enterprise.name}:{row.designation.title}"


def entry_summary(row: ListedEnterprise | EndedDesignation) -> str:
    d, e = row.designation, row.enterprise
    parts = [d.reason]
    if d.products:
        parts.append("涉及产品:" + "、".join(d.products))
    if d.health_or_safety_risk:
        parts.append("危及人身健康或安全。")
    parts.append(f"企业:{e.name}(统一社会信用代码 {e.uscc}),{e.district},{e.industry}。")
    parts.append(f"预警起始日期:{d.starts_on.isoformat()}。")
    return "\n".join(parts)


def ended_title(row: EndedDesignation) -> str:
    return f"【撤销】{row.enterprise.name}:{row.designation.title}"


def ended_summary(row: EndedDesignation) -> str:
    head = f"该质量安全预警信息{row.why},自 {row.ended_on.isoformat()} 起不再公示。"
    return f"{head}\n{entry_summary(row)}"


def _stamp(row: ListedEnterprise | EndedDesignation) -> datetime:
    """When the entry last changed: its publication, or the day it left the list."""
    if isinstance(row, EndedDesignation):
        return start_of_day(row.ended_on)
    return public_since(row.designation)


def _build(
    portal: PortalContext,
    rows: Sequence[ListedEnterprise | EndedDesignation],
    query: str,
    self_url: str,
    stamp: datetime,
) -> FeedGenerator:
    base = portal.settings.base_url.rstrip("/")
    name = portal.settings.site_name
    fg = FeedGenerator()
    fg.id(f"{base}/feeds/warnings{query}")
    fg.title(f"{name} · {FEED_TITLE}")
    fg.subtitle("经市场监督管理部门审核公开的质量安全预警信息,最新的在前。")
    fg.description("经市场监督管理部门审核公开的质量安全预警信息,最新的在前。")
    fg.author(name=name, uri=f"{base}/")
    fg.language("zh-CN")
    # feedgen puts the last link() in the RSS channel <link>: self first, the HTML page last.
    fg.link(href=self_url, rel="self")
    fg.link(href=f"{base}/warnings{query}", rel="alternate", type="text/html")
    fg.updated(stamp)
    fg.lastBuildDate(stamp)
    for row in rows:
        e = row.enterprise
        fe = fg.add_entry(order="append")
        if isinstance(row, EndedDesignation):
            fe.id(entry_id(base, row) + "-withdrawn")
            fe.title(ended_title(row))
            fe.summary(ended_summary(row))
        else:
            fe.id(entry_id(base, row))
            fe.title(entry_title(row))
            fe.summary(entry_summary(row))
        fe.link(href=f"{base}/enterprises/{e.uscc}", rel="alternate", type="text/html")
        since = _stamp(row)
        fe.published(since)
        fe.updated(since)
        fe.author(name=name)
        fe.category([{"term": e.district}, {"term": e.industry}])
    return fg


def _etag_matches(header: str, etag: str) -> bool:
    """Weak comparison (RFC 9110): `W/` prefixes do not matter; `*` matches anything."""
    wanted = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in wanted or etag.removeprefix("W/") in wanted


def _not_modified(request: Request, etag: str, last_modified: datetime) -> bool:
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        return _etag_matches(if_none_match, etag)
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        return last_modified.replace(microsecond=0) <= since
    return False


MEDIA_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml"}


def _feed(request: Request, kind: str) -> Response:
    portal: PortalContext = request.app.state.portal
    cache: FeedCache = request.app.state.feed_cache
    district, industry = district_param(request), industry_param(request)
    filters = [(k, v) for k, v in (("district", district), ("industry", industry)) if v]
    query = f"?{urlencode(filters)}" if filters else ""
    today = portal.today()
    feed = cache.get(
        (kind, query, today), lambda: _build_feed(portal, kind, today, district, industry, query)
    )
    headers = {
        "ETag": feed.etag,
        "Last-Modified": format_datetime(feed.last_modified.astimezone(UTC), usegmt=True),
        "Cache-Control": "public, max-age=300",
    }
    if _not_modified(request, feed.etag, feed.last_modified):
        return Response(status_code=304, headers=headers)
    return Response(feed.body, media_type=f"{MEDIA_TYPES[kind]}; charset=utf-8", headers=headers)


def _build_feed(
    portal: PortalContext,
    kind: str,
    today: date,
    district: str | None,
    industry: str | None,
    query: str,
) -> BuiltFeed:
    """The feed as of `today` (the day it is cached under)."""
    size = portal.settings.feed_size
    with portal.session() as session:
        current = latest_warnings(session, today, limit=size, district=district, industry=industry)
        ended = ended_designations(
            session,
            CreditList.quality_safety_warning,
            today,
            limit=size,
            district=district,
            industry=industry,
        )
    # Newest first; an entry that left the list is dated the day it left.
    rows: list[ListedEnterprise | EndedDesignation] = [*current, *ended]
    rows.sort(key=lambda r: (_stamp(r), r.designation.id), reverse=True)
    rows = rows[:size]
    base = portal.settings.base_url.rstrip("/")
    newest = max((_stamp(r) for r in rows), default=None)
    stamp = newest or start_of_day(today)
    fg = _build(portal, rows, query, f"{base}/feeds/warnings.{kind}{query}", stamp)
    body: bytes = fg.rss_str(pretty=True) if kind == "rss" else fg.atom_str(pretty=True)
    etag = 'W/"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    return BuiltFeed(body, etag, stamp)


def warnings_rss(request: Request) -> Response:
    return _feed(request, "rss")


def warnings_atom(request: Request) -> Response:
    return _feed(request, "atom")
