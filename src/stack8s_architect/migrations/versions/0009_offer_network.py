"""Compute offers keep the network the source states for an instance ("3200 Gbps EFAv2"), so multi-node training can
prefer instances with a fast fabric between them.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("compute_offers", sa.Column("network", sa.Text))


def downgrade() -> None:
    op.drop_column("compute_offers", "network")
