"""Shared fixtures: a fresh portal per test, on the embedded default or on real servers.

Each test gets an empty database of its own (tests/databases.py): SQLite in its `tmp_path` by
default, or a schema on the PostgreSQL server of `PORTAL_TEST_DATABASE_URL` when that is set. A
URL that is set but unreachable stops the run before the first test. Fixtures and tests that build
their own `Settings` take their database URL from the `databases` fixture (`create`/`drop`, or
`isolated()`) or from `database_url`, never from `PORTAL_DATABASE_URL`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from portal.settings import Settings
from portal.storage.db import make_engine, make_sessionmaker, migrate
from tests.databases import Databases

# The portal's own settings from the environment (a developer's PORTAL_DATABASE_URL or
# PORTAL_ELASTICSEARCH_URL, say) must not reach the tests: they would use, and overwrite, the
# developer's database or index. Only the tests' own variables stay.
_KEEP = ("PORTAL_TEST_", "PORTAL_REQUIRE_SERVICES")
for _name in [n for n in os.environ if n.startswith("PORTAL_") and not n.startswith(_KEEP)]:
    del os.environ[_name]

_databases: Databases | None = None


def _get_databases() -> Databases:
    global _databases
    if _databases is None:
        _databases = Databases(os.environ.get("PORTAL_TEST_DATABASE_URL", ""))
    return _databases


def pytest_configure(config: pytest.Config) -> None:
    _get_databases().check()


def pytest_unconfigure(config: pytest.Config) -> None:
    if _databases is not None:
        _databases.close()


def pytest_report_header(config: pytest.Config) -> list[str]:
    """Which servers the run uses, at the top of its output (and so of every CI log)."""
    search = "SQLite FTS5 (embedded default)"
    if es_url := os.environ.get("PORTAL_TEST_ELASTICSEARCH_URL"):
        search += f"; Elasticsearch at {es_url} (PORTAL_TEST_ELASTICSEARCH_URL)"
    return [f"database: {_get_databases().describe()}", f"search: {search}"]


@pytest.fixture(scope="session")
def databases() -> Databases:
    """Where tests get their databases (tests/databases.py)."""
    return _get_databases()


@pytest.fixture
def database_url(databases: Databases) -> Iterator[str]:
    """An empty database of the test's own: `""` (SQLite in the data folder) or a URL."""
    with databases.isolated() as url:
        yield url


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=database_url, today="2026-11-24")


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session_factory(engine: Engine) -> sessionmaker[Session]:
    return make_sessionmaker(engine)
