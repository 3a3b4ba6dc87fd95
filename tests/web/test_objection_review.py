"""An objection in review is visible, and an upheld one withdraws the record everywhere the same
day: the credit file, the lists, GraphQL, the search index and the feeds; the credit rules do not
derive a withdrawn row again."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from starlette.testclient import TestClient

from portal.context import PortalContext
from portal.domain import ObjectionStatus
from portal.objections import decide, submit_objection
from portal.rules.job import run_rules
from portal.rules.model import Thresholds
from portal.search.base import SearchQuery
from portal.storage.db import session_scope
from portal.storage.models import Designation, Enterprise
from tests import factories as f
from tests.web.conftest import Data

# 10:00 in China on the tests' today (2026-11-24): the decision is taken on the day it shows.
NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
REASON = "该预警所依据的抽检已经复检合格,公示内容有误,请予撤回。"
GRAPHQL = """query($uscc: String!) {
  enterprise(uscc: $uscc) { designations { title underObjection } underObjection }
  warnings { edges { node { designation { title underObjection } } } }
}"""


def _object(ctx: PortalContext, kind: str, system: str, record_id: str) -> str:
    with session_scope(ctx.session_factory) as session:
        return submit_objection(
            session, record_kind=kind, source_system=system, source_id=record_id,
            reason=REASON, contact_name="沈鹏", contact_phone="13912345678",
            client_hash="review", now=NOW, today=ctx.today(),
        ).reference  # fmt: skip


def _lists_of(ctx: PortalContext, uscc: str) -> list[str]:
    result = ctx.search.search(SearchQuery(text=uscc))
    return next(list(hit.lists) for hit in result.hits if hit.uscc == uscc)


def test_in_review_then_upheld_everywhere(
    client: TestClient, portal_context: PortalContext, data: Data
) -> None:
    ctx, uscc = portal_context, data.titanium
    title = "钛合金锻件抽检不合格"
    reference = _object(ctx, "designation", "quality_inspection", data.titanium_warning_id)

    # In review: marked on the credit file and in GraphQL (the file and the list).
    page = client.get(f"/enterprises/{uscc}").text
    box = page[page.index(f"designation-quality_inspection-{data.titanium_warning_id}") :]
    assert "异议处理中" in box[: box.index("</div>")]
    assert page.count("异议处理中") == 1
    answer = client.post("/graphql", json={"query": GRAPHQL, "variables": {"uscc": uscc}})
    body = answer.json()["data"]
    assert {"title": title, "underObjection": True} in body["enterprise"]["designations"]
    assert body["enterprise"]["underObjection"] is False
    listed = [e["node"]["designation"] for e in body["warnings"]["edges"]]
    assert {"title": title, "underObjection": True} in listed
    assert "quality_safety_warning" in _lists_of(ctx, uscc)

    # Upheld: withdrawn from the file, the list, GraphQL, the index; the feed says 撤销.
    decided = decide(ctx, reference, ObjectionStatus.upheld, note="经复检合格", now=NOW)
    assert decided.reindexed >= 1
    page = client.get(f"/enterprises/{uscc}").text
    assert title not in page and "异议处理中" not in page
    assert title not in client.get("/warnings").text
    body = client.post("/graphql", json={"query": GRAPHQL, "variables": {"uscc": uscc}}).json()
    assert title not in str(body["data"])
    assert "quality_safety_warning" not in _lists_of(ctx, uscc)
    feed = client.get("/feeds/warnings.atom").text
    assert f"【撤销】宝鸡市鹏盛鑫有色金属有限公司:{title}" in feed
    status = client.get(f"/objections/{reference}").text
    assert "该信息已撤回" in status


def test_a_rejected_objection_leaves_the_record_and_ends_the_mark(
    client: TestClient, portal_context: PortalContext, data: Data
) -> None:
    reference = _object(
        portal_context, "designation", "quality_inspection", data.titanium_warning_id
    )
    decide(portal_context, reference, ObjectionStatus.rejected, note="经核实无误", now=NOW)
    page = client.get(f"/enterprises/{data.titanium}").text
    assert "钛合金锻件抽检不合格" in page and "异议处理中" not in page


def test_the_rules_do_not_derive_an_overruled_row_again(
    portal_context: PortalContext, data: Data
) -> None:
    """A bad record the rules derived from an overdue scale, withdrawn by an upheld objection,
    stays withdrawn when the rules run the next days."""
    ctx = replace(portal_context)
    today = ctx.today()
    with session_scope(ctx.session_factory) as s:
        e = f.add_enterprise(s, "宝鸡市异议规则测试有限公司")
        f.add_instrument(s, e, next_verification_due=today - timedelta(days=40))
        uscc = e.uscc
    thresholds = Thresholds.of(ctx.settings)
    run_rules(ctx.session_factory, today, usccs={uscc}, thresholds=thresholds)

    def derived() -> list[Designation]:
        with ctx.session() as s:
            return list(
                s.scalars(
                    select(Designation).where(
                        Designation.enterprise_uscc == uscc,
                        Designation.source_system == "credit_rules",
                    )
                )
            )

    rows = derived()
    # 40 days overdue: the bad record, and (15 days uncorrected) what it was upgraded to.
    (bad,) = [d for d in rows if d.list_name == "bad_records"]
    assert len(rows) == 2 and not any(d.withdrawn for d in rows)
    reference = _object(ctx, "designation", "credit_rules", bad.source_record_id)
    decide(ctx, reference, ObjectionStatus.upheld, note="已检定合格", now=NOW)
    for day in (today, today + timedelta(days=1), today + timedelta(days=30)):
        run_rules(ctx.session_factory, day, usccs={uscc}, thresholds=thresholds)
        assert all(d.withdrawn for d in derived()), day
    with ctx.session() as s:
        assert s.scalar(select(Enterprise.name).where(Enterprise.uscc == uscc))
