"""The GraphQL endpoint: strawberry's ASGI app (`PortalGraphQL`), mounted by the composition
(`portal.server`) as one Route at `/graphql` (a Route, not a Mount, so POST /graphql is answered
there and not redirected).

- POST `application/json` `{"query", "variables", "operationName"}`: runs a query, or the one
  mutation, `submitObjection`. Only JSON is accepted, which a cross-site HTML form cannot send,
  so the mutation needs no anti-forgery token.
- GET with `?query=`: runs a query (no other operation type) for simple clients and caches.
- GET from a browser (Accept: text/html): the GraphiQL explorer, served from /static/graphiql/,
  so it works without internet access.

Strawberry's hooks do the plumbing (`get_context`, `render_graphql_ide`, `process_result`,
`encode_json`); the overrides below keep what the portal promises and strawberry does
otherwise: refusals in Chinese as GraphQL-shaped JSON, a body size limit, stricter JSON, no
batching, and resolvers run synchronously in a worker thread (`schema.execute_sync`): they read
the database and the search index synchronously and must not block the event loop.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import MissingQueryError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from portal.graphql.schema import MAX_DEPTH, GraphQLContext, schema

PATH = "/graphql"
# A query document larger than this is refused before parsing.
MAX_BODY_BYTES = 100_000
TEMPLATES_DIR = Path(__file__).parent.parent / "templates"

EXAMPLE_QUERY = """\
# 宝鸡市产品质量诚信信息网 GraphQL 数据接口
#
# 示例:当前黑名单上的前 10 家企业。
# 筛选:blacklist(first: 10, district: "金台区")
# 翻页:把 pageInfo.endCursor 作为 after 传入。
# 其他查询:enterprise 企业诚信档案、
#   searchEnterprises 企业检索、badRecords 不良信息、
#   warnings 质量安全预警、exemplary 示范企业、objection 异议处理进度。
# 唯一的写操作:mutation submitObjection 对公示信息提出异议(须以 POST 提交)。
# Ctrl+Enter 运行;左上角书本图标打开字段说明。

query Blacklist {
  blacklist(first: 10) {
    totalCount
    edges {
      cursor
      node {
        enterprise { uscc name district industry }
        designation {
          title
          reason
          products
          startsOn
          provenance { sourceSystem approvedAt publishedOn }
        }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""

# GET runs queries only: a mutation by GET could be triggered by any link or image. No
# subscriptions either (strawberry would allow them by GET and POST; the schema has none).
ALLOWED_OPERATIONS = {
    "GET": {OperationType.QUERY},
    "POST": {OperationType.QUERY, OperationType.MUTATION},
}

# The explorer page only: GraphQL's own environment, so that it needs nothing of the site's.
_templates = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=select_autoescape(["html"]),
    auto_reload=False,
)


def graphql_routes() -> list[BaseRoute]:
    return [Route(PATH, PortalGraphQL(schema), methods=["GET", "POST"], name="graphql")]


def _bad_request(message: str, status_code: int = 400) -> JSONResponse:
    error = {"message": message, "extensions": {"code": "BAD_REQUEST", "status": status_code}}
    return JSONResponse({"errors": [error]}, status_code=status_code)


class _TooLarge(HTTPException):
    def __init__(self) -> None:
        super().__init__(413, f"请求体超过{MAX_BODY_BYTES}字节")


def _limited(receive: Receive) -> Receive:
    """`receive` that stops the request as soon as its body exceeds MAX_BODY_BYTES."""
    size = 0

    async def wrapped() -> Message:
        nonlocal size
        message = await receive()
        size += len(message.get("body", b""))
        if size > MAX_BODY_BYTES:
            raise _TooLarge()
        return message

    return wrapped


def _decode_json(text: str | bytes, what: str) -> Any:
    """The decoded JSON, or HTTPException(400) saying why it cannot be used. Besides malformed
    JSON: nesting deeper than Python's recursion (json.loads raises RecursionError, not
    ValueError) and a lone surrogate (`"\\ud800"`, valid JSON but no character), which nothing
    after this point can encode: SQLite, Elasticsearch or the JSON response would fail."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise HTTPException(400, f"{what}的 JSON 嵌套过深") from None
    except ValueError:
        raise HTTPException(400, f"{what}不是合法的 JSON") from None
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except RecursionError:
        raise HTTPException(400, f"{what}的 JSON 嵌套过深") from None
    except UnicodeEncodeError:
        raise HTTPException(
            400, f"{what}含有无效的 Unicode 字符(单独的代理项,如 \\ud800):请以 UTF-8 提交文字"
        ) from None
    return value


def _request_data(params: Any) -> GraphQLRequestData:
    if not isinstance(params, dict):
        raise HTTPException(400, "请求体应为 JSON 对象(不支持批量查询)")
    query, variables, operation = (
        params.get("query"),
        params.get("variables"),
        params.get("operationName"),
    )
    if not isinstance(query, str) or not query.strip():
        raise HTTPException(400, "缺少查询语句 query")
    if variables is not None and not isinstance(variables, dict):
        raise HTTPException(400, "variables 应为 JSON 对象")
    if operation is not None and not isinstance(operation, str):
        raise HTTPException(400, "operationName 应为字符串")
    return GraphQLRequestData(
        query=query, variables=variables, operation_name=operation, extensions=None
    )


class PortalGraphQL(GraphQL[GraphQLContext, None]):
    """Strawberry's ASGI app with the portal's context, explorer page and refusals."""

    def __init__(self, schema: Any) -> None:
        super().__init__(schema, graphql_ide="graphiql", multipart_uploads_enabled=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Overridden because strawberry answers its refusals as plain text in English: here they
        # are GraphQL-shaped JSON with a Chinese message, like every other error of the API.
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive=_limited(receive))
        declared = request.headers.get("content-length", "")
        try:
            if declared.isdecimal() and int(declared) > MAX_BODY_BYTES:
                raise _TooLarge()
            response = await self.run(request)
        except HTTPException as refused:
            response = _bad_request(refused.reason, refused.status_code)
        await response(scope, receive, send)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> GraphQLContext:
        assert isinstance(request, Request)
        return GraphQLContext(portal=request.app.state.portal, request=request)

    def is_request_allowed(self, request: Any) -> bool:
        # Strawberry refuses other methods (HEAD, which the Route adds to GET) in English.
        if request.method not in ("GET", "POST"):
            raise HTTPException(405, "本接口只接受 GET 和 POST 请求")
        return True

    def should_render_graphql_ide(self, request: Any) -> bool:
        # Strawberry also shows the page for `Accept: */*` (curl, scripts): those get the 400
        # saying how to send a query.
        return bool(
            request.method == "GET"
            and "query" not in request.query_params
            and "text/html" in request.headers.get("accept", "")
        )

    async def render_graphql_ide(self, request: Request) -> Response:
        root = request.scope.get("root_path", "")
        portal = getattr(request.app.state, "portal", None)
        html = _templates.get_template("graphiql.html").render(
            site_name=portal.settings.site_name if portal else "",
            endpoint=root + PATH,
            static=root + "/static/graphiql",
            default_query=EXAMPLE_QUERY,
        )
        return HTMLResponse(html)

    async def parse_http_body(self, request: AsyncHTTPRequestAdapter) -> GraphQLRequestData:
        # Overridden: strawberry accepts any content type containing "application/json", form
        # uploads and batches, and decodes JSON less strictly (see _decode_json).
        if request.method == "GET":
            params: dict[str, Any] = dict(request.query_params)
            if "query" not in params:
                raise HTTPException(
                    400,
                    f'缺少 query 参数:请以 POST 提交 JSON {{"query": ...}},'
                    f"或在浏览器中打开 {PATH} 使用查询界面",
                )
            if "variables" in params:
                params["variables"] = _decode_json(params["variables"], "variables 参数")
            return _request_data(params)
        body = await request.get_body()  # _TooLarge from _limited, before anything else
        # Media types are case-insensitive (RFC 9110): APPLICATION/JSON is JSON too.
        content_type = (request.content_type or "").split(";")[0].strip().lower()
        if content_type != "application/json":
            raise HTTPException(415, '请求须为 application/json:{"query": ..., "variables": ...}')
        return _request_data(_decode_json(body, "请求体"))

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: GraphQLContext,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        # Overridden: synchronous execution in a worker thread (strawberry's awaits the
        # resolvers on the event loop, which they would block), the portal's allowed
        # operations, and its messages for the operations refused.
        method = request_adapter.method
        operation = request_data.operation_name
        try:
            return await run_in_threadpool(
                self.schema.execute_sync,
                request_data.query,
                variable_values=request_data.variables,
                context_value=context,
                operation_name=operation,
                allowed_operation_types=ALLOWED_OPERATIONS[method],
            )
        except MissingQueryError:
            raise HTTPException(400, "缺少查询语句 query") from None
        except RecursionError:
            # The parser and the validators recurse per nesting level: a query can nest deeper
            # than Python allows while staying under the token limit.
            raise HTTPException(400, f"查询语句嵌套过深:最多{MAX_DEPTH}层") from None
        except CannotGetOperationTypeError:
            raise HTTPException(
                400, f"找不到名为“{operation}”的操作,或未指定 operationName"
            ) from None
        except InvalidOperationTypeError:
            if method == "GET":
                raise HTTPException(
                    400, "GET 请求只接受 query 操作;提出异议(submitObjection)请以 POST 提交"
                ) from None
            raise HTTPException(400, "本接口只接受 query 操作和 mutation submitObjection") from None

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        payload: GraphQLHTTPResponse = {}
        # Unlike strawberry's: a request that never reached execution (syntax, validation) has
        # no `data` entry at all.
        if result.data is not None or not result.errors:
            payload["data"] = result.data
        if result.errors:
            payload["errors"] = [error.formatted for error in result.errors]
        return payload

    def encode_json(self, data: object) -> bytes:
        # As Starlette's JSONResponse renders it (and the API did before): UTF-8, not \\u escapes.
        return bytes(JSONResponse(data).body)
