"""State that every service process shares, so several workers and replicas behave as one service:

- `rate_buckets`: one token bucket per user (or client address) taken by one atomic statement, so a limit holds
  across processes. UNLOGGED: buckets are worth nothing after a crash, and skipping the WAL keeps a request cheap.
- `conversations.turn_token` / `turn_until`: the lease of the turn being answered. A turn claims its conversation in
  one statement, answers with no lock or transaction held (an LLM call may take seconds), and writes its answer only
  while the lease is still its own; a second turn waits for the lease, in any process.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_buckets",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("level", sa.Float, nullable=False),
        sa.Column("allowed", sa.Boolean, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        prefixes=["UNLOGGED"],
    )
    op.create_index("ix_rate_buckets_updated_at", "rate_buckets", ["updated_at"])
    op.add_column("conversations", sa.Column("turn_token", sa.Text))
    op.add_column("conversations", sa.Column("turn_until", sa.DateTime(timezone=True)))


def downgrade() -> None:
    op.drop_column("conversations", "turn_until")
    op.drop_column("conversations", "turn_token")
    op.drop_index("ix_rate_buckets_updated_at", table_name="rate_buckets")
    op.drop_table("rate_buckets")
