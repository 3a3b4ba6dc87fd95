"""Searches answered from SQL while the engine is down, and index work kept until it is back."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from portal.errors import BadRequest
from portal.search.base import SearchQuery
from portal.search.fallback import ResilientSearch, SqlFallbackSearch
from portal.search.indexer import pending_count, sync_enterprises, sync_pending
from portal.search.sqlite import SqliteSearch
from portal.storage.models import PendingIndexWork
from tests.factories import add_designation, add_enterprise, add_product

TODAY = date(2026, 11, 24)


@pytest.fixture
def usccs(session_factory: sessionmaker[Session]) -> dict[str, str]:
    with session_factory.begin() as session:
        titanium = add_enterprise(
            session, "宝鸡钛业股份有限公司", district="高新区", industry="有色金属(钛及钛合金)"
        )
        add_product(session, titanium, name="TC4钛合金锻件")
        add_designation(session, titanium, list_name="exemplary")
        gears = add_enterprise(
            session,
            "宝鸡市锦万瀚齿轮有限公司",
            district="眉县",
            industry="汽车及零部件",
            address="宝鸡市眉县钛谷路1号",
        )
        hidden = add_enterprise(session, "宝鸡市未审核钛材厂", approved_by=None, approved_at=None)
        return {"titanium": titanium.uscc, "gears": gears.uscc, "hidden": hidden.uscc}


@pytest.fixture
def fallback(session_factory: sessionmaker[Session]) -> SqlFallbackSearch:
    return SqlFallbackSearch(session_factory, lambda: TODAY)


def test_one_and_two_characters_match_names_addresses_and_products(
    fallback: SqlFallbackSearch, usccs: dict[str, str]
) -> None:
    one = fallback.search(SearchQuery("钛"))
    # The unvetted enterprise is never found; the gear maker matches by its address.
    assert {h.uscc for h in one.hits} == {usccs["titanium"], usccs["gears"]}
    assert one.total == 2 and one.backend == "sql-fallback"
    two = fallback.search(SearchQuery("锻件"))
    assert [h.uscc for h in two.hits] == [usccs["titanium"]]
    name = next(
        h for h in fallback.search(SearchQuery("钛业")).hits[0].highlights if h.field == "name"
    )
    assert ("钛业", True) in name.segments


def test_codes_filters_facets_and_paging(
    fallback: SqlFallbackSearch, usccs: dict[str, str]
) -> None:
    exact = fallback.search(SearchQuery(usccs["gears"].lower()))
    assert exact.exact and [h.uscc for h in exact.hits] == [usccs["gears"]]
    result = fallback.search(SearchQuery("宝鸡", filters={"district": "高新区"}))
    assert [h.uscc for h in result.hits] == [usccs["titanium"]]
    assert result.hits[0].lists == ("exemplary",)
    # A facet ignores its own filter: the other district still shows its count.
    assert {v.value: v.count for v in result.facets["district"]} == {"高新区": 1, "眉县": 1}
    assert {v.value: v.count for v in result.facets["list"]} == {"exemplary": 1}
    on_list = fallback.search(SearchQuery("", filters={"list": "exemplary"}))
    assert on_list.total == 1
    page = fallback.search(SearchQuery("宝鸡", offset=1, limit=1))
    assert page.total == 2 and len(page.hits) == 1


def test_what_the_fallback_cannot_do_is_refused_not_ignored(fallback: SqlFallbackSearch) -> None:
    with pytest.raises(BadRequest, match="预警颜色"):
        fallback.search(SearchQuery("钛", filters={"colour": "red"}))
    with pytest.raises(BadRequest):
        fallback.search(SearchQuery("!!!"))


def test_the_fallback_checks_a_query_as_every_backend_does(
    fallback: SqlFallbackSearch, usccs: dict[str, str], tmp_path: Path
) -> None:
    engine = SqliteSearch(tmp_path / "search.sqlite3")
    # A limit of 0 asks for the total alone, as on the engines (it was refused here).
    assert fallback.search(SearchQuery("钛", limit=0)).total == 2
    for backend in (fallback, engine):
        with pytest.raises(BadRequest, match="分页参数不能为负数"):
            backend.search(SearchQuery("钛", offset=-1))
        with pytest.raises(BadRequest, match="不支持的筛选条件:scale"):
            backend.search(SearchQuery("钛", filters={"scale": "large"}))
    engine.close()


def test_resilient_search_answers_from_sql_when_the_engine_fails(
    fallback: SqlFallbackSearch, usccs: dict[str, str], tmp_path: Path
) -> None:
    engine = SqliteSearch(tmp_path / "search.sqlite3")
    search = ResilientSearch(engine, fallback)
    assert search.search(SearchQuery("钛")).backend == "sqlite"
    engine.close()  # the engine is gone: a real failure, not a stand-in
    result = search.search(SearchQuery("钛"))
    assert result.backend == "sql-fallback" and result.total == 2


def test_failed_index_work_is_kept_and_retried(
    session_factory: sessionmaker[Session], usccs: dict[str, str], tmp_path: Path
) -> None:
    down = SqliteSearch(tmp_path / "down.sqlite3")
    down.close()
    result = sync_enterprises(session_factory, down, usccs.values(), TODAY)
    assert result.pending == 3 and (result.upserted, result.deleted) == (0, 0)
    assert pending_count(session_factory) == 3
    again = sync_enterprises(session_factory, down, [usccs["gears"]], TODAY)
    assert again.pending == 1
    with session_factory() as session:
        work = session.get(PendingIndexWork, usccs["gears"])
        assert work is not None and work.attempts == 2 and work.last_error

    up = SqliteSearch(tmp_path / "up.sqlite3")
    converged = sync_pending(session_factory, up, TODAY)
    assert converged.pending == 0 and converged.upserted == 2
    assert up.count() == 2
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(PendingIndexWork)) == 0
    up.close()
