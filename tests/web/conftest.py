"""The real service on loopback (uvicorn, the embedded PostgreSQL, fixture catalogs) and Debian's Chromium
driven by Playwright. Screenshots go to `artifacts/screenshots/` (git-ignored)."""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import uvicorn

from stack8s_architect.api.app import create_app
from stack8s_architect.core.embedded_postgres import EmbeddedPostgres
from stack8s_architect.core.settings import Settings

from stack8s_architect.catalog import ingest
from stack8s_architect.catalog.sources import SourceReader, _model_source

from ..catalog.models.adapters.test_llm_sources import hub_line, llmfit_row, write_jsonl_gz
from ..conftest import create_database, drop_database
from ..planning.fixtures import sync_fixture_catalogs

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# As root Chromium needs --no-sandbox; the network flags keep it from calling Google's hosts on a closed network.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]


@dataclass
class Service:
    url: str
    http: httpx.Client

    def converse(self, *messages: str) -> str:
        """A conversation through the API (set-up for tests about other things); its id."""
        cid = self.http.post("/api/v1/chat/start", json={"message": messages[0]}).json()["conversation_id"]
        for message in messages[1:]:
            reply = self.http.post("/api/v1/chat/message", json={"conversation_id": cid, "message": message})
            assert reply.status_code == 200, reply.text
        return cid


# A few models, so plans name some: shapes from an llmfit-style list, licences from Hub tags.
MODELS = {
    "meta-llama/Llama-3.1-70B-Instruct": (70_553_706_496, "llama3.1"),
    "meta-llama/Llama-3.1-8B-Instruct": (8_030_261_248, "llama3.1"),
    "Qwen/Qwen2.5-7B-Instruct": (7_615_616_512, "apache-2.0"),
    "mistralai/Mistral-7B-Instruct-v0.3": (7_248_023_552, "apache-2.0"),
}


def sync_fixture_models(database, root: Path) -> None:  # noqa: ANN001
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


@pytest.fixture(scope="package")
def service(postgres_server: EmbeddedPostgres, template_database: str, tmp_path_factory) -> Iterator[Service]:  # noqa: ANN001
    database = create_database(postgres_server, template_database)
    catalogs = tmp_path_factory.mktemp("catalogs")
    sync_fixture_catalogs(database, catalogs)
    sync_fixture_models(database, catalogs)
    app = create_app(Settings.load(), database=database, embed_in_background=False)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the service did not start on loopback")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    with httpx.Client(base_url=url, timeout=60) as http:
        yield Service(url, http)
    server.should_exit = True
    thread.join(timeout=30)
    drop_database(postgres_server, database)


@pytest.fixture(scope="package")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        reason = "Debian's chromium is not installed (make test installs it: apt-get install -y chromium)"
        if os.environ.get("ARCHITECT_REQUIRE_BROWSER"):
            pytest.fail(reason + "; ARCHITECT_REQUIRE_BROWSER is set (CI)")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Console:
    """What the page said: console errors/warnings, uncaught exceptions, failed requests."""

    errors: list[str] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)

    def allow(self, pattern: str) -> None:
        self.allowed.append(re.compile(pattern))

    def unexpected(self) -> list[str]:
        return [e for e in self.errors if not any(p.search(e) for p in self.allowed)]


def open_page(browser, service: Service, console: Console, *, width: int = 1440, height: int = 900,  # noqa: ANN001
              mobile: bool = False):  # noqa: ANN201
    context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True,
                                  is_mobile=mobile, has_touch=mobile, device_scale_factor=2 if mobile else 1,
                                  base_url=service.url)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=service.url)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.on("console", lambda m: console.errors.append(f"console.{m.type}: {m.text}")
            if m.type in {"error", "warning"} else None)
    page.on("pageerror", lambda e: console.errors.append(f"pageerror: {e}"))
    # ERR_ABORTED is a request still open when the context closes (Chromium may not report a finished
    # stream as finished); anything else is a failure
    page.on("requestfailed", lambda r: console.errors.append(f"requestfailed: {r.url} {r.failure}")
            if not r.url.startswith("blob:") and "ERR_ABORTED" not in (r.failure or "") else None)
    return page


@pytest.fixture
def console() -> Console:
    return Console()


@pytest.fixture
def desktop(browser, service: Service, console: Console, request) -> Iterator[object]:  # noqa: ANN001
    page = open_page(browser, service, console)
    yield page
    shoot(page, request.node.name + "-end")
    page.context.close()
    assert console.unexpected() == [], "the page logged errors"


def shoot(page, name: str) -> Path:  # noqa: ANN001
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
    page.screenshot(path=str(path), full_page=False)
    return path
