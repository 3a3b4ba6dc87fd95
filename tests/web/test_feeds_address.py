"""The feeds work wherever they are served: links use the address the portal is served at (or
PORTAL_BASE_URL), ids are tag URIs that do not depend on the host, `updated` is when the entry
changed, and a filtered feed's title says its filter."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import feedparser
import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from portal.context import PortalContext
from portal.errors import ConfigurationError
from portal.server import create_app
from portal.settings import Settings
from portal.storage.db import session_scope
from portal.storage.models import Designation, Enterprise
from portal.web.views.feeds import FEED_LISTS
from portal.web.views.feeds.items import tagging_entity
from tests import factories as f
from tests.web.conftest import Data, _seed

FEEDS = [f"/feeds/{feed.slug}.{kind}" for feed in FEED_LISTS for kind in ("rss", "atom")]


@pytest.fixture
def unset_context(web_settings: Settings) -> Iterator[PortalContext]:
    """A portal without PORTAL_BASE_URL, as `portal demo` runs."""
    ctx = PortalContext.open(web_settings.replace(base_url=""))
    yield ctx
    ctx.close()


@pytest.fixture
def unset_data(unset_context: PortalContext) -> Data:
    data = _seed(unset_context)
    with session_scope(unset_context.session_factory) as s:
        titanium = s.scalars(select(Enterprise).where(Enterprise.uscc == data.titanium)).one()
        f.add_designation(s, titanium, "bad_records", title="电子台秤超期未检定")
    return data


def _client(ctx: PortalContext, base_url: str) -> TestClient:
    return TestClient(create_app(context=ctx), base_url=base_url)


def _parse(client: TestClient, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, response.text
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def _every_url(parsed: Any) -> list[str]:
    urls = [parsed.feed.link, *(link.href for link in parsed.feed.links)]
    for e in parsed.entries:
        urls += [e.link, *(link.href for link in e.links)]
    return urls


@pytest.mark.parametrize("url", FEEDS)
def test_links_use_the_address_the_portal_is_served_at(
    unset_context: PortalContext, unset_data: Data, url: str
) -> None:
    with _client(unset_context, "http://127.0.0.1:8611") as client:
        parsed = _parse(client, url)
    assert parsed.entries
    urls = _every_url(parsed)
    assert all(u.startswith("http://127.0.0.1:8611/") for u in urls), urls
    assert not any(":8000" in u for u in urls)
    self_link = next(link.href for link in parsed.feed.links if link.rel == "self")
    assert self_link == f"http://127.0.0.1:8611{url}"
    # The guids are not URLs of any host.
    assert all(e.id.startswith("tag:baoji.gov.cn,2026:designations/") for e in parsed.entries)


def test_two_addresses_get_their_own_links_and_the_same_ids(
    unset_context: PortalContext, unset_data: Data
) -> None:
    """Cached per address: the feed built for one host is never served to another."""
    app = create_app(context=unset_context)
    with TestClient(app, base_url="http://127.0.0.1:8611") as one:
        first = _parse(one, "/feeds/warnings.atom")
    with TestClient(app, base_url="https://credit.example.org") as other:
        second = _parse(other, "/feeds/warnings.atom")
    assert all(u.startswith("https://credit.example.org/") for u in _every_url(second))
    assert [e.id for e in first.entries] == [e.id for e in second.entries]
    assert first.feed.id == second.feed.id == "tag:baoji.gov.cn,2026:feeds/warnings"


def test_the_credit_files_canonical_link_uses_the_served_address(
    unset_context: PortalContext, unset_data: Data
) -> None:
    with _client(unset_context, "http://127.0.0.1:8611") as client:
        html = client.get(f"/enterprises/{unset_data.titanium}").text
    assert f'rel="canonical" href="http://127.0.0.1:8611/enterprises/{unset_data.titanium}"' in html


@pytest.mark.parametrize("url", ["/feeds/blacklist.rss", "/feeds/bad-records.atom"])
def test_a_set_base_url_wins_over_the_request(client: TestClient, url: str) -> None:
    """`client` runs with PORTAL_BASE_URL=https://credit.example.gov.cn, served at testserver."""
    urls = _every_url(_parse(client, url))
    assert urls and all(u.startswith("https://credit.example.gov.cn/") for u in urls)


def test_the_tag_authority_is_a_setting_and_is_checked(web_settings: Settings, data: Data) -> None:
    ctx = PortalContext.open(web_settings.replace(feed_tag_authority="credit.example.org,2027-03"))
    try:
        with _client(ctx, "http://testserver") as client:
            ids = [e.id for e in _parse(client, "/feeds/warnings.rss").entries]
    finally:
        ctx.close()
    assert ids and all(i.startswith("tag:credit.example.org,2027-03:designations/") for i in ids)
    for bad in ("", "baoji.gov.cn", "baoji.gov.cn,26", "http://baoji.gov.cn,2026", "a b,2026"):
        with pytest.raises(ConfigurationError, match="PORTAL_FEED_TAG_AUTHORITY"):
            tagging_entity(bad)
    assert tagging_entity("feeds@baoji.gov.cn,2026-12-01") == "feeds@baoji.gov.cn,2026-12-01"


@pytest.mark.parametrize("url", ["/feeds/warnings.atom", "/feeds/warnings.rss"])
def test_updated_is_when_the_entry_changed(
    client: TestClient, portal_context: PortalContext, data: Data, url: str
) -> None:
    """A newer version ingested at 14:35:20 on 20 November: `updated` says so, `published`
    (when it became public) stays; the feed's Last-Modified follows the change."""
    changed = datetime(2026, 11, 20, 6, 35, 20, tzinfo=UTC)
    with session_scope(portal_context.session_factory) as s:
        row = s.scalars(
            select(Designation).where(Designation.title == "钛合金锻件抽检不合格")
        ).one()
        row.reason, row.source_version, row.ingested_at = "复检仍不合格", 2, changed
    response = client.get(url)
    parsed = feedparser.parse(response.content)
    titanium = next(e for e in parsed.entries if "钛合金锻件" in e.title)
    assert titanium.published_parsed[:6] == (2026, 11, 1, 16, 0, 0)
    assert response.headers["last-modified"] == "Fri, 20 Nov 2026 06:35:20 GMT"
    if url.endswith(".atom"):
        assert titanium.updated_parsed[:6] == (2026, 11, 20, 6, 35, 20)
        # The other entry did not change: its updated is its publication.
        other = next(e for e in parsed.entries if e is not titanium)
        assert other.updated_parsed == other.published_parsed


@pytest.mark.parametrize(
    ("params", "title"),
    [
        ({}, "宝鸡市产品质量诚信信息网 · 黑名单"),
        ({"district": "陈仓区"}, "宝鸡市产品质量诚信信息网 · 黑名单(区县:陈仓区)"),
        ({"industry": "烟酒食品"}, "宝鸡市产品质量诚信信息网 · 黑名单(行业:烟酒食品)"),
        (
            {"district": "陈仓区", "industry": "烟酒食品"},
            "宝鸡市产品质量诚信信息网 · 黑名单(区县:陈仓区,行业:烟酒食品)",
        ),
    ],
)
@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_a_filtered_feeds_title_says_its_filter(
    client: TestClient, params: dict[str, str], title: str, kind: str
) -> None:
    response = client.get(f"/feeds/blacklist.{kind}", params=params)
    assert feedparser.parse(response.content).feed.title == title
