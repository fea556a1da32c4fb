"""Understanding one message against the conversation so far — the catalog-free half of a turn.

normalise (language, number words, typos) → extract typed values and names with their polarity → relative
changes against the spec before ("halve the users") → the dialogue act → the conversation's spec after it.
A question, a greeting or an off-topic message changes nothing: the values a question names ("will it fit on
a T4?") make the *variant* it asks about, never the spec. Pure: the turn adds what needs the catalogs (the
model resolver, the region ids offers carry); the paraphrase corpus is measured on this function alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from stack8s_architect.agents.acts import Act, classify
from stack8s_architect.agents.clarification import wants_defaults
from stack8s_architect.agents.extraction import Extraction, extract
from stack8s_architect.agents.normalize import normalize
from stack8s_architect.agents.refinements import Intents, detect
from stack8s_architect.agents.relative import relative_change
from stack8s_architect.planning.spec import WorkloadSpec


@dataclass
class Understanding:
    text: str  # the message as the rules read it
    act: Act
    intents: Intents
    extraction: Extraction
    update: WorkloadSpec  # what the message states, relative changes made absolute
    spec: WorkloadSpec  # the conversation's spec after the message (unchanged for a question)
    variant: WorkloadSpec  # the spec a question asks about (the spec itself otherwise)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def changes(self) -> bool:
        return self.act.kind in {"request", "correction"}


def understand(message: str, before: WorkloadSpec, *, has_plan: bool, asked: bool = False,
               extraction: Extraction | None = None) -> Understanding:
    """`message` read against `before`; `asked` whether the conversation has asked the user something already
    ("you decide" then answers it); `extraction` is another engine's reading of it (an LLM's, merged with the
    rules'), else the rules' own."""
    text = normalize(message)
    extraction = extraction or extract(message)
    warnings = list(extraction.warnings)
    intents = detect(text, extraction.spec.gpu_names)
    update = extraction.spec
    if intents.compare:  # the GPUs named are what to compare, never a new constraint
        update = update.model_copy(update={"gpu_names": None, "gpu_count": None})
    relative = relative_change(text, before)
    if relative.values:
        update = update.model_copy(update=relative.values)
    warnings += [note for note in relative.notes if "no earlier" in note]
    stated = set(update.stated())
    act = classify(text, stated, has_plan=has_plan, relative=bool(relative.values) or bool(extraction.retracted),
                   refinement=intents.cheaper or intents.more_throughput, proceed=wants_defaults(text),
                   overrides=overrides(before, update) or _retracts(before, extraction.retracted),
                   known=bool(before.stated()) or asked, answering=asked and not has_plan)
    merged = merge(before, update, extraction.retracted)
    notes = [n for n in extraction.notes if n not in warnings] + [n for n in relative.notes if "no earlier" not in n]
    spec = merged if act.kind in {"request", "correction"} else before
    return Understanding(text, act, intents, extraction, update, spec, merged, notes, warnings)


def overrides(before: WorkloadSpec, update: WorkloadSpec) -> bool:
    """Whether `update` replaces a value `before` held, or rules out something it wanted (a correction's mark)."""
    old = before.stated()
    for name, value in update.stated().items():
        if name == "domain":
            continue
        if name in old and old[name] != value and name not in {"components", "compliance", "exclude_providers",
                                                               "exclude_gpus"}:
            return True
    ruled_out = {v.lower() for v in [*(update.exclude_providers or []), *(update.exclude_gpus or [])]}
    return bool(ruled_out & {v.lower() for v in [*(before.providers or []), *(before.gpu_names or [])]})


def _retracts(before: WorkloadSpec, retracted: dict[str, list[str]]) -> bool:
    return any(set(items) & set(getattr(before, name) or []) for name, items in retracted.items())


def merge(before: WorkloadSpec, update: WorkloadSpec, retracted: dict[str, list[str]] | None = None) -> WorkloadSpec:
    """`before` with `update` applied (later wins, lists add up, opposites lift each other, items said not to apply
    leave the list); another model named takes the earlier model's id and size with it, a new size alone ("make it
    the 70B") renames the model."""
    merged = before.merged(update)
    for name, items in (retracted or {}).items():
        kept = [item for item in getattr(merged, name) or [] if item not in items]
        merged = merged.model_copy(update={name: kept or None})
    if update.model_query and update.model_query != before.model_query:
        return merged.model_copy(update={"model_id": update.model_id, "params_billions": update.params_billions})
    if update.params_billions and not update.model_query and before.model_query:
        query = _SIZE_IN_NAME.sub(f"{update.params_billions:g}B", before.model_query, count=1)
        return merged.model_copy(update={"model_id": None, "model_query": query})
    return merged


_SIZE_IN_NAME = re.compile(r"(?<![\w.])\d+(?:\.\d+)?\s*[bB]\b")
