"""`data sync`: read each registered source, and replace its catalog rows in one transaction.

A source whose files (and adapter version) hash the same as at its last ingest is skipped:
re-running a sync on unchanged files changes nothing. A failure rolls back that source's
transaction — the previous catalog stays — and is recorded as a failed run.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy.orm import Session

from stack8s_architect.catalog import repository
from stack8s_architect.catalog.charts.ingest import ChartIngester
from stack8s_architect.catalog.compute.service import ComputeIngester
from stack8s_architect.catalog.models import repository as model_repository
from stack8s_architect.catalog.models.ingest import ModelIngester
from stack8s_architect.catalog.models.service import rebuild_models
from stack8s_architect.catalog.sources import DataSource, FetchedFile, SourceReader
from stack8s_architect.core.database import Database
from stack8s_architect.core.errors import ArchitectError, IngestError
from stack8s_architect.core.logging import get_logger

log = get_logger(__name__)


class Parsed(Protocol):
    rows_read: int

    @property
    def dropped(self) -> dict[str, int]: ...


class DomainIngester(Protocol):
    """What each catalog domain provides to the sync."""

    version: str  # bump when parsing changes, so unchanged files are ingested again

    def parse(self, source: DataSource, files: Sequence[FetchedFile]) -> Parsed: ...

    def replace(self, session: Session, source: DataSource, parsed: Parsed, advance: Callable[[int], None]) -> int:
        """Delete the source's rows and write the new ones (inside the caller's transaction)."""
        ...

    def row_count(self, parsed: Parsed) -> int: ...


INGESTERS: dict[str, DomainIngester] = {
    "compute": ComputeIngester(), "models": ModelIngester(), "charts": ChartIngester(),
}


class SyncProgress(Protocol):
    def begin(self, source: DataSource, total_rows: int) -> None: ...
    def advance(self, source: DataSource, rows: int) -> None: ...
    def end(self, source: DataSource, report: IngestReport) -> None: ...


class _Silent:
    def begin(self, source: DataSource, total_rows: int) -> None: ...
    def advance(self, source: DataSource, rows: int) -> None: ...
    def end(self, source: DataSource, report: IngestReport) -> None: ...


@dataclass
class IngestReport:
    source_id: str
    status: str  # ingested | unchanged | skipped | failed
    rows_read: int = 0
    rows_written: int = 0
    rows_dropped: dict[str, int] = field(default_factory=dict)
    duration_s: float = 0.0
    error: str | None = None


def content_hash(files: Sequence[FetchedFile], ingester_version: str) -> str:
    digest = hashlib.sha256(ingester_version.encode())
    for item in files:
        digest.update(item.sha256.encode())
    return digest.hexdigest()


def sync(
    database: Database,
    reader: SourceReader,
    sources: Sequence[DataSource],
    progress: SyncProgress | None = None,
    *,
    force: bool = False,
) -> list[IngestReport]:
    """Ingest every source in turn; one source's failure does not stop the others."""
    progress = progress or _Silent()
    try:
        reports = [_sync_one(database, reader, source, progress, force) for source in sources]
        if any(s.domain == "models" for s in sources):
            _rebuild_models_if_needed(database, sources, reports)
    finally:
        repository.forget_versions()  # this process's caches see the new catalogs at once
    return reports


def _rebuild_models_if_needed(database: Database, sources: Sequence[DataSource], reports: Sequence[IngestReport]) -> None:
    """Re-merge the model records when a model source changed (or they were never merged)."""
    changed = any(r.status == "ingested" for s, r in zip(sources, reports, strict=True) if s.domain == "models")
    with database.session() as session:
        repository.lock_source(session, "models:merged")
        if not changed and model_repository.count_models(session) > 0:
            return
        rebuild_models(session)


def _sync_one(database: Database, reader: SourceReader, source: DataSource, progress: SyncProgress, force: bool) -> IngestReport:
    started, clock = datetime.now(UTC), time.perf_counter()
    ingester = INGESTERS[source.domain]
    files: Sequence[FetchedFile] = ()
    digest = ""
    if reader.mirror is None and source.mirror_only:
        # Not an error: online, such a source is simply not available; the rest of the catalog still syncs.
        report = IngestReport(source.id, "skipped", error=f"read from ARCHITECT_DATA_MIRROR only ({source.mirror_only})")
        progress.end(source, report)
        return report
    try:
        files = reader.fetch(source)
        digest = content_hash(files, ingester.version)
        with database.session() as session:
            state = repository.source_state(session, source.id)
        if state and state["content_sha256"] == digest and not force:
            report = IngestReport(source.id, "unchanged", rows_written=0)
        else:
            forced_after = state["last_run_id"] if state and force else None
            report = _ingest(database, reader, source, ingester, files, digest, started, clock, progress, forced_after)
            progress.end(source, report)
            return report
    except ArchitectError as exc:
        report = IngestReport(source.id, "failed", error=exc.message)
    except Exception as exc:  # any adapter or database failure: keep the old catalog, record why
        log.exception("ingest.failed", source=source.id)
        report = IngestReport(source.id, "failed", error=f"{type(exc).__name__}: {exc}")
    report.duration_s = time.perf_counter() - clock
    _record(database, reader, source, files, digest, report, started)
    progress.end(source, report)
    return report


def _ingest(
    database: Database,
    reader: SourceReader,
    source: DataSource,
    ingester: DomainIngester,
    files: Sequence[FetchedFile],
    digest: str,
    started: datetime,
    clock: float,
    progress: SyncProgress,
    forced_after: int | None,
) -> IngestReport:
    """Parse and replace one source's rows in one transaction.

    `forced_after` is the run a `--force` sync wants to supersede: an unchanged hash still counts
    as work done only when another sync has ingested since.
    """
    parsed = ingester.parse(source, files)
    progress.begin(source, ingester.row_count(parsed))
    with database.session() as session:
        # One writer per source at a time: a concurrent sync waits here, then finds the work done.
        repository.lock_source(session, source.id)
        state = repository.source_state(session, source.id)
        if state and state["content_sha256"] == digest and state["last_run_id"] != forced_after:
            return IngestReport(source.id, "unchanged")
        written = ingester.replace(session, source, parsed, lambda n: progress.advance(source, n))
        report = IngestReport(source.id, "ingested", parsed.rows_read, written, dict(parsed.dropped))
        report.duration_s = time.perf_counter() - clock
        run_id = _record_in(session, reader, source, files, digest, report, started)
        repository.save_source_state(
            session,
            source_id=source.id,
            domain=source.domain,
            origin=reader.origin,
            commit=source.commit,
            content_sha256=digest,
            rows=written,
            catalog_date=source.catalog_date,
            ingested_at=datetime.now(UTC),
            last_run_id=run_id,
        )
    log.info("ingest.done", source=source.id, rows_read=report.rows_read, rows_written=written,
             dropped=report.rows_dropped, duration_s=round(report.duration_s, 3))
    return report


def _record(database: Database, reader: SourceReader, source: DataSource, files: Sequence[FetchedFile],
            digest: str, report: IngestReport, started: datetime) -> None:
    try:
        with database.session() as session:
            _record_in(session, reader, source, files, digest, report, started)
    except Exception:  # bookkeeping must never hide the original outcome
        log.exception("ingest.record_failed", source=source.id)


def _record_in(session: Session, reader: SourceReader, source: DataSource, files: Sequence[FetchedFile],
               digest: str, report: IngestReport, started: datetime) -> int:
    return repository.record_run(
        session,
        source_id=source.id,
        domain=source.domain,
        origin=reader.origin,
        commit=source.commit,
        files=[{"path": f.source_file.upstream_path, "sha256": f.sha256, "bytes": f.size_bytes} for f in files],
        content_sha256=digest,
        status=report.status,
        rows_read=report.rows_read,
        rows_written=report.rows_written,
        rows_dropped=report.rows_dropped,
        error=report.error,
        started_at=started,
        finished_at=datetime.now(UTC),
        duration_s=report.duration_s,
    )


def raise_for_failures(reports: Sequence[IngestReport]) -> None:
    failed = [r for r in reports if r.status == "failed"]
    if failed:
        raise IngestError("; ".join(f"{r.source_id}: {r.error}" for r in failed))
