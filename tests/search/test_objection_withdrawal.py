"""An upheld objection withdraws the record from the Elasticsearch index the same day, as from
the embedded one (tests/web/test_objection_review.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from elasticsearch import Elasticsearch

from portal.context import PortalContext
from portal.domain import ObjectionStatus
from portal.objections import decide, submit_objection
from portal.search.base import SearchQuery
from portal.settings import Settings
from portal.storage.db import session_scope
from tests.search.conftest import RUN_PREFIX
from tests.web.conftest import _seed

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # 10:00 in China on the tests' today


def test_an_upheld_objection_reaches_elasticsearch(
    settings: Settings, elasticsearch_url: str, elastic_admin: Elasticsearch
) -> None:
    es = settings.replace(elasticsearch_url=elasticsearch_url, index_prefix=f"{RUN_PREFIX}-obj")
    ctx = PortalContext.open(es)
    try:
        assert ctx.search.name == "elasticsearch"
        data = _seed(ctx)

        def lists() -> list[str]:
            hits = ctx.search.search(SearchQuery(text=data.titanium)).hits
            return next(list(h.lists) for h in hits if h.uscc == data.titanium)

        assert "quality_safety_warning" in lists()
        with session_scope(ctx.session_factory) as session:
            reference = submit_objection(
                session, record_kind="designation", source_system="quality_inspection",
                source_id=data.titanium_warning_id, reason="该抽检已复检合格,公示有误。请撤回。",
                contact_name="沈鹏", contact_phone="13912345678", client_hash="es", now=NOW,
                today=ctx.today(),
            ).reference  # fmt: skip
        decide(ctx, reference, ObjectionStatus.upheld, note="复检合格", now=NOW)
        assert "quality_safety_warning" not in lists()
    finally:
        ctx.close()
