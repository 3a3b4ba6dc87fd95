"""`/search`: Chinese queries, highlights, facets, exact codes, paging and bad parameters."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from starlette.testclient import TestClient

from portal.context import PortalContext
from tests.web.conftest import Data

TITANIUM = "宝鸡市鹏盛鑫有色金属有限公司"


def hits(html: str) -> list[str]:
    """The USCCs of the result rows, in order."""
    results = html[html.index('class="results"') :]
    return re.findall(r'<h3><a href="/enterprises/([0-9A-Z]{18})">', results)


def total(html: str) -> int:
    match = re.search(r"共 (\d+) 条", html)
    assert match, "the page must say how many results there are"
    return int(match.group(1))


def test_without_a_query_the_page_explains_how_to_search(client: TestClient) -> None:
    response = client.get("/search")
    assert response.status_code == 200
    assert "查询说明" in response.text
    assert 'name="q"' in response.text


@pytest.mark.parametrize("query", ["鑫", "鹏盛", "有色金属"])
def test_one_two_and_four_character_queries_find_the_enterprise(
    client: TestClient, data: Data, query: str
) -> None:
    response = client.get("/search", params={"q": query})
    assert response.status_code == 200
    assert hits(response.text)[0] == data.titanium
    assert f"<mark>{query}</mark>" in response.text


def test_matches_are_highlighted_in_name_and_former_name(client: TestClient) -> None:
    html = client.get("/search", params={"q": "鹏盛"}).text
    assert "宝鸡市<mark>鹏盛</mark>鑫有色金属有限公司" in html
    assert "宝鸡<mark>鹏盛</mark>钛材厂" in html  # the former name, with its field title
    assert "曾用名" in html
    assert 'value="鹏盛"' in html  # the box keeps the query


def test_facets_are_filter_links_with_counts(client: TestClient, data: Data) -> None:
    html = client.get("/search", params={"q": "宝鸡"}).text
    assert total(html) == 4
    facet = re.search(r'<a href="([^"]+)">金台区</a> <span class="count">\((\d+)\)</span>', html)
    assert facet, "the district facet is a link with a count"
    assert facet.group(2) == "2"
    href = facet.group(1).replace("&amp;", "&")
    params = parse_qs(urlsplit(href).query)
    assert params == {"q": ["宝鸡"], "district": ["金台区"]}  # keeps the query, resets the page
    assert '质量安全预警信息</a> <span class="count">(2)</span>' in html

    filtered = client.get(href).text
    assert total(filtered) == 2
    assert set(hits(filtered)) == {data.titanium, data.script}
    assert "已选:金台区" in filtered
    assert "清除" in filtered


def test_filters_without_a_query_browse_and_unknown_values_find_nothing(
    client: TestClient, data: Data
) -> None:
    html = client.get("/search", params={"list": "blacklist"}).text
    assert hits(html) == [data.blacklisted]
    html = client.get("/search", params={"q": "宝鸡", "district": "火星区"}).text
    assert total(html) == 0
    assert "未找到与“宝鸡”相关的企业" in html


@pytest.mark.parametrize("form", ["plain", "lower", "hyphens"])
def test_an_exact_uscc_goes_to_the_credit_file(client: TestClient, data: Data, form: str) -> None:
    code = {
        "plain": data.titanium,
        "lower": data.titanium.lower(),
        "hyphens": f"{data.titanium[:6]}-{data.titanium[6:12]}-{data.titanium[12:]}",
    }[form]
    response = client.get("/search", params={"q": code})
    assert response.status_code == 303
    assert response.headers["location"] == f"/enterprises/{data.titanium}"


def test_an_exact_organisation_code_goes_to_the_credit_file(client: TestClient, data: Data) -> None:
    response = client.get("/search", params={"q": data.exemplary[8:17]})
    assert response.status_code == 303
    assert response.headers["location"] == f"/enterprises/{data.exemplary}"


def test_records_that_are_not_public_are_not_found(client: TestClient, data: Data) -> None:
    for name in ("未审核企业", "已撤回企业", "未来公开企业"):
        html = client.get("/search", params={"q": name}).text
        assert total(html) == 0, name
    for code in (data.unvetted, data.withdrawn, data.future):
        response = client.get("/search", params={"q": code})
        assert response.status_code == 200
        assert total(response.text) == 0


def test_paging_shows_the_total_and_links_every_page(client: TestClient) -> None:
    seen: list[str] = []
    for page in (1, 2, 3, 4):
        html = client.get("/search", params={"q": "宝鸡", "size": 1, "page": page}).text
        assert total(html) == 4
        assert f"第 {page}/4 页" in html
        seen += hits(html)
        if page < 4:
            assert f"page={page + 1}" in unquote(html)
            assert "下一页" in html
    assert len(set(seen)) == 4  # every result reachable, none twice


def test_a_page_past_the_end_is_a_400_saying_so(client: TestClient) -> None:
    response = client.get("/search", params={"q": "宝鸡", "size": 2, "page": 3})
    assert response.status_code == 400
    assert "第3页超出范围" in response.text
    assert "共4条" in response.text


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "١"])
def test_a_page_that_is_not_a_positive_integer_is_a_400(client: TestClient, page: str) -> None:
    response = client.get("/search", params={"q": "宝鸡", "page": page})
    assert response.status_code == 400
    assert "页码参数" in response.text
    assert "正整数" in response.text


def test_too_large_a_page_size_is_a_400(client: TestClient) -> None:
    response = client.get("/search", params={"q": "宝鸡", "size": 1000})
    assert response.status_code == 400
    assert "每页条数最多为100" in response.text


def test_a_query_over_100_characters_is_a_400_in_chinese(client: TestClient) -> None:
    response = client.get("/search", params={"q": "钛" * 101})
    assert response.status_code == 400
    assert "查询内容过长" in response.text
    assert "最多100个字符" in response.text
    assert client.get("/search", params={"q": "钛" * 100}).status_code == 200


def test_names_with_markup_are_escaped(client: TestClient, data: Data) -> None:
    html = client.get("/search", params={"q": "脚本测试"}).text
    assert hits(html) == [data.script]
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_the_query_is_escaped_when_echoed(client: TestClient) -> None:
    html = client.get("/search", params={"q": '"><img src=x onerror=alert(1)>'}).text
    assert "<img src=x" not in html
    assert "&lt;img src=x" in html


def test_search_down_falls_back_to_the_database_and_says_so(
    client: TestClient, portal_context: PortalContext, data: Data
) -> None:
    portal_context.search.close()
    response = client.get("/search", params={"q": "宝鸡"})
    assert response.status_code == 200
    assert "全文检索服务暂不可用" in response.text
    assert hits(response.text)  # still answered, from SQL
    # The colour is computed for the index only: the fallback refuses that filter clearly.
    refused = client.get("/search", params={"q": "宝鸡", "colour": "red"})
    assert refused.status_code == 400
    assert "预警颜色" in refused.text
    # The credit files do not depend on search.
    assert client.get("/").status_code == 200
