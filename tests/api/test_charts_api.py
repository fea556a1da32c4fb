"""The HTTP surface of the chart knowledge base, over a real database."""

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
from ..catalog.charts.fixtures import fixture_chart_sources, write_chart_mirror


@pytest.fixture
def client(database: Database, tmp_path: Path) -> Iterator[TestClient]:
    ingest.sync(database, SourceReader(write_chart_mirror(tmp_path), tmp_path / "cache"), fixture_chart_sources())
    with local_client(create_app(Settings.load(), database=database, embed_in_background=False)) as test_client:
        yield test_client


def test_search_by_words_and_by_role(client: TestClient) -> None:
    body = client.post("/api/v1/tools/k8s/search", json={"query": "s3 object storage", "limit": 3}).json()
    assert body["inferred_roles"] == ["object-storage"]
    first = body["results"][0]
    assert first["id"] == "bitnami/minio" and first["rank"] == 1
    assert first["repository"] == "oci://registry-1.docker.io/bitnamicharts" and first["source_repository"] == "bitnami/charts"
    assert first["license"] == "AGPL-3.0" and first["commercial_use"] == "restricted"
    by_role = client.post("/api/v1/tools/k8s/search", json={"role": "vector-db"}).json()
    assert [r["id"] for r in by_role["results"]][:2] == ["qdrant/qdrant", "milvus/milvus"]
    assert by_role["catalog_as_of"] == "2026-08-21"


def test_stack_follows_the_plan_contract_names(client: TestClient) -> None:
    response = client.post("/api/v1/tools/k8s/stack", json={"workload": "rag"})
    assert response.status_code == 200
    components = {c["role"]: c for c in response.json()["components"]}
    vector = components["vector-db"]
    assert {"role", "chart", "repository", "version", "app_version", "license", "why", "alternatives"} <= set(vector)
    assert vector["chart"] == "qdrant" and vector["version"] == "1.19.0"
    assert vector["alternatives"][0]["chart_id"] == "milvus/milvus"


def test_show_a_chart(client: TestClient) -> None:
    detail = client.get("/api/v1/tools/k8s/charts/qdrant/qdrant").json()
    assert detail["versions_count"] == 3 and detail["requests_cpu_m"] == 500 and detail["requests_memory_mi"] == 1024
    assert client.get("/api/v1/tools/k8s/charts/redis").json()["id"] == "bitnami/redis"


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "says"),
    [
        ("post", "/api/v1/tools/k8s/search", {}, 422, "give a query"),
        ("post", "/api/v1/tools/k8s/search", {"query": "   "}, 422, "give a query"),
        ("post", "/api/v1/tools/k8s/search", {"query": "redis\x00"}, 422, "control characters"),
        ("post", "/api/v1/tools/k8s/search", {"role": "vectr-db"}, 400, "vector-db"),
        ("post", "/api/v1/tools/k8s/search", {"query": "x", "limit": 0}, 422, "limit"),
        ("post", "/api/v1/tools/k8s/search", {"query": "x", "license_policy": "free"}, 422, "license_policy"),
        ("post", "/api/v1/tools/k8s/search", {"query": "x", "colour": "blue"}, 422, "colour"),
        ("post", "/api/v1/tools/k8s/stack", {"workload": "ragg"}, 400, "rag"),
        ("post", "/api/v1/tools/k8s/stack", {"workload": "rag", "add_roles": ["gpu-operatr"]}, 400, "gpu-operator"),
        ("post", "/api/v1/tools/k8s/stack", {}, 422, "workload"),
        ("get", "/api/v1/tools/k8s/charts/qdrnt", None, 404, "Did you mean: qdrant"),
        ("get", "/api/v1/tools/k8s/charts/" + "a" * 300, None, 422, "chart_id"),
        ("get", "/api/v1/tools/k8s/charts/red%20is", None, 422, "chart_id"),
    ],
)
def test_bad_input_is_a_4xx_that_says_what_to_change(
    client: TestClient, method: str, path: str, body: dict | None, status: int, says: str
) -> None:
    response = client.request(method, path, json=body)
    assert response.status_code == status, response.text
    assert says in response.json()["error"]["message"]
