"""Scoring an understanding engine against the paraphrase corpus (tests/agents/corpus/understanding/).

Each case is a conversation; each message is read by `understand` with the engine's extraction and compared
with what the corpus expects: per slot true positives (the value right), false positives (a slot set that
was not said, or set to a wrong value) and false negatives (a slot said but missed or wrong); the act (and a
question's topic); polarity errors (a ruled-out provider, GPU, spot choice or method selected). The same
contract holds for the offline rules and for an LLM engine (`architect understanding-score --llm`).
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from stack8s_architect.agents.extraction import Extraction, extract
from stack8s_architect.agents.understanding import understand
from stack8s_architect.catalog.charts.roles import component_role
from stack8s_architect.catalog.compute.regions import countries_for_geography, country_for_place
from stack8s_architect.catalog.gpus.names import resolve_user_accelerator
from stack8s_architect.planning.spec import WorkloadSpec

Engine = Callable[[str, WorkloadSpec], Extraction]
# task and domain are judged only where the corpus lists them (they are often implied, not said)
_IMPLIED = {"task", "domain"}
_IGNORED = {"model_id"}
# Free text (the use case is a search query in the user's words): expected words must be in it; other words, or a use
# case the case does not mention, are no miss.
_FREE_TEXT = {"use_case"}


def offline_engine(message: str, spec: WorkloadSpec) -> Extraction:
    return extract(message)


@dataclass
class Miss:
    case: str
    say: str
    kind: str  # slot / act / polarity
    detail: str


@dataclass
class Score:
    messages: int = 0
    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)
    acts_right: int = 0
    topics: int = 0
    topics_right: int = 0
    polarity_errors: int = 0
    spurious: int = 0  # slots set that were not said
    misses: list[Miss] = field(default_factory=list)

    @property
    def slot_accuracy(self) -> float:
        """Share of slot judgements right: TP / (TP + FP + FN) — a wrong value counts once as FP and FN."""
        tp, wrong = sum(self.tp.values()), sum(self.fp.values()) + sum(self.fn.values())
        return tp / (tp + wrong) if tp + wrong else 1.0

    @property
    def slot_values_right(self) -> float:
        """Share of the slot values said that were read right, with spurious slots counted as wrong."""
        tp = sum(self.tp.values())
        return tp / (tp + sum(self.fn.values()) + self.spurious) if tp else 0.0

    @property
    def act_accuracy(self) -> float:
        return self.acts_right / self.messages if self.messages else 1.0

    def per_slot(self) -> list[tuple[str, int, float, float]]:
        """(slot, values said, precision, recall), by slot name."""
        rows = []
        for slot in sorted(set(self.tp) | set(self.fp) | set(self.fn)):
            tp, fp, fn = self.tp[slot], self.fp[slot], self.fn[slot]
            rows.append((slot, tp + fn, tp / (tp + fp) if tp + fp else math.nan, tp / (tp + fn) if tp + fn else math.nan))
        return rows


def load_corpus(folder: Path) -> list[dict[str, Any]]:
    cases = []
    for path in sorted(folder.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text()) or []:
            case.setdefault("file", path.name)
            cases.append(case)
    return cases


def turns_of(case: dict[str, Any]) -> list[dict[str, Any]]:
    return case.get("turns") or [{key: case[key] for key in ("say", "act", "topic", "expect") if key in case}]


def score(cases: Iterable[dict[str, Any]], engine: Engine = offline_engine) -> Score:
    result = Score()
    for case in cases:
        state = _spec(case.get("before") or {})
        has_plan = bool(case.get("plan"))
        for turn in turns_of(case):
            say = str(turn["say"])
            understood = understand(say, state, has_plan=has_plan, extraction=engine(say, state))
            result.messages += 1
            _judge_act(result, case["id"], say, turn, understood.act)
            _judge_slots(result, case["id"], say, state, understood.spec, turn.get("expect") or {},
                         renamed_only=understood.update.model_query is None)
            state = understood.spec
            has_plan = has_plan or understood.act.kind in {"request", "correction"}
    return result


def _spec(values: dict[str, Any]) -> WorkloadSpec:
    values = dict(values)
    if "model" in values:
        values["model_query"] = values.pop("model")
    return WorkloadSpec(**values)


def _judge_act(result: Score, case: str, say: str, turn: dict[str, Any], act: Any) -> None:
    want = turn.get("act", "request")
    if act.kind == want:
        result.acts_right += 1
    else:
        result.misses.append(Miss(case, say, "act", f"expected {want}, read {act.label}"))
    if want == "question" and turn.get("topic"):
        result.topics += 1
        if act.topic == turn["topic"]:
            result.topics_right += 1
        elif act.kind == "question":
            result.misses.append(Miss(case, say, "topic", f"expected {turn['topic']}, read {act.topic}"))


def _slot_values(spec: WorkloadSpec) -> dict[str, Any]:
    values = {name: value for name, value in spec.stated().items() if name not in _IGNORED}
    if "model_query" in values:
        values["model"] = values.pop("model_query")
    return values


def _judge_slots(result: Score, case: str, say: str, before: WorkloadSpec, after: WorkloadSpec,
                 expect: dict[str, Any], *, renamed_only: bool = False) -> None:
    old, new = _slot_values(before), _slot_values(after)
    changed = {name: value for name, value in new.items() if not _same(name, old.get(name), value)}
    if renamed_only and "model" not in expect:  # "make it the 70B": the name follows the size, not a new model
        changed.pop("model", None)
    changed.update({name: None for name in old if name not in new})  # a slot cleared
    for name, want in expect.items():
        got = new.get(name)
        if _same(name, want, got):
            result.tp[name] += 1
        else:
            result.fn[name] += 1
            if got is not None and name in changed:
                result.fp[name] += 1  # a wrong value: one miss, one spurious reading
            result.misses.append(Miss(case, say, "slot", f"{name}: expected {want!r}, read {got!r}"))
    for name, got in changed.items():
        if name in expect or name in _IMPLIED or name in _FREE_TEXT:
            continue
        result.fp[name] += 1
        result.spurious += 1
        result.misses.append(Miss(case, say, "slot", f"{name}: not said, read {got!r}"))
    errors = _polarity_errors(expect, new)
    result.polarity_errors += len(errors)
    result.misses += [Miss(case, say, "polarity", error) for error in errors]


def _polarity_errors(expect: dict[str, Any], new: dict[str, Any]) -> list[str]:
    errors = []
    for wanted, ruled_out in (("providers", "exclude_providers"), ("gpu_names", "exclude_gpus")):
        selected = _canon(wanted, new.get(wanted) or [])
        for item in expect.get(ruled_out) or []:
            if _canon(wanted, [item]) & selected:
                errors.append(f"{item} ruled out but selected ({wanted})")
    if "spot" in expect and new.get("spot") is not None and new.get("spot") != expect["spot"]:
        errors.append(f"spot: expected {expect['spot']}, read {new.get('spot')}")
    if "fine_tuning_method" in expect and new.get("fine_tuning_method") not in (None, expect["fine_tuning_method"]):
        errors.append(f"method: expected {expect['fine_tuning_method']}, read {new.get('fine_tuning_method')}")
    return errors


def component_roles(values: Iterable[str]) -> frozenset[str]:
    """Each component as its chart role: a product's primary role, a role id itself."""
    return frozenset(component_role(value) or value.lower() for value in values)


def _canon(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name in {"gpu_names", "exclude_gpus"}:
        return frozenset(resolve_user_accelerator(str(v)) or (str(v).upper(),) for v in value)
    if name == "components":
        return component_roles(value)
    if name in {"providers", "exclude_providers", "regions"}:
        return frozenset(str(v).lower() for v in value)
    if name == "compliance":
        return frozenset(str(v).upper().replace("-", "") for v in value)
    if name == "geography":  # "Frankfurt" and "Germany" are both DE
        text = str(value).lower()
        country = country_for_place(text)
        return countries_for_geography(text) or (frozenset({country}) if country else text)
    if name == "model":
        return re.sub(r"[\s_-]+", "", str(value).lower())
    return value


def _same(name: str, want: Any, got: Any) -> bool:
    want, got = (None if value == [] else value for value in (want, got))  # an emptied list is no list
    if want is None or got is None:
        return want is None and got is None
    if name == "model":
        return _canon(name, want) in _canon(name, got)
    if name in _FREE_TEXT:
        return set(str(want).lower().split()) <= set(str(got).lower().split())
    if name in {"gpu_names", "exclude_gpus"}:  # "A100 80GB" is an A100: a more specific name still matches
        wanted = [resolve_user_accelerator(str(v)) or (str(v).upper(),) for v in want]
        read = [resolve_user_accelerator(str(v)) or (str(v).upper(),) for v in got]
        return len(wanted) == len(read) and all(any(set(r) <= set(w) for w in wanted) for r in read)
    if isinstance(want, bool) or isinstance(got, bool):
        return want is got
    if isinstance(want, (int, float)) and isinstance(got, (int, float)):
        return abs(float(want) - float(got)) <= max(0.01, abs(float(want)) * 0.005)
    return _canon(name, want) == _canon(name, got)


def report(result: Score) -> str:
    """The per-slot table and the headline figures, as Markdown."""
    lines = [f"messages: {result.messages}; slot values right: {result.slot_values_right:.1%}; "
             f"act accuracy: {result.act_accuracy:.1%}; question topics right: "
             f"{result.topics_right}/{result.topics}; polarity errors: {result.polarity_errors}", "",
             "| slot | values said | precision | recall |", "|---|---|---|---|"]
    for slot, said, precision, recall in result.per_slot():
        lines.append(f"| {slot} | {said} | {_pct(precision)} | {_pct(recall)} |")
    return "\n".join(lines)


def _pct(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:.1%}"


def misses_by_kind(result: Score) -> dict[str, list[Miss]]:
    grouped: dict[str, list[Miss]] = defaultdict(list)
    for miss in result.misses:
        grouped[miss.kind].append(miss)
    return grouped
