"""`create_app()`: the Starlette application of the public site, GraphQL and the feeds.

The lifespan opens the portal's context (database, search) once; one exception handler renders
every PortalError with its status, and every unexpected error as a logged 500. Around everything,
error pages included: the security headers (`portal.web.security`); inside them, the client's
address from a trusted proxy, then the fair-use limits (`portal.web.fair_use`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from anyio import to_thread
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from portal.context import PortalContext
from portal.errors import NotFound, PortalError
from portal.logs import get_logger
from portal.pipeline import start_owed_work
from portal.settings import Settings, get_settings
from portal.web.fair_use import FairUse
from portal.web.security import SecurityHeaders, client_address_middleware, trusted_proxies
from portal.web.templating import render
from portal.web.views.feeds import FeedCache

log = get_logger(__name__)
STATIC_DIR = Path(__file__).parent.parent / "static"


class PortalApp(Starlette):
    """Starlette with the security headers outside its error middleware, so that the page of
    an unexpected error (rendered by that middleware) carries them too."""

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeaders(super().build_middleware_stack())


def create_app(settings: Settings | None = None, context: PortalContext | None = None) -> Starlette:
    """The portal's ASGI app. Pass `context` to share an already opened one (tests, the CLI)."""
    settings = settings or (context.settings if context else get_settings())
    proxies = trusted_proxies(settings.trusted_proxies)  # a bad entry stops the start

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        owned = context is None
        to_thread.current_default_thread_limiter().total_tokens = settings.worker_threads
        app.state.portal = context or PortalContext.open(settings)
        log.info(
            "portal.start",
            database=app.state.portal.engine.url.render_as_string(),
            search=app.state.portal.search.name,
        )
        # What a killed ingest or rules run left owed, finished without delaying the start (a
        # context passed in belongs to its caller, who finishes its own work).
        app.state.owed_work = start_owed_work(app.state.portal) if owned else None
        try:
            yield
        finally:
            if app.state.owed_work is not None:
                app.state.owed_work.join(timeout=30)  # left unfinished, the work stays owed
            if owned:
                app.state.portal.close()
            log.info("portal.stop")

    app = PortalApp(
        routes=_routes(),
        lifespan=lifespan,
        middleware=[
            Middleware(client_address_middleware, proxies=proxies),
            Middleware(FairUse, settings=settings),
            Middleware(GZipMiddleware, minimum_size=1000),
        ],
        exception_handlers={
            PortalError: _portal_error,
            HTTPException: _http_error,
            Exception: _unexpected_error,
        },
    )
    app.state.feed_cache = FeedCache(settings.feed_cache_seconds)
    return app


def _routes() -> list[BaseRoute]:
    from portal.web.views import routes

    return [*routes(), Mount("/static", StaticFiles(directory=STATIC_DIR), name="static")]


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
