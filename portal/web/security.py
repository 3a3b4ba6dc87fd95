"""What every response says about how a browser may use it, and who the client is.

- `SecurityHeaders` adds a Content-Security-Policy (no inline script or style, nothing from
  another origin, never framed: the objection form must not render inside another site),
  `X-Content-Type-Options: nosniff`, a Referrer-Policy and the frame ban for browsers without
  CSP to every response, error pages and static files included. A response that sets one of
  these headers itself keeps its own.
- `client_address_middleware` rewrites the ASGI scope's client from `X-Forwarded-For` only when
  the connection comes from a proxy listed in `PORTAL_TRUSTED_PROXIES` (default: none), with
  uvicorn's middleware, which walks the header from the right and stops at the first address
  that is not a trusted proxy. Everything that counts clients (objection limits, fair use) reads
  the scope's client afterwards, so a client cannot pick its own address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from portal.errors import ConfigurationError

# The templates and the GraphiQL explorer load their scripts and styles from /static: nothing
# inline (an injected <script> or on…= attribute does not run) and nothing from elsewhere.
# GraphiQL's editor sets element styles from script (CSSOM), which style-src does not govern;
# it needs data: URIs for its icons and fonts.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    # Objection status pages carry their reference in the path: never send it to another site.
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),  # frame-ancestors for browsers that predate it
    (b"cross-origin-opener-policy", b"same-origin"),
)


class SecurityHeaders:
    """ASGI middleware: SECURITY_HEADERS on every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in SECURITY_HEADERS if h[0] not in present)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def trusted_proxies(value: str) -> list[str]:
    """PORTAL_TRUSTED_PROXIES as a list of networks: addresses or CIDRs separated by commas or
    spaces. A malformed entry stops the start with an error naming the variable (uvicorn would
    silently take it as a literal host name that never matches)."""
    networks = []
    for entry in value.replace(",", " ").split():
        try:
            networks.append(str(ipaddress.ip_network(entry, strict=False)))
        except ValueError:
            raise ConfigurationError(
                f"PORTAL_TRUSTED_PROXIES 中的“{entry}”不是 IP 地址或网段(如 10.0.0.5、10.0.0.0/8)"
            ) from None
    return networks


def client_address_middleware(app: ASGIApp, proxies: Iterable[str]) -> ASGIApp:
    """`app` behind uvicorn's ProxyHeadersMiddleware for `proxies`, or `app` when there are
    none: then X-Forwarded-For is ignored and the client is the connection's peer."""
    networks = list(proxies)
    if not networks:
        return app
    middleware: ASGIApp = ProxyHeadersMiddleware(app, trusted_hosts=networks)  # type: ignore[arg-type,assignment]
    return middleware
