"""Query-string parameters shared by the search page, the lists and the feeds: paging, filters
restricted to known values, and links that change one parameter while keeping the others."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.requests import Request

from portal.domain import DISTRICTS, INDUSTRIES
from portal.errors import BadRequest
from portal.settings import Settings


@dataclass(frozen=True)
class Paging:
    """The page a client asked for: 1-based `page`, `size` rows per page."""

    page: int
    size: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size


def _positive_int(raw: str, what: str) -> int:
    text = raw.strip()
    if not text.isdecimal() or not text.isascii() or int(text) < 1:
        raise BadRequest(f"{what}参数“{raw}”有误:应为正整数")
    return int(text)


def parse_paging(request: Request, settings: Settings) -> Paging:
    """`?page=N&size=M`: page defaults to 1, size to the configured page size, capped."""
    raw_page = request.query_params.get("page", "")
    raw_size = request.query_params.get("size", "")
    page = _positive_int(raw_page, "页码") if raw_page else 1
    size = _positive_int(raw_size, "每页条数") if raw_size else settings.page_size
    if size > settings.max_page_size:
        raise BadRequest(f"每页条数最多为{settings.max_page_size}")
    if page > 1_000_000:
        raise BadRequest(f"页码“{raw_page}”超出范围")
    return Paging(page=page, size=size)


def check_in_range(paging: Paging, total: int) -> None:
    """A page past the last one is an error, not a silently empty page."""
    if paging.page > 1 and paging.offset >= total:
        last = max(1, -(-total // paging.size))
        raise BadRequest(f"第{paging.page}页超出范围:共{total}条,共{last}页")


def choice(request: Request, name: str, allowed: Iterable[str], what: str) -> str | None:
    """A filter that must be one of `allowed`; empty or absent means no filter."""
    value = request.query_params.get(name, "").strip()
    if not value:
        return None
    if value not in set(allowed):
        raise BadRequest(f"未知的{what}“{value}”")
    return value


def district_param(request: Request) -> str | None:
    return choice(request, "district", DISTRICTS, "区县")


def industry_param(request: Request) -> str | None:
    return choice(request, "industry", INDUSTRIES, "行业")


def url_with(request: Request, **changes: str | int | None) -> str:
    """This page's URL (path and query) with some parameters set, or removed when None.

    Any change other than `page` itself goes back to the first page.
    """
    params = {k: v for k, v in request.query_params.items() if v != ""}
    if "page" not in changes:
        params.pop("page", None)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    if params.get("page") == "1":
        del params["page"]
    query = urlencode(params)
    return request.url.path + (f"?{query}" if query else "")


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None: a gap ("…")
    href: str
    current: bool


@dataclass(frozen=True)
class Pager:
    """What the paging bar shows: the exact total, the pages and the links between them."""

    total: int
    page: int
    pages: int
    first_item: int
    last_item: int
    previous: str | None
    next: str | None
    links: tuple[PageLink, ...]


def make_pager(request: Request, paging: Paging, total: int, shown: int) -> Pager:
    pages = max(1, -(-total // paging.size))
    wanted = {1, pages, *range(paging.page - 2, paging.page + 3)}
    numbers = sorted(n for n in wanted if 1 <= n <= pages)
    links: list[PageLink] = []
    for i, n in enumerate(numbers):
        if i and n - numbers[i - 1] > 1:
            links.append(PageLink(None, "", False))
        links.append(PageLink(n, url_with(request, page=n), n == paging.page))
    return Pager(
        total=total,
        page=paging.page,
        pages=pages,
        first_item=paging.offset + 1 if shown else 0,
        last_item=paging.offset + shown,
        previous=url_with(request, page=paging.page - 1) if paging.page > 1 else None,
        next=url_with(request, page=paging.page + 1) if paging.page < pages else None,
        links=tuple(links),
    )
