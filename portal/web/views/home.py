"""`/`: the search box first, then the newest quality-safety warnings and the size of each list."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from portal.context import PortalContext
from portal.readmodels.lists import latest_warnings, list_counts
from portal.web.templating import render
from portal.web.views.lists import PUBLIC_LISTS

HOME_WARNINGS = 10


def home(request: Request) -> Response:
    portal: PortalContext = request.app.state.portal
    today = portal.today()
    with portal.session() as session:
        counts = list_counts(session, today)
        warnings = latest_warnings(session, today, limit=HOME_WARNINGS)
    return render(
        request,
        "home.html",
        {"counts": counts, "warnings": warnings, "lists": PUBLIC_LISTS, "today": today},
    )
