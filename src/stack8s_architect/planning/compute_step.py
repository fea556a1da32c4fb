"""The planner's compute step: catalog offers that hold the sized workload, cheapest first.

With a sizing, each accelerator that fits is searched with at least the tensor-parallel GPU count on
one instance (a TP group must not span machines; pipeline stages may), and enough instances are taken
for every replica's stages. Without one, the user's own constraints (GPU names, count, per-GPU memory)
select whole-GPU offers. Every price, memory figure and count is copied from the catalog row.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from stack8s_architect.catalog.compute.schemas import ComputeOffer, ComputeSearchRequest
from stack8s_architect.catalog.compute.providers import provider_deployment
from stack8s_architect.catalog.compute.service import ComputeCatalog, known_providers
from stack8s_architect.catalog.gpus.specs import ACCELERATOR_SPECS, INFERENCE_ONLY, accelerator_vendor
from stack8s_architect.core.errors import ArchitectError
from stack8s_architect.planning.models_step import from_scratch
from stack8s_architect.planning.plan import PlanCompute, PlanNodeShare, PlanSizing
from stack8s_architect.planning.sizing_step import SizingOutcome, fit_on
from stack8s_architect.planning.sizing_tool import excluded_accelerators
from stack8s_architect.planning.spec import WorkloadSpec
from stack8s_architect.sizing.fit import GPUS_PER_NODE, GpuFit
from stack8s_architect.sizing.serving import ServingLayout
from stack8s_architect.sizing.cost import monthly_cost_usd, start_up_hours

_TRAINING = {"training", "fine_tuning"}
_FINITE = {*_TRAINING, "batch_inference"}  # jobs that end: paid for the hours they run
# Without a sizing and without constraints, a training or vision job starts from a 24 GiB GPU.
_DEFAULT_MEMORY_GIB = 24.0


@dataclass(frozen=True)
class Candidate:
    offer: ComputeOffer
    instances: int
    fit: GpuFit | None
    # a local cluster's option: the nodes and how many free devices of `gpu_resource` each gives
    nodes: tuple[tuple[str, int], ...] = ()
    gpu_resource: str | None = None
    taints: tuple[str, ...] = ()  # the nodes' taints the pods must tolerate (key[=value]:Effect)
    why: str | None = None
    start_up_hours: float = 0.0  # a finite job: hours before its first step (weights download, framework start)
    layout_note: str | None = None  # laid out for smaller instances than the sizing's 8-GPU nodes: how and why

    @property
    def local(self) -> bool:
        return bool(self.nodes)

    @property
    def monthly(self) -> float:
        return monthly_cost_usd(self.offer.hourly_usd, self.instances)


def compute_candidates(
    catalog: ComputeCatalog, spec: WorkloadSpec, outcome: SizingOutcome, *, limit: int = 5
) -> tuple[list[PlanCompute], list[str]]:
    """Ranked compute rows and the assumptions made choosing them."""
    candidates, assumptions = ranked_candidates(catalog, spec, outcome, limit=limit)
    return [row(rank, c, spec, outcome) for rank, c in enumerate(candidates, start=1)], assumptions


def ranked_candidates(
    catalog: ComputeCatalog, spec: WorkloadSpec, outcome: SizingOutcome, *, limit: int = 5
) -> tuple[list[Candidate], list[str]]:
    """The offers behind the rows (their on-demand and spot prices), cheapest first, one per instance type."""
    assumptions: list[str] = []
    candidates: list[Candidate] = []
    fitting = [fit for fit in outcome.fits if fit.fits]
    if outcome.sizing is not None:
        within = [fit for fit in fitting if not spec.gpu_count or fit.gpu_count <= spec.gpu_count]
        if spec.gpu_count and fitting and len(within) < len(fitting):
            if within:
                assumptions.append(f"GPU types that need more than the {spec.gpu_count} GPU(s) asked for are left out")
            else:
                assumptions.append(f"no GPU type holds this workload on {spec.gpu_count} GPU(s); the smallest "
                                   "counts that fit are listed instead")
        fitting = within or fitting
        unplaced = []
        for fit in fitting:
            found = _offers_for_fit(catalog, spec, fit)
            candidates += found
            unplaced += [] if found else [fit]
        if not candidates and fitting and spec.gpu_count and spec.gpu_count > 1:
            # "two GPUs" where no instance has exactly two (AWS has 1, 4 and 8): the count asked is kept, spread
            # over instances with fewer GPUs each
            for fit in fitting:
                candidates += _offers_for_fit(catalog, spec, fit, spread=True)
            if candidates:
                unplaced = []
                assumptions.append(f"no instance within these filters has {spec.gpu_count} GPUs of a fitting type: the "
                                   f"{spec.gpu_count} GPUs asked for are rented as several smaller instances")
        if unplaced and (spec.gpu_names or not candidates):
            # a GPU the user named, or nothing else fits: laid out again for the instances its offers do have
            for fit in unplaced:
                candidates += _split_over_smaller_nodes(catalog, spec, outcome, fit)
        if not fitting:
            assumptions.append("no accelerator sized holds this workload; see the sizing notes for what would fit")
        elif not candidates:
            assumptions.append("no catalog offer has enough of a fitting GPU on one instance within these filters")
    else:
        candidates += _offers_for_constraints(catalog, spec, assumptions)
    if spec.exclude_places:
        assumptions.append(f"no offer located in {', '.join(spec.exclude_places)} (ruled out as asked)")
    ruled_out = excluded_accelerators(spec.exclude_gpus)
    if ruled_out and any(c.offer.accelerator in ruled_out for c in candidates):
        candidates = [c for c in candidates if c.offer.accelerator not in ruled_out]
        assumptions.append(f"GPUs ruled out: {', '.join(spec.exclude_gpus or [])}")
    unrendered = sorted({c.offer.accelerator or "" for c in candidates if not renders(c.offer.accelerator)})
    if unrendered:
        candidates = [c for c in candidates if renders(c.offer.accelerator)]
        assumptions.append(f"{', '.join(unrendered)} left out: the deliverables run vLLM and PyTorch on NVIDIA (CUDA) and "
                           "AMD (ROCm) GPUs only, and would not start on these accelerators")
    if spec.task in _TRAINING and any(c.offer.accelerator in INFERENCE_ONLY for c in candidates):
        candidates = [c for c in candidates if c.offer.accelerator not in INFERENCE_ONLY]
        assumptions.append(f"inference-only accelerators ({', '.join(sorted(INFERENCE_ONLY))}) are left out: they "
                           "have no training stack")
    if spec.task in _FINITE and any(run_hours(c) for c in candidates):
        weights = None if from_scratch(spec) or outcome.sizing is None else outcome.sizing.weights_gib
        candidates = [replace(c, start_up_hours=start_up_hours(weights)) for c in candidates]
        # a finite job is paid for the hours it runs: ranked by the cost of one run, not by a month of the machines;
        # with a deadline, the offers that finish in time come first
        deadline = spec.deadline_hours
        fabric = spec.task in _TRAINING and any(c.instances > 1 and not c.local for c in candidates)
        assumptions.append("offers ranked by the cost of one run (GPU-hours on each offer × its price), not by a month"
                           + (f"; those finishing within {deadline:g} h first" if deadline else "")
                           + ("; across several instances, those with an RDMA fabric between them (EFA, InfiniBand, "
                              "GPUDirect) first" if fabric else ""))
        minutes = candidates[0].start_up_hours * 60 if candidates else 0
        assumptions.append(f"each run includes ≈ {minutes:.0f} min of start-up on every rented GPU ("
                           + ("the weights' download at 100 MB/s and " if weights else "")
                           + "5 min for the framework to start), billed by the second; a provider's minimum billing "
                           "period or queue time adds to short runs")
        candidates = finite_order(candidates, deadline, prefer_fabric=fabric)
        if deadline and candidates and (run_hours(candidates[0]) or math.inf) > deadline:
            assumptions.append(f"no offer found finishes one run within {deadline:g} h: the cheapest run is listed "
                               "first — more GPUs or a faster GPU would shorten it")
        if fabric and candidates and not _fabric_ok(candidates[0]):
            top = candidates[0].offer
            assumptions.append(f"no fitting offer found has an RDMA fabric between its instances ({top.provider} "
                               f"{top.instance_type}: {top.interconnect}): gradients cross plain Ethernet every step, so "
                               "the run takes longer than the hours sized, which assume the GPUs never wait on the "
                               "network")
    else:
        candidates.sort(key=lambda c: (round(c.monthly, 2), c.instances, c.offer.provider, c.offer.instance_type,
                                       c.offer.region))
    kept = _distinct(candidates)[:limit]
    assumptions += list(dict.fromkeys(c.layout_note for c in kept if c.layout_note))
    return kept, assumptions


# The vendors whose GPUs the rendered deliverables run on (rendering/workload.py: the CUDA and ROCm vLLM images,
# the PyTorch image): a TPU, Inferentia, Trainium, Gaudi or Qualcomm offer would get manifests that cannot start.
RENDERED_VENDORS = frozenset({"nvidia", "amd"})


def renders(accelerator: str | None) -> bool:
    return accelerator is None or accelerator_vendor(accelerator) in RENDERED_VENDORS


def finite_order(candidates: list[Candidate], deadline: float | None = None, *,
                 prefer_fabric: bool = False) -> list[Candidate]:
    """A finite job's offers: those finishing within the deadline first (when one is given), then (training across
    instances) those with an RDMA fabric between their instances, then by the cost of one run; an offer without a run
    length last."""
    return sorted(candidates, key=lambda c: (bool(deadline) and (run_hours(c) or math.inf) > deadline,
                                             prefer_fabric and not _fabric_ok(c),
                                             round(run_cost(c) or c.monthly * 1e6, 2), c.instances, c.offer.provider,
                                             c.offer.instance_type, c.offer.region))


def _fabric_ok(candidate: Candidate) -> bool:
    """One instance needs no network between instances; several need an RDMA-class fabric."""
    return candidate.instances <= 1 or candidate.local or candidate.offer.fast_interconnect


def rented_gpus(candidate: Candidate) -> float:
    return sum(g for _, g in candidate.nodes) if candidate.local else candidate.instances * candidate.offer.accelerator_count


def run_hours(candidate: Candidate) -> float | None:
    """Wall hours of one run on this candidate: its start-up (every rented GPU waits), then the fit's hours of work on
    its GPUs, shortened by every further GPU rented (data parallel)."""
    fit = candidate.fit
    if fit is None or not fit.training_hours:
        return None
    rented = rented_gpus(candidate)
    work = fit.training_hours * fit.gpu_count / rented if rented > fit.gpu_count else fit.training_hours
    return candidate.start_up_hours + work


def run_cost(candidate: Candidate) -> float | None:
    """US dollars of one training run on this candidate (its instances × hourly price × the run's hours)."""
    hours = run_hours(candidate)
    return None if hours is None else candidate.offer.hourly_usd * candidate.instances * hours


def _search(catalog: ComputeCatalog, spec: WorkloadSpec, **filters: object) -> list[ComputeOffer]:
    excluding = bool(spec.exclude_places)  # every region of each type: its cheapest one may be the place ruled out
    request = ComputeSearchRequest(
        providers=allowed_providers(spec), regions=spec.regions or [],
        geography=[spec.geography] if spec.geography else [], spot=bool(spec.spot), limit=500 if excluding else 50,
        group_by_instance_type=not excluding, **filters,
    )
    try:
        offers = catalog.search(request).offers
    except ArchitectError:
        return []  # a name this catalog does not hold: no offers from it
    for place in spec.exclude_places or []:  # "not in the US": the catalog's own reading of the place, taken away
        try:
            there = catalog.search(request.model_copy(update={"geography": [place], "group_by_instance_type": False,
                                                              "limit": 500})).offers
        except ArchitectError:
            continue
        located = {(o.provider, o.region) for o in there}
        offers = [o for o in offers if (o.provider, o.region) not in located]
    return offers


def allowed_providers(spec: WorkloadSpec) -> list[str]:
    """The providers to search: those asked for, else every provider but those ruled out, else all ([])."""
    if spec.providers or not spec.exclude_providers:
        return [p for p in spec.providers or [] if p not in (spec.exclude_providers or [])]
    return [p for p in known_providers() if p not in spec.exclude_providers]


def _offers_for_fit(catalog: ComputeCatalog, spec: WorkloadSpec, fit: GpuFit, *, spread: bool = False,
                    node_gpus: int = GPUS_PER_NODE) -> list[Candidate]:
    """Instances holding every GPU the fit needs: each TP group on one instance; pipeline stages, replicas
    and sharded training (ZeRO-3 over more GPUs than one TP group) may span instances. Serving a load, each
    offer takes the layout (TP × replicas) that needs the fewest of its instances. `spread`: a pinned GPU count no
    instance holds exactly, rented over instances with fewer GPUs. `node_gpus`: the node size the fit was laid out
    for (a job that fits one such node runs on one)."""
    layouts = [fit, *(_laid_out(fit, layout) for layout in fit.layouts[1:])] if fit.layouts else [fit]
    # a count the user pinned is the total: up to one node's worth of it on each instance, not all of it
    least = max(min(f.tensor_parallel for f in layouts), min(spec.gpu_count or 0, node_gpus))
    if spec.task in _TRAINING:  # a job that fits one node runs on one node: no data parallelism over plain Ethernet
        least = max(least, min(fit.total_gpus, node_gpus))
    if spread:  # the pinned count over instances of fewer GPUs, each holding at least one TP group
        least = min(f.tensor_parallel for f in layouts)
    asked = spec.gpu_count if spec.gpu_count and spec.gpu_count >= fit.total_gpus else None
    found = []
    for offer in _search(catalog, spec, accelerators=[fit.gpu_key], min_count=least, max_count=_most(spec)):
        # a layout keeping every user at the speed target first, then the fewest instances of this offer
        options = [(_misses_speed(f), _instances(offer.accelerator_count, f), f.total_gpus, index)
                   for index, f in enumerate(layouts) if f.tensor_parallel <= offer.accelerator_count]
        if options:
            _, instances, _, index = min(options)
            if asked:  # "using 32 A100s": what the user asked for is what is rented
                instances = max(instances, math.ceil(asked / offer.accelerator_count))
            found.append(Candidate(offer, instances, layouts[index]))
    return found


def _split_over_smaller_nodes(catalog: ComputeCatalog, spec: WorkloadSpec, outcome: SizingOutcome,
                               fit: GpuFit) -> list[Candidate]:
    """A fit laid out for 8-GPU nodes that no instance of its GPU holds within the filters (one GH200 per node, two
    H100 NVL on Azure), laid out again for the largest instance there is: tensor parallelism inside an instance,
    pipeline stages (training: data parallelism) across instances. Empty when that does not help."""
    spec_figures = ACCELERATOR_SPECS.get(fit.gpu_key)
    offers = _search(catalog, spec, accelerators=[fit.gpu_key], min_count=1, max_count=_most(spec))
    largest = int(max((o.accelerator_count for o in offers), default=0))
    if spec_figures is None or not 1 <= largest < GPUS_PER_NODE:
        return []
    device = replace(spec_figures.to_gpu_spec(), node_gpus=largest)
    refit = fit_on(spec, device, outcome.model)
    if refit is None or not refit.fits:
        return []
    split = (f"TP={refit.tensor_parallel} × PP={refit.pipeline_parallel}" if refit.pipeline_parallel > 1
             else f"{refit.total_gpus} GPUs")
    note = (f"no instance within these filters has more than {largest} × {fit.gpu_key}: laid out as {split} over "
            f"{largest}-GPU instances (traffic between the instances crosses their network)")
    return [replace(c, layout_note=note) for c in _offers_for_fit(catalog, spec, refit, node_gpus=largest)]


def _most(spec: WorkloadSpec) -> int | None:
    """GPUs an instance may have: no more than a count the user pinned within one node ("a single GPU", "4 × L4")."""
    return spec.gpu_count if spec.gpu_count and spec.gpu_count <= GPUS_PER_NODE else None


def _misses_speed(fit: GpuFit) -> bool:
    return bool(fit.layouts) and not fit.layouts[0].meets_speed


def _instances(gpus_per_instance: float, fit: GpuFit) -> int:
    group = fit.tensor_parallel
    usable = math.floor(gpus_per_instance / group) * group
    total = (fit.replicas or 1) * max(fit.gpu_count, group * fit.pipeline_parallel)
    return math.ceil(total / usable)


def _laid_out(fit: GpuFit, layout: ServingLayout) -> GpuFit:
    """The fit served on another of its feasible layouts."""
    return replace(fit, gpu_count=layout.parallelism.gpus, tensor_parallel=layout.parallelism.tensor_parallel,
                   pipeline_parallel=layout.parallelism.pipeline_parallel, replicas=layout.replicas,
                   tokens_per_second=layout.replica_tokens_per_second, layouts=(layout,))


def _offers_for_constraints(catalog: ComputeCatalog, spec: WorkloadSpec, assumptions: list[str]) -> list[Candidate]:
    memory = spec.min_gpu_memory_gib
    if memory is None and not spec.gpu_names:
        memory = _DEFAULT_MEMORY_GIB
        assumptions.append(f"no GPU memory given: at least {memory:g} GiB per GPU assumed")
    count = spec.gpu_count or 1
    # whole GPUs; a count above one node's is the total, spread over instances of up to 8 GPUs
    offers = _search(catalog, spec, accelerators=spec.gpu_names or [], min_count=min(count, GPUS_PER_NODE),
                     max_count=_most(spec), min_gpu_memory_gib=memory)
    return [Candidate(offer, max(1, math.ceil(count / offer.accelerator_count)), None) for offer in offers]


def _distinct(candidates: list[Candidate]) -> list[Candidate]:
    """One row per (provider, instance type): its cheapest region and count."""
    seen, kept = set(), []
    for candidate in candidates:
        key = (candidate.offer.provider, candidate.offer.instance_type)
        if key not in seen:
            seen.add(key)
            kept.append(candidate)
    return kept


def row(rank: int, candidate: Candidate, spec: WorkloadSpec, outcome: SizingOutcome) -> PlanCompute:
    offer, fit = candidate.offer, candidate.fit
    return PlanCompute(
        rank=rank, provider=offer.provider, instance_type=offer.instance_type, region=offer.region,
        accelerator=offer.accelerator, accelerator_count=offer.accelerator_count, gpu_memory_gib=offer.gpu_memory_gib,
        total_gpu_memory_gib=offer.total_gpu_memory_gib, vcpus=offer.vcpus, memory_gib=offer.memory_gib,
        spot=offer.spot, price_per_hour_usd=offer.hourly_usd, instances=candidate.instances,
        monthly_cost_usd=round(candidate.monthly, 2), fits=fit.fits if fit else True, source=offer.source,
        why=_why(candidate, spec, outcome),
        tensor_parallel=fit.tensor_parallel if fit else None, pipeline_parallel=fit.pipeline_parallel if fit else None,
        replicas=(fit.replicas or 1) if fit else None, accelerator_name=offer.accelerator_name,
        catalog_date=offer.catalog_date, local=candidate.local,
        nodes=[PlanNodeShare(name=name, gpus=gpus) for name, gpus in candidate.nodes],
        gpu_resource=candidate.gpu_resource, tolerate=list(candidate.taints),
        interconnect=None if candidate.local else offer.interconnect,
        deployment=None if candidate.local else provider_deployment(offer.provider).how(offer.instance_type),
        **_run(candidate, spec),
    )


def _run(candidate: Candidate, spec: WorkloadSpec) -> dict[str, float]:
    hours, cost = (run_hours(candidate), run_cost(candidate)) if spec.task in _FINITE else (None, None)
    return {} if hours is None or cost is None else {"run_hours": round(hours, 2), "run_cost_usd": round(cost, 2)}


def what_holds(fit: GpuFit, accelerator: str | None, sizing: PlanSizing) -> str:
    """What the fit's GPUs hold, in the sizing's own figures: the whole need on one replica, or per replica the
    weights and together the KV cache of every sequence."""
    layout = f"TP={fit.tensor_parallel}" + (f", PP={fit.pipeline_parallel}" if fit.pipeline_parallel > 1 else "")
    replicas = fit.replicas or 1
    if replicas == 1 or not sizing.kv_cache_gib:
        return f"{fit.gpu_count} × {accelerator} hold {sizing.required_gpu_memory_gib:g} GiB ({layout})"
    sequences = f" of {sizing.concurrent_sequences} sequences" if sizing.concurrent_sequences else ""
    return (f"{replicas} replicas of {fit.gpu_count} × {accelerator} ({layout}) hold {sizing.weights_gib:g} GiB of "
            f"weights each and {sizing.kv_cache_gib:g} GiB of KV cache{sequences} together")


def _why(candidate: Candidate, spec: WorkloadSpec, outcome: SizingOutcome) -> str:
    if candidate.why is not None:
        return candidate.why
    offer, fit = candidate.offer, candidate.fit
    price = f"${offer.hourly_usd:,.2f}/h{' spot' if offer.spot else ''} in {offer.region} ({offer.source})"
    between = (f"; between instances: {offer.interconnect}"
               if candidate.instances > 1 and spec.task in _TRAINING and not candidate.local else "")
    if fit is not None and outcome.sizing is not None:
        return (f"{what_holds(fit, offer.accelerator, outcome.sizing)}; {candidate.instances} instance(s) at {price}"
                + between)
    asked = ", ".join(filter(None, (
        f"{spec.gpu_count}+ GPUs" if spec.gpu_count else None,
        f"≥ {spec.min_gpu_memory_gib:g} GiB each" if spec.min_gpu_memory_gib else None,
        "/".join(spec.gpu_names) if spec.gpu_names else None,
    ))) or f"≥ {_DEFAULT_MEMORY_GIB:g} GiB per GPU"
    return f"{offer.accelerator_count:g} × {offer.accelerator} ({offer.gpu_memory_gib} GiB each) meet {asked}; {price}"
