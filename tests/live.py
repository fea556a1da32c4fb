"""The real service on a loopback port (uvicorn in a thread) over a database the test prepared, and the model
fixtures plans name. Used by the browser tests, the schema fuzzing and the reliability tests."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from stack8s_architect.catalog import ingest
from stack8s_architect.catalog.sources import SourceReader, _model_source
from stack8s_architect.core.database import Database

from .catalog.models.adapters.test_llm_sources import hub_line, llmfit_row, write_jsonl_gz
from .planning.fixtures import sync_fixture_catalogs

# A few models, so plans name some: shapes from an llmfit-style list, licences from Hub tags.
MODELS = {
    "meta-llama/Llama-3.1-70B-Instruct": (70_553_706_496, "llama3.1"),
    "meta-llama/Llama-3.1-8B-Instruct": (8_030_261_248, "llama3.1"),
    "Qwen/Qwen2.5-7B-Instruct": (7_615_616_512, "apache-2.0"),
    "mistralai/Mistral-7B-Instruct-v0.3": (7_248_023_552, "apache-2.0"),
}


def sync_fixture_models(database: Database, root: Path) -> None:
    folder = root / "mirror" / "models" / "test+models"
    folder.mkdir(parents=True, exist_ok=True)
    rows = [llmfit_row(name, parameters_raw=params, parameter_count=f"{round(params / 1e9)}B",
                       pipeline_tag="text-generation", format="safetensors", quantization="BF16",
                       context_length=131072, hf_downloads=1_000_000 - i)
            for i, (name, (params, _)) in enumerate(MODELS.items())]
    (folder / "hf_models.json").write_text(json.dumps(rows))
    write_jsonl_gz(folder / "models.jsonl.gz", [
        hub_line(name, f"# {name}", tags=[f"license:{licence}", "text-generation"], pipeline_tag="text-generation")
        for name, (_, licence) in MODELS.items()])
    sources = [_model_source("test-llmfit", "llmfit", "test/models", "0" * 40, "hf_models.json", catalog_date="2026-11-01"),
               _model_source("test-hub", "hub-dump", "test/models", "0" * 40, "models.jsonl.gz", catalog_date="2026-11-01")]
    ingest.sync(database, SourceReader(root / "mirror", root / "cache"), sources)


def sync_all_fixtures(database: Database, root: Path) -> None:
    """Compute, chart and model fixture catalogs: every plan part, and /ready says ready."""
    sync_fixture_catalogs(database, root)
    sync_fixture_models(database, root)


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """Run `app` on 127.0.0.1 (a free port) until the block ends; yields its base URL."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the service did not start on loopback")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


LLM_ENV = ("ARCHITECT_LLM", "ARCHITECT_LLM_BASE_URL", "ARCHITECT_LLM_NARRATE", "ARCHITECT_LLM_TIMEOUT_S",
           "ARCHITECT_LLM_API_KEY", "OPENAI_API_KEY", "OPENAI_BASE_URL")


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServiceProcesses:
    """`architect serve` as real processes over one database (DATABASE_URL), each in its own process group so a test
    can kill a service with its workers at once, as a crash or an OOM kill would."""

    def __init__(self, database: Database, home: Path):
        self.database, self.home = database, home
        self.processes: list = []

    def start(self, port: int | None = None, *args: str, wait_ready: bool = False, **env: str):  # noqa: ANN201
        import os
        import subprocess
        import sys

        import httpx

        port = port or free_port()
        environment = {**os.environ, "DATABASE_URL": self.database.url, "ARCHITECT_HOME": str(self.home),
                       "ARCHITECT_LOG_LEVEL": "WARNING", "ARCHITECT_WORKERS": "1", **env}
        for name in LLM_ENV:
            if name not in env:
                environment.pop(name, None)
        process = subprocess.Popen([sys.executable, "-m", "stack8s_architect.cli", "serve", "--port", str(port), *args],
                                   env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                   start_new_session=True)
        process.port = port
        process.url = f"http://127.0.0.1:{port}"
        self.processes.append(process)
        deadline = time.monotonic() + 120
        probe = "/ready" if wait_ready else "/health"
        # several workers share the port and each warms up on its own: a run of answers reaches them all
        needed, answered = (8 if "--workers" in args else 1), 0
        while time.monotonic() < deadline:
            try:
                ok = httpx.get(f"{process.url}{probe}", timeout=1).status_code == 200
            except httpx.TransportError:
                ok = False
            answered = answered + 1 if ok else 0
            if answered >= needed:
                return process
            if ok:
                continue
            if process.poll() is not None:
                raise RuntimeError(f"serve exited: {process.stderr.read().decode()[-2000:]}")
            time.sleep(0.2)
        raise RuntimeError("serve did not start")

    @staticmethod
    def kill(process) -> None:  # noqa: ANN001
        import os
        import signal

        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=30)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                self.kill(process)
