"""What the architect understood, said back in words a person reads ("2 TB of data", "under $15,000 a month"),
never as field names ("dataset size gb: 2000.0"). Used by the clarification turn's "So far I have" line and by
questions that quote a figure back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from stack8s_architect.planning.spec import WorkloadSpec

_TASKS = {"inference": "serve a model", "training": "train a model", "fine_tuning": "fine-tune a model",
          "batch_inference": "run a batch job over your data"}
_DOMAINS = {"llm": "language model", "vision": "computer vision", "medical_imaging": "medical imaging",
            "speech": "speech", "image_generation": "image generation", "embeddings": "embeddings",
            "multimodal": "vision-language", "tabular": "tabular data", "other": "other"}
_METHODS = {"full": "full fine-tuning", "lora": "LoRA", "qlora": "QLoRA (4-bit base)"}
_PRECISIONS = {"int4": "4-bit weights", "int8": "8-bit weights", "fp8": "FP8 weights", "fp16": "FP16 weights",
               "bf16": "BF16 weights"}
# Field labels for a figure quoted back ("You said 200,000,000 users at once…").
LABELS = {"params_billions": "billion parameters", "concurrent_users": "users at once", "requests_per_second": "requests per second",
          "gpu_count": "GPUs", "context_length": "tokens of context", "dataset_size_gb": "GB of data",
          "min_gpu_memory_gib": "GiB of memory per GPU", "budget_usd_per_month": "dollars a month",
          "latency_target_ms": "ms latency target"}


def number(value: float) -> str:
    """1,234 · 2.5 · 0.125: thousands separated, no trailing zeros."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.4g}"


def data_size(gb: float) -> str:
    if gb >= 1000:
        return f"{number(round(gb / 1000, 3))} TB"
    return f"{number(round(gb, 3))} GB" if gb >= 1 else f"{number(round(gb * 1000, 3))} MB"


def dollars(value: float) -> str:
    return f"${value:,.0f}" if float(value).is_integer() or value >= 100 else f"${value:,.2f}"


def _names(values: list[str]) -> str:
    return " or ".join(", ".join(values).rsplit(", ", 1)) if len(values) > 1 else values[0]


def _latency(ms: float) -> str:
    return f"answers within {number(ms / 1000)} s" if ms >= 1000 else f"answers within {number(ms)} ms"


# (field, phrase) in the order a person says them; a field the spec does not state says nothing
_AMOUNTS: tuple[tuple[str, Callable[[Any], str]], ...] = (
    ("fine_tuning_method", lambda v: _METHODS[v]),
    ("precision", lambda v: _PRECISIONS.get(v, f"{v} precision")),
    ("dataset_size_gb", lambda v: f"{data_size(v)} of data"),
    ("concurrent_users", lambda v: f"{number(v)} users at once"),
    ("requests_per_second", lambda v: f"{number(v)} requests a second"),
    ("latency_target_ms", _latency),
    ("context_length", lambda v: f"{number(v)}-token context"),
    ("runs_per_month", lambda v: f"{number(v)} runs a month"),
    ("deadline_hours", lambda v: f"done within {number(v)} h"),
)
_LIMITS: tuple[tuple[str, Callable[[Any], str]], ...] = (
    ("min_gpu_memory_gib", lambda v: f"at least {number(v)} GiB per GPU"),
    ("exclude_gpus", lambda v: f"no {_names(v)}"),
    ("budget_usd_per_month", lambda v: f"under {dollars(v)} a month"),
)


def _phrases(spec: WorkloadSpec, table: tuple[tuple[str, Callable[[Any], str]], ...]) -> list[str]:
    return [phrase(getattr(spec, name)) for name, phrase in table if getattr(spec, name)]


def spec_in_words(spec: WorkloadSpec) -> list[str]:
    """One short phrase per fact the spec states, in the order a person would say them."""
    said = spec.stated()
    out: list[str] = []
    task = _TASKS.get(said.get("task", ""))
    domain = _DOMAINS.get(said.get("domain", ""))
    if task and domain:
        out.append(f"{task} ({domain})")
    elif task or domain:
        out.append(task or f"a {domain} workload")
    if spec.use_case:
        out.append(f"for: {spec.use_case}")
    if spec.model_query:
        out.append(f"model {spec.model_query}" + (f" ({spec.model_id})" if spec.model_id and spec.model_id.lower()
                                                   != spec.model_query.lower() else ""))
    elif spec.params_billions:
        out.append(f"a {number(spec.params_billions)}B-parameter model")
    out += _phrases(spec, _AMOUNTS)
    if spec.gpu_count or spec.gpu_names:
        gpus = _names(spec.gpu_names) if spec.gpu_names else "GPU"
        out.append(f"{spec.gpu_count} × {gpus}" if spec.gpu_count else gpus)
    out += _phrases(spec, _LIMITS)
    if spec.use_local_cluster:
        out.append("on your own cluster")
    elif spec.use_local_cluster is False:
        out.append("in the cloud, not your own cluster")
    if spec.providers:
        out.append(f"on {_names(spec.providers)}")
    if spec.exclude_providers:
        out.append(f"not on {_names(spec.exclude_providers)}")
    if spec.regions:
        out.append(f"in {_names(spec.regions)}")
    elif spec.geography:
        out.append(f"in {spec.geography}")
    if spec.exclude_places:
        out.append(f"not in {_names(spec.exclude_places)}")
    if spec.spot is not None:
        out.append("spot instances allowed" if spec.spot else "no spot instances")
    if spec.license:
        out.append({"commercial-use": "licences that allow commercial use",
                    "permissive": "permissive licences only"}.get(spec.license, f"licence {spec.license}"))
    if spec.compliance:
        out.append(", ".join(spec.compliance))
    if spec.components:
        out.append(f"with {', '.join(spec.components)}")
    return out
