"""A `Channel` as RSS 2.0 or Atom 1.0 bytes (feedgen).

Record text must arrive in every reader as text. Atom says so: every text construct is
`type="text"` (the default; written out for the summaries). RSS cannot say it: readers take
`<description>` as HTML, and feedparser (and many readers) guess whether `<title>` is HTML, so
in RSS both carry the text escaped as HTML (`html_text`, `html_lines`), which shows exactly that
text however it is read. Categories and names are plain text in both.
"""

from __future__ import annotations

from feedgen.feed import FeedGenerator

from portal.web.views.feeds.items import Channel
from portal.web.views.feeds.text import html_lines, html_text

MEDIA_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml"}


def render(channel: Channel, kind: str) -> bytes:
    rss = kind == "rss"
    fg = FeedGenerator()
    fg.id(channel.id)
    fg.title(html_text(channel.title) if rss else channel.title)
    fg.subtitle(channel.description)
    fg.description(html_lines(channel.description) if rss else channel.description)
    fg.author(name=channel.site_name, uri=f"{channel.site_url}/")
    fg.language("zh-CN")
    # feedgen puts the last link() in the RSS channel <link>: self first, the HTML page last.
    fg.link(href=channel.self_url, rel="self")
    fg.link(href=channel.page_url, rel="alternate", type="text/html")
    fg.updated(channel.updated)
    fg.lastBuildDate(channel.updated)
    for item in channel.entries:
        fe = fg.add_entry(order="append")
        fe.id(item.id)
        fe.link(href=item.link, rel="alternate", type="text/html")
        fe.published(item.published)
        fe.updated(item.updated)
        fe.author(name=channel.site_name)
        fe.category([{"term": term} for term in item.categories if term])
        if rss:
            fe.title(html_text(item.title))
            fe.description(html_lines(item.summary))
        else:
            fe.title(item.title)
            fe.summary(item.summary, type="text")
    body: bytes = fg.rss_str(pretty=True) if rss else fg.atom_str(pretty=True)
    return body
