"""The GraphQL schema: `Query` with thin resolvers over the read layer and the search backend,
`Mutation` with its one write, `submitObjection` (`portal.graphql.objections`), and how errors
reach clients.

A PortalError raised by a resolver (BadRequest, NotFound, SearchUnavailable) becomes a GraphQL
error with its Chinese message and `extensions: {code, status}`; a query the schema rejects gets
`GRAPHQL_VALIDATION_FAILED`; anything else is logged with its traceback and masked as
`INTERNAL_SERVER_ERROR`. Depth, aliases and tokens per query are limited, so is a query's cost
(`portal.graphql.cost`), and every connection's `first` is capped by `settings.max_page_size`
(`portal.graphql.relay`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any

import strawberry
from graphql import GraphQLError
from starlette.requests import Request
from strawberry.extensions import (
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.types import ExecutionContext

from portal.codes import InvalidCode, validate_uscc
from portal.context import PortalContext
from portal.domain import DISTRICTS, INDUSTRIES
from portal.domain import CreditList as ListName
from portal.errors import BadRequest, NotFound, PortalError
from portal.graphql.connections import (
    EnterpriseSearchConnection,
    ListCounts,
    ListEntryConnection,
)
from portal.graphql.cost import QueryCostLimiter
from portal.graphql.enums import Colour, CreditList
from portal.graphql.objections import Mutation, Objection, find_objection
from portal.graphql.relay import window
from portal.graphql.types import CreditFile
from portal.logs import get_logger
from portal.readmodels import credit_file, lists
from portal.rules.model import Thresholds
from portal.search.base import SearchQuery

_log = get_logger(__name__)

MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_TOKENS = 5000
INTERNAL_ERROR = "服务器内部错误,请稍后再试"


@dataclass
class GraphQLContext:
    """What resolvers get as `info.context`."""

    portal: PortalContext
    request: Request | None = None


Info = strawberry.Info[GraphQLContext, None]


def _district(value: str | None) -> str | None:
    if value and value not in DISTRICTS:
        raise BadRequest(f"未知的区县“{value}”:应为{'、'.join(DISTRICTS)}之一")
    return value or None


def _industry(value: str | None) -> str | None:
    if value and value not in INDUSTRIES:
        raise BadRequest(f"未知的行业“{value}”:应为{'、'.join(INDUSTRIES)}之一")
    return value or None


def _list(
    info: Info,
    name: ListName,
    first: int | None,
    after: str | None,
    district: str | None,
    industry: str | None,
) -> ListEntryConnection:
    portal = info.context.portal
    win = window(first, after, portal.settings)
    with portal.session() as session:
        page = lists.list_enterprises_on(
            session,
            name,
            portal.today(),
            district=_district(district),
            industry=_industry(industry),
            offset=win.offset,
            limit=win.limit,
        )
        objected = credit_file.objected_records(session, [i.enterprise.uscc for i in page.items])
        return ListEntryConnection.of(page, win, objected)


FirstArg = Annotated[
    int | None,
    strawberry.argument(description="返回条数:默认为每页条数设置,最多为最大每页条数设置"),
]
AfterArg = Annotated[
    str | None, strawberry.argument(description="从该游标之后开始:上一页的 pageInfo.endCursor")
]
DistrictArg = Annotated[str | None, strawberry.argument(description="按区县筛选,如“金台区”")]
IndustryArg = Annotated[str | None, strawberry.argument(description="按行业筛选,如“机床工具”")]


@strawberry.type(description="宝鸡市产品质量诚信信息网的公开数据")
class Query:
    @strawberry.field(
        description="按统一社会信用代码查询企业诚信档案;代码格式有误时报错,无此公开企业时返回 null"
    )
    def enterprise(
        self,
        info: Info,
        uscc: Annotated[str, strawberry.argument(description="18位统一社会信用代码")],
    ) -> CreditFile | None:
        try:
            code = validate_uscc(uscc)
        except InvalidCode as exc:
            raise BadRequest(f"统一社会信用代码“{uscc}”有误:{exc}") from None
        portal = info.context.portal
        with portal.session() as session:
            try:
                file = credit_file.get_credit_file(
                    session, code, portal.today(), thresholds=Thresholds.of(portal.settings)
                )
            except NotFound:
                return None
            return CreditFile.of(file)

    @strawberry.field(
        description="检索企业:名称、曾用名、统一社会信用代码、组织机构代码、产品、地址等;"
        "结果含分面统计"
    )
    def search_enterprises(
        self,
        info: Info,
        query: Annotated[
            str, strawberry.argument(description="检索词;为空时按筛选条件列出全部企业")
        ],
        first: FirstArg = None,
        after: AfterArg = None,
        district: DistrictArg = None,
        industry: IndustryArg = None,
        list_name: Annotated[
            CreditList | None, strawberry.argument(name="list", description="只查该名单上的企业")
        ] = None,
        colour: Annotated[
            Colour | None, strawberry.argument(description="只查该预警颜色的企业")
        ] = None,
    ) -> EnterpriseSearchConnection | None:
        portal = info.context.portal
        win = window(first, after, portal.settings)
        filters = {
            "district": _district(district),
            "industry": _industry(industry),
            "list": list_name.value if list_name else None,
            "colour": colour.value if colour else None,
        }
        search = SearchQuery(
            text=query,
            filters={k: v for k, v in filters.items() if v},
            offset=win.offset,
            limit=win.limit,
        )
        return EnterpriseSearchConnection.of(portal.search.search(search), win)

    @strawberry.field(description="黑名单")
    def blacklist(
        self,
        info: Info,
        first: FirstArg = None,
        after: AfterArg = None,
        district: DistrictArg = None,
        industry: IndustryArg = None,
    ) -> ListEntryConnection | None:
        return _list(info, ListName.blacklist, first, after, district, industry)

    @strawberry.field(description="质量诚信示范企业(红名单)")
    def exemplary(
        self,
        info: Info,
        first: FirstArg = None,
        after: AfterArg = None,
        district: DistrictArg = None,
        industry: IndustryArg = None,
    ) -> ListEntryConnection | None:
        return _list(info, ListName.exemplary, first, after, district, industry)

    @strawberry.field(description="不良信息")
    def bad_records(
        self,
        info: Info,
        first: FirstArg = None,
        after: AfterArg = None,
        district: DistrictArg = None,
        industry: IndustryArg = None,
    ) -> ListEntryConnection | None:
        return _list(info, ListName.bad_records, first, after, district, industry)

    @strawberry.field(description="质量安全预警信息,最新的在前")
    def warnings(
        self,
        info: Info,
        first: FirstArg = None,
        after: AfterArg = None,
        district: DistrictArg = None,
        industry: IndustryArg = None,
    ) -> ListEntryConnection | None:
        return _list(info, ListName.quality_safety_warning, first, after, district, industry)

    @strawberry.field(description="各名单今天的企业数(家企业)与记录数(条),以及公开的企业诚信档案数")
    def list_counts(self, info: Info) -> ListCounts | None:
        portal = info.context.portal
        with portal.session() as session:
            return ListCounts.of(lists.list_counts(session, portal.today()))

    @strawberry.field(
        description="按查询编号查询异议的处理进度(不含联系方式);"
        "编号格式有误时报错,无此异议时返回 null"
    )
    def objection(
        self,
        info: Info,
        reference: Annotated[
            str, strawberry.argument(description="查询编号,如 YY-2026-7K3QD9M2XA")
        ],
    ) -> Objection | None:
        return find_objection(info, reference)


def _code(error: PortalError) -> str:
    """BadRequest → BAD_REQUEST."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(error).__name__).upper()


def _is_exposed(error: PortalError) -> bool:
    """Errors raised on purpose are shown as they are, except internal (500) ones."""
    return error.status_code != 500


class PortalErrors(SchemaExtension):
    """Rewrites the errors of a result: PortalError messages with a code, the rest masked."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if result is not None and errors:
            result.errors = [present(error) for error in errors]


def present(error: GraphQLError) -> GraphQLError:
    """The error as the client sees it."""
    original = error.original_error
    if isinstance(original, PortalError) and _is_exposed(original):
        message = original.detail
        extensions = {"code": _code(original), "status": original.status_code}
    elif original is None or isinstance(original, GraphQLError):
        message = error.message
        extensions = {"code": "GRAPHQL_VALIDATION_FAILED", "status": 400}
    else:
        message = INTERNAL_ERROR
        extensions = {"code": "INTERNAL_SERVER_ERROR", "status": 500}
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions={**(error.extensions or {}), **extensions},
    )


class PortalSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log what the client cannot be blamed for; runs before PortalErrors rewrites them."""
        query = execution_context.query if execution_context else None
        for error in errors:
            original = error.original_error
            if original is None or isinstance(original, GraphQLError):
                continue
            if isinstance(original, PortalError) and original.status_code < 500:
                continue
            fields: dict[str, Any] = {
                "path": ".".join(str(p) for p in error.path or ()),
                "error": type(original).__name__,
                "detail": str(original),
                "query": (query or "")[:500],
            }
            # The traceback is only at hand as the exception object here, not as the exception
            # being handled: it is passed as such.
            exc_info = None if isinstance(original, PortalError) else original
            _log.error("graphql.error", exc_info=exc_info, **fields)


schema = PortalSchema(
    query=Query,
    mutation=Mutation,
    extensions=[
        partial(QueryDepthLimiter, max_depth=MAX_DEPTH),
        partial(MaxAliasesLimiter, max_alias_count=MAX_ALIASES),
        partial(MaxTokensLimiter, max_token_count=MAX_TOKENS),
        QueryCostLimiter,
        PortalErrors,
    ],
)
