"""Drop the PostgreSQL full-text columns: lexical model search moved to an in-memory BM25 index.

Filling them cost every model rebuild two full-table updates for nothing.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import TSVECTOR

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_model_chunks_tsv", table_name="model_chunks")
    op.drop_column("model_chunks", "tsv")
    op.drop_index("ix_models_search_text", table_name="models")
    op.drop_column("models", "search_text")


def downgrade() -> None:
    op.add_column("models", sa.Column("search_text", TSVECTOR))
    op.create_index("ix_models_search_text", "models", ["search_text"], postgresql_using="gin")
    op.add_column("model_chunks", sa.Column("tsv", TSVECTOR))
    op.create_index("ix_model_chunks_tsv", "model_chunks", ["tsv"], postgresql_using="gin")
