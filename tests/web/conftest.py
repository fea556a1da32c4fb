"""The real service on loopback (uvicorn, the embedded PostgreSQL, fixture catalogs) and Debian's Chromium
driven by Playwright. Screenshots go to `artifacts/screenshots/` (git-ignored)."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from stack8s_architect.api.app import create_app
from stack8s_architect.core.embedded_postgres import EmbeddedPostgres
from stack8s_architect.core.settings import Settings

from ..conftest import create_database, drop_database
from ..live import serving, sync_all_fixtures

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


@pytest.fixture(scope="package")
def service(postgres_server: EmbeddedPostgres, template_database: str, tmp_path_factory) -> Iterator[Service]:  # noqa: ANN001
    database = create_database(postgres_server, template_database)
    catalogs = tmp_path_factory.mktemp("catalogs")
    sync_all_fixtures(database, catalogs)
    app = create_app(Settings.load(), database=database, embed_in_background=False)
    with serving(app) as url, httpx.Client(base_url=url, timeout=60) as http:
        # build the model search index before the first page needs it (no conversation is created), so a
        # test's first turn is not also the service's cold start on a busy machine
        assert http.post("/api/v1/tools/models/search", json={"query": "warm up", "limit": 1}).status_code == 200
        yield Service(url, http)
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
