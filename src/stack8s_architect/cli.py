"""`architect` — the command line. Thin wrappers over the services."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import sys
from pathlib import Path
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from pydantic import BaseModel, ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

# Heavy modules (the ingesters, the catalogs, SQLAlchemy, the embedding runtime) are imported by the commands that use
# them, so `--help` and a command talking to a running service (ARCHITECT_URL) start in a fraction of a second.
if TYPE_CHECKING:
    from stack8s_architect.catalog import ingest
    from stack8s_architect.catalog.sources import DataSource
    from stack8s_architect.core.database import Database
from stack8s_architect.core.errors import ArchitectError, UnknownNameError
from stack8s_architect.core.logging import configure_logging
from stack8s_architect.core.settings import Settings

app = typer.Typer(help="Stack8s AI Architect: AI/ML infrastructure plans from real catalogs.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
data_app = typer.Typer(help="Catalog data: sync and status.", no_args_is_help=True)
compute_app = typer.Typer(help="Cloud compute catalog.", no_args_is_help=True)
models_app = typer.Typer(help="Model knowledge base.", no_args_is_help=True)
charts_app = typer.Typer(help="Kubernetes components: Helm charts by role.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(data_app, name="data")
app.add_typer(compute_app, name="compute")
app.add_typer(models_app, name="models")
app.add_typer(charts_app, name="charts")
users_app = typer.Typer(help="Users of the service (each has their own conversations).", no_args_is_help=True)
tokens_app = typer.Typer(help="API tokens: `Authorization: Bearer <token>` on every API request.",
                         no_args_is_help=True)
cluster_app = typer.Typer(help="The local Kubernetes cluster: its GPUs and what is free.", no_args_is_help=True)
app.add_typer(cluster_app, name="cluster")
app.add_typer(users_app, name="users")
app.add_typer(tokens_app, name="tokens")

# Piped output gets wide tables instead of rich's 80-column default.
console = Console(width=None if sys.stdout.isatty() else 200)
errors = Console(stderr=True)
T = TypeVar("T")


def _settings(*, serving: bool = False) -> Settings:
    """Settings, and logging: on a terminal a command logs warnings only, readably, unless ARCHITECT_LOG_LEVEL or
    ARCHITECT_LOG_FORMAT say otherwise; the service (and output to a pipe or file) keeps the structured JSON log."""
    settings = Settings.load()
    level, log_format = settings.logging.log_level, settings.logging.log_format
    if not serving and sys.stderr.isatty():
        level = level if "ARCHITECT_LOG_LEVEL" in os.environ else "WARNING"
        log_format = log_format if "ARCHITECT_LOG_FORMAT" in os.environ else "console"
    configure_logging(level, log_format)
    return settings


def _fail(message: str, code: int = 1) -> None:
    errors.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


@contextmanager
def _database(*, serving: bool = False) -> Iterator[tuple[Settings, Database]]:
    """Settings + a migrated database for one command; errors become a message and exit code."""
    from stack8s_architect.catalog.index_cache import use_folder
    from stack8s_architect.core.database import Database

    try:
        settings = _settings(serving=serving)
        use_folder(settings.data.home / "cache" / "indexes")  # a fresh process loads the catalogs' indexes from disk
        database = Database.open(settings)
    except ArchitectError as exc:
        _fail(exc.message)
    try:
        database.upgrade()
        yield settings, database
    except ArchitectError as exc:
        hint = f" Did you mean: {', '.join(exc.suggestions)}?" if isinstance(exc, UnknownNameError) and exc.suggestions and "Did you mean" not in exc.message else ""
        _fail(exc.message + hint, 2 if exc.status_code < 500 else 1)
    finally:
        database.close()
        use_folder(None)


def _print_json(value: Any) -> None:
    if isinstance(value, BaseModel):
        text = value.model_dump_json(indent=2)
    else:
        text = json.dumps([v.model_dump(mode="json") for v in value] if isinstance(value, list) else value, indent=2)
    sys.stdout.write(text + "\n")


def _remote() -> str | None:
    """ARCHITECT_URL: the running service the search and chat commands ask, instead of opening the catalogs in this
    process (its indexes are warm: an answer in about a second). ARCHITECT_TOKEN is sent when the service needs one."""
    url = os.environ.get("ARCHITECT_URL", "").strip().rstrip("/")
    if url and not re.match(r"^https?://[^\s/]+", url):
        _fail(f"ARCHITECT_URL={url!r}: write the service's address, e.g. http://127.0.0.1:8000", 2)
    return url or None


def _call(url: str, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """One API call to the running service; its error message (4xx) or unreachability becomes a clear exit."""
    import httpx

    token = os.environ.get("ARCHITECT_TOKEN", "").strip()
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        response = httpx.request(method, url + path, json=body, headers=headers, timeout=600)
    except httpx.TransportError as exc:
        _fail(f"the service at {url} (ARCHITECT_URL) is not reachable: {exc}. Start it with `make run` or "
              "`architect serve`, or unset ARCHITECT_URL to work on the catalogs directly.")
    if response.status_code >= 400:
        try:
            message = response.json()["error"]["message"]
        except (ValueError, KeyError, TypeError):
            message = f"{response.status_code} {response.reason_phrase}"
        if response.status_code == 401:
            message += " — set ARCHITECT_TOKEN to one of your API tokens (`architect tokens create NAME`)"
        _fail(message, 2 if response.status_code < 500 else 1)
    return response.json()


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (default ARCHITECT_HOST or 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default ARCHITECT_PORT or 8000).")] = None,
    workers: Annotated[int | None, typer.Option(min=1, max=64, help="Service processes sharing the port (default "
                                                "ARCHITECT_WORKERS, else one per core).")] = None,
    sync: Annotated[bool, typer.Option("--sync", help="Sync the catalogs first (`architect data sync`: unchanged "
                                                      "sources are skipped), as the container image does.")] = False,
) -> None:
    """Run the API and web UI."""
    import uvicorn

    from stack8s_architect.api.app import SERVER_OPTIONS, create_app

    # Open and migrate before uvicorn starts, so a bad DATABASE_URL is one clear line, not a traceback.
    from stack8s_architect.api.security import startup_mode

    with _database(serving=True) as (settings, database):
        settings.server.host = host or settings.server.host
        settings.server.port = port or settings.server.port
        count = workers or settings.server.workers or _default_workers()
        if sync:
            from stack8s_architect.catalog.sources import sources_for

            _sync(settings, database, sources_for((), ()))
        mode = startup_mode(settings, database)  # a public bind without tokens stops here, saying why
        if mode == "single-user":
            errors.print(f"[yellow]single-user mode:[/] no users defined and bound to {settings.server.host}, so every "
                         "request acts as the local user. To require API tokens: `architect users create NAME` and "
                         "`architect tokens create NAME`.", highlight=False)
        else:
            errors.print(f"API tokens required (Authorization: Bearer …); listening on {settings.server.host}",
                         highlight=False)
        options = {**SERVER_OPTIONS, "host": settings.server.host, "port": settings.server.port,
                   "timeout_graceful_shutdown": round(settings.server.shutdown_grace_s)}
        if count > 1:
            # Worker processes build their own app from the environment (uvicorn spawns them): they reuse the
            # database this process opened and migrated — the embedded server stays this process's to stop.
            os.environ.update({"ARCHITECT_HOST": settings.server.host, "ARCHITECT_PORT": str(settings.server.port),
                               "ARCHITECT_WORKERS": str(count)})
            if database.embedded is None and settings.database.url is None:  # pragma: no cover  (cannot happen)
                _fail("no database to share with the workers")
            errors.print(f"{count} worker processes on {settings.server.host}:{settings.server.port}", highlight=False)
            uvicorn.run("stack8s_architect.api.app:worker_app", factory=True, workers=count, **options)
            return
        # uvicorn shuts down gracefully on SIGTERM and then re-raises it; under the default handler that would end
        # the process before `_database` stops the embedded PostgreSQL this process started. Turned into an exit:
        # (Ctrl-C needs nothing: uvicorn.run swallows the KeyboardInterrupt it re-raises and returns.)
        signal.signal(signal.SIGTERM, _exit_on_signal)
        uvicorn.run(create_app(settings, database=database), **options)


WORKER_MEMORY_GIB = 2.0  # one worker's catalogs, indexes and embedder: about 1.8 GiB resident, measured


def _default_workers() -> int:
    """One worker per core, as many as the memory available holds."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    try:
        with open("/proc/meminfo") as meminfo:
            available_kib = next(int(line.split()[1]) for line in meminfo if line.startswith("MemAvailable:"))
    except (OSError, StopIteration, ValueError):
        return cores
    return max(1, min(cores, int(available_kib / 1024**2 // WORKER_MEMORY_GIB)))


def _exit_on_signal(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply the database migrations (the service also does this at start)."""
    with _database():
        console.print("database schema is up to date")


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


def _request(factory: Callable[..., T], **values: Any) -> T:
    try:
        return factory(**{k: v for k, v in values.items() if v is not None})
    except ValidationError as exc:
        _fail("; ".join(f"{'.'.join(map(str, e['loc'])) or 'options'}: {e['msg']}" for e in exc.errors()), 2)
        raise  # unreachable: _fail exits


@compute_app.command("search")
def compute_search(
    gpu: Annotated[list[str] | None, typer.Option("--gpu", "-g", help="GPU name (repeatable): H100, L4, a100-80gb…")] = None,
    count: Annotated[str | None, typer.Option(help="GPUs per instance: 8, 2-8, 4+")] = None,
    gpu_memory: Annotated[float | None, typer.Option("--gpu-memory", help="Minimum GiB per GPU.")] = None,
    total_gpu_memory: Annotated[float | None, typer.Option("--total-gpu-memory", help="Minimum GiB across the instance's GPUs.")] = None,
    provider: Annotated[list[str] | None, typer.Option("--provider", "-p", help="Provider (repeatable).")] = None,
    region: Annotated[list[str] | None, typer.Option("--region", "-r", help="Region id (repeatable).")] = None,
    geography: Annotated[list[str] | None, typer.Option("--geo", help="us, europe, eu, asia, a country or city (repeatable).")] = None,
    max_hourly: Annotated[float | None, typer.Option("--max-hourly", help="Max USD per hour.")] = None,
    max_monthly: Annotated[float | None, typer.Option("--max-monthly", help="Max USD per month (730 h).")] = None,
    spot: Annotated[bool, typer.Option(help="Rank by spot price.")] = False,
    cpu: Annotated[bool, typer.Option(help="CPU-only instances.")] = False,
    min_vcpus: Annotated[float | None, typer.Option("--min-vcpus")] = None,
    min_memory: Annotated[float | None, typer.Option("--min-memory", help="Minimum host RAM GiB.")] = None,
    all_regions: Annotated[bool, typer.Option("--all-regions", help="Every region, not the cheapest per instance type.")] = False,
    limit: Annotated[int, typer.Option(help="Rows to show.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Search cloud instances, cheapest first."""
    from stack8s_architect.catalog.compute.schemas import ComputeSearchRequest

    low, high = _count_range(count)
    request = _request(
        ComputeSearchRequest, accelerators=gpu or [], kind="cpu" if cpu else "gpu", min_count=low, max_count=high,
        min_gpu_memory_gib=gpu_memory, min_total_gpu_memory_gib=total_gpu_memory, providers=provider or [],
        regions=region or [], geography=geography or [], max_price_per_hour_usd=max_hourly,
        max_price_per_month_usd=max_monthly, spot=spot, min_vcpus=min_vcpus, min_memory_gib=min_memory,
        group_by_instance_type=not all_regions, limit=limit,
    )
    from stack8s_architect.catalog.compute.schemas import ComputeSearchResponse

    url = _remote()
    with contextlib.ExitStack() as stack:
        if url:
            result = ComputeSearchResponse.model_validate(
                _call(url, "POST", "/api/v1/tools/compute/search", request.model_dump(mode="json")))
        else:
            from stack8s_architect.catalog.compute.service import ComputeCatalog

            _, database = stack.enter_context(_database())
            result = ComputeCatalog(stack.enter_context(database.session())).search(request)
        if as_json:
            _print_json(result)
            return
        table = Table("provider", "instance", "region", "gpu", "n", "GiB/gpu", "vCPU", "RAM", "$/h", "$/month", "source")
        for o in result.offers:
            table.add_row(
                o.provider + (f" ({o.upstream_provider})" if o.upstream_provider else ""), o.instance_type, o.region,
                o.accelerator or "-", f"{o.accelerator_count:g}", _num(o.gpu_memory_gib), _num(o.vcpus),
                _num(o.memory_gib), f"{o.hourly_usd:.3f}" + (" spot" if o.spot else ""), f"{o.monthly_cost_usd:,.0f}",
                o.source,
            )
        console.print(table)
        console.print(f"{result.count} matches; {len(result.offers)} shown")


def _num(value: float | None, decimals: int = 2) -> str:
    """One format for every figure a table shows: thousands separated, at most `decimals` decimals, no trailing
    zeros (1,270 · 2,086.5 · 0.75)."""
    if value is None:
        return "-"
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.{decimals}f}".rstrip("0").rstrip(".")


def _count_range(text: str | None) -> tuple[float | None, float | None]:
    if not text:
        return None, None
    try:
        if text.endswith("+"):
            return float(text[:-1]), None
        if "-" in text:
            low, high = text.split("-", 1)
            return float(low), float(high)
        return float(text), float(text)
    except ValueError:
        _fail(f"--count {text!r}: write a number (8), a range (2-8) or a minimum (4+)", 2)
        raise


@compute_app.command("gpus")
def compute_gpus(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Accelerators with specs, offer counts and price ranges."""
    from stack8s_architect.catalog.compute.service import ComputeCatalog

    with _database() as (_, database), database.session() as session:
        summaries = ComputeCatalog(session).accelerators()
        if as_json:
            _print_json(summaries)
            return
        table = Table("gpu", "vendor", "arch", "GiB", "GB/s", "BF16 TF", "FP8 TF", "offers", "providers", "$/gpu-h from")
        for s in summaries:
            table.add_row(
                s.key, s.vendor, s.architecture, _num(s.memory_gib), _num(s.memory_bandwidth_gb_s), _num(s.bf16_tflops),
                _num(s.fp8_tflops), str(s.offers), ", ".join(s.providers) or "-",
                f"{s.min_price_per_gpu_hour_usd:.2f}" if s.min_price_per_gpu_hour_usd else "-",
            )
        console.print(table)


@models_app.command("search")
def models_search(
    query: Annotated[str, typer.Argument(help="What the model should do, in plain words.")],
    task: Annotated[str | None, typer.Option(help="Task filter: object-detection, text-generation …")] = None,
    domain: Annotated[str | None, typer.Option(help="Domain filter: llm, vision, medical_imaging, speech …")] = None,
    max_params: Annotated[float | None, typer.Option("--max-params", help="Maximum parameters, billions.")] = None,
    fits_gib: Annotated[float | None, typer.Option("--fits-gib", help="Weights must fit in this many GiB.")] = None,
    precision: Annotated[str, typer.Option(help="Precision for --fits-gib and memory figures.")] = "bf16",
    commercial: Annotated[bool, typer.Option("--commercial", help="Only licences allowing commercial use.")] = False,
    license_ids: Annotated[list[str] | None, typer.Option("--license", help="Licence id (repeatable).")] = None,
    has_config: Annotated[bool, typer.Option("--has-config", help="Only models with an architecture config.")] = False,
    limit: Annotated[int, typer.Option(help="Results to show.")] = 10,
    dense: Annotated[bool, typer.Option(help="Use dense retrieval too (loads the embedding model).")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Find models: hybrid retrieval over cards and metadata, reranked by task fit, quality and popularity."""
    from stack8s_architect.catalog.models.schemas import ModelSearchRequest, ModelSearchResponse

    request = _request(
        ModelSearchRequest, query=query, task=task, domain=domain, max_params_billions=max_params, fits_gib=fits_gib,
        precision=precision, commercial_only=commercial, licenses=license_ids or [], has_config=has_config, limit=limit,
    )
    url = _remote()
    with contextlib.ExitStack() as stack:
        if url:  # the service's own embedder, when its vectors are ready
            result = ModelSearchResponse.model_validate(
                _call(url, "POST", "/api/v1/tools/models/search", request.model_dump(mode="json")))
        else:
            from stack8s_architect.catalog.models.search import has_embeddings, search_models

            settings, database = stack.enter_context(_database())
            session = stack.enter_context(database.session())
            embedder = None
            if dense and has_embeddings(session):  # the embedding model loads only when there are vectors to search
                from stack8s_architect.catalog.models.embedding import Embedder

                embedder = Embedder.load(settings.data.home / "cache")
            result = search_models(session, request, embedder)
        if as_json:
            _print_json(result)
            return
        table = Table("#", "model", "task", "params", "licence", "commercial", "downloads", "why")
        for hit in result.results:
            table.add_row(str(hit.rank), hit.id, hit.task, _num(hit.params_billions) + ("B" if hit.params_billions else ""),
                          hit.license, hit.commercial_use, _num(hit.downloads), "; ".join(hit.why[1:4]))
        console.print(table)
        console.print(f"task: {result.inferred_task or '-'}; dense retrieval: {'on' if result.dense else 'off'}")


@models_app.command("show")
def models_show(model_id: Annotated[str, typer.Argument(help="A Hugging Face id, e.g. meta-llama/Llama-3.1-8B.")]) -> None:
    """Everything known about a model, with the source of each field."""
    from stack8s_architect.catalog.models.service import model_detail

    with _database() as (_, database), database.session() as session:
        detail = model_detail(session, model_id)
        record, provenance = detail["record"], detail["record"].get("provenance") or {}
        table = Table("field", "value", "source", title=detail["id"])
        for name, value in record.items():
            if name in {"provenance", "quality", "variants", "architecture_config", "key"} or value in (None, [], ""):
                continue
            table.add_row(name, str(value)[:120], provenance.get(name.replace("license_", "license_raw") if name.startswith("license") else name, ""))
        console.print(table)
        for signal in record.get("quality") or []:
            console.print(f"- quality: {signal['metric']} = {signal['value']:g} ({signal['source']}, {signal['detail']})")
        for variant in (record.get("variants") or [])[:10]:
            size = f"{variant['size_bytes'] / 2**30:.1f} GiB" if variant.get("size_bytes") else "?"
            console.print(f"- variant: {variant['id']} ({variant['format']} {variant.get('quantization') or ''}, {size})")
        if record.get("architecture_config"):
            console.print("- architecture config: yes (exact sizing with `architect size`)")


@charts_app.command("search")
def charts_search(
    query: Annotated[str | None, typer.Argument(help="What the component should do, or its name.")] = None,
    role: Annotated[str | None, typer.Option(help="A role: vector-db, object-storage, api-gateway …")] = None,
    publisher: Annotated[list[str] | None, typer.Option("--publisher", help="upstream, vendor, community, unknown.")] = None,
    license_policy: Annotated[str, typer.Option("--license-policy", help="prefer-permissive, permissive-only, any.")] = "prefer-permissive",
    include_deprecated: Annotated[bool, typer.Option("--include-deprecated", help="Also deprecated charts.")] = False,
    small: Annotated[bool, typer.Option("--small", help="Prefer charts with small default requests.")] = False,
    limit: Annotated[int, typer.Option(help="Results to show.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Find Helm charts by words and/or role: official, maintained charts first."""
    from stack8s_architect.catalog.charts.schemas import ChartSearchRequest
    from stack8s_architect.catalog.charts.service import ChartCatalog

    request = _request(ChartSearchRequest, query=query, role=role, publisher_kinds=publisher, limit=limit,
                       license_policy=license_policy, include_deprecated=include_deprecated, prefer_small=small)
    with _database() as (_, database), database.session() as session:
        result = ChartCatalog(session).search(request)
        if as_json:
            _print_json(result)
            return
        table = Table("#", "chart", "version", "released", "publisher", "licence", "roles", "why")
        for hit in result.results:
            table.add_row(str(hit.rank), hit.id, hit.version or "-", hit.last_release or "-", hit.publisher_kind,
                          hit.license or "?", ", ".join(hit.roles), hit.why)
        console.print(table)
        if result.inferred_roles:
            console.print(f"roles named in the query: {', '.join(result.inferred_roles)}")


@charts_app.command("show")
def charts_show(chart: Annotated[str, typer.Argument(help="A chart id (bitnami/redis) or name (redis).")],
                as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Everything known about a chart: versions, publisher, licence, default resources, how to install."""
    from stack8s_architect.catalog.charts.service import ChartCatalog

    with _database() as (_, database), database.session() as session:
        detail = ChartCatalog(session).show(chart)
        if as_json:
            _print_json(detail)
            return
        table = Table("field", "value", title=detail.id)
        for name in ("description", "product", "roles", "repository", "source_repository", "publisher", "publisher_kind",
                     "foundation", "version", "app_version", "last_release", "first_release", "versions_count",
                     "maintenance", "deprecation", "license", "app_license", "chart_license", "commercial_use",
                     "license_caveat", "requests_cpu_m", "requests_memory_mi", "kube_version", "home"):
            value = getattr(detail, name)
            if value not in (None, [], ""):
                table.add_row(name, ", ".join(value) if isinstance(value, list) else str(value))
        console.print(table)
        for key in detail.gpu_keys:
            console.print(f"- GPU key: {key.path} = {key.value}", highlight=False)
        for dependency in detail.dependencies:
            console.print(f"- depends on {dependency.get('name')} {dependency.get('version', '')}", highlight=False)
        for note in detail.notes:
            console.print(f"- note: {note}", highlight=False)
        if detail.same_name:
            console.print(f"- other charts named {detail.chart}: {', '.join(detail.same_name[:8])}", highlight=False)
        if detail.install:
            console.print(f"install: {detail.install}", highlight=False)


@charts_app.command("stack")
def charts_stack(
    workload: Annotated[str, typer.Argument(help="llm-inference, rag, llm-fine-tuning, cv-training, batch-inference, "
                                                 "medical-imaging, speech.")],
    optional: Annotated[bool, typer.Option("--optional", help="Also the template's optional roles.")] = False,
    add: Annotated[list[str] | None, typer.Option("--add", help="A role to add (repeatable).")] = None,
    exclude: Annotated[list[str] | None, typer.Option("--exclude", help="A role to leave out (repeatable).")] = None,
    compliance: Annotated[list[str] | None, typer.Option("--compliance", help="hipaa, gdpr … (repeatable).")] = None,
    small: Annotated[bool, typer.Option("--small", help="Prefer charts with small default requests.")] = False,
    license_policy: Annotated[str, typer.Option("--license-policy", help="prefer-permissive, permissive-only, any.")] = "prefer-permissive",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """A Kubernetes component stack for a workload: one chart per role, two alternatives each."""
    from stack8s_architect.catalog.charts.schemas import StackRequest
    from stack8s_architect.catalog.charts.service import ChartCatalog

    request = _request(StackRequest, workload=workload, include_optional=optional, add_roles=add or [],
                       exclude_roles=exclude or [], compliance=compliance or [], prefer_small=small,
                       license_policy=license_policy)
    with _database() as (_, database), database.session() as session:
        result = ChartCatalog(session).stack(request)
        if as_json:
            _print_json(result)
            return
        table = Table("role", "chart", "version", "licence", "why", "alternatives", title=result.title)
        for item in result.components:
            role = item.role + ("" if item.required else " (optional)") + "".join(f"\n+ {r}" for r in item.also_covers)
            table.add_row(role, item.chart_id, item.version or "-", item.license or "?", item.why,
                          "\n".join(a.chart_id for a in item.alternatives))
        console.print(table)
        for gap in result.gaps:
            console.print(f"- no chart for {gap.role}: {gap.reason}", highlight=False)
        totals = result.totals
        console.print(f"default requests: {totals.requests_cpu_m}m CPU, {totals.requests_memory_mi} MiB "
                      f"(declared by {totals.charts_with_declared_requests} of {totals.charts} charts)")
        for note in result.notes:
            console.print(f"- {note}", highlight=False)


@models_app.command("embed")
def models_embed(limit: Annotated[int | None, typer.Option(help="Embed at most this many chunks.")] = None) -> None:
    """Embed card chunks that have no vector yet (cached by content hash: a re-run embeds nothing new)."""
    from stack8s_architect.catalog.models import repository as model_repository
    from stack8s_architect.catalog.models.embedding import Embedder
    from stack8s_architect.catalog.models.service import embed_pending

    with _database() as (settings, database):
        embedder = Embedder.load(settings.data.home / "cache")
        with database.session() as session:
            pending = len(model_repository.pending_chunks(session, limit))
        columns = (TextColumn("embedding"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console) as bars:
            task = bars.add_task("embedding", total=max(pending, 1))
            done = embed_pending(database.session, embedder, limit=limit,
                                 progress=lambda n, total: bars.update(task, completed=n))
        with database.session() as session:
            embedded, chunks = model_repository.embedding_counts(session)
        console.print(f"embedded {done} chunks now; {embedded} of {chunks} chunks have vectors")


@app.command("size")
def size_command(
    model: Annotated[str, typer.Option(help="A model name or Hub id (Qwen3-32B, meta-llama/Llama-3.1-8B-Instruct: from "
                                            "the catalog), a config.json path, or a parameter count such as 70B.")],
    mode: Annotated[str, typer.Option(help="inference, training, lora or qlora.")] = "inference",
    precision: Annotated[str | None, typer.Option(help="bf16, fp8, int8, int4, awq, gptq, q4_k_m … (default: the model's).")] = None,
    kv_dtype: Annotated[str | None, typer.Option("--kv-dtype", help="KV cache dtype: auto, bf16, fp8.")] = None,
    context: Annotated[int | None, typer.Option(help="Context length in tokens (default 4096).")] = None,
    concurrency: Annotated[int, typer.Option(help="Concurrent sequences (training: micro-batch per GPU).")] = 1,
    gpu: Annotated[str | None, typer.Option(help="The accelerator to answer for: H100, L4 …")] = None,
    gpu_count: Annotated[int | None, typer.Option("--gpu-count", help="Pin the GPU count instead of searching.")] = None,
    gpus: Annotated[list[str] | None, typer.Option("--compare", help="Accelerators to report counts for (repeatable).")] = None,
    rps: Annotated[float | None, typer.Option("--rps", help="Target requests per second (replicas).")] = None,
    users: Annotated[int | None, typer.Option("--users", help="Concurrent users: KV cache for each, replicas.")] = None,
    tokens_per_user: Annotated[int | None, typer.Option("--tokens-per-user", help="KV each user keeps (default: "
                                                        "--context when given, else 2,048).")] = None,
    user_speed: Annotated[float | None, typer.Option("--user-tokens-per-second", help="Decode speed each user must "
                                                     "see (default 10).")] = None,
    training_tokens: Annotated[float | None, typer.Option("--training-tokens", help="Tokens to train on (6·N·D).")] = None,
    active: Annotated[float | None, typer.Option("--active-params", help="MoE active parameters, billions.")] = None,
    usd_per_hour: Annotated[float | None, typer.Option("--usd-per-hour", help="Price of one instance, for cost.")] = None,
    gpus_per_instance: Annotated[int, typer.Option("--gpus-per-instance", help="GPUs on that instance.")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Memory, GPU count and layout per accelerator, throughput and training time for a model. A model name needs
    the catalog (`architect data sync`); a config.json or a parameter count does not."""
    from stack8s_architect.planning.sizing_tool import SizeToolRequest, is_parameter_count, run_size, size_named

    config, quant = _read_config(model)
    request = _request(
        SizeToolRequest, model=None if config else model, config=config, hf_quant_config=quant,
        usd_per_hour=usd_per_hour, gpus_per_instance=gpus_per_instance,
        model_id=_model_id_for(Path(model)) if config else None, active_params_billions=active, mode=mode,
        precision=precision, kv_cache_dtype=kv_dtype, context_length=context, concurrency=concurrency, gpu=gpu,
        gpu_count=gpu_count, gpus=gpus or [], requests_per_second=rps, concurrent_users=users,
        tokens_per_user=tokens_per_user, user_tokens_per_second=user_speed, training_tokens=training_tokens,
    )
    if config is None and not is_parameter_count(model):
        with _database() as (_, database), database.session() as session:
            result, response = size_named(session, request)
    else:
        try:
            result, response = run_size(request)
        except ArchitectError as exc:
            _fail(exc.message, 2)
            raise
    if as_json:
        _print_json(response)
        return
    _print_sizing(result, response.details, response.sizing["confidence"])


def _model_id_for(path: Path) -> str:
    """`org--name_config.json` (aiconfigurator's naming) → org/name; `…/name/config.json` → name."""
    if path.is_dir() or path.name == "config.json":
        return (path if path.is_dir() else path.parent).name
    return path.name.removesuffix(".json").removesuffix("_config").replace("--", "/")


def _read_config(model: str) -> tuple[dict | None, dict | None]:
    """config.json (a file or a folder holding one) and its hf_quant_config.json sibling, if any."""
    path = Path(model)
    if path.is_dir():
        path = path / "config.json"
    if not path.is_file():
        if model.endswith(".json") or model.startswith((".", "~")) or path.parent.is_dir() and path.parent != Path("."):
            if not re.fullmatch(r"[\w.-]+/[\w.-]+", model):  # org/name is a Hub id, not a path
                _fail(f"--model {model}: no such file (give a config.json path, a model name or a parameter count "
                      "such as 70B)", 2)
        return None, None
    quant = path.with_name(
        "hf_quant_config.json" if path.name == "config.json" else path.name.replace("_config.json", "_hf_quant_config.json")
    )
    return _load_json(path), (_load_json(quant) if quant.is_file() and quant != path else None)


def _load_json(path: Path) -> dict:
    try:
        value = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        _fail(f"{path}: cannot read JSON ({exc})", 2)
        raise
    if not isinstance(value, dict):
        _fail(f"{path}: expected a JSON object", 2)
    return value


def _print_sizing(result: Any, details: dict[str, Any], confidence: str) -> None:
    if details.get("model"):
        model = details["model"]
        also = f" (also matched: {', '.join(model['also_matched'])})" if model["ambiguous"] else ""
        named = model["id"] if model["query"] == model["id"] else f"'{model['query']}' is {model['id']}"
        console.print(f"{named}{also} — {model['basis'].removeprefix(model['id'] + ': ')}", highlight=False)
    breakdown = Table("", "value", title=f"{result.model_id or 'model'} — {result.mode}, {result.precision}, "
                      f"{details['context_length_tokens']:,}-token context, KV for {details['concurrency']} "
                      f"sequence(s) ({confidence})")
    for label, value in (
        ("parameters", f"{result.params_billions:.2f} B ({result.active_params_billions:.2f} B active)"),
        ("weights", f"{result.weights_gib:.2f} GiB"),
        ("KV cache", f"{result.kv_cache_gib:.2f} GiB ({result.kv_cache_bytes_per_token / 1024:,.1f} KiB/token)"),
        ("overhead", f"{result.overhead_gib:.2f} GiB"),
        ("required", f"{result.required_gpu_memory_gib:.2f} GiB"),
        ("decode tokens/s", _num(result.tokens_per_second and round(result.tokens_per_second, 1))),
        ("training hours", _num(result.training_hours and round(result.training_hours, 2))),
    ):
        breakdown.add_row(label, value)
    console.print(breakdown)
    fits = Table("gpu", "fits", "count", "TP", "replicas", "GiB/gpu needed", "budget", "max seqs", "max context",
                 "tok/s", "why")
    chosen = [details["fit"]] if details.get("fit") else []
    for number, fit in enumerate(chosen + details["gpu_fits"]):
        label = f"{fit['gpu']} (--gpu)" if chosen and number == 0 else fit["gpu"]
        fits.add_row(
            label, "yes" if fit["fits"] else "no", _num(fit["gpu_count"]), _num(fit["tensor_parallel"]),
            _num(fit["replicas"]), f"{fit['required_gib_per_gpu']:.1f}", f"{fit['budget_gib_per_gpu']:.1f}", _num(fit["max_concurrent_sequences"]),
            _num(fit["max_context_tokens"]), _num(fit["tokens_per_second"], 1), fit["reason"],
        )
    console.print(fits)
    for fit in chosen:
        for reason in fit["rejected"]:
            console.print(f"- rejected: {reason}", highlight=False)
    if details.get("cost"):
        cost = details["cost"]
        console.print(f"- cost: {cost['instances']} instance(s), ${cost['usd_per_hour']:,.2f}/h, "
                      f"${cost['monthly_cost_usd']:,.0f}/month" +
                      (f", training run ${cost['training_run_usd']:,.0f}" if "training_run_usd" in cost else ""))
    for note in [*details.get("assumptions", []), *result.notes]:
        console.print(f"- {note}", highlight=False)


def _owner(database: Database, user: str | None) -> str:
    """The user id commands act for: `local` (single-user mode) unless --user names one."""
    from stack8s_architect.accounts.repository import AccountStore
    from stack8s_architect.accounts.tables import LOCAL_USER

    if user is None:
        return LOCAL_USER
    with database.session() as session:
        return AccountStore(session).user_named(user)["id"]


@dataclass(frozen=True)
class _Reply:
    """A chat reply as the CLI shows it, from the service in this process or from the one at ARCHITECT_URL."""

    conversation_id: str
    content: str
    warnings: list[str]
    has_plan: bool
    json: Callable[[], str]  # the contract JSON (--json)


@app.command("chat")
def chat_command(
    message: Annotated[str | None, typer.Option("--message", "-m", help="Send one message and exit.")] = None,
    conversation: Annotated[str | None, typer.Option("--conversation", "-c", help="Continue this conversation id.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the contract JSON of the reply.")] = False,
    user: Annotated[str | None, typer.Option("--user", help="Act as this user (default: the single-user-mode "
                                                            "owner, `local`).")] = None,
) -> None:
    """Talk to the architect: an interactive chat, or one message with --message (add --json for machines).
    With ARCHITECT_URL set, the running service answers (and keeps the conversation)."""
    from rich.markdown import Markdown

    url = _remote()
    with contextlib.ExitStack() as stack:
        if url:  # the service checks the message and answers with the contract JSON, kept as it came
            if user is not None:
                _fail("--user acts on the local database; with ARCHITECT_URL the service acts for ARCHITECT_TOKEN's "
                      "owner", 2)

            def ask(text: str | None, conversation_id: str | None) -> _Reply:
                if conversation_id is None:
                    body = _call(url, "POST", "/api/v1/chat/start", {} if text is None else {"message": text})
                else:
                    body = _call(url, "POST", "/api/v1/chat/message",
                                 {"conversation_id": conversation_id, "message": text})
                return _Reply(body["conversation_id"], body["content"], body["warnings"], body["plan"] is not None,
                              lambda: json.dumps(body, indent=2))

            if conversation is not None:
                _call(url, "GET", f"/api/v1/chat/{conversation}")  # a 404 says which id is unknown
        else:
            from stack8s_architect.agents.chat import ChatMessageRequest, ChatService, ChatStartRequest
            from stack8s_architect.agents.llm import build_extractor, build_narrator
            from stack8s_architect.catalog.cluster.service import ClusterService
            from stack8s_architect.conversations.repository import ConversationStore
            from stack8s_architect.rendering.bundle import finish_plan
            from stack8s_architect.rendering.markdown import plan_markdown

            settings, database = stack.enter_context(_database())
            owner = _owner(database, user)
            chat = ChatService(database, ConversationStore, extractor=build_extractor(settings), render=plan_markdown,
                               narrate=build_narrator(settings), finish=finish_plan,
                               cluster=ClusterService(settings.cluster))

            def ask(text: str | None, conversation_id: str | None) -> _Reply:
                if conversation_id is None:
                    reply = chat.start(None if text is None else ChatStartRequest(message=text).message, owner=owner)
                else:
                    reply = chat.message(ChatMessageRequest(conversation_id=conversation_id, message=text), owner=owner)
                return _Reply(reply.conversation_id, reply.content, reply.warnings, reply.plan is not None,
                              lambda: reply.model_dump_json(indent=2))

            if conversation is not None and not chat.exists(conversation, owner=owner):
                _fail(f"no conversation {conversation!r}; `architect chat` starts a new one", 2)

        def show(reply: _Reply) -> None:
            for warning in reply.warnings:
                errors.print(f"[yellow]warning:[/] {warning}", highlight=False)
            console.print(Markdown(reply.content))

        if message is not None:
            reply = _request(lambda: ask(message, conversation))
            if as_json:
                sys.stdout.write(reply.json() + "\n")
                return
            show(reply)
            errors.print(f"[dim]conversation {reply.conversation_id} — go on with: architect chat -c "
                         f"{reply.conversation_id} -m '…'"
                         + (f"; export the plan with: architect export {reply.conversation_id}" if reply.has_plan else "")
                         + "[/]", highlight=False)
            return
        if conversation is None:
            greeting = ask(None, None)
            conversation = greeting.conversation_id
            show(greeting)
        console.print(f"[dim]conversation {conversation} — empty line or Ctrl-D to leave[/]")
        try:
            while True:
                try:
                    text = console.input("[bold cyan]you>[/] ")
                except EOFError:
                    break
                if not text.strip() or text.strip() in {"/quit", "/exit"}:
                    break
                try:
                    with console.status("planning…"):
                        show(ask(text, conversation))
                except (ArchitectError, ValidationError) as exc:  # one bad turn does not end the session
                    problem = exc.message if isinstance(exc, ArchitectError) else exc.errors()[0]["msg"]
                    errors.print(f"[bold red]error:[/] {problem}", highlight=False)
        except KeyboardInterrupt:
            pass
        console.print(f"[dim]continue later with: architect chat --conversation {conversation}; "
                      f"export the plan with: architect export {conversation}[/]")


def _when(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "-"


@users_app.command("create")
def users_create(name: Annotated[str, typer.Argument(help="A user name: letters, digits, '.', '_', '@', '-'.")]) -> None:
    """Create a user. Once any user exists, the service asks every API request for a token."""
    from stack8s_architect.accounts.repository import AccountStore

    with _database() as (_, database), database.session() as session:
        user = AccountStore(session).create_user(name)
    console.print(f"user {user['name']} created; give them a token: architect tokens create {user['name']}",
                  highlight=False)


@users_app.command("list")
def users_list(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Users and how many active tokens each has."""
    from stack8s_architect.accounts.repository import AccountStore

    with _database() as (_, database), database.session() as session:
        rows = AccountStore(session).list_users()
    if as_json:
        sys.stdout.write(json.dumps(rows, default=str, indent=2) + "\n")
        return
    table = Table("user", "created", "active tokens")
    for row in rows:
        table.add_row(row["name"], _when(row["created_at"]), str(row["active_tokens"]))
    console.print(table if rows else "no users: the service runs in single-user mode on loopback")


@users_app.command("delete")
def users_delete(name: Annotated[str, typer.Argument(help="The user to delete.")],
                 yes: Annotated[bool, typer.Option("--yes", help="Do not ask.")] = False) -> None:
    """Delete a user with their tokens and conversations."""
    from stack8s_architect.accounts.repository import AccountStore

    if not yes and not typer.confirm(f"delete {name} with their tokens and conversations?"):
        raise typer.Exit(1)
    with _database() as (_, database), database.session() as session:
        AccountStore(session).delete_user(name)
    console.print(f"user {name} deleted", highlight=False)


@tokens_app.command("create")
def tokens_create(
    user: Annotated[str, typer.Argument(help="The user the token acts for.")],
    name: Annotated[str, typer.Option("--name", help="A label to recognise the token by.")] = "default",
    expires_days: Annotated[int | None, typer.Option("--expires-days", min=1, max=3650,
                                                     help="Expire after this many days (default: never).")] = None,
) -> None:
    """Create a token; the secret is printed once (only its SHA-256 digest is stored)."""
    from stack8s_architect.accounts.repository import AccountStore

    with _database() as (_, database), database.session() as session:
        row, secret = AccountStore(session).create_token(user, name, expires_days)
    expiry = f"expires {_when(row['expires_at'])}" if row["expires_at"] else "never expires"
    errors.print(f"token {row['id']} for {row['user']} ({row['name']}), {expiry}. The secret below is shown only "
                 "now:", highlight=False)
    sys.stdout.write(secret + "\n")  # alone on stdout, for `TOKEN=$(architect tokens create alice)`


@tokens_app.command("list")
def tokens_list(user: Annotated[str | None, typer.Option("--user", help="Only this user's tokens.")] = None,
                as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Tokens (never their secrets): id, user, label, prefix, created, expires, last used, revoked."""
    from stack8s_architect.accounts.repository import AccountStore

    with _database() as (_, database), database.session() as session:
        rows = AccountStore(session).list_tokens(user)
    if as_json:
        sys.stdout.write(json.dumps(rows, default=str, indent=2) + "\n")
        return
    table = Table("id", "user", "name", "prefix", "created", "expires", "last used", "revoked")
    for row in rows:
        table.add_row(row["id"], row["user"], row["name"], row["prefix"] + "…", _when(row["created_at"]),
                      _when(row["expires_at"]), _when(row["last_used_at"]), _when(row["revoked_at"]))
    console.print(table)


@tokens_app.command("revoke")
def tokens_revoke(token: Annotated[str, typer.Argument(help="The token id (`architect tokens list`) or the secret.")]
                  ) -> None:
    """Revoke a token: requests with it are refused from now on."""
    from stack8s_architect.accounts.repository import AccountStore

    with _database() as (_, database), database.session() as session:
        row = AccountStore(session).revoke_token(token)
    console.print(f"token {row['id']} revoked", highlight=False)


@app.command("export")
def export_command(
    conversation: Annotated[str, typer.Argument(help="The conversation id (`architect chat` prints it).")],
    version: Annotated[int | None, typer.Option("--version", "-v", min=1,
                                                help="The plan version (default: the latest).")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Directory to write (created when missing). "
                                                "Default: ./stack8s-plan-<conversation>-v<version>.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Write into a directory that is not empty: the bundle's "
                                        "files are overwritten and its manifests/ folder replaced.")] = False,
    user: Annotated[str | None, typer.Option("--user", help="The conversation's owner (default: `local`).")] = None,
) -> None:
    """Write a plan's deliverables: README.md, plan.json, helmfile.yaml, manifests/, skypilot.yaml, diagram.mmd."""
    from stack8s_architect.agents.chat import ChatService
    from stack8s_architect.conversations.repository import ConversationStore
    from stack8s_architect.rendering.bundle import bundle_files

    if not re.fullmatch(r"[0-9a-f]{1,64}", conversation):
        _fail(f"{conversation!r} is not a conversation id (hex, as `architect chat` prints it)", 2)
    with _database() as (_, database):
        plan = ChatService(database, ConversationStore).plan(conversation, version, owner=_owner(database, user))
    bundle = bundle_files(plan)
    directory = output or Path(f"stack8s-plan-{conversation[:12]}-v{plan.version}")
    if directory.exists() and not directory.is_dir():
        _fail(f"{directory} exists and is not a directory; choose another --output", 2)
    if directory.is_dir() and any(directory.iterdir()) and not force:
        _fail(f"{directory} is not empty; choose another --output, or add --force to replace the bundle's files "
              "there", 2)
    try:
        if force and (directory / "manifests").is_dir():  # no stale manifest of an earlier export stays behind
            shutil.rmtree(directory / "manifests")
        written = bundle.write(directory)
    except OSError as exc:
        _fail(f"cannot write {directory}: {exc.strerror or exc}; choose another --output", 1)
    table = Table(title=f"plan version {plan.version} → {directory}")
    table.add_column("file")
    table.add_column("bytes", justify="right")
    for path in written:
        table.add_row(str(path.relative_to(directory)), f"{path.stat().st_size:,}")
    console.print(table)
    if bundle.problems:
        for problem in bundle.problems:
            errors.print(f"[bold red]invalid:[/] {problem}", highlight=False)
        raise typer.Exit(1)
    kube = sum(1 for path in bundle.files if path.startswith("manifests/"))
    console.print(f"{kube} Kubernetes manifests pass strict schema validation. Next: see {directory / 'README.md'}.")


# --- the local cluster --------------------------------------------------------------------------------

_KUBECONFIG_OPTION = typer.Option("--kubeconfig", help="Read this kubeconfig (default: ARCHITECT_CLUSTER_KUBECONFIG, "
                                                       "$KUBECONFIG, ~/.kube/config).")
_CONTEXT_OPTION = typer.Option("--context", help="The kubeconfig context (default: its current one).")
_INVENTORY_OPTION = typer.Option("--inventory", help="Read this static inventory YAML instead of a cluster.")


def _cluster_service(kubeconfig: Path | None, context: str | None, inventory: Path | None):  # noqa: ANN202
    from stack8s_architect.catalog.cluster.service import ClusterService
    from stack8s_architect.core.settings import ClusterSettings

    try:
        settings = _settings()
        overrides: dict[str, object] = {"cluster_cache_s": 0}
        if inventory is not None:
            overrides.update(cluster="file", cluster_inventory=inventory)
        elif kubeconfig is not None or context is not None:
            overrides["cluster"] = "kubeconfig"
            if kubeconfig is not None:
                overrides["cluster_kubeconfig"] = kubeconfig
            if context is not None:
                overrides["cluster_context"] = context
        chosen = ClusterSettings.model_validate({**settings.cluster.model_dump(), **overrides})
    except ArchitectError as exc:
        _fail(exc.message)
    except ValidationError as exc:
        _fail("; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors()), 2)
    return ClusterService(chosen)


def _cluster_status(kubeconfig: Path | None, context: str | None, inventory: Path | None):  # noqa: ANN202
    status = _cluster_service(kubeconfig, context, inventory).status()
    if not status.reachable or status.inventory is None:
        _fail(status.error or "the cluster could not be read")
    return status


@cluster_app.command("status")
def cluster_status(
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON of GET /api/v1/tools/cluster.")] = False,
    kubeconfig: Annotated[Path | None, _KUBECONFIG_OPTION] = None,
    context: Annotated[str | None, _CONTEXT_OPTION] = None,
    inventory: Annotated[Path | None, _INVENTORY_OPTION] = None,
) -> None:
    """GPU nodes of the local cluster (ready, taints, GPUs allocatable / held / free) and what is free per product.
    Exit 1 when no cluster is configured or it cannot be read (the message says what to change)."""
    from stack8s_architect.catalog.cluster.inventory import gib_text

    if as_json:
        status = _cluster_service(kubeconfig, context, inventory).status()
        _print_json(status)
        if not status.reachable:
            raise typer.Exit(1)
        return
    found = _cluster_status(kubeconfig, context, inventory).inventory
    assert found is not None
    console.print(f"[bold]{found.cluster}[/] ({found.source}: {found.location}), read "
                  f"{found.read_at:%Y-%m-%d %H:%M:%S} UTC: {len(found.nodes)} nodes, {len(found.gpu_nodes)} with GPUs",
                  highlight=False)
    table = Table("node", "ready", "usable", "GPU", "GiB", "allocatable", "held", "free", "util %", "taints",
                  title="GPU nodes")
    for node in found.gpu_nodes:
        for index, gpus in enumerate(node.gpus):
            first = index == 0
            table.add_row(
                node.name if first else "", ("yes" if node.ready else "[red]no[/]") if first else "",
                ("yes" if node.usable else f"[yellow]no: {node.unusable_reason}[/]") if first else "",
                (gpus.accelerator or gpus.product or "?") + (f" MIG {gpus.mig_profile}" if gpus.mig_profile else "")
                + (" (shared)" if gpus.shared else ""), gib_text(gpus.memory_gib), str(gpus.allocatable),
                str(gpus.requested), str(gpus.free),
                f"{node.gpu_utilisation_percent:g}" if first and node.gpu_utilisation_percent is not None else "",
                ", ".join(node.taints) if first else "")
    console.print(table)
    products = Table("GPU", "resource", "GiB", "nodes", "allocatable", "held", "free", "free on usable nodes",
                     title="per product")
    for product in found.products:
        name = (product.accelerator or product.product or "?") + (f" MIG {product.mig_profile}" if product.mig_profile
                                                                  else "")
        products.add_row(name, product.resource, gib_text(product.memory_gib), str(product.nodes),
                         str(product.allocatable), str(product.requested), str(product.free),
                         f"{product.free_usable} ({', '.join(product.usable_nodes) or '-'})")
    console.print(products)
    if found.jobs:
        jobs = Table("namespace", "pod", "node", "phase", "GPUs", title="pods holding or waiting for GPUs")
        for job in found.jobs:
            jobs.add_row(job.namespace, job.name, job.node or "[yellow](not scheduled)[/]", job.phase,
                         ", ".join(f"{n} × {r}" for r, n in job.gpus.items()))
        console.print(jobs)
    for warning in found.warnings:
        errors.print(f"[yellow]warning:[/] {warning}", highlight=False)


@cluster_app.command("snapshot")
def cluster_snapshot(
    output: Annotated[Path, typer.Option("--output", "-o", help="Write the inventory YAML here.")],
    kubeconfig: Annotated[Path | None, _KUBECONFIG_OPTION] = None,
    context: Annotated[str | None, _CONTEXT_OPTION] = None,
) -> None:
    """Save the cluster's inventory as a static file, for planning where the cluster cannot be reached
    (ARCHITECT_CLUSTER_INVENTORY=<file>)."""
    from stack8s_architect.catalog.cluster.static import snapshot

    found = _cluster_status(kubeconfig, context, None).inventory
    assert found is not None
    try:
        output.write_text(snapshot(found), encoding="utf-8")
    except OSError as exc:
        _fail(f"cannot write {output}: {exc.strerror or exc}; choose another --output")
    console.print(f"{len(found.nodes)} nodes ({len(found.gpu_nodes)} with GPUs) of {found.cluster} → {output}",
                  highlight=False)


if __name__ == "__main__":
    app()
