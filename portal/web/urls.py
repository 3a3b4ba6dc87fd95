"""The site's own absolute address, for links that leave the page (feeds, canonical links)."""

from __future__ import annotations

from starlette.requests import Request

from portal.settings import Settings


def site_url(request: Request, settings: Settings) -> str:
    """`PORTAL_BASE_URL` when set; otherwise the address the request was made to (scheme, host,
    port and root path), so that links work wherever the portal is served. No trailing slash."""
    return (settings.base_url or str(request.base_url)).rstrip("/")
