"""Alembic environment: migrations always run on a connection handed over by `Database.upgrade`."""

from alembic import context
from sqlalchemy import text


_MIGRATION_LOCK = 727_274_001  # pg_advisory_lock key: one migrator at a time across processes

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None, transaction_per_migration=False)
connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
with context.begin_transaction():
    context.run_migrations()
