"""A live portal on a free loopback port, loaded with demo data, and a headless Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import uvicorn

from ingest.loader import ingest_paths
from ingest.sample_data import write_sample_data
from portal.context import PortalContext
from portal.search.indexer import rebuild_all
from portal.server import create_app
from portal.settings import Settings
from tests.databases import Databases

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
TODAY = date(2026, 11, 24)


def _missing(reason: str) -> None:
    # CI must run these: there a missing browser is a failure, not a skip.
    if os.environ.get("PORTAL_REQUIRE_SERVICES"):
        pytest.fail(f"PORTAL_REQUIRE_SERVICES is set but {reason}")
    pytest.skip(f"BROWSER TESTS SKIPPED: {reason}")


@pytest.fixture(scope="session")
def live_url(tmp_path_factory: pytest.TempPathFactory, databases: Databases) -> Iterator[str]:
    root = tmp_path_factory.mktemp("live")
    database_url = databases.create()
    settings = Settings(data_dir=root / "data", database_url=database_url, today=TODAY.isoformat())
    write_sample_data(root / "sample", enterprises=120, seed=7, today=TODAY)
    context = PortalContext.open(settings)
    ingest_paths([root / "sample"], context.session_factory)
    rebuild_all(context.session_factory, context.search, TODAY)

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(context=context), host="127.0.0.1", port=port, log_config=None)
    )
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
    context.close()
    databases.drop(database_url)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        _missing("Debian's chromium is not installed (apt-get install chromium fonts-noto-cjk)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
