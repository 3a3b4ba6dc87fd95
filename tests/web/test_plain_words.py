"""Plain words for citizens: the public pages name the source system in Chinese, the record by
its number at the bureau and a derived row by its rule and inputs; the machine identities
(record ids, versions, `credit_rules`, `bad_records:…` keys) are only in the markup."""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from portal import clock
from portal.context import PortalContext
from portal.objections import submit_objection
from portal.storage.db import session_scope
from portal.storage.models import Enterprise
from tests import factories as f
from tests.web.conftest import Data

KEY = "bad_records:measuring_instrument:metrology:{id}:2026-07-20"


@dataclass(frozen=True)
class Derived:
    uscc: str
    instrument_id: str
    key: str


def visible(page: str) -> str:
    """The text a reader sees: no tags, attributes or comments, entities decoded."""
    body = page[page.index("<main") :]
    body = re.sub(r"<!--.*?-->", "", body, flags=re.S)
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", body))


@pytest.fixture
def derived(portal_context: PortalContext, data: Data) -> Derived:
    """A bad record the credit rules derived from an overdue scale of the metrology system."""
    with session_scope(portal_context.session_factory) as s:
        e = s.scalars(select(Enterprise).where(Enterprise.uscc == data.titanium)).one()
        scale = f.add_instrument(
            s, e, name="电子台秤", instrument_no="BJ00000001", source_system="metrology",
            next_verification_due=date(2026, 7, 20),
        )  # fmt: skip
        key = KEY.format(id=scale.source_record_id)
        f.add_designation(
            s, e, "bad_records", title="电子台秤强制检定已超期", reason="强制检定已超期",
            source_system="credit_rules", source_record_id=key, approved_by="信用规则",
            starts_on=date(2026, 11, 20), published_on=date(2026, 11, 20),
            derivation={
                "rule": "bad_record_from_warning", "on": "2026-11-20",
                "records": [{"kind": "measuring_instrument", "system": "metrology",
                             "id": scale.source_record_id, "version": 1}],
                "text": "强制检定已超期",
            },
        )  # fmt: skip
        return Derived(data.titanium, scale.source_record_id, key)


def test_the_credit_file_names_sources_and_numbers_in_words(
    client: TestClient, derived: Derived
) -> None:
    page = client.get(f"/enterprises/{derived.uscc}").text
    # The rules' own texts (状态说明, 下一步, 一企一策) are the rules' to word (tests/rules).
    rules_texts = (
        r'<p class="(rule-status|next-change)">.*?</p>|<table class="open-items">.*?</table>'
    )
    text = visible(re.sub(rules_texts, "", page, flags=re.S))
    assert "来源:特种设备系统 · 设备注册代码 起17陕C0123 · 审核:李明 2026-10-01" in text
    assert "来源:计量系统 · 器具编号 BJ00000001" in text
    assert (
        "来源:由信用规则“红色预警升级为不良信息”根据计量系统的计量器具 BJ00000001 自动生成" in text
    )
    for machine in (derived.key, derived.instrument_id, "SE-000123", "credit_rules", " v1", " v2"):
        assert machine not in text, machine
    # …but they are in the markup, for partners and objections.
    assert 'data-source-system="special_equipment" data-source-record-id="SE-000123"' in page
    assert 'data-source-version="2"' in page
    assert f'data-source-record-id="{html_lib.escape(derived.key)}"' in page


def test_the_objection_form_and_status_page_speak_plainly(
    client: TestClient, portal_context: PortalContext, derived: Derived
) -> None:
    query = {"kind": "designation", "system": "credit_rules", "id": derived.key}
    form = client.get("/objections/new", params=query).text
    text = visible(form)
    assert "信用规则" in text and "电子台秤强制检定已超期" in text
    assert derived.key not in text and "credit_rules" not in text
    # The identity travels in the hidden fields.
    assert f'name="id" value="{html_lib.escape(derived.key)}"' in form
    with session_scope(portal_context.session_factory) as s:
        reference = submit_objection(
            s, record_kind="designation", source_system="credit_rules", source_id=derived.key,
            reason="电子台秤已于2026年11月检定合格,不应列为不良信息。", contact_name="沈鹏",
            contact_phone="13912345678", client_hash="t", now=clock.utc_now(),
            today=portal_context.today(),
        ).reference  # fmt: skip
    status = client.get(f"/objections/{reference}").text
    text = visible(status)
    assert "信用规则" in text and "电子台秤强制检定已超期" in text
    assert derived.key not in text and "credit_rules" not in text
    assert f'data-source-record-id="{html_lib.escape(derived.key)}"' in status
