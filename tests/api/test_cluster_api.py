"""`GET /api/v1/tools/cluster`, `architect cluster status|snapshot`, and chat turns with a local cluster — read
through the official client from a loopback API server, or from a static file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from stack8s_architect.api.app import create_app
from stack8s_architect.cli import app as cli_app
from stack8s_architect.core.database import Database
from stack8s_architect.core.settings import Settings

from ..catalog.cluster.fake_kube import FORBIDDEN_TOKEN, FakeKube, mixed_cluster, serving
from ..conftest import cli_runner, local_client
from ..planning.fixtures import sync_fixture_catalogs


@pytest.fixture
def fake() -> Iterator[FakeKube]:
    nodes, pods = mixed_cluster()
    with serving(nodes, pods) as server:
        yield server


@pytest.fixture
def synced(database: Database, tmp_path: Path) -> Database:
    sync_fixture_catalogs(database, tmp_path)
    return database


def _client(database: Database, monkeypatch: pytest.MonkeyPatch, **env: str) -> TestClient:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return local_client(create_app(Settings.load(), database=database, embed_in_background=False),
                        raise_server_exceptions=False)


def test_the_tool_returns_the_inventory_and_rereads_on_refresh(synced: Database, fake: FakeKube, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    config = fake.kubeconfig(tmp_path / "kubeconfig")
    with _client(synced, monkeypatch, ARCHITECT_CLUSTER="auto", ARCHITECT_CLUSTER_KUBECONFIG=str(config)) as client:
        body = client.get("/api/v1/tools/cluster").json()
        assert (body["configured"], body["source"], body["reachable"], body["error"]) == (True, "kubeconfig", True, None)
        inventory = body["inventory"]
        assert inventory["cluster"] == "lab" and len(inventory["nodes"]) == 8
        a100 = next(n for n in inventory["nodes"] if n["name"] == "a100-1")
        gpus = a100["gpus"][0]
        assert (gpus["accelerator"], gpus["allocatable"], gpus["requested"], gpus["free"]) == ("A100-80GB", 8, 4, 4)
        assert {p["accelerator"]: p["free_usable"] for p in inventory["products"] if not p["mig_profile"]} == \
               {"A100-80GB": 4, "L4": 1, "T4": 0, "MI300X": 8}
        reads = len(fake.requests)
        client.get("/api/v1/tools/cluster")
        assert len(fake.requests) == reads  # the cached reading
        client.get("/api/v1/tools/cluster", params={"refresh": "true"})
        assert len(fake.requests) == 2 * reads
        assert client.get("/api/v1/tools/cluster", params={"refresh": "maybe"}).status_code == 422
        assert "/api/v1/tools/cluster" in client.get("/openapi.json").json()["paths"]


def test_a_forbidden_cluster_is_a_200_status_saying_what_to_grant(synced: Database, fake: FakeKube, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    config = fake.kubeconfig(tmp_path / "kubeconfig", token=FORBIDDEN_TOKEN)
    with _client(synced, monkeypatch, ARCHITECT_CLUSTER="kubeconfig", ARCHITECT_CLUSTER_KUBECONFIG=str(config)) as client:
        response = client.get("/api/v1/tools/cluster")
    body = response.json()
    assert response.status_code == 200 and (body["reachable"], body["problem"]) == (False, "forbidden")
    assert "--verb=list --resource=nodes,pods" in body["error"] and body["inventory"] is None


def test_a_chat_turn_with_an_unreachable_cluster_plans_in_the_cloud_with_a_warning(
        synced: Database, fake: FakeKube, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = fake.kubeconfig(tmp_path / "kubeconfig")
    config.write_text(config.read_text().replace(fake.url, "http://127.0.0.1:9"))  # the discard port: refused
    with _client(synced, monkeypatch, ARCHITECT_CLUSTER="kubeconfig", ARCHITECT_CLUSTER_KUBECONFIG=str(config)) as client:
        response = client.post("/api/v1/chat/start", json={"message": "Serve Llama 3.1 8B for 20 users on our own "
                                                                      "cluster, budget $3000/month"})
    body = response.json()
    assert response.status_code == 200 and body["kind"] == "plan", body
    assert any(w.startswith("local cluster not used: cannot reach the Kubernetes API server") for w in body["warnings"])
    assert body["spec"]["use_local_cluster"] is True
    assert body["plan"]["compute"] and not any(row["local"] for row in body["plan"]["compute"])


def test_a_chat_turn_plans_on_the_clusters_free_gpus(synced: Database, fake: FakeKube, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    config = fake.kubeconfig(tmp_path / "kubeconfig")
    with _client(synced, monkeypatch, ARCHITECT_CLUSTER="kubeconfig", ARCHITECT_CLUSTER_KUBECONFIG=str(config)) as client:
        body = client.post("/api/v1/chat/start", json={"message": "Serve Llama 3.1 70B for 10 users on our existing "
                                                                  "cluster, budget $20000/month"}).json()
    top = body["plan"]["compute"][0]
    # the fixture catalogs hold no models: the only warning says so (the cluster itself was read)
    assert body["kind"] == "plan" and all("model catalog is empty" in w for w in body["warnings"])
    assert top["local"] and top["monthly_cost_usd"] == 0 and top["nodes"] and top["provider"] == "local"
    assert all(n["name"] in {"a100-1", "mi300-1"} for n in top["nodes"])  # never the not-ready or tainted nodes
    assert "local cluster lab" in body["content"] and body["plan"]["cost"]["compute_monthly_usd"] == 0


def test_cli_status_table_snapshot_and_exit_codes(database: Database, fake: FakeKube, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    runner = cli_runner(database, tmp_path / "home", monkeypatch)
    monkeypatch.setenv("COLUMNS", "220")
    config = fake.kubeconfig(tmp_path / "kubeconfig")
    result = runner.invoke(cli_app, ["cluster", "status", "--kubeconfig", str(config)])
    assert result.exit_code == 0, result.output
    for text in ("lab (kubernetes", "a100-2", "not ready", "tainted dedicated=batch:NoSchedule", "cordoned",
                 "A100-80GB MIG 1g.10gb", "4 (a100-1)", "(not scheduled)", "notebook"):
        assert text in result.output, text
    result = runner.invoke(cli_app, ["cluster", "status", "--kubeconfig", str(config), "--json"])
    assert result.exit_code == 0 and '"reachable": true' in result.output
    snapshot = tmp_path / "inventory.yaml"
    result = runner.invoke(cli_app, ["cluster", "snapshot", "--kubeconfig", str(config), "-o", str(snapshot)])
    assert result.exit_code == 0 and "8 nodes (7 with GPUs) of lab" in result.output
    assert len(yaml.safe_load(snapshot.read_text())["nodes"]) == 8
    result = runner.invoke(cli_app, ["cluster", "status", "--inventory", str(snapshot)])
    assert result.exit_code == 0 and "lab (file:" in result.output and "4 (a100-1)" in result.output
    forbidden = fake.kubeconfig(tmp_path / "forbidden", token=FORBIDDEN_TOKEN)
    result = runner.invoke(cli_app, ["cluster", "status", "--kubeconfig", str(forbidden)])
    assert result.exit_code == 1 and "(403)" in result.output
    monkeypatch.setenv("ARCHITECT_CLUSTER", "off")
    result = runner.invoke(cli_app, ["cluster", "status"])
    assert result.exit_code == 1 and "no local cluster is configured" in result.output
    result = runner.invoke(cli_app, ["cluster", "status", "--inventory", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2 and "does not exist" in result.output
