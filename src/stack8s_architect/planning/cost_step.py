"""The planner's cost step: compute, storage and platform nodes per month, one-off training runs, budget.

- compute: the top-ranked compute row: its instances × catalog price × 730 h for serving; for training
  with a known run length, one run a month (the nodes stopped between runs).
- storage: object storage for the dataset and the model artefacts (weights, plus checkpoints when
  training) at the chosen provider's list price (`storage_prices.py`).
- other: CPU nodes for the Kubernetes components' default requests when the GPU nodes cannot hold them,
  priced at the cheapest catalog CPU instance in the GPU nodes' provider and region.
- one_time: one training run (sizing's hours × instances × hourly price), when the hours are known.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from stack8s_architect.catalog.charts.schemas import StackTotals
from stack8s_architect.catalog.compute.schemas import ComputeOffer, ComputeSearchRequest
from stack8s_architect.catalog.compute.service import ComputeCatalog
from stack8s_architect.core.errors import ArchitectError
from stack8s_architect.planning.compute_step import Candidate
from stack8s_architect.planning.plan import PlanCost, PlanSizing
from stack8s_architect.planning.spec import WorkloadSpec
from stack8s_architect.planning.storage_prices import READ_ON, storage_price
from stack8s_architect.sizing.cost import monthly_cost_usd
from stack8s_architect.sizing.units import GIB, HOURS_PER_MONTH

# Checkpoints kept while training (the last few, as most trainers keep), each the size of the weights.
CHECKPOINTS_KEPT = 3
# Platform nodes: the components' default requests are doubled for headroom (limits, spikes, system pods).
PLATFORM_HEADROOM = 2.0


@dataclass(frozen=True)
class CostOutcome:
    cost: PlanCost
    storage_gb: float
    platform_offer: ComputeOffer | None
    platform_nodes: int
    assumptions: tuple[str, ...]


def storage_gb(spec: WorkloadSpec, sizing: PlanSizing | None) -> tuple[float, list[str]]:
    """GB (10^9 bytes) to keep in object storage: the dataset, the weights, and checkpoints when training."""
    notes: list[str] = []
    total = spec.dataset_size_gb or 0.0
    if sizing is not None and sizing.weights_gib:
        weights_gb = sizing.weights_gib * GIB / 1e9
        copies = 1 + (CHECKPOINTS_KEPT if spec.task in {"training", "fine_tuning"} else 0)
        if spec.task == "fine_tuning" and spec.fine_tuning_method in {None, "lora", "qlora"}:
            copies = 1  # adapters are a small fraction of the base weights
        total += weights_gb * copies
        if copies > 1:
            notes.append(f"storage holds the weights and {CHECKPOINTS_KEPT} training checkpoints of the same size")
    return total, notes


def cost_for(
    catalog: ComputeCatalog, spec: WorkloadSpec, sizing: PlanSizing | None, top: Candidate | None,
    *, platform_totals: StackTotals | None = None,
) -> CostOutcome:
    assumptions: list[str] = []
    compute, one_time = _compute_cost(spec, sizing, top, assumptions)
    if top is None and not spec.use_local_cluster:
        assumptions.append("no compute offer was chosen, so the compute cost is 0 until one fits")
    requests_cpu_m = platform_totals.requests_cpu_m if platform_totals else 0
    requests_memory_mi = platform_totals.requests_memory_mi if platform_totals else 0
    declared = (f" ({platform_totals.charts_with_declared_requests} of {platform_totals.charts} charts declare "
                "default requests)") if platform_totals else ""
    provider = top.offer.provider if top else (spec.providers or [None])[0]

    gb, notes = storage_gb(spec, sizing)
    assumptions += notes
    storage = 0.0
    if top is not None and top.local:
        return _local_cost(spec, top, gb, compute, one_time, platform_totals, assumptions)
    if gb > 0:
        price, stand_in = storage_price(provider)
        storage = round(gb * price.usd_per_gb_month, 2)
        where = (f"{provider or 'the chosen provider'} has no object-storage price in the table; priced at "
                 if stand_in else "")
        assumptions.append(f"{gb:,.0f} GB in object storage at {where}{price.product} list price "
                           f"${price.usd_per_gb_month}/GB-month ({price.source}, read {READ_ON}); egress and "
                           "requests not included")

    platform, other = None, 0.0
    if (requests_cpu_m or requests_memory_mi) and _fits_beside(top, requests_cpu_m, requests_memory_mi):
        assumptions.append(f"platform components ({requests_cpu_m / 1000:g} vCPU, {requests_memory_mi / 1024:.2g} GiB "
                           f"requested by default{declared}) run on the GPU nodes' spare CPU and memory")
    elif requests_cpu_m or requests_memory_mi:
        platform = _platform_node(catalog, spec, top, provider, requests_cpu_m, requests_memory_mi)
        if platform is not None:
            other = round(monthly_cost_usd(platform[0].hourly_usd, platform[1]), 2)
            assumptions.append(
                f"platform components request {requests_cpu_m / 1000:g} vCPU and {requests_memory_mi / 1024:.2g} GiB "
                f"by default{declared}; with {PLATFORM_HEADROOM:g}× headroom they need {platform[1]} × "
                f"{platform[0].instance_type} ({platform[0].provider} {platform[0].region}, "
                f"${platform[0].hourly_usd:.4f}/h)")
        else:
            assumptions.append(f"no CPU instance of {provider or 'the provider'} in the GPU nodes' region holds the "
                               "platform components; their nodes are not priced")

    total = round(compute + storage + other, 2)
    budget = spec.budget_usd_per_month
    # with nothing to run there is nothing to judge: not "within budget" on storage alone
    within = None if budget is None or top is None else total <= budget
    cost = PlanCost(compute_monthly_usd=compute, storage_monthly_usd=storage, other_monthly_usd=other,
                    total_monthly_usd=total, one_time_usd=one_time, budget_usd_per_month=budget, within_budget=within)
    return CostOutcome(cost, gb, platform[0] if platform else None, platform[1] if platform else 0,
                       tuple(assumptions))


def _local_cost(spec: WorkloadSpec, top: Candidate, gb: float, compute: float, one_time: float,
                platform_totals: StackTotals | None, assumptions: list[str]) -> CostOutcome:
    """On the local cluster's own GPUs: nothing is rented, so nothing is priced; what is left unpriced is said."""
    if gb > 0:
        price, _ = storage_price(None)
        assumptions.append(f"{gb:,.0f} GB kept in the cluster's own object storage: not priced (the same in "
                           f"{price.product} would be ${gb * price.usd_per_gb_month:,.2f}/month)")
    if platform_totals and (platform_totals.requests_cpu_m or platform_totals.requests_memory_mi):
        assumptions.append(f"platform components ({platform_totals.requests_cpu_m / 1000:g} vCPU, "
                           f"{platform_totals.requests_memory_mi / 1024:.2g} GiB requested by default) run on the local "
                           "cluster's nodes: not priced")
    budget = spec.budget_usd_per_month
    total = round(compute, 2)
    cost = PlanCost(compute_monthly_usd=compute, storage_monthly_usd=0.0, other_monthly_usd=0.0, total_monthly_usd=total,
                    one_time_usd=one_time, budget_usd_per_month=budget,
                    within_budget=None if budget is None else total <= budget)
    return CostOutcome(cost, gb, None, 0, tuple(assumptions))


def _compute_cost(spec: WorkloadSpec, sizing: PlanSizing | None, top: Candidate | None,
                  assumptions: list[str]) -> tuple[float, float]:
    """(monthly, one-off). Serving runs all month; a training run is paid for the hours it runs."""
    if top is None:
        return 0.0, 0.0
    if top.local:
        hours = sizing.training_hours if sizing is not None and spec.task in {"training", "fine_tuning"} else None
        assumptions.append("compute on the local cluster's free GPUs: no cost"
                           + (f" (one training run ≈ {hours:,.1f} h there)" if hours else ""))
        return 0.0, 0.0
    finite = spec.task in {"training", "fine_tuning", "batch_inference"}
    hours = sizing.training_hours if sizing is not None and finite else None
    if not hours:
        if spec.task in {"training", "fine_tuning"}:
            assumptions.append("no run length known: the GPUs are priced for the whole month (730 h); stop them "
                               "between runs")
        elif finite:  # a batch whose throughput is not sized (speech, vision): said, not priced as if known
            often = f"{spec.runs_per_month:g} runs a month" if spec.runs_per_month else "its runs"
            assumptions.insert(0, f"no run length known for this {spec.domain or 'batch'} batch (its throughput is "
                                  f"not sized): the GPUs are priced for the whole month (730 h), an upper bound — the "
                                  f"job needs them only for {often}; stop them between runs")
        return round(top.monthly, 2), 0.0
    run = round(monthly_cost_usd(top.offer.hourly_usd, top.instances) * hours / HOURS_PER_MONTH, 2)
    runs = spec.runs_per_month or 1.0
    monthly_hours = min(hours * runs, HOURS_PER_MONTH)
    monthly = round(monthly_cost_usd(top.offer.hourly_usd, top.instances) * monthly_hours / HOURS_PER_MONTH, 2)
    days = f" ({hours / 24:,.1f} days)" if hours >= 48 else ""
    kind = "batch" if spec.task == "batch_inference" else "training"
    often = (f"{runs:g} runs a month ({monthly_hours:,.1f} h)" if spec.runs_per_month
             else f"one run a month ({monthly_hours:,.1f} h)")
    assumptions.append(f"one {kind} run ≈ {hours:,.1f} h{days} on {top.instances} × "
                       f"{top.offer.instance_type}: ${run:,.2f}; the monthly compute cost is {often}, the nodes "
                       "stopped between runs")
    return monthly, run


def _fits_beside(top: Candidate | None, cpu_m: int, memory_mi: int) -> bool:
    """The components, with headroom, take at most half the GPU instances' vCPUs and RAM."""
    if top is None or not top.offer.vcpus or not top.offer.memory_gib:
        return False
    vcpus, memory = top.offer.vcpus * top.instances, top.offer.memory_gib * top.instances
    return (cpu_m / 1000 * PLATFORM_HEADROOM <= vcpus / 2
            and memory_mi / 1024 * PLATFORM_HEADROOM <= memory / 2)


def _platform_node(catalog: ComputeCatalog, spec: WorkloadSpec, top: Candidate | None, provider: str | None,
                   cpu_m: int, memory_mi: int) -> tuple[ComputeOffer, int] | None:
    """The cheapest CPU instance (and how many) beside the GPU nodes (same provider and region) for the
    components' requests with headroom; without GPU nodes, within the spec's own place constraints."""
    vcpus = cpu_m / 1000 * PLATFORM_HEADROOM
    memory = memory_mi / 1024 * PLATFORM_HEADROOM
    if top is not None:
        place = {"providers": [top.offer.provider], "regions": [top.offer.region]}
    else:
        place = {"providers": [provider] if provider else spec.providers or [], "regions": spec.regions or [],
                 "geography": [spec.geography] if spec.geography else []}
    for count in (1, 2, 4):
        request = ComputeSearchRequest(kind="cpu", min_vcpus=math.ceil(vcpus / count),
                                       min_memory_gib=math.ceil(memory / count), limit=1, **place)
        try:
            offers = catalog.search(request).offers
        except ArchitectError:
            return None
        if offers:
            return offers[0], count
    return None
