"""`portal.objections`: validation, the record must be public, rate limits, duplicates, the
public view without contact details, status changes, and the `portal objection-status` command."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from portal.cli import app
from portal.domain import ObjectionStatus
from portal.errors import NotFound, TooManyRequests
from portal.objections import (
    InvalidObjection,
    PublicObjection,
    client_hash,
    get_objection,
    normalise_phone,
    normalise_reference,
    objection_form_path,
    set_status,
    submit_objection,
)
from portal.settings import get_settings
from portal.storage.db import session_scope
from portal.storage.models import Licence, Objection
from tests import factories as f

TODAY = date(2026, 11, 24)
NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
REASON = "该许可证已于2026年办理延续,有效期应为2031年,公示信息有误。"
PHONE, EMAIL = "13912345678", "objector@example.com"
CLIENT = client_hash(b"test-key", "203.0.113.7")


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    with session_factory() as session:
        yield session


@pytest.fixture
def licence(session: Session) -> Licence:
    enterprise = f.add_enterprise(session, "宝鸡市异议测试机械有限公司")
    return f.add_licence(session, enterprise, licence_no="XK06-001-00999")


def submit(session: Session, record: Any, kind: str = "licence", **overrides: Any) -> Objection:
    fields: dict[str, Any] = {
        "record_kind": kind,
        "source_system": record.source_system,
        "source_id": record.source_record_id,
        "reason": REASON,
        "contact_name": "王女士",
        "contact_phone": PHONE,
        "contact_email": EMAIL,
        "client_hash": CLIENT,
        "now": NOW,
        "today": TODAY,
    }
    fields.update(overrides)
    return submit_objection(session, **fields)


def errors_of(session: Session, record: Any, kind: str = "licence", **overrides: Any) -> dict:
    with pytest.raises(InvalidObjection) as caught:
        submit(session, record, kind, **overrides)
    assert caught.value.status_code == 400
    return caught.value.errors


def test_submit_and_look_up(session: Session, licence: Licence) -> None:
    objection = submit(session, licence)
    assert re.fullmatch(r"YY-2026-[0-9A-HJKMNP-TV-Z]{10}", objection.reference)
    assert objection.status == "received"
    assert objection.enterprise_uscc == licence.enterprise_uscc
    assert objection.enterprise_name == "宝鸡市异议测试机械有限公司"
    assert objection.record_summary == "工业产品生产许可证 XK06-001-00999"
    assert objection.contact_phone == PHONE and objection.client_hash == CLIENT

    view = get_objection(session, objection.reference.lower())
    assert view.reference == objection.reference
    assert view.status is ObjectionStatus.received and view.status_label == "已受理"
    assert view.record_kind_label == "行政许可"
    assert view.submitted_at == NOW


def test_the_public_view_has_no_contact_fields_at_all() -> None:
    names = {field.name for field in dataclasses.fields(PublicObjection)}
    assert not {n for n in names if "contact" in n or n in {"reason", "client_hash"}}


def test_references_differ(session: Session, licence: Licence) -> None:
    references = {
        submit(session, licence, reason=f"{REASON}第{n}次", client_hash=f"c{n}").reference
        for n in range(5)
    }
    assert len(references) == 5


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"contact_phone": "", "contact_email": None}, "contact", "至少填写联系电话或电子邮箱"),
        ({"contact_phone": "1234567"}, "contact_phone", "联系电话“1234567”格式有误"),
        ({"contact_phone": "12912345678"}, "contact_phone", "格式有误"),
        ({"contact_email": "not-an-email"}, "contact_email", "电子邮箱“not-an-email”格式有误"),
        ({"reason": "信息有误"}, "reason", "异议理由过短:请至少填写10个字"),
        ({"reason": "  信息有误请核实  "}, "reason", "异议理由过短"),
        ({"reason": "错" * 2001}, "reason", "异议理由过长:最多2000个字"),
        ({"contact_name": "  "}, "contact_name", "请填写联系人姓名"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(
    session: Session, licence: Licence, overrides: dict[str, Any], field: str, message: str
) -> None:
    errors = errors_of(session, licence, **overrides)
    assert message in errors[field]
    assert session.scalar(select(Objection.id)) is None


def test_every_error_is_reported_at_once(session: Session, licence: Licence) -> None:
    errors = errors_of(
        session, licence, reason="短", contact_name="", contact_phone="abc", contact_email="x@"
    )
    assert set(errors) == {"reason", "contact_name", "contact_phone", "contact_email"}


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("139 1234 5678", "13912345678"),
        ("+86 139-1234-5678", "13912345678"),
        ("13912345678", "13912345678"),  # full-width digits
        ("0917-3212345", "0917-3212345"),
        ("(0917)32123456", "091732123456"),
        ("029-88881234-801", "029-88881234-801"),
    ],
)
def test_phone_numbers_are_normalised(typed: str, stored: str) -> None:
    assert normalise_phone(typed) == stored


def test_one_contact_is_enough(session: Session, licence: Licence) -> None:
    only_email = submit(session, licence, contact_phone=None, contact_email=" A@Example.COM ")
    assert (only_email.contact_phone, only_email.contact_email) == (None, "a@example.com")
    only_phone = submit(
        session, licence, reason=REASON + "补充", contact_phone="0917-3212345", contact_email=""
    )
    assert (only_phone.contact_phone, only_phone.contact_email) == ("0917-3212345", None)


@pytest.mark.parametrize(
    "hidden",
    [
        {"approved_at": None, "approved_by": None},
        {"withdrawn": True},
        {"published_on": date(2027, 1, 1)},
    ],
)
def test_only_a_public_record_can_be_objected_to(session: Session, hidden: dict[str, Any]) -> None:
    enterprise = f.add_enterprise(session)
    record = f.add_licence(session, enterprise, **hidden)
    errors = errors_of(session, record)
    assert "未找到该条公开信息" in errors["record"]


def test_a_record_of_a_hidden_enterprise_cannot_be_objected_to(session: Session) -> None:
    enterprise = f.add_enterprise(session, withdrawn=True)
    record = f.add_product(session, enterprise)
    assert "未找到该条公开信息" in errors_of(session, record, "product")["record"]


def test_unknown_records_and_kinds(session: Session, licence: Licence) -> None:
    assert "未找到" in errors_of(session, licence, source_id="XK-NOWHERE")["record"]
    # The right id under the wrong kind is not the record either.
    assert "未找到" in errors_of(session, licence, "product")["record"]
    assert "未知的信息类别“gossip”" in errors_of(session, licence, "gossip")["record"]


def test_summaries_of_other_kinds(session: Session) -> None:
    enterprise = f.add_enterprise(session, "宝鸡市摘要测试有限公司")
    operator = f.add_operator(session, enterprise, name="王小明", category="起重机司机")
    designation = f.add_designation(session, enterprise, "blacklist", title="拒不整改")
    by_kind = {
        "enterprise": (enterprise, "宝鸡市摘要测试有限公司的企业基本信息"),
        "operator": (operator, "王** · 起重机司机"),  # masked, as on the credit file
        "designation": (designation, "黑名单:拒不整改"),
    }
    for n, (kind, (record, summary)) in enumerate(by_kind.items()):
        objection = submit(session, record, kind, client_hash=f"summary-{n}")
        assert objection.record_summary == summary
        assert objection.enterprise_uscc == enterprise.uscc


def test_rate_limit_per_hour(session: Session, licence: Licence) -> None:
    for n in range(5):
        submit(session, licence, reason=f"{REASON}({n})", now=NOW + timedelta(minutes=n))
    with pytest.raises(TooManyRequests, match="每小时最多可提交5件") as caught:
        submit(session, licence, reason=f"{REASON}(5)", now=NOW + timedelta(minutes=10))
    assert caught.value.status_code == 429
    # Another client is not limited; the same one is again an hour after its first.
    submit(session, licence, reason=f"{REASON}(5)", client_hash="someone-else")
    submit(session, licence, reason=f"{REASON}(6)", now=NOW + timedelta(minutes=61))


def test_rate_limit_per_day(session: Session, licence: Licence) -> None:
    for n in range(4):
        submit(session, licence, reason=f"{REASON}({n})", now=NOW + timedelta(hours=n))
    with pytest.raises(TooManyRequests, match="每天最多可提交4件"):
        submit(session, licence, reason=f"{REASON}(x)", now=NOW + timedelta(hours=5), per_day=4)
    submit(session, licence, reason=f"{REASON}(y)", now=NOW + timedelta(hours=24, minutes=1))


def test_an_identical_objection_is_refused(session: Session, licence: Licence) -> None:
    submit(session, licence)
    errors = errors_of(session, licence, reason=f"  {REASON}\n")
    assert errors == {"reason": "您已就该信息提交过内容相同的异议,请勿重复提交"}
    submit(session, licence, client_hash="another-client")  # not a duplicate of theirs


def test_status_changes(session: Session, licence: Licence) -> None:
    objection = submit(session, licence)
    later = NOW + timedelta(days=3)
    view = set_status(
        session, objection.reference, ObjectionStatus.upheld, note="已更正", now=later
    )
    assert (view.status_label, view.status_note, view.updated_at) == ("异议成立", "已更正", later)
    view = set_status(session, objection.reference, ObjectionStatus.rejected, note=None, now=later)
    assert (view.status, view.status_note) == (ObjectionStatus.rejected, None)
    with pytest.raises(NotFound):
        set_status(session, "YY-2026-0000000000", ObjectionStatus.upheld, note=None, now=later)


@pytest.mark.parametrize("reference", ["YY-2026-0000000000", "nonsense", "", "YY-2026-123"])
def test_unknown_or_malformed_references_are_not_found(session: Session, reference: str) -> None:
    with pytest.raises(NotFound, match="未找到查询编号"):
        get_objection(session, reference)


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("YY-2026-7K3QD9M2XA", "YY-2026-7K3QD9M2XA"),
        (" yy-2026-7k3qd9m2xa ", "YY-2026-7K3QD9M2XA"),
        ("YY20267K3QD9M2XA", "YY-2026-7K3QD9M2XA"),
        ("YY-2026-7K3QD9M2XO", "YY-2026-7K3QD9M2X0"),  # O read as 0
        ("YY-2026-7K3QD9M2XA1", None),
        ("XX-2026-7K3QD9M2XA", None),
    ],
)
def test_references_are_read_forgivingly(typed: str, canonical: str | None) -> None:
    assert normalise_reference(typed) == canonical


def test_client_hash_keeps_no_address() -> None:
    digest = client_hash(b"key", "203.0.113.7")
    assert re.fullmatch(r"[0-9a-f]{64}", digest) and "203" not in digest
    assert digest == client_hash(b"key", "203.0.113.7") != client_hash(b"other", "203.0.113.7")
    # One IPv6 subscriber (a /64) is one client; an IPv4-mapped address is its IPv4 address.
    assert client_hash(b"k", "2001:db8:1:2::1") == client_hash(b"k", "2001:db8:1:2:ffff::9")
    assert client_hash(b"k", "2001:db8:1:2::1") != client_hash(b"k", "2001:db8:1:3::1")
    assert client_hash(b"k", "::ffff:203.0.113.7") == client_hash(b"k", "203.0.113.7")


def test_objection_links_of_credit_file_records(session: Session, licence: Licence) -> None:
    path = objection_form_path(licence)
    assert (
        path
        == f"/objections/new?kind=licence&system=quality_inspection&id={licence.source_record_id}"
    )
    assert objection_form_path(object()) is None


# ---- the staff command -------------------------------------------------------------------------

runner = CliRunner()


@pytest.fixture
def cli_env(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[sessionmaker[Session]]:
    """The CLI and the test on one database: the test's own."""
    from portal.storage.db import make_engine, make_sessionmaker, migrate

    monkeypatch.setenv("PORTAL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PORTAL_DATABASE_URL", database_url)
    get_settings.cache_clear()
    engine = make_engine(get_settings())
    migrate(engine)
    yield make_sessionmaker(engine)
    engine.dispose()
    get_settings.cache_clear()


def test_cli_sets_the_status(cli_env: sessionmaker[Session]) -> None:
    with session_scope(cli_env) as session:
        enterprise = f.add_enterprise(session)
        submitted = datetime.now(UTC) - timedelta(minutes=5)
        reference = submit(session, f.add_licence(session, enterprise), now=submitted).reference

    result = runner.invoke(
        app, ["objection-status", reference.lower(), "under_review", "--note", "正在核查"]
    )
    assert result.exit_code == 0, result.output
    assert f"异议 {reference}:审查中(under_review)" in result.output
    with cli_env() as session:
        view = get_objection(session, reference)
    assert (view.status, view.status_note) == (ObjectionStatus.under_review, "正在核查")
    assert view.updated_at > view.submitted_at


def test_cli_refuses_unknown_statuses_and_references(cli_env: sessionmaker[Session]) -> None:
    unknown_status = runner.invoke(app, ["objection-status", "YY-2026-0000000000", "approved"])
    assert unknown_status.exit_code == 2
    assert "未知状态“approved”" in unknown_status.output
    unknown = runner.invoke(app, ["objection-status", "YY-2026-0000000000", "upheld"])
    assert unknown.exit_code == 1
    assert "未找到查询编号" in unknown.output
