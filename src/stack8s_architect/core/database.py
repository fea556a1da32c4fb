"""Database engine, sessions and migrations — the same code for the embedded and an external server."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from stack8s_architect.core.embedded_postgres import EmbeddedPostgres
from stack8s_architect.core.errors import DatabaseUnavailableError
from stack8s_architect.core.logging import get_logger
from stack8s_architect.core.settings import Settings

log = get_logger(__name__)

_MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def normalise_url(url: str) -> str:
    """Use psycopg 3 whatever PostgreSQL scheme the user wrote."""
    parsed = make_url(url)
    if parsed.drivername in {"postgres", "postgresql"}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


PING_AFTER_IDLE_S = 10.0


def _ping_when_idle(engine: Engine) -> None:
    """A pooled connection idle for over PING_AFTER_IDLE_S is checked (SELECT 1) before use, and replaced when the
    server is gone (restarted, failed over): SQLAlchemy's pool_pre_ping checks every checkout, a round trip on each
    of the few sessions every request opens; a connection back in the pool a moment ago is alive."""
    @event.listens_for(engine, "checkin")
    def checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < PING_AFTER_IDLE_S:
            return
        try:
            dbapi_connection.execute("SELECT 1")
            dbapi_connection.rollback()
        except Exception as exc:  # noqa: BLE001  (any failure: this connection is dead; the pool makes a new one)
            raise DisconnectionError(f"the pooled connection is gone: {exc}") from exc


class Database:
    """An engine plus a session factory; `session()` commits on success and rolls back on error."""

    def __init__(self, url: str, *, embedded: EmbeddedPostgres | None = None):
        self.url = normalise_url(url)
        self.embedded = embedded
        # The service runs requests on up to 40 worker threads (anyio's default), each holding at most one
        # connection at a time: the pool covers them all. Connecting gives up after 10 s (DATABASE_URL
        # pointing at a dead host fails fast instead of hanging).
        self.engine: Engine = create_engine(
            self.url, pool_size=20, max_overflow=30, pool_timeout=60, connect_args={"connect_timeout": 10},
        )
        _ping_when_idle(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @classmethod
    def open(cls, settings: Settings) -> Database:
        """Connect to DATABASE_URL, or start (or reuse) the embedded server."""
        if settings.database.url is not None:
            return cls(settings.database.url.get_secret_value())
        embedded = EmbeddedPostgres(settings.data.home)
        return cls(embedded.start(), embedded=embedded)

    @contextmanager
    def session(self) -> Iterator[Session]:
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def upgrade(self) -> None:
        """Apply the Alembic migrations up to head (serialised by an advisory lock)."""
        try:
            with self.engine.begin() as connection:
                config = alembic_config()
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
        except OperationalError as exc:
            where = "the embedded server" if self.embedded else "the server in DATABASE_URL"
            raise DatabaseUnavailableError(f"Cannot reach {where} to migrate it: {exc.orig}") from exc

    def ping(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            return True
        except OperationalError:
            return False

    def close(self) -> None:
        self.engine.dispose()
        if self.embedded is not None:
            self.embedded.stop()


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    return config
