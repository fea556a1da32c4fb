"""Compute search over a small ingested catalog: filters, ranking, grouping and "did you mean"."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from stack8s_architect.catalog import ingest
from stack8s_architect.catalog.compute.schemas import ComputeSearchRequest
from stack8s_architect.catalog.compute.service import ComputeCatalog
from stack8s_architect.catalog.sources import SourceReader
from stack8s_architect.core.database import Database
from stack8s_architect.core.errors import UnknownNameError

from .fixtures import fixture_sources, write_mirror


@pytest.fixture
def catalog(database: Database, tmp_path: Path) -> Iterator[ComputeCatalog]:
    ingest.sync(database, SourceReader(write_mirror(tmp_path), tmp_path / "cache"), fixture_sources())
    with database.session() as session:
        yield ComputeCatalog(session)


def search(catalog: ComputeCatalog, **filters) -> list[tuple]:  # noqa: ANN003
    result = catalog.search(ComputeSearchRequest(**filters))
    return [(o.provider, o.instance_type, o.region, o.hourly_usd) for o in result.offers]


def test_h100_family_across_clouds_cheapest_first(catalog: ComputeCatalog) -> None:
    rows = search(catalog, accelerators=["h100"], min_count=1, max_count=1)
    assert rows == [
        ("runpod", "1x_H100-SXM_SECURE", "NL", 2.99),  # tie on price and memory → region name breaks it
        ("lambda", "gpu_1x_h100_sxm5", "europe-central-1", 3.29),
    ]


def test_all_regions_lists_every_region_with_stable_ties(catalog: ComputeCatalog) -> None:
    rows = search(catalog, accelerators=["H100"], max_count=1, group_by_instance_type=False)
    assert rows == [
        ("runpod", "1x_H100-SXM_SECURE", "NL", 2.99),
        ("runpod", "1x_H100-SXM_SECURE", "US", 2.99),
        ("lambda", "gpu_1x_h100_sxm5", "europe-central-1", 3.29),
        ("lambda", "gpu_1x_h100_sxm5", "us-east-1", 3.29),
    ]


def test_spot_ranks_by_spot_price_and_drops_offers_without_one(catalog: ComputeCatalog) -> None:
    rows = search(catalog, accelerators=["H100"], spot=True)
    assert [r[0] for r in rows] == ["runpod", "azure"]
    assert rows[0][3] == 2.39 and rows[1][3] == 40.0


def test_geography_words_and_places(catalog: ComputeCatalog) -> None:
    europe = search(catalog, accelerators=["A100-80GB"], geography=["europe"])
    assert [(r[0], r[2]) for r in europe] == [("azure", "westeurope")]
    frankfurt = search(catalog, geography=["Germany"], kind="any")
    assert {r[2] for r in frankfurt} == {"europe-central-1", "germanywestcentral"}


def test_memory_count_and_price_filters(catalog: ComputeCatalog) -> None:
    big = search(catalog, min_total_gpu_memory_gib=600)
    assert {r[1] for r in big} == {"gpu_8x_h100_sxm5", "Standard_ND96isr_H100_v5"}
    cheap = search(catalog, max_price_per_month_usd=600)  # 600 / 730 h = 0.82 $/h
    assert all(r[3] <= 600 / 730 for r in cheap) and {r[1] for r in cheap} >= {"gpu_1x_a10", "1x_L4_SECURE"}
    assert search(catalog, min_gpu_memory_gib=70, max_count=1, providers=["azure"]) == [
        ("azure", "Standard_NC24ads_A100_v4", "eastus", 3.67)
    ]


def test_fractional_gpu_gets_its_share_of_memory(catalog: ComputeCatalog) -> None:
    result = catalog.search(ComputeSearchRequest(accelerators=["A10"], providers=["azure"]))
    (offer,) = result.offers
    assert offer.accelerator_count == pytest.approx(0.167)
    assert offer.gpu_memory_gib == pytest.approx(offer.total_gpu_memory_gib)
    assert offer.total_gpu_memory_gib < 5


def test_cpu_search_and_monthly_cost(catalog: ComputeCatalog) -> None:
    result = catalog.search(ComputeSearchRequest(kind="cpu"))
    assert [o.instance_type for o in result.offers] == ["Standard_D2s_v5", "cpu_4x_generalx"]
    assert result.offers[0].monthly_cost_usd == round(0.096 * 730, 2)
    assert result.offers[0].accelerator is None


@pytest.mark.parametrize(
    ("filters", "kind", "suggestion"),
    [
        ({"accelerators": ["H10"]}, "accelerator", "H100"),
        ({"accelerators": ["A100-80"]}, "accelerator", "A100-80GB"),
        ({"providers": ["lamda"]}, "provider", "lambda"),
        ({"regions": ["us-east1"]}, "region", "us-east-1"),
        ({"geography": ["europa"]}, "geography", "europe"),
    ],
)
def test_unknown_names_answer_with_suggestions(catalog: ComputeCatalog, filters: dict, kind: str, suggestion: str) -> None:
    with pytest.raises(UnknownNameError) as caught:
        catalog.search(ComputeSearchRequest(**filters))
    assert caught.value.kind == kind
    assert suggestion in caught.value.suggestions
    assert caught.value.status_code == 400


def test_same_query_same_answer_whatever_the_row_order(catalog: ComputeCatalog) -> None:
    import random

    from stack8s_architect.catalog.compute import repository
    from stack8s_architect.catalog.compute.index import OfferFilter, OfferIndex

    rows = repository.index_rows(catalog.session)
    expected = OfferIndex.build(1, rows).search(OfferFilter(kind="any"), group_by_instance_type=False, limit=100)
    for seed in range(5):
        shuffled = rows[:]
        random.Random(seed).shuffle(shuffled)
        index = OfferIndex.build(1, shuffled)
        assert index.search(OfferFilter(kind="any"), group_by_instance_type=False, limit=100) == expected
    first = search(catalog, kind="any", limit=50)
    assert [r[3] for r in first] == sorted(r[3] for r in first)


def test_provider_aliases_and_empty_names(catalog: ComputeCatalog) -> None:
    assert {r[0] for r in search(catalog, providers=["Microsoft"], kind="any")} == {"azure"}
    with pytest.raises(ValueError, match="empty name"):
        ComputeSearchRequest(regions=[""])


def test_searching_named_accelerators_only_matches_filtering_every_row(catalog: ComputeCatalog) -> None:
    """The accelerator partitions (a search for named GPUs filters only their rows) give exactly what filtering the
    whole index gives: the same offers, in the same order, the same total, for single and several accelerators."""
    from stack8s_architect.catalog.compute import repository
    from stack8s_architect.catalog.compute.index import OfferFilter, OfferIndex

    index = OfferIndex.build(1, repository.index_rows(catalog.session))

    def everywhere(f: OfferFilter) -> tuple[list[int], int]:  # the mask over every row, in rank order
        ordered = index.order_spot if f.spot else index.order_on_demand
        ordered = ordered[index._mask(f, index.spot if f.spot else index.price)[ordered]]
        return [int(i) for i in index.ids[ordered]], int(ordered.size)

    keys = sorted(index.accelerators)
    filters = [OfferFilter(kind="gpu", accelerator_keys=(key,), spot=spot) for key in keys for spot in (False, True)]
    filters += [OfferFilter(kind="gpu", accelerator_keys=tuple(keys[:3]), max_count=1.0),
                OfferFilter(kind="gpu", accelerator_keys=tuple(reversed(keys)), providers=("azure", "lambda")),
                OfferFilter(kind="gpu", accelerator_keys=("no-such-gpu",))]
    for f in filters:
        found, total = index.search(f, group_by_instance_type=False, limit=10_000)
        expected, expected_total = everywhere(f)
        assert (found, total) == (expected, expected_total), f
