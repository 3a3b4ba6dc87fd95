"""The feeds of the public lists, for journalists: `/feeds/warnings`, `/feeds/blacklist` and
`/feeds/bad-records`, each `.rss` and `.atom`, the newest first, filterable by
`?district=&industry=` (the feed's title says the filter).

An entry that left its list (withdrawn, repaired by credit repair, or past its display period)
comes back as "【撤销】…", dated when it left, under its id + "/withdrawn", so subscribers learn
of it. Every feed carries an ETag and Last-Modified and answers conditional requests with 304,
and is kept in memory for a while (`cache`). What an entry says and its ids and times: `items`;
how no record text can break a feed or reach a reader as markup: `text`, `render`.

Links use the site's address (`PORTAL_BASE_URL`, or the address the request was made to), so a
built feed is kept per address as well.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from portal.context import PortalContext
from portal.readmodels.ended import ended_designations
from portal.readmodels.lists import list_enterprises_on
from portal.web.formatting import start_of_day
from portal.web.params import district_param, industry_param
from portal.web.urls import site_url
from portal.web.views.feeds.cache import BuiltFeed, FeedCache, respond
from portal.web.views.feeds.items import (
    FEED_LISTS,
    Channel,
    FeedList,
    Row,
    entry,
    feed_title,
    filter_query,
    published,
    tagging_entity,
)
from portal.web.views.feeds.render import MEDIA_TYPES, render

__all__ = ["FEED_LISTS", "FeedCache", "feed_routes"]


def _build(
    portal: PortalContext,
    feed: FeedList,
    kind: str,
    today: date,
    site: str,
    district: str | None,
    industry: str | None,
) -> BuiltFeed:
    """The feed as of `today` (the day it is cached under)."""
    settings = portal.settings
    entity = tagging_entity(settings.feed_tag_authority)
    size, name = settings.feed_size, feed.page.list_name
    with portal.session() as session:
        current = list_enterprises_on(
            session, name, today, district=district, industry=industry, limit=size
        ).items
        ended = ended_designations(
            session, name, today, limit=size, district=district, industry=industry
        )
        # Newest first; an entry that left the list is dated when it left.
        rows: list[Row] = [*current, *ended]
        rows.sort(key=lambda r: (published(r), r.designation.id), reverse=True)
        entries = tuple(entry(feed, row, entity, site) for row in rows[:size])
    stamp = max((e.updated for e in entries), default=start_of_day(today))
    query = filter_query(district, industry)
    channel = Channel(
        id=f"tag:{entity}:feeds/{feed.slug}{query}",
        title=feed_title(settings.site_name, feed, district, industry),
        description=feed.description,
        site_name=settings.site_name,
        site_url=site,
        self_url=f"{site}/feeds/{feed.slug}.{kind}{query}",
        page_url=f"{site}{feed.page.path}{query}",
        updated=stamp,
        entries=entries,
    )
    return BuiltFeed.of(render(channel, kind), stamp, MEDIA_TYPES[kind])


def _view(feed: FeedList, kind: str) -> Callable[[Request], Response]:
    def view(request: Request) -> Response:
        portal: PortalContext = request.app.state.portal
        cache: FeedCache = request.app.state.feed_cache
        district, industry = district_param(request), industry_param(request)
        site, today = site_url(request, portal.settings), portal.today()
        key = (feed.slug, kind, district, industry, today, site)
        built = cache.get(key, lambda: _build(portal, feed, kind, today, site, district, industry))
        return respond(request, built)

    view.__name__ = f"feed_{feed.slug.replace('-', '_')}_{kind}"
    return view


def feed_routes() -> list[BaseRoute]:
    return [
        Route(f"/feeds/{feed.slug}.{kind}", _view(feed, kind), name=f"feed_{feed.slug}_{kind}")
        for feed in FEED_LISTS
        for kind in ("rss", "atom")
    ]
