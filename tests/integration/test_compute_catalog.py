"""The whole compute catalog of ../shared/data, ingested through the real sync (skips when absent)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from stack8s_architect.catalog import ingest
from stack8s_architect.catalog.compute import repository
from stack8s_architect.catalog.compute.schemas import ComputeSearchRequest
from stack8s_architect.catalog.compute.service import ComputeCatalog
from stack8s_architect.catalog.compute.tables import compute_offers
from stack8s_architect.catalog.gpus.specs import ACCELERATOR_SPECS
from stack8s_architect.catalog.sources import SourceReader, sources_for
from stack8s_architect.core.database import Database
from stack8s_architect.core.embedded_postgres import EmbeddedPostgres

from ..conftest import create_database, drop_database

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def full(shared_data: Path, postgres_server: EmbeddedPostgres, template_database: str, tmp_path_factory) -> Iterator[tuple[Database, list]]:  # noqa: ANN001
    database = create_database(postgres_server, template_database)
    reader = SourceReader(shared_data, tmp_path_factory.mktemp("cache"))
    reports = ingest.sync(database, reader, sources_for(("compute",)))
    yield database, reports
    drop_database(postgres_server, database)


def test_every_source_ingests_without_unknown_accelerators(full) -> None:  # noqa: ANN001
    _, reports = full
    assert {r.status for r in reports} == {"ingested"}, [r for r in reports if r.status != "ingested"]
    for report in reports:
        assert report.rows_written > 0, report.source_id
        assert not [reason for reason in report.rows_dropped if reason.startswith("unknown accelerator")], report


def test_quirk_counts_on_the_real_files(full) -> None:  # noqa: ANN001
    _, reports = full
    by_id = {r.source_id: r for r in reports}
    assert by_id["anycloud-gcp"].rows_dropped.get("no positive price", 0) >= 11  # README: 11 rows with Price <= 0
    assert by_id["anycloud-azure"].rows_read == 56_671  # every malformed Generation line parsed
    assert by_id["skypilot-vast"].rows_read == 64


def test_every_accelerator_in_the_catalog_has_a_spec_row(full) -> None:  # noqa: ANN001
    database, _ = full
    with database.session() as session:
        keys = repository.accelerator_keys(session)
    assert len(keys) >= 40
    assert [key for key in keys if key not in ACCELERATOR_SPECS] == []


def test_resync_changes_nothing(full, shared_data: Path, tmp_path: Path) -> None:  # noqa: ANN001
    database, _ = full
    with database.session() as session:
        before = session.execute(select(func.count(), func.max(compute_offers.c.id))).one()
    reports = ingest.sync(database, SourceReader(shared_data, tmp_path), sources_for(("compute",)))
    assert {r.status for r in reports} == {"unchanged"}
    with database.session() as session:
        assert session.execute(select(func.count(), func.max(compute_offers.c.id))).one() == before


@pytest.mark.parametrize(
    ("filters", "check"),
    [
        ({"accelerators": ["H100"], "min_count": 8, "max_count": 8},
         lambda o: o.accelerator in {"H100-SXM", "H100-PCIe", "H100-NVL"} and o.accelerator_count == 8),
        ({"accelerators": ["L4"], "geography": ["europe"]}, lambda o: o.geography == "europe"),
        ({"accelerators": ["A100"], "providers": ["gcp"], "spot": True},
         lambda o: o.provider == "gcp" and o.spot_price_per_hour_usd == o.hourly_usd),
        ({"min_total_gpu_memory_gib": 640, "geography": ["us"]}, lambda o: o.total_gpu_memory_gib >= 640 and o.country == "US"),
        ({"kind": "cpu", "min_vcpus": 64, "providers": ["azure"]}, lambda o: o.accelerator is None and o.vcpus >= 64),
        ({"accelerators": ["MI300X"]}, lambda o: o.provider == "azure"),
        ({"accelerators": ["tpu v5p"], "max_count": 4}, lambda o: o.accelerator == "TPU-v5p"),
    ],
)
def test_real_searches(full, filters: dict, check) -> None:  # noqa: ANN001
    database, _ = full
    with database.session() as session:
        result = ComputeCatalog(session).search(ComputeSearchRequest(**filters))
    assert result.offers, filters
    assert all(check(o) for o in result.offers), filters
    prices = [o.hourly_usd for o in result.offers]
    assert prices == sorted(prices)
    groups = [(o.provider, o.instance_type, o.accelerator, o.accelerator_count) for o in result.offers]
    assert len(groups) == len(set(groups))  # one row per instance type


def test_gcp_a100_offer_price_is_host_plus_gpu(full) -> None:  # noqa: ANN001
    database, _ = full
    with database.session() as session:
        result = ComputeCatalog(session).search(
            ComputeSearchRequest(accelerators=["A100-40GB"], providers=["gcp"], regions=["us-central1"], max_count=1)
        )
    (offer,) = result.offers
    assert offer.instance_type == "a2-highgpu-1g"
    assert offer.vcpus == 12 and offer.gpu_memory_gib == 40
    assert offer.price_per_hour_usd == pytest.approx(_gcp_price("a2-highgpu-1g", "A100", offer.zones))


def _gcp_price(host: str, accelerator: str, zones: list[str]) -> float:
    """Cheapest zone's host VM row + accelerator row, read straight from the mirror's CSV."""
    import csv
    import os

    from ..conftest import shared_data_dir

    path = (shared_data_dir() or Path(os.environ["ARCHITECT_DATA_MIRROR"])) / "compute/anycloud-catalog/gcp/vms.csv"
    vm, gpu = {}, {}
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row["InstanceType"] == host and not row["AcceleratorName"]:
                vm[row["AvailabilityZone"]] = float(row["Price"])
            if not row["InstanceType"] and row["AcceleratorName"] == accelerator and row["AcceleratorCount"] in ("1", "1.0"):
                gpu[row["AvailabilityZone"]] = float(row["Price"])
    return min(vm[z] + gpu[z] for z in zones if z in vm and z in gpu)


def test_offers_placed_on_a_continent_without_a_country_match_it(full) -> None:  # noqa: ANN001
    database, _ = full
    with database.session() as session:
        result = ComputeCatalog(session).search(ComputeSearchRequest(geography=["middle-east"], providers=["nebius"], kind="any"))
    assert result.offers and {o.region for o in result.offers} == {"me-west1"}


def test_eight_h100s_on_demand_never_answer_with_an_auction_bid(full) -> None:  # noqa: ANN001
    """Mithril's $8.00/h for 8 × H100 is its auction's minimum bid: a spot offer, not an on-demand one."""
    database, _ = full
    with database.session() as session:
        catalog = ComputeCatalog(session)
        on_demand = catalog.search(ComputeSearchRequest(accelerators=["H100"], min_count=8, max_count=8, limit=500))
        spot = catalog.search(ComputeSearchRequest(accelerators=["H100"], min_count=8, max_count=8, spot=True,
                                                   limit=500))
    assert on_demand.offers and not [o for o in on_demand.offers if o.provider == "mithril"]
    assert all(o.price_per_hour_usd is not None for o in on_demand.offers)
    bids = [o for o in spot.offers if o.provider == "mithril"]
    assert bids and bids[0].hourly_usd == 8.0 and bids[0].price_per_hour_usd is None
