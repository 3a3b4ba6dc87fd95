"""The red list means something: an exemplary designation is suspended while a bad record of the
enterprise is in force (not on /exemplary, not in GraphQL `exemplary`, not counted; the credit
file says 示范资格暂停 and why), and returns when the bad record's display ends."""

from __future__ import annotations

from datetime import date

from starlette.testclient import TestClient

from portal.readmodels.credit_file import get_credit_file
from portal.readmodels.lists import list_counts, list_enterprises_on
from portal.server import create_app
from portal.settings import Settings
from portal.storage.db import session_scope
from tests import factories as f
from tests.rules.helpers import Factory, run

TODAY = date(2026, 11, 24)  # the `settings` fixture's today
NAME = "宝鸡市示范测试钛业有限公司"


def _exemplary_with_bad_record(factory: Factory) -> str:
    with session_scope(factory) as s:
        e = f.add_enterprise(s, NAME)
        f.add_designation(
            s,
            e,
            "exemplary",
            title=f"{NAME}:质量诚信示范企业",
            starts_on=date(2026, 1, 1),
            ends_on=date(2028, 12, 31),
            published_on=date(2026, 1, 1),
        )
        f.add_designation(
            s,
            e,
            "bad_records",
            title=f"{NAME}:产品标识标注不规范",
            severity="minor",
            starts_on=date(2026, 11, 20),
            published_on=date(2026, 11, 20),
            corrected_on=date(2026, 11, 21),
            source_system="enforcement_inspection",
        )
        return e.uscc


def _listed(factory: Factory, today: date) -> list[str]:
    with factory() as s:
        page = list_enterprises_on(s, "exemplary", today)
        return [x.enterprise.name for x in page.items]


def test_suspended_while_the_bad_record_is_shown_and_back_after(session_factory: Factory) -> None:
    uscc = _exemplary_with_bad_record(session_factory)
    run(session_factory, TODAY)
    # One run; the lists and counts follow the materialised dates on every later day.
    assert _listed(session_factory, date(2026, 11, 19)) == [NAME]
    assert _listed(session_factory, TODAY) == []
    assert _listed(session_factory, date(2027, 2, 19)) == []  # minor: shown three months
    assert _listed(session_factory, date(2027, 2, 20)) == [NAME]
    with session_factory() as s:
        assert list_counts(s, TODAY)["exemplary"] == 0
        assert list_counts(s, date(2027, 2, 20))["exemplary"] == 1
        file = get_credit_file(s, uscc, TODAY)
        back = get_credit_file(s, uscc, date(2027, 2, 20))
    assert "exemplary" not in file.lists and "bad_records" in file.lists
    [suspended] = file.suspended
    status = file.status(suspended)
    assert status.state == "suspended"
    assert "示范资格暂停" in status.reason and "产品标识标注不规范" in status.reason
    assert status.next_change_on == date(2027, 2, 20)
    assert (suspended.suspended_from, suspended.suspended_until) == (
        date(2026, 11, 20),
        date(2027, 2, 19),
    )
    assert back.suspended == [] and "exemplary" in back.lists


def test_the_page_and_graphql_say_it(session_factory: Factory, settings: Settings) -> None:
    uscc = _exemplary_with_bad_record(session_factory)
    run(session_factory, TODAY)
    with TestClient(create_app(settings)) as client:
        page = client.get(f"/enterprises/{uscc}").text
        listed = client.get("/exemplary").text
        answer = client.post(
            "/graphql",
            json={
                "query": "{ exemplary { totalCount } listCounts { exemplary } "
                f'enterprise(uscc: "{uscc}") {{ lists suspendedDesignations '
                "{ suspendedFrom suspendedUntil status { state reason nextChangeOn } } } }"
            },
        ).json()
    assert "示范资格暂停" in page and "2027-02-20 恢复示范资格" in page
    assert NAME not in listed
    data = answer["data"]
    assert data["exemplary"]["totalCount"] == 0 and data["listCounts"]["exemplary"] == 0
    [entry] = data["enterprise"]["suspendedDesignations"]
    assert entry["status"]["state"] == "suspended" and entry["suspendedUntil"] == "2027-02-19"
    assert "EXEMPLARY" not in data["enterprise"]["lists"]


def test_a_blacklist_entry_still_ends_it_for_good(session_factory: Factory) -> None:
    with session_scope(session_factory) as s:
        e = f.add_enterprise(s, NAME)
        f.add_designation(
            s,
            e,
            "exemplary",
            starts_on=date(2026, 1, 1),
            ends_on=date(2028, 12, 31),
            published_on=date(2026, 1, 1),
        )
        f.add_designation(
            s,
            e,
            "blacklist",
            starts_on=date(2026, 11, 1),
            ends_on=date(2026, 11, 30),
            published_on=date(2026, 11, 1),
            source_system="enforcement_inspection",
        )
    run(session_factory, TODAY)
    assert _listed(session_factory, date(2026, 10, 31)) == [NAME]
    assert _listed(session_factory, date(2026, 12, 1)) == []  # the blacklist ended: still lapsed
