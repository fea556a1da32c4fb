"""The clarification policy: ask only for facts that change the plan, at most three a turn, never twice.

A question is *pending* when its fact is missing and would change the plan: the task when nothing is
known, the model for a language workload, the scale of a served model, the data size of a training
run, and — for large deployments only, unless the user said what to rent (a GPU type and count) or the whole
training job (model size and data) — the budget and (without a budget) the cloud. The turn asks when the task is
unknown (nothing can be planned) or when two or more facts are pending; otherwise it plans and lists
the defaults it took. "You decide" / "whatever is cheapest" always proceeds. A question once asked is
never asked again: an unanswered one becomes a stated default.
"""

from __future__ import annotations

import re

from pydantic import BaseModel

from stack8s_architect.planning.spec import WorkloadSpec

MAX_QUESTIONS = 3
# A deployment counts as large (budget and cloud matter) from this model size, GPU count or dataset size.
LARGE_MODEL_BILLIONS = 30.0
LARGE_GPU_COUNT = 4
LARGE_DATASET_GB = 1000.0

_PROCEED = re.compile(
    r"\b(you decide|you choose|you pick|up to you|your call|whatever(?: is)?(?: the)? (?:cheapest|best|works)|"
    r"cheapest|just (?:pick|plan|go|choose)|go ahead|proceed|(?:use )?defaults?|don'?t know|not sure|no idea|"
    r"doesn'?t matter|any is fine|anything is fine|no preference|skip|"
    # asking for the answer's numbers is asking for the plan: "what's the time and the price?"
    r"what(?:'s| is| are| would be) the (?:time|price|cost|costs|duration)|how (?:much|long) (?:would|will|does|do) "
    r"(?:it|this|that) (?:cost|take)|how much (?:would|will) (?:it|this|that) cost)\b", re.I)
_LANGUAGE = {"llm", "multimodal", None}


class Question(BaseModel):
    field: str
    question: str
    options: list[str] | None = None


_ANY_CLOUD = re.compile(r"\b(?:(?:on )?any (?:cloud|provider|hyperscaler)s?|any of the clouds|cloud[- ]agnostic|whichever "
                        r"cloud|(?:do ?n[o']?t|do not) care (?:about |which |what )?(?:the )?(?:cloud|provider)|"
                        r"no (?:cloud|provider) preference)\b", re.I)


def leaves_cloud_open(message: str) -> bool:
    """The user said the cloud is theirs to leave open ("any cloud", "cloud-agnostic"): the cloud question is answered."""
    return bool(_ANY_CLOUD.search(message))


def wants_defaults(message: str) -> bool:
    """The user leaves the open choices to us ("you decide", "whatever is cheapest")."""
    return bool(_PROCEED.search(message))


def _large(spec: WorkloadSpec) -> bool:
    if spec.gpu_count is not None and spec.gpu_count < LARGE_GPU_COUNT:
        return False  # "a single GPU": the user bounded the deployment already
    return bool((spec.params_billions or 0) >= LARGE_MODEL_BILLIONS or (spec.gpu_count or 0) >= LARGE_GPU_COUNT
                or (spec.task == "training" and (spec.dataset_size_gb or 0) >= LARGE_DATASET_GB))


def _explicit(spec: WorkloadSpec) -> bool:
    """The user said what to rent (a GPU type and a count), or the whole training job (model size and data):
    the plan is made at once with its cost and time, not after questions about budget and cloud."""
    job = spec.task in {"training", "fine_tuning"} and spec.params_billions is not None and spec.dataset_size_gb
    return bool((spec.gpu_names and spec.gpu_count) or job)


def pending(spec: WorkloadSpec) -> list[Question]:
    """Missing facts that would change the plan, most important first."""
    questions: list[Question] = []
    known = spec.stated()
    nothing = not ({"task", "domain", "model_query", "params_billions", "dataset_size_gb", "gpu_names"} & known.keys())
    if nothing:
        questions.append(Question(field="task", question="What should the workload do: serve a model, train one, "
                                  "or fine-tune one — and on what kind of data?",
                                  options=["serve a chat LLM", "train an image model", "fine-tune an LLM",
                                           "transcribe audio"]))
    if (spec.domain in _LANGUAGE and spec.task != "training" and spec.model_query is None
            and spec.params_billions is None):
        questions.append(Question(field="model_query", question="Which model should it run (or how large)?",
                                  options=["Llama 3.1 8B", "Llama 3.1 70B", "Qwen2.5 7B", "you decide"]))
    if spec.task in {"inference", None} and not nothing and spec.concurrent_users is None \
            and spec.requests_per_second is None:
        questions.append(Question(field="concurrent_users",
                                  question="How many people will use it at once (or how many requests per second)?",
                                  options=["10 concurrent users", "50 concurrent users", "500 concurrent users"]))
    if spec.task == "training" and spec.dataset_size_gb is None:
        questions.append(Question(field="dataset_size_gb", question="How much training data is there (e.g. 500 GB)?",
                                  options=["50 GB", "500 GB", "5 TB"]))
    if _large(spec) and not _explicit(spec):
        if spec.budget_usd_per_month is None:
            questions.append(Question(field="budget_usd_per_month",
                                      question="What monthly budget should the plan stay under?",
                                      options=["$2,000/month", "$10,000/month", "$50,000/month"]))
        # with a budget stated, "the cheapest anywhere" is the natural reading of no cloud
        if spec.budget_usd_per_month is None and not (spec.providers or spec.exclude_providers or spec.regions
                                                      or spec.geography or spec.use_local_cluster):
            questions.append(Question(field="providers", question="Which clouds or regions may it run in?",
                                      options=["aws", "gcp", "azure", "anywhere cheapest"]))
    return questions


def questions_for_turn(spec: WorkloadSpec, asked: set[str], *, proceed: bool) -> list[Question]:
    """The questions to ask now ([] = plan now)."""
    open_ = [q for q in pending(spec) if q.field not in asked]
    if any(q.field == "task" for q in open_):
        return open_[:MAX_QUESTIONS]
    if proceed or len(open_) < 2:
        return []
    return open_[:MAX_QUESTIONS]


def unanswered_defaults(spec: WorkloadSpec, asked: set[str]) -> list[str]:
    """Assumptions for questions asked earlier and still open: what the plan took instead."""
    said = {
        "concurrent_users": "scale not given: sized for one concurrent sequence per replica",
        "budget_usd_per_month": "no budget given: the cheapest fitting offers are listed",
        "providers": "no cloud given: offers from every provider in the catalog are compared",
        "dataset_size_gb": "dataset size not given: no storage or training-time estimate for it",
        "model_query": "no model named: a default size is assumed",
    }
    return [said[q.field] for q in pending(spec) if q.field in asked and q.field in said]
