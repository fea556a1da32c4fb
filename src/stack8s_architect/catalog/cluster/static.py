"""A static inventory file (YAML) for a cluster this machine cannot reach: the same model as a live reading.

Two shapes are read:

- the inventory's own (written by `architect cluster snapshot`, or by hand)::

    cluster: lab
    nodes:
      - name: gpu-1
        taints: ["nvidia.com/gpu=present:NoSchedule"]     # optional; ready/schedulable default true
        gpus:
          - product: NVIDIA-A100-SXM4-80GB                 # or accelerator: "A100 80GB"
            count: 8
            in_use: 2                                      # optional
      - name: gpu-2
        gpus: [{resource: nvidia.com/mig-1g.10gb, accelerator: A100-80GB, count: 7}]
    jobs:                                                  # optional: who holds GPUs
      - {namespace: ml, name: trainer, node: gpu-1, gpus: {nvidia.com/gpu: 2}}

- a `kubectl get nodes,pods -A -o yaml` dump (a `kind: List`), read exactly as the API's answer is.

Both become API-shaped nodes and pods and go through `build_inventory`, so free GPUs, usable nodes and
products are computed one way for every source.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from stack8s_architect.catalog.cluster.inventory import (AMD_GPU, NVIDIA_GPU, ClusterInventory, InventoryError,
                                                         build_inventory, is_gpu_resource, summarise)
from stack8s_architect.catalog.gpus.names import resolve_user_accelerator

_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")


class StaticGpus(BaseModel):
    model_config = ConfigDict(extra="forbid")

    resource: str = Field(default=NVIDIA_GPU, description="nvidia.com/gpu, nvidia.com/mig-<profile>, amd.com/gpu")
    product: str | None = Field(default=None, description="the device label's product, e.g. NVIDIA-A100-SXM4-80GB")
    accelerator: str | None = Field(default=None, description="any name the catalog knows: H100, A100 80GB, L4")
    memory_gib: float | None = Field(default=None, gt=0, description="per device; default from the product")
    count: int = Field(ge=0, description="devices the node offers (allocatable)")
    in_use: int = Field(default=0, ge=0, description="devices held by work not listed under jobs")

    @field_validator("resource")
    @classmethod
    def _gpu_resource(cls, value: str) -> str:
        if not is_gpu_resource(value):
            raise ValueError(f"{value!r} is not a GPU resource this reader counts: use nvidia.com/gpu, "
                             "nvidia.com/mig-<profile> (e.g. nvidia.com/mig-1g.10gb), nvidia.com/gpu.shared or amd.com/gpu")
        return value

    @model_validator(mode="after")
    def _named(self) -> StaticGpus:
        if not self.product and not self.accelerator:
            raise ValueError("give the GPU a product (as its node label says) or an accelerator name (e.g. A100 80GB)")
        if self.accelerator and not resolve_user_accelerator(self.accelerator):
            raise ValueError(f"accelerator {self.accelerator!r} is not a GPU the catalog knows; "
                             "use e.g. H100, A100 80GB, L40S, MI300X, or give product instead")
        return self


class StaticNode(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    ready: bool = True
    schedulable: bool = True
    taints: list[str] = Field(default_factory=list, description="key[=value]:Effect")
    labels: dict[str, str] = Field(default_factory=dict)
    cpu: float | None = Field(default=None, gt=0)
    memory_gib: float | None = Field(default=None, gt=0)
    gpus: list[StaticGpus] = Field(default_factory=list)

    @field_validator("taints")
    @classmethod
    def _taints(cls, values: list[str]) -> list[str]:
        for value in values:
            if value.rpartition(":")[2] not in _EFFECTS or not value.rpartition(":")[0]:
                raise ValueError(f"taint {value!r}: write key[=value]:Effect with Effect one of {', '.join(_EFFECTS)}")
        return values


class StaticJob(BaseModel):
    model_config = ConfigDict(extra="forbid")

    namespace: str = "default"
    name: str = Field(min_length=1)
    node: str | None = None
    phase: str = "Running"
    gpus: dict[str, int]


class StaticInventory(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cluster: str = Field(default="static", min_length=1)
    nodes: list[StaticNode] = Field(min_length=1)
    jobs: list[StaticJob] = Field(default_factory=list)

    @model_validator(mode="after")
    def _known_nodes(self) -> StaticInventory:
        names = [node.name for node in self.nodes]
        if len(set(names)) < len(names):
            raise ValueError("two nodes share a name")
        for job in self.jobs:
            if job.node is not None and job.node not in names:
                raise ValueError(f"job {job.name!r} is on node {job.node!r}, which is not listed under nodes")
        return self


class InventoryFileError(ValueError):
    """The file cannot be read as an inventory; the message says where and what to change."""


def _taint(text: str) -> dict[str, str]:
    rest, _, effect = text.rpartition(":")
    key, _, value = rest.partition("=")
    return {"key": key, "value": value, "effect": effect} if value else {"key": key, "effect": effect}


def _product_label(resource: str, gpus: StaticGpus) -> tuple[str, str]:
    product = gpus.product or (resolve_user_accelerator(gpus.accelerator or "") or ("",))[0]
    if resource == AMD_GPU:
        return "amd.com/gpu.product-name", product
    if resource.startswith("nvidia.com/mig-"):
        return f"{resource}.product", product
    return "nvidia.com/gpu.product", product


def _node(node: StaticNode) -> dict[str, Any]:
    labels = dict(node.labels)
    allocatable: dict[str, str] = {}
    for gpus in node.gpus:
        label, product = _product_label(gpus.resource, gpus)
        labels.setdefault(label, product)
        if gpus.memory_gib:
            memory = (f"{gpus.memory_gib:g}G" if gpus.resource == AMD_GPU
                      else str(round(gpus.memory_gib * 1024)))
            labels.setdefault("amd.com/gpu.vram" if gpus.resource == AMD_GPU
                              else label.removesuffix(".product") + ".memory", memory)
        allocatable[gpus.resource] = str(int(allocatable.get(gpus.resource, 0)) + gpus.count)
    if node.cpu:
        allocatable["cpu"] = f"{node.cpu:g}"
    if node.memory_gib:
        allocatable["memory"] = f"{round(node.memory_gib * 1024)}Mi"
    return {"metadata": {"name": node.name, "labels": labels},
            "spec": {"unschedulable": not node.schedulable, "taints": [_taint(t) for t in node.taints]},
            "status": {"capacity": allocatable, "allocatable": allocatable,
                       "conditions": [{"type": "Ready", "status": "True" if node.ready else "False"}]}}


def _pod(namespace: str, name: str, node: str | None, phase: str, gpus: dict[str, int]) -> dict[str, Any]:
    return {"metadata": {"namespace": namespace, "name": name},
            "spec": {"nodeName": node, "containers": [{"name": "main", "resources": {"requests": dict(gpus)}}]},
            "status": {"phase": phase}}


def _from_model(data: dict, path: Path, tolerated: tuple[str, ...]) -> ClusterInventory:
    try:
        static = StaticInventory.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'file'}: {e['msg'].removeprefix('Value error, ')}"
                             for e in exc.errors()[:5])
        raise InventoryFileError(f"{path}: {problems}") from None
    pods = [_pod(job.namespace, job.name, job.node, job.phase, job.gpus) for job in static.jobs]
    for node in static.nodes:
        for gpus in node.gpus:
            if gpus.in_use:
                pods.append(_pod("(inventory file)", f"{node.name}-in-use", node.name, "Running",
                                 {gpus.resource: gpus.in_use}))
    inventory = build_inventory([_node(node) for node in static.nodes], pods, cluster=static.cluster, source="file",
                                location=str(path), read_at=_modified(path), tolerated=tolerated)
    return _with_named_accelerators(inventory, static)


def _with_named_accelerators(inventory: ClusterInventory, static: StaticInventory) -> ClusterInventory:
    """An `accelerator` the file names is the key, whatever the product label reads as."""
    named = {(node.name, gpus.resource): resolve_user_accelerator(gpus.accelerator)[0]  # type: ignore[index]
             for node in static.nodes for gpus in node.gpus if gpus.accelerator}
    if not named:
        return inventory
    for node in inventory.nodes:
        for gpus in node.gpus:
            if (node.name, gpus.resource) in named:
                gpus.accelerator = named[(node.name, gpus.resource)]
    inventory.products = summarise(inventory.nodes)
    return inventory


def _modified(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC)


def read_file(path: Path, *, tolerated: tuple[str, ...] = (NVIDIA_GPU, AMD_GPU)) -> ClusterInventory:
    """The inventory a YAML file describes; InventoryFileError saying what to fix when it cannot be read."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InventoryFileError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except yaml.YAMLError as exc:
        raise InventoryFileError(f"{path}: not YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(data, dict):
        raise InventoryFileError(f"{path}: expected a mapping with `nodes` (or a kubectl `kind: List`)")
    try:
        if data.get("kind") == "List" or "items" in data:
            items = data.get("items") or []
            nodes = [item for item in items if isinstance(item, dict) and item.get("kind") == "Node"]
            pods = [item for item in items if isinstance(item, dict) and item.get("kind") == "Pod"]
            if not nodes:
                raise InventoryFileError(f"{path}: the list holds no Node (dump it with "
                                         "`kubectl get nodes,pods -A -o yaml`)")
            return build_inventory(nodes, pods, cluster=str(data.get("cluster") or path.stem), source="file",
                                   location=str(path), read_at=_modified(path), tolerated=tolerated)
        return _from_model(data, path, tolerated)
    except InventoryError as exc:
        raise InventoryFileError(f"{path}: {exc}") from None


def snapshot(inventory: ClusterInventory) -> str:
    """The inventory as a static file (the shape `read_file` reads back to the same free GPUs)."""
    nodes = []
    for node in inventory.nodes:
        entry: dict[str, Any] = {"name": node.name}
        if not node.ready:
            entry["ready"] = False
        if not node.schedulable:
            entry["schedulable"] = False
        if node.taints:
            entry["taints"] = list(node.taints)
        labels = {k: v for k, v in node.labels.items() if k.startswith(("nvidia.com/", "amd.com/", "beta.amd.com/"))}
        if labels:
            entry["labels"] = labels
        if node.cpu:
            entry["cpu"] = node.cpu
        if node.memory_gib:
            entry["memory_gib"] = node.memory_gib
        gpus = []
        for device in node.gpus:
            one: dict[str, Any] = {"resource": device.resource}
            if device.product:
                one["product"] = device.product
            if device.accelerator:
                one["accelerator"] = device.accelerator
            if device.memory_gib:
                one["memory_gib"] = device.memory_gib
            one["count"] = device.allocatable
            gpus.append(one)
        if gpus:
            entry["gpus"] = gpus
        nodes.append(entry)
    listed = {node.name for node in inventory.nodes}  # a pod bound to a node gone since holds nothing here
    jobs = [{"namespace": job.namespace, "name": job.name, "node": job.node, "phase": job.phase, "gpus": job.gpus}
            for job in inventory.jobs if job.node is None or job.node in listed]
    header = (f"# GPU inventory of {inventory.cluster}, read {inventory.read_at:%Y-%m-%d %H:%M} UTC from "
              f"{inventory.location}.\n# Use it with ARCHITECT_CLUSTER_INVENTORY=<this file>.\n")
    return header + yaml.safe_dump({"cluster": inventory.cluster, "nodes": nodes, "jobs": jobs}, sort_keys=False)
