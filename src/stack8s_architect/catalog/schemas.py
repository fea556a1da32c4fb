"""Wire shape of the catalog status."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class SourceStatus(BaseModel):
    source_id: str
    domain: str
    repository: str
    commit: str
    provider: str | None
    license: str
    catalog_date: str | None
    origin: str | None  # mirror | upstream, for the ingested state
    content_sha256: str | None
    rows: int
    ingested_at: datetime | None
    last_status: str | None  # ingested | unchanged | failed | None (never synced)
    last_run_at: datetime | None
    last_duration_s: float | None
    last_rows_read: int | None
    last_rows_dropped: dict[str, int]
    last_error: str | None
    files: list[dict]


class ModelIndexStatus(BaseModel):
    models: int
    chunks: int
    embedded_chunks: int = Field(description="chunks with a dense vector; the rest are found lexically")


class CatalogStatus(BaseModel):
    sources: list[SourceStatus]
    total_rows: int
    model_index: ModelIndexStatus
