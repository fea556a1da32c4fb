"""SQL for ingest bookkeeping: the current state per source and the history of runs."""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import func, insert, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from stack8s_architect.catalog.tables import catalog_sources, ingest_runs


V = TypeVar("V")
# How long a process trusts the catalog version it read: a sync done by another process (another worker, a replica,
# `architect data sync`) is seen within this; one done by this process at once (`forget_versions`).
VERSION_CHECK_S = 1.0
_VERSIONS: dict[tuple[str, str], tuple[float, Any]] = {}
_VERSIONS_LOCK = threading.Lock()


@functools.lru_cache(maxsize=64)
def _engine_key(engine: Any) -> str:
    return str(engine.url)


def database_key(session: Session) -> str:
    """The database a session talks to, as the key of a process's catalog caches (rendering the URL takes longer
    than the lookups it keys, and a plan asks a few dozen times)."""
    return _engine_key(session.get_bind())


def checked_version(read: Callable[[Session], V]) -> Callable[[Session], V]:
    """A catalog version function read from the database at most every VERSION_CHECK_S per process and database: a
    plan asks for the versions of its catalogs a dozen times, and each read is a round trip (the models' a count)."""
    @functools.wraps(read)
    def cached(session: Session) -> V:
        key = (read.__module__ + "." + read.__qualname__, database_key(session))
        now = time.monotonic()
        with _VERSIONS_LOCK:
            hit = _VERSIONS.get(key)
        if hit is not None and now - hit[0] < VERSION_CHECK_S:
            return hit[1]
        value = read(session)
        with _VERSIONS_LOCK:
            _VERSIONS[key] = (now, value)
        return value
    return cached


def forget_versions() -> None:
    """After this process changed a catalog: the next read of any version goes to the database."""
    with _VERSIONS_LOCK:
        _VERSIONS.clear()


def lock_source(session: Session, source_id: str) -> None:
    """Transaction-scoped lock serialising writers of one source across processes."""
    session.execute(text("SELECT pg_advisory_xact_lock(727274002, hashtext(:source_id))"), {"source_id": source_id})


def source_state(session: Session, source_id: str) -> dict[str, Any] | None:
    row = session.execute(select(catalog_sources).where(catalog_sources.c.source_id == source_id)).mappings().first()
    return dict(row) if row else None


def record_run(session: Session, **values: Any) -> int:
    return int(session.execute(insert(ingest_runs).values(**values).returning(ingest_runs.c.id)).scalar_one())


def save_source_state(session: Session, **values: Any) -> None:
    statement = pg_insert(catalog_sources).values(**values)
    updates = {name: statement.excluded[name] for name in values if name != "source_id"}
    session.execute(statement.on_conflict_do_update(index_elements=["source_id"], set_=updates))


def list_source_states(session: Session) -> list[dict[str, Any]]:
    return [dict(row) for row in session.execute(select(catalog_sources).order_by(catalog_sources.c.source_id)).mappings()]


def latest_runs(session: Session) -> dict[str, dict[str, Any]]:
    """The newest run of every source (whatever its status)."""
    newest = (
        select(ingest_runs.c.source_id, func.max(ingest_runs.c.id).label("id"))
        .group_by(ingest_runs.c.source_id)
        .subquery()
    )
    rows = session.execute(select(ingest_runs).join(newest, newest.c.id == ingest_runs.c.id)).mappings()
    return {row["source_id"]: dict(row) for row in rows}


def now(session: Session) -> datetime:
    return session.execute(select(func.now())).scalar_one()
