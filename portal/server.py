"""`create_app()`: the Starlette application, composed of the public site and the feeds
(`portal.web`), the GraphQL API (`portal.graphql`), the static files and the middleware. It sits
above both so that neither imports the other.

The lifespan opens the portal's context (database, search) once; errors are answered with the
site's error page (`portal.web.app`), GraphQL answering its own. Around everything,
error pages included: the security headers (`portal.web.security`); inside them, the client's
address from a trusted proxy, then the fair-use limits (`portal.web.fair_use`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from anyio import to_thread
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from portal.context import PortalContext
from portal.graphql.app import graphql_routes
from portal.logs import get_logger
from portal.pipeline import start_owed_work
from portal.settings import Settings, get_settings
from portal.web.app import exception_handlers
from portal.web.fair_use import FairUse
from portal.web.security import SecurityHeaders, client_address_middleware, trusted_proxies
from portal.web.views.feeds import FeedCache

log = get_logger(__name__)
STATIC_DIR = Path(__file__).parent / "static"


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
        exception_handlers=exception_handlers(),
    )
    app.state.feed_cache = FeedCache(settings.feed_cache_seconds)
    return app


def _routes() -> list[BaseRoute]:
    from portal.web.views import routes

    return [
        *routes(),
        *graphql_routes(),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
    ]
