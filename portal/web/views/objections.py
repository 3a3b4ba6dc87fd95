"""Public objections (异议): the form, its submission, and the status look-up.

GET  /objections                    look-up form (enter the reference)
GET  /objections/new?kind&system&id the form, for one public record of a credit file
POST /objections                    submit: 303 to the status page, or the form again with
                                    what was typed and every error (400; 429 when limited)
GET  /objections/{reference}        the status, for anyone with the reference

No page ever shows the contact details: the status page reads `PublicObjection`, which has none.
Forgery and bot protection are in `portal.web.forms`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from portal import clock
from portal.context import PortalContext
from portal.errors import BadRequest, NotFound, TooManyRequests
from portal.objections import (
    REASON_MAX,
    REASON_MIN,
    InvalidObjection,
    Target,
    client_hash,
    find_target,
    get_objection,
    normalise_reference,
    submit_objection,
)
from portal.storage.db import session_scope
from portal.web import forms
from portal.web.templating import render

# What the form posts; all text. `kind`, `system` and `id` name the record objected to.
FIELDS = ("kind", "system", "id", "reason", "contact_name", "contact_phone", "contact_email")
# A form of the longest reason, percent-encoded, is about 20 kB; anything far larger is not ours.
MAX_BODY_BYTES = 64_000
PRIVATE = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "same-origin",
    "X-Robots-Tag": "noindex, nofollow",
}


def _now() -> datetime:
    return clock.utc_now()


def _form(
    request: Request,
    portal: PortalContext,
    target: Target | None,
    values: dict[str, str],
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    response = render(
        request,
        "objection_form.html",
        {
            "target": target,
            "values": values,
            "errors": errors or {},
            "token": forms.issue_token(portal.settings.signing_key(), _now()),
            "honeypot": forms.HONEYPOT,
            "reason_min": REASON_MIN,
            "reason_max": REASON_MAX,
        },
        status_code=status_code,
    )
    response.headers.update(PRIVATE)
    return response


def new_objection(request: Request) -> Response:
    portal: PortalContext = request.app.state.portal
    values = {name: request.query_params.get(name, "").strip() for name in FIELDS}
    if not (values["kind"] and values["system"] and values["id"]):
        raise BadRequest("请从企业诚信档案页面中相应信息旁的“对此信息有异议?”链接进入异议表单")
    with portal.session() as session:
        target = find_target(
            session, values["kind"], values["system"], values["id"], portal.today()
        )
    return _form(request, portal, target, values)


def _target_or_none(portal: PortalContext, values: dict[str, str]) -> Target | None:
    try:
        with portal.session() as session:
            return find_target(
                session, values["kind"], values["system"], values["id"], portal.today()
            )
    except NotFound:
        return None


def _store(portal: PortalContext, values: dict[str, str], client: str) -> str:
    with session_scope(portal.session_factory) as session:
        objection = submit_objection(
            session,
            record_kind=values["kind"],
            source_system=values["system"],
            source_id=values["id"],
            reason=values["reason"],
            contact_name=values["contact_name"],
            contact_phone=values["contact_phone"],
            contact_email=values["contact_email"],
            client_hash=client,
            now=_now(),
            today=portal.today(),
            per_hour=portal.settings.objection_limit_per_hour,
            per_day=portal.settings.objection_limit_per_day,
        )
        return objection.reference


def _guard_error(request: Request, portal: PortalContext, form: Any) -> str | None:
    """Why the submission is refused before its content is looked at, if it is."""
    if str(form.get(forms.HONEYPOT, "")).strip():
        return "提交未通过校验:请勿填写标注为“请勿填写”的栏目"
    key = portal.settings.signing_key()
    return forms.cross_site_error(request, portal.settings.base_url) or forms.token_error(
        key, str(form.get("token", "")), _now()
    )


async def submit(request: Request) -> Response:
    portal: PortalContext = request.app.state.portal
    declared = request.headers.get("content-length", "")
    if declared.isdecimal() and int(declared) > MAX_BODY_BYTES:
        raise BadRequest(f"提交内容过长:异议理由最多{REASON_MAX}个字")
    form = await request.form(max_files=0, max_fields=len(FIELDS) + 5)
    values = {name: str(form.get(name, "")) for name in FIELDS}

    def again(errors: dict[str, str], status_code: int = 400) -> Response:
        target = _target_or_none(portal, values)
        return _form(request, portal, target, values, errors=errors, status_code=status_code)

    if guard := _guard_error(request, portal, form):
        return await run_in_threadpool(again, {"form": guard})
    client = client_hash(
        portal.settings.signing_key(), request.client.host if request.client else None
    )
    try:
        reference = await run_in_threadpool(_store, portal, values, client)
    except InvalidObjection as exc:
        return await run_in_threadpool(again, exc.errors)
    except TooManyRequests as exc:
        return await run_in_threadpool(again, {"form": exc.detail}, 429)
    return RedirectResponse(f"/objections/{reference}?submitted=1", status_code=303)


def lookup(request: Request) -> Response:
    raw = request.query_params.get("reference")
    error = None
    if raw is not None:
        code = normalise_reference(raw)
        if code is not None:
            return RedirectResponse(f"/objections/{code}", status_code=303)
        error = "查询编号格式有误:应形如 YY-2026-7K3QD9M2XA(受理时页面上显示的编号)"
    response = render(
        request,
        "objection_lookup.html",
        {"reference": raw or "", "error": error},
        status_code=400 if error else 200,
    )
    response.headers.update(PRIVATE)
    return response


def status_page(request: Request) -> Response:
    portal: PortalContext = request.app.state.portal
    with portal.session() as session:
        objection = get_objection(session, request.path_params["reference"])
    response = render(
        request,
        "objection_status.html",
        {"o": objection, "submitted": request.query_params.get("submitted") == "1"},
    )
    response.headers.update(PRIVATE)
    return response
