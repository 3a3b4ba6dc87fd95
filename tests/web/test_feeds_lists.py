"""The feeds of new blacklist entries and new bad records: the same as the warning feeds (filters,
conditional requests, withdrawn entries announced), and linked from the pages that link the
warning feed."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import feedparser
import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from portal.context import PortalContext
from portal.storage.db import session_scope
from portal.storage.models import Enterprise
from tests import factories as f
from tests.web.conftest import BASE_URL, Data


@pytest.fixture
def listed(portal_context: PortalContext, data: Data) -> Data:
    """Bad records in two districts, and a blacklist entry withdrawn on 2026-11-21."""
    with session_scope(portal_context.session_factory) as s:
        by_uscc = {e.uscc: e for e in s.scalars(select(Enterprise))}
        titanium, food = by_uscc[data.titanium], by_uscc[data.blacklisted]
        f.add_designation(
            s, titanium, "bad_records", title="行车定期检验超期", reason="起重机械超期未检",
            starts_on=date(2026, 11, 3), published_on=date(2026, 11, 3),
            approved_at=datetime(2026, 11, 3, 2, 15, tzinfo=UTC),
        )  # fmt: skip
        f.add_designation(
            s, food, "bad_records", title="电子台秤超期未检定", reason="强制检定计量器具超期",
            starts_on=date(2026, 11, 12), published_on=date(2026, 11, 12),
        )  # fmt: skip
        f.add_designation(
            s, titanium, "blacklist", title="撤销的黑名单", starts_on=date(2026, 11, 5),
            published_on=date(2026, 11, 5), withdrawn=True,
            ingested_at=datetime(2026, 11, 21, 3, 40, tzinfo=UTC),
        )  # fmt: skip
    return data


def _parse(client: TestClient, url: str, **params: str) -> Any:
    response = client.get(url, params=params)
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_bad_records_feed_newest_first_and_filtered(
    client: TestClient, listed: Data, kind: str
) -> None:
    parsed = _parse(client, f"/feeds/bad-records.{kind}")
    assert parsed.feed.title == "宝鸡市产品质量诚信信息网 · 不良信息"
    assert [e.title for e in parsed.entries] == [
        "【不良信息】宝鸡陈仓食品有限公司:电子台秤超期未检定",
        "【不良信息】宝鸡市鹏盛鑫有色金属有限公司:行车定期检验超期",
    ]
    crane = parsed.entries[1]
    assert "起重机械超期未检" in crane.summary
    assert "不良信息起始日期:2026-11-03" in crane.summary
    # Approved at 10:15 on its publication day: that is when it became public.
    assert crane.published_parsed[:5] == (2026, 11, 3, 2, 15)
    assert crane.id.startswith("tag:baoji.gov.cn,2026:designations/quality_inspection/")
    links = {link.rel: link.href for link in parsed.feed.links}
    assert links["self"] == f"{BASE_URL}/feeds/bad-records.{kind}"
    assert parsed.feed.link == f"{BASE_URL}/bad-records"

    only = _parse(client, f"/feeds/bad-records.{kind}", district="金台区")
    assert [e.title for e in only.entries] == [crane.title]
    assert only.feed.title == "宝鸡市产品质量诚信信息网 · 不良信息(区县:金台区)"
    assert client.get(f"/feeds/bad-records.{kind}", params={"industry": "火箭"}).status_code == 400


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_blacklist_feed_announces_a_withdrawn_entry(
    client: TestClient, listed: Data, kind: str
) -> None:
    parsed = _parse(client, f"/feeds/blacklist.{kind}")
    titles = [e.title for e in parsed.entries]
    assert titles == [
        "【撤销】宝鸡市鹏盛鑫有色金属有限公司:撤销的黑名单",
        "【黑名单】宝鸡陈仓食品有限公司:拒不整改",
    ]
    gone = parsed.entries[0]
    assert gone.id.endswith("/withdrawn")
    assert "该黑名单信息已撤销,自 2026-11-21 起不再公示。" in gone.summary
    # Dated the moment it was withdrawn, not midnight.
    assert gone.published_parsed[:5] == (2026, 11, 21, 3, 40)
    assert "将来才公开的黑名单" not in str(parsed)


@pytest.mark.parametrize("url", ["/feeds/blacklist.atom", "/feeds/bad-records.rss"])
def test_the_new_feeds_answer_conditional_requests(
    client: TestClient, listed: Data, url: str
) -> None:
    first = client.get(url)
    etag, last_modified = first.headers["etag"], first.headers["last-modified"]
    assert first.headers["cache-control"] == "public, max-age=300"
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    assert client.get(url, params={"district": "金台区"}).headers["etag"] != etag


def test_feed_content_types_of_every_feed(client: TestClient) -> None:
    for slug in ("warnings", "blacklist", "bad-records"):
        assert client.get(f"/feeds/{slug}.rss").headers["content-type"] == (
            "application/rss+xml; charset=utf-8"
        )
        assert client.get(f"/feeds/{slug}.atom").headers["content-type"] == (
            "application/atom+xml; charset=utf-8"
        )


def _alternates(html: str) -> list[str]:
    return [
        line.split('href="', 1)[1].split('"', 1)[0]
        for line in html.splitlines()
        if 'rel="alternate"' in line and "+xml" in line
    ]


def test_home_links_every_feed(client: TestClient) -> None:
    html = client.get("/").text
    for slug in ("warnings", "blacklist", "bad-records"):
        for kind in ("atom", "rss"):
            assert f"/feeds/{slug}.{kind}" in _alternates(html)
            assert f'<a href="/feeds/{slug}.{kind}"' in html


@pytest.mark.parametrize(
    ("page", "slug"), [("/blacklist", "blacklist"), ("/bad-records", "bad-records")]
)
def test_a_list_page_links_its_feed_with_its_filter(
    client: TestClient, page: str, slug: str
) -> None:
    html = client.get(page, params={"district": "陈仓区"}).text
    query = "?district=%E9%99%88%E4%BB%93%E5%8C%BA"
    for kind in ("atom", "rss"):
        assert f"/feeds/{slug}.{kind}{query}" in _alternates(html)
        assert f'<a href="/feeds/{slug}.{kind}{query}"' in html
    assert "/feeds/" not in client.get("/exemplary").text.split("<main", 1)[1].split("</main>")[0]
