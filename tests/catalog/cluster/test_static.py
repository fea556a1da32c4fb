"""The static inventory file: the same model as a live reading (a snapshot reads back to the same free GPUs),
hand-written files, kubectl dumps, and bad files answered with what to fix. Plus the pure readers."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from stack8s_architect.catalog.cluster.inventory import build_inventory, pod_gpu_requests, quantity
from stack8s_architect.catalog.cluster.service import ClusterService
from stack8s_architect.catalog.cluster.static import InventoryFileError, read_file, snapshot
from stack8s_architect.core.errors import ConfigurationError
from stack8s_architect.core.settings import ClusterSettings, Settings

from .fake_kube import gpu_node, mixed_cluster, pod, serving

HAND_WRITTEN = """
cluster: lab-offline
nodes:
  - name: gpu-1
    taints: ["nvidia.com/gpu=present:NoSchedule"]
    gpus:
      - product: NVIDIA-H100-80GB-HBM3
        count: 8
        in_use: 2
  - name: gpu-2
    gpus:
      - {resource: nvidia.com/mig-3g.40gb, accelerator: A100 80GB, memory_gib: 39.25, count: 2}
  - name: gpu-3
    ready: false
    gpus: [{accelerator: L40S, count: 4}]
jobs:
  - {namespace: ml, name: trainer, node: gpu-1, gpus: {nvidia.com/gpu: 4}}
  - {namespace: ml, name: waiting, gpus: {nvidia.com/gpu: 1}, phase: Pending}
"""


def _write(tmp_path: Path, text: str, name: str = "inventory.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_hand_written_file_gives_the_same_model_as_a_live_reading(tmp_path: Path) -> None:
    inventory = read_file(_write(tmp_path, HAND_WRITTEN))
    assert (inventory.cluster, inventory.source) == ("lab-offline", "file")
    nodes = {n.name: n for n in inventory.nodes}
    h100 = nodes["gpu-1"].gpus[0]
    assert (h100.accelerator, h100.memory_gib, h100.allocatable, h100.requested, h100.free) == ("H100-SXM", 80.0, 8, 6, 2)
    mig = nodes["gpu-2"].gpus[0]
    assert (mig.accelerator, mig.mig_profile, mig.memory_gib, mig.free) == ("A100-80GB", "3g.40gb", 39.25, 2)
    assert nodes["gpu-1"].usable and not nodes["gpu-3"].usable and nodes["gpu-3"].unusable_reason == "not ready"
    assert nodes["gpu-3"].gpus[0].accelerator == "L40S"
    assert inventory.queued_gpus == {"nvidia.com/gpu": 1}
    assert {j.name for j in inventory.jobs} == {"trainer", "gpu-1-in-use", "waiting"}


def test_a_snapshot_of_a_live_cluster_reads_back_to_the_same_free_gpus(tmp_path: Path) -> None:
    nodes, pods = mixed_cluster()
    with serving(nodes, pods) as fake:
        live = ClusterService(ClusterSettings(cluster="kubeconfig",
                                              cluster_kubeconfig=fake.kubeconfig(tmp_path / "k"))).status().inventory
    assert live is not None
    path = _write(tmp_path, snapshot(live), "snapshot.yaml")
    again = ClusterService(ClusterSettings(cluster="auto", cluster_inventory=path)).status()
    assert again.source == "file" and again.reachable and again.inventory is not None
    assert again.inventory.products == live.products
    for mine, theirs in zip(again.inventory.nodes, live.nodes, strict=True):
        assert (mine.name, mine.usable, mine.unusable_reason, mine.taints) == \
               (theirs.name, theirs.usable, theirs.unusable_reason, theirs.taints)
        assert [g.model_dump() for g in mine.gpus] == [g.model_dump() for g in theirs.gpus]
    assert again.inventory.queued_gpus == live.queued_gpus


def test_a_snapshot_leaves_out_pods_bound_to_nodes_gone_since(tmp_path: Path) -> None:
    nodes, pods = mixed_cluster()
    pods.append(pod("ml", "orphan", "deleted-node", "Running", {"nvidia.com/gpu": 1}))
    live = build_inventory(nodes, pods, cluster="lab", source="kubernetes", location="-", read_at=datetime.now(UTC))
    again = read_file(_write(tmp_path, snapshot(live), "snapshot.yaml"))
    assert "orphan" not in {j.name for j in again.jobs} and again.products == live.products


def test_a_kubectl_dump_is_read_as_the_api_answer_is(tmp_path: Path) -> None:
    nodes, pods = mixed_cluster()
    dump = {"apiVersion": "v1", "kind": "List", "items": nodes + pods}
    inventory = read_file(_write(tmp_path, yaml.safe_dump(dump), "lab.yaml"))
    assert inventory.cluster == "lab" and len(inventory.nodes) == 8
    live = build_inventory(nodes, pods, cluster="lab", source="kubernetes", location="-", read_at=inventory.read_at)
    assert inventory.products == live.products


@pytest.mark.parametrize(("text", "says"), [
    ("nodes: [{name: a, gpus: [{count: 2}]}]", "give the GPU a product"),
    ("nodes: [{name: a, gpus: [{resource: intel.com/gpu, product: Arc, count: 2}]}]",
     "'intel.com/gpu' is not a GPU resource this reader counts"),
    ("nodes: [{name: a, gpus: [{accelerator: Voodoo5, count: 2}]}]", "'Voodoo5' is not a GPU the catalog knows"),
    ("nodes: [{name: a, taints: [dedicated]}]", "taint 'dedicated': write key[=value]:Effect"),
    ("nodes: []", "nodes: List should have at least 1 item"),
    ("nodes: [{name: a, colour: red}]", "nodes.0.colour: Extra inputs are not permitted"),
    ("nodes: [{name: a}]\njobs: [{name: j, node: b, gpus: {nvidia.com/gpu: 1}}]", "on node 'b', which is not listed"),
    ("nodes: [{name: a}, {name: a}]", "two nodes share a name"),
    ("- just a list", "expected a mapping with `nodes`"),
    ("nodes: [{name: a\n", "not YAML"),
    ("kind: List\nitems: []", "the list holds no Node"),
    ("kind: List\nitems: [{kind: Node, metadata: {name: a}, status: {allocatable: {nvidia.com/gpu: lots}}}]",
     "'lots' is not a Kubernetes quantity"),
])
def test_a_bad_file_says_where_and_what_to_fix(tmp_path: Path, text: str, says: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(InventoryFileError) as caught:
        read_file(path)
    assert str(caught.value).startswith(str(path)) and says in str(caught.value)
    status = ClusterService(ClusterSettings(cluster="file", cluster_inventory=path)).status()
    assert (status.reachable, status.problem) == (False, "invalid") and says in status.error


def test_settings_name_the_variable_for_a_missing_inventory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ARCHITECT_CLUSTER_INVENTORY", str(tmp_path / "nope.yaml"))
    with pytest.raises(ConfigurationError, match="ARCHITECT_CLUSTER_INVENTORY: .*does not exist"):
        Settings.load()
    monkeypatch.delenv("ARCHITECT_CLUSTER_INVENTORY")
    monkeypatch.setenv("ARCHITECT_CLUSTER", "file")
    with pytest.raises(ConfigurationError, match="ARCHITECT_CLUSTER=file needs ARCHITECT_CLUSTER_INVENTORY"):
        Settings.load()
    monkeypatch.setenv("ARCHITECT_CLUSTER", "sometimes")
    with pytest.raises(ConfigurationError, match="ARCHITECT_CLUSTER: Input should be 'auto', 'off'"):
        Settings.load()


# --- the pure readers -------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "value"), [("8", 8), ("95500m", 95.5), ("16Gi", 16 * 2**30), ("1e3", 1000),
                                             ("2k", 2000), ("1.5Ti", 1.5 * 2**40), ("500M", 5e8)])
def test_quantities_read_as_kubernetes_writes_them(text: str, value: float) -> None:
    assert float(quantity(text)) == value


def test_the_effective_request_follows_the_init_and_sidecar_rules() -> None:
    def container(name: str, gpus: int, **extra: object) -> dict:
        return {"name": name, "resources": {"limits": {"nvidia.com/gpu": str(gpus)}}, **extra}
    spec = {"containers": [container("a", 1), container("b", 1)],
            "initContainers": [container("sidecar", 1, restartPolicy="Always"), container("warm", 4)]}
    # max(sum of containers + sidecars = 3, the init container plus the sidecar started before it = 5)
    assert pod_gpu_requests({"spec": spec}) == {"nvidia.com/gpu": 5}
    spec["initContainers"][1] = container("warm", 1)
    assert pod_gpu_requests({"spec": spec}) == {"nvidia.com/gpu": 3}
    assert pod_gpu_requests({"spec": {"containers": [{"name": "cpu", "resources": {"requests": {"cpu": "2"}}}]}}) == {}


def test_shared_single_strategy_mig_and_mixed_amd_labels() -> None:
    nodes = [
        gpu_node("shared", product="Tesla-T4-SHARED", count=4, memory_mib=15360),
        gpu_node("single", product="NVIDIA-A100-SXM4-40GB-MIG-1g.5gb", count=7, memory_mib=4864),
        gpu_node("amd", count=4, resource="amd.com/gpu", labels={
            "beta.amd.com/gpu.product-name.AMD_Instinct_MI300X_OAM": "4", "beta.amd.com/gpu.vram.192G": "4"}),
        gpu_node("unknown", product="NVIDIA-Quantum-Z9", count=2, memory_mib=65536),
    ]
    inventory = build_inventory(nodes, [], cluster="c", source="file", location="-", read_at=datetime.now(UTC))
    gpus = {n.name: n.gpus[0] for n in inventory.nodes}
    assert gpus["shared"].shared and gpus["shared"].accelerator == "T4"
    assert (gpus["single"].mig_profile, gpus["single"].accelerator, gpus["single"].memory_gib) == ("1g.5gb", "A100-40GB", 4.75)
    assert (gpus["amd"].accelerator, gpus["amd"].memory_gib) == ("MI300X", 192.0)
    assert (gpus["unknown"].accelerator, gpus["unknown"].memory_gib) == (None, 64.0)
