"""The web UI's files: the page and the front-end libraries vendored from npm, with their licences."""

from __future__ import annotations

import hashlib
import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from stack8s_architect.api.app import create_app
from stack8s_architect.core.database import Database
from stack8s_architect.core.settings import Settings

from ..conftest import local_client

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "src" / "stack8s_architect" / "api" / "static" / "vendor"


@pytest.fixture
def client(database: Database) -> Iterator[TestClient]:
    with local_client(create_app(Settings.load(), database=database, embed_in_background=False)) as test_client:
        yield test_client


def _script():  # noqa: ANN202
    spec = importlib.util.spec_from_file_location("vendor_frontend", ROOT / "scripts" / "vendor_frontend.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_vendored_files_are_the_pinned_versions_with_licences() -> None:
    versions = json.loads((VENDOR / "VERSIONS.json").read_text())
    pinned = _script().PACKAGES
    assert {name: entry["version"] for name, entry in versions.items()} == {n: v for n, (v, _) in pinned.items()}
    for name, entry in versions.items():
        assert f"{name}/LICENSE" in entry["files"]
        for file in entry["files"]:
            assert (VENDOR / file).stat().st_size > 0, file
    assert "18.2.1" in (VENDOR / "marked" / "marked.umd.js").read_text()[:400]
    assert "3.4.18" in (VENDOR / "dompurify" / "purify.min.js").read_text()[:400]


def test_the_service_serves_the_page_and_the_libraries(client: TestClient) -> None:
    assert client.get("/").status_code == 200
    response = client.get("/static/vendor/mermaid/mermaid.min.js")
    assert response.status_code == 200 and "javascript" in response.headers["content-type"]
    on_disk = (VENDOR / "mermaid" / "mermaid.min.js").read_bytes()
    assert hashlib.sha256(response.content).digest() == hashlib.sha256(on_disk).digest()
    missing = client.get("/static/vendor/nothing.js")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    assert client.get("/static/..%2F..%2F..%2Fpyproject.toml").status_code == 404  # no way out of the folder
