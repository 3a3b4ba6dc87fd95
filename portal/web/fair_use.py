"""Fair use of search and GraphQL: no client may take the server's searches for itself.

Two limits per client, on `/search` and `/graphql` (the requests that run searches and queries;
pages, feeds and static files are cheap or cached):

- a rate: at most `search_limit_per_minute` / `graphql_limit_per_minute` requests in any minute
  (a moving window of the `limits` library, kept in the process's memory);
- a concurrency: at most `concurrent_requests_per_client` of them in progress at once, so that
  one client with many connections cannot fill every worker thread while others wait.

Over a limit the answer is 429 with `Retry-After` and a message in Chinese: JSON in GraphQL's
error format on `/graphql`, the error page elsewhere. A client is its address as the scope gives
it (after the trusted-proxy rewrite, `portal.web.security`); an IPv6 client counts by its /64,
what one subscriber usually gets. Limits are per server process: with `--workers N` a client
gets up to N times as much, which the settings should allow for.
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections import Counter
from dataclasses import dataclass

from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from portal.errors import TooManyRequests
from portal.logs import get_logger
from portal.settings import Settings
from portal.web.templating import render

log = get_logger(__name__)


def client_key(address: str | None) -> str:
    """The unit a limit counts: the IPv4 address, the /64 of an IPv6 one, else the text."""
    text = address or "unknown"
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return text
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


@dataclass(frozen=True)
class Area:
    """A group of paths limited together."""

    name: str
    label: str  # in the message: 检索 / 数据接口
    per_minute: int  # 0: no rate limit


class FairUse:
    """ASGI middleware applying the per-client rate and concurrency limits."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.areas = {
            "/search": Area("search", "检索", settings.search_limit_per_minute),
            "/graphql": Area("graphql", "数据接口", settings.graphql_limit_per_minute),
        }
        self.concurrent = settings.concurrent_requests_per_client
        self.limiter = MovingWindowRateLimiter(MemoryStorage())
        # Requests in progress per client. Only the event loop's thread touches it.
        self.in_progress: Counter[str] = Counter()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        area = self.areas.get(scope.get("path", "")) if scope["type"] == "http" else None
        if area is None:
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        key = client_key(client[0] if client else None)
        refusal = self._refusal(area, key)
        if refusal is not None:
            message, retry_after = refusal
            log.warning("fair_use.refused", area=area.name, reason=message, retry_after=retry_after)
            response = _too_many(Request(scope), message, retry_after)
            await response(scope, receive, send)
            return
        self.in_progress[key] += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_progress[key] -= 1
            if not self.in_progress[key]:
                del self.in_progress[key]

    def _refusal(self, area: Area, key: str) -> tuple[str, int] | None:
        """Why this request is refused and in how many seconds to retry, or None."""
        if self.concurrent and self.in_progress[key] >= self.concurrent:
            return (
                f"请求过于频繁:同一网络最多同时进行{self.concurrent}个{area.label}请求,"
                "请等上一个请求完成后再试",
                1,
            )
        if area.per_minute:
            item = RateLimitItemPerMinute(area.per_minute)
            if not self.limiter.hit(item, area.name, key):
                reset = self.limiter.get_window_stats(item, area.name, key).reset_time
                retry_after = max(1, math.ceil(reset - time.time()))
                return (
                    f"请求过于频繁:同一网络每分钟最多{area.per_minute}次{area.label}请求,"
                    f"请{retry_after}秒后再试",
                    retry_after,
                )
        return None


def _too_many(request: Request, message: str, retry_after: int) -> Response:
    headers = {"Retry-After": str(retry_after)}
    if request.url.path == "/graphql" and "text/html" not in request.headers.get("accept", ""):
        error = {"message": message, "extensions": {"code": "TOO_MANY_REQUESTS", "status": 429}}
        return JSONResponse({"errors": [error]}, status_code=429, headers=headers)
    error_page = TooManyRequests(message)
    error_page.title = "请求过于频繁"
    response = render(request, "error.html", {"error": error_page}, status_code=429)
    response.headers.update(headers)
    return response
