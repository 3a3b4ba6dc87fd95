"""No character in a record breaks a feed, and record text reaches every reader as text.

A BEL (U+0007) in a warning's title made both warning feeds answer 500 for every filter; a record
saying `"><img src=x onerror=…>` came out of feedparser as a live <img>. Checked end to end
through the stored rows, and with hypothesis over arbitrary text in every field that reaches a
feed, read back by lxml (a strict XML parser) and feedparser (a real consumer)."""

from __future__ import annotations

import html.parser
from datetime import UTC, date, datetime
from typing import Any

import feedparser
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from sqlalchemy import select
from starlette.testclient import TestClient

from portal.context import PortalContext
from portal.readmodels.ended import EndedDesignation
from portal.readmodels.lists import ListedEnterprise
from portal.storage.db import session_scope
from portal.storage.models import Designation, Enterprise
from portal.web.views.feeds import FEED_LISTS
from portal.web.views.feeds.items import Channel, entry, feed_title
from portal.web.views.feeds.render import render
from portal.web.views.feeds.text import xml_text
from tests import factories as f
from tests.web.conftest import Data

PAYLOAD = '"><img src=x onerror=alert(1)><script>alert(2)</script><b>粗</b> & &amp; <br>'
FILTERS = [{}, {"district": "金台区"}, {"industry": "有色金属(钛及钛合金)"},
           {"district": "金台区", "industry": "有色金属(钛及钛合金)"}]  # fmt: skip


class _Reader(html.parser.HTMLParser):
    """What a browser makes of an HTML fragment: its elements and its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.tags.append(tag)
        if tag == "br":
            self.text.append("\n")

    def handle_startendtag(self, tag: str, attrs: Any) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _words(text: str) -> str:
    return " ".join(text.split())


def as_read(detail: Any) -> tuple[list[str], str]:
    """The elements and the text of a feedparser text construct, read the way its type says."""
    if detail.type == "text/plain":
        return [], _words(detail.value)
    assert detail.type == "text/html", detail.type
    reader = _Reader()
    reader.feed(detail.value)
    reader.close()
    return reader.tags, _words("".join(reader.text))


def _read(client: TestClient, url: str, **params: str) -> Any:
    response = client.get(url, params=params)
    assert response.status_code == 200, response.text
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


@pytest.fixture
def hostile(portal_context: PortalContext, data: Data) -> Data:
    with session_scope(portal_context.session_factory) as s:
        row = s.scalars(
            select(Designation).where(Designation.title == "钛合金锻件抽检不合格")
        ).one()
        row.title = "钛合金锻件\x07抽检\x1b不合格\x7f"
        row.reason = PAYLOAD
        row.products = ["锻件<i>甲</i>", "\x00乙"]
    return data


@pytest.mark.parametrize("kind", ["rss", "atom"])
@pytest.mark.parametrize("params", FILTERS)
def test_a_control_character_in_a_record_breaks_no_feed(
    client: TestClient, hostile: Data, kind: str, params: dict[str, str]
) -> None:
    parsed = _read(client, f"/feeds/warnings.{kind}", **params)
    titles = [e.title for e in parsed.entries]
    assert "【质量安全预警】宝鸡市鹏盛鑫有色金属有限公司:钛合金锻件抽检不合格" in titles


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_record_text_arrives_as_text_not_markup(
    client: TestClient, hostile: Data, kind: str
) -> None:
    parsed = _read(client, f"/feeds/warnings.{kind}")
    titanium = next(e for e in parsed.entries if "钛合金锻件" in e.title)
    tags, text = as_read(titanium.summary_detail)
    assert not set(tags) - {"br"}, tags  # only the line breaks the feed itself puts
    # Four lines: reason, products, enterprise, date (in RSS, HTML line breaks).
    assert tags == (["br"] * 3 if kind == "rss" else [])
    assert _words(PAYLOAD) in text  # and the text itself, every character of it, readable
    assert "涉及产品:锻件<i>甲</i>、乙" in text


@pytest.mark.parametrize("kind", ["rss", "atom"])
@pytest.mark.parametrize("who", ["titanium", "script"])
def test_markup_in_a_title_or_name_is_shown_as_text(
    client: TestClient, data: Data, kind: str, who: str
) -> None:
    """A warning titled "<b>标签</b>不合格" (feedparser took the RSS title for HTML and kept the
    <b>), also for the enterprise named "<script>alert(1)</script>宝鸡脚本测试有限公司"."""
    with session_scope(client.app.state.portal.session_factory) as s:  # type: ignore[attr-defined]
        e = s.scalars(select(Enterprise).where(Enterprise.uscc == getattr(data, who))).one()
        name = e.name
        f.add_designation(s, e, title="<b>标签</b>不合格", published_on=date(2026, 11, 20))
    first = _read(client, f"/feeds/warnings.{kind}").entries[0]
    tags, text = as_read(first.title_detail)
    assert tags == []
    assert text == f"【质量安全预警】{name}:<b>标签</b>不合格"


# -- every field, arbitrary text ---------------------------------------------------------------

# Any code point (surrogates and noncharacters included), mixed with pieces of markup, so that
# the cases that matter come up often.
_MARKUP = [
    "<", ">", "&", ";", "&amp;", "&lt;", "&#x41;", "&nbsp;", "<b>", "</b>", "<br>", "\r\n",
    "<img src=x onerror=alert(1)>", "<script>", "]]>", "<![CDATA[", '"', "\x07", "\ud800",
]  # fmt: skip
_piece = st.one_of(st.characters(codec=None), st.sampled_from(_MARKUP))
_text = st.lists(_piece, max_size=15).map("".join)
_some = st.lists(_piece, min_size=1, max_size=15).map("".join)


def _rows(draw: Any) -> tuple[ListedEnterprise, EndedDesignation]:
    moment = datetime(2026, 11, 20, 3, tzinfo=UTC)
    e = Enterprise(uscc=draw(_some), name=draw(_text), district=draw(_text), industry=draw(_text))
    d = Designation(
        list_name="quality_safety_warning", title=draw(_text), reason=draw(_text),
        products=draw(st.lists(_text, max_size=3)), health_or_safety_risk=draw(st.booleans()),
        starts_on=date(2026, 11, 1), source_system=draw(_some), source_record_id=draw(_some),
        approved_at=moment, published_on=date(2026, 11, 2), ingested_at=moment, withdrawn=False,
    )  # fmt: skip
    return ListedEnterprise(d, e), EndedDesignation(d, e, date(2026, 11, 21), draw(_text))


@st.composite
def channels(draw: Any) -> Channel:
    current, ended = _rows(draw)
    feed = draw(st.sampled_from(FEED_LISTS))
    site_name = "宝鸡市产品质量诚信信息网"
    entries = tuple(entry(feed, row, "baoji.gov.cn,2026", "http://h") for row in (current, ended))
    return Channel(
        id="tag:baoji.gov.cn,2026:feeds/x",
        title=feed_title(site_name, feed, draw(_text), draw(_text)),
        description=feed.description,
        site_name=site_name,
        site_url="http://h",
        self_url="http://h/feeds/x.rss",
        page_url="http://h/x",
        updated=entries[0].updated,
        entries=entries,
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(channel=channels(), kind=st.sampled_from(["rss", "atom"]))
def test_no_text_in_any_field_breaks_a_feed_or_becomes_markup(channel: Channel, kind: str) -> None:
    body = render(channel, kind)
    etree.fromstring(body)  # well-formed XML, or this raises
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert len(parsed.entries) == len(channel.entries)
    for item, read in zip(channel.entries, parsed.entries, strict=True):
        for field in ("title", "summary"):
            tags, text = as_read(read[f"{field}_detail"])
            assert not set(tags) - {"br"}, (field, tags)
            assert text == _words(getattr(item, field)), field
        assert read.id == item.id
    assert as_read(parsed.feed.title_detail)[1] == _words(channel.title)


@given(st.text(st.characters(codec=None)))
def test_xml_text_keeps_only_what_xml_allows(value: str) -> None:
    cleaned = xml_text(value)
    allowed = {0x9, 0xA, 0xD}
    for ch in cleaned:
        n = ord(ch)
        assert n in allowed or 0x20 <= n < 0x7F or 0xA0 <= n <= 0xD7FF or 0xE000 <= n <= 0x10FFFF
        assert not (0xFDD0 <= n <= 0xFDEF or n & 0xFFFE == 0xFFFE)
    # What XML allows is kept as it is.
    assert xml_text(cleaned) == cleaned
    assert xml_text("宝鸡\t<&>\n") == "宝鸡\t<&>\n"
    assert xml_text("a\x07b\ud800c\ufdd0") == "ab\ufffdc\ufffd"
