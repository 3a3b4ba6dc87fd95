"""Relay-style connections over offset paging: opaque cursors, `first`/`after`, `pageInfo`.

A cursor is the base64 of `offset:N`, N the 0-based position of the item in the whole result.
Clients must treat it as opaque; `after: <cursor of item N>` asks for the items from N + 1.
Bad cursors and out-of-range `first` are BadRequest, so they surface as GraphQL errors with a
clear message instead of a silently empty page.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

import strawberry

from portal.errors import BadRequest
from portal.settings import Settings

CURSOR_PREFIX = "offset:"
# Deeper than any real list; keeps a forged cursor from reaching the database as a huge offset.
MAX_OFFSET = 1_000_000


def encode_cursor(offset: int) -> str:
    return base64.b64encode(f"{CURSOR_PREFIX}{offset}".encode()).decode("ascii")


def decode_cursor(cursor: str) -> int:
    """The offset a cursor names; BadRequest for anything this module did not produce."""
    problem = f"分页游标“{cursor}”无效:请使用上一页返回的 pageInfo.endCursor 或 edges.cursor"
    try:
        text = base64.b64decode(cursor.encode("ascii"), validate=True).decode("ascii")
    except (UnicodeError, binascii.Error, ValueError):
        raise BadRequest(problem) from None
    number = text.removeprefix(CURSOR_PREFIX)
    if number == text or not number.isdecimal() or not number.isascii():
        raise BadRequest(problem)
    offset = int(number)
    if offset >= MAX_OFFSET:
        raise BadRequest(problem)
    return offset


@dataclass(frozen=True)
class Window:
    """The slice of a result a connection asked for."""

    offset: int
    limit: int


def window(first: int | None, after: str | None, settings: Settings) -> Window:
    """`first` (default `settings.page_size`, at most `settings.max_page_size`) items after
    the cursor `after` (default: from the start)."""
    if first is None:
        limit = settings.page_size
    elif first < 1 or first > settings.max_page_size:
        raise BadRequest(
            f"参数 first 为{first}:应为 1 到 {settings.max_page_size} 之间的整数"
            f"(每次最多返回{settings.max_page_size}条,请用 after 翻页)"
        )
    else:
        limit = first
    offset = decode_cursor(after) + 1 if after else 0
    return Window(offset=offset, limit=limit)


@strawberry.type(description="分页信息(Relay 规范)")
class PageInfo:
    has_next_page: bool = strawberry.field(description="之后是否还有数据")
    has_previous_page: bool = strawberry.field(description="之前是否还有数据")
    start_cursor: str | None = strawberry.field(description="本页第一条的游标;本页为空时为 null")
    end_cursor: str | None = strawberry.field(
        description="本页最后一条的游标,作为下一页的 after 参数;本页为空时为 null"
    )


def cursors(win: Window, count: int) -> list[str]:
    """Cursors of the `count` items a window returned, in order."""
    return [encode_cursor(win.offset + i) for i in range(count)]


def page_info(win: Window, count: int, total: int) -> PageInfo:
    """`pageInfo` of a window that returned `count` items out of `total` matches."""
    return PageInfo(
        has_next_page=win.offset + count < total,
        has_previous_page=win.offset > 0,
        start_cursor=encode_cursor(win.offset) if count else None,
        end_cursor=encode_cursor(win.offset + count - 1) if count else None,
    )
