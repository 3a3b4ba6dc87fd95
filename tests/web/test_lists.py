"""The public lists: filterable by district and industry, paged with totals, rows linked."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from portal.context import PortalContext
from portal.storage.db import session_scope
from portal.storage.models import Enterprise
from tests import factories as f
from tests.web.conftest import Data


def rows(html: str) -> list[str]:
    return re.findall(r'<h2><a href="/enterprises/([0-9A-Z]{18})">', html)


@pytest.mark.parametrize(
    ("path", "title", "expected"),
    [
        ("/blacklist", "黑名单", "blacklisted"),
        ("/exemplary", "质量诚信示范企业(红名单)", "exemplary"),
        ("/warnings", "质量安全预警信息", "blacklisted"),
    ],
)
def test_each_list_shows_its_enterprises(
    client: TestClient, data: Data, path: str, title: str, expected: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert f"<h1>{title}</h1>" in response.text
    assert getattr(data, expected) in rows(response.text)
    assert "共 " in response.text


def test_the_warning_list_holds_both_warnings_newest_first(client: TestClient, data: Data) -> None:
    html = client.get("/warnings").text
    assert rows(html) == [data.blacklisted, data.titanium]
    assert "共 2 条" in html
    assert "钛合金锻件抽检不合格" in html
    assert "涉及产品:钛合金锻件" in html


def test_an_empty_list_says_so(client: TestClient) -> None:
    response = client.get("/bad-records")
    assert response.status_code == 200
    assert "共 0 条" in response.text
    assert "目前没有不良信息" in response.text


def test_a_future_designation_is_not_listed(client: TestClient, data: Data) -> None:
    assert data.titanium not in rows(client.get("/blacklist").text)


def test_lists_filter_by_district_and_industry(client: TestClient, data: Data) -> None:
    html = client.get("/warnings", params={"district": "陈仓区"}).text
    assert rows(html) == [data.blacklisted]
    assert "共 1 条" in html
    assert '<option value="陈仓区" selected>' in html
    assert "清除筛选" in html
    # The feed links keep the filter.
    assert "/feeds/warnings.atom?district=%E9%99%88%E4%BB%93%E5%8C%BA" in html

    html = client.get("/warnings", params={"industry": "有色金属(钛及钛合金)"}).text
    assert rows(html) == [data.titanium]

    html = client.get("/warnings", params={"district": "渭滨区"}).text
    assert rows(html) == []
    assert "所选区县、行业下没有质量安全预警信息" in html


def test_the_filter_form_works_without_javascript(client: TestClient) -> None:
    html = client.get("/blacklist").text
    assert '<form class="filters" action="/blacklist" method="get"' in html
    assert '<select id="f-district" name="district">' in html
    assert '<option value="麟游县">' in html
    assert '<label for="f-industry">行业</label>' in html


@pytest.mark.parametrize("params", [{"district": "火星区"}, {"industry": "航天"}])
def test_unknown_district_or_industry_is_a_400(client: TestClient, params: dict[str, str]) -> None:
    response = client.get("/warnings", params=params)
    assert response.status_code == 400
    assert "未知的" in response.text


def test_lists_are_paged_with_the_exact_total(
    client: TestClient, portal_context: PortalContext
) -> None:
    with session_scope(portal_context.session_factory) as s:
        for n in range(25):
            e = f.add_enterprise(s, f"宝鸡麟游黑名单企业{n:02d}有限公司", district="麟游县")
            f.add_designation(s, e, "blacklist", starts_on=date(2026, 1, 1 + n))
    first = client.get("/blacklist", params={"district": "麟游县"}).text
    assert "共 25 条" in first
    assert "第 1/2 页" in first
    assert len(rows(first)) == 20
    assert "宝鸡麟游黑名单企业24有限公司" in first  # newest first
    next_link = re.search(r'href="([^"]*page=2[^"]*)" rel="next"', first)
    assert next_link and "district=" in next_link.group(1)  # the filter is kept
    second = client.get("/blacklist", params={"district": "麟游县", "page": 2}).text
    assert len(rows(second)) == 5
    assert not set(rows(first)) & set(rows(second))
    assert "宝鸡麟游黑名单企业00有限公司" in second

    assert client.get("/blacklist", params={"page": 3}).status_code == 400
    assert client.get("/blacklist", params={"page": "x"}).status_code == 400


def test_every_count_says_what_it_counts(
    client: TestClient, portal_context: PortalContext, data: Data
) -> None:
    """One enterprise with two blacklist entries: 1 家企业 and 2 条, on every page and in
    GraphQL, each number with its unit."""
    with session_scope(portal_context.session_factory) as s:
        enterprise = s.scalars(select(Enterprise).where(Enterprise.uscc == data.blacklisted)).one()
        f.add_designation(s, enterprise, "blacklist", title="第二条黑名单", reason="再次拒不整改")
    home = client.get("/").text
    tile = re.search(r'class="count-blacklist">(.*?)</li>', home, re.S)
    assert tile and "<strong>1</strong><span>家企业 · 黑名单</span>" in tile.group(1)
    assert "共 2 条" in tile.group(1)
    assert "黑名单</a>(1 家企业,2 条)" in home
    assert "共 2 条(涉及 1 家企业)" in client.get("/blacklist").text
    answer = client.post(
        "/graphql",
        json={
            "query": "{ listCounts { blacklist blacklistEntries }"
            " blacklist { totalCount enterpriseCount } }"
        },
    ).json()["data"]
    assert answer["listCounts"] == {"blacklist": 1, "blacklistEntries": 2}
    assert answer["blacklist"] == {"totalCount": 2, "enterpriseCount": 1}


def test_the_schema_says_what_each_count_counts() -> None:
    from portal.graphql.schema import schema

    def described(type_name: str) -> dict[str, str]:
        fields = schema.get_type_by_name(type_name).fields  # type: ignore[union-attr]
        return {f.graphql_name or f.python_name: f.description or "" for f in fields}

    counts = described("ListCounts")
    assert "家企业" in counts["blacklist"] and "条" in counts["blacklist_entries"]
    connection = described("ListEntryConnection")
    assert "条" in connection["total_count"] and "家企业" in connection["enterprise_count"]


def test_a_list_shows_the_same_period_as_the_credit_file(
    client: TestClient, portal_context: PortalContext, data: Data
) -> None:
    """A rule-derived entry with a last public day: 自…至… on the list, the file, GraphQL."""
    with session_scope(portal_context.session_factory) as s:
        enterprise = s.scalars(select(Enterprise).where(Enterprise.uscc == data.titanium)).one()
        f.add_designation(
            s, enterprise, "blacklist", title="不良信息逾期未纠正", reason="逾期未纠正",
            starts_on=date(2026, 11, 21), display_until=date(2029, 11, 20),
        )  # fmt: skip
    expected = "2026-11-21 起,至 2029-11-20"
    listed = client.get("/blacklist").text
    row = listed[listed.index("不良信息逾期未纠正") :]
    assert expected in row[: row.index("</li>")]
    assert expected in client.get(f"/enterprises/{data.titanium}").text
    answer = client.post(
        "/graphql",
        json={
            "query": "{ blacklist { edges { node { designation {"
            " title startsOn publicUntil } } } } }"
        },
    ).json()["data"]
    nodes = [e["node"]["designation"] for e in answer["blacklist"]["edges"]]
    assert {
        "title": "不良信息逾期未纠正",
        "startsOn": "2026-11-21",
        "publicUntil": "2029-11-20",
    } in nodes
