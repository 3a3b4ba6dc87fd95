"""`/search`: full-text search over credit files, with highlights, facets as filter links and
paging with the exact total. An exact USCC or organisation-code query with one hit goes straight
to the credit file."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from portal.context import PortalContext
from portal.domain import COLOUR_LABELS, LIST_LABELS
from portal.errors import BadRequest
from portal.search import FACET_FIELDS, SearchQuery, SearchResult
from portal.web.params import Paging, check_in_range, make_pager, parse_paging, url_with
from portal.web.templating import render

MAX_QUERY_CHARS = 100

FACET_TITLES = {"district": "区县", "industry": "行业", "list": "名单", "colour": "预警颜色"}
# Facet values shown by their Chinese label; the others are Chinese already.
FACET_VALUE_LABELS: dict[str, dict[str, str]] = {
    "list": {str(k): v for k, v in LIST_LABELS.items()},
    "colour": {str(k): v for k, v in COLOUR_LABELS.items()},
}
FIELD_TITLES = {
    "name": "企业名称",
    "former_names": "曾用名",
    "address": "地址",
    "legal_representative": "法定代表人",
    "products": "产品",
    "texts": "公示信息",
    "uscc": "统一社会信用代码",
    "org_code": "组织机构代码",
}


@dataclass(frozen=True)
class FacetLink:
    label: str
    count: int
    href: str
    selected: bool


@dataclass(frozen=True)
class Facet:
    field: str
    title: str
    selected_label: str | None
    clear_href: str
    values: tuple[FacetLink, ...]


def _label(field: str, value: str) -> str:
    return FACET_VALUE_LABELS.get(field, {}).get(value, value)


def _facets(request: Request, result: SearchResult, filters: dict[str, str]) -> list[Facet]:
    facets = []
    for field in FACET_FIELDS:
        values = tuple(
            FacetLink(
                label=_label(field, fv.value),
                count=fv.count,
                href=url_with(request, **{field: fv.value}),
                selected=filters.get(field) == fv.value,
            )
            for fv in result.facets.get(field, ())
        )
        selected = filters.get(field)
        if values or selected:
            facets.append(
                Facet(
                    field=field,
                    title=FACET_TITLES.get(field, field),
                    selected_label=_label(field, selected) if selected else None,
                    clear_href=url_with(request, **{field: None}),
                    values=values,
                )
            )
    return facets


def _parse(request: Request, paging: Paging) -> SearchQuery:
    text = request.query_params.get("q", "").strip()
    if len(text) > MAX_QUERY_CHARS:
        raise BadRequest(
            f"查询内容过长:最多{MAX_QUERY_CHARS}个字符,您输入了{len(text)}个字符。请缩短后重试。"
        )
    filters = {
        field: value
        for field in FACET_FIELDS
        if (value := request.query_params.get(field, "").strip())
    }
    return SearchQuery(text=text, filters=filters, offset=paging.offset, limit=paging.size)


def search_page(request: Request) -> Response:
    portal: PortalContext = request.app.state.portal
    paging = parse_paging(request, portal.settings)
    query = _parse(request, paging)
    context: dict[str, object] = {
        "q": query.text,
        "filters": query.filters,
        "facet_titles": FACET_TITLES,
        "field_titles": FIELD_TITLES,
        "result": None,
    }
    if not query.text and not query.filters:
        return render(request, "search.html", context)

    result = portal.search.search(query)
    if result.exact and result.total == 1 and len(result.hits) == 1 and not query.filters:
        return RedirectResponse(f"/enterprises/{result.hits[0].uscc}", status_code=303)
    check_in_range(paging, result.total)
    context.update(
        result=result,
        facets=_facets(request, result, query.filters),
        active_filters=[
            (FACET_TITLES[f], _label(f, v), url_with(request, **{f: None}))
            for f, v in query.filters.items()
        ],
        pager=make_pager(request, paging, result.total, len(result.hits)),
    )
    return render(request, "search.html", context)
