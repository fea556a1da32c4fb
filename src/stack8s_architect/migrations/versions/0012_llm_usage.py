"""LLM tokens spent per user and UTC day: the per-user cost budget of turns (ARCHITECT_LLM_TOKENS_PER_USER_DAY).

One row per user and day, added to by one upsert after each turn that called the LLM; every service process reads
the same row, so the budget holds across workers and replicas.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "llm_usage",
        sa.Column("user_id", sa.Text, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("tokens", sa.BigInteger, nullable=False),
        sa.Column("calls", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("llm_usage")
