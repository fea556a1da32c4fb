"""Database URLs and migrations: an external server goes through the same code as the embedded one."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from stack8s_architect.core.database import Database, normalise_url
from stack8s_architect.core.settings import Settings


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://u:p@db:5432/a", "postgresql+psycopg://u:p@db:5432/a"),
        ("postgres://u@db/a", "postgresql+psycopg://u@db/a"),
        ("postgresql+psycopg://u@/a?host=/tmp/s", "postgresql+psycopg://u@/a?host=%2Ftmp%2Fs"),
    ],
)
def test_any_postgres_scheme_uses_psycopg3(url: str, expected: str) -> None:
    assert normalise_url(url) == expected


def test_database_url_opens_that_server_and_migrates_it(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = database.url.replace("postgresql+psycopg://", "postgresql://")
    monkeypatch.setenv("DATABASE_URL", plain)
    opened = Database.open(Settings.load())
    try:
        assert opened.embedded is None
        opened.upgrade()
        opened.upgrade()  # idempotent
        tables = set(inspect(opened.engine).get_table_names())
        assert {"compute_offers", "catalog_sources", "ingest_runs", "alembic_version"} <= tables
        with opened.engine.connect() as connection:
            assert connection.execute(text("SELECT extname FROM pg_extension WHERE extname = 'vector'")).scalar() == "vector"
    finally:
        opened.close()


def test_the_migrations_create_every_table_column_and_index_the_code_declares(database: Database) -> None:
    from stack8s_architect.core.schema import metadata

    inspector = inspect(database.engine)
    for table in metadata.sorted_tables:
        assert {c["name"] for c in inspector.get_columns(table.name)} >= {c.name for c in table.columns}, table.name
        declared = {index.name for index in table.indexes}
        assert declared <= {index["name"] for index in inspector.get_indexes(table.name)}, table.name


def test_a_turn_claim_reads_only_leased_conversations(database: Database) -> None:
    """The per-user count of turns under way must not scan the owner's whole history."""
    with database.session() as session:
        session.execute(text("SET LOCAL enable_seqscan = off"))  # a table this small might be read whole anyway
        plan = "\n".join(session.execute(text(
            "EXPLAIN SELECT count(*) FROM conversations WHERE user_id = 'local' AND turn_until > clock_timestamp()"
        )).scalars())
    assert "ix_conversations_leased_user_id" in plan, plan


def test_session_rolls_back_on_error(database: Database) -> None:
    with database.session() as session:
        session.execute(text("CREATE TABLE scratch (id int)"))
    with pytest.raises(RuntimeError), database.session() as session:
        session.execute(text("INSERT INTO scratch VALUES (1)"))
        raise RuntimeError("midway")
    with database.session() as session:
        assert session.execute(text("SELECT count(*) FROM scratch")).scalar() == 0


def test_a_pooled_connection_the_server_dropped_is_replaced(database: Database, monkeypatch) -> None:  # noqa: ANN001
    """The server restarted (or failed over) while a connection sat in the pool: the next session gets a live one
    instead of an error, because a connection idle for over PING_AFTER_IDLE_S is checked before use."""
    from sqlalchemy import text as sql

    from stack8s_architect.core import database as module

    monkeypatch.setattr(module, "PING_AFTER_IDLE_S", 0.0)
    with database.engine.connect() as other:  # a second connection, to end the first one's backend with
        with database.session() as session:
            pid = session.execute(sql("SELECT pg_backend_pid()")).scalar_one()
        # the first connection is back in the pool; the server drops it
        assert other.execute(sql("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one()
        other.commit()
    for _ in range(3):
        with database.session() as session:
            assert session.execute(sql("SELECT 1")).scalar_one() == 1
