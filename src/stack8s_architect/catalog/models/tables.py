"""Model knowledge base tables: raw per-source records (replaced per source) and the merged records."""

from sqlalchemy import BigInteger, Boolean, Column, Float, Index, Integer, Table, Text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from pgvector.sqlalchemy import Vector

from stack8s_architect.core.schema import metadata

EMBEDDING_DIMENSIONS = 384

# -- raw, per source ------------------------------------------------------------------------------
model_facts = Table(
    "model_facts", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("source_id", Text, nullable=False, index=True),
    Column("raw_id", Text, nullable=False),
    Column("id_kind", Text, nullable=False),
    Column("fields", JSONB, nullable=False),
    Column("observed_on", Text),
    Column("exactness", Integer, nullable=False),
)
model_signals = Table(
    "model_signals", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("source_id", Text, nullable=False, index=True),
    Column("raw_id", Text, nullable=False),
    Column("id_kind", Text, nullable=False),
    Column("metric", Text, nullable=False),
    Column("value", Float, nullable=False),
    Column("higher_is_better", Boolean, nullable=False),
    Column("task", Text, nullable=False),
    Column("detail", Text, nullable=False, server_default=""),
)
model_variants = Table(
    "model_variants", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("source_id", Text, nullable=False, index=True),
    Column("raw_id", Text, nullable=False),
    Column("base_raw_id", Text),
    Column("format", Text, nullable=False),
    Column("quantization", Text),
    Column("size_bytes", BigInteger),
    Column("context_length", Integer),
)
model_cards = Table(
    "model_cards", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("source_id", Text, nullable=False, index=True),
    Column("raw_id", Text, nullable=False),
    Column("id_kind", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("observed_on", Text),
)

# -- merged ---------------------------------------------------------------------------------------
models = Table(
    "models", metadata,
    Column("key", Text, primary_key=True),
    Column("id", Text, nullable=False),
    Column("family", Text),
    Column("task", Text, nullable=False),
    Column("domain", Text, nullable=False),
    Column("params_total", Float),
    Column("params_active", Float),
    Column("architecture_config", JSONB),
    Column("context_length", Integer),
    Column("license_id", Text, nullable=False),
    Column("license_name", Text, nullable=False),
    Column("commercial_use", Text, nullable=False),
    Column("gated", Boolean),
    Column("downloads", BigInteger),
    Column("likes", BigInteger),
    Column("created_at", Text),
    Column("modified_at", Text),
    Column("base_model", Text),
    Column("library", Text),
    Column("tags", ARRAY(Text), nullable=False, server_default="{}"),
    Column("description", Text),
    Column("quality", JSONB, nullable=False, server_default="[]"),
    Column("variants", JSONB, nullable=False, server_default="[]"),
    Column("provenance", JSONB, nullable=False, server_default="{}"),
    Column("sources", ARRAY(Text), nullable=False, server_default="{}"),
    Column("search_document", Text),  # the words lexical search indexes: id, family, task, tags, description
    Index("ix_models_task", "task"),
)
model_chunks = Table(
    "model_chunks", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("model_key", Text, nullable=False, index=True),
    Column("chunk_no", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("content_hash", Text, nullable=False, index=True),
    Column("embedding", Vector(EMBEDDING_DIMENSIONS)),
)
embedding_cache = Table(
    "embedding_cache", metadata,
    Column("content_hash", Text, primary_key=True),
    Column("embedding", Vector(EMBEDDING_DIMENSIONS), nullable=False),
)
