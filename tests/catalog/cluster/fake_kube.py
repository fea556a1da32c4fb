"""A loopback HTTP server speaking the part of the Kubernetes API the inventory reader uses, and fixture builders.

`GET /api/v1/nodes` and `GET /api/v1/pods` (all namespaces) with `limit`/`continue` paging and the
`status.phase` field selector, behind bearer tokens: the good token reads, `forbidden` gets the API's 403
Status, anything else 401. Requests are recorded for assertions. `kubeconfig()` writes a kubeconfig that
points the official client at it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import yaml

GOOD_TOKEN = "fixture-token"
FORBIDDEN_TOKEN = "forbidden"


def gpu_node(name: str, *, product: str | None = None, count: int = 0, memory_mib: int | None = None,
             resource: str = "nvidia.com/gpu", ready: bool = True, unschedulable: bool = False,
             taints: tuple[dict, ...] = (), labels: dict[str, str] | None = None, cpu: str = "96",
             memory: str = "1056Gi", extra: dict[str, str] | None = None) -> dict:
    """A Node as the API returns it; `extra` adds allocatable resources (e.g. MIG slices)."""
    all_labels = {"kubernetes.io/hostname": name, **(labels or {})}
    if product and resource == "nvidia.com/gpu":
        all_labels.update({"nvidia.com/gpu.product": product, "nvidia.com/gpu.count": str(count),
                           "nvidia.com/gpu.present": "true"})
        if memory_mib:
            all_labels["nvidia.com/gpu.memory"] = str(memory_mib)
    resources = {"cpu": cpu, "memory": memory, "pods": "110"}
    if count:
        resources[resource] = str(count)
    resources.update(extra or {})
    return {
        "kind": "Node", "apiVersion": "v1",
        "metadata": {"name": name, "labels": all_labels},
        "spec": {"unschedulable": unschedulable, "taints": list(taints)} if (unschedulable or taints) else {},
        "status": {"capacity": dict(resources), "allocatable": dict(resources),
                   "conditions": [{"type": "MemoryPressure", "status": "False"},
                                  {"type": "Ready", "status": "True" if ready else "False"}]},
    }


def mig_node(name: str, parent: str, parent_mib: int, profile: str, slices: int, slice_mib: int) -> dict:
    """A node whose GPU is split into MIG slices under the mixed strategy (GFD's per-profile labels)."""
    node = gpu_node(name, cpu="64", memory="512Gi", extra={f"nvidia.com/mig-{profile}": str(slices)}, labels={
        "nvidia.com/gpu.product": parent, "nvidia.com/gpu.memory": str(parent_mib), "nvidia.com/gpu.count": "1",
        "nvidia.com/mig.strategy": "mixed", f"nvidia.com/mig-{profile}.count": str(slices),
        f"nvidia.com/mig-{profile}.memory": str(slice_mib), f"nvidia.com/mig-{profile}.product": f"{parent}-MIG-{profile}"})
    return node


def pod(namespace: str, name: str, node: str | None, phase: str, gpus: dict[str, int], *,
        limits_only: bool = False, init: dict[str, int] | None = None) -> dict:
    resources = {"limits": {k: str(v) for k, v in gpus.items()}}
    if not limits_only:
        resources["requests"] = {k: str(v) for k, v in gpus.items()}
    spec: dict = {"containers": [{"name": "main", "image": "busybox", "resources": resources}]}
    if node:
        spec["nodeName"] = node
    if init:
        spec["initContainers"] = [{"name": "warm", "image": "busybox",
                                   "resources": {"limits": {k: str(v) for k, v in init.items()}}}]
    return {"kind": "Pod", "apiVersion": "v1", "metadata": {"name": name, "namespace": namespace},
            "spec": spec, "status": {"phase": phase}}


def mixed_cluster() -> tuple[list[dict], list[dict]]:
    """Mixed GPU nodes, a MIG node, tainted / not-ready / cordoned nodes, running and finished pods:

    - a100-1: 8 × A100-80GB (GPU taint, tolerated); trainer holds 4 (running), an old job 4 (succeeded)
    - a100-2: 8 × A100-80GB, not ready
    - l4-1:   4 × L4, tainted dedicated=batch:NoSchedule
    - l4-2:   4 × L4; one pod holds 1 by its limit only, one pending pod (init container asks 2) is bound
    - mig-1:  A100-80GB as 7 × MIG 1g.10gb, 3 held
    - t4-1:   1 × T4, cordoned
    - mi300-1: 8 × MI300X (AMD labeller)
    - cpu-1:  no GPU
    - a pod waiting for 2 × nvidia.com/gpu, not scheduled
    """
    gpu_taint = ({"key": "nvidia.com/gpu", "value": "present", "effect": "NoSchedule"},)
    nodes = [
        gpu_node("a100-1", product="NVIDIA-A100-SXM4-80GB", count=8, memory_mib=81920, taints=gpu_taint),
        gpu_node("a100-2", product="NVIDIA-A100-SXM4-80GB", count=8, memory_mib=81920, ready=False),
        gpu_node("l4-1", product="NVIDIA-L4", count=4, memory_mib=23034,
                 taints=({"key": "dedicated", "value": "batch", "effect": "NoSchedule"},)),
        gpu_node("l4-2", product="NVIDIA-L4", count=4, memory_mib=23034, cpu="48", memory="192Gi"),
        mig_node("mig-1", "NVIDIA-A100-SXM4-80GB", 81920, "1g.10gb", 7, 9728),
        gpu_node("t4-1", product="Tesla-T4", count=1, memory_mib=15360, unschedulable=True),
        gpu_node("mi300-1", count=8, resource="amd.com/gpu", labels={
            "amd.com/gpu.product-name": "AMD_Instinct_MI300X_OAM", "amd.com/gpu.vram": "192G",
            "beta.amd.com/gpu.product-name.AMD_Instinct_MI300X_OAM": "8"}),
        gpu_node("cpu-1", cpu="16", memory="64Gi"),
    ]
    pods = [
        pod("ml", "trainer", "a100-1", "Running", {"nvidia.com/gpu": 4}),
        pod("ml", "old-job", "a100-1", "Succeeded", {"nvidia.com/gpu": 4}),
        pod("ml", "crashed", "a100-1", "Failed", {"nvidia.com/gpu": 2}),
        pod("serve", "embedder", "l4-2", "Running", {"nvidia.com/gpu": 1}, limits_only=True),
        pod("serve", "starting", "l4-2", "Pending", {"nvidia.com/gpu": 1}, init={"nvidia.com/gpu": 2}),
        pod("lab", "notebook", "mig-1", "Running", {"nvidia.com/mig-1g.10gb": 3}),
        pod("ml", "queued", None, "Pending", {"nvidia.com/gpu": 2}),
        pod("web", "frontend", "cpu-1", "Running", {}),
    ]
    return nodes, pods


@dataclass
class FakeKube:
    nodes: list[dict]
    pods: list[dict]
    requests: list[tuple[str, str | None]] = field(default_factory=list)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def kubeconfig(self, path: Path, *, token: str = GOOD_TOKEN, context: str = "lab") -> Path:
        path.write_text(yaml.safe_dump({
            "apiVersion": "v1", "kind": "Config", "current-context": context,
            "clusters": [{"name": "lab-cluster", "cluster": {"server": self.url}}],
            "users": [{"name": "reader", "user": {"token": token}}],
            "contexts": [{"name": context, "context": {"cluster": "lab-cluster", "user": "reader"}}]}))
        return path


def _selected(items: list[dict], selector: str | None) -> list[dict]:
    """The `status.phase` terms of a field selector (`=`, `==`, `!=`), as the API server applies them."""
    for term in filter(None, (selector or "").split(",")):
        negate = "!=" in term
        name, value = term.split("!=" if negate else ("==" if "==" in term else "="), 1)
        if name != "status.phase":
            raise ValueError(f"field selector {name} not supported by the fake")
        items = [i for i in items if (i["status"].get("phase") == value) != negate]
    return items


def _handler(fake: FakeKube) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _send(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802
            auth = self.headers.get("Authorization")
            fake.requests.append((self.path, auth))
            url = urlparse(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if auth == f"Bearer {FORBIDDEN_TOKEN}":
                resource = url.path.rsplit("/", 1)[-1]
                return self._send(403, {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "Forbidden",
                                        "code": 403, "message": f'{resource} is forbidden: User "system:serviceaccount:'
                                        f'lab:reader" cannot list resource "{resource}" in API group "" at the '
                                        "cluster scope"})
            if auth != f"Bearer {GOOD_TOKEN}":
                return self._send(401, {"kind": "Status", "status": "Failure", "reason": "Unauthorized", "code": 401,
                                        "message": "Unauthorized"})
            if url.path == "/api/v1/nodes":
                kind, items = "NodeList", fake.nodes
            elif url.path == "/api/v1/pods":
                kind, items = "PodList", _selected(fake.pods, query.get("fieldSelector"))
            else:
                return self._send(404, {"kind": "Status", "code": 404, "message": "not found"})
            start = int(query.get("continue") or 0)
            limit = int(query.get("limit") or len(items) or 1)
            page = items[start:start + limit]
            more = start + limit < len(items)
            return self._send(200, {"kind": kind, "apiVersion": "v1", "items": page,
                                    "metadata": {"resourceVersion": "42", **({"continue": str(start + limit)}
                                                                            if more else {})}})

    return Handler


@contextmanager
def serving(nodes: list[dict], pods: list[dict]) -> Iterator[FakeKube]:
    fake = FakeKube(nodes, pods)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    fake.port = server.server_port
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
