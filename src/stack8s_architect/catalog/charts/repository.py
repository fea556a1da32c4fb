"""All SQL of the chart knowledge base."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from stack8s_architect.catalog.repository import checked_version
from stack8s_architect.catalog.bulk import copy_rows, to_json
from stack8s_architect.catalog.charts.records import ChartBatch
from stack8s_architect.catalog.charts.tables import chart_packages, chart_versions
from stack8s_architect.catalog.tables import catalog_sources

_VERSION_COLUMNS = ("source_id", "repository", "chart", "version", "origin", "app_version", "created", "prerelease",
                    "deprecated", "digest")


def replace_source_records(session: Session, source_id: str, batch: ChartBatch, advance: Callable[[int], None]) -> int:
    """Delete a source's chart records and COPY the new ones, inside the session's transaction."""
    for table in (chart_packages, chart_versions):
        session.execute(delete(table).where(table.c.source_id == source_id))
    written = copy_rows(
        session, "chart_packages", ("source_id", "repository", "name", "origin", "path", "fields", "resources"),
        ((source_id, p.repository, p.name, p.origin, p.path, to_json(p.fields),
          to_json(p.resources) if p.resources is not None else None) for p in batch.packages),
        advance,
    )
    written += copy_rows(
        session, "chart_versions", _VERSION_COLUMNS,
        ((source_id, v.repository, v.chart, v.version, v.origin, v.app_version, v.created, v.prerelease,
          v.deprecated, v.digest) for v in batch.versions),
        advance,
    )
    return written


def load_packages(session: Session) -> list[dict[str, Any]]:
    return [dict(row) for row in session.execute(
        select(chart_packages.c.source_id, chart_packages.c.repository, chart_packages.c.name,
               chart_packages.c.origin, chart_packages.c.path, chart_packages.c.fields, chart_packages.c.resources)
        .order_by(chart_packages.c.id)
    ).mappings()]


def load_versions(session: Session) -> list[tuple]:
    columns = [chart_versions.c[name] for name in _VERSION_COLUMNS]
    return [tuple(row) for row in session.execute(select(*columns).order_by(chart_versions.c.id))]


@checked_version
def catalog_version(session: Session) -> tuple:
    """Changes whenever a chart source is ingested again: the in-memory catalog is rebuilt then."""
    row = session.execute(
        select(func.count(), func.max(catalog_sources.c.ingested_at), func.max(catalog_sources.c.last_run_id))
        .where(catalog_sources.c.domain == "charts")
    ).one()
    return tuple(row)
