"""Search documents from the system of record, and keeping the index in step with it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from portal.codes import make_uscc
from portal.search.base import SearchQuery
from portal.search.documents import build_documents
from portal.search.indexer import rebuild_all, sync_enterprises
from portal.search.sqlite import SqliteSearch
from portal.storage.models import (
    Complaint,
    Designation,
    EnforcementCase,
    Enterprise,
    Licence,
    MeasuringInstrument,
    Product,
    RectificationItem,
    RectificationNotice,
    SamplingInspection,
    SpecialEquipment,
)

TODAY = date(2026, 11, 24)
NOW = datetime(2026, 11, 1, tzinfo=UTC)
_ids = iter(range(1, 1_000_000))


def prov(**overrides: Any) -> dict[str, Any]:
    """Provenance of a public fact, with `overrides`."""
    values: dict[str, Any] = {
        "source_system": "quality_inspection",
        "source_record_id": f"r{next(_ids)}",
        "source_version": 1,
        "approved_by": "审核员",
        "approved_at": NOW,
        "published_on": date(2026, 1, 1),
        "withdrawn": False,
        "content_hash": "x",
        "ingested_at": NOW,
    }
    return values | overrides


UNVETTED = {"approved_by": None, "approved_at": None}
WITHDRAWN = {"withdrawn": True}
FUTURE = {"published_on": TODAY + timedelta(days=1)}


def uscc(n: int) -> str:
    return make_uscc("91", "610300", f"{n:08d}")


def enterprise(n: int, name: str, **overrides: Any) -> Enterprise:
    code = uscc(n)
    fields: dict[str, Any] = {
        "uscc": code,
        "org_code": code[8:17],
        "name": name,
        "district": "渭滨区",
        "industry": "有色金属(钛及钛合金)",
    }
    return Enterprise(**(fields | prov() | overrides))


def designation(
    n: int, list_name: str, starts: date, ends: date | None, **extra: Any
) -> Designation:
    return Designation(
        enterprise_uscc=uscc(n),
        list_name=list_name,
        title=f"{list_name}名单",
        reason="产品抽检不合格",
        starts_on=starts,
        ends_on=ends,
        **prov(**extra),
    )


@pytest.fixture
def seeded(session_factory: sessionmaker[Session]) -> sessionmaker[Session]:
    with session_factory() as session:
        session.add_all(
            [
                enterprise(
                    1,
                    "宝鸡钛业股份有限公司",
                    former_names=["宝鸡有色金属加工厂"],
                    address="宝鸡市渭滨区清姜路",
                    legal_representative="王建国",
                ),
                enterprise(2, "陕西合钛贸易有限公司", district="高新区"),
                enterprise(3, "陈仓机床有限公司", industry="机床工具"),
                enterprise(4, "未审核企业", **UNVETTED),
                enterprise(5, "已撤回企业", **WITHDRAWN),
                enterprise(6, "未来公开企业", **FUTURE),
            ]
        )
        session.flush()
        u1, u2, u3 = uscc(1), uscc(2), uscc(3)
        session.add_all(
            [
                Product(enterprise_uscc=u1, name="钛合金锻件", **prov()),
                Product(enterprise_uscc=u1, name="钛棒", **prov()),
                Product(enterprise_uscc=u1, name="未审核产品", **prov(**UNVETTED)),
                Product(enterprise_uscc=u1, name="已撤回产品", **prov(**WITHDRAWN)),
                Product(enterprise_uscc=u1, name="未来产品", **prov(**FUTURE)),
                SamplingInspection(
                    enterprise_uscc=u1,
                    product_name="钛合金锻件",
                    sampled_on=date(2026, 3, 1),
                    result="fail",
                    failed_items=["抗拉强度"],
                    **prov(),
                ),
                SamplingInspection(
                    enterprise_uscc=u1,
                    product_name="钛棒",
                    sampled_on=date(2026, 4, 1),
                    result="pass",
                    **prov(),
                ),
                RectificationNotice(
                    enterprise_uscc=u1,
                    notice_no="宝质监整〔2026〕1号",
                    issued_on=date(2026, 5, 1),
                    deadline=date(2026, 6, 1),
                    items=[
                        RectificationItem(seq=1, description="起重机械未定期检验"),
                        RectificationItem(seq=2, description="压力表未检定"),
                    ],
                    **prov(),
                ),
                RectificationNotice(
                    enterprise_uscc=u1,
                    notice_no="宝质监整〔2026〕2号",
                    issued_on=date(2026, 5, 2),
                    deadline=date(2026, 6, 2),
                    items=[RectificationItem(seq=1, description="撤回的整改事项")],
                    **prov(**WITHDRAWN),
                ),
                EnforcementCase(
                    enterprise_uscc=u1,
                    case_no="宝质监罚〔2026〕3号",
                    opened_on=date(2026, 6, 1),
                    violation="生产不合格钛合金锻件",
                    **prov(),
                ),
                Complaint(
                    enterprise_uscc=u1,
                    channel="public_complaint",
                    received_on=date(2026, 7, 1),
                    summary="群众反映锻件开裂",
                    **prov(),
                ),
                Complaint(
                    enterprise_uscc=u1,
                    channel="media_report",
                    received_on=date(2026, 7, 2),
                    summary="未审核的投诉",
                    **prov(**UNVETTED),
                ),
                designation(1, "exemplary", date(2026, 1, 1), None),
                designation(1, "bad_records", date(2025, 1, 1), date(2026, 1, 1)),  # ended
                designation(1, "blacklist", TODAY + timedelta(days=3), None),  # not yet
                designation(1, "quality_safety_warning", date(2026, 1, 1), None, **UNVETTED),
                designation(2, "blacklist", date(2026, 1, 1), TODAY),  # last day today
                designation(2, "bad_records", date(2026, 1, 1), None),
                # Enterprise 1: equipment due in three months (yellow), licence far off (green),
                # an overdue but withdrawn piece of equipment (ignored).
                SpecialEquipment(
                    enterprise_uscc=u1,
                    registration_no="起11",
                    kind="crane",
                    next_inspection_due=TODAY + timedelta(days=90),
                    **prov(),
                ),
                SpecialEquipment(
                    enterprise_uscc=u1,
                    registration_no="起12",
                    kind="crane",
                    next_inspection_due=TODAY - timedelta(days=10),
                    **prov(**WITHDRAWN),
                ),
                Licence(
                    enterprise_uscc=u1,
                    licence_no="XK-1",
                    kind="工业产品生产许可证",
                    issued_on=date(2024, 1, 1),
                    expires_on=date(2029, 1, 1),
                    **prov(),
                ),
                # Enterprise 3: a mandatory instrument never verified (red); an optional one
                # overdue (ignored).
                MeasuringInstrument(
                    enterprise_uscc=u3,
                    instrument_no="JL-1",
                    name="压力表",
                    mandatory_verification=True,
                    next_verification_due=None,
                    **prov(),
                ),
                MeasuringInstrument(
                    enterprise_uscc=u3,
                    instrument_no="JL-2",
                    name="卡尺",
                    mandatory_verification=False,
                    next_verification_due=TODAY - timedelta(days=100),
                    **prov(),
                ),
                Licence(
                    enterprise_uscc=u2,
                    licence_no="XK-2",
                    kind="工业产品生产许可证",
                    issued_on=date(2024, 1, 1),
                    expires_on=date(2029, 1, 1),
                    **prov(),
                ),
            ]
        )
        session.commit()
    return session_factory


def test_only_public_enterprises(seeded: sessionmaker[Session]) -> None:
    with seeded() as session:
        docs = list(build_documents(session, TODAY, chunk=2))
    assert [d.name for d in docs] == [
        "宝鸡钛业股份有限公司",
        "陕西合钛贸易有限公司",
        "陈仓机床有限公司",
    ]


def test_future_enterprise_appears_once_published(seeded: sessionmaker[Session]) -> None:
    with seeded() as session:
        later = list(build_documents(session, TODAY + timedelta(days=1)))
    assert "未来公开企业" in [d.name for d in later]


def test_document_holds_only_public_facts(seeded: sessionmaker[Session]) -> None:
    with seeded() as session:
        (doc,) = build_documents(session, TODAY, [uscc(1)])
    assert doc.uscc == uscc(1)
    assert doc.org_code == uscc(1)[8:17]
    assert doc.former_names == ("宝鸡有色金属加工厂",)
    assert (doc.address, doc.legal_representative) == ("宝鸡市渭滨区清姜路", "王建国")
    assert (doc.district, doc.industry) == ("渭滨区", "有色金属(钛及钛合金)")
    assert doc.products == ("钛合金锻件", "钛棒")
    assert doc.texts == (
        "钛合金锻件 抽检不合格:抗拉强度",
        "钛棒 抽检合格",
        "起重机械未定期检验",
        "压力表未检定",
        "生产不合格钛合金锻件",
        "群众反映锻件开裂",
        # Designations in force today only (an ended one, or one not yet started, is not
        # searchable), by start date, repeated texts once.
        "exemplary名单",
        "产品抽检不合格",
    )


def test_lists_are_those_in_force_today(seeded: sessionmaker[Session]) -> None:
    with seeded() as session:
        docs = {d.uscc: d for d in build_documents(session, TODAY)}
        tomorrow = {d.uscc: d for d in build_documents(session, TODAY + timedelta(days=1))}
        later = {d.uscc: d for d in build_documents(session, TODAY + timedelta(days=3))}
    assert docs[uscc(1)].lists == ("exemplary",)
    assert docs[uscc(2)].lists == ("bad_records", "blacklist")
    assert docs[uscc(3)].lists == ()
    assert tomorrow[uscc(2)].lists == ("bad_records",)
    assert later[uscc(1)].lists == ("exemplary", "blacklist")


def test_worst_colour_of_public_due_dates(seeded: sessionmaker[Session]) -> None:
    with seeded() as session:
        docs = {d.uscc: d for d in build_documents(session, TODAY)}
        early = {d.uscc: d for d in build_documents(session, date(2026, 1, 2))}
    assert docs[uscc(1)].colour == "yellow"  # equipment due in 90 days; licence green
    assert early[uscc(1)].colour == "green"  # the same equipment, almost a year ahead
    assert docs[uscc(2)].colour == "green"  # licence only
    assert docs[uscc(3)].colour == "red"  # mandatory instrument without a due date


def test_selected_usccs_skip_non_public_and_unknown(seeded: sessionmaker[Session]) -> None:
    wanted = [uscc(3), uscc(4), uscc(5), "91610300UNKNOWN000", uscc(1), uscc(3)]
    with seeded() as session:
        docs = list(build_documents(session, TODAY, wanted, chunk=1))
    assert [d.uscc for d in docs] == [uscc(1), uscc(3)]


def test_sync_upserts_public_and_deletes_the_rest(
    seeded: sessionmaker[Session], tmp_path: Path
) -> None:
    backend = SqliteSearch(tmp_path / "search.sqlite3")
    assert rebuild_all(seeded, backend, TODAY) == 3
    # Enterprise 2 is withdrawn after the index was built.
    with seeded() as session:
        trader = session.query(Enterprise).filter_by(uscc=uscc(2)).one()
        trader.withdrawn = True
        session.commit()
    result = sync_enterprises(seeded, backend, [uscc(1), uscc(2), uscc(4), "UNKNOWN"], TODAY)
    assert result == (1, 1, 0)
    assert backend.count() == 2
    assert backend.search(SearchQuery("合钛")).total == 0
    found = backend.search(SearchQuery("抗拉强度"))
    assert [h.name for h in found.hits] == ["宝鸡钛业股份有限公司"]
    assert found.hits[0].colour == "yellow"
    assert found.hits[0].lists == ("exemplary",)
    assert sync_enterprises(seeded, backend, [], TODAY) == (0, 0, 0)
    backend.close()


def test_rebuild_all_reports_progress(seeded: sessionmaker[Session], tmp_path: Path) -> None:
    backend = SqliteSearch(tmp_path / "search.sqlite3")
    calls: list[int] = []
    assert rebuild_all(seeded, backend, TODAY, progress=calls.append) == 3
    assert calls == [3]
    facets = backend.search(SearchQuery("")).facets
    assert {v.value: v.count for v in facets["colour"]} == {"yellow": 1, "green": 1, "red": 1}
    assert {v.value: v.count for v in facets["list"]} == {
        "exemplary": 1,
        "bad_records": 1,
        "blacklist": 1,
    }
    backend.close()


def test_queries_are_batched_per_chunk(seeded: sessionmaker[Session], engine: Engine) -> None:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        with seeded() as session:
            one_chunk = len(list(build_documents(session, TODAY, chunk=500)))
            per_chunk = len(statements)
            statements.clear()
            assert len(list(build_documents(session, TODAY, chunk=1))) == one_chunk == 3
    finally:
        event.remove(engine, "before_cursor_execute", count)
    # Per chunk: one page of enterprises and a fixed number of fact queries, whatever the chunk
    # holds; paging ends with an empty page.
    facts = per_chunk - 2
    # products, 6 text kinds, lists, and the colour facts (names, 4 due-date kinds, corrections,
    # derived bad records: portal.rules.facts.DUE_LISTS)
    assert facts <= 14
    assert len(statements) == 3 * (facts + 1) + 1
