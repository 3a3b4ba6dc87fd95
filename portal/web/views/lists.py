"""The public lists: `/blacklist`, `/exemplary`, `/bad-records`, `/warnings`.

Each is filterable by district and industry (a GET form), paged with the exact total, and every
row links the enterprise's credit file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from portal.context import PortalContext
from portal.domain import DISTRICTS, INDUSTRIES, LIST_LABELS, CreditList
from portal.readmodels.lists import list_enterprises_on
from portal.web.params import (
    check_in_range,
    district_param,
    industry_param,
    make_pager,
    parse_paging,
)
from portal.web.templating import render


@dataclass(frozen=True)
class PublicList:
    list_name: CreditList
    path: str
    title: str
    # What being on the list means, in one sentence for the public.
    description: str


PUBLIC_LISTS = (
    PublicList(
        CreditList.quality_safety_warning,
        "/warnings",
        LIST_LABELS[CreditList.quality_safety_warning],
        "产品或设备存在质量安全隐患、经核实后公开预警的企业。购买相关产品或签订合同前请留意。",
    ),
    PublicList(
        CreditList.blacklist,
        "/blacklist",
        LIST_LABELS[CreditList.blacklist],
        "拒不整改、严重违法或不良信息公布后逾期未纠正的企业及其产品。",
    ),
    PublicList(
        CreditList.bad_records,
        "/bad-records",
        LIST_LABELS[CreditList.bad_records],
        "特种设备超期未检、计量器具未检定等红色预警升级形成的不良信息。",
    ),
    PublicList(
        CreditList.exemplary,
        "/exemplary",
        "质量诚信示范企业(红名单)",
        "经评定的质量诚信示范企业。",
    ),
)


def _filter_query(district: str | None, industry: str | None) -> str:
    filters = [(k, v) for k, v in (("district", district), ("industry", industry)) if v]
    return f"?{urlencode(filters)}" if filters else ""


def _list_view(public_list: PublicList) -> Callable[[Request], Response]:
    def view(request: Request) -> Response:
        portal: PortalContext = request.app.state.portal
        paging = parse_paging(request, portal.settings)
        district = district_param(request)
        industry = industry_param(request)
        with portal.session() as session:
            page = list_enterprises_on(
                session,
                public_list.list_name,
                portal.today(),
                district=district,
                industry=industry,
                offset=paging.offset,
                limit=paging.size,
            )
        check_in_range(paging, page.total)
        return render(
            request,
            "list.html",
            {
                "list": public_list,
                "page": page,
                "pager": make_pager(request, paging, page.total, len(page.items)),
                "district": district,
                "industry": industry,
                "districts": DISTRICTS,
                "industries": INDUSTRIES,
                "feed_query": _filter_query(district, industry),
            },
        )

    view.__name__ = f"list_{public_list.list_name.value}"
    return view


def list_routes() -> list[BaseRoute]:
    return [Route(item.path, _list_view(item), name=item.list_name.value) for item in PUBLIC_LISTS]
