"""Bookkeeping of catalog ingests: one row per source (current state) and one per run (history)."""

from sqlalchemy import BigInteger, Column, DateTime, Float, ForeignKey, Integer, Table, Text
from sqlalchemy.dialects.postgresql import JSONB

from stack8s_architect.core.schema import metadata

ingest_runs = Table(
    "ingest_runs",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("source_id", Text, nullable=False, index=True),
    Column("domain", Text, nullable=False),
    Column("origin", Text, nullable=False),  # "mirror" or "upstream"
    Column("commit", Text, nullable=False),
    Column("files", JSONB, nullable=False),  # [{path, sha256, bytes}]
    Column("content_sha256", Text, nullable=False),
    Column("status", Text, nullable=False),  # ingested | unchanged | failed
    Column("rows_read", Integer, nullable=False, server_default="0"),
    Column("rows_written", Integer, nullable=False, server_default="0"),
    Column("rows_dropped", JSONB, nullable=False, server_default="{}"),  # {reason: count}
    Column("error", Text),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=False),
    Column("duration_s", Float, nullable=False),
)

catalog_sources = Table(
    "catalog_sources",
    metadata,
    Column("source_id", Text, primary_key=True),
    Column("domain", Text, nullable=False),
    Column("origin", Text, nullable=False),
    Column("commit", Text, nullable=False),
    Column("content_sha256", Text, nullable=False),
    Column("rows", Integer, nullable=False),
    Column("catalog_date", Text),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
    Column("last_run_id", BigInteger, ForeignKey("ingest_runs.id"), nullable=False),
)
