"""The public site's side of the application (`portal.server.create_app` composes it with
GraphQL): one exception handler renders every PortalError with its status, and every unexpected
error as a logged 500, on the site's error page.
"""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ExceptionHandler

from portal.errors import NotFound, PortalError
from portal.logs import get_logger
from portal.web.templating import render

log = get_logger(__name__)


def exception_handlers() -> dict[Any, ExceptionHandler]:
    """For Starlette's `exception_handlers`: every error answered with the site's error page."""
    return {PortalError: _portal_error, HTTPException: _http_error, Exception: _unexpected_error}


async def _portal_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PortalError)
    if exc.status_code >= 500:
        log.error(
            "request.failed", path=request.url.path, status=exc.status_code, detail=exc.detail
        )
    return render(request, "error.html", {"error": exc}, status_code=exc.status_code)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return await _portal_error(request, NotFound("您访问的页面不存在"))
    error = PortalError(str(exc.detail))
    error.status_code, error.title = exc.status_code, "请求无法处理"
    return await _portal_error(request, error)


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    log.exception("request.error", path=request.url.path, error=type(exc).__name__)
    return await _portal_error(request, PortalError("服务器内部错误,请稍后再试"))
