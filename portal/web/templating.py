"""The Jinja2 environment (autoescaped) and `render()`, used by every view."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from portal.domain import (
    COLOUR_LABELS,
    EQUIPMENT_LABELS,
    LIST_LABELS,
    SAMPLING_LABELS,
    SCALE_LABELS,
    SOURCE_LABELS,
    STATE_BADGES,
    STATE_LABELS,
)
from portal.objections import objection_form_path, record_subject
from portal.web.formatting import local_date, local_datetime
from portal.web.provenance import data_attributes, derived_from, record_number

TEMPLATES_DIR = Path(__file__).parent.parent / "templates"


def _label(table: dict[Any, str]) -> Any:
    def lookup(value: object) -> str:
        return table.get(value, str(value) if value is not None else "")

    return lookup


def _date(value: date | None) -> str:
    return value.isoformat() if value else "—"


environment = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=select_autoescape(["html", "xml"], default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
    # Templates ship with the package: no stat() of every template on every render (restart the
    # server after editing one).
    auto_reload=False,
)
environment.filters.update(
    colour_label=_label(COLOUR_LABELS),
    list_label=_label(LIST_LABELS),
    source_label=_label(SOURCE_LABELS),
    equipment_label=_label(EQUIPMENT_LABELS),
    sampling_label=_label(SAMPLING_LABELS),
    scale_label=_label(SCALE_LABELS),
    date=_date,
    local_date=local_date,
    local_datetime=local_datetime,
    objection_url=objection_form_path,
    objection_subject=record_subject,
    record_number=record_number,
    derived_from=derived_from,
    data_attributes=data_attributes,
    open_item_label=_label(STATE_LABELS),
    open_item_badge=_label(STATE_BADGES),
)


def render(
    request: Request, template: str, context: dict[str, Any], *, status_code: int = 200
) -> HTMLResponse:
    portal = getattr(request.app.state, "portal", None)
    html = environment.get_template(template).render(
        request=request,
        site_name=portal.settings.site_name if portal else "",
        **context,
    )
    return HTMLResponse(html, status_code=status_code)
