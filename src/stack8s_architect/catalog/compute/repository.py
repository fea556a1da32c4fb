"""All SQL of the compute catalog."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, and_, delete, func, select
from sqlalchemy.orm import Session

from stack8s_architect.catalog.compute.tables import compute_offers as offers

COPY_COLUMNS = (
    "source_id", "provider", "upstream_provider", "instance_type", "region", "zones", "country", "city",
    "geography", "accelerator_key", "accelerator_name", "accelerator_count", "gpu_memory_gib",
    "total_gpu_memory_gib", "vcpus", "memory_gib", "price_per_hour_usd", "spot_price_per_hour_usd",
    "catalog_date",
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


@dataclass(frozen=True)
class OfferFilter:
    """Resolved search filters (names already normalised by the service)."""

    accelerator_keys: tuple[str, ...] = ()
    kind: str = "gpu"  # gpu | cpu | any
    min_count: float | None = None
    max_count: float | None = None
    min_gpu_memory_gib: float | None = None
    min_total_gpu_memory_gib: float | None = None
    providers: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    max_hourly_usd: float | None = None
    spot: bool = False
    min_vcpus: float | None = None
    min_memory_gib: float | None = None


def _conditions(f: OfferFilter, hourly: Any) -> list[Any]:
    c = offers.c
    conditions: list[Any] = [hourly.isnot(None)]
    if f.kind == "gpu":
        conditions.append(c.accelerator_key.isnot(None))
    elif f.kind == "cpu":
        conditions.append(c.accelerator_key.is_(None))
    optional = [
        (f.accelerator_keys, lambda: c.accelerator_key.in_(f.accelerator_keys)),
        (f.min_count is not None, lambda: c.accelerator_count >= f.min_count),
        (f.max_count is not None, lambda: c.accelerator_count <= f.max_count),
        (f.min_gpu_memory_gib is not None, lambda: c.gpu_memory_gib >= f.min_gpu_memory_gib),
        (f.min_total_gpu_memory_gib is not None, lambda: c.total_gpu_memory_gib >= f.min_total_gpu_memory_gib),
        (f.providers, lambda: c.provider.in_(f.providers)),
        (f.regions, lambda: c.region.in_(f.regions)),
        (f.countries, lambda: c.country.in_(f.countries)),
        (f.max_hourly_usd is not None, lambda: hourly <= f.max_hourly_usd),
        (f.min_vcpus is not None, lambda: c.vcpus >= f.min_vcpus),
        (f.min_memory_gib is not None, lambda: c.memory_gib >= f.min_memory_gib),
    ]
    conditions.extend(build() for wanted, build in optional if wanted)
    return conditions


def search(
    session: Session, f: OfferFilter, *, group_by_instance_type: bool, limit: int
) -> tuple[list[dict[str, Any]], int]:
    """Offers matching `f`, cheapest first; optionally only the cheapest region per instance type.

    Ties break on more GPU memory, more vCPUs, then provider, instance type and region names,
    so the same query on the same catalog always returns the same list.
    """
    hourly = offers.c.spot_price_per_hour_usd if f.spot else offers.c.price_per_hour_usd
    base = select(offers, hourly.label("hourly_usd")).where(and_(*_conditions(f, hourly)))
    if group_by_instance_type:
        group = (offers.c.provider, offers.c.instance_type, offers.c.accelerator_key, offers.c.accelerator_count)
        base = base.distinct(*group).order_by(*group, hourly, offers.c.region)
    ranked = base.subquery()
    columns = ranked.c
    statement = (
        select(ranked, func.count().over().label("total"))
        .order_by(
            columns.hourly_usd,
            columns.gpu_memory_gib.desc().nulls_last(),
            columns.vcpus.desc().nulls_last(),
            columns.provider,
            columns.instance_type,
            columns.region,
        )
        .limit(limit)
    )
    rows = [dict(row) for row in session.execute(statement).mappings()]
    total = int(rows[0]["total"]) if rows else 0
    return rows, total


def existing_regions(session: Session, regions: Sequence[str]) -> set[str]:
    statement = select(offers.c.region).where(offers.c.region.in_(regions)).distinct()
    return set(session.execute(statement).scalars())


def all_regions(session: Session) -> list[str]:
    return list(session.execute(select(offers.c.region).distinct().order_by(offers.c.region)).scalars())


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


