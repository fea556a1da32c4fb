"""The HTTP surface of the compute catalog, over a real database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from stack8s_architect.api.app import create_app
from stack8s_architect.catalog import ingest
from stack8s_architect.catalog.sources import SourceReader
from stack8s_architect.core.database import Database
from stack8s_architect.core.settings import Settings

from ..conftest import local_client
from ..catalog.compute.fixtures import fixture_sources, write_mirror


@pytest.fixture
def client(database: Database, tmp_path: Path) -> Iterator[TestClient]:
    ingest.sync(database, SourceReader(write_mirror(tmp_path), tmp_path / "cache"), fixture_sources())
    with local_client(create_app(Settings.load(), database=database, embed_in_background=False)) as test_client:
        yield test_client


def test_search_returns_ranked_offers(client: TestClient) -> None:
    response = client.post("/api/v1/tools/compute/search", json={"accelerators": ["H100"], "max_count": 1})
    assert response.status_code == 200
    body = response.json()
    assert body["accelerators"] == ["H100-SXM", "H100-PCIe", "H100-NVL"]
    prices = [offer["hourly_usd"] for offer in body["offers"]]
    assert prices == sorted(prices) and prices[0] == 2.99
    first = body["offers"][0]
    assert first["monthly_cost_usd"] == round(2.99 * 730, 2)
    assert first["source"] == "test-runpod" and first["catalog_date"] == "2026-11-01"


def test_unknown_gpu_is_a_400_with_suggestions(client: TestClient) -> None:
    response = client.post("/api/v1/tools/compute/search", json={"accelerators": ["H1000"]})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "unknown_name"
    assert "H100" in error["suggestions"]
    assert "Did you mean" in error["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"min_count": 8, "max_count": 2}, "min_count"),
        ({"accelerators": "H100"}, "accelerators"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(client: TestClient, body: dict, field: str) -> None:
    response = client.post("/api/v1/tools/compute/search", json=body)
    assert response.status_code == 422
    assert field in response.json()["error"]["message"]


def test_gpus_lists_specs_with_offer_counts(client: TestClient) -> None:
    response = client.get("/api/v1/tools/compute/gpus")
    assert response.status_code == 200
    gpus = {g["key"]: g for g in response.json()}
    assert gpus["H100-SXM"]["offers"] > 0 and gpus["H100-SXM"]["memory_gib"] == 80
    assert gpus["MI300X"]["offers"] == 0  # in the spec table, not in this small catalog


def test_catalog_status_and_health(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok"}
    status = client.get("/api/v1/catalog/status").json()
    assert {s["source_id"] for s in status["sources"]} >= {"anycloud-gcp", "aws-gpu-vantage"}
    assert client.get("/").status_code == 200
    missing = client.get("/api/v1/nope")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
