"""The warning feeds: valid RSS and Atom, Chinese titles, stable ids, conditional requests.

The other lists' feeds (blacklist, bad records): test_feeds_lists.py."""

from __future__ import annotations

from typing import Any

import feedparser
import pytest
from sqlalchemy import event
from starlette.testclient import TestClient

from portal.context import PortalContext
from portal.storage.db import session_scope
from portal.storage.models import Designation
from portal.web.views.feeds import FeedCache
from tests.web.conftest import BASE_URL, Data

FEEDS = ["/feeds/warnings.rss", "/feeds/warnings.atom"]


def parse(client: TestClient, url: str, **params: str) -> Any:
    response = client.get(url, params=params)
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


@pytest.mark.parametrize("url", FEEDS)
def test_feeds_parse_with_chinese_titles_newest_first(
    client: TestClient, data: Data, url: str
) -> None:
    feed = parse(client, url)
    assert feed.feed.title == "宝鸡市产品质量诚信信息网 · 质量安全预警信息"
    assert feed.feed.language == "zh-CN"
    titles = [e.title for e in feed.entries]
    assert titles == [
        "【质量安全预警】宝鸡陈仓食品有限公司:速冻食品菌落总数超标",
        "【质量安全预警】宝鸡市鹏盛鑫有色金属有限公司:钛合金锻件抽检不合格",
    ]
    titanium = feed.entries[1]
    # The link opens the warning on the credit file; the id names the designation itself.
    assert titanium.link == (
        f"{BASE_URL}/enterprises/{data.titanium}"
        f"#designation-quality_inspection-{data.titanium_warning_id}"
    )
    assert titanium.id == (
        f"tag:baoji.gov.cn,2026:designations/quality_inspection/{data.titanium_warning_id}"
    )
    assert "钛合金锻件抗拉强度不符合" in titanium.summary
    # Published on 2026-11-02 (China time), after its approval on 2026-10-01.
    assert titanium.published_parsed[:3] == (2026, 11, 1)  # 2026-11-02 00:00 +08:00 in UTC
    assert "将来才公开的黑名单" not in str(feed)


def test_rss_channel_link_is_the_html_page_not_the_feed(client: TestClient) -> None:
    feed = parse(client, "/feeds/warnings.rss")
    assert feed.feed.link == f"{BASE_URL}/warnings"
    links = {link.rel: link.href for link in feed.feed.links}
    assert links["self"] == f"{BASE_URL}/feeds/warnings.rss"


def test_atom_links_self_and_alternate(client: TestClient) -> None:
    feed = parse(client, "/feeds/warnings.atom")
    links = {link.rel: link.href for link in feed.feed.links}
    assert links == {
        "self": f"{BASE_URL}/feeds/warnings.atom",
        "alternate": f"{BASE_URL}/warnings",
    }


@pytest.mark.parametrize("url", FEEDS)
def test_entry_ids_are_stable_across_requests(client: TestClient, url: str) -> None:
    first = [e.id for e in parse(client, url).entries]
    second = [e.id for e in parse(client, url).entries]
    assert first == second
    assert len(set(first)) == 2


@pytest.mark.parametrize("url", FEEDS)
def test_feeds_filter_by_district(client: TestClient, data: Data, url: str) -> None:
    feed = parse(client, url, district="金台区")
    assert [e.link.partition("#")[0] for e in feed.entries] == [
        f"{BASE_URL}/enterprises/{data.titanium}"
    ]
    self_link = next(link.href for link in feed.feed.links if link.rel == "self")
    assert self_link.endswith("?district=%E9%87%91%E5%8F%B0%E5%8C%BA")
    assert client.get(url, params={"district": "火星区"}).status_code == 400


@pytest.mark.parametrize("url", FEEDS)
def test_conditional_requests_get_304(client: TestClient, url: str) -> None:
    response = client.get(url)
    etag, last_modified = response.headers["etag"], response.headers["last-modified"]
    assert last_modified == "Tue, 10 Nov 2026 16:00:00 GMT"  # 2026-11-11 00:00 in China

    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    earlier = "Mon, 09 Nov 2026 16:00:00 GMT"
    assert client.get(url, headers={"If-Modified-Since": earlier}).status_code == 200


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _count_statements(ctx: PortalContext) -> list[str]:
    statements: list[str] = []
    event.listen(ctx.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    return statements


def test_a_poll_within_the_cache_time_runs_no_query(
    client: TestClient, portal_context: PortalContext
) -> None:
    client.app.state.feed_cache = FeedCache(60)  # type: ignore[attr-defined]
    first = client.get("/feeds/warnings.rss")
    statements = _count_statements(portal_context)
    etag = first.headers["etag"]
    assert client.get("/feeds/warnings.rss", headers={"If-None-Match": etag}).status_code == 304
    since = {"If-Modified-Since": first.headers["last-modified"]}
    assert client.get("/feeds/warnings.rss", headers=since).status_code == 304
    again = client.get("/feeds/warnings.rss")
    assert (again.status_code, again.content) == (200, first.content)
    assert statements == []
    # Another filter is another feed: built, with its queries.
    assert client.get("/feeds/warnings.rss", params={"district": "金台区"}).status_code == 200
    assert statements


def test_a_withdrawn_warning_leaves_the_feed_when_the_cache_time_is_over(
    client: TestClient, portal_context: PortalContext
) -> None:
    clock = Clock()
    client.app.state.feed_cache = FeedCache(60, timer=clock)  # type: ignore[attr-defined]
    etag = client.get("/feeds/warnings.atom").headers["etag"]
    with session_scope(portal_context.session_factory) as s:
        newest = s.query(Designation).filter_by(title="速冻食品菌落总数超标").one()
        newest.withdrawn = True
    clock.now += 59
    assert client.get("/feeds/warnings.atom", headers={"If-None-Match": etag}).status_code == 304
    clock.now += 2
    response = client.get("/feeds/warnings.atom", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response.headers["etag"] != etag
    assert len(feedparser.parse(response.content).entries) == 1


def test_without_a_cache_time_every_request_sees_the_change(
    client: TestClient, portal_context: PortalContext
) -> None:
    client.app.state.feed_cache = FeedCache(0)  # type: ignore[attr-defined]
    etag = client.get("/feeds/warnings.atom").headers["etag"]
    with session_scope(portal_context.session_factory) as s:
        s.query(Designation).filter_by(title="速冻食品菌落总数超标").one().withdrawn = True
    response = client.get("/feeds/warnings.atom", headers={"If-None-Match": etag})
    assert response.status_code == 200


def test_feed_content_types(client: TestClient) -> None:
    rss = client.get("/feeds/warnings.rss").headers["content-type"]
    atom = client.get("/feeds/warnings.atom").headers["content-type"]
    assert rss == "application/rss+xml; charset=utf-8"
    assert atom == "application/atom+xml; charset=utf-8"
