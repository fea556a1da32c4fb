"""The local cluster's GPU inventory: what each node has, what unfinished pods hold, what is free.

One model for every source: the Kubernetes API (`kube.py`), a static YAML file (`static.py`) and a
`kubectl get nodes,pods -A -o yaml` dump all end in `build_inventory`, which reads nodes and pods in the
API's own JSON shape (camelCase, quantities as strings).

- GPUs: the extended resources of NVIDIA's and AMD's device plugins (`nvidia.com/gpu`, MIG slices
  `nvidia.com/mig-<profile>`, time-sliced `nvidia.com/gpu.shared`, `amd.com/gpu`): capacity and allocatable
  from the node, product and memory from GPU-feature-discovery's labels (`nvidia.com/gpu.product`,
  `nvidia.com/gpu.memory` in MiB, `nvidia.com/gpu.count`; per MIG profile `nvidia.com/mig-<p>.product`
  and `.memory`) or AMD's node labeller (`amd.com/gpu.product-name`, `amd.com/gpu.vram`).
- In use: a pod that is not finished (phase not Succeeded/Failed) holds its effective request
  (the larger of its containers' sum and its largest init container; a limit alone is the request, as
  Kubernetes defaults it) on the node it is bound to; an unbound one is queued demand.
- Usable: a node that is Ready, not cordoned and has no NoSchedule/NoExecute taint the plan's pods do
  not tolerate; free GPUs elsewhere are listed with the reason they cannot be used.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel, Field

from stack8s_architect.catalog.gpus.names import device_accelerator_key
from stack8s_architect.catalog.gpus.specs import ACCELERATOR_SPECS

MIB_PER_GIB = 1024
NVIDIA_GPU = "nvidia.com/gpu"
NVIDIA_SHARED = "nvidia.com/gpu.shared"
AMD_GPU = "amd.com/gpu"
_MIG = re.compile(r"^nvidia\.com/mig-(?P<profile>\d+g\.\d+gb(?:\+me)?)$")
_MIG_IN_PRODUCT = re.compile(r"-MIG-(?P<profile>\d+g\.\d+gb(?:\+me)?)$", re.IGNORECASE)
_PROFILE_GB = re.compile(r"^\d+g\.(?P<gb>\d+)gb")
_BLOCKING_EFFECTS = {"NoSchedule", "NoExecute"}
_FINISHED = {"Succeeded", "Failed"}
_SUFFIXES = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60,
             "n": Decimal("1e-9"), "u": Decimal("1e-6"), "m": Decimal("1e-3"), "k": 10**3, "M": 10**6,
             "G": 10**9, "T": 10**12, "P": 10**15, "E": 10**18}


class InventoryError(ValueError):
    """The inventory data is malformed (a bad quantity, a node without a name)."""


def quantity(value: object) -> Decimal:
    """A Kubernetes quantity ('8', '95500m', '1056Gi', '1e3') as a number."""
    text = str(value).strip()
    if not text:
        raise InventoryError("empty quantity")
    for suffix in sorted(_SUFFIXES, key=len, reverse=True):
        if text.endswith(suffix) and not (suffix == "E" and re.search(r"\d[eE][-+]?\d+$", text)):
            number, scale = text[: -len(suffix)], Decimal(_SUFFIXES[suffix])
            break
    else:
        number, scale = text, Decimal(1)
    try:
        return Decimal(number) * scale
    except InvalidOperation:
        raise InventoryError(f"{value!r} is not a Kubernetes quantity (e.g. 8, 500m, 16Gi)") from None


def _count(value: object) -> int:
    return int(quantity(value))


# --- the model ----------------------------------------------------------------------------------------


class NodeGpus(BaseModel):
    """One kind of GPU device on one node."""

    resource: str = Field(description="the extended resource pods request: nvidia.com/gpu, nvidia.com/mig-1g.10gb, …")
    product: str | None = Field(description="the device label's product name, e.g. NVIDIA-A100-SXM4-80GB")
    accelerator: str | None = Field(description="the spec-table key (A100-80GB); None when the product is unknown")
    memory_gib: float | None = Field(description="per device (per slice for MIG)")
    mig_profile: str | None = Field(default=None, description="MIG profile of a slice, e.g. 1g.10gb")
    shared: bool = Field(default=False, description="time-sliced replicas of a GPU (memory not guaranteed)")
    capacity: int
    allocatable: int
    requested: int = Field(description="held by unfinished pods bound to this node")
    free: int = Field(description="allocatable − requested (never below 0)")


class ClusterNode(BaseModel):
    name: str
    ready: bool
    schedulable: bool = Field(description="false when cordoned (spec.unschedulable)")
    taints: list[str] = Field(description="key[=value]:Effect")
    labels: dict[str, str]
    cpu: float | None = Field(description="allocatable vCPUs")
    memory_gib: float | None = Field(description="allocatable memory")
    gpus: list[NodeGpus]
    usable: bool = Field(description="ready, schedulable, and no taint the plan's pods do not tolerate")
    unusable_reason: str | None = None
    gpu_utilisation_percent: float | None = Field(default=None, description="mean over the node's GPUs "
                                                                            "(DCGM, when Prometheus is configured)")
    gpu_memory_used_gib: float | None = None


class GpuJob(BaseModel):
    """An unfinished pod holding (or waiting for) GPUs: the cluster's active jobs and reservations."""

    namespace: str
    name: str
    node: str | None = Field(description="None: not scheduled yet (queued demand)")
    phase: str
    gpus: dict[str, int] = Field(description="resource → devices requested")


class ProductSummary(BaseModel):
    """One GPU product (or MIG profile) across the cluster."""

    accelerator: str | None
    product: str | None
    resource: str
    mig_profile: str | None
    shared: bool
    memory_gib: float | None
    nodes: int
    allocatable: int
    requested: int
    free: int = Field(description="free on any node")
    free_usable: int = Field(description="free on usable nodes (ready, schedulable, tolerated taints)")
    usable_nodes: list[str] = Field(description="usable nodes with free devices of this kind")


class ClusterInventory(BaseModel):
    cluster: str = Field(description="the kubeconfig context, the file's cluster name, or in-cluster")
    source: str = Field(description="kubernetes | file")
    location: str = Field(description="API server URL or inventory file path")
    read_at: datetime
    nodes: list[ClusterNode]
    jobs: list[GpuJob]
    queued_gpus: dict[str, int] = Field(description="resource → devices requested by pods not yet scheduled")
    products: list[ProductSummary]
    utilisation_source: str | None = None
    warnings: list[str] = Field(default_factory=list)

    @property
    def gpu_nodes(self) -> list[ClusterNode]:
        return [node for node in self.nodes if node.gpus]


# --- reading nodes ------------------------------------------------------------------------------------


def _labels(node: Mapping[str, Any]) -> dict[str, str]:
    return {str(k): str(v) for k, v in ((node.get("metadata") or {}).get("labels") or {}).items()}


def is_gpu_resource(resource: str) -> bool:
    return resource in {NVIDIA_GPU, NVIDIA_SHARED, AMD_GPU} or bool(_MIG.match(resource))


def _mib(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        mib = float(value)
    except ValueError:
        return None
    return mib if mib > 0 else None


def _amd_vram_gib(value: str | None) -> float | None:
    """AMD's labeller writes VRAM as e.g. '192G' or '64G' (GiB)."""
    if not value:
        return None
    match = re.match(r"^(\d+(?:\.\d+)?)\s*([GM])?i?B?$", value.strip(), re.IGNORECASE)
    if not match:
        return None
    number = float(match[1])
    return number / MIB_PER_GIB if (match[2] or "G").upper() == "M" else number


def _amd_label(labels: Mapping[str, str], kind: str) -> str | None:
    """AMD's labeller: `amd.com/gpu.<kind>=<value>` on a node of one model; with mixed models (and always under
    the legacy `beta.` prefix) `…<kind>.<value>=<count>`: the value of the most numerous model is taken."""
    for prefix in ("amd.com/gpu.", "beta.amd.com/gpu."):
        if labels.get(prefix + kind):
            return labels[prefix + kind]
        counted = [(label[len(prefix + kind) + 1:], count) for label, count in labels.items()
                   if label.startswith(prefix + kind + ".")]
        if counted:
            return max(counted, key=lambda pair: (int(pair[1]) if pair[1].isdigit() else 0, pair[0]))[0]
    return None


def _spec_memory(key: str | None) -> float | None:
    return ACCELERATOR_SPECS[key].memory_gib if key in ACCELERATOR_SPECS else None


def _device(resource: str, labels: Mapping[str, str]) -> tuple[str | None, str | None, float | None, str | None, bool]:
    """(product, accelerator key, memory GiB per device, MIG profile, shared) from the node's labels."""
    if resource == AMD_GPU:
        product = _amd_label(labels, "product-name") or _amd_label(labels, "device-id")
        memory = _amd_vram_gib(_amd_label(labels, "vram"))
        key = device_accelerator_key(product, memory_mib=memory * MIB_PER_GIB if memory else None) if product else None
        return product, key, memory or _spec_memory(key), None, False
    parent = labels.get("nvidia.com/gpu.product")
    parent_mib = _mib(labels.get("nvidia.com/gpu.memory"))
    mig = _MIG.match(resource)
    if mig:  # the "mixed" strategy: one resource per profile, labelled per profile
        profile = mig["profile"]
        slice_mib = _mib(labels.get(f"nvidia.com/mig-{profile}.memory"))
        product = labels.get(f"nvidia.com/mig-{profile}.product") or (f"{parent}-MIG-{profile}" if parent else None)
        key = device_accelerator_key(parent) if parent else (device_accelerator_key(product) if product else None)
        return product, key, _slice_gib(profile, slice_mib), profile, False
    product = parent
    in_product = _MIG_IN_PRODUCT.search(product or "")
    if in_product:  # the "single" strategy: nvidia.com/gpu are slices; product and memory describe one
        profile = in_product["profile"]
        return product, device_accelerator_key(product or ""), _slice_gib(profile, parent_mib), profile, False
    shared = resource == NVIDIA_SHARED or (product or "").upper().endswith("-SHARED") \
        or labels.get("nvidia.com/gpu.sharing-strategy", "none") not in {"none", ""}
    key = device_accelerator_key(product, memory_mib=parent_mib) if product else None
    memory = parent_mib / MIB_PER_GIB if parent_mib else _spec_memory(key)
    return product, key, round(memory, 2) if memory else None, None, shared


def _slice_gib(profile: str, mib: float | None) -> float | None:
    if mib:
        return round(mib / MIB_PER_GIB, 2)
    match = _PROFILE_GB.match(profile)
    return float(match["gb"]) * 1e9 / 2**30 if match else None  # the profile names decimal GB


def _taint_text(taint: Mapping[str, Any]) -> str:
    value = taint.get("value")
    return f"{taint.get('key')}{'=' + str(value) if value else ''}:{taint.get('effect')}"


def _ready(node: Mapping[str, Any]) -> bool:
    for condition in (node.get("status") or {}).get("conditions") or []:
        if condition.get("type") == "Ready":
            return condition.get("status") == "True"
    return False


def _usability(ready: bool, schedulable: bool, taints: Iterable[Mapping[str, Any]],
               tolerated: Iterable[str]) -> str | None:
    if not ready:
        return "not ready"
    if not schedulable:
        return "cordoned (unschedulable)"
    blocking = [_taint_text(t) for t in taints if t.get("effect") in _BLOCKING_EFFECTS and t.get("key") not in tolerated]
    if blocking:
        return "tainted " + ", ".join(blocking)
    return None


def _resource_map(node: Mapping[str, Any], field: str) -> dict[str, int]:
    values = (node.get("status") or {}).get(field) or {}
    return {str(k): _count(v) for k, v in values.items() if is_gpu_resource(str(k))}


def _cores(value: object) -> float | None:
    return None if value is None else round(float(quantity(value)), 3)


def _gib(value: object) -> float | None:
    return None if value is None else round(float(quantity(value)) / 2**30, 2)


# --- reading pods -------------------------------------------------------------------------------------


def _container_requests(container: Mapping[str, Any]) -> dict[str, int]:
    """GPU devices one container asks for: its request, else its limit (Kubernetes defaults one to the other)."""
    resources = container.get("resources") or {}
    asked = {**(resources.get("limits") or {}), **(resources.get("requests") or {})}
    return {str(k): _count(v) for k, v in asked.items() if is_gpu_resource(str(k)) and _count(v) > 0}


def pod_gpu_requests(pod: Mapping[str, Any]) -> dict[str, int]:
    """The pod's effective GPU request: the larger of (its containers' and restartable init containers' sum)
    and (each ordinary init container plus the restartable ones started before it)."""
    spec = pod.get("spec") or {}
    total: dict[str, int] = {}
    for container in spec.get("containers") or []:
        for resource, count in _container_requests(container).items():
            total[resource] = total.get(resource, 0) + count
    sidecars: dict[str, int] = {}
    peak: dict[str, int] = {}
    for init in spec.get("initContainers") or []:
        asked = _container_requests(init)
        if init.get("restartPolicy") == "Always":  # a sidecar: runs beside the containers
            for resource, count in asked.items():
                sidecars[resource] = sidecars.get(resource, 0) + count
            continue
        for resource in {*asked, *sidecars}:
            peak[resource] = max(peak.get(resource, 0), asked.get(resource, 0) + sidecars.get(resource, 0))
    for resource, count in sidecars.items():
        total[resource] = total.get(resource, 0) + count
    for resource, count in peak.items():
        total[resource] = max(total.get(resource, 0), count)
    return {resource: count for resource, count in total.items() if count > 0}


def _job(pod: Mapping[str, Any]) -> GpuJob | None:
    phase = (pod.get("status") or {}).get("phase") or "Unknown"
    if phase in _FINISHED:
        return None
    gpus = pod_gpu_requests(pod)
    if not gpus:
        return None
    metadata = pod.get("metadata") or {}
    return GpuJob(namespace=str(metadata.get("namespace") or "default"), name=str(metadata.get("name") or "?"),
                  node=(pod.get("spec") or {}).get("nodeName") or None, phase=phase, gpus=gpus)


# --- the whole --------------------------------------------------------------------------------------


def build_inventory(
    nodes: Iterable[Mapping[str, Any]], pods: Iterable[Mapping[str, Any]], *, cluster: str, source: str,
    location: str, read_at: datetime, tolerated: Iterable[str] = (NVIDIA_GPU, AMD_GPU),
    warnings: Iterable[str] = (),
) -> ClusterInventory:
    """Nodes and pods in the API's JSON shape → the inventory (free devices per node and per product)."""
    tolerated = tuple(tolerated)
    jobs = [job for job in (_job(pod) for pod in pods) if job is not None]
    held: dict[tuple[str, str], int] = {}
    queued: dict[str, int] = {}
    for job in jobs:
        for resource, count in job.gpus.items():
            if job.node is None:
                queued[resource] = queued.get(resource, 0) + count
            else:
                held[(job.node, resource)] = held.get((job.node, resource), 0) + count
    read: list[ClusterNode] = []
    for node in nodes:
        metadata = node.get("metadata") or {}
        name = metadata.get("name")
        if not name:
            raise InventoryError("a node without metadata.name")
        labels = _labels(node)
        capacity, allocatable = _resource_map(node, "capacity"), _resource_map(node, "allocatable")
        gpus = []
        for resource in sorted({*capacity, *allocatable}):
            if not capacity.get(resource) and not allocatable.get(resource):
                continue  # a device plugin that advertises the resource with no devices
            product, key, memory, profile, shared = _device(resource, labels)
            available = allocatable.get(resource, capacity.get(resource, 0))
            requested = held.get((name, resource), 0)
            gpus.append(NodeGpus(resource=resource, product=product, accelerator=key, memory_gib=memory,
                                 mig_profile=profile, shared=shared, capacity=capacity.get(resource, available),
                                 allocatable=available, requested=requested, free=max(0, available - requested)))
        spec, status = node.get("spec") or {}, node.get("status") or {}
        taints = spec.get("taints") or []
        ready, schedulable = _ready(node), not spec.get("unschedulable", False)
        reason = _usability(ready, schedulable, taints, tolerated)
        allocatable_all = status.get("allocatable") or {}
        read.append(ClusterNode(
            name=str(name), ready=ready, schedulable=schedulable, taints=[_taint_text(t) for t in taints],
            labels=labels, cpu=_cores(allocatable_all.get("cpu")), memory_gib=_gib(allocatable_all.get("memory")),
            gpus=gpus, usable=reason is None, unusable_reason=reason))
    read.sort(key=lambda n: n.name)
    return ClusterInventory(cluster=cluster, source=source, location=location, read_at=read_at, nodes=read,
                            jobs=sorted(jobs, key=lambda j: (j.node or "~", j.namespace, j.name)),
                            queued_gpus=queued, products=summarise(read), warnings=list(warnings))


def summarise(nodes: Iterable[ClusterNode]) -> list[ProductSummary]:
    """Per product (and MIG profile): devices, free ones, and the usable nodes holding free ones."""
    groups: dict[tuple, list[tuple[ClusterNode, NodeGpus]]] = {}
    for node in nodes:
        for gpus in node.gpus:
            key = (gpus.accelerator or gpus.product or gpus.resource, gpus.resource, gpus.mig_profile, gpus.shared)
            groups.setdefault(key, []).append((node, gpus))
    summaries = []
    for (_, resource, profile, shared), members in groups.items():
        first = members[0][1]
        memories = [g.memory_gib for _, g in members if g.memory_gib]
        summaries.append(ProductSummary(
            accelerator=first.accelerator, product=first.product, resource=resource, mig_profile=profile,
            shared=shared, memory_gib=min(memories) if memories else None, nodes=len(members),
            allocatable=sum(g.allocatable for _, g in members), requested=sum(g.requested for _, g in members),
            free=sum(g.free for _, g in members),
            free_usable=sum(g.free for n, g in members if n.usable),
            usable_nodes=[n.name for n, g in members if n.usable and g.free > 0]))
    summaries.sort(key=lambda s: (-(s.memory_gib or 0), s.accelerator or s.product or "", s.resource))
    return summaries


def gib_text(value: float | None) -> str:
    return "?" if value is None else f"{value:g}" if value == math.floor(value) else f"{value:.1f}"
