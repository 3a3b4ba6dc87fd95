"""A citizen in a real headless Chromium: searches in Chinese, opens a credit file, reads it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_search_open_and_read_a_credit_file(
    browser: Any, live_url: str, tmp_path: Path
) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page.goto(live_url + "/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"

    # The search box comes first; the article's enterprise is found by two characters of its name.
    box = page.locator("input[name=q]").first
    box.fill("鹏盛")
    box.press("Enter")
    page.wait_for_load_state()
    assert "/search" in page.url or "/enterprises/" in page.url
    if "/search" in page.url:
        assert page.locator("mark", has_text="鹏盛").count() >= 1
        page.locator('a[href^="/enterprises/"]', has_text="鹏盛鑫").first.click()
        page.wait_for_load_state()

    assert "/enterprises/" in page.url
    body = page.locator("main").inner_text()
    assert "宝鸡市鹏盛鑫有色金属有限公司" in body
    assert "统一社会信用代码" in body
    # The article's crane: no manufacturer information and no installation filing, both findings.
    assert "无制造商信息" in body
    assert "未办理安装备案" in body
    # Operators' names are personal data: never shown in full.
    assert "沈鹏" in body  # the legal representative is public
    page.screenshot(path=str(tmp_path / "credit-file.png"), full_page=True)
    page.close()


def test_lists_and_feeds_are_reachable_without_javascript(browser: Any, live_url: str) -> None:
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    page.goto(live_url + "/blacklist")
    assert page.locator("h1").first.inner_text().strip() != ""
    assert "黑名单" in page.locator("main").inner_text()
    page.goto(live_url + "/warnings")
    assert "质量安全预警" in page.locator("main").inner_text()
    context.close()
