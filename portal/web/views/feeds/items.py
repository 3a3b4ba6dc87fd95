"""What a feed says, independent of RSS or Atom: the channel and its entries, built from the rows
of a public list, every text field XML-safe.

`Entry` and `Channel` pass every string they hold through `xml_text` when they are made, so no
character of a record can reach feedgen (and lxml) unchecked, whatever the field.

Ids are tag URIs (RFC 4151) under `PORTAL_FEED_TAG_AUTHORITY`: `tag:baoji.gov.cn,2026:
designations/<source system>/<record id>` names the designation (a later version keeps it; its
announcement as withdrawn adds `/withdrawn`), and does not change with the host the feed is
served from. Links, which must reach the site, use the site's address (portal.web.urls).

Times: `published` is when the entry became public (its approval, or its publication day if
later); `updated` is the last time it changed: the portal stores a record when it is ingested or
a newer version arrives, and the credit rules when they rewrite what they derive
(`ingested_at`), never earlier than its publication. An entry that left the list is dated when
it left: the moment of its withdrawal, or the first day it is no longer shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import datetime
from urllib.parse import quote, urlencode

from portal.domain import LIST_LABELS, CreditList
from portal.errors import ConfigurationError
from portal.readmodels.ended import EndedDesignation
from portal.readmodels.lists import ListedEnterprise
from portal.storage.models import Designation
from portal.web.formatting import aware, start_of_day
from portal.web.views.feeds.text import xml_text
from portal.web.views.lists import PUBLIC_LISTS, PublicList

Row = ListedEnterprise | EndedDesignation


@dataclass(frozen=True)
class FeedList:
    """A public list with a feed: `/feeds/<slug>.rss|.atom`, beside its page `/<slug>`."""

    page: PublicList
    # Before each entry's title, e.g. 【黑名单】; and what one entry is called in a sentence.
    tag: str
    noun: str
    # What the entry's start date means.
    since: str
    description: str

    @property
    def slug(self) -> str:
        return self.page.path.strip("/")

    @property
    def label(self) -> str:
        return LIST_LABELS[self.page.list_name]


def _page(name: CreditList) -> PublicList:
    return next(p for p in PUBLIC_LISTS if p.list_name == name)


FEED_LISTS = (
    FeedList(
        _page(CreditList.quality_safety_warning),
        "【质量安全预警】",
        "质量安全预警信息",
        "预警起始日期",
        "经市场监督管理部门审核公开的质量安全预警信息,最新的在前。",
    ),
    FeedList(
        _page(CreditList.blacklist),
        "【黑名单】",
        "黑名单信息",
        "列入日期",
        "经市场监督管理部门审核公开的新列入黑名单的企业,最新的在前。",
    ),
    FeedList(
        _page(CreditList.bad_records),
        "【不良信息】",
        "不良信息",
        "不良信息起始日期",
        "经市场监督管理部门审核公开的新不良信息,最新的在前。",
    ),
)


def _clean_strings(item: object) -> None:
    """Pass every `str` field (and every `str` in a tuple field) of a frozen dataclass through
    `xml_text`: the one defence of every feed field."""
    for f in fields(item):  # type: ignore[arg-type]
        value = getattr(item, f.name)
        if isinstance(value, str):
            object.__setattr__(item, f.name, xml_text(value))
        elif isinstance(value, tuple) and all(isinstance(v, str) for v in value):
            object.__setattr__(item, f.name, tuple(xml_text(v) for v in value))


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    summary: str
    link: str
    published: datetime
    updated: datetime
    categories: tuple[str, ...]

    def __post_init__(self) -> None:
        _clean_strings(self)


@dataclass(frozen=True)
class Channel:
    id: str
    title: str
    description: str
    site_name: str
    site_url: str
    self_url: str
    page_url: str
    updated: datetime
    entries: tuple[Entry, ...]

    def __post_init__(self) -> None:
        _clean_strings(self)


# RFC 4151: authorityName (a DNS name or an e-mail address) "," date (YYYY[-MM[-DD]]).
_DNS = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
_TAGGING_ENTITY = re.compile(
    rf"(?:{_DNS}|[A-Za-z0-9._%+-]+@{_DNS}),\d{{4}}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?"
)
# Characters a tag URI's specific part may hold as they are (RFC 4151 pchar, but "/").
_PCHAR = "-._~!$&'()*+,;=:@"


def tagging_entity(value: str) -> str:
    """The setting `PORTAL_FEED_TAG_AUTHORITY`, checked."""
    if not _TAGGING_ENTITY.fullmatch(value):
        raise ConfigurationError(
            f"PORTAL_FEED_TAG_AUTHORITY“{value}”无效:应为域名(或电子邮箱)、逗号和日期,"
            "例如 baoji.gov.cn,2026(RFC 4151)"
        )
    return value


def _segment(value: str) -> str:
    """`value` as one path segment of a URI: made XML-safe first (quote cannot encode a lone
    surrogate), then percent-encoded."""
    return quote(xml_text(value), safe=_PCHAR)


def designation_id(entity: str, d: Designation) -> str:
    """The designation's tag URI: its provenance identity, stable across versions and hosts."""
    return f"tag:{entity}:designations/{_segment(d.source_system)}/{_segment(d.source_record_id)}"


def filter_query(district: str | None, industry: str | None) -> str:
    filters = [(k, v) for k, v in (("district", district), ("industry", industry)) if v]
    return f"?{urlencode(filters)}" if filters else ""


def feed_title(site_name: str, feed: FeedList, district: str | None, industry: str | None) -> str:
    """ "…· 黑名单", and the filter when there is one: "…· 黑名单(区县:金台区,行业:机床工具)"."""
    parts = [f"{what}:{value}" for what, value in (("区县", district), ("行业", industry)) if value]
    return f"{site_name} · {feed.label}" + (f"({','.join(parts)})" if parts else "")


def published(row: Row) -> datetime:
    """When the entry became public, or (an entry that left the list) when it left."""
    d = row.designation
    if isinstance(row, EndedDesignation):
        left = start_of_day(row.ended_on)
        return max(left, aware(d.ingested_at).replace(microsecond=0)) if d.withdrawn else left
    times = [aware(d.approved_at)] if d.approved_at else []
    if d.published_on:
        times.append(start_of_day(d.published_on))
    return max(times) if times else start_of_day(d.starts_on)


def updated(row: Row) -> datetime:
    """The last time the entry changed: the portal's last write of its record, not before it
    became public (or left the list)."""
    # Whole seconds, as Last-Modified and If-Modified-Since carry them.
    return max(published(row), aware(row.designation.ingested_at)).replace(microsecond=0)


def _summary(feed: FeedList, row: Row) -> str:
    d, e = row.designation, row.enterprise
    parts = [d.reason]
    if d.products:
        parts.append("涉及产品:" + "、".join(d.products))
    if d.health_or_safety_risk:
        parts.append("危及人身健康或安全。")
    parts.append(f"企业:{e.name}(统一社会信用代码 {e.uscc}),{e.district},{e.industry}。")
    parts.append(f"{feed.since}:{d.starts_on.isoformat()}。")
    if isinstance(row, EndedDesignation):
        head = f"该{feed.noun}{row.why},自 {row.ended_on.isoformat()} 起不再公示。"
        parts.insert(0, head)
    return "\n".join(parts)


def entry(feed: FeedList, row: Row, entity: str, site: str) -> Entry:
    d, e = row.designation, row.enterprise
    file_url = f"{site}/enterprises/{_segment(e.uscc)}"
    if isinstance(row, EndedDesignation):
        ident, title, link = f"{designation_id(entity, d)}/withdrawn", "【撤销】", file_url
    else:
        anchor = _segment(f"designation-{d.source_system}-{d.source_record_id}")
        ident, title, link = designation_id(entity, d), feed.tag, f"{file_url}#{anchor}"
    return Entry(
        id=ident,
        title=f"{title}{e.name}:{d.title}",
        summary=_summary(feed, row),
        link=link,
        published=published(row),
        updated=updated(row),
        categories=(e.district, e.industry),
    )
