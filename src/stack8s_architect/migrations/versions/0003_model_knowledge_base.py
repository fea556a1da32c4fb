"""Model knowledge base: raw per-source records, merged models, card chunks with vectors.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op
from pgvector.sqlalchemy import Vector
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_DIMENSIONS = 384


def _raw(name: str, *columns: sa.Column) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("source_id", sa.Text, nullable=False),
        sa.Column("raw_id", sa.Text, nullable=False),
        *columns,
    )
    op.create_index(f"ix_{name}_source_id", name, ["source_id"])


def upgrade() -> None:
    _raw("model_facts", sa.Column("id_kind", sa.Text, nullable=False), sa.Column("fields", JSONB, nullable=False),
         sa.Column("observed_on", sa.Text), sa.Column("exactness", sa.Integer, nullable=False))
    _raw("model_signals", sa.Column("id_kind", sa.Text, nullable=False), sa.Column("metric", sa.Text, nullable=False),
         sa.Column("value", sa.Float, nullable=False), sa.Column("higher_is_better", sa.Boolean, nullable=False),
         sa.Column("task", sa.Text, nullable=False), sa.Column("detail", sa.Text, nullable=False, server_default=""))
    _raw("model_variants", sa.Column("base_raw_id", sa.Text), sa.Column("format", sa.Text, nullable=False),
         sa.Column("quantization", sa.Text), sa.Column("size_bytes", sa.BigInteger), sa.Column("context_length", sa.Integer))
    _raw("model_cards", sa.Column("id_kind", sa.Text, nullable=False), sa.Column("text", sa.Text, nullable=False),
         sa.Column("observed_on", sa.Text))
    op.create_table(
        "models",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("id", sa.Text, nullable=False),
        sa.Column("family", sa.Text),
        sa.Column("task", sa.Text, nullable=False),
        sa.Column("domain", sa.Text, nullable=False),
        sa.Column("params_total", sa.Float),
        sa.Column("params_active", sa.Float),
        sa.Column("architecture_config", JSONB),
        sa.Column("context_length", sa.Integer),
        sa.Column("license_id", sa.Text, nullable=False),
        sa.Column("license_name", sa.Text, nullable=False),
        sa.Column("commercial_use", sa.Text, nullable=False),
        sa.Column("gated", sa.Boolean),
        sa.Column("downloads", sa.BigInteger),
        sa.Column("likes", sa.BigInteger),
        sa.Column("created_at", sa.Text),
        sa.Column("modified_at", sa.Text),
        sa.Column("base_model", sa.Text),
        sa.Column("library", sa.Text),
        sa.Column("tags", ARRAY(sa.Text), nullable=False, server_default="{}"),
        sa.Column("description", sa.Text),
        sa.Column("quality", JSONB, nullable=False, server_default="[]"),
        sa.Column("variants", JSONB, nullable=False, server_default="[]"),
        sa.Column("provenance", JSONB, nullable=False, server_default="{}"),
        sa.Column("sources", ARRAY(sa.Text), nullable=False, server_default="{}"),
        sa.Column("search_document", sa.Text),
        sa.Column("search_text", TSVECTOR),
    )
    op.create_index("ix_models_search_text", "models", ["search_text"], postgresql_using="gin")
    op.create_index("ix_models_task", "models", ["task"])
    op.create_table(
        "model_chunks",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("model_key", sa.Text, nullable=False),
        sa.Column("chunk_no", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("content_hash", sa.Text, nullable=False),
        sa.Column("tsv", TSVECTOR),
        sa.Column("embedding", Vector(_DIMENSIONS)),
    )
    op.create_index("ix_model_chunks_model_key", "model_chunks", ["model_key"])
    op.create_index("ix_model_chunks_content_hash", "model_chunks", ["content_hash"])
    op.create_index("ix_model_chunks_tsv", "model_chunks", ["tsv"], postgresql_using="gin")
    op.execute(
        "CREATE INDEX ix_model_chunks_embedding ON model_chunks USING hnsw (embedding vector_cosine_ops)"
    )
    op.create_table(
        "embedding_cache",
        sa.Column("content_hash", sa.Text, primary_key=True),
        sa.Column("embedding", Vector(_DIMENSIONS), nullable=False),
    )


def downgrade() -> None:
    for table in ("embedding_cache", "model_chunks", "models", "model_cards", "model_variants", "model_signals",
                  "model_facts"):
        op.drop_table(table)
