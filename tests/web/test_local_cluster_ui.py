"""The web UI with a local cluster configured (a static inventory): the plan's first compute option is the
cluster's free GPUs, shown as local and free, with the nodes it takes, before the cloud offers."""

from __future__ import annotations

import re

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from stack8s_architect.api.app import create_app
from stack8s_architect.core.embedded_postgres import EmbeddedPostgres
from stack8s_architect.core.settings import Settings

from ..conftest import create_database, drop_database
from ..live import serving, sync_all_fixtures
from .conftest import Console, Service, open_page, shoot

pytestmark = pytest.mark.browser


@pytest.fixture
def with_cluster(postgres_server: EmbeddedPostgres, template_database: str, tmp_path: Path,
                 monkeypatch: pytest.MonkeyPatch) -> Iterator[Service]:
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(yaml.safe_dump({"cluster": "lab", "nodes": [
        {"name": "a100-1", "gpus": [{"product": "NVIDIA-A100-SXM4-80GB", "count": 8, "in_use": 6}]}]}))
    monkeypatch.setenv("ARCHITECT_CLUSTER", "file")
    monkeypatch.setenv("ARCHITECT_CLUSTER_INVENTORY", str(inventory))
    database = create_database(postgres_server, template_database)
    sync_all_fixtures(database, tmp_path / "catalogs")
    app = create_app(Settings.load(), database=database, embed_in_background=False)
    with serving(app) as url, httpx.Client(base_url=url, timeout=60) as http:
        yield Service(url, http)
    drop_database(postgres_server, database)


def test_the_local_option_is_shown_first_as_local_and_free(browser, with_cluster: Service) -> None:  # noqa: ANN001
    console = Console()
    page = open_page(browser, with_cluster, console)
    page.goto("/")
    page.fill("#composer-input", "Serve Llama 3.1 8B for 20 concurrent users on our own cluster, budget $3000/month")
    page.keyboard.press("Enter")
    page.wait_for_selector("#plan-body:not([hidden])")
    assert "local cluster lab" in page.locator("#panel-summary .facts").inner_text()
    page.click("#tab-compute")
    first = page.locator("#panel-compute tbody tr").first
    cells = first.locator("td").all_inner_texts()  # the decision columns: #, option, GPU, count, $/month, fits
    assert cells[1].startswith("local\n") and cells[3].endswith("on a100-1") and cells[4] == "$0.00"
    assert "no compute cost" in first.get_attribute("title")
    second = page.locator("#panel-compute tbody tr").nth(1).locator("td").all_inner_texts()
    assert not second[1].startswith("local") and second[4] != "$0.00"
    page.get_by_role("button", name=re.compile("^All columns")).click()  # region and spot on demand
    cells = page.locator("#panel-compute tbody tr").first.locator("td").all_inner_texts()
    assert "lab" in cells and "local, free" in cells and "$0.00" in cells
    shoot(page, "local-cluster-compute")
    page.context.close()
    assert console.unexpected() == [], "the page logged errors"
