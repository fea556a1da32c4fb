"""The turn engine: one user message → a clarification, a plan, or an answer about the plan.

understand (agents/understanding.py: normalise → extract with polarity → relative changes → dialogue act; an LLM's
reading merged under the rules) → what needs the catalogs (region ids, the named model) → by act: a question is
answered from the plan or a sizing of the variant it asks about, the plan unchanged; a greeting, aside or vague
message answers or asks what to plan; a request or correction is merged into the conversation's spec, then
clarifying questions (policy) or the deterministic planner. A value out of range is asked about, never sized.
The engine keeps no state of its own: the caller passes the conversation's state in and stores the result (see
`agents/chat.py`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol

from stack8s_architect.agents.clarification import (Question, leaves_cloud_open, pending, questions_for_turn,
                                                    unanswered_defaults, wants_defaults)
from stack8s_architect.agents.extraction import LIMITS, Extraction, extract, gpu_polarity
from stack8s_architect.catalog.models.mentions import find_mentions
from stack8s_architect.agents.narration import checked_narration
from stack8s_architect.agents.readback import LABELS, spec_in_words
from stack8s_architect.agents.refinements import Intents
from stack8s_architect.agents.acts import question_topic
from stack8s_architect.agents.understanding import merge, understand
from stack8s_architect.core.errors import ArchitectError
from stack8s_architect.planning.compute_step import ranked_candidates
from stack8s_architect.planning.kubernetes import kubernetes_section
from stack8s_architect.planning.plan import DeploymentPlan
from stack8s_architect.planning.changes import change_line
from stack8s_architect.planning.planner import PlannerContext, build_plan, describe_variant, ground, variants
from stack8s_architect.planning.sizing_step import size_for
from stack8s_architect.planning.spec import WorkloadSpec

Kind = Literal["clarification", "plan", "answer"]
Status = Callable[[str], None]


class Extractor(Protocol):
    """Reads a message into a partial spec; `warnings` say what went wrong (e.g. an LLM fell back)."""

    def __call__(self, message: str, spec: WorkloadSpec) -> tuple[Extraction, list[str]]: ...


def offline_extractor(message: str, spec: WorkloadSpec) -> tuple[Extraction, list[str]]:
    return extract(message), []


@dataclass
class ConversationState:
    spec: WorkloadSpec = field(default_factory=WorkloadSpec)
    asked: list[str] = field(default_factory=list)
    plan: DeploymentPlan | None = None


@dataclass
class TurnResult:
    kind: Kind
    content: str
    spec: WorkloadSpec
    questions: list[Question] = field(default_factory=list)
    plan: DeploymentPlan | None = None
    new_plan: bool = False  # a plan version to store
    warnings: list[str] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)
    understood: list[str] = field(default_factory=list)


def _quiet(_: str) -> None:
    return None


class TurnEngine:
    def __init__(self, context: PlannerContext, extractor: Extractor = offline_extractor,
                 render: Callable[[DeploymentPlan], str] | None = None,
                 narrate: Callable[[str, str], str] | None = None,
                 finish: Callable[[DeploymentPlan, WorkloadSpec], DeploymentPlan] | None = None):
        self.context = context
        self.extractor = extractor
        self.render = render or (lambda plan: plan.summary)
        self.narrate = narrate  # (summary, plan JSON) → an LLM's phrasing, checked number by number
        self.finish = finish  # fills what rendering derives from the plan alone (diagram, manifests)

    def turn(self, state: ConversationState, message: str, status: Status = _quiet) -> TurnResult:
        status("reading the request")
        extraction, warnings = self.extractor(message, state.spec)
        understood_ = understand(message, state.spec, has_plan=state.plan is not None, asked=bool(state.asked),
                                 extraction=extraction)
        warnings = [*warnings, *understood_.warnings]
        intents, act = understood_.intents, understood_.act
        update = understood_.update
        if update.regions:  # a region-shaped id no offer carries is said back, not kept as a constraint
            update, problems = self._known_regions(update)
            warnings += problems
        update = self._named_model(message, update, state.spec)
        variant = merge(state.spec, update, understood_.extraction.retracted)
        spec = variant if understood_.changes else state.spec
        understood = understood_.notes + spec_in_words(update)
        asked = list(state.asked)

        if extraction.out_of_range and act.kind != "question":  # said back and asked, never sized by default
            questions = [_out_of_range_question(name, value) for name, value in extraction.out_of_range.items()]
            return TurnResult("clarification", _clarification_text(questions, understood), spec, questions=questions,
                              warnings=warnings, asked=asked, understood=understood)
        if act.kind == "question":
            status("answering from the catalogs")
            content = self._question(act.topic, state.spec, variant, update, state.plan, understood_.text)
            return TurnResult("answer", content, state.spec, warnings=warnings, asked=asked, understood=understood)
        if act.kind == "off_topic" or (act.kind in {"greeting", "vague"} and state.plan is not None):
            return TurnResult("answer", _small_talk(act.kind, state.plan is not None, understood_.text), state.spec,
                              warnings=warnings,
                              asked=asked, understood=understood)
        if act.kind in {"greeting", "vague"}:  # nothing to plan yet: ask only what changes the plan
            questions = questions_for_turn(spec, set(asked), proceed=False) or pending(spec)[:1]
            asked += [q.field for q in questions if q.field not in asked]
            hello = "Hello! " if act.kind == "greeting" else ""
            return TurnResult("clarification", hello + _clarification_text(questions, understood), spec,
                              questions=questions, warnings=warnings, asked=asked, understood=understood)

        refinement_notes: list[str] = []
        if intents.cheaper or intents.more_throughput:
            stated_scale = bool({"concurrent_users", "requests_per_second"} & set(update.stated()))
            spec, refinement_notes = self._refine(spec, state.plan, intents, status, scale_stated=stated_scale)

        proceed = wants_defaults(message) or intents.cheaper
        if leaves_cloud_open(message) and "providers" not in asked:  # "any cloud": answered, compare them all
            asked.append("providers")
        questions = questions_for_turn(spec, set(asked), proceed=proceed)
        if questions:
            asked += [q.field for q in questions if q.field not in asked]
            return TurnResult("clarification", _clarification_text(questions, understood), spec, questions=questions,
                              warnings=warnings, asked=asked, understood=understood)

        status("planning: sizing, compute, models, Kubernetes stack, cost")
        version = state.plan.version + 1 if state.plan else 1
        outcome = build_plan(self.context, spec, version=version)
        plan = outcome.plan
        warnings += [w for w in outcome.warnings if w not in warnings]
        # a cloud asked for that no catalog covers: the plan itself says so, not only this turn's warnings
        gaps = [w for w in understood_.warnings if w.startswith("not in the compute catalog")]
        extra = [*gaps, *refinement_notes, *unanswered_defaults(spec, set(asked))]
        if extra:
            plan = plan.model_copy(update={"assumptions": list(dict.fromkeys([*extra, *plan.assumptions]))})
        if self.finish is not None:
            plan = self.finish(plan, outcome.spec)
        new_plan = state.plan is None or _comparable(plan) != _comparable(state.plan)  # before any narration
        if not new_plan:
            plan = state.plan
        elif self.narrate is not None:
            status("phrasing the summary")
            summary, problems = checked_narration(self.narrate, plan.summary, plan.model_dump_json())
            plan = plan.model_copy(update={"summary": summary})
            warnings += problems
        if new_plan and state.plan is not None:  # a new version says first what it changed
            plan = plan.model_copy(update={"summary": f"{change_line(state.plan, plan)} {plan.summary}"})
        status("writing the plan")
        content = self.render(plan)
        topic = "compare" if intents.compare else "why" if intents.answer_only else _asked_too(understood_.text)
        if topic:  # a question asked together with a change ("make it 4-bit and tell me the VRAM"): about the new plan
            content += "\n\n" + self._question(topic, spec, spec, WorkloadSpec(), plan, understood_.text)
        return TurnResult("plan", content, spec, plan=plan, new_plan=new_plan, warnings=warnings,
                          asked=asked, understood=understood)

    def _named_model(self, message: str, update: WorkloadSpec, spec: WorkloadSpec) -> WorkloadSpec:
        """A model the message names as the catalog spells it ("GLM-4.5", "Qwen3-235B-A22B"): query and id."""
        serving = (update.task or spec.task) in {None, "inference", "batch_inference"}
        assert self.context.model_facts is not None
        mentions = find_mentions(self.context.model_facts.resolver, message, serving=serving,
                                 params_billions=update.params_billions)
        if not mentions:
            return update
        mention = mentions[0]
        assert mention.resolution.model is not None
        return update.model_copy(update={"model_query": mention.text, "model_id": mention.resolution.model.id})

    def _known_regions(self, update: WorkloadSpec) -> tuple[WorkloadSpec, list[str]]:
        kept, problems = [], []
        for region in update.regions or []:
            try:
                kept += self.context.compute.check_regions([region])
            except ArchitectError as exc:
                problems.append(f"ignored region {region}: {exc.message}")
        return update.model_copy(update={"regions": kept or None}), problems

    # --- refinements -----------------------------------------------------------------------------

    def _refine(self, spec: WorkloadSpec, plan: DeploymentPlan | None, intents: Intents,
                status: Status, *, scale_stated: bool = False) -> tuple[WorkloadSpec, list[str]]:
        notes: list[str] = []
        if intents.more_throughput and not scale_stated:  # "scale up to 100 users" already says how much
            if spec.requests_per_second:
                spec = spec.model_copy(update={"requests_per_second": spec.requests_per_second * 2})
                notes.append(f"more throughput: sized for {spec.requests_per_second:g} requests/s (twice the "
                             "earlier figure)")
            else:
                users = (spec.concurrent_users or 5) * 2
                spec = spec.model_copy(update={"concurrent_users": users})
                notes.append(f"more throughput: sized for {users} concurrent users (twice the earlier figure)")
        if intents.cheaper:
            status("pricing cheaper variants")
            filled, facts, _, _ = ground(self.context, spec)
            stack, _ = kubernetes_section(self.context.charts, filled)
            current = plan.cost.total_monthly_usd if plan else None
            # only changes that keep what was asked for: not a smaller model, not fewer users served
            options = [v for v in variants(self.context, filled, size_for(filled, facts), stack, cheaper_than=current)
                       if v.keeps_request]
            options.sort(key=lambda v: v.total_monthly_usd or 0.0)
            best = options[0] if options else None
            if best is not None:
                changed = {name: getattr(best.spec, name) for name in ("precision", "spot")
                           if getattr(best.spec, name) != getattr(filled, name)}
                spec = spec.model_copy(update=changed)
                notes.append(f"made cheaper with {best.label}: ${best.total_monthly_usd:,.2f}/month"
                             + (f" instead of ${current:,.2f}" if current is not None else ""))
                notes += [f"also possible: {describe_variant(v)}" for v in options[1:3]]
            else:
                notes.append("already the cheapest fitting offer for this spec (4-bit weights and spot do not lower "
                             "it); a smaller model or fewer users would")
        return spec, notes

    # --- answers ---------------------------------------------------------------------------------

    def _question(self, topic: str | None, spec: WorkloadSpec, variant: WorkloadSpec, asked: WorkloadSpec,
                  plan: DeploymentPlan | None, text: str) -> str:
        """A question answered from the plan, or from a sizing of the variant it asks about; the plan stays."""
        if topic == "compare":
            names = gpu_polarity(text)[0] or list(asked.gpu_names or [])  # the GPUs named, in order
            return self._compare(spec if plan else variant, names)
        if topic == "fit" or (topic in {"memory", None} and asked.gpu_names):
            return self._fit(variant, asked, plan, text)
        if topic == "what_if" or (plan is None and asked.stated()):
            return self._what_if(spec, variant, plan)
        if topic == "memory":
            return self._memory(plan if not asked.stated() else None, variant)
        if topic == "duration":
            return self._duration(plan)
        if topic == "cost":
            return self._cost(plan)
        return self._why(plan)

    def _fit(self, variant: WorkloadSpec, asked: WorkloadSpec, plan: DeploymentPlan | None, text: str) -> str:
        """"Will it fit on a T4?": the variant sized on exactly the GPUs asked about — one when the question says "a"
        or "one", the count it says otherwise — yes or no with the numbers, and the fewest that would hold it."""
        names = asked.gpu_names or []
        if not names:
            if plan is None or plan.sizing is None:
                return _NO_PLAN
            return self._memory(plan, variant)
        if not (variant.params_billions or variant.model_query or variant.model_id or variant.task):
            return _NO_PLAN
        filled, facts, assumed, _ = ground(self.context, variant)
        lines = []
        for name in names:
            count = asked.gpu_count or (1 if _ONE_GPU.search(text) else None)
            exact = size_for(filled.model_copy(update={"gpu_names": [name], "gpu_count": count}), facts)
            fit = exact.fits[0] if exact.fits else None
            if fit is None:
                lines.append(f"- {name}: not sized (the accelerator table does not know it).")
                continue
            what = (f"{exact.sizing.params_billions:g}B at {exact.sizing.precision}"
                    if exact.sizing and exact.sizing.params_billions else "this workload")
            on = f"{count} × {name}" if count else name
            if fit.fits:
                lines.append(f"- **Yes** — {what} fits on {self._layout(fit, name)}: {fit.required_gib_per_gpu:,.1f} GiB "
                             f"needed per GPU of {fit.budget_gib_per_gpu:,.1f} GiB usable.{self._cheapest(filled, name, count, facts)}")
                continue
            lines.append(f"- **No** — {what} on {on}: {fit.reason} ({fit.required_gib_per_gpu:,.1f} GiB needed per GPU, "
                         f"{fit.budget_gib_per_gpu:,.1f} GiB usable).")
            if count:  # the fewest of this GPU that would hold it, when there are any
                fewest = size_for(filled.model_copy(update={"gpu_names": [name], "gpu_count": None}), facts)
                other = fewest.fits[0] if fewest.fits else None
                if other is not None and other.fits:
                    lines.append(f"  It fits on {self._layout(other, name)}.{self._cheapest(filled, name, None, facts)}")
            if fit.suggestions:
                lines.append(f"  Options: {'; '.join(fit.suggestions[:3])}.")
        lines += [f"_{note}_" for note in assumed]
        lines.append(f"The plan is unchanged; say \"use the {names[0]} instead\" to plan on it." if plan else
                     f"Say \"plan it on the {names[0]}\" to get a plan.")
        return "\n".join(lines)

    @staticmethod
    def _layout(fit: object, name: str) -> str:
        replicas = getattr(fit, "replicas", None) or 1
        return (f"{fit.total_gpus} × {name} (TP {fit.tensor_parallel} × PP {fit.pipeline_parallel}"  # type: ignore[attr-defined]
                + (f", {replicas} replicas" if replicas > 1 else "") + ")")

    def _cheapest(self, spec: WorkloadSpec, name: str, count: int | None, facts: object) -> str:
        one = spec.model_copy(update={"gpu_names": [name], "gpu_count": count})
        outcome = size_for(one, facts)  # type: ignore[arg-type]
        found, _ = ranked_candidates(self.context.compute, one, outcome, limit=1)
        if not found:
            where = f" on {', '.join(spec.providers)}" if spec.providers else ""
            return f" No catalog offer{where} carries it."
        top = found[0]
        return (f" The cheapest offer: {top.instances} × {top.offer.instance_type} ({top.offer.provider}, "
                f"{top.offer.region}) at ${top.monthly:,.2f}/month.")

    def _what_if(self, spec: WorkloadSpec, variant: WorkloadSpec, plan: DeploymentPlan | None) -> str:
        """"What if we had 100 users?": the variant planned and set beside the plan, which stays."""
        changed = {k: v for k, v in variant.stated().items() if spec.stated().get(k) != v}
        if not changed:
            return ("I could not tell what to change in the plan — say it with a value, e.g. \"what if we had 100 "
                    "users\" or \"what would 4-bit weights cost\".")
        outcome = build_plan(self.context, variant)
        other = outcome.plan
        what = "; ".join(f"{name.replace('_', ' ')} {value}" for name, value in changed.items())
        lines = [f"**What if: {what}**", ""]
        if other.compute:
            top = other.compute[0]
            lines.append(f"- Compute: {top.accelerator_count:g} × {top.accelerator} ({top.provider} {top.instance_type}, "
                         f"{top.region}) × {top.instances} at ${top.monthly_cost_usd:,.2f}/month.")
        else:
            lines.append("- No catalog offer fits this variant" + (f": {other.assumptions[0]}" if other.assumptions
                                                                   else "."))
        lines.append(f"- Total: ${other.cost.total_monthly_usd:,.2f}/month"
                     + (f" (the current plan: ${plan.cost.total_monthly_usd:,.2f}/month)." if plan else "."))
        if other.sizing and other.sizing.required_gpu_memory_gib:
            lines.append(f"- GPU memory needed: {other.sizing.required_gpu_memory_gib:g} GiB.")
        if other.sizing and other.sizing.training_hours:
            lines.append(f"- Training time: {other.sizing.training_hours:,.1f} hours.")
        lines += ["", f"The plan is unchanged; state the change (\"{what}\") to plan it."]
        return "\n".join(lines)

    def _memory(self, plan: DeploymentPlan | None, variant: WorkloadSpec) -> str:
        sizing = plan.sizing if plan is not None else None
        if sizing is None:
            if not (variant.params_billions or variant.model_id or variant.model_query):
                return _NO_PLAN
            sizing = size_for(*ground(self.context, variant)[:2]).sizing
        if sizing is None or not sizing.required_gpu_memory_gib:
            return "This workload has no GPU memory sizing (no model size is known)."
        return (f"It needs **{sizing.required_gpu_memory_gib:g} GiB** of GPU memory at {sizing.precision}: weights "
                f"{sizing.weights_gib or 0:g} GiB + KV cache {sizing.kv_cache_gib or 0:g} GiB"
                + (f" (for {sizing.concurrent_sequences} sequences in flight)" if sizing.concurrent_sequences else "")
                + f" + overhead {sizing.overhead_gib or 0:g} GiB ({sizing.confidence} sizing"
                + (f" of {sizing.model_id}" if sizing.model_id else "") + ").")

    def _duration(self, plan: DeploymentPlan | None) -> str:
        if plan is None or plan.sizing is None:
            return _NO_PLAN
        if plan.sizing.training_hours:
            top = plan.compute[0] if plan.compute else None
            return (f"About **{plan.sizing.training_hours:,.1f} hours** of training"
                    + (f" on {top.accelerator_count:g} × {top.accelerator} × {top.instances}" if top else "")
                    + " (from the model's FLOPs and the dataset at the stated utilisation; see the sizing notes).")
        return ("This plan serves a model: it runs for as long as it is up (priced per month at 730 hours); "
                "there is no training time to estimate.")

    def _cost(self, plan: DeploymentPlan | None) -> str:
        if plan is None:
            return _NO_PLAN
        c = plan.cost
        budget = ""
        if c.budget_usd_per_month is not None:
            budget = (f" — within the ${c.budget_usd_per_month:,.0f}/month budget" if c.within_budget
                      else f" — over the ${c.budget_usd_per_month:,.0f}/month budget")
        return (f"**${c.total_monthly_usd:,.2f}/month**{budget}: compute ${c.compute_monthly_usd:,.2f}, storage "
                f"${c.storage_monthly_usd:,.2f}, other ${c.other_monthly_usd:,.2f}"
                + (f"; one-time ${c.one_time_usd:,.2f}" if c.one_time_usd else "") + ".")

    def _why(self, plan: DeploymentPlan | None) -> str:
        if plan is None or not plan.compute:
            return ("There is no plan with a GPU choice yet. Describe the workload (model, scale, budget) and I will "
                    "plan it.")
        top = plan.compute[0]
        lines = [f"**Why {top.accelerator} ({top.provider} {top.instance_type})**", "", f"- {top.why}."]
        if plan.sizing is not None and plan.sizing.required_gpu_memory_gib:
            s = plan.sizing
            lines.append(f"- The workload needs {s.required_gpu_memory_gib:g} GiB of GPU memory at {s.precision} "
                         f"(weights {s.weights_gib:g} GiB, KV cache {s.kv_cache_gib or 0:g} GiB, "
                         f"overhead {s.overhead_gib or 0:g} GiB; {s.confidence}).")
        lines.append(f"- It is the cheapest fitting offer: ${top.monthly_cost_usd:,.2f}/month "
                     f"(${top.price_per_hour_usd:,.4f}/h × {top.instances} instance(s) × 730 h; source {top.source}).")
        for other in plan.compute[1:3]:
            lines.append(f"- Next: {other.accelerator_count:g} × {other.accelerator} ({other.provider} "
                         f"{other.instance_type}, {other.region}) at ${other.monthly_cost_usd:,.2f}/month.")
        return "\n".join(lines)

    def _compare(self, spec: WorkloadSpec, names: list[str]) -> str:
        if len(names) < 2:
            known = f"I recognised only {names[0]}" if names else "I recognised no GPU name"
            return (f"{known}; name two GPUs the catalog knows, e.g. \"compare H100 and A100\" "
                    "(`architect compute gpus` lists them).")
        filled, facts, assumed, _ = ground(self.context, spec)
        header = ["| GPU | fits | GPUs (TP×PP) | cheapest offer | $/hour | $/month | tokens/s |",
                  "|---|---|---|---|---|---|---|"]
        rows = []
        for name in names:
            one = filled.model_copy(update={"gpu_names": [name], "gpu_count": None})
            outcome = size_for(one, facts)
            fit = outcome.fits[0] if outcome.fits else None
            found, _ = ranked_candidates(self.context.compute, one, outcome, limit=1)
            offer = found[0].offer if found else None
            layout = f"{fit.gpu_count} ({fit.tensor_parallel}×{fit.pipeline_parallel})" if fit else "—"
            rows.append("| " + " | ".join([
                name, ("yes" if fit.fits else "no") if fit else "not sized", layout,
                f"{found[0].instances} × {offer.instance_type} ({offer.provider}, {offer.region})" if offer else "none",
                f"${offer.hourly_usd:,.4f}" if offer else "—", f"${found[0].monthly:,.2f}" if offer else "—",
                f"{fit.tokens_per_second:,.0f}" if fit and fit.tokens_per_second else "—",
            ]) + " |")
        what = f"{filled.params_billions:g}B at {filled.precision or 'bf16'}" if filled.params_billions else "this spec"
        notes = [f"_{note}_" for note in assumed]
        return "\n".join([f"**{' vs '.join(names)} for {what}**", "", *header, *rows, "", *notes]).strip()


_ONE_GPU = re.compile(r"\b(?:a|an|one|1|single|a single)\s+(?:nvidia\s+|amd\s+)?[a-z]{0,4}\s?\d{1,4}", re.I)
_NO_PLAN = ("There is no plan to answer from yet. Describe the workload (model, scale, budget) and I will plan it.")


def _small_talk(kind: str, has_plan: bool, text: str) -> str:
    if kind == "off_topic":
        return ("That is outside what I can help with: I plan AI/ML infrastructure — GPUs, clouds, models, the "
                "Kubernetes stack and its cost. Describe a workload" + (" or ask about the plan." if has_plan else "."))
    if kind == "vague":
        return "The plan above stands. Tell me what to change (scale, budget, cloud, model) or ask about it."
    if re.search(r"\b(thanks?|thank you|thx|ty|cheers|appreciate|merci|gracias|danke)\b", text, re.I):
        return "You're welcome. The plan above stands; tell me what to change, or ask about it."
    return "Hello again! The plan above stands; tell me what to change, or ask about it."


def _out_of_range_question(name: str, value: float) -> Question:
    said = f"{_figure(value)} {LABELS.get(name, name.replace('_', ' '))}"
    return Question(field=name, question=f"You said {said}, which is beyond what can be sized "
                    f"(at most {_figure(LIMITS[name])}). What is the real figure?")


_ASKS = re.compile(r"\?|\b(?:tell me|show me|let me know|how (?:much|long|many)|what(?:'s| is| are| would))\b", re.I)


def _asked_too(text: str) -> str | None:
    """The memory, duration or cost question a request also asks, answered after its plan."""
    topic = question_topic(text)
    return topic if topic in {"memory", "duration", "cost"} and _ASKS.search(text) else None


def _figure(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.4g}"


def _comparable(plan: DeploymentPlan) -> dict[str, object]:
    # the summary may be an LLM's phrasing of the same plan: it does not make a plan new
    return plan.model_dump(exclude={"version", "summary"})


# Fields whose change in a message means the plan must be made again (not just a question answered).
_PLAN_FIELDS = {"spot", "providers", "regions", "geography", "budget_usd_per_month", "precision", "concurrent_users",
                "requests_per_second", "latency_target_ms", "context_length", "params_billions", "model_query",
                "dataset_size_gb", "fine_tuning_method", "license", "compliance", "components", "min_gpu_memory_gib",
                "use_local_cluster", "task", "exclude_providers", "exclude_gpus"}


def _clarification_text(questions: list[Question], understood: list[str]) -> str:
    lines = []
    if understood:
        lines += ["So far I have: " + "; ".join(understood) + ".", ""]
    lines.append("A few facts change the plan:" if len(questions) > 1 else "One fact changes the plan:")
    for number, question in enumerate(questions, start=1):
        options = f" (e.g. {', '.join(question.options)})" if question.options else ""
        lines.append(f"{number}. {question.question}{options}")
    lines += ["", "Or say \"you decide\" and I will plan with stated defaults."]
    return "\n".join(lines)
