"""All SQL of the compute catalog."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Float, delete, func, select
from sqlalchemy.orm import Session

from stack8s_architect.catalog.repository import checked_version
from stack8s_architect.catalog.compute.tables import compute_offers as offers
from stack8s_architect.catalog.tables import catalog_sources

COPY_COLUMNS = (
    "source_id", "provider", "upstream_provider", "instance_type", "region", "zones", "country", "city",
    "geography", "accelerator_key", "accelerator_name", "accelerator_count", "gpu_memory_gib",
    "total_gpu_memory_gib", "vcpus", "memory_gib", "price_per_hour_usd", "spot_price_per_hour_usd",
    "catalog_date", "network",
)
_COPY_BATCH = 2000


def replace_source_offers(
    session: Session, source_id: str, rows: Sequence[tuple], advance: Callable[[int], None]
) -> int:
    """Delete a source's offers and COPY the new rows, inside the session's transaction."""
    session.execute(delete(offers).where(offers.c.source_id == source_id))
    driver_connection = session.connection().connection.driver_connection
    statement = f"COPY compute_offers ({', '.join(COPY_COLUMNS)}) FROM STDIN"
    with driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
        for start in range(0, len(rows), _COPY_BATCH):
            batch = rows[start : start + _COPY_BATCH]
            for row in batch:
                copy.write_row(row)
            advance(len(batch))
    return len(rows)


_INDEX_COLUMNS = (
    "id", "provider", "instance_type", "region", "country", "geography", "accelerator_key", "accelerator_count",
    "gpu_memory_gib", "total_gpu_memory_gib", "vcpus", "memory_gib", "price_per_hour_usd",
    "spot_price_per_hour_usd",
)


def index_rows(session: Session) -> list[dict[str, Any]]:
    """The columns the in-memory search index needs, for every offer."""
    statement = select(*(offers.c[name] for name in _INDEX_COLUMNS)).order_by(offers.c.id)
    return [dict(row) for row in session.execute(statement).mappings()]


def offers_by_ids(session: Session, ids: Sequence[int]) -> list[dict[str, Any]]:
    """Full rows for `ids`, in the order given."""
    if not ids:
        return []
    rows = {row["id"]: dict(row) for row in session.execute(select(offers).where(offers.c.id.in_(ids))).mappings()}
    return [rows[i] for i in ids if i in rows]


@checked_version
def catalog_version(session: Session) -> int:
    """Changes whenever any compute source is (re)ingested: the newest successful run id."""
    statement = select(func.coalesce(func.max(catalog_sources.c.last_run_id), 0)).where(
        catalog_sources.c.domain == "compute"
    )
    return int(session.execute(statement).scalar_one())


def accelerator_stats(session: Session) -> list[dict[str, Any]]:
    """Per accelerator key: offer count, providers, and price ranges (instance and per GPU)."""
    per_gpu = offers.c.price_per_hour_usd / func.nullif(offers.c.accelerator_count, 0)
    statement = (
        select(
            offers.c.accelerator_key.label("key"),
            func.count().label("offers"),
            func.array_agg(offers.c.provider.distinct()).label("providers"),
            func.min(offers.c.price_per_hour_usd).label("min_price_per_hour_usd"),
            func.max(offers.c.price_per_hour_usd).label("max_price_per_hour_usd"),
            func.min(per_gpu).cast(Float).label("min_price_per_gpu_hour_usd"),
        )
        .where(offers.c.accelerator_key.isnot(None))
        .group_by(offers.c.accelerator_key)
    )
    return [dict(row) for row in session.execute(statement).mappings()]


def accelerator_keys(session: Session) -> list[str]:
    statement = select(offers.c.accelerator_key).where(offers.c.accelerator_key.isnot(None)).distinct()
    return sorted(session.execute(statement).scalars())


def count_offers(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(offers)).scalar_one())


