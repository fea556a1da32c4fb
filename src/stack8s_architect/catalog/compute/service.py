"""Compute catalog rules: turning parsed offers into rows, and searching them."""

from __future__ import annotations

import difflib
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.orm import Session

from stack8s_architect.catalog.repository import database_key
from stack8s_architect.catalog.compute import repository
from stack8s_architect.catalog.compute.aws import read_aws_json
from stack8s_architect.catalog.compute.gcp import read_gcp_vms_csv
from stack8s_architect.catalog.compute.index import OfferFilter, OfferIndex
from stack8s_architect.catalog.index_cache import load_or_build
from stack8s_architect.catalog.compute.offers import Offer, ParsedCatalog
from stack8s_architect.catalog.compute.network import instance_network
from stack8s_architect.catalog.compute.regions import (
    GEOGRAPHIES,
    GEOGRAPHY_ALIASES,
    countries_for_geography,
    country_for_place,
    geography_names,
    locate_region,
)
from stack8s_architect.catalog.compute.schemas import (
    AcceleratorSummary,
    ComputeOffer,
    ComputeSearchRequest,
    ComputeSearchResponse,
)
from stack8s_architect.catalog.compute.skypilot import read_vms_csv
from stack8s_architect.sizing.cost import monthly_cost_usd
from stack8s_architect.catalog.gpus.names import resolve_user_accelerator, user_accelerator_names
from stack8s_architect.catalog.gpus.specs import ACCELERATOR_SPECS
from stack8s_architect.catalog.sources import SOURCES, DataSource, FetchedFile
from stack8s_architect.core.errors import UnknownNameError


def _read_skypilot(source: DataSource, files: Sequence[FetchedFile]) -> ParsedCatalog:
    assert source.provider is not None
    if source.provider == "gcp":
        return read_gcp_vms_csv(files[0].path)
    return read_vms_csv(source.provider, files[0].path)


def _read_aws(source: DataSource, files: Sequence[FetchedFile]) -> ParsedCatalog:
    return read_aws_json(files[0].path)


# Format id (DataSource.adapter) → reader. One adapter per source format, no lookup by import path.
ADAPTERS: dict[str, Callable[[DataSource, Sequence[FetchedFile]], ParsedCatalog]] = {
    "skypilot-vms": _read_skypilot,
    "aws-vantage-json": _read_aws,
}


def offer_row(source: DataSource, offer: Offer) -> tuple:
    """A row in `repository.COPY_COLUMNS` order; GPU memory comes from the spec table, not the source."""
    if offer.provider == "primeintellect":
        location = locate_region(offer.provider, offer.country_hint or "", offer.region)
    else:
        location = locate_region(offer.provider, offer.region, offer.zones[0] if offer.zones else None)
    per_gpu = total = None
    if offer.accelerator_key is not None:
        memory = ACCELERATOR_SPECS[offer.accelerator_key].memory_gib
        total = round(memory * offer.accelerator_count, 3)
        per_gpu = total if offer.accelerator_count < 1 else memory  # a GPU slice gets its share
    return (
        source.id, offer.provider, offer.upstream_provider, offer.instance_type, offer.region, offer.zones,
        location.country, location.city, location.geography, offer.accelerator_key, offer.accelerator_name,
        offer.accelerator_count, per_gpu, total, offer.vcpus, offer.memory_gib, offer.price_per_hour_usd,
        offer.spot_price_per_hour_usd, source.catalog_date, offer.network,
    )


class ComputeIngester:
    """The compute domain's part of `data sync`."""

    version = "compute-3"  # 2: the AWS network column; 3: Mithril prices are auction bids (spot only)

    def parse(self, source: DataSource, files: Sequence[FetchedFile]) -> ParsedCatalog:
        return ADAPTERS[source.adapter](source, files)

    def row_count(self, parsed: ParsedCatalog) -> int:
        return len(parsed.offers)

    def replace(self, session: Session, source: DataSource, parsed: ParsedCatalog, advance: Callable[[int], None]) -> int:
        rows = [offer_row(source, offer) for offer in parsed.offers]
        return repository.replace_source_offers(session, source.id, rows, advance)


def known_providers() -> list[str]:
    return sorted({source.provider for source in SOURCES if source.provider})


def _suggest(name: str, options: Sequence[str]) -> list[str]:
    lowered = {option.lower(): option for option in options}
    return [lowered[m] for m in difflib.get_close_matches(name.lower(), list(lowered), n=3, cutoff=0.5)]


def resolve_accelerators(names: Sequence[str]) -> tuple[str, ...]:
    """User GPU names → accelerator keys; an unknown name is a 400 with close matches."""
    keys: list[str] = []
    for name in names:
        resolved = resolve_user_accelerator(name)
        if not resolved:
            raise UnknownNameError("accelerator", name, _suggest(name, user_accelerator_names()))
        keys.extend(key for key in resolved if key not in keys)
    return tuple(keys)


# What people call the clouds whose catalog ids are short.
PROVIDER_ALIASES = {
    "amazon": "aws", "amazon web services": "aws", "ec2": "aws", "google": "gcp", "google cloud": "gcp",
    "microsoft": "azure", "lambda labs": "lambda", "lambdalabs": "lambda", "datacrunch": "verda",
}


def resolve_providers(names: Sequence[str]) -> tuple[str, ...]:
    known = known_providers()
    resolved = []
    for name in names:
        match = PROVIDER_ALIASES.get(name.strip().lower(), name.strip().lower())
        if match not in known:
            raise UnknownNameError("provider", name, _suggest(name, [*known, *PROVIDER_ALIASES]))
        resolved.append(match)
    return tuple(resolved)


def geographies_within(countries: frozenset[str] | set[str]) -> tuple[str, ...]:
    """Continent-level geographies wholly inside `countries` (for offers placed without a country)."""
    return tuple(
        g for g in GEOGRAPHIES if g != "unknown" and GEOGRAPHY_ALIASES.get(g) and GEOGRAPHY_ALIASES[g] <= countries
    )


def resolve_geography(words: Sequence[str]) -> tuple[str, ...]:
    """Geography words (europe, eu, us…) or places (Germany, Frankfurt) → ISO country codes."""
    countries: set[str] = set()
    for word in words:
        found = countries_for_geography(word)
        if found is None:
            country = country_for_place(word)
            found = frozenset({country}) if country else None
        if not found:
            raise UnknownNameError("geography", word, _suggest(word, geography_names()))
        countries |= found
    return tuple(sorted(countries))


# One index per database, shared by the requests of this process.
_INDEXES: dict[str, OfferIndex] = {}
_INDEX_LOCK = threading.Lock()
# Full rows of offers searches returned, per database and its current index (catalog version); cleared past
# this many.
_ROWS: dict[str, tuple[OfferIndex, dict[int, dict[str, Any]]]] = {}
_ROWS_KEPT = 20_000
_ANSWERS: OrderedDict[tuple[str, int, str], tuple[OfferIndex, ComputeSearchResponse]] = OrderedDict()
_ANSWERS_KEPT = 4_096


class ComputeCatalog:
    """Search and summaries over the ingested offers. One instance reads the catalog version once (its
    searches in one request or chat turn see one catalog), so make one per request."""

    def __init__(self, session: Session):
        self.session = session
        self._read: OfferIndex | None = None

    def search(self, request: ComputeSearchRequest) -> ComputeSearchResponse:
        """Offers for `request`. An answer is a pure function of the request and the catalog version, so answers are
        kept per process (the last _ANSWERS_KEPT): plans ask the same questions — an H100 in the EU, on-demand —
        turn after turn. Callers must not change an answer's objects."""
        index = self._index()
        key = (database_key(self.session), id(index), request.model_dump_json())
        with _INDEX_LOCK:
            answer = _ANSWERS.get(key)
            if answer is not None and answer[0] is index:
                _ANSWERS.move_to_end(key)
                return answer[1]
        response = self._search(request)
        with _INDEX_LOCK:
            _ANSWERS[key] = (index, response)
            while len(_ANSWERS) > _ANSWERS_KEPT:
                _ANSWERS.popitem(last=False)
        return response

    def _search(self, request: ComputeSearchRequest) -> ComputeSearchResponse:
        keys = resolve_accelerators(request.accelerators)
        countries = resolve_geography(request.geography)
        regions = self.check_regions(request.regions)
        kind = "gpu" if keys else request.kind
        offer_filter = OfferFilter(
            accelerator_keys=keys, kind=kind, min_count=request.min_count, max_count=request.max_count,
            min_gpu_memory_gib=request.min_gpu_memory_gib,
            min_total_gpu_memory_gib=request.min_total_gpu_memory_gib,
            providers=resolve_providers(request.providers), regions=regions, countries=countries,
            geographies=geographies_within(set(countries)),
            max_hourly_usd=request.max_hourly_usd, spot=request.spot,
            min_vcpus=request.min_vcpus, min_memory_gib=request.min_memory_gib,
        )
        ids, total = self._index().search(
            offer_filter, group_by_instance_type=request.group_by_instance_type, limit=request.limit
        )
        hourly = "spot_price_per_hour_usd" if request.spot else "price_per_hour_usd"
        offers = [self._offer(row, row[hourly], request.spot) for row in self._rows(ids)]
        return ComputeSearchResponse(count=total, offers=offers, accelerators=list(keys), countries=list(countries))

    def accelerators(self) -> list[AcceleratorSummary]:
        """Every accelerator in the spec table, with what the catalog offers of it."""
        stats = {row["key"]: row for row in repository.accelerator_stats(self.session)}
        summaries = []
        for key, spec in sorted(ACCELERATOR_SPECS.items()):
            row = stats.get(key, {})
            summaries.append(
                AcceleratorSummary(
                    key=key, vendor=spec.vendor, architecture=spec.architecture, memory_gib=spec.memory_gib,
                    usable_memory_gib=spec.usable_memory_gib, memory_bandwidth_gb_s=spec.memory_bandwidth_gb_s,
                    bf16_tflops=spec.bf16_tflops, fp8_tflops=spec.fp8_tflops, interconnect=spec.interconnect,
                    tdp_watts=spec.tdp_watts, offers=row.get("offers", 0),
                    providers=sorted(row.get("providers") or []),
                    min_price_per_hour_usd=row.get("min_price_per_hour_usd"),
                    max_price_per_hour_usd=row.get("max_price_per_hour_usd"),
                    min_price_per_gpu_hour_usd=_round(row.get("min_price_per_gpu_hour_usd")),
                )
            )
        return summaries

    def warm(self) -> int:
        """Build the search index now (at start-up) rather than on the first search; returns its size."""
        return int(self._index().ids.size)

    def _index(self) -> OfferIndex:
        """The search index of the current catalog version, rebuilt when another sync changed it."""
        if self._read is None:
            self._read = self._current_index()
        return self._read

    def _current_index(self) -> OfferIndex:
        version = repository.catalog_version(self.session)
        with _INDEX_LOCK:
            key = database_key(self.session)
            index = _INDEXES.get(key)
            if index is None or index.version != version:
                index = _INDEXES[key] = load_or_build(
                    "compute", self.session, version,
                    lambda: OfferIndex.build(version, repository.index_rows(self.session)))
        return index

    def _rows(self, ids: Sequence[int]) -> list[dict[str, Any]]:
        """Full offer rows in the order given, from the database once per catalog version and process: a plan
        and its variants read the same few hundred offers again and again."""
        index = self._index()
        key = database_key(self.session)
        with _INDEX_LOCK:
            cache = _ROWS.get(key)
            if cache is None or cache[0] is not index or len(cache[1]) > _ROWS_KEPT:
                cache = _ROWS[key] = (index, {})
        rows = cache[1]
        missing = [i for i in ids if i not in rows]
        if missing:
            rows.update((row["id"], row) for row in repository.offers_by_ids(self.session, missing))
        return [rows[i] for i in ids if i in rows]

    def check_regions(self, regions: Sequence[str]) -> tuple[str, ...]:
        """The regions as given; an id no offer carries is a 400 with close matches."""
        known = self._index().regions
        for region in regions:
            if region not in known:
                raise UnknownNameError("region", region, _suggest(region, sorted(known)))
        return tuple(regions)

    @staticmethod
    def _offer(row: dict[str, Any], hourly: float, spot: bool) -> ComputeOffer:
        network = instance_network(row["provider"], row["instance_type"], row.get("network"))
        return ComputeOffer(
            provider=row["provider"], upstream_provider=row["upstream_provider"],
            instance_type=row["instance_type"], region=row["region"], zones=list(row["zones"] or []),
            country=row["country"], city=row["city"], geography=row["geography"],
            accelerator=row["accelerator_key"], accelerator_name=row["accelerator_name"],
            accelerator_count=row["accelerator_count"], gpu_memory_gib=row["gpu_memory_gib"],
            total_gpu_memory_gib=row["total_gpu_memory_gib"], vcpus=row["vcpus"], memory_gib=row["memory_gib"],
            price_per_hour_usd=row["price_per_hour_usd"], spot_price_per_hour_usd=row["spot_price_per_hour_usd"],
            spot=spot, hourly_usd=hourly, monthly_cost_usd=round(monthly_cost_usd(hourly), 2),
            source=row["source_id"], catalog_date=row["catalog_date"], network=row.get("network"),
            interconnect=network.label, fast_interconnect=network.fast,
        )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
