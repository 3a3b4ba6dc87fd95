"""`submitObjection` and `objection(reference)` over HTTP: receipts, public fields only, Chinese
errors with codes, the rate limit per client address, and mutations only by POST.

Each test has a portal of its own (a fresh database), since the mutation writes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from portal import domain
from portal.context import PortalContext
from portal.graphql import enums
from portal.server import create_app
from portal.settings import Settings
from portal.storage.db import session_scope
from portal.storage.models import RECORD_TABLES
from tests import factories as f

NAME, PHONE, EMAIL = "钱先生", "13711112222", "qian@example.com"
REASON = "该产品已停产多年,公示的产品信息已过时,请予核实更正。"

SUBMIT = """
mutation Submit($input: ObjectionInput!) {
  submitObjection(input: $input) { reference status submittedAt }
}
"""
LOOK_UP = """
query LookUp($reference: String!) {
  objection(reference: $reference) {
    reference status statusLabel statusNote submittedAt updatedAt
    recordKind sourceSystem sourceRecordId enterpriseUscc enterpriseName recordSummary
  }
}
"""


@pytest.fixture
def portal(settings: Settings) -> Iterator[PortalContext]:
    context = PortalContext.open(settings.replace(objection_limit_per_hour=3))
    yield context
    context.close()


@pytest.fixture
def product(portal: PortalContext) -> dict[str, Any]:
    """The input for an objection to a public product."""
    with session_scope(portal.session_factory) as s:
        enterprise = f.add_enterprise(s, "宝鸡市接口异议测试有限公司")
        record = f.add_product(s, enterprise, name="钛合金棒材")
        hidden = f.add_product(s, enterprise, name="撤回的产品", withdrawn=True)
    return {
        "recordKind": "PRODUCT",
        "sourceSystem": "QUALITY_INSPECTION",
        "sourceRecordId": record.source_record_id,
        "hiddenRecordId": hidden.source_record_id,
        "uscc": enterprise.uscc,
    }


def client_at(portal: PortalContext, address: str) -> TestClient:
    return TestClient(create_app(context=portal), client=(address, 50000))


@pytest.fixture
def client(portal: PortalContext) -> Iterator[TestClient]:
    with client_at(portal, "198.51.100.7") as client:
        yield client


def objection_input(product: dict[str, Any], **changes: Any) -> dict[str, Any]:
    values = {
        "recordKind": product["recordKind"],
        "sourceSystem": product["sourceSystem"],
        "sourceRecordId": product["sourceRecordId"],
        "reason": REASON,
        "contactName": NAME,
        "contactPhone": PHONE,
        "contactEmail": EMAIL,
    }
    values.update(changes)
    return values


def run(client: TestClient, query: str, **variables: Any) -> dict[str, Any]:
    response = client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def submit(client: TestClient, product: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return run(client, SUBMIT, input=objection_input(product, **changes))


def the_error(body: dict[str, Any]) -> dict[str, Any]:
    assert body["data"] == {"submitObjection": None}
    (error,) = body["errors"]
    return error  # type: ignore[no-any-return]


def test_submit_and_look_up(client: TestClient, product: dict[str, Any]) -> None:
    body = submit(client, product)
    assert "errors" not in body, body
    receipt = body["data"]["submitObjection"]
    assert receipt["status"] == "RECEIVED"
    assert receipt["reference"].startswith("YY-2026-") and receipt["submittedAt"]

    looked_up = run(client, LOOK_UP, reference=receipt["reference"].lower())
    assert looked_up["data"]["objection"] == {
        "reference": receipt["reference"],
        "status": "RECEIVED",
        "statusLabel": "已受理",
        "statusNote": None,
        "submittedAt": receipt["submittedAt"],
        "updatedAt": receipt["submittedAt"],
        "recordKind": "PRODUCT",
        "sourceSystem": "QUALITY_INSPECTION",
        "sourceRecordId": product["sourceRecordId"],
        "enterpriseUscc": product["uscc"],
        "enterpriseName": "宝鸡市接口异议测试有限公司",
        "recordSummary": "钛合金棒材",
    }
    text = json.dumps(looked_up, ensure_ascii=False) + json.dumps(body, ensure_ascii=False)
    for secret in (NAME, PHONE, EMAIL, REASON):
        assert secret not in text


def test_contact_fields_cannot_even_be_asked_for(
    client: TestClient, product: dict[str, Any]
) -> None:
    reference = submit(client, product)["data"]["submitObjection"]["reference"]
    body = run(
        client, "query($r: String!) { objection(reference: $r) { contactPhone } }", r=reference
    )
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert PHONE not in json.dumps(body)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"contactPhone": None, "contactEmail": None}, "请至少填写联系电话或电子邮箱中的一项"),
        ({"contactPhone": "010-123"}, "联系电话“010-123”格式有误"),
        ({"contactEmail": "qian@@example"}, "电子邮箱“qian@@example”格式有误"),
        ({"reason": "已停产"}, "异议理由过短:请至少填写10个字"),
        ({"sourceRecordId": "PR-NOWHERE"}, "未找到该条公开信息"),
    ],
)
def test_bad_input_is_a_bad_request_in_chinese(
    client: TestClient, product: dict[str, Any], changes: dict[str, Any], message: str
) -> None:
    error = the_error(submit(client, product, **changes))
    assert message in error["message"]
    assert error["extensions"] == {"code": "BAD_REQUEST", "status": 400}
    assert error["path"] == ["submitObjection"]


def test_an_unpublished_record_is_refused(client: TestClient, product: dict[str, Any]) -> None:
    error = the_error(submit(client, product, sourceRecordId=product["hiddenRecordId"]))
    assert "未找到该条公开信息" in error["message"]
    assert error["extensions"]["code"] == "BAD_REQUEST"


def test_a_duplicate_is_refused(client: TestClient, product: dict[str, Any]) -> None:
    assert "errors" not in submit(client, product)
    error = the_error(submit(client, product))
    assert "您已就该信息提交过内容相同的异议" in error["message"]


def test_the_rate_limit_counts_per_client_address(
    portal: PortalContext, client: TestClient, product: dict[str, Any]
) -> None:
    for n in range(3):  # the limit of this portal: 3 an hour
        assert "errors" not in submit(client, product, reason=f"{REASON}({n})")
    error = the_error(submit(client, product, reason=f"{REASON}(3)"))
    assert "同一网络每小时最多可提交3件异议" in error["message"]
    assert error["extensions"] == {"code": "TOO_MANY_REQUESTS", "status": 429}
    with client_at(portal, "198.51.100.8") as neighbour:
        assert "errors" not in submit(neighbour, product, reason=f"{REASON}(3)")


def test_unknown_and_malformed_references(client: TestClient) -> None:
    assert run(client, LOOK_UP, reference="YY-2026-0000000000")["data"] == {"objection": None}
    body = run(client, LOOK_UP, reference="12345")
    assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert "查询编号“12345”格式有误" in body["errors"][0]["message"]


def test_mutations_are_refused_by_get(client: TestClient, product: dict[str, Any]) -> None:
    variables = json.dumps({"input": objection_input(product)})
    response = client.get("/graphql", params={"query": SUBMIT, "variables": variables})
    assert response.status_code == 400
    assert "GET 请求只接受 query 操作" in response.json()["errors"][0]["message"]
    # Nothing was stored: the same objection by POST is not a duplicate.
    assert "errors" not in submit(client, product)


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (enums.ObjectionStatus, list(domain.ObjectionStatus)),
        (enums.RecordKind, list(RECORD_TABLES)),
    ],
)
def test_enums_map_the_domain(ours: Any, theirs: list[str]) -> None:
    assert [member.value for member in ours] == [str(value) for value in theirs]
