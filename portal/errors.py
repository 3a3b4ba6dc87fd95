"""One exception hierarchy for the portal. Each error carries the HTTP status it maps to; one
handler in `portal.web.app` renders it as a page, and GraphQL reports its message."""

from __future__ import annotations


class PortalError(Exception):
    """Base of every error the portal raises on purpose."""

    status_code = 500
    title = "服务器内部错误"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class BadRequest(PortalError):
    status_code = 400
    title = "请求有误"


class NotFound(PortalError):
    status_code = 404
    title = "未找到"


class TooManyRequests(PortalError):
    """A client submitted more than the limits allow (objections per hour, per day)."""

    status_code = 429
    title = "提交过于频繁"


class SearchUnavailable(PortalError):
    """The search backend cannot answer (server down, index missing)."""

    status_code = 503
    title = "检索服务暂不可用"


class ConfigurationError(PortalError):
    status_code = 500
    title = "配置错误"
