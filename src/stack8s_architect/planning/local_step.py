"""The planner's local-cluster step: free GPUs of the configured cluster that hold the sized workload.

Each GPU product (or MIG profile) with free devices on usable nodes is sized like a cloud GPU (`fit_on`:
the same formulas, on the device's own figures — a MIG slice gets its share of the parent's memory,
bandwidth and compute) and then placed: every tensor-parallel group on one node; an inference
replica's groups and replicas packed onto the nodes with the most free devices; a training job takes the
same number of devices on each node it uses (data parallel ranks). The option costs 0 (the GPUs are
already there) and names its nodes; when nothing fits, the notes say why per product (too little memory,
not enough free devices, devices too spread out, a GPU the table does not know, time-sliced GPUs).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from stack8s_architect.catalog.cluster.inventory import ClusterInventory, NodeGpus, ProductSummary
from stack8s_architect.catalog.cluster.service import ClusterService, ClusterStatus
from stack8s_architect.catalog.compute.schemas import ComputeOffer
from stack8s_architect.catalog.gpus.specs import ACCELERATOR_SPECS
from stack8s_architect.catalog.compute.service import resolve_accelerators
from stack8s_architect.core.errors import ArchitectError
from stack8s_architect.core.logging import get_logger
from stack8s_architect.planning.compute_step import Candidate, what_holds
from stack8s_architect.planning.sizing_step import SizingOutcome, fit_on
from stack8s_architect.planning.spec import WorkloadSpec
from stack8s_architect.sizing.fit import GpuFit
from stack8s_architect.sizing.gpu import GpuSpec

log = get_logger(__name__)

# Compute slices of a MIG-capable GPU (A30 has 4; A100, H100, H200, B200 have 7).
_MIG_SLICES = {"A30": 4}
_DEFAULT_MIG_SLICES = 7
_PROFILE = re.compile(r"^(?P<g>\d+)g\.")
# Without a sizing and without constraints, the cloud path's default per-GPU memory applies here too.
_DEFAULT_MEMORY_GIB = 24.0


@dataclass
class LocalOutcome:
    candidates: list[Candidate] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    checked: bool = False  # the cluster was read


def wanted(spec: WorkloadSpec, cluster: ClusterService | None) -> bool:
    """Asked for (use_local_cluster), or not ruled out while a cluster is configured and no cloud was named."""
    if spec.use_local_cluster is not None:
        return spec.use_local_cluster
    return cluster is not None and cluster.configured and not spec.providers and not spec.regions


def local_step(cluster: ClusterService | None, spec: WorkloadSpec, outcome: SizingOutcome) -> LocalOutcome:
    result = LocalOutcome()
    if not wanted(spec, cluster):
        return result
    if cluster is None or not cluster.configured:
        result.assumptions.append("the local cluster was asked for, but none is configured "
                                  "(ARCHITECT_CLUSTER_KUBECONFIG or ARCHITECT_CLUSTER_INVENTORY): cloud offers only")
        return result
    status = cluster.status()
    if not status.reachable or status.inventory is None:
        result.warnings.append(_unreachable(status))
        result.assumptions.append("the local cluster could not be read: cloud offers only")
        return result
    result.checked = True
    inventory = status.inventory
    result.warnings += inventory.warnings
    reasons: list[str] = []
    for product in inventory.products:
        try:
            candidate, reason = _option(inventory, product, spec, outcome)
        except Exception:  # noqa: BLE001  (a defect placing one product must not fail the turn; it is logged)
            log.error("cluster.placement_failed", product=product.product, resource=product.resource, exc_info=True)
            candidate, reason = None, f"{_label(product)}: could not be placed (an internal error, logged)"
        if candidate is not None:
            result.candidates.append(candidate)
        elif reason:
            reasons.append(reason)
    result.candidates.sort(key=lambda c: (c.offer.gpu_memory_gib * sum(g for _, g in c.nodes) if c.offer.gpu_memory_gib
                                          else math.inf, c.instances, c.offer.instance_type))
    where = f"the local cluster {inventory.cluster}"
    if result.candidates:
        top = result.candidates[0]
        result.assumptions.append(f"{where} has free GPUs that hold this workload: they come first, at no compute "
                                  f"cost (read {inventory.read_at:%Y-%m-%d} from {inventory.source}); "
                                  f"cloud offers follow as alternatives")
        waiting = inventory.queued_gpus.get(top.gpu_resource or "", 0)
        if waiting:  # only pods waiting for the same kind of device can take these
            result.assumptions.append(f"{where} has pods waiting for {waiting} × {top.gpu_resource}; they may take "
                                      f"the free devices on {', '.join(name for name, _ in top.nodes)} first")
    elif not inventory.products:
        result.assumptions.append(f"{where} has no GPU nodes: cloud offers only")
    else:
        result.assumptions.append(f"{where}'s free GPUs do not hold this workload: " + "; ".join(reasons)
                                  + ". Cloud offers only")
    return result


def _unreachable(status: ClusterStatus) -> str:
    return f"local cluster not used: {status.error or 'it could not be read'}; the plan lists cloud offers only"


def _label(product: ProductSummary) -> str:
    name = product.accelerator or product.product or product.resource
    return f"{name} MIG {product.mig_profile}" if product.mig_profile else name


def _device(product: ProductSummary) -> GpuSpec | None:
    """The sizing figures of one device: the table's for a whole GPU, a share of them for a MIG slice."""
    spec = ACCELERATOR_SPECS.get(product.accelerator or "")
    if spec is None:
        return None
    whole = spec.to_gpu_spec()
    if not product.mig_profile:
        return whole
    memory = product.memory_gib or 0.0
    match = _PROFILE.match(product.mig_profile)
    if not memory or match is None:
        return None
    compute = min(1.0, int(match["g"]) / _MIG_SLICES.get(whole.key, _DEFAULT_MIG_SLICES))
    share = min(1.0, memory / whole.memory_gib)
    return GpuSpec(key=f"{whole.key} MIG {product.mig_profile}", memory_gib=memory, usable_memory_gib=memory,
                   memory_bandwidth_gb_s=whole.memory_bandwidth_gb_s * share, bf16_tflops=whole.bf16_tflops * compute,
                   fp8_tflops=whole.fp8_tflops * compute if whole.fp8_tflops else None, interconnect="none")


def _same(gpus: NodeGpus, product: ProductSummary) -> bool:
    """The node's devices are of the product's kind (time-sliced replicas are never whole GPUs)."""
    return (gpus.resource == product.resource and gpus.accelerator == product.accelerator
            and gpus.mig_profile == product.mig_profile and gpus.shared == product.shared)


def _free_nodes(inventory: ClusterInventory, product: ProductSummary) -> list[tuple[str, int]]:
    """(node, free devices of this kind) on usable nodes, most free first."""
    found = []
    for node in inventory.nodes:
        if not node.usable:
            continue
        for gpus in node.gpus:
            if _same(gpus, product) and gpus.free > 0:
                found.append((node.name, gpus.free))
    return sorted(found, key=lambda pair: (-pair[1], pair[0]))


def _pack(nodes: list[tuple[str, int]], group: int, units: int) -> list[tuple[str, int]] | None:
    """`units` groups of `group` devices, each group on one node, onto the nodes with the most free first."""
    taken = []
    for name, free in nodes:
        if units <= 0:
            break
        here = min(free // group, units)
        if here:
            taken.append((name, here * group))
            units -= here
    return taken if units <= 0 else None


def _even(nodes: list[tuple[str, int]], group: int, total: int) -> list[tuple[str, int]] | None:
    """The same number of devices (a multiple of `group`) on each node used: the fewest spare, then the fewest
    nodes (a data-parallel job runs one rank set per node), on the nodes with the fewest free devices that do."""
    best: tuple[int, int, int] | None = None
    for per_node in range(group, (nodes[0][1] if nodes else 0) + 1, group):
        count = math.ceil(total / per_node)
        if sum(1 for _, free in nodes if free >= per_node) >= count:
            score = (count * per_node - total, count, per_node)
            best = min(best, score) if best else score
    if best is None:
        return None
    _, count, per_node = best
    fitting = sorted(((free, name) for name, free in nodes if free >= per_node))  # the tightest nodes: keep whole ones
    return sorted((name, per_node) for _, name in fitting[:count])


def _option(inventory: ClusterInventory, product: ProductSummary, spec: WorkloadSpec,
            outcome: SizingOutcome) -> tuple[Candidate | None, str | None]:
    label = _label(product)
    if product.free_usable == 0:
        if product.free:
            return None, f"{label}: {product.free} free, but only on nodes it cannot use ({_blocked(inventory, product)})"
        return None, f"{label}: none free ({product.requested} of {product.allocatable} held by pods)"
    if product.shared:
        return None, f"{label}: time-sliced (shared) GPUs, whose memory is not guaranteed to one workload"
    if spec.gpu_names and not _named(product, spec.gpu_names):
        return None, f"{label}: not one of the GPUs asked for ({', '.join(spec.gpu_names)})"
    device = _device(product)
    if device is None:
        return None, (f"{label}: {product.product or 'this GPU'} is not in the accelerator table, so it cannot be "
                      "sized (a static inventory can name a known GPU with `accelerator:`)")
    nodes = _free_nodes(inventory, product)
    if outcome.sizing is None:
        return _by_constraints(inventory, product, device, nodes, spec)
    fit = fit_on(spec, device, outcome.model)
    if fit is None or not fit.fits:
        return None, f"{label}: too little memory ({fit.reason if fit else 'cannot be sized'})"
    if product.mig_profile and (fit.gpu_count > 1 or fit.tensor_parallel > 1 or fit.pipeline_parallel > 1):
        return None, (f"{label}: too little memory: one replica needs {fit.gpu_count} slices of "
                      f"{product.memory_gib:g} GiB, and a model cannot span MIG slices")
    group = fit.tensor_parallel
    replicas = fit.replicas or 1
    total = replicas * max(fit.gpu_count, group * fit.pipeline_parallel)
    training = spec.task in {"training", "fine_tuning"}
    shares = _even(nodes, group, total) if training else _pack(nodes, group, math.ceil(total / group))
    if shares is None:
        most = nodes[0][1] if nodes else 0
        layout = f"TP={group}" + (f", {replicas} replicas" if replicas > 1 else "")
        if most < group:
            return None, (f"{label}: not enough free GPUs on one node: needs {group} on one node ({layout}), "
                          f"the most free on one usable node is {most}")
        return None, (f"{label}: not enough free GPUs: needs {total} ({layout}), {product.free_usable} free on usable "
                      f"nodes ({', '.join(f'{n}: {f}' for n, f in nodes)})")
    why = what_holds(fit, device.key, outcome.sizing)
    return _candidate(inventory, product, device, shares, fit, why), None


def _named(product: ProductSummary, names: list[str]) -> bool:
    try:
        keys = set(resolve_accelerators(names))
    except ArchitectError:
        return False
    return product.accelerator in keys


def _by_constraints(inventory: ClusterInventory, product: ProductSummary, device: GpuSpec,
                    nodes: list[tuple[str, int]], spec: WorkloadSpec) -> tuple[Candidate | None, str | None]:
    label = _label(product)
    memory = spec.min_gpu_memory_gib or (None if spec.gpu_names else _DEFAULT_MEMORY_GIB)
    if memory and device.memory_gib < memory:
        return None, f"{label}: too little memory ({device.memory_gib:g} GiB per device, {memory:g} GiB asked)"
    count = spec.gpu_count or 1
    shares = _even(nodes, 1, count)  # the same count on each node: the manifests' one pod per node
    if shares is None:
        return None, f"{label}: not enough free GPUs: {count} asked, {product.free_usable} free on usable nodes"
    asked = f"{count} × ≥ {memory:g} GiB" if memory else f"{count} GPU(s)"
    return _candidate(inventory, product, device, shares, None, f"{count} × {device.key} meet {asked}"), None


def _blocked(inventory: ClusterInventory, product: ProductSummary) -> str:
    reasons = []
    for node in inventory.nodes:
        if not node.usable and any(_same(g, product) and g.free for g in node.gpus):
            reasons.append(f"{node.name} {node.unusable_reason}")
    return "; ".join(reasons)


def _candidate(inventory: ClusterInventory, product: ProductSummary, device: GpuSpec, shares: list[tuple[str, int]],
               fit: GpuFit | None, why: str) -> Candidate:
    used = {name for name, _ in shares}
    nodes = [node for node in inventory.nodes if node.name in used]
    per_node = max(gpus for _, gpus in shares)
    # the CPU and memory that go with the devices taken: each node's allocatable split over its devices of this
    # kind (the manifests request a pod's share of the row's vCPUs and memory, as for a cloud instance)
    cpus, memories = [], []
    for node in nodes:
        devices = next((g.allocatable for g in node.gpus if _same(g, product)), 0) or 1
        if node.cpu:
            cpus.append(node.cpu / devices * per_node)
        if node.memory_gib:
            memories.append(node.memory_gib / devices * per_node)
    placed = ", ".join(f"{name} ({gpus})" for name, gpus in shares)
    where = f"the local cluster {inventory.cluster}"
    offer = ComputeOffer(
        provider="local", upstream_provider=None, instance_type=product.product or device.key,
        region=inventory.cluster, zones=[], country=None, city=None, geography="local", accelerator=device.key,
        accelerator_name=product.product, accelerator_count=per_node, gpu_memory_gib=round(device.memory_gib, 2),
        total_gpu_memory_gib=round(device.memory_gib * per_node, 2), vcpus=round(min(cpus), 2) if cpus else None,
        memory_gib=round(min(memories), 2) if memories else None, price_per_hour_usd=0.0, spot_price_per_hour_usd=None,
        spot=False, hourly_usd=0.0, monthly_cost_usd=0.0,
        # the day, as for a cloud catalog: a plan made again from a newer reading of the same free GPUs is the same plan
        source=f"{inventory.source}:{inventory.cluster}", catalog_date=inventory.read_at.strftime("%Y-%m-%d"),
    )
    taints = tuple(sorted({taint for node in nodes for taint in node.taints
                           if taint.rpartition(":")[2] in {"NoSchedule", "NoExecute"}}))
    return Candidate(offer, len(shares), fit, nodes=tuple(shares), gpu_resource=product.resource, taints=taints,
                     why=f"{why}; free on {where}: {placed}; no compute cost")
