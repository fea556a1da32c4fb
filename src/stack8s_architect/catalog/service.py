"""Catalog status: the registry joined with what was ingested and the last run of each source."""

from __future__ import annotations

from sqlalchemy.orm import Session

from stack8s_architect.catalog import repository
from stack8s_architect.catalog.models import repository as model_repository
from stack8s_architect.catalog.schemas import CatalogStatus, ModelIndexStatus, SourceStatus
from stack8s_architect.catalog.sources import SOURCES


def catalog_status(session: Session) -> CatalogStatus:
    states = {row["source_id"]: row for row in repository.list_source_states(session)}
    runs = repository.latest_runs(session)
    sources = []
    for source in SOURCES:
        state, run = states.get(source.id, {}), runs.get(source.id, {})
        sources.append(
            SourceStatus(
                source_id=source.id, domain=source.domain, repository=source.repository,
                commit=source.commit, provider=source.provider, license=source.license,
                catalog_date=source.catalog_date, origin=state.get("origin"),
                content_sha256=state.get("content_sha256"), rows=state.get("rows", 0),
                ingested_at=state.get("ingested_at"), last_status=run.get("status"),
                last_run_at=run.get("finished_at"), last_duration_s=run.get("duration_s"),
                last_rows_read=run.get("rows_read"), last_rows_dropped=run.get("rows_dropped") or {},
                last_error=run.get("error"), files=run.get("files") or [],
            )
        )
    embedded, chunks = model_repository.embedding_counts(session)
    index = ModelIndexStatus(models=model_repository.count_models(session), chunks=chunks, embedded_chunks=embedded)
    return CatalogStatus(sources=sources, total_rows=sum(s.rows for s in sources), model_index=index)
