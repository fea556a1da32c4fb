"""The model a workload names, grounded in the catalog before anything is sized.

A named model ("GLM-4.5", "Qwen3-32B", "meta-llama/Llama-3.1-8B-Instruct") resolves to its catalog record and
its architecture (`catalog/models/sizing_facts.py`); the spec then carries the catalog id and the record's
parameter count. A name the catalog does not know is said back with close names; it is sized from a
parameter count only when the user gave one, marked estimated. An unnamed language model is the catalog's
default instruction model, stated as an assumption — never a silent default size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import get_args

from sqlalchemy.orm import Session

from stack8s_architect.catalog.models.identity import model_key
from stack8s_architect.catalog.models.resolver import ModelResolver
from stack8s_architect.catalog.models.service import facts_for, model_resolver
from stack8s_architect.catalog.models.sizing_facts import ModelFacts
from stack8s_architect.planning.spec import Domain, WorkloadSpec

DEFAULT_LLM_ID = "meta-llama/Llama-3.1-8B-Instruct"  # the common self-hosted default, when no model is named
# a vision-language workload naming no model: Qwen2-VL 7B Instruct (Apache-2.0, a vLLM-supported VLM, 8.3B with its
# vision tower) — a text-only model cannot read the images
DEFAULT_VLM_ID = "Qwen/Qwen2-VL-7B-Instruct"
# Domains whose deliverables run one engine that serves one model family: with no model named, that family's model
# (its sizing, its streams or its batch run) — said in the assumptions.
ENGINE_DEFAULT_MODELS: dict[str, tuple[str, str]] = {
    "speech": ("openai/whisper-large-v3", "the speech server the deliverables run (speaches, faster-whisper) serves "
                                          "Whisper; large-v3 is the model its live-stream sizing measured"),
}
_LANGUAGE_DOMAINS = {"llm", "multimodal", None}
_SERVING = {None, "inference", "batch_inference"}


@dataclass
class Grounded:
    spec: WorkloadSpec
    facts: ModelFacts | None
    assumptions: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class ModelFactsCache:
    """Facts of each model id asked for during one turn (plans, variants and trade-offs ask again)."""

    session: Session
    known: dict[str, ModelFacts | None] = field(default_factory=dict)
    _resolver: ModelResolver | None = None

    @property
    def resolver(self) -> ModelResolver:
        """The catalog's resolver, its version read once per turn."""
        if self._resolver is None:
            self._resolver = model_resolver(self.session)
        return self._resolver

    def facts(self, model_id: str | None) -> ModelFacts | None:
        if not model_id:
            return None
        if model_id not in self.known:
            model = self.resolver.get(model_key(model_id))
            self.known[model_id] = facts_for(self.session, model, self.resolver) if model is not None else None
        return self.known[model_id]


def ground_model(session: Session, cache: ModelFactsCache, spec: WorkloadSpec) -> Grounded:
    """`spec` with its model resolved (model_id, params_billions, precision and domain from the catalog)."""
    if spec.model_id and (facts := cache.facts(spec.model_id)) is not None and _agrees(facts, spec):
        notes: list[str] = []
        precision = None
        if spec.model_query:  # resolved when the message was read: say again what the name matched
            again = cache.resolver.resolve(spec.model_query, serving=spec.task in _SERVING, suggest=False)
            if again.model is not None and again.model.id == facts.id:
                notes, precision = list(again.notes), again.precision
        grounded = _with_facts(spec, facts, notes, precision=precision)
        named = f"'{spec.model_query}' is {facts.id}" if spec.model_query else f"model {facts.id}"
        grounded.assumptions.insert(0, f"{named} in the model catalog ({_size(facts)})")
        return grounded
    if spec.model_query:
        return _named(session, cache, spec)
    if spec.domain in _LANGUAGE_DOMAINS and spec.params_billions is None and spec.task != "training":
        facts = cache.facts(DEFAULT_VLM_ID if spec.domain == "multimodal" else DEFAULT_LLM_ID)
        if facts is not None:
            grounded = _with_facts(spec, facts, [])
            grounded.assumptions.insert(0, f"no model named: {facts.id} assumed ({_size(facts)}; name a model or a "
                                           "size to change it)")
            return grounded
    engine_default = ENGINE_DEFAULT_MODELS.get(spec.domain or "")
    if engine_default and spec.params_billions is None and spec.task in _SERVING:
        facts = cache.facts(engine_default[0])
        if facts is not None:
            grounded = _with_facts(spec, facts, [])
            grounded.assumptions.insert(0, f"no model named: {facts.id} assumed ({_size(facts)}) — {engine_default[1]}")
            return grounded
    return Grounded(spec, None)


def _named(session: Session, cache: ModelFactsCache, spec: WorkloadSpec) -> Grounded:
    resolver = cache.resolver
    resolution = resolver.resolve(spec.model_query or "", serving=spec.task in _SERVING,
                                  params_billions=spec.params_billions)
    if resolution.model is None:
        close = f" (closest: {', '.join(resolution.runners_up)})" if resolution.runners_up else ""
        if not len(resolver):
            close = " (the model catalog is empty: run `architect data sync`)"
        if spec.params_billions:
            # the plan is for a generic model of that size, not for the name (which the warning keeps)
            generic = spec.model_copy(update={"model_id": None, "model_query": None})
            other = resolver.resolve(spec.model_query or "", serving=spec.task in _SERVING, suggest=False)
            if other.model is not None:
                return Grounded(generic, None, [], [
                    f"'{spec.model_query}' is {other.model.id}, which is not a {spec.params_billions:g}B model: "
                    f"sized as a generic {spec.params_billions:g}B model — estimated; name the "
                    f"{spec.params_billions:g}B model you mean"])
            return Grounded(generic, None, [], [
                f"no catalog model is named '{spec.model_query}'{close}: sized as a generic "
                f"{spec.params_billions:g}B model from the size you gave — estimated"])
        return Grounded(spec.model_copy(update={"model_id": None}), None, [], [
            f"no catalog model is named '{spec.model_query}'{close}, and no size was given: the plan has no model "
            "sizing — name the model as on Hugging Face (org/name) or give its parameter count"])
    facts = cache.facts(resolution.model.id)
    notes = list(resolution.notes)
    if facts is None:
        if spec.params_billions:  # a size given with the name: sized from it, as a generic model of that size
            return Grounded(spec.model_copy(update={"model_id": resolution.model.id}), None, [*notes,
                f"'{spec.model_query}' is {resolution.model.id}; the catalog has neither its architecture nor its "
                f"parameter count: sized as a generic {spec.params_billions:g}B model — estimated"], [])
        return Grounded(spec.model_copy(update={"model_id": resolution.model.id}), None, notes, [
            f"'{spec.model_query}' is {resolution.model.id}, but the catalog has neither its architecture nor its "
            "parameter count: the plan has no model sizing — give its size (e.g. 7B) to size it"])
    grounded = _with_facts(spec, facts, notes, precision=resolution.precision)
    grounded.assumptions.insert(0, f"'{spec.model_query}' is {facts.id} in the model catalog ({_size(facts)})")
    return grounded


def _agrees(facts: ModelFacts, spec: WorkloadSpec) -> bool:
    """The id's model is the size the user said (total or active: "Maverick 17B"), or no size was said."""
    said = spec.params_billions
    if not said or not spec.model_query:
        return True
    return any(abs(count - said) <= 0.25 * said for count in (facts.params_billions, facts.active_params_billions))


def _with_facts(spec: WorkloadSpec, facts: ModelFacts, notes: list[str], precision: str | None = None) -> Grounded:
    update: dict[str, object] = {"model_id": facts.id, "params_billions": round(facts.params_billions, 4)}
    if precision and not spec.precision:
        update["precision"] = precision
    if spec.domain is None:
        update["domain"] = _domain(facts)
    return Grounded(spec.model_copy(update=update), facts, [*notes, f"sizing basis — {facts.basis}"])


def _domain(facts: ModelFacts) -> str:
    if facts.domain in get_args(Domain) and facts.domain != "other":
        return facts.domain
    return "llm" if facts.architecture.has_kv_cache else "other"


def _size(facts: ModelFacts) -> str:
    total, active = facts.params_billions, facts.active_params_billions
    moe = f", {_count(active)} active" if active < total * 0.95 else ""
    return f"{_count(total)} parameters{moe}, sizing {facts.confidence}"


def _count(billions: float) -> str:
    return f"{billions:,.3g}B" if billions >= 1 else f"{billions * 1000:,.3g}M"
