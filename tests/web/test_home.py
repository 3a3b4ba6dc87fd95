"""The home page: the search box first, the newest warnings, the size of each list."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from tests.web.conftest import Data


def test_home_puts_the_search_box_first(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert '<html lang="zh-CN">' in html
    main = html[html.index("<main") :]
    # The first form of the page body is the search form, with its label.
    assert main.index('action="/search"') < main.index("最新质量安全预警信息")
    assert 'name="q"' in main
    assert "输入企业名称、统一社会信用代码" in main


def test_home_lists_the_newest_public_warnings(client: TestClient, data: Data) -> None:
    html = client.get("/").text
    assert "钛合金锻件抽检不合格" in html
    assert "速冻食品菌落总数超标" in html
    assert f'href="/enterprises/{data.titanium}"' in html
    # Newest first: the 陈仓 warning started later.
    assert html.index("速冻食品菌落总数超标") < html.index("钛合金锻件抽检不合格")
    # A designation published in the future is not shown anywhere.
    assert "将来才公开的黑名单" not in html


def test_home_counts_each_list_and_the_credit_files(client: TestClient) -> None:
    html = client.get("/").text

    def count(label: str) -> int:
        match = re.search(r"<strong>(\d+)</strong><span>家企业 · " + re.escape(label), html)
        assert match, label
        return int(match.group(1))

    # Public enterprises: titanium, exemplary, blacklisted, script (not unvetted/withdrawn/future).
    match = re.search(r"<strong>(\d+)</strong><span>家企业诚信档案", html)
    assert match and int(match.group(1)) == 4
    assert count("质量安全预警信息") == 2
    assert count("黑名单") == 1
    assert count("不良信息") == 0
    assert count("质量诚信示范企业") == 1


def test_unknown_url_is_a_chinese_404_page(client: TestClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "您访问的页面不存在" in response.text
    assert "返回首页" in response.text


def test_stylesheet_is_served_and_has_focus_styles(client: TestClient) -> None:
    response = client.get("/static/site.css")
    assert response.status_code == 200
    assert ":focus-visible" in response.text
    assert "@import" not in response.text and "http" not in response.text  # no CDNs, no fonts
