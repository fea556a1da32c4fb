"""Two syncs of the same source at once must not duplicate its rows."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from stack8s_architect.catalog import ingest
from stack8s_architect.catalog.compute.tables import compute_offers
from stack8s_architect.catalog.sources import SourceReader
from stack8s_architect.core.database import Database

from .fixtures import fixture_sources, write_mirror


@pytest.mark.parametrize("force", [False, True])
def test_parallel_syncs_write_each_source_once(database: Database, tmp_path: Path, force: bool) -> None:
    reader = SourceReader(write_mirror(tmp_path), tmp_path / "cache")
    sources = fixture_sources()
    if force:
        ingest.sync(database, reader, sources)
    reports: list[list[ingest.IngestReport]] = []
    threads = [
        threading.Thread(target=lambda: reports.append(ingest.sync(database, reader, sources, force=force)))
        for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with database.session() as session:
        per_source = dict(
            session.execute(select(compute_offers.c.source_id, func.count()).group_by(compute_offers.c.source_id)).all()
        )
    assert per_source == {"test-lambda": 6, "test-azure": 5, "test-runpod": 3}
    statuses = [r.status for batch in reports for r in batch]
    assert statuses.count("failed") == 0
    if not force:  # a forced sync that starts after another finished rightly ingests again
        assert statuses.count("ingested") == 3  # once per source, whoever got there first
