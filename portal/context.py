"""What a running portal holds: settings, the database, the search backend. Built once by the
app's lifespan (or by the CLI) and handed to views, GraphQL resolvers and jobs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from portal.search import SearchBackend, open_backend
from portal.search.fallback import ResilientSearch, SqlFallbackSearch
from portal.settings import Settings
from portal.storage.db import make_engine, make_sessionmaker, migrate


@dataclass
class PortalContext:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    search: SearchBackend

    @classmethod
    def open(cls, settings: Settings, *, run_migrations: bool = True) -> PortalContext:
        engine = make_engine(settings)
        if run_migrations:
            migrate(engine)
        session_factory = make_sessionmaker(engine)
        # While the search engine is unavailable, searches are answered from SQL, saying so.
        search = ResilientSearch(
            open_backend(settings), SqlFallbackSearch(session_factory, settings.current_date)
        )
        return cls(settings=settings, engine=engine, session_factory=session_factory, search=search)

    def today(self) -> date:
        return self.settings.current_date()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A read session; views never write."""
        with self.session_factory() as session:
            yield session

    def close(self) -> None:
        self.search.close()
        self.engine.dispose()
