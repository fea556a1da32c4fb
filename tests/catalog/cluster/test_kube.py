"""The inventory read with the official client from a loopback server speaking the Kubernetes API subset:
free GPUs per node and product, paging, the field selector, and every way a cluster can fail to answer."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from stack8s_architect.catalog.cluster import kube
from stack8s_architect.catalog.cluster.inventory import ClusterInventory
from stack8s_architect.catalog.cluster.service import FAILURE_KEEP_S, ClusterService, resolve_source
from stack8s_architect.core.settings import ClusterSettings

from .fake_kube import FORBIDDEN_TOKEN, FakeKube, gpu_node, mixed_cluster, pod, serving


@pytest.fixture
def fake() -> Iterator[FakeKube]:
    nodes, pods = mixed_cluster()
    with serving(nodes, pods) as server:
        yield server


def _service(kubeconfig: Path, **settings: object) -> ClusterService:
    return ClusterService(ClusterSettings(cluster="kubeconfig", cluster_kubeconfig=kubeconfig, **settings))


def _read(fake: FakeKube, tmp_path: Path) -> ClusterInventory:
    status = _service(fake.kubeconfig(tmp_path / "kubeconfig")).status()
    assert status.reachable and status.problem is None and status.inventory is not None, status.error
    return status.inventory


def _gpus(inventory: ClusterInventory, node: str) -> list[tuple[str, str | None, int, int, int]]:
    found = next(n for n in inventory.nodes if n.name == node)
    return [(g.resource, g.accelerator, g.allocatable, g.requested, g.free) for g in found.gpus]


def test_free_gpus_per_node_count_only_unfinished_pods(fake: FakeKube, tmp_path: Path) -> None:
    inventory = _read(fake, tmp_path)
    assert inventory.cluster == "lab" and inventory.source == "kubernetes" and inventory.location == fake.url
    # trainer (running) holds 4; the succeeded and failed jobs hold nothing
    assert _gpus(inventory, "a100-1") == [("nvidia.com/gpu", "A100-80GB", 8, 4, 4)]
    # a limit alone is the request (1); the pending pod's init container asks 2, more than its container's 1
    assert _gpus(inventory, "l4-2") == [("nvidia.com/gpu", "L4", 4, 3, 1)]
    assert _gpus(inventory, "mig-1") == [("nvidia.com/mig-1g.10gb", "A100-80GB", 7, 3, 4)]
    assert _gpus(inventory, "mi300-1") == [("amd.com/gpu", "MI300X", 8, 0, 8)]
    assert _gpus(inventory, "cpu-1") == []
    assert inventory.queued_gpus == {"nvidia.com/gpu": 2}
    assert {(j.name, j.node) for j in inventory.jobs} == {("trainer", "a100-1"), ("embedder", "l4-2"),
                                                         ("starting", "l4-2"), ("notebook", "mig-1"), ("queued", None)}


def test_nodes_report_readiness_taints_labels_and_why_they_cannot_be_used(fake: FakeKube, tmp_path: Path) -> None:
    nodes = {n.name: n for n in _read(fake, tmp_path).nodes}
    assert nodes["a100-1"].usable and nodes["a100-1"].taints == ["nvidia.com/gpu=present:NoSchedule"]  # tolerated
    assert (nodes["a100-2"].ready, nodes["a100-2"].usable, nodes["a100-2"].unusable_reason) == (False, False, "not ready")
    assert nodes["l4-1"].unusable_reason == "tainted dedicated=batch:NoSchedule"
    assert nodes["t4-1"].unusable_reason == "cordoned (unschedulable)" and not nodes["t4-1"].schedulable
    assert nodes["a100-1"].labels["nvidia.com/gpu.product"] == "NVIDIA-A100-SXM4-80GB"
    assert nodes["a100-1"].cpu == 96 and nodes["a100-1"].memory_gib == 1056
    mig = nodes["mig-1"].gpus[0]
    assert (mig.mig_profile, mig.memory_gib, mig.product) == ("1g.10gb", 9.5, "NVIDIA-A100-SXM4-80GB-MIG-1g.10gb")
    amd = nodes["mi300-1"].gpus[0]
    assert (amd.product, amd.memory_gib) == ("AMD_Instinct_MI300X_OAM", 192.0)


def test_products_sum_free_devices_and_separate_usable_nodes(fake: FakeKube, tmp_path: Path) -> None:
    products = {(p.accelerator, p.mig_profile): p for p in _read(fake, tmp_path).products}
    a100 = products[("A100-80GB", None)]
    assert (a100.nodes, a100.allocatable, a100.requested, a100.free, a100.free_usable) == (2, 16, 4, 12, 4)
    assert a100.usable_nodes == ["a100-1"]
    l4 = products[("L4", None)]
    assert (l4.free, l4.free_usable, l4.usable_nodes) == (5, 1, ["l4-2"])
    assert products[("T4", None)].free_usable == 0
    assert products[("A100-80GB", "1g.10gb")].free_usable == 4


def test_lists_are_paged_and_finished_pods_filtered_by_the_server(fake: FakeKube, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kube, "PAGE", 3)
    paged = _read(fake, tmp_path)
    paths = [path for path, _ in fake.requests]
    assert [p for p in paths if p.startswith("/api/v1/nodes")] == [
        "/api/v1/nodes?limit=3", "/api/v1/nodes?continue=3&limit=3", "/api/v1/nodes?continue=6&limit=3"]
    pods = [p for p in paths if p.startswith("/api/v1/pods")]
    assert len(pods) == 2 and all("fieldSelector=status.phase%21%3DSucceeded%2Cstatus.phase%21%3DFailed" in p
                                  for p in pods)
    assert all(auth == "Bearer fixture-token" for _, auth in fake.requests)
    assert len(paged.nodes) == 8 and len(paged.jobs) == 5


def test_a_server_that_ignores_the_selector_still_counts_no_finished_pod(tmp_path: Path) -> None:
    node = gpu_node("g", product="NVIDIA-L4", count=2, memory_mib=23034)
    finished = [pod("a", "done", "g", "Succeeded", {"nvidia.com/gpu": 2})]
    with serving([node], finished) as server:
        server.pods = finished  # served whatever the selector says
        inventory = _read(server, tmp_path)
    assert _gpus(inventory, "g") == [("nvidia.com/gpu", "L4", 2, 0, 2)] and inventory.jobs == []


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_unreachable_api_server_is_a_status_not_an_exception(fake: FakeKube, tmp_path: Path) -> None:
    config = fake.kubeconfig(tmp_path / "kubeconfig")
    config.write_text(config.read_text().replace(fake.url, f"http://127.0.0.1:{_closed_port()}"))
    status = _service(config).status()
    assert (status.configured, status.reachable, status.problem) == (True, False, "unreachable")
    assert "cannot reach the Kubernetes API server" in status.error and "connection refused" in status.error


def test_forbidden_says_which_permission_to_grant(fake: FakeKube, tmp_path: Path) -> None:
    status = _service(fake.kubeconfig(tmp_path / "kubeconfig", token=FORBIDDEN_TOKEN)).status()
    assert (status.reachable, status.problem) == (False, "forbidden")
    assert "(403)" in status.error and 'cannot list resource "nodes"' in status.error  # the server's own words
    assert "--verb=list --resource=nodes,pods" in status.error


def test_refused_credentials_and_a_bad_kubeconfig_say_what_to_change(fake: FakeKube, tmp_path: Path) -> None:
    status = _service(fake.kubeconfig(tmp_path / "kubeconfig", token="expired")).status()
    assert status.problem == "unauthorized" and "(401)" in status.error and "refresh" in status.error
    status = _service(fake.kubeconfig(tmp_path / "kubeconfig"), cluster_context="staging").status()
    assert status.problem == "config" and "staging" in status.error and "ARCHITECT_CLUSTER_CONTEXT" in status.error
    status = _service(tmp_path / "missing-kubeconfig").status()
    assert status.problem == "config" and "does not exist" in status.error


def test_a_credential_plugin_that_waits_for_a_login_cannot_hold_the_turns(fake: FakeKube, tmp_path: Path) -> None:
    config = fake.kubeconfig(tmp_path / "kubeconfig")
    stuck = yaml.safe_load(config.read_text())
    stuck["users"][0]["user"] = {"exec": {"apiVersion": "client.authentication.k8s.io/v1beta1", "command": "sleep",
                                          "args": ["30"], "interactiveMode": "Never"}}
    config.write_text(yaml.safe_dump(stuck))
    started = time.monotonic()
    status = _service(config, cluster_timeout_s=0.2).status()
    assert time.monotonic() - started < 10
    assert (status.reachable, status.problem) == (False, "unreachable")
    assert "took longer than 1.2 s" in status.error and "ARCHITECT_CLUSTER=off" in status.error


def test_a_failure_is_kept_longer_than_a_reading(fake: FakeKube, tmp_path: Path) -> None:
    now = [0.0]
    config = fake.kubeconfig(tmp_path / "k", token=FORBIDDEN_TOKEN)
    service = ClusterService(ClusterSettings(cluster="kubeconfig", cluster_kubeconfig=config, cluster_cache_s=30),
                             clock=lambda: now[0])
    failed = service.status()
    now[0] = 100.0
    assert service.status() is failed  # one failing request every FAILURE_KEEP_S, not one per turn
    now[0] = FAILURE_KEEP_S + 1
    assert service.status() is not failed


def test_a_reading_is_reused_until_the_cache_period_ends(fake: FakeKube, tmp_path: Path) -> None:
    now = [0.0]
    service = ClusterService(ClusterSettings(cluster="kubeconfig", cluster_kubeconfig=fake.kubeconfig(tmp_path / "k"),
                                             cluster_cache_s=30), clock=lambda: now[0])
    first = service.status()
    reads = len(fake.requests)
    now[0] = 29.0
    assert service.status() is first and len(fake.requests) == reads
    now[0] = 31.0
    assert service.status() is not first and len(fake.requests) == 2 * reads
    assert service.status(refresh=True) is not None and len(fake.requests) == 3 * reads


def test_the_configured_source_is_resolved_like_kubectl_would(tmp_path: Path) -> None:
    kubeconfig = tmp_path / "config"
    kubeconfig.write_text("apiVersion: v1\nkind: Config\n")
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text("nodes: []\n")
    empty: dict[str, str] = {"HOME": str(tmp_path)}
    assert resolve_source(ClusterSettings(cluster="off", cluster_inventory=inventory), empty) == "none"
    assert resolve_source(ClusterSettings(cluster="auto", cluster_inventory=inventory), empty) == "file"
    assert resolve_source(ClusterSettings(cluster="auto"), {"KUBECONFIG": str(kubeconfig)}) == "kubeconfig"
    assert resolve_source(ClusterSettings(cluster="auto", cluster_kubeconfig=kubeconfig), empty) == "kubeconfig"
    assert resolve_source(ClusterSettings(cluster="auto"), {"KUBECONFIG": str(tmp_path / "none")}) == "none"
    assert resolve_source(ClusterSettings(cluster="in-cluster"), empty) == "in-cluster"
    status = ClusterService(ClusterSettings(cluster="off")).status()
    assert (status.configured, status.source, status.reachable) == (False, "none", False)
    assert "ARCHITECT_CLUSTER_KUBECONFIG" in status.error


# --- utilisation from Prometheus (DCGM exporter metrics) -------------------------------------------------


@contextmanager
def prometheus(series: dict[str, list[dict]], status: int = 200) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            metric = self.path.split("query=", 1)[-1]
            body = json.dumps({"status": "success", "data": {"resultType": "vector",
                                                             "result": series.get(metric, [])}}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def _sample(node: str, gpu: str, value: float, label: str = "Hostname") -> dict:
    return {"metric": {label: node, "gpu": gpu, "modelName": "NVIDIA A100-SXM4-80GB"}, "value": [1700000000, str(value)]}


def test_gpu_utilisation_per_node_comes_from_dcgm_metrics(fake: FakeKube, tmp_path: Path) -> None:
    series = {"DCGM_FI_DEV_GPU_UTIL": [_sample("a100-1", "0", 90), _sample("a100-1", "1", 10),
                                       _sample("l4-2", "0", 50, label="kubernetes_node")],
              "DCGM_FI_DEV_FB_USED": [_sample("a100-1", "0", 40960), _sample("a100-1", "1", 20480)]}
    with prometheus(series) as url:
        status = _service(fake.kubeconfig(tmp_path / "k"), cluster_prometheus_url=url).status()
    nodes = {n.name: n for n in status.inventory.nodes}
    assert nodes["a100-1"].gpu_utilisation_percent == 50.0 and nodes["a100-1"].gpu_memory_used_gib == 60.0
    assert nodes["l4-2"].gpu_utilisation_percent == 50.0 and nodes["mi300-1"].gpu_utilisation_percent is None
    assert status.inventory.utilisation_source.endswith("(DCGM exporter)") and status.inventory.warnings == []


def test_a_prometheus_answer_of_another_shape_is_a_warning(fake: FakeKube, tmp_path: Path) -> None:
    with prometheus({"DCGM_FI_DEV_GPU_UTIL": ["not", "a", "series"]}) as url:
        status = _service(fake.kubeconfig(tmp_path / "k"), cluster_prometheus_url=url).status()
    assert status.reachable and len(status.inventory.nodes) == 8
    assert status.inventory.warnings[0].startswith(f"GPU utilisation not read: Prometheus at {url} answered in an "
                                                   "unexpected shape")


def test_a_failing_prometheus_is_a_warning_and_the_inventory_stands(fake: FakeKube, tmp_path: Path) -> None:
    with prometheus({}, status=503) as url:
        status = _service(fake.kubeconfig(tmp_path / "k"), cluster_prometheus_url=url).status()
    assert status.reachable and len(status.inventory.nodes) == 8
    assert status.inventory.warnings == [f"GPU utilisation not read: Prometheus at {url} answered 503 to "
                                         "DCGM_FI_DEV_GPU_UTIL"]
