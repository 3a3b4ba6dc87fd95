"""The GraphQL endpoint: one Route at `/graphql` (a Route, not a Mount, so POST /graphql is
answered there and not redirected).

- POST `application/json` `{"query", "variables", "operationName"}`: runs a query, or the one
  mutation, `submitObjection`. Only JSON is accepted, which a cross-site HTML form cannot send,
  so the mutation needs no anti-forgery token.
- GET with `?query=`: runs a query (no other operation type) for simple clients and caches.
- GET from a browser (Accept: text/html): the GraphiQL explorer, served from /static/graphiql/,
  so it works without internet access.

The query runs in a worker thread (`schema.execute_sync`): resolvers read the database and the
search index synchronously and must not block the event loop.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from strawberry.exceptions import MissingQueryError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.graphql import OperationType

from portal.graphql.schema import MAX_DEPTH, GraphQLContext, schema
from portal.web.templating import render

PATH = "/graphql"
# A query document larger than this is refused before parsing.
MAX_BODY_BYTES = 100_000

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


def graphql_routes() -> list[BaseRoute]:
    return [Route(PATH, graphql_endpoint, methods=["GET", "POST"], name="graphql")]


def _bad_request(message: str, status_code: int = 400) -> JSONResponse:
    error = {"message": message, "extensions": {"code": "BAD_REQUEST", "status": status_code}}
    return JSONResponse({"errors": [error]}, status_code=status_code)


def _wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


async def graphql_endpoint(request: Request) -> Response:
    if request.method == "GET":
        params: Any = dict(request.query_params)
        if "query" not in params:
            if _wants_html(request):
                return explorer(request)
            return _bad_request(
                f'缺少 query 参数:请以 POST 提交 JSON {{"query": ...}},'
                f"或在浏览器中打开 {PATH} 使用查询界面"
            )
        if "variables" in params:
            variables = _decode_json(params["variables"], "variables 参数")
            if isinstance(variables, Response):
                return variables
            params["variables"] = variables
    else:
        body = await _read_body(request)
        if body is None:
            return _bad_request(f"请求体超过{MAX_BODY_BYTES}字节", 413)
        # Media types are case-insensitive (RFC 9110): APPLICATION/JSON is JSON too.
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != "application/json":
            return _bad_request('请求须为 application/json:{"query": ..., "variables": ...}', 415)
        params = _decode_json(body, "请求体")
        if isinstance(params, Response):
            return params
    return await _execute(request, params)


def _decode_json(text: str | bytes, what: str) -> Any:
    """The decoded JSON, or the 400 response saying why it cannot be used. Besides malformed
    JSON: nesting deeper than Python's recursion (json.loads raises RecursionError, not
    ValueError) and a lone surrogate (`"\\ud800"`, valid JSON but no character), which nothing
    after this point can encode: SQLite, Elasticsearch or the JSON response would fail."""
    try:
        value = json.loads(text)
    except RecursionError:
        return _bad_request(f"{what}的 JSON 嵌套过深")
    except ValueError:
        return _bad_request(f"{what}不是合法的 JSON")
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except RecursionError:
        return _bad_request(f"{what}的 JSON 嵌套过深")
    except UnicodeEncodeError:
        return _bad_request(
            f"{what}含有无效的 Unicode 字符(单独的代理项,如 \\ud800):请以 UTF-8 提交文字"
        )
    return value


# GET runs queries only: a mutation by GET could be triggered by any link or image.
ALLOWED_OPERATIONS = {
    "GET": {OperationType.QUERY},
    "POST": {OperationType.QUERY, OperationType.MUTATION},
}


async def _read_body(request: Request) -> bytes | None:
    """The request body, or None as soon as it is larger than MAX_BODY_BYTES."""
    declared = request.headers.get("content-length", "")
    if declared.isdecimal() and int(declared) > MAX_BODY_BYTES:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


async def _execute(request: Request, params: Any) -> Response:
    if not isinstance(params, dict):
        return _bad_request("请求体应为 JSON 对象(不支持批量查询)")
    query, variables, operation = (
        params.get("query"),
        params.get("variables"),
        params.get("operationName"),
    )
    if not isinstance(query, str) or not query.strip():
        return _bad_request("缺少查询语句 query")
    if variables is not None and not isinstance(variables, dict):
        return _bad_request("variables 应为 JSON 对象")
    if operation is not None and not isinstance(operation, str):
        return _bad_request("operationName 应为字符串")
    context = GraphQLContext(portal=request.app.state.portal, request=request)
    try:
        result = await run_in_threadpool(
            schema.execute_sync,
            query,
            variable_values=variables,
            context_value=context,
            operation_name=operation,
            allowed_operation_types=ALLOWED_OPERATIONS[request.method],
        )
    except MissingQueryError:
        return _bad_request("缺少查询语句 query")
    except RecursionError:
        # The parser and the validators recurse per nesting level: a query can nest deeper
        # than Python allows while staying under the token limit.
        return _bad_request(f"查询语句嵌套过深:最多{MAX_DEPTH}层")
    except CannotGetOperationTypeError:
        return _bad_request(f"找不到名为“{operation}”的操作,或未指定 operationName")
    except InvalidOperationTypeError:
        if request.method == "GET":
            return _bad_request("GET 请求只接受 query 操作;提出异议(submitObjection)请以 POST 提交")
        return _bad_request("本接口只接受 query 操作和 mutation submitObjection")
    payload: dict[str, Any] = {}
    # A request that never reached execution (syntax, validation) has no `data` entry at all.
    if result.data is not None or not result.errors:
        payload["data"] = result.data
    if result.errors:
        payload["errors"] = [error.formatted for error in result.errors]
    return JSONResponse(payload)


def explorer(request: Request) -> Response:
    static = request.scope.get("root_path", "") + "/static/graphiql"
    return render(
        request,
        "graphiql.html",
        {
            "endpoint": request.scope.get("root_path", "") + PATH,
            "static": static,
            "default_query": EXAMPLE_QUERY,
        },
    )
