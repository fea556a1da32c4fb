"""The charts domain's part of `data sync`: an adapter per format, records replaced per source."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy.orm import Session

from stack8s_architect.catalog.charts import repository
from stack8s_architect.catalog.charts.adapters.helm_repository import read_helm_repository
from stack8s_architect.catalog.charts.adapters.listings import read_artifacthub_listing, read_version_history
from stack8s_architect.catalog.charts.records import ChartBatch
from stack8s_architect.catalog.sources import DataSource, FetchedFile

Reader = Callable[[DataSource, Sequence[FetchedFile]], ChartBatch]

# Format id (DataSource.adapter) → reader.
ADAPTERS: dict[str, Reader] = {
    "helm-repository": lambda s, f: read_helm_repository(f[0].path, s.repository),
    "chart-version-history": lambda s, f: read_version_history(f[0].path),
    "artifacthub-listing": lambda s, f: read_artifacthub_listing(f[0].path),
}


class ChartIngester:
    """Parse a chart source and replace its records; the catalog joins them when it is next read."""

    version = "charts-2"  # 2: the images of each chart's default values

    def parse(self, source: DataSource, files: Sequence[FetchedFile]) -> ChartBatch:
        return ADAPTERS[source.adapter](source, files)

    def row_count(self, parsed: ChartBatch) -> int:
        return len(parsed.packages) + len(parsed.versions)

    def replace(self, session: Session, source: DataSource, parsed: ChartBatch, advance: Callable[[int], None]) -> int:
        return repository.replace_source_records(session, source.id, parsed, advance)
