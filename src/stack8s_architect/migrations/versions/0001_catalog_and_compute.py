"""Catalog bookkeeping, compute offers, and the pgvector extension.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS vector")
    op.create_table(
        "ingest_runs",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("source_id", sa.Text, nullable=False),
        sa.Column("domain", sa.Text, nullable=False),
        sa.Column("origin", sa.Text, nullable=False),
        sa.Column("commit", sa.Text, nullable=False),
        sa.Column("files", JSONB, nullable=False),
        sa.Column("content_sha256", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("rows_read", sa.Integer, nullable=False, server_default="0"),
        sa.Column("rows_written", sa.Integer, nullable=False, server_default="0"),
        sa.Column("rows_dropped", JSONB, nullable=False, server_default="{}"),
        sa.Column("error", sa.Text),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_s", sa.Float, nullable=False),
    )
    op.create_index("ix_ingest_runs_source_id", "ingest_runs", ["source_id"])
    op.create_table(
        "catalog_sources",
        sa.Column("source_id", sa.Text, primary_key=True),
        sa.Column("domain", sa.Text, nullable=False),
        sa.Column("origin", sa.Text, nullable=False),
        sa.Column("commit", sa.Text, nullable=False),
        sa.Column("content_sha256", sa.Text, nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("catalog_date", sa.Text),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_run_id", sa.BigInteger, sa.ForeignKey("ingest_runs.id"), nullable=False),
    )
    op.create_table(
        "compute_offers",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("source_id", sa.Text, nullable=False),
        sa.Column("provider", sa.Text, nullable=False),
        sa.Column("upstream_provider", sa.Text),
        sa.Column("instance_type", sa.Text, nullable=False),
        sa.Column("region", sa.Text, nullable=False),
        sa.Column("zones", ARRAY(sa.Text), nullable=False, server_default="{}"),
        sa.Column("country", sa.Text),
        sa.Column("city", sa.Text),
        sa.Column("geography", sa.Text, nullable=False),
        sa.Column("accelerator_key", sa.Text),
        sa.Column("accelerator_name", sa.Text),
        sa.Column("accelerator_count", sa.Float, nullable=False, server_default="0"),
        sa.Column("gpu_memory_gib", sa.Float),
        sa.Column("total_gpu_memory_gib", sa.Float),
        sa.Column("vcpus", sa.Float),
        sa.Column("memory_gib", sa.Float),
        sa.Column("price_per_hour_usd", sa.Float),
        sa.Column("spot_price_per_hour_usd", sa.Float),
        sa.Column("catalog_date", sa.Text),
    )
    op.create_index("ix_compute_offers_source", "compute_offers", ["source_id"])
    op.create_index(
        "ix_compute_offers_accelerator_price", "compute_offers", ["accelerator_key", "price_per_hour_usd"]
    )
    op.create_index(
        "ix_compute_offers_accelerator_spot", "compute_offers", ["accelerator_key", "spot_price_per_hour_usd"]
    )
    op.create_index(
        "ix_compute_offers_cpu_price",
        "compute_offers",
        ["price_per_hour_usd"],
        postgresql_where=sa.text("accelerator_key IS NULL"),
    )


def downgrade() -> None:
    op.drop_table("compute_offers")
    op.drop_table("catalog_sources")
    op.drop_table("ingest_runs")
