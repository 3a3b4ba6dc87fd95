"""Alembic environment: runs migrations on the engine the portal hands over (see db.migrate)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from portal.storage.models import Base

engine: Engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    context.run_migrations()
