"""One row per offer key: a duplicate write fails loudly instead of doubling a catalog.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "CREATE UNIQUE INDEX uq_compute_offers_key ON compute_offers "
        "(source_id, provider, instance_type, coalesce(accelerator_key, ''), accelerator_count, region)"
    )


def downgrade() -> None:
    op.drop_index("uq_compute_offers_key", table_name="compute_offers")
