"""The deterministic planner: a WorkloadSpec → a DeploymentPlan, every number from a catalog or `sizing/`.

sizing → compute candidates that fit → models → Kubernetes stack → cost → budget proposals → steps →
trade-offs → summary. Defaults the spec leaves open (task, domain, model size) are filled here and
listed under `assumptions`, so a plan never rests on an unstated guess. Rendering (Markdown, diagram,
manifests) happens after, from the plan alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dataclasses import dataclass, field, replace

from sqlalchemy.orm import Session

from stack8s_architect.catalog.charts.schemas import StackResponse, StackTotals
from stack8s_architect.catalog.cluster.service import ClusterService
from stack8s_architect.catalog.charts.service import ChartCatalog
from stack8s_architect.catalog.compute.providers import provider_deployment
from stack8s_architect.catalog.compute.schemas import ComputeSearchRequest, ComputeSearchResponse
from stack8s_architect.catalog.compute.service import ComputeCatalog
from stack8s_architect.catalog.models.sizing_facts import ModelFacts
from stack8s_architect.planning.compute_step import Candidate, ranked_candidates, rented_gpus, row, run_hours
from stack8s_architect.planning.cost_step import CostOutcome, cost_for
from stack8s_architect.planning.grounding import ModelFactsCache, ground_model
from stack8s_architect.planning.kubernetes import (bitnami_pinned, kubernetes_section, publisher_notes,
                                                   scales_on_queue)
from stack8s_architect.planning.local_step import local_step
from stack8s_architect.planning.models_step import model_candidates
from stack8s_architect.planning.checkpoints import serve_checkpoint
from stack8s_architect.planning.plan import DeploymentPlan, PlanComponent, PlanCompute, PlanCost, PlanModel
from stack8s_architect.planning.sizing_step import SizingOutcome, size_for
from stack8s_architect.planning.sizing_tool import excluded_accelerators
from stack8s_architect.planning.shapes import (DEFAULT_EMBEDDING_BILLIONS, EMBEDDING_SERVER_CPU_M,
                                               EMBEDDING_SERVER_MEMORY_GIB, autoscaling_range, embedding_default,
                                               is_rag, rag_context, rag_index, rag_ingestion, reasoning_context)
from stack8s_architect.planning.spec import WorkloadSpec
from stack8s_architect.sizing.cost import monthly_cost_usd
from stack8s_architect.sizing.precision import precision_named

if TYPE_CHECKING:  # the embedding runtime (onnx) is imported where an embedder is built
    from stack8s_architect.catalog.models.embedding import Embedder

# A language model of this size is assumed when none is named (the common self-hosted default).
DEFAULT_LLM_BILLIONS = 8.0
# Sizes a "smaller model" proposal steps down to (common open-weight sizes).
_MODEL_SIZES = (405.0, 235.0, 120.0, 70.0, 32.0, 14.0, 8.0, 3.0, 1.0)
_FOUR_BIT = "awq"
_LANGUAGE_DOMAINS = {"llm", "multimodal", None}


class MemoCompute:
    """A compute catalog that answers a repeated search from memory: a plan, its variants and its
    trade-offs ask the same questions (one search per fitting GPU type) several times in one turn."""

    def __init__(self, catalog: ComputeCatalog):
        self.catalog = catalog
        self._answers: dict[str, ComputeSearchResponse] = {}

    def search(self, request: ComputeSearchRequest) -> ComputeSearchResponse:
        key = request.model_dump_json()
        if key not in self._answers:
            self._answers[key] = self.catalog.search(request)
        return self._answers[key]

    def check_regions(self, regions: list[str]) -> tuple[str, ...]:
        return self.catalog.check_regions(regions)


@dataclass
class PlannerContext:
    """What a plan is drawn from: the session (models), the in-memory compute and chart catalogs, and the local
    cluster when one is configured."""

    session: Session
    compute: ComputeCatalog | MemoCompute
    charts: ChartCatalog
    embedder: Embedder | None = None
    cluster: ClusterService | None = None
    model_facts: ModelFactsCache | None = None

    def __post_init__(self) -> None:
        if self.model_facts is None:
            self.model_facts = ModelFactsCache(self.session)

    def facts(self, spec: WorkloadSpec) -> ModelFacts | None:
        """The catalog facts of the model `spec` names by id (None: unnamed, unknown or replaced by a size)."""
        assert self.model_facts is not None
        return self.model_facts.facts(spec.model_id)

    @classmethod
    def for_session(cls, session: Session, embedder: Embedder | None = None,
                    cluster: ClusterService | None = None) -> PlannerContext:
        return cls(session, MemoCompute(ComputeCatalog(session)), ChartCatalog(session), embedder, cluster)


@dataclass(frozen=True)
class Variant:
    """A changed spec and what it would cost: budget proposals and "cheaper" refinements."""

    label: str
    spec: WorkloadSpec
    top: Candidate | None
    total_monthly_usd: float | None
    keeps_request: bool = True  # False: it changes what was asked for (the model, the scale)


@dataclass
class PlanOutcome:
    plan: DeploymentPlan
    spec: WorkloadSpec  # with the planner's defaults filled in
    top: Candidate | None
    candidates: list[Candidate]
    proposals: list[Variant] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # e.g. the local cluster could not be read


def with_defaults(spec: WorkloadSpec, *, context_limit: int | None = None) -> tuple[WorkloadSpec, list[str]]:
    """Fill what a plan needs and the user left open; each default is said back. `context_limit`: the model's own
    longest context, when the catalog knows it."""
    values: dict[str, object] = {}
    said: list[str] = []
    domain = spec.domain
    if domain is None:
        domain = "llm" if (spec.model_query or spec.params_billions or not spec.dataset_size_gb) else "other"
        values["domain"] = domain
        said.append(f"workload domain read as {domain}")
    if spec.task is None:
        values["task"] = "training" if spec.dataset_size_gb and not spec.model_query else "inference"
        said.append(f"task read as {values['task']} (say 'serve', 'train' or 'fine-tune' to change it)")
    task = values.get("task", spec.task)
    if domain in _LANGUAGE_DOMAINS and spec.params_billions is None and task != "training" and not spec.model_query:
        values["params_billions"] = DEFAULT_LLM_BILLIONS
        said.append(f"no model size given: an {DEFAULT_LLM_BILLIONS:g}B instruction model assumed "
                    "(name a model or a size to change it)")
    context, why = rag_context(spec.model_copy(update=values))
    if not context:
        context, why = reasoning_context(spec.model_copy(update=values), context_limit)
    if context:
        values["context_length"] = context
        said.append(why)
    index = rag_index(spec.model_copy(update=values))
    if index:
        said.append(index[2])
    return (spec.model_copy(update=values) if values else spec), said


def ground(ctx: PlannerContext, requested: WorkloadSpec) -> tuple[WorkloadSpec, ModelFacts | None, list[str], list[str]]:
    """The spec with its model resolved in the catalog and the planner's defaults filled: (spec, the model's
    facts, what was assumed, warnings such as an unknown model name)."""
    assert ctx.model_facts is not None
    filled, embedding = embedding_default(requested)  # before grounding: the default model is resolved like any other
    grounded = ground_model(ctx.session, ctx.model_facts, requested.model_copy(update=filled) if filled else requested)
    limit = grounded.facts.architecture.max_context_tokens if grounded.facts is not None else None
    spec, said = with_defaults(grounded.spec, context_limit=limit)
    return (spec, grounded.facts, [*grounded.warnings, *grounded.assumptions, *([embedding] if embedding else []), *said],
            grounded.warnings)


def build_plan(ctx: PlannerContext, requested: WorkloadSpec, *, version: int = 1) -> PlanOutcome:
    spec, facts, assumptions, warnings = ground(ctx, requested)
    outcome = size_for(spec, facts)
    assumptions += outcome.assumptions
    local = local_step(ctx.cluster, spec, outcome)
    assumptions += local.assumptions
    candidates, compute_notes = ranked_candidates(ctx.compute, spec, outcome)
    assumptions += compute_notes
    ruled_out = excluded_accelerators(spec.exclude_gpus)  # "no T4s" holds for the local cluster's GPUs too
    candidates = [c for c in local.candidates if c.offer.accelerator not in ruled_out] + candidates
    if not candidates and outcome.sizing is not None and (spec.gpu_count or spec.gpu_names):
        spec, outcome, candidates, said = _nearest_that_fits(ctx, spec, outcome, facts)
        assumptions += said
    top = candidates[0] if candidates else None
    if top is not None and top.fit is not None and outcome.sizing is not None:
        # time and throughput depend on the GPU: the plan quotes them for the chosen one; a training job
        # uses every GPU it rents (data parallel), so whole instances shorten the run
        hours, rented = run_hours(top), rented_gpus(top)
        if hours and rented > top.fit.gpu_count:
            assumptions.append(f"the run uses all {rented:g} {'local' if top.local else 'rented'} GPUs "
                               f"({top.fit.gpu_count} needed to fit)")
        outcome = replace(outcome, sizing=outcome.sizing.model_copy(update={
            "training_hours": hours or outcome.sizing.training_hours,
            "tokens_per_second": top.fit.tokens_per_second or outcome.sizing.tokens_per_second}))
    rows = [row(rank, c, spec, outcome) for rank, c in enumerate(candidates, start=1)]

    # an unnamed language model must fit the chosen GPUs; vision, speech and medical models are small
    language = spec.domain in _LANGUAGE_DOMAINS
    fits_gib = None if spec.model_query or top is None or not language else top.offer.total_gpu_memory_gib
    models, model_notes = model_candidates(ctx.session, spec, fits_gib=fits_gib, embedder=ctx.embedder,
                                           weights_gib=outcome.sizing.weights_gib if outcome.sizing else None)
    assumptions += model_notes
    if models and language and outcome.sizing is not None and spec.task in {"inference", "batch_inference"}:
        # the weights the GPUs were sized for are the weights served: a quantised release, or quantised on load
        native = (outcome.model.architecture.native_precision
                  if outcome.model is not None and outcome.model.id == models[0].id else None)
        served = serve_checkpoint(ctx.session, models[0].id, outcome.sizing.precision, native=native)
        if served.note:
            models[0] = models[0].model_copy(update={"checkpoint": served.repository})
            assumptions.append(served.note)
    stack, components = kubernetes_section(ctx.charts, spec)
    assumptions += [f"no chart for {gap.role}: {gap.reason}" for gap in stack.gaps]
    components, pinned = bitnami_pinned(ctx.charts, components)
    assumptions += pinned + publisher_notes(ctx.charts, components)
    roles = {c.role: c.chart for c in components}
    scaling = autoscaling_range(spec, top, scales=scales_on_queue(roles))
    if scaling:
        assumptions.append(scaling)
    costed = cost_for(ctx.compute, spec, outcome.sizing, top, platform_totals=_with_rag_server(spec, stack.totals))
    assumptions += costed.assumptions
    ingestion = rag_ingestion(spec, top.offer.accelerator if top else None,
                              None if top is None or top.local else top.offer.hourly_usd)
    if ingestion:  # RAG: the corpus is embedded once before it is searched — a one-off cost beside the serving month
        assumptions.append(ingestion[2])
        costed = replace(costed, cost=costed.cost.model_copy(update={
            "one_time_usd": round(costed.cost.one_time_usd + ingestion[1], 2)}))
    elif is_rag(spec) and top is not None and not spec.dataset_size_gb:
        assumptions.append("the one-off ingestion (embedding the documents on one GPU) is not priced: the corpus size "
                           "is not known — say how many GB of documents to have it sized")

    rows = _budget_marks(rows, spec, costed.cost)
    proposals: list[Variant] = []
    if costed.cost.within_budget is False:
        proposals = variants(ctx, spec, outcome, stack, cheaper_than=costed.cost.total_monthly_usd)
    plan = DeploymentPlan(
        version=version,
        summary=_summary(spec, outcome, rows, costed, proposals),
        assumptions=list(dict.fromkeys(assumptions)),
        sizing=outcome.sizing,
        compute=rows,
        models=models,
        kubernetes=components,
        cost=costed.cost,
        steps=_steps(spec, outcome, top, models, components, costed),
        tradeoffs=_tradeoffs(ctx, spec, outcome, candidates, models, components, proposals),
        diagram_mermaid="",
        manifests=[],
    )
    return PlanOutcome(plan, spec, top, candidates, proposals, [*warnings, *local.warnings])


def _budget_marks(rows: list[PlanCompute], spec: WorkloadSpec, cost: PlanCost) -> list[PlanCompute]:
    """Each option marked within or over the budget: its compute (a month of it; a finite job's runs a month) with the
    plan's storage and other costs, which do not depend on the option. The top option's mark is the plan's verdict."""
    budget = cost.budget_usd_per_month
    if budget is None or not rows:
        return rows
    rest = cost.total_monthly_usd - cost.compute_monthly_usd
    runs = spec.runs_per_month or 1.0

    def compute(r: PlanCompute) -> float:
        return r.run_cost_usd * runs if r.run_cost_usd is not None else r.monthly_cost_usd

    top = cost.within_budget if cost.within_budget is not None else compute(rows[0]) + rest <= budget
    return [r.model_copy(update={"within_budget": top if i == 0 else round(compute(r) + rest, 2) <= budget})
            for i, r in enumerate(rows)]


def _with_rag_server(spec: WorkloadSpec, totals: StackTotals | None) -> StackTotals | None:
    """The platform's requests with RAG's query embedding server (CPU) beside the charts' own."""
    if totals is None or not is_rag(spec):
        return totals
    memory_gib = EMBEDDING_SERVER_MEMORY_GIB + DEFAULT_EMBEDDING_BILLIONS * 1e9 * 4 / 2**30 * 2
    return totals.model_copy(update={"requests_cpu_m": totals.requests_cpu_m + EMBEDDING_SERVER_CPU_M,
                                     "requests_memory_mi": totals.requests_memory_mi + round(memory_gib * 1024)})


def _nearest_that_fits(ctx: PlannerContext, spec: WorkloadSpec, outcome: SizingOutcome, facts: ModelFacts | None,
                       ) -> tuple[WorkloadSpec, SizingOutcome, list[Candidate], list[str]]:
    """The GPUs asked for cannot hold the workload: the same GPU at the count that fits, else the GPUs that do —
    and why the request did not fit, in the sizing's numbers. Nothing found: the request as it was."""
    asked = f"{spec.gpu_count or ''} × {'/'.join(spec.gpu_names or ['GPU'])}".strip(" ×")
    unfit = [fit for fit in outcome.fits if not fit.fits]
    if outcome.fits and len(unfit) == len(outcome.fits):
        problem = f"{asked} as asked cannot hold this workload: {unfit[0].reason}"
    else:
        problem = f"no catalog offer has {asked} within these filters"
    for relaxed in (spec.model_copy(update={"gpu_count": None}),
                    spec.model_copy(update={"gpu_count": None, "gpu_names": None})):
        if relaxed == spec:
            continue
        tried = size_for(relaxed, facts)
        found, _ = ranked_candidates(ctx.compute, relaxed, tried)
        if found:
            changed = "the count" if relaxed.gpu_names else "the GPU type and count"
            return relaxed, tried, found, [f"{problem}; the nearest options that do are listed ({changed} changed)"]
    return spec, outcome, [], [problem]


# --- variants: what a change would cost ---------------------------------------------------------------


def variants(ctx: PlannerContext, spec: WorkloadSpec, outcome: SizingOutcome,
             stack: StackResponse | None = None, *, cheaper_than: float | None = None) -> list[Variant]:
    """One change at a time (4-bit weights when serving, a smaller model, one replica, spot), then all of
    them together; priced from the catalogs. With `cheaper_than`, only the variants that cost less."""
    changes: list[tuple[str, dict[str, object], bool]] = []
    serving = spec.task in {None, "inference", "batch_inference"}
    if serving and spec.domain in _LANGUAGE_DOMAINS and _bits(spec.precision) > 4:
        changes.append(("4-bit (AWQ) weights", {"precision": _FOUR_BIT}, True))
    smaller = next((size for size in _MODEL_SIZES if spec.params_billions and size <= spec.params_billions / 2), None)
    if smaller is not None:
        changes.append((f"a {smaller:g}B model instead of {spec.params_billions:.4g}B",
                        {"params_billions": smaller, "model_query": None, "model_id": None}, False))
    if outcome.fits and any((fit.replicas or 1) > 1 for fit in outcome.fits):
        changes.append(("one replica (serves fewer concurrent users)",
                        {"concurrent_users": None, "requests_per_second": None}, False))
    if not spec.spot:
        changes.append(("spot instances", {"spot": True}, True))
    if len(changes) > 1:
        combined: dict[str, object] = {}
        for _, update, _ in changes:
            combined.update(update)
        changes.append(("all of these together (" + ", ".join(label for label, _, _ in changes) + ")", combined, False))
    priced = [_priced(ctx, spec, label, update, keeps, stack) for label, update, keeps in changes]
    if cheaper_than is not None:
        priced = [v for v in priced if v.total_monthly_usd is not None and v.total_monthly_usd < cheaper_than - 0.005]
    return priced


def _priced(ctx: PlannerContext, spec: WorkloadSpec, label: str, update: dict[str, object], keeps: bool,
            stack: StackResponse | None) -> Variant:
    changed = spec.model_copy(update=update)
    outcome = size_for(changed, ctx.facts(changed))
    found, _ = ranked_candidates(ctx.compute, changed, outcome, limit=1)
    if not found:
        return Variant(label, changed, None, None, keeps)
    costed = cost_for(ctx.compute, changed, outcome.sizing, found[0], platform_totals=stack.totals if stack else None)
    return Variant(label, changed, found[0], costed.cost.total_monthly_usd, keeps)


def _bits(precision: str | None) -> float:
    """Bits per weight of a precision (16 when unset, or unknown to the table: then no lighter variant is sure)."""
    try:
        return precision_named(precision or "bf16").bits_per_weight
    except ValueError:
        return 0.0


def describe_variant(variant: Variant, budget: float | None = None) -> str:
    if variant.top is None or variant.total_monthly_usd is None:
        return f"{variant.label}: no catalog offer fits"
    offer = variant.top.offer
    fits = "" if budget is None else (" — within the budget" if variant.total_monthly_usd <= budget
                                      else " — still over the budget")
    return (f"{variant.label}: {variant.top.instances} × {offer.instance_type} ({offer.accelerator_count:g} × "
            f"{offer.accelerator}, {offer.provider}) for ${variant.total_monthly_usd:,.2f}/month in total{fits}")


# --- text sections: built from the numbers above, nothing new ----------------------------------------


def _what(spec: WorkloadSpec) -> str:
    task = {"inference": "Serving", "training": "Training", "fine_tuning": "Fine-tuning",
            "batch_inference": "Batch inference with"}.get(spec.task or "inference", "Running")
    model = spec.model_query
    if model is None and spec.params_billions:
        model = f"a {spec.params_billions:g}B model"
    domain = (spec.domain or "llm").replace("_", " ")
    return f"{task} {model or 'a ' + domain + ' model'}"


def _summary(spec: WorkloadSpec, outcome: SizingOutcome, rows: list[PlanCompute], costed: CostOutcome,
             proposals: list[Variant]) -> str:
    sizing = outcome.sizing
    what = _what(spec)
    if sizing and sizing.required_gpu_memory_gib:
        what += f" (needs {sizing.required_gpu_memory_gib:g} GiB of GPU memory at {sizing.precision})"
    if not rows:
        return f"{what}: no catalog offer fits within the constraints given; see the assumptions."
    top = rows[0]
    cost = costed.cost
    if top.local:
        placed = ", ".join(f"{share.gpus} on {share.name}" for share in top.nodes)
        text = (f"{what} on the local cluster {top.region}: {sum(s.gpus for s in top.nodes)} free × {top.accelerator} "
                f"({placed}), no compute cost; ${cost.total_monthly_usd:,.2f}/month in total")
    elif cost.one_time_usd and sizing is not None and sizing.training_hours:
        # a finite job: what one run takes and costs first; a month only for as long as the nodes are kept
        hours = sizing.training_hours
        text = (f"{what} on {top.instances} × {top.instance_type} ({top.accelerator_count:g} × {top.accelerator}, "
                f"{top.provider} {top.region}{', spot' if top.spot else ''}): one run ≈ {hours:,.1f} h"
                f" for ${cost.one_time_usd:,.2f} of compute; ${cost.total_monthly_usd:,.2f}/month with "
                + (f"{spec.runs_per_month:g} runs a month" if spec.runs_per_month else "one run a month"))
    else:
        text = (f"{what} on {top.instances} × {top.instance_type} ({top.accelerator_count:g} × {top.accelerator}, "
                f"{top.provider} {top.region}{', spot' if top.spot else ''}) for ${cost.total_monthly_usd:,.2f}/month")
    if cost.budget_usd_per_month is not None:
        if cost.within_budget:
            text += f", within the ${cost.budget_usd_per_month:,.0f}/month budget"
        else:
            text += f", over the ${cost.budget_usd_per_month:,.0f}/month budget"
            fitting = [p for p in proposals if p.total_monthly_usd is not None
                       and p.total_monthly_usd <= cost.budget_usd_per_month]
            # the options' own figures are in the trade-offs; the summary names them in words only
            tried = "; ".join(_short(p.label) for p in proposals if not p.label.startswith("all of these"))
            text += (f"; {_short(fitting[0].label)} would fit it (see the trade-offs)" if fitting
                     else f"; none of the cheaper options ({tried}) brings it within budget" if proposals
                     else "; no cheaper option was found")
    if cost.one_time_usd and not (sizing is not None and sizing.training_hours):
        text += (f"; the one-off ingestion of the documents ≈ ${cost.one_time_usd:,.2f}" if is_rag(spec)
                 else f"; one training run ≈ ${cost.one_time_usd:,.2f}")
    cloud = next((r for r in rows[1:] if not r.local), None) if top.local else None
    if cloud is not None:
        text += (f". In the cloud instead: {cloud.instances} × {cloud.instance_type} ({cloud.provider} {cloud.region}) "
                 f"for ${cloud.monthly_cost_usd:,.2f}/month of compute")
    return text + "."


def _short(label: str) -> str:
    """A variant's label without its figures: "a 70B model instead of 405.9B" → "a smaller model"."""
    if label.startswith("all of these"):
        return "all of these together"
    return "a smaller model" if "model instead of" in label else label


def _steps(spec: WorkloadSpec, outcome: SizingOutcome, top: Candidate | None, models: list[PlanModel],
           components: list[PlanComponent], costed: CostOutcome) -> list[str]:
    steps: list[str] = []
    if top is not None and top.local:
        offer = top.offer
        placed = ", ".join(f"{name} ({gpus})" for name, gpus in top.nodes)
        steps.append(f"Use the local cluster {offer.region}: free `{top.gpu_resource}` devices ({offer.accelerator}) "
                     f"on {placed}; the manifests pin the pods to these nodes (node affinity on their names) and "
                     "tolerate their taints; no nodes to provision.")
    elif top is not None:
        offer = top.offer
        place = provider_deployment(offer.provider)
        rented = (f"{top.instances} × {offer.instance_type} ({offer.accelerator_count:g} × {offer.accelerator}) on "
                  f"{offer.provider} in {offer.region}{' as spot instances' if offer.spot else ''}")
        if place.kubernetes:
            steps.append(f"In {place.kubernetes}, create a GPU node pool of {rented}, with the NVIDIA GPU operator's "
                         "drivers or the provider's.")
        elif place.skypilot:
            steps.append(f"Rent {rented} with SkyPilot (`sky launch skypilot.yaml`; `sky serve up` for several "
                         f"replicas): {place.name} has no managed Kubernetes"
                         + (", and rents containers, so the Kubernetes manifests need a cluster elsewhere."
                            if place.rents == "containers" else
                            "; or install k3s on the rented machines and apply the manifests."))
        else:
            steps.append(f"Rent {rented} from {place.name}'s console (SkyPilot does not support it)"
                         + (" and start the container with the manifests' image and command." if place.rents == "containers"
                            else "; install k3s on the machines and apply the manifests."))
    if costed.platform_offer is not None:
        steps.append(f"Add a CPU node pool of {costed.platform_nodes} × {costed.platform_offer.instance_type} for "
                     "the platform components.")
    order = {"gpu-operator": 0, "secrets": 1, "object-storage": 2}
    for component in sorted(components, key=lambda c: order.get(c.role, 3)):
        version = f" {component.version}" if component.version else ""
        steps.append(f"Install {component.chart}{version} ({component.role}).")
    if spec.dataset_size_gb:
        steps.append(f"Upload the {spec.dataset_size_gb:,.0f} GB dataset to object storage.")
    sizing = outcome.sizing
    if models:
        size = f" ({models[0].memory_gib:g} GiB at {spec.precision or 'bf16'})" if models[0].memory_gib else ""
        if models[0].gated:  # the pods require the token: they wait for the Secret rather than fail at download
            steps.append(f"Accept {models[0].id}'s licence on Hugging Face, then create the token Secret in the "
                         "workload's namespace: kubectl create secret generic hf-token --from-literal=token=<token>.")
        steps.append(f"Pull {models[0].id} weights{size} into the model cache.")
        gateway = any(c.role == "api-gateway" for c in components)
        if gateway and spec.task in {None, "inference"} and spec.domain in _LANGUAGE_DOMAINS:
            steps.append("Create the llm-api-key Secret (the model server answers only requests carrying it) and the "
                         "gateway's TLS certificate Secret (or let cert-manager issue it).")
    fit = top.fit if top is not None else None
    if spec.task in {"training", "fine_tuning"}:
        hours = f" (≈ {sizing.training_hours:,.1f} h estimated)" if sizing and sizing.training_hours else ""
        steps.append(f"Run the training job{hours}, logging runs and checkpoints to experiment tracking.")
        steps.append("Register the best checkpoint and evaluate it on a held-out set before serving.")
    elif fit is not None and spec.task == "batch_inference":
        hours = f" (one run ≈ {sizing.training_hours:,.1f} h)" if sizing and sizing.training_hours else ""
        steps.append("Put the inputs in the batch volume as OpenAI batch-format JSONL and run the batch "
                     + (f"CronJob on its schedule{hours}." if spec.runs_per_month else f"Job{hours}; stop the GPU "
                        "nodes when it ends."))
    elif fit is not None and is_rag(spec):
        ingestion = rag_ingestion(spec, top.offer.accelerator, None)
        steps.append(f"Deploy the inference server with tensor parallel {fit.tensor_parallel}"
                     + (f" and {fit.replicas} replicas" if (fit.replicas or 1) > 1 else "")
                     + (f", max model length {spec.context_length}" if spec.context_length else "")
                     + ", and the query embedding server (CPU).")
        steps.append("Copy the documents into the rag-documents volume and run the ingestion Job: parse and chunk, "
                     "embed on one GPU, index into the vector database"
                     + (f" (≈ {ingestion[0]:,.1f} h)" if ingestion else "") + ".")
        steps.append("Point the RAG application (LlamaIndex, LangChain or your own) at the endpoints in the "
                     "rag-endpoints ConfigMap.")
    elif fit is not None and spec.domain == "speech":
        replicas = fit.replicas or 1
        steps.append(f"Deploy speaches (faster-whisper) from manifests/: {replicas} replica(s) of one GPU"
                     + (f" sharing the {spec.concurrent_users} streams" if spec.concurrent_users else "")
                     + "; an init container fetches the CTranslate2 weights.")
        steps.append(f"Load-test with {spec.concurrent_users or 'the expected'} live streams at real-time pace and "
                     "check each chunk's transcription keeps up.")
    elif fit is not None:
        steps.append(f"Deploy the inference server with tensor parallel {fit.tensor_parallel}"
                     + (f", pipeline parallel {fit.pipeline_parallel}" if fit.pipeline_parallel > 1 else "")
                     + (f" and {fit.replicas} replicas" if (fit.replicas or 1) > 1 else "")
                     + (f", max model length {spec.context_length}" if spec.context_length else "") + ".")
    if spec.task in {"inference", None} and spec.domain != "speech" and fit is not None:
        target = ", ".join(filter(None, (
            f"{spec.concurrent_users} concurrent users" if spec.concurrent_users else None,
            f"{spec.requests_per_second:g} requests/s" if spec.requests_per_second else None,
            f"p95 under {spec.latency_target_ms:g} ms" if spec.latency_target_ms else None,
        )))
        steps.append(f"Load-test{' to ' + target if target else ''} and set autoscaling on queue depth.")
    return steps


def _tradeoffs(ctx: PlannerContext, spec: WorkloadSpec, outcome: SizingOutcome, candidates: list[Candidate],
               models: list[PlanModel], components: list[PlanComponent], proposals: list[Variant]) -> list[str]:
    notes: list[str] = []
    if candidates and candidates[0].local:
        top = candidates[0]
        cloud = next((c for c in candidates if not c.local), None)
        if cloud is not None:
            notes.append(f"The local GPUs cost no compute but are shared with the cluster's other work and can be taken "
                         f"by queued pods; the cheapest cloud option, {cloud.instances} × {cloud.offer.instance_type} "
                         f"({cloud.offer.provider} {cloud.offer.region}), costs ${cloud.monthly:,.2f}/month and "
                         "is yours alone.")
    elif candidates:
        top = candidates[0]
        other = next((c for c in candidates[1:] if c.offer.accelerator != top.offer.accelerator), None)
        if other is not None:
            diff = other.monthly - top.monthly
            notes.append(f"{other.offer.accelerator} ({other.offer.provider} {other.offer.instance_type}) instead of "
                         f"{top.offer.accelerator}: ${abs(diff):,.2f}/month {'more' if diff >= 0 else 'less'}.")
        place = provider_deployment(top.offer.provider)
        if not place.kubernetes:  # the cheapest may not be the one the bundle deploys: say what the others give
            managed = next((c for c in candidates[1:] if provider_deployment(c.offer.provider).kubernetes), None)
            launched = next((c for c in candidates[1:] if provider_deployment(c.offer.provider).skypilot), None)
            if managed is not None:
                notes.append(f"{top.offer.provider} has no managed Kubernetes for the manifests; "
                             f"{managed.offer.provider} {managed.offer.instance_type} "
                             f"({provider_deployment(managed.offer.provider).kubernetes}) costs "
                             f"${managed.monthly - top.monthly:,.2f}/month more and takes helmfile.yaml and manifests/ "
                             "as they are.")
            if not place.skypilot and launched is not None:
                notes.append(f"SkyPilot does not launch {place.name}; {launched.offer.provider} "
                             f"{launched.offer.instance_type} is the cheapest option here it does "
                             f"(${launched.monthly - top.monthly:,.2f}/month more).")
        spot = top.offer.spot_price_per_hour_usd
        if not top.offer.spot and spot and top.offer.price_per_hour_usd and spot < top.offer.price_per_hour_usd:
            saving = monthly_cost_usd(top.offer.price_per_hour_usd - spot, top.instances)
            notes.append(f"Spot for {top.offer.instance_type} would save ${saving:,.2f}/month, but spot instances can "
                         "be reclaimed at short notice: fine for batch and checkpointed training, risky for a "
                         "latency-bound API.")
        elif top.offer.spot:
            notes.append("Spot instances can be reclaimed at short notice: checkpoint often and keep a fallback.")
        if spec.providers:
            wider, _ = ranked_candidates(ctx.compute, spec.model_copy(update={"providers": None}), outcome, limit=1)
            if wider and wider[0].monthly < top.monthly - 0.005:
                notes.append(f"Outside {', '.join(spec.providers)}, {wider[0].offer.provider} "
                             f"{wider[0].offer.instance_type} would cost ${top.monthly - wider[0].monthly:,.2f}/month "
                             "less.")
    sizing = outcome.sizing
    if sizing and sizing.precision in {"bf16", "fp16"} and spec.domain in _LANGUAGE_DOMAINS and spec.task == "inference":
        quantised = size_for(spec.model_copy(update={"precision": _FOUR_BIT}), outcome.model)
        if quantised.sizing and quantised.sizing.weights_gib and sizing.weights_gib:
            notes.append(f"4-bit (AWQ) weights take {quantised.sizing.weights_gib:g} GiB instead of "
                         f"{sizing.weights_gib:g} GiB, at some loss of quality; fewer or smaller GPUs may do.")
    for model in models[:1]:
        if model.commercial_use != "yes":
            notes.append(f"{model.id} is {model.license} (commercial use: {model.commercial_use}); check its "
                         "terms before a commercial launch.")
    for component in components:
        if component.license and component.license.upper().startswith(("AGPL", "SSPL", "BUSL")):
            notes.append(f"{component.chart} ({component.role}) is {component.license}: fine to run unmodified; "
                         f"modifying it or offering it as a service has obligations. Alternatives: "
                         f"{', '.join(a.split(':')[0] for a in component.alternatives) or 'none listed'}.")
    for proposal in proposals:
        notes.append("Cheaper option — " + describe_variant(proposal, spec.budget_usd_per_month) + ".")
    return notes
