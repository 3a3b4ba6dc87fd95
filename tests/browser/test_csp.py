"""The public pages under the portal's Content-Security-Policy, in a real headless Chromium: they
render, the objection form submits, and the browser reports no violation of the policy; another
site cannot frame the objection form."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

# Runs before the page's scripts (init scripts are exempt from its CSP): every violation the
# browser reports, blocked inline script or style, eval, a resource from elsewhere, or framing.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
});
"""
SHOTS = Path("/tmp/http-hardening-shots")


def _visit(page: Any, url: str) -> list[str]:
    response = page.goto(url)
    assert response is not None and response.status < 500, url
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    page.wait_for_load_state("load")
    return list(page.evaluate("() => window.cspViolations"))


@pytest.mark.parametrize("width", [1280, 390])
def test_pages_work_under_the_policy(browser: Any, live_url: str, width: int) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900}, locale="zh-CN")
    page.add_init_script(RECORD_VIOLATIONS)
    violations: dict[str, list[str]] = {}
    for path in ["/", "/search?q=机床", "/blacklist", "/warnings", "/objections", "/no-such"]:
        violations[path] = _visit(page, live_url + path)
    page.goto(live_url + "/search?q=有限公司")
    page.locator('a[href^="/enterprises/"]').first.click()
    page.wait_for_load_state("load")
    violations["credit file"] = page.evaluate("() => window.cspViolations")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"credit-file-{width}.png"), full_page=False)

    # The objection form: filled in and submitted (form-action 'self'), the status page shown.
    page.locator('a[href^="/objections/new"]').first.click()
    page.wait_for_load_state("load")
    violations["objection form"] = page.evaluate("() => window.cspViolations")
    page.screenshot(path=str(SHOTS / f"objection-form-{width}.png"), full_page=False)
    page.fill("textarea[name=reason]", f"该信息与实际情况不符,请核实更正({width})。")
    page.fill("input[name=contact_name]", "王女士")
    page.fill("input[name=contact_phone]", "13912345678")
    page.locator("form.objection-form [type=submit]").click()
    page.wait_for_load_state("load")
    assert "/objections/YY-" in page.url, page.locator("main").inner_text()
    violations["objection status"] = page.evaluate("() => window.cspViolations")
    page.close()
    assert {k: v for k, v in violations.items() if v} == {}


def test_another_site_cannot_frame_the_objection_form(browser: Any, live_url: str) -> None:
    """Before, the form rendered inside another site's iframe (clickjacking). The other site is
    a server of its own on another loopback port (a page Playwright made up, or a public one,
    would be refused by Chromium's private-network rules whatever the portal says)."""
    form = f"{live_url}/objections/new?kind=enterprise&system=x&id=y"

    class OtherSite(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = f'<!doctype html><iframe src="{form}"></iframe>'.encode()
            self.send_response(200)
            self.send_header("content-type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), OtherSite)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    page = browser.new_page()
    try:
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
        page.wait_for_load_state("load")
        framed = page.frame_locator("iframe").locator("body").inner_text(timeout=10_000)
    finally:
        page.close()
        server.shutdown()
    # Chromium puts an empty error document where a refused frame would be.
    assert "异议" not in framed and "宝鸡市" not in framed
