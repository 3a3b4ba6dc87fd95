"""A quality-safety warning that leaves the list (withdrawn, repaired, ended) comes back in the
feeds as "【撤销】…", dated the day it left, under its stable id + "-withdrawn"; and leaves the list
page, the credit file and search at the same time."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import feedparser
import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from portal.context import PortalContext
from portal.rules.job import run_rules
from portal.search.indexer import sync_enterprises
from portal.storage.db import session_scope
from portal.storage.models import Designation, Enterprise
from tests import factories as f
from tests.web.conftest import Data

TODAY = date(2026, 11, 24)


def _entries(client: TestClient, url: str) -> dict[str, Any]:
    parsed = feedparser.parse(client.get(url).content)
    assert not parsed.bozo
    return {e.title: e for e in parsed.entries}


@pytest.mark.parametrize("url", ["/feeds/warnings.rss", "/feeds/warnings.atom"])
def test_withdrawn_and_repaired_warnings_are_announced(
    client: TestClient, portal_context: PortalContext, data: Data, url: str
) -> None:
    factory = portal_context.session_factory
    with session_scope(factory) as s:
        e = s.scalars(select(Enterprise).where(Enterprise.uscc == data.blacklisted)).one()
        repaired = f.add_designation(
            s,
            e,
            title="酱油氨基酸态氮不达标",
            starts_on=date(2025, 1, 1),
            published_on=date(2025, 1, 1),
        )
        f.add_repair(
            s,
            repaired,
            applied_on=date(2026, 2, 1),
            decided_on=date(2026, 11, 20),
            published_on=date(2026, 11, 20),
        )
        f.add_designation(
            s,
            e,
            title="已撤销的预警",
            starts_on=date(2026, 11, 5),
            published_on=date(2026, 11, 5),
            withdrawn=True,
            ingested_at=datetime(2026, 11, 21, 2, tzinfo=UTC),
        )
        f.add_designation(
            s,
            e,
            title="公开前即撤回的预警",
            starts_on=date(2026, 12, 1),
            published_on=date(2026, 12, 1),
            withdrawn=True,
            ingested_at=datetime(2026, 11, 21, 2, tzinfo=UTC),
        )
        repaired_id = (
            f"tag:baoji.gov.cn,2026:designations/quality_inspection/{repaired.source_record_id}"
        )
    ruled = run_rules(factory, TODAY)
    sync_enterprises(factory, portal_context.search, ruled.changed_usccs, TODAY)

    entries = _entries(client, url)
    gone = entries["【撤销】宝鸡陈仓食品有限公司:酱油氨基酸态氮不达标"]
    assert gone.id == repaired_id + "/withdrawn"
    assert gone.published_parsed[:3] == (2026, 11, 19)  # 2026-11-20 00:00 +08:00, in UTC
    assert "经信用修复移出" in gone.summary
    assert "【撤销】宝鸡陈仓食品有限公司:已撤销的预警" in entries
    assert not any("公开前即撤回" in title for title in entries)
    # The current warnings are still there.
    assert "【质量安全预警】宝鸡陈仓食品有限公司:速冻食品菌落总数超标" in entries

    # Gone from the list page and the credit file as well.
    assert "酱油氨基酸态氮不达标" not in client.get("/warnings").text
    assert "酱油氨基酸态氮不达标" not in client.get(f"/enterprises/{e.uscc}").text
    with factory() as session:
        row = session.scalars(
            select(Designation).where(Designation.title == "酱油氨基酸态氮不达标")
        ).one()
        assert row.display_until == date(2026, 11, 19)
