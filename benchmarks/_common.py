"""Shared set-up for the benchmarks: a throw-away embedded server and the mirror location."""

from __future__ import annotations

import os
import platform
import shutil
import statistics
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from stack8s_architect.agents.chat import ChatService
from stack8s_architect.conversations.repository import ConversationStore
from stack8s_architect.core.database import Database
from stack8s_architect.core.logging import configure_logging
from stack8s_architect.core.settings import Settings
from stack8s_architect.rendering.bundle import finish_plan
from stack8s_architect.rendering.markdown import plan_markdown
from stack8s_architect.core.embedded_postgres import EmbeddedPostgres

ROOT = Path(__file__).resolve().parents[1]


def mirror() -> Path:
    path = Path(os.environ.get("ARCHITECT_DATA_MIRROR") or ROOT.parent / "shared" / "data")
    if not (path / "compute").is_dir():
        raise SystemExit(f"no catalog mirror at {path}: set ARCHITECT_DATA_MIRROR")
    return path


@contextmanager
def scratch_database() -> Iterator[Database]:
    home = Path(tempfile.mkdtemp(prefix="architect-bench-"))
    home.chmod(0o755)  # the server account must reach it
    server = EmbeddedPostgres(home)
    database = Database(server.start(), embedded=server)
    database.upgrade()
    try:
        yield database
    finally:
        database.engine.dispose()
        server.stop(only_if_idle=False)
        shutil.rmtree(home, ignore_errors=True)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def machine() -> str:
    cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], capture_output=True, text=True).stdout.strip()
    return f"{platform.node()}: {os.cpu_count()} cores, {cpu or platform.processor()}, Python {platform.python_version()}"


def median(values: list[float]) -> float:
    return statistics.median(values)


@contextmanager
def chat_service() -> Iterator[ChatService]:
    """The chat service as the API builds it (offline engine), over the catalogs in ARCHITECT_HOME."""
    settings = Settings.load()
    configure_logging("WARNING", settings.logging.log_format)
    database = Database.open(settings)
    try:
        yield ChatService(database, ConversationStore, render=plan_markdown, finish=finish_plan)
    finally:
        database.close()


def serve_workers(database_url: str, workers: int, **env: str) -> tuple[subprocess.Popen, str]:
    """`architect serve --workers N` over `database_url` in its own process group (tokens required, embeddings off,
    no LLM unless `env` names one, a throw-away home), once it answers /ready: (the process, its base URL)."""
    import socket
    import sys
    import time

    import httpx

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    environment = {name: value for name, value in os.environ.items() if not name.startswith("ARCHITECT_LLM")}
    environment.update({"DATABASE_URL": database_url, "ARCHITECT_AUTH": "tokens", "ARCHITECT_LOG_LEVEL": "WARNING",
                        "ARCHITECT_EMBEDDINGS": "off", "ARCHITECT_HOME": tempfile.mkdtemp(prefix="architect-bench-"),
                        **env})
    child = subprocess.Popen([sys.executable, "-m", "stack8s_architect.cli", "serve", "--port", str(port),
                              "--workers", str(workers)], env=environment, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    answered = 0  # each worker warms up on its own: a run of ready answers reaches them all
    while True:
        try:
            answered = answered + 1 if httpx.get(f"{base}/ready", timeout=2).status_code == 200 else 0
        except httpx.HTTPError:
            answered = 0
        if answered >= 4 * workers:
            return child, base
        if answered:
            continue
        if time.monotonic() > deadline or child.poll() is not None:
            raise SystemExit("the service did not become ready")
        time.sleep(0.2)
