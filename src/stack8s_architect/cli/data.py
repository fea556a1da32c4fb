"""`architect data`: sync the catalogs, and what each source holds."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

# Heavy modules (the ingesters, the catalogs, SQLAlchemy, the embedding runtime) are imported by the commands that use
# them, so `--help` and a command talking to a running service (ARCHITECT_URL) start in a fraction of a second.
if TYPE_CHECKING:
    from stack8s_architect.catalog import ingest
    from stack8s_architect.catalog.sources import DataSource
    from stack8s_architect.core.database import Database
from stack8s_architect.core.settings import Settings
from stack8s_architect.cli.common import _database, _print_json, console

data_app = typer.Typer(help="Catalog data: sync and status.", no_args_is_help=True)


class _RichSyncProgress:
    """Rich progress bars per source for `data sync`."""

    def __init__(self, progress: Progress):
        self.progress = progress
        self.tasks: dict[str, TaskID] = {}

    def begin(self, source: DataSource, total_rows: int) -> None:
        self.tasks[source.id] = self.progress.add_task(source.id, total=max(total_rows, 1))

    def advance(self, source: DataSource, rows: int) -> None:
        self.progress.advance(self.tasks[source.id], rows)

    def end(self, source: DataSource, report: ingest.IngestReport) -> None:
        task = self.tasks.get(source.id) or self.progress.add_task(source.id, total=1)
        self.progress.update(task, completed=self.progress.tasks[task].total,
                             description=f"{source.id} [dim]{report.status}[/]")


@data_app.command("sync")
def data_sync(
    only: Annotated[list[str] | None, typer.Option("--only", help="Domains to sync: compute, models, charts.")] = None,
    source: Annotated[list[str] | None, typer.Option("--source", help="Source ids to sync.")] = None,
    force: Annotated[bool, typer.Option(help="Re-ingest even when the files are unchanged.")] = False,
) -> None:
    """Ingest the catalogs from ARCHITECT_DATA_MIRROR, or download them at their pinned commits."""
    from stack8s_architect.catalog.sources import sources_for

    with _database() as (settings, database):
        _sync(settings, database, sources_for(tuple(only or ()), tuple(source or ())), force=force)


def _sync(settings: Settings, database: Database, chosen: list, *, force: bool = False) -> None:
    """Ingest `chosen` sources with progress bars; unchanged sources are skipped by their files' hash."""
    from stack8s_architect.catalog import ingest
    from stack8s_architect.catalog.sources import SourceReader

    reader = SourceReader(settings.data.data_mirror, settings.data.home / "cache", settings.data.download_timeout_s)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as bars:
        reports = ingest.sync(database, reader, chosen, _RichSyncProgress(bars), force=force)
    _print_reports(reports)
    ingest.raise_for_failures(reports)


def _print_reports(reports: list[ingest.IngestReport]) -> None:
    table = Table("source", "status", "rows read", "rows written", "dropped", "seconds", "note")
    for r in reports:
        dropped = ", ".join(f"{reason}: {n}" for reason, n in sorted(r.rows_dropped.items())) or "-"
        table.add_row(r.source_id, r.status, str(r.rows_read), str(r.rows_written), dropped, f"{r.duration_s:.2f}",
                      r.error or "")
    console.print(table)


@data_app.command("status")
def data_status(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """What each source holds: commit, file hash, rows, when, and the last run."""
    from stack8s_architect.catalog.service import catalog_status

    with _database() as (_, database), database.session() as session:
        status = catalog_status(session)
        if as_json:
            _print_json(status)
            return
        table = Table("source", "commit", "origin", "rows", "ingested at", "last run", "seconds", "sha256")
        for s in status.sources:
            table.add_row(
                s.source_id, s.commit[:10], s.origin or "-", str(s.rows),
                s.ingested_at.strftime("%Y-%m-%d %H:%M:%S") if s.ingested_at else "never",
                s.last_status or "-", f"{s.last_duration_s:.2f}" if s.last_duration_s is not None else "-",
                (s.content_sha256 or "-")[:12],
            )
        console.print(table)
        console.print(f"{status.total_rows} rows in all")
        index = status.model_index
        console.print(f"model index: {index.models} models, {index.chunks} chunks, {index.embedded_chunks} with vectors")
