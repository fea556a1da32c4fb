"""`architect serve` (the API and web UI, one or more worker processes) and `architect db upgrade`."""

from __future__ import annotations

import os
import signal
from typing import Annotated

import typer

from stack8s_architect.cli.data import _sync
from stack8s_architect.cli.common import _database, _fail, console, errors

db_app = typer.Typer(help="Database schema.", no_args_is_help=True)


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
            _run_workers(uvicorn.Config("stack8s_architect.api.app:worker_app", factory=True, workers=count,
                                        **options))
            return
        # uvicorn shuts down gracefully on SIGTERM and then re-raises it; under the default handler that would end
        # the process before `_database` stops the embedded PostgreSQL this process started. Turned into an exit:
        # (Ctrl-C needs nothing: uvicorn.run swallows the KeyboardInterrupt it re-raises and returns.)
        signal.signal(signal.SIGTERM, _exit_on_signal)
        uvicorn.run(create_app(settings, database=database), **options)


def _run_workers(config: object) -> None:
    """uvicorn's multi-process supervisor (as `uvicorn.run` starts it), over a listening socket with TCP_NODELAY: the
    workers' accepted connections inherit it (Linux). A socket handed to a spawned worker comes back without its
    protocol number, so asyncio does not set TCP_NODELAY on what the worker accepts, and a response written in two
    pieces then waits ~40 ms for the client's delayed ACK (measured: /health 2 ms with one process, 44 ms with two)."""
    import socket

    from uvicorn.supervisors import Multiprocess

    sock = config.bind_socket()  # type: ignore[attr-defined]
    if sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    Multiprocess(config, sockets=[sock]).run()  # type: ignore[arg-type]


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
