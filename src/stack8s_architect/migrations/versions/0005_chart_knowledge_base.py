"""Chart knowledge base: chart packages and released versions, per source.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chart_packages",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("source_id", sa.Text, nullable=False),
        sa.Column("repository", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("origin", sa.Text, nullable=False),
        sa.Column("path", sa.Text),
        sa.Column("fields", JSONB, nullable=False),
        sa.Column("resources", JSONB),
    )
    op.create_index("ix_chart_packages_source_id", "chart_packages", ["source_id"])
    op.create_table(
        "chart_versions",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("source_id", sa.Text, nullable=False),
        sa.Column("repository", sa.Text, nullable=False),
        sa.Column("chart", sa.Text, nullable=False),
        sa.Column("version", sa.Text, nullable=False),
        sa.Column("origin", sa.Text, nullable=False),
        sa.Column("app_version", sa.Text),
        sa.Column("created", sa.Text),
        sa.Column("prerelease", sa.Boolean, nullable=False),
        sa.Column("deprecated", sa.Boolean, nullable=False),
        sa.Column("digest", sa.Text),
    )
    op.create_index("ix_chart_versions_source_id", "chart_versions", ["source_id"])


def downgrade() -> None:
    op.drop_table("chart_versions")
    op.drop_table("chart_packages")
