"""A database holding the fixture compute and chart catalogs (no models): enough for whole plans."""

from __future__ import annotations

from pathlib import Path

from stack8s_architect.catalog import ingest
from stack8s_architect.catalog.sources import SourceReader
from stack8s_architect.core.database import Database

from ..catalog.charts.fixtures import fixture_chart_sources, write_chart_mirror
from ..catalog.compute.fixtures import fixture_sources, write_mirror


def sync_fixture_catalogs(database: Database, root: Path) -> None:
    mirror = write_chart_mirror(write_mirror(root / "mirror"))
    ingest.sync(database, SourceReader(mirror, root / "cache"), [*fixture_sources(), *fixture_chart_sources()])
