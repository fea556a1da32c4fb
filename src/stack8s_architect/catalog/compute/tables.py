"""The compute offers table: one row per (provider, instance type, accelerator, region)."""

from sqlalchemy import BigInteger, Column, Float, Index, Table, Text, text
from sqlalchemy.dialects.postgresql import ARRAY

from stack8s_architect.core.schema import metadata

compute_offers = Table(
    "compute_offers",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("source_id", Text, nullable=False),
    Column("provider", Text, nullable=False),
    Column("upstream_provider", Text),  # the cloud a reseller (shadeform, primeintellect) resells
    Column("instance_type", Text, nullable=False),
    Column("region", Text, nullable=False),
    Column("zones", ARRAY(Text), nullable=False, server_default="{}"),
    Column("country", Text),
    Column("city", Text),
    Column("geography", Text, nullable=False),
    Column("accelerator_key", Text),
    Column("accelerator_name", Text),  # as the source spells it
    Column("accelerator_count", Float, nullable=False, server_default="0"),
    Column("gpu_memory_gib", Float),
    Column("total_gpu_memory_gib", Float),
    Column("vcpus", Float),
    Column("memory_gib", Float),
    Column("price_per_hour_usd", Float),
    Column("spot_price_per_hour_usd", Float),
    Column("catalog_date", Text),
    Column("network", Text),  # the instance's network as the source states it: "3200 Gbps EFAv2" (AWS only)
    Index("ix_compute_offers_source", "source_id"),
    Index("ix_compute_offers_accelerator_price", "accelerator_key", "price_per_hour_usd"),
    Index("ix_compute_offers_accelerator_spot", "accelerator_key", "spot_price_per_hour_usd"),
    Index(
        "ix_compute_offers_cpu_price",
        "price_per_hour_usd",
        postgresql_where=text("accelerator_key IS NULL"),
    ),
)
