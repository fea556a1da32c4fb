"""An in-memory column index over the offers, so a search is a few vectorised masks, not a sort in SQL.

Why: grouping the cheapest region per instance type over ~90k rows costs PostgreSQL a full sort
(tens of ms for CPU queries). The index keeps only numeric columns and row ids (a few MB); the
rows a search returns are then read back from the database by id. It is rebuilt when the compute
catalog's version (the newest ingest run) changes, so every process sees other processes' syncs.

Ranking, as in the SQL it replaces: hourly price ascending, then more GPU memory, more vCPUs, then
provider, instance type and region names. With grouping, the first row of each (provider, instance
type, accelerator, count) in that order is kept — its cheapest region.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np


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
    geographies: tuple[str, ...] = ()  # offers placed on a continent but in no known country
    max_hourly_usd: float | None = None
    spot: bool = False
    min_vcpus: float | None = None
    min_memory_gib: float | None = None


def _codes(values: Sequence[str | None]) -> tuple[np.ndarray, dict[str, int]]:
    """Strings → int codes (-1 for None) and the vocabulary."""
    vocabulary: dict[str, int] = {}
    codes = np.fromiter(
        (-1 if v is None else vocabulary.setdefault(v, len(vocabulary)) for v in values), dtype=np.int32, count=len(values)
    )
    return codes, vocabulary


def _floats(values: Sequence[float | None]) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


@dataclass
class OfferIndex:
    version: int
    ids: np.ndarray
    accelerator: np.ndarray
    accelerators: dict[str, int]
    provider: np.ndarray
    providers: dict[str, int]
    region: np.ndarray
    regions: dict[str, int]
    country: np.ndarray
    countries: dict[str, int]
    geography: np.ndarray
    geographies_seen: dict[str, int]
    group: np.ndarray
    count: np.ndarray
    gpu_memory: np.ndarray
    total_gpu_memory: np.ndarray
    vcpus: np.ndarray
    memory: np.ndarray
    price: np.ndarray
    spot: np.ndarray
    order_on_demand: np.ndarray
    order_spot: np.ndarray

    @classmethod
    def build(cls, version: int, rows: Sequence[dict[str, Any]]) -> OfferIndex:
        column = lambda name: [row[name] for row in rows]  # noqa: E731
        accelerator, accelerators = _codes(column("accelerator_key"))
        provider, providers = _codes(column("provider"))
        region, regions = _codes(column("region"))
        country, countries = _codes(column("country"))
        geography, geographies_seen = _codes(column("geography"))
        group, _ = _codes(
            [f"{r['provider']}\x1f{r['instance_type']}\x1f{r['accelerator_key']}\x1f{r['accelerator_count']}" for r in rows]
        )
        floats = {name: _floats(column(name)) for name in (
            "accelerator_count", "gpu_memory_gib", "total_gpu_memory_gib", "vcpus", "memory_gib",
            "price_per_hour_usd", "spot_price_per_hour_usd")}
        names = [(r["provider"], r["instance_type"], r["region"]) for r in rows]
        ids = np.array(column("id"), dtype=np.int64)
        accelerator_names = np.array([key or "" for key in column("accelerator_key")])
        return cls(
            version=version, ids=ids,
            accelerator=accelerator, accelerators=accelerators, provider=provider, providers=providers,
            region=region, regions=regions, country=country, countries=countries, geography=geography,
            geographies_seen=geographies_seen, group=group,
            count=floats["accelerator_count"], gpu_memory=floats["gpu_memory_gib"],
            total_gpu_memory=floats["total_gpu_memory_gib"], vcpus=floats["vcpus"], memory=floats["memory_gib"],
            price=floats["price_per_hour_usd"], spot=floats["spot_price_per_hour_usd"],
            order_on_demand=_rank_order(floats["price_per_hour_usd"], floats, names, ids, accelerator_names),
            order_spot=_rank_order(floats["spot_price_per_hour_usd"], floats, names, ids, accelerator_names),
        )

    def search(self, f: OfferFilter, *, group_by_instance_type: bool, limit: int) -> tuple[list[int], int]:
        """Ids of the best `limit` matching offers in rank order, and how many matched in all. Asked for named
        accelerators (a plan's searches mostly are), only those accelerators' rows are filtered."""
        hourly = self.spot if f.spot else self.price
        if f.accelerator_keys:
            rows = self._ranked_rows(f.spot, [self.accelerators[k] for k in f.accelerator_keys
                                              if k in self.accelerators])
            ordered = rows[self._mask(f, hourly, rows)]
        else:
            ordered = self.order_spot if f.spot else self.order_on_demand
            ordered = ordered[self._mask(f, hourly)[ordered]]
        if group_by_instance_type and ordered.size:
            ordered = ordered[_first_of_each(self.group[ordered])]
        return [int(i) for i in self.ids[ordered[:limit]]], int(ordered.size)

    def _ranked_rows(self, spot: bool, codes: list[int]) -> np.ndarray:
        """The rows of these accelerators in rank order (each accelerator's made once per index, in memory)."""
        cache = self.__dict__.setdefault("_partitions", {})
        if spot not in cache:
            order = self.order_spot if spot else self.order_on_demand
            rank = np.empty_like(order)
            rank[order] = np.arange(order.size)
            by_code: dict[int, list[int]] = {}
            for position in order[self.accelerator[order] >= 0]:
                by_code.setdefault(int(self.accelerator[position]), []).append(int(position))
            cache[spot] = (rank, {code: np.array(rows, dtype=np.int64) for code, rows in by_code.items()})
        rank, by_code = cache[spot]
        parts = [by_code[code] for code in codes if code in by_code]
        if not parts:
            return np.array([], dtype=np.int64)
        if len(parts) == 1:
            return parts[0]
        rows = np.concatenate(parts)
        return rows[np.argsort(rank[rows], kind="stable")]

    def _mask(self, f: OfferFilter, hourly: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """Which offers pass `f`: over every row, or over `rows` only (then the mask is theirs, in their order)."""
        def at(column: np.ndarray) -> np.ndarray:
            return column if rows is None else column[rows]

        with np.errstate(invalid="ignore"):  # NaN (NULL) compares false, as in SQL
            price = at(hourly)
            mask = ~np.isnan(price)
            if f.kind == "gpu":
                mask &= at(self.accelerator) >= 0
            elif f.kind == "cpu":
                mask &= at(self.accelerator) < 0
            for values, codes, vocabulary in (
                (f.accelerator_keys, self.accelerator, self.accelerators),
                (f.providers, self.provider, self.providers),
                (f.regions, self.region, self.regions),
            ):
                if values:
                    mask &= _isin(at(codes), vocabulary, values)
            if f.countries or f.geographies:
                country = at(self.country)
                placed = _isin(country, self.countries, f.countries)
                mask &= placed | ((country < 0) & _isin(at(self.geography), self.geographies_seen, f.geographies))
            for bound, column, at_least in (
                (f.min_count, self.count, True), (f.max_count, self.count, False),
                (f.min_gpu_memory_gib, self.gpu_memory, True), (f.min_total_gpu_memory_gib, self.total_gpu_memory, True),
                (f.max_hourly_usd, hourly, False), (f.min_vcpus, self.vcpus, True), (f.min_memory_gib, self.memory, True),
            ):
                if bound is not None:
                    values_ = at(column)
                    mask &= (values_ >= bound) if at_least else (values_ <= bound)
        return mask


def _rank_order(
    hourly: np.ndarray, floats: dict[str, np.ndarray], names: Sequence[tuple[str, str, str]],
    ids: np.ndarray, accelerators: np.ndarray,
) -> np.ndarray:
    """Row positions in rank order; rows without this price sort last (masks drop them anyway)."""
    if not names:
        return np.array([], dtype=np.int64)
    provider, instance_type, region = (np.array(part) for part in zip(*names, strict=True))
    counts = floats["accelerator_count"]
    keys = (  # least significant first; the id makes the order total
        ids, counts, accelerators, region, instance_type, provider,
        np.nan_to_num(-floats["vcpus"], nan=np.inf),
        np.nan_to_num(-floats["gpu_memory_gib"], nan=np.inf),
        np.nan_to_num(hourly, nan=np.inf),
    )
    return np.lexsort(keys)


def _isin(codes: np.ndarray, vocabulary: dict[str, int], values: Sequence[str]) -> np.ndarray:
    return np.isin(codes, [vocabulary[v] for v in values if v in vocabulary])


def _first_of_each(groups: np.ndarray) -> np.ndarray:
    """Positions of the first occurrence of each group id, in order."""
    positions = np.arange(groups.size)
    first = np.full(int(groups.max()) + 1, groups.size, dtype=np.int64)
    np.minimum.at(first, groups, positions)
    return positions[first[groups] == positions]
