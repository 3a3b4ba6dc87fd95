"""Security headers on every kind of response, and the client address behind a reverse proxy:
X-Forwarded-For is believed only from PORTAL_TRUSTED_PROXIES, in the app and in `portal serve`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx2 as httpx
import pytest
from starlette.testclient import TestClient

from portal.context import PortalContext
from portal.errors import ConfigurationError
from portal.server import create_app
from portal.web.security import trusted_proxies
from portal.web.views import home
from tests.web.conftest import Data

PATHS = [
    "/",
    "/search?q=钛",
    "/blacklist",
    "/objections/new?kind=enterprise&system=org_code_registry&id=x",
    "/objections",
    "/feeds/warnings.rss",
    "/feeds/warnings.atom",
    "/graphql?query={listCounts{blacklist}}",
    "/static/site.css",
    "/static/graphiql/explorer.js",
    "/healthz",
    "/no-such-page",  # 404 page
    "/enterprises/not-a-code",  # 400 or 404 page
]


def _assert_secured(response: httpx.Response) -> None:
    csp = response.headers["content-security-policy"]
    directives = {d.split()[0]: d.split()[1:] for d in csp.split("; ")}
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["x-frame-options"] == "DENY"
    assert "server" not in response.headers


@pytest.mark.parametrize("path", PATHS)
def test_every_response_carries_the_security_headers(client: TestClient, path: str) -> None:
    _assert_secured(client.get(path))


def test_graphql_post_and_its_errors_carry_them(client: TestClient) -> None:
    _assert_secured(client.post("/graphql", json={"query": "{ listCounts { blacklist } }"}))
    _assert_secured(client.post("/graphql", content=b"{", headers={"content-type": "text/x"}))


def test_an_unexpected_error_page_carries_them(
    portal_context: PortalContext, data: Data, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> object:
        raise RuntimeError("boom")

    monkeypatch.setattr(home, "list_counts", broken)
    app = create_app(context=portal_context)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/")
    assert response.status_code == 500
    _assert_secured(response)


def test_the_objection_form_forbids_framing(client: TestClient, data: Data) -> None:
    """The form used to render inside any other site's iframe (clickjacking)."""
    response = client.get(
        f"/objections/new?kind=enterprise&system=org_code_registry&id={data.titanium}"
    )
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_templates_have_no_inline_script_or_style(client: TestClient, data: Data) -> None:
    for path in ["/", "/search?q=钛", f"/enterprises/{data.titanium}", "/blacklist", "/objections"]:
        html = client.get(path).text
        assert "<script" not in html and "<style" not in html and " style=" not in html, path
        assert " onclick=" not in html and " onload=" not in html, path


# ---- the client address --------------------------------------------------------------------


def _searches_allowed(
    portal_context: PortalContext, proxies: str, peer: str, forwarded: list[str]
) -> list[int]:
    """Statuses of one search per X-Forwarded-For value, with one search a minute allowed: a
    second 200 means the app took the forwarded addresses as different clients."""
    settings = portal_context.settings.replace(search_limit_per_minute=1, trusted_proxies=proxies)
    context = replace(portal_context, settings=settings)
    with TestClient(create_app(context=context), client=(peer, 40000)) as client:
        return [
            client.get("/search?q=钛", headers={"x-forwarded-for": value}).status_code
            for value in forwarded
        ]


def test_forwarded_for_is_ignored_by_default(portal_context: PortalContext, data: Data) -> None:
    """Before, X-Forwarded-For from localhost was believed as is: a client chose its address."""
    assert _searches_allowed(portal_context, "", "127.0.0.1", ["1.2.3.4", "5.6.7.8"]) == [200, 429]


def test_forwarded_for_is_believed_from_a_trusted_proxy(
    portal_context: PortalContext, data: Data
) -> None:
    statuses = _searches_allowed(
        portal_context, "10.0.0.0/8", "10.1.2.3", ["1.2.3.4", "5.6.7.8", "1.2.3.4"]
    )
    assert statuses == [200, 200, 429]


def test_forwarded_for_from_an_untrusted_peer_is_ignored(
    portal_context: PortalContext, data: Data
) -> None:
    assert _searches_allowed(portal_context, "10.0.0.0/8", "192.0.2.7", ["1.2.3.4", "5.6.7.8"]) == [
        200,
        429,
    ]


def test_a_client_cannot_hide_behind_a_forged_first_entry(
    portal_context: PortalContext, data: Data
) -> None:
    """The proxy appends the real peer; addresses the client wrote before it count for nothing."""
    forwarded = ["1.1.1.1, 203.0.113.9", "2.2.2.2, 203.0.113.9"]
    assert _searches_allowed(portal_context, "10.0.0.5", "10.0.0.5", forwarded) == [200, 429]


def test_trusted_proxies_setting_is_parsed_and_checked() -> None:
    assert trusted_proxies("") == []
    assert trusted_proxies("10.0.0.5, 192.168.1.0/24 ::1") == [
        "10.0.0.5/32",
        "192.168.1.0/24",
        "::1/128",
    ]
    with pytest.raises(ConfigurationError, match="PORTAL_TRUSTED_PROXIES"):
        trusted_proxies("10.0.0.5, proxy.local")


# ---- `portal serve` ------------------------------------------------------------------------


@pytest.fixture
def serve(tmp_path: Path, database_url: str) -> Iterator[object]:
    """Starts `portal serve` with extra environment; yields a function returning its URL."""
    servers: list[subprocess.Popen[bytes]] = []

    def start(**env: str) -> str:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        environment = {
            **os.environ,
            "PORTAL_DATA_DIR": str(tmp_path / "data"),
            "PORTAL_DATABASE_URL": database_url,
            **{f"PORTAL_{k.upper()}": v for k, v in env.items()},
        }
        command = [sys.executable, "-m", "portal.cli", "serve", "--port", str(port)]
        server = subprocess.Popen(
            command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        servers.append(server)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{url}/healthz", timeout=5)
                return url
            except httpx.TransportError:
                time.sleep(0.2)
        raise RuntimeError("portal serve did not answer within 60 s")

    yield start
    for server in servers:
        server.terminate()
        server.wait(timeout=30)


def test_serve_sends_no_server_header_and_trusts_no_proxy_by_default(serve: object) -> None:
    url = serve(search_limit_per_minute="1")  # type: ignore[operator]
    first = httpx.get(f"{url}/search?q=x", headers={"x-forwarded-for": "1.2.3.4"})
    second = httpx.get(f"{url}/search?q=x", headers={"x-forwarded-for": "5.6.7.8"})
    _assert_secured(first)
    assert (first.status_code, second.status_code) == (200, 429)


def test_serve_believes_a_configured_proxy(serve: object) -> None:
    url = serve(search_limit_per_minute="1", trusted_proxies="127.0.0.1")  # type: ignore[operator]
    statuses = [
        httpx.get(f"{url}/search?q=x", headers={"x-forwarded-for": a}).status_code
        for a in ("1.2.3.4", "5.6.7.8")
    ]
    assert statuses == [200, 200]
