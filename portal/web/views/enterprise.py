"""`/enterprises/{uscc}`: an enterprise's credit file (诚信档案) on one page, every fact with
its source."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from portal.codes import normalise
from portal.context import PortalContext
from portal.errors import NotFound
from portal.readmodels.credit_file import get_credit_file
from portal.rules.model import Thresholds
from portal.web.provenance import numbers_of
from portal.web.templating import render
from portal.web.urls import site_url

USCC_LENGTH = 18


def credit_file(request: Request) -> Response:
    portal: PortalContext = request.app.state.portal
    raw = request.path_params["uscc"]
    uscc = normalise(raw)
    if len(uscc) != USCC_LENGTH or not uscc.isascii() or not uscc.isalnum():
        raise NotFound(f"“{raw}”不是有效的统一社会信用代码,未找到对应的企业信用档案")
    today = portal.today()
    with portal.session() as session:
        file = get_credit_file(session, uscc, today, thresholds=Thresholds.of(portal.settings))
        # Load the lazy relationships inside the session (rectification items are selectin).
        notices = [(notice, list(notice.items)) for notice in file.rectification_notices]
    # What the records a derived row was derived from are called (portal.web.provenance).
    numbers = numbers_of(
        [
            *(c.record for c in file.licences),
            *(c.record for c in file.equipment),
            *(c.record for c in file.instruments),
            *file.rectification_notices,
            *file.enforcement_cases,
            *file.designations,
        ]
    )
    return render(
        request,
        "enterprise.html",
        {
            "file": file,
            "e": file.enterprise,
            "notices": notices,
            "numbers": numbers,
            "today": today,
            "canonical": f"{site_url(request, portal.settings)}/enterprises/{uscc}",
        },
    )
