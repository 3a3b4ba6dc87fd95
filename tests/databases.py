"""An isolated, empty database per test: the embedded default, or a schema on a real server.

By default each caller gets `""` as its database URL: `Settings` then keeps SQLite in its own data
folder, which each test has to itself (its `tmp_path`). With `PORTAL_TEST_DATABASE_URL` set to a
PostgreSQL URL (`export PORTAL_TEST_DATABASE_URL=$(scripts/postgres)`), each caller gets a new
schema `t_<8 hex>` on that server and a URL whose connections have `search_path` set to it (and
the time zone Asia/Shanghai, not UTC). The portal's own code then migrates it as it would a fresh
database. `drop` removes the schema; the
session drops whatever is left at its end (see tests/conftest.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.exc import SQLAlchemyError

from portal.storage.db import database_url

SESSION_TIME_ZONE = "Asia/Shanghai"


class Databases:
    """Hands out databases: `create` (and `drop`), or `isolated` for both."""

    def __init__(self, server_url: str) -> None:
        self._admin: Engine | None = None
        self._schemas: set[str] = set()
        if server_url:
            url = database_url(server_url)
            if url.get_backend_name() != "postgresql":
                raise pytest.UsageError(
                    "PORTAL_TEST_DATABASE_URL must be a PostgreSQL URL (postgresql+psycopg://…), "
                    f"not {url.render_as_string(hide_password=True)}"
                )
            self._admin = create_engine(
                url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 10}
            )

    def describe(self) -> str:
        """Which database the tests use, for the report header."""
        if self._admin is None:
            return "SQLite (embedded default; a file per test)"
        with self._admin.connect() as connection:
            version = connection.scalar(text("SHOW server_version"))
        shown = self._admin.url.render_as_string(hide_password=True)
        return f"PostgreSQL {version} at {shown} (a schema per test; PORTAL_TEST_DATABASE_URL)"

    def check(self) -> None:
        """Fail loudly, before any test runs, when the server does not answer."""
        if self._admin is None:
            return
        try:
            with self._admin.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError as exc:
            shown = self._admin.url.render_as_string(hide_password=True)
            raise pytest.UsageError(
                f"PORTAL_TEST_DATABASE_URL is set, but {shown} does not answer:\n"
                f"  {exc.__class__.__name__}: {getattr(exc, 'orig', None) or exc}\n"
                "Start it with `scripts/postgres`, or unset PORTAL_TEST_DATABASE_URL to test on "
                "the embedded SQLite."
            ) from None

    def create(self) -> str:
        """A new empty database: its SQLAlchemy URL, for `Settings(database_url=…)`."""
        if self._admin is None:
            return ""
        schema = f"t_{uuid.uuid4().hex[:8]}"
        with self._admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        self._schemas.add(schema)
        # The session time zone of a server in China, not UTC: code that takes the database's
        # datetimes for UTC fails here as it would in production.
        options = f"-csearch_path={schema} -cTimeZone={SESSION_TIME_ZONE}"
        url = self._admin.url.update_query_dict({"options": options})
        return url.render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        """Drop a database made by `create`; its engines must be disposed (or idle) by then."""
        if self._admin is None or not url:
            return
        options = str(make_url(url).query.get("options"))
        schema = options.split()[0].removeprefix("-csearch_path=")
        if schema not in self._schemas:
            raise ValueError(f"not a database of this run: {url}")
        self._drop_schema(schema)

    @contextmanager
    def isolated(self) -> Iterator[str]:
        """`create` a database, and `drop` it on leaving."""
        url = self.create()
        try:
            yield url
        finally:
            self.drop(url)

    def close(self) -> None:
        """Drop every database still left, and disconnect."""
        if self._admin is None:
            return
        for schema in sorted(self._schemas):
            self._drop_schema(schema)
        self._admin.dispose()

    def _drop_schema(self, schema: str) -> None:
        assert self._admin is not None
        with self._admin.connect() as connection:
            # A connection left inside a transaction would make DROP wait for ever: fail instead.
            connection.execute(text("SET lock_timeout = '10s'"))
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        self._schemas.discard(schema)
