"""The GraphiQL explorer in a real headless Chromium, with every request that leaves the portal
blocked: it must render, load the schema and run its example query without internet access, under
the portal's Content-Security-Policy, with no violation of it reported."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from portal.context import PortalContext
from portal.server import create_app

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.browser


def _missing(reason: str) -> None:
    if os.environ.get("PORTAL_REQUIRE_SERVICES"):
        pytest.fail(f"PORTAL_REQUIRE_SERVICES is set but {reason}")
    pytest.skip(f"BROWSER TEST SKIPPED: {reason}")


@pytest.fixture(scope="module")
def live_url(context: PortalContext) -> Iterator[str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = uvicorn.Config(
        create_app(context=context), host="127.0.0.1", port=port, log_config=None
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the live portal did not start within 20 s")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_explorer_runs_the_example_offline(live_url: str, tmp_path: Path) -> None:
    if not Path(CHROMIUM).exists():
        _missing("Debian's chromium is not installed")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _missing("the playwright package is not installed")
    # Playwright's sync API refuses to start where another one (tests/browser's session-wide
    # browser) already runs an event loop: drive this browser from a thread of its own.
    outcome: dict[str, Any] = {}
    thread = threading.Thread(target=_drive, args=(live_url, tmp_path, outcome))
    thread.start()
    thread.join(timeout=90)
    assert not thread.is_alive(), "the browser did not finish within 90 s"
    if "error" in outcome:
        raise outcome["error"]
    assert outcome["blocked"] == [], f"the explorer reached outside the portal: {outcome}"
    assert outcome["problems"] == []
    assert outcome["violations"] == [], "the explorer breaks the Content-Security-Policy"
    assert "frame-ancestors 'none'" in outcome["csp"]


# Runs before the page's own scripts (init scripts are exempt from the page's CSP): collects every
# violation the browser reports, blocked inline script, style, eval or resource alike.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${where}`);
});
"""


def _drive(live_url: str, tmp_path: Path, outcome: dict[str, Any]) -> None:
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run"]  # fmt: skip
    blocked: list[str] = []
    problems: list[str] = []
    violations: list[str] = []

    def only_the_portal(route: Any) -> None:
        if route.request.url.startswith(live_url + "/"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                page.route("**/*", only_the_portal)
                page.on("pageerror", lambda exc: problems.append(str(exc)))
                page.add_init_script(RECORD_VIOLATIONS)
                response = page.goto(f"{live_url}/graphql")
                assert response is not None
                outcome["csp"] = response.headers.get("content-security-policy", "")
                page.wait_for_selector(".graphiql-execute-button", timeout=15_000)
                page.click(".graphiql-execute-button")
                # A function, not an expression: Playwright evaluates a bare expression with
                # eval(), which the page's CSP (rightly) refuses.
                page.wait_for_function(
                    "() => document.querySelector('.graphiql-response')?.innerText"
                    ".includes('宝鸡华秦机床有限公司')",
                    timeout=15_000,
                )
                page.screenshot(path=str(tmp_path / "graphiql.png"))
                violations.extend(page.evaluate("() => window.cspViolations"))
            finally:
                browser.close()
    except Exception as exc:  # handed to the test's thread
        outcome["error"] = exc
    outcome.update(blocked=blocked, problems=problems, violations=violations)
