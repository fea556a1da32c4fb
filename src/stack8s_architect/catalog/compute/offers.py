"""Offer records as adapters produce them, and their merge into one row per offer key."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RawOffer:
    """One priced row of a source file, normalised but not yet de-duplicated across zones."""

    provider: str
    instance_type: str
    region: str
    zone: str | None
    accelerator_name: str | None
    accelerator_key: str | None
    accelerator_count: float
    vcpus: float | None
    memory_gib: float | None
    price_per_hour_usd: float | None
    spot_price_per_hour_usd: float | None
    upstream_provider: str | None = None
    country_hint: str | None = None  # primeintellect puts the country in Region
    network: str | None = None  # the instance's network as the source states it ("400 Gbps EFA")


@dataclass
class Offer:
    """One row of `compute_offers`: the cheapest price of an offer key across its zones."""

    provider: str
    instance_type: str
    region: str
    zones: list[str]
    accelerator_name: str | None
    accelerator_key: str | None
    accelerator_count: float
    vcpus: float | None
    memory_gib: float | None
    price_per_hour_usd: float | None
    spot_price_per_hour_usd: float | None
    upstream_provider: str | None = None
    country_hint: str | None = None
    network: str | None = None

    @property
    def key(self) -> tuple[str, str, str | None, float, str]:
        return (self.provider, self.instance_type, self.accelerator_key, self.accelerator_count, self.region)


@dataclass
class ParsedCatalog:
    """What an adapter read: merged offers, how many data rows it saw, and why it dropped rows."""

    offers: list[Offer]
    rows_read: int
    dropped: Counter[str] = field(default_factory=Counter)


def positive_price(text: str | float | None) -> float | None:
    """A price in USD/h, or None when empty, unparsable or ≤ 0 (a missing price, not a free one)."""
    if text is None or text == "":
        return None
    try:
        value = round(float(text), 6)  # strips float artifacts such as 0.36979999999999996
    except ValueError:
        return None
    return value if value > 0 else None


def _min(a: float | None, b: float | None) -> float | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)


def merge_offers(rows: Iterable[RawOffer]) -> list[Offer]:
    """Collapse duplicate rows per (provider, type, accelerator, count, region): zones unite, prices take the minimum."""
    merged: dict[tuple, Offer] = {}
    for row in rows:
        key = (row.provider, row.instance_type, row.accelerator_key, row.accelerator_count, row.region)
        offer = merged.get(key)
        if offer is None:
            merged[key] = Offer(
                provider=row.provider,
                instance_type=row.instance_type,
                region=row.region,
                zones=[row.zone] if row.zone else [],
                accelerator_name=row.accelerator_name,
                accelerator_key=row.accelerator_key,
                accelerator_count=row.accelerator_count,
                vcpus=row.vcpus,
                memory_gib=row.memory_gib,
                price_per_hour_usd=row.price_per_hour_usd,
                spot_price_per_hour_usd=row.spot_price_per_hour_usd,
                upstream_provider=row.upstream_provider,
                country_hint=row.country_hint,
                network=row.network,
            )
            continue
        if row.zone and row.zone not in offer.zones:
            offer.zones.append(row.zone)
        offer.price_per_hour_usd = _min(offer.price_per_hour_usd, row.price_per_hour_usd)
        offer.spot_price_per_hour_usd = _min(offer.spot_price_per_hour_usd, row.spot_price_per_hour_usd)
    for offer in merged.values():
        offer.zones.sort()
    return list(merged.values())
