"""`data sync` against the real database: idempotent, transactional, recorded."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from stack8s_architect.catalog import ingest
from stack8s_architect.catalog.compute.tables import compute_offers
from stack8s_architect.catalog.service import catalog_status
from stack8s_architect.catalog.sources import SourceReader
from stack8s_architect.catalog.tables import ingest_runs
from stack8s_architect.core.database import Database

from .fixtures import AZURE, LAMBDA, fixture_sources, write_mirror


def offers_of(database: Database, source_id: str) -> list[tuple]:
    with database.session() as session:
        rows = session.execute(
            select(compute_offers.c.instance_type, compute_offers.c.region, compute_offers.c.price_per_hour_usd)
            .where(compute_offers.c.source_id == source_id)
            .order_by(compute_offers.c.instance_type, compute_offers.c.region)
        )
        return [tuple(row) for row in rows]


def test_sync_writes_offers_and_records_the_run(database: Database, tmp_path: Path) -> None:
    reader = SourceReader(write_mirror(tmp_path), tmp_path / "cache")
    (report,) = ingest.sync(database, reader, fixture_sources(("lambda",)))
    assert report.status == "ingested"
    assert report.rows_read == 6 and report.rows_written == 6
    assert len(offers_of(database, "test-lambda")) == 6
    with database.session() as session:
        status = {s.source_id: s for s in catalog_status(session).sources}
    # Registry sources are listed too (never synced here); the fixture source is not in the registry.
    assert status["anycloud-gcp"].last_status is None


def test_resync_of_unchanged_files_changes_nothing(database: Database, tmp_path: Path) -> None:
    reader = SourceReader(write_mirror(tmp_path), tmp_path / "cache")
    sources = fixture_sources()
    ingest.sync(database, reader, sources)
    before = {s.id: offers_of(database, s.id) for s in sources}
    with database.session() as session:
        ids_before = sorted(session.execute(select(compute_offers.c.id)).scalars())
    reports = ingest.sync(database, reader, sources)
    assert {r.status for r in reports} == {"unchanged"}
    with database.session() as session:
        assert sorted(session.execute(select(compute_offers.c.id)).scalars()) == ids_before
    assert {s.id: offers_of(database, s.id) for s in sources} == before


def test_changed_file_replaces_only_that_source(database: Database, tmp_path: Path) -> None:
    mirror = write_mirror(tmp_path)
    reader = SourceReader(mirror, tmp_path / "cache")
    ingest.sync(database, reader, fixture_sources())
    azure_before = offers_of(database, "test-azure")
    write_mirror(mirror, {"lambda": LAMBDA.replace("3.29", "2.99")})
    reports = {r.source_id: r.status for r in ingest.sync(database, reader, fixture_sources())}
    assert reports == {"test-lambda": "ingested", "test-azure": "unchanged", "test-runpod": "unchanged"}
    assert ("gpu_1x_h100_sxm5", "us-east-1", 2.99) in offers_of(database, "test-lambda")
    assert offers_of(database, "test-azure") == azure_before


class _FailingProgress:
    """Fails after rows have been written inside the transaction, before it commits."""

    def __init__(self, error: BaseException):
        self.error = error

    def begin(self, source, total_rows):  # noqa: ANN001
        pass

    def advance(self, source, rows):  # noqa: ANN001
        raise self.error

    def end(self, source, report):  # noqa: ANN001
        pass


def test_failure_midway_keeps_the_previous_catalog(database: Database, tmp_path: Path) -> None:
    mirror = write_mirror(tmp_path)
    reader = SourceReader(mirror, tmp_path / "cache")
    ingest.sync(database, reader, fixture_sources(("azure",)))
    before = offers_of(database, "test-azure")
    write_mirror(mirror, {"azure": AZURE.replace("3.67", "1.00")})
    (report,) = ingest.sync(database, reader, fixture_sources(("azure",)), _FailingProgress(RuntimeError("disk full")))
    assert report.status == "failed" and "disk full" in (report.error or "")
    assert offers_of(database, "test-azure") == before
    with database.session() as session:
        statuses = list(session.execute(select(ingest_runs.c.status).order_by(ingest_runs.c.id)).scalars())
    assert statuses == ["ingested", "failed"]
    with pytest.raises(Exception, match="disk full"):
        ingest.raise_for_failures([report])


def test_interrupt_midway_rolls_back(database: Database, tmp_path: Path) -> None:
    mirror = write_mirror(tmp_path)
    reader = SourceReader(mirror, tmp_path / "cache")
    ingest.sync(database, reader, fixture_sources(("runpod",)))
    before = offers_of(database, "test-runpod")
    write_mirror(mirror, {"runpod": "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,GpuInfo,Region,SpotPrice,Price\n"
                                    "1x_L4_SECURE,L4,1.0,8.0,50.0,L4,CA,0.2,0.33\n"})
    with pytest.raises(KeyboardInterrupt):
        ingest.sync(database, reader, fixture_sources(("runpod",)), _FailingProgress(KeyboardInterrupt()))
    assert offers_of(database, "test-runpod") == before


def test_missing_mirror_file_is_a_failed_run_with_a_clear_reason(database: Database, tmp_path: Path) -> None:
    reader = SourceReader(tmp_path, tmp_path / "cache")  # empty mirror
    (report,) = ingest.sync(database, reader, fixture_sources(("lambda",)))
    assert report.status == "failed"
    assert "missing from ARCHITECT_DATA_MIRROR" in (report.error or "")
    with database.session() as session:
        assert session.execute(select(func.count()).select_from(compute_offers)).scalar_one() == 0


def test_force_reingests_unchanged_files(database: Database, tmp_path: Path) -> None:
    reader = SourceReader(write_mirror(tmp_path), tmp_path / "cache")
    ingest.sync(database, reader, fixture_sources(("lambda",)))
    (report,) = ingest.sync(database, reader, fixture_sources(("lambda",)), force=True)
    assert report.status == "ingested"


def test_a_kept_search_answer_is_not_served_after_a_sync_changed_the_prices(database: Database, tmp_path: Path) -> None:
    from stack8s_architect.catalog.compute.schemas import ComputeSearchRequest
    from stack8s_architect.catalog.compute.service import ComputeCatalog

    mirror = write_mirror(tmp_path)
    reader = SourceReader(mirror, tmp_path / "cache")
    ingest.sync(database, reader, fixture_sources())
    request = ComputeSearchRequest(accelerators=["h100"], providers=["lambda"], regions=["us-east-1"], max_count=1)

    def h100_prices() -> list[float]:
        with database.session() as session:
            return [offer.hourly_usd for offer in ComputeCatalog(session).search(request).offers]

    assert h100_prices() == [3.29]
    assert h100_prices() == [3.29]  # answered again (now from the kept answers)
    write_mirror(mirror, {"lambda": LAMBDA.replace("3.29", "2.99")})
    ingest.sync(database, reader, fixture_sources(("lambda",)))
    assert h100_prices() == [2.99]
