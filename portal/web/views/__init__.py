"""The routes of the public site, one module per page type (the GraphQL endpoint is composed
beside them by `portal.server`)."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route


def routes() -> list[BaseRoute]:
    from portal.web.views import (
        enterprise,
        feeds,
        health,
        home,
        lists,
        objections,
        repair,
        search,
    )

    return [
        Route("/", home.home, name="home"),
        Route("/search", search.search_page, name="search"),
        Route("/enterprises/{uscc}", enterprise.credit_file, name="enterprise"),
        *lists.list_routes(),
        *feeds.feed_routes(),
        Route("/objections", objections.lookup, name="objection_lookup"),
        Route("/objections", objections.submit, methods=["POST"], name="objection_submit"),
        Route("/objections/new", objections.new_objection, name="objection_new"),
        Route("/objections/{reference}", objections.status_page, name="objection_status"),
        Route("/credit-repair", repair.credit_repair, name="credit_repair"),
        Route("/healthz", health.healthz, name="healthz"),
    ]
