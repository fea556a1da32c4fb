"""The planner's cost step: compute, storage and platform nodes per month, one-off training runs, budget.

- compute: the top-ranked compute row (its instances × catalog price × 730 h).
- storage: object storage for the dataset and the model artefacts (weights, plus checkpoints when
  training) at the chosen provider's list price (`storage_prices.py`).
- other: CPU nodes for the Kubernetes components' default requests, priced at the cheapest catalog
  CPU instance of that provider that holds them.
- one_time: one training run (sizing's hours × instances × hourly price), when the hours are known.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from stack8s_architect.catalog.compute.schemas import ComputeOffer, ComputeSearchRequest
from stack8s_architect.catalog.compute.service import ComputeCatalog
from stack8s_architect.core.errors import ArchitectError
from stack8s_architect.planning.compute_step import Candidate
from stack8s_architect.planning.plan import PlanCost, PlanSizing
from stack8s_architect.planning.spec import WorkloadSpec
from stack8s_architect.planning.storage_prices import storage_price
from stack8s_architect.sizing.cost import monthly_cost_usd
from stack8s_architect.sizing.units import GIB

# Checkpoints kept while training (the last few, as most trainers keep), each the size of the weights.
CHECKPOINTS_KEPT = 3
# Platform nodes: the components' default requests are doubled for headroom (limits, spikes, system pods).
PLATFORM_HEADROOM = 2.0


@dataclass(frozen=True)
class CostOutcome:
    cost: PlanCost
    storage_gb: float
    platform_offer: ComputeOffer | None
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
    *, requests_cpu_m: int = 0, requests_memory_mi: int = 0,
) -> CostOutcome:
    assumptions: list[str] = []
    compute = round(top.monthly, 2) if top else 0.0
    if top is None and not spec.use_local_cluster:
        assumptions.append("no compute offer was chosen, so the compute cost is 0 until one fits")
    provider = top.offer.provider if top else (spec.providers or [None])[0]

    gb, notes = storage_gb(spec, sizing)
    assumptions += notes
    storage = 0.0
    if gb > 0:
        price, stand_in = storage_price(provider)
        storage = round(gb * price.usd_per_gb_month, 2)
        where = (f"{provider or 'the chosen provider'} has no object-storage price in the table; priced at "
                 if stand_in else "")
        assumptions.append(f"{gb:,.0f} GB in object storage at {where}{price.product} list price "
                           f"${price.usd_per_gb_month}/GB-month ({price.source}); egress and requests not included")

    platform, other = None, 0.0
    if (requests_cpu_m or requests_memory_mi) and _fits_beside(top, requests_cpu_m, requests_memory_mi):
        assumptions.append(f"platform components ({requests_cpu_m / 1000:g} vCPU, {requests_memory_mi / 1024:.1f} GiB "
                           "requested by default) run on the GPU nodes' spare CPU and memory")
    elif requests_cpu_m or requests_memory_mi:
        platform = _platform_node(catalog, spec, provider, requests_cpu_m, requests_memory_mi)
        if platform is not None:
            other = round(monthly_cost_usd(platform[0].hourly_usd, platform[1]), 2)
            assumptions.append(
                f"platform components request {requests_cpu_m / 1000:g} vCPU and {requests_memory_mi / 1024:.1f} GiB "
                f"by default; with {PLATFORM_HEADROOM:g}× headroom they need {platform[1]} × "
                f"{platform[0].instance_type} ({platform[0].provider}, ${platform[0].hourly_usd:.4f}/h)")
        else:
            assumptions.append(f"no CPU instance of {provider or 'the provider'} in the catalog holds the platform "
                               "components; their nodes are not priced")

    one_time = 0.0
    if sizing is not None and sizing.training_hours and top is not None:
        one_time = round(sizing.training_hours * top.instances * top.offer.hourly_usd, 2)
        assumptions.append(f"one training run ≈ {sizing.training_hours:,.1f} h on {top.instances} × "
                           f"{top.offer.instance_type}: ${one_time:,.2f}")
    total = round(compute + storage + other, 2)
    budget = spec.budget_usd_per_month
    cost = PlanCost(compute_monthly_usd=compute, storage_monthly_usd=storage, other_monthly_usd=other,
                    total_monthly_usd=total, one_time_usd=one_time, budget_usd_per_month=budget,
                    within_budget=None if budget is None else total <= budget)
    return CostOutcome(cost, gb, platform[0] if platform else None, tuple(assumptions))


def _fits_beside(top: Candidate | None, cpu_m: int, memory_mi: int) -> bool:
    """The components, with headroom, take at most half the GPU instances' vCPUs and RAM."""
    if top is None or not top.offer.vcpus or not top.offer.memory_gib:
        return False
    vcpus, memory = top.offer.vcpus * top.instances, top.offer.memory_gib * top.instances
    return (cpu_m / 1000 * PLATFORM_HEADROOM <= vcpus / 2
            and memory_mi / 1024 * PLATFORM_HEADROOM <= memory / 2)


def _platform_node(catalog: ComputeCatalog, spec: WorkloadSpec, provider: str | None, cpu_m: int,
                   memory_mi: int) -> tuple[ComputeOffer, int] | None:
    """The cheapest CPU instance (and how many) of the provider for the components' requests with headroom."""
    vcpus = cpu_m / 1000 * PLATFORM_HEADROOM
    memory = memory_mi / 1024 * PLATFORM_HEADROOM
    for count in (1, 2, 4):
        request = ComputeSearchRequest(kind="cpu", providers=[provider] if provider else spec.providers or [],
                                       min_vcpus=math.ceil(vcpus / count), min_memory_gib=math.ceil(memory / count),
                                       limit=1)
        try:
            offers = catalog.search(request).offers
        except ArchitectError:
            return None
        if offers:
            return offers[0], count
    return None
