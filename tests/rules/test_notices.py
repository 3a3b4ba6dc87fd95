"""Rectification notices: the article's crane → a notice with a month to rectify → rectified and
closed; not rectified → overdue → referred to enforcement; refused or serious → blacklist."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ingest.loader import ingest_paths
from portal.rules.model import RULES_SYSTEM
from portal.rules.notices import notice_decision
from portal.storage.db import session_scope
from portal.storage.models import EnforcementCase, RectificationNotice
from tests import factories as f
from tests.ingest.helpers import USCC_A, record, write_jsonl
from tests.rules.helpers import Factory, current, derived, derived_cases, run

ISSUED = date(2013, 11, 28)  # the end of November 2013: the bureau's visit to 鹏盛鑫


def _ingest(factory: Factory, tmp_path: Path, *records: dict[str, object]) -> None:
    path = write_jsonl(tmp_path / f"batch-{len(list(tmp_path.iterdir()))}.jsonl", records)
    assert ingest_paths([path], factory).quarantined == 0


def _notice(factory: Factory) -> RectificationNotice:
    with factory() as session:
        return session.scalars(select(RectificationNotice)).one()


def test_the_crane_without_maker_or_filing_gets_a_month_and_is_rectified(
    session_factory: Factory, tmp_path: Path
) -> None:
    crane = record(
        "special_equipment",
        record_id="SE-1",
        registration_no="起13陕C00001",
        model="行吊",
        next_inspection_due="2014-09-01",
        published_on="2013-11-28",
    )
    items = [
        {"description": "行吊无制造单位信息及出厂技术资料", "rectified": False},
        {"description": "行吊未办理安装告知及使用登记备案", "rectified": False},
        {"description": "强制检定计量器具未按期检定", "rectified": False},
    ]
    notice = record(
        "rectification_notice",
        record_id="ZG-1",
        notice_no="宝质监责改〔2013〕00001号",
        issued_on=ISSUED.isoformat(),
        items=items,
        published_on="2013-11-29",
    )
    _ingest(
        session_factory,
        tmp_path,
        record("enterprise", name="宝鸡市鹏盛鑫有色金属有限公司"),
        crane,
        notice,
    )
    n = _notice(session_factory)
    assert n.deadline == date(2013, 12, 28)  # no deadline given: a month (30 days)
    open_ = notice_decision(n, date(2013, 12, 1))
    assert open_.state == "open" and open_.next_change_on == date(2013, 12, 29)
    assert open_.next_change == "将于 2013-12-29 移送执法,除非在此之前完成整改"
    run(session_factory, date(2013, 12, 1))
    from tests.rules.helpers import evaluation

    ev = evaluation(session_factory, USCC_A, date(2013, 12, 1))
    kinds = {(i.kind, i.state) for i in ev.open_items}
    assert ("notice", "open") in kinds and ("finding", "open") in kinds

    # Rectified on 20 December: version 2 of the notice.
    done = [{**item, "rectified": True} for item in items]
    v2 = record(
        "rectification_notice",
        record_id="ZG-1",
        version=2,
        notice_no="宝质监责改〔2013〕00001号",
        issued_on=ISSUED.isoformat(),
        items=done,
        rectified_on="2013-12-20",
        published_on="2013-12-21",
    )
    _ingest(session_factory, tmp_path, v2)
    for day in (date(2013, 12, 21), date(2014, 1, 31)):
        closed = notice_decision(_notice(session_factory), day)
        assert closed.state == "closed" and closed.next_change_on is None
        assert "2013-12-20" in closed.reason
        run(session_factory, day)
    assert derived_cases(session_factory) == []
    assert derived(session_factory, "blacklist") == []


def _one_notice(factory: Factory, **fields: Any) -> str:
    with session_scope(factory) as s:
        e = f.add_enterprise(s, "宝鸡威利模料模具有限公司")
        f.add_product(s, e, name="注塑模具")
        f.add_notice(
            s,
            e,
            source_record_id="ZG-9",
            notice_no="宝质监责改〔2026〕9号",
            issued_on=date(2026, 10, 10),
            deadline=date(2026, 11, 10),
            published_on=date(2026, 10, 11),
            **fields,
        )
        return e.uscc


def test_a_notice_not_rectified_is_overdue_and_referred_to_enforcement(
    session_factory: Factory,
) -> None:
    uscc = _one_notice(session_factory)
    run(session_factory, date(2026, 11, 10))  # the deadline: still open
    assert derived_cases(session_factory) == []
    summary = run(session_factory, date(2026, 11, 11))
    assert summary.derived == 1 and uscc in summary.changed_usccs
    [case] = derived_cases(session_factory)
    assert (
        case.source_system == RULES_SYSTEM
        and case.source_record_id == "referral:enforcement_inspection:ZG-9"
    )
    assert case.opened_on == case.published_on == date(2026, 11, 11)
    assert case.case_no == "移送执法(宝质监责改〔2026〕9号)" and "逾期未整改" in case.violation
    assert case.derivation is not None and case.derivation["rule"] == "notice_referral"
    overdue = notice_decision(_notice(session_factory), date(2026, 11, 20))
    assert overdue.state == "overdue" and "已于 2026-11-11 移送执法" in overdue.reason
    # Rectified late: still referred (the deadline had passed), now closed.
    with session_scope(session_factory) as s:
        s.scalars(select(RectificationNotice)).one().rectified_on = date(2026, 11, 25)
    run(session_factory, date(2026, 11, 30))
    assert notice_decision(_notice(session_factory), date(2026, 11, 30)).state == "closed"
    [still] = derived_cases(session_factory)
    assert not still.withdrawn
    with session_scope(session_factory) as s:
        assert s.scalars(select(EnforcementCase)).one().enterprise_uscc == uscc


def test_refusal_puts_the_enterprise_and_its_products_on_the_blacklist(
    session_factory: Factory,
) -> None:
    uscc = _one_notice(session_factory, refused=True)
    assert notice_decision(_notice(session_factory), date(2026, 10, 20)).state == "refused"
    run(session_factory, date(2026, 10, 20))
    [entry] = current(session_factory, date(2026, 10, 20), "blacklist")
    assert entry.enterprise_uscc == uscc and entry.products == ["注塑模具"]
    assert entry.starts_on == date(2026, 10, 11)  # issued 10-10, public from 10-11
    assert entry.severity == "serious" and "拒不整改" in entry.title
    assert entry.derivation is not None and entry.derivation["rule"] == "notice_blacklist"


def test_a_serious_violation_puts_the_enterprise_on_the_blacklist(
    session_factory: Factory,
) -> None:
    _one_notice(session_factory, serious=True, rectified_on=date(2026, 10, 20))
    run(session_factory, date(2026, 10, 25))
    [entry] = current(session_factory, date(2026, 10, 25), "blacklist")
    assert "严重违法" in entry.title
    assert derived_cases(session_factory) == []  # rectified in time: no referral
