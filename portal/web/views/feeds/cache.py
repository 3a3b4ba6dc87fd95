"""Built feeds kept in memory, and conditional GET (ETag, Last-Modified, 304).

A built feed is kept for `PORTAL_FEED_CACHE_SECONDS` (`FeedCache`): feed readers poll, and within
that time a poll, conditional or not, is answered without a query or feedgen (bench/RESULTS.md,
"Feeds"). The feeds also tell proxies `max-age=300`.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from cachetools import TTLCache
from starlette.requests import Request
from starlette.responses import Response

# Distinct (list, kind, filters, day, site address) feeds kept: three lists × two kinds × the
# districts × the industries, and more; the least recently built go first.
CACHE_ENTRIES = 1024


@dataclass(frozen=True)
class BuiltFeed:
    body: bytes
    etag: str
    last_modified: datetime
    media_type: str

    @classmethod
    def of(cls, body: bytes, last_modified: datetime, media_type: str) -> BuiltFeed:
        etag = 'W/"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        return cls(body, etag, last_modified, media_type)


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


def respond(request: Request, feed: BuiltFeed) -> Response:
    """The feed, or 304 when the client's copy is current."""
    headers = {
        "ETag": feed.etag,
        "Last-Modified": format_datetime(feed.last_modified.astimezone(UTC), usegmt=True),
        "Cache-Control": "public, max-age=300",
    }
    if _not_modified(request, feed.etag, feed.last_modified):
        return Response(status_code=304, headers=headers)
    return Response(feed.body, media_type=f"{feed.media_type}; charset=utf-8", headers=headers)
