"""`/healthz`: whether the database and the search backend answer, as JSON (503 when not)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from portal.context import PortalContext
from portal.logs import get_logger

log = get_logger(__name__)


def healthz(request: Request) -> Response:
    portal: PortalContext = request.app.state.portal
    healthy = True
    body: dict[str, Any] = {}
    try:
        with portal.session() as session:
            session.execute(text("SELECT 1"))
        body["database"] = "ok"
    except Exception as exc:
        log.error("health.database", error=repr(exc))
        body["database"] = f"error: {type(exc).__name__}"
        healthy = False
    search: dict[str, Any] = {"backend": getattr(portal.search, "name", "unknown")}
    try:
        search["documents"] = portal.search.count()
    except Exception as exc:
        log.error("health.search", error=repr(exc))
        search["error"] = type(exc).__name__
        healthy = False
    body["search"] = search
    body = {"status": "ok" if healthy else "error", **body}
    return JSONResponse(
        body, status_code=200 if healthy else 503, headers={"Cache-Control": "no-store"}
    )
