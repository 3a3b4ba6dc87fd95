"""The Alembic migrations on the backend under test (SQLite, or PostgreSQL with
PORTAL_TEST_DATABASE_URL): from empty to head, down to base and up again, and a head that is
exactly the model."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from portal.settings import Settings
from portal.storage.db import alembic_config, make_engine, migrate
from portal.storage.models import Base

MODEL_TABLES = set(Base.metadata.tables)


@pytest.fixture
def empty_engine(settings: Settings) -> Iterator[Engine]:
    """An engine on the test's own database, not migrated."""
    engine = make_engine(settings)
    yield engine
    engine.dispose()


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def _revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _differences(engine: Engine) -> list[Any]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def test_upgrade_downgrade_upgrade(empty_engine: Engine) -> None:
    assert _tables(empty_engine) == set()
    head = ScriptDirectory.from_config(alembic_config(empty_engine)).get_current_head()

    migrate(empty_engine)
    assert _tables(empty_engine) == MODEL_TABLES
    assert _revision(empty_engine) == head

    command.downgrade(alembic_config(empty_engine), "base")
    assert _tables(empty_engine) == set()
    assert _revision(empty_engine) is None

    migrate(empty_engine)
    assert _tables(empty_engine) == MODEL_TABLES
    assert _revision(empty_engine) == head
    # Migrating a database at head changes nothing.
    migrate(empty_engine)
    assert _revision(empty_engine) == head


def test_the_migrations_build_exactly_the_model(empty_engine: Engine) -> None:
    migrate(empty_engine)
    assert _differences(empty_engine) == []


def test_every_revision_upgrades_and_downgrades_one_step(empty_engine: Engine) -> None:
    config = alembic_config(empty_engine)
    revisions = list(reversed(list(ScriptDirectory.from_config(config).walk_revisions())))
    for revision in revisions:
        command.upgrade(config, revision.revision)
        assert _revision(empty_engine) == revision.revision
    for revision in reversed(revisions):
        assert _revision(empty_engine) == revision.revision
        command.downgrade(config, "-1")
    assert _revision(empty_engine) is None
    assert _tables(empty_engine) == set()
