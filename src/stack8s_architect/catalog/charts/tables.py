"""Chart knowledge base tables: records per source (replaced per source); the catalog joins them in memory."""

from sqlalchemy import BigInteger, Boolean, Column, Table, Text
from sqlalchemy.dialects.postgresql import JSONB

from stack8s_architect.core.schema import metadata

chart_packages = Table(
    "chart_packages", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("source_id", Text, nullable=False, index=True),
    Column("repository", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("origin", Text, nullable=False),
    Column("path", Text),
    Column("fields", JSONB, nullable=False),
    Column("resources", JSONB),
)
chart_versions = Table(
    "chart_versions", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("source_id", Text, nullable=False, index=True),
    Column("repository", Text, nullable=False),
    Column("chart", Text, nullable=False),
    Column("version", Text, nullable=False),
    Column("origin", Text, nullable=False),
    Column("app_version", Text),
    Column("created", Text),
    Column("prerelease", Boolean, nullable=False),
    Column("deprecated", Boolean, nullable=False),
    Column("digest", Text),
)
