"""Objections on the site: the links on the credit file, the form, its errors (what was typed is
kept), forgery and bot protection, the rate limit, and the status page, which never shows the
contact details."""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from portal.cli import app
from portal.context import PortalContext
from portal.settings import Settings, get_settings
from portal.storage.db import session_scope
from portal.web import forms
from tests import factories as f
from tests.web.conftest import BASE_URL, Data

NAME, PHONE, EMAIL = "赵建国", "13987654321", "zhao.jianguo@example.com"
REASON = "该许可证已于2026年3月办理延续,有效期至2031年,公示的有效期有误。"


@dataclass(frozen=True)
class Record:
    kind: str
    system: str
    id: str

    @property
    def query(self) -> dict[str, str]:
        return {"kind": self.kind, "system": self.system, "id": self.id}


@dataclass(frozen=True)
class Records:
    licence: Record
    unpublished: Record


@pytest.fixture
def records(portal_context: PortalContext, data: Data) -> Records:
    with session_scope(portal_context.session_factory) as s:
        enterprise = f.add_enterprise(s, "宝鸡市异议网页测试有限公司")
        licence = f.add_licence(s, enterprise, licence_no="XK06-002-00042")
        hidden = f.add_licence(s, enterprise, approved_at=None, approved_by=None)
        return Records(
            Record("licence", licence.source_system, licence.source_record_id),
            Record("licence", hidden.source_system, hidden.source_record_id),
        )


def token_of(page: str) -> str:
    match = re.search(r'name="token" value="([^"]+)"', page)
    assert match, "no form token"
    return match[1]


def fields(client: TestClient, record: Record, **changes: str) -> dict[str, str]:
    """What a visitor posts after opening the form for `record` and filling it in."""
    page = client.get("/objections/new", params=record.query)
    assert page.status_code == 200, page.text
    values = {
        **record.query,
        "token": token_of(page.text),
        "reason": REASON,
        "contact_name": NAME,
        "contact_phone": PHONE,
        "contact_email": EMAIL,
        forms.HONEYPOT: "",
    }
    values.update(changes)
    return values


def post(client: TestClient, values: dict[str, str], **kwargs: Any) -> Any:
    return client.post("/objections", data=values, **kwargs)


def submit_ok(client: TestClient, record: Record, **changes: str) -> str:
    response = post(client, fields(client, record, **changes))
    assert response.status_code == 303, response.text
    match = re.fullmatch(
        r"/objections/(YY-\d{4}-[0-9A-Z]{10})\?submitted=1", response.headers["location"]
    )
    assert match, response.headers["location"]
    return match[1]


def assert_no_contact(text: str) -> None:
    for secret in (NAME, PHONE, EMAIL, "139 8765 4321", REASON):
        assert secret not in text


def test_each_record_of_the_credit_file_links_to_the_form(client: TestClient, data: Data) -> None:
    page = client.get(f"/enterprises/{data.titanium}").text
    link = "/objections/new?kind=special_equipment&amp;system=special_equipment&amp;id=SE-000123"
    assert f'href="{link}"' in page
    assert "对此信息有异议?" in page
    assert page.count('class="objection-link"') == page.count('class="source"')
    assert (
        f'href="/objections/new?kind=designation&amp;system=quality_inspection&amp;id={data.titanium_warning_id}"'
        in page
    )


def test_the_form_says_which_record_it_is_about(client: TestClient, records: Records) -> None:
    response = client.get("/objections/new", params=records.licence.query)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    page = response.text
    assert "宝鸡市异议网页测试有限公司" in page
    assert "工业产品生产许可证 XK06-002-00042" in page and "行政许可" in page
    for name in ("reason", "contact_name", "contact_phone", "contact_email"):
        assert f'<label for="f-{name}">' in page and f'id="f-{name}" name="{name}"' in page
    assert 'method="post"' in page and 'action="/objections"' in page
    assert f'name="{forms.HONEYPOT}"' in page and 'aria-hidden="true"' in page


def test_the_form_needs_a_public_record(client: TestClient, records: Records) -> None:
    missing = client.get("/objections/new", params={"kind": "licence"})
    assert missing.status_code == 400
    assert "对此信息有异议" in missing.text
    unknown = client.get("/objections/new", params={**records.licence.query, "id": "XK-NOWHERE"})
    assert unknown.status_code == 404
    hidden = client.get("/objections/new", params=records.unpublished.query)
    assert hidden.status_code == 404
    assert "未找到该条公开信息" in hidden.text


def test_submit_then_look_up_without_contact_details(
    client: TestClient, records: Records, data: Data
) -> None:
    reference = submit_ok(client, records.licence)
    response = client.get(f"/objections/{reference}?submitted=1")
    assert response.status_code == 200
    page = response.text
    assert f'您的异议已受理,查询编号:<span class="code">{reference}</span>' in page
    assert "已受理" in page and "宝鸡市异议网页测试有限公司" in page
    assert response.headers["cache-control"] == "no-store"
    assert_no_contact(page)
    # Later visits: the status without the acknowledgement, still no contact details.
    later = client.get(f"/objections/{reference.lower()}").text
    assert reference in later and "您的异议已受理" not in later
    assert_no_contact(later)
    assert_no_contact(client.get(f"/enterprises/{data.titanium}").text)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"contact_phone": "", "contact_email": ""}, "请至少填写联系电话或电子邮箱中的一项"),
        ({"contact_phone": "139876"}, "联系电话“139876”格式有误"),
        ({"contact_email": "zhao@"}, "电子邮箱“zhao@”格式有误"),
        ({"reason": "有效期有误"}, "异议理由过短:请至少填写10个字"),
        ({"contact_name": ""}, "请填写联系人姓名"),
        ({"id": "XK-NOWHERE"}, "未找到该条公开信息"),
    ],
)
def test_bad_input_shows_the_form_again_with_what_was_typed(
    client: TestClient, records: Records, changes: dict[str, str], message: str
) -> None:
    values = fields(client, records.licence, **changes)
    response = post(client, values)
    assert response.status_code == 400
    page = html_lib.unescape(response.text)
    assert message in page
    assert 'class="error-summary" role="alert"' in response.text
    if "id" not in changes:  # a field's error marks the field
        assert 'aria-invalid="true"' in response.text
    for name in ("reason", "contact_name", "contact_phone", "contact_email"):
        assert values[name] in page  # nothing typed is lost
    assert f'name="id" value="{values["id"]}"' in page


def test_an_unpublished_record_is_refused(client: TestClient, records: Records) -> None:
    values = fields(client, records.licence, **records.unpublished.query)
    response = post(client, values)
    assert response.status_code == 400
    assert "未找到该条公开信息" in html_lib.unescape(response.text)
    assert REASON in html_lib.unescape(response.text)


@pytest.mark.parametrize(
    ("changes", "headers", "message"),
    [
        ({forms.HONEYPOT: "http://spam.example"}, {}, "提交未通过校验"),
        ({"token": "1234567890.forged"}, {}, "表单校验失败"),
        ({"token": ""}, {}, "表单校验失败"),
        ({}, {"origin": "https://evil.example"}, "请通过本网站的异议表单提交"),
        ({}, {"sec-fetch-site": "cross-site"}, "请通过本网站的异议表单提交"),
    ],
)
def test_bots_and_forged_submissions_are_refused(
    client: TestClient,
    records: Records,
    changes: dict[str, str],
    headers: dict[str, str],
    message: str,
) -> None:
    response = post(client, fields(client, records.licence, **changes), headers=headers)
    assert response.status_code == 400
    page = html_lib.unescape(response.text)
    assert message in page and REASON in page
    assert client.get("/objections/YY-2026-0000000000").status_code == 404


def test_an_expired_form_is_refused_but_keeps_the_input(
    client: TestClient, records: Records, web_settings: Settings
) -> None:
    old = forms.issue_token(web_settings.signing_key(), datetime.now(UTC) - timedelta(hours=5))
    response = post(client, fields(client, records.licence, token=old))
    assert response.status_code == 400
    page = html_lib.unescape(response.text)
    assert "表单已打开超过4小时" in page and REASON in page
    # The form shown again carries a fresh token: submitting it now works.
    values = fields(client, records.licence, token=token_of(response.text))
    assert post(client, values).status_code == 303


def test_this_sites_origin_is_accepted(client: TestClient, records: Records) -> None:
    for origin in ("http://testserver", BASE_URL):
        response = post(
            client,
            fields(client, records.licence, reason=f"{REASON}({origin})"),
            headers={"origin": origin, "sec-fetch-site": "same-origin"},
        )
        assert response.status_code == 303, response.text


def test_the_sixth_objection_in_an_hour_is_refused(client: TestClient, records: Records) -> None:
    for n in range(5):
        submit_ok(client, records.licence, reason=f"{REASON}补充说明{n}")
    response = post(client, fields(client, records.licence, reason=f"{REASON}补充说明5"))
    assert response.status_code == 429
    page = html_lib.unescape(response.text)
    assert "同一网络每小时最多可提交5件异议" in page
    assert f"{REASON}补充说明5" in page  # kept, to be sent later


def test_a_duplicate_is_refused(client: TestClient, records: Records) -> None:
    submit_ok(client, records.licence)
    response = post(client, fields(client, records.licence))
    assert response.status_code == 400
    assert "您已就该信息提交过内容相同的异议" in html_lib.unescape(response.text)


def test_a_status_set_by_staff_shows_on_the_status_page(
    client: TestClient,
    records: Records,
    web_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reference = submit_ok(client, records.licence)
    monkeypatch.setenv("PORTAL_DATA_DIR", str(web_settings.data_dir))
    monkeypatch.setenv("PORTAL_DATABASE_URL", web_settings.database_url)
    get_settings.cache_clear()
    try:
        note = "经核实,该许可证已延续,公示信息已更正。"
        result = CliRunner().invoke(app, ["objection-status", reference, "upheld", "--note", note])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    page = client.get(f"/objections/{reference}").text
    assert "异议成立" in page and note in page
    assert_no_contact(page)


def test_unknown_references(client: TestClient) -> None:
    response = client.get("/objections/YY-2026-0000000000")
    assert response.status_code == 404
    assert "未找到查询编号为“YY-2026-0000000000”的异议" in response.text
    assert client.get("/objections/not-a-reference").status_code == 404


def test_the_lookup_form(client: TestClient, records: Records) -> None:
    page = client.get("/objections")
    assert page.status_code == 200
    assert '<label for="f-reference">查询编号</label>' in page.text
    reference = submit_ok(client, records.licence)
    found = client.get("/objections", params={"reference": f" {reference.lower()} "})
    assert found.status_code == 303
    assert found.headers["location"] == f"/objections/{reference}"
    bad = client.get("/objections", params={"reference": "12345"})
    assert bad.status_code == 400
    assert "查询编号格式有误" in bad.text and 'value="12345"' in bad.text
