"""Which GPU counts can serve a model: valid tensor-parallel degrees, the smallest count that fits,
why smaller counts are rejected, and what to change when nothing fits."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from .architecture import ModelArchitecture
from .gpu import GpuSpec
from .inference import (
    InferenceMemory,
    Parallelism,
    ServingSetup,
    inference_memory,
    max_concurrent_sequences,
    max_context_tokens,
)
from .precision import kv_cache_dtype_named, precision_named
from .units import to_gib

GPUS_PER_NODE = 8  # tensor parallelism stays inside one NVLink/PCIe node
DEFAULT_MAX_GPUS = 64


@dataclass(frozen=True)
class GpuFit:
    """Outcome of fitting a workload on one GPU type."""

    gpu_key: str
    fits: bool
    gpu_count: int
    tensor_parallel: int
    pipeline_parallel: int
    reason: str
    required_gib_per_gpu: float
    budget_gib_per_gpu: float
    max_concurrent_sequences: int | None = None
    max_context_tokens: int | None = None
    tokens_per_second: float | None = None
    replicas: int | None = None
    training_hours: float | None = None
    rejected: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()
    # serving a load: the chosen layout (replicas × TP × PP) and the other feasible ones, fewest GPUs first
    layouts: tuple = ()

    @property
    def total_gpus(self) -> int:
        """GPUs of every replica together."""
        return self.gpu_count * (self.replicas or 1)

    def to_dict(self) -> dict[str, object]:
        return {
            "gpu": self.gpu_key,
            "fits": self.fits,
            "gpu_count": self.gpu_count,
            "tensor_parallel": self.tensor_parallel,
            "pipeline_parallel": self.pipeline_parallel,
            "reason": self.reason,
            "required_gib_per_gpu": round(self.required_gib_per_gpu, 3),
            "budget_gib_per_gpu": round(self.budget_gib_per_gpu, 3),
            "max_concurrent_sequences": self.max_concurrent_sequences,
            "max_context_tokens": self.max_context_tokens,
            "tokens_per_second": None if self.tokens_per_second is None else round(self.tokens_per_second, 1),
            "replicas": self.replicas,
            "training_hours": None if self.training_hours is None else round(self.training_hours, 2),
            "rejected": list(self.rejected),
            "suggestions": list(self.suggestions),
            "layouts": [
                {"tensor_parallel": l.parallelism.tensor_parallel, "pipeline_parallel": l.parallelism.pipeline_parallel,
                 "replicas": l.replicas, "gpus": l.gpus, "sequences_per_replica": l.batch, "kv_capacity": l.kv_capacity,
                 "user_tokens_per_second": round(l.user_tokens_per_second, 1), "limited_by": l.limited_by}
                for l in self.layouts
            ],
        }


def tensor_parallel_rejection(arch: ModelArchitecture, tensor_parallel: int) -> str | None:
    """Why vLLM would refuse `tensor_parallel` for this model, or None when it is valid.

    Attention heads must divide evenly; KV heads must divide evenly or be replicated (TP a
    multiple of them). MLA latents are replicated on every rank, so only query heads matter.
    """
    if tensor_parallel == 1 or not arch.attention_heads:
        return None
    if arch.attention_heads % tensor_parallel:
        return f"tensor-parallel degree {tensor_parallel} does not divide the {arch.attention_heads} attention heads"
    for group in arch.kv_groups:
        if not group.latent and group.kv_heads % tensor_parallel and tensor_parallel % group.kv_heads:
            return (
                f"tensor-parallel degree {tensor_parallel} neither divides the {group.kv_heads} KV heads "
                "nor is a multiple of them"
            )
    return None


def candidate_parallelisms(arch: ModelArchitecture, max_gpus: int,
                           node_gpus: int = GPUS_PER_NODE) -> Iterator[Parallelism]:
    """GPU counts in order: 1 to a node's GPUs as tensor parallelism, then whole nodes as pipeline stages (a node of
    8 GPUs: TP 1–8, then 16, 24 … as TP=8 × PP; a node of one GH200: PP=2, 3 … of single GPUs)."""
    node = max(1, min(node_gpus, GPUS_PER_NODE))
    for count in range(1, min(max_gpus, node) + 1):
        yield Parallelism(count, 1)
    stages = 2
    while stages * node <= max_gpus and stages <= max(arch.layers, 1):
        yield Parallelism(node, stages)
        stages += 1


def _memory_rejection(memory: InferenceMemory) -> str:
    weights, overhead = to_gib(memory.weights_bytes), to_gib(memory.overhead_bytes)
    budget = to_gib(memory.budget_bytes)
    if memory.kv_budget_bytes <= 0:
        return f"weights {weights:.1f} GiB + runtime {overhead:.1f} GiB exceed the {budget:.1f} GiB budget per GPU"
    return (
        f"needs {to_gib(memory.required_bytes):.1f} GiB per GPU (weights {weights:.1f} + KV cache "
        f"{to_gib(memory.kv_cache_bytes):.1f} + runtime {overhead:.1f}) but the budget is {budget:.1f} GiB"
    )


def _count_label(parallelism: Parallelism, gpu: GpuSpec) -> str:
    split = f"TP={parallelism.tensor_parallel}"
    if parallelism.pipeline_parallel > 1:
        split += f", PP={parallelism.pipeline_parallel}"
    return f"{parallelism.gpus} × {gpu.key} ({split})"


@dataclass(frozen=True)
class _Attempt:
    parallelism: Parallelism
    memory: InferenceMemory | None
    rejection: str | None


def _attempt(setup: ServingSetup, gpu: GpuSpec, parallelism: Parallelism) -> _Attempt:
    tp_problem = tensor_parallel_rejection(setup.arch, parallelism.tensor_parallel)
    if tp_problem:
        return _Attempt(parallelism, None, tp_problem)
    memory = inference_memory(setup, gpu, parallelism)
    return _Attempt(parallelism, memory, None if memory.fits else _memory_rejection(memory))


def _smallest_fitting(setup: ServingSetup, gpu: GpuSpec, max_gpus: int) -> tuple[_Attempt | None, list[str]]:
    """The first candidate count that fits, and why each smaller count was rejected."""
    rejected: list[str] = []
    for parallelism in candidate_parallelisms(setup.arch, max_gpus, gpu.node_gpus):
        attempt = _attempt(setup, gpu, parallelism)
        if attempt.rejection is None:
            return attempt, rejected
        rejected.append(f"{parallelism.gpus} GPU(s): {attempt.rejection}")
    return None, rejected


def _fits_somewhere(setup: ServingSetup, gpu: GpuSpec, max_gpus: int, gpu_count: int | None) -> Parallelism | None:
    if gpu_count is not None:
        attempt = _attempt(setup, gpu, parallelism_for_count(gpu_count, gpu.node_gpus))
        return attempt.parallelism if attempt.rejection is None else None
    attempt, _ = _smallest_fitting(setup, gpu, max_gpus)
    return attempt.parallelism if attempt else None


def _variant_suggestion(
    label: str, setup: ServingSetup, gpu: GpuSpec, max_gpus: int, gpu_count: int | None
) -> str | None:
    found = _fits_somewhere(setup, gpu, max_gpus, gpu_count)
    return f"{label}: fits on {_count_label(found, gpu)}" if found else None


def _storage_variants(setup: ServingSetup, gpu: GpuSpec) -> list[tuple[str, ServingSetup]]:
    """Lighter weight / KV storage to try, alone first and then weights + fp8 KV together."""
    weights: list[tuple[str, ServingSetup]] = []
    if setup.precision.bits_per_weight > 8:
        label = "fp8 weights"
        if not gpu.fp8_tflops:
            label += " (W8A16 kernels: no FP8 tensor cores on this GPU)"
        weights.append((label, setup.changed(precision=precision_named("fp8"))))
    if setup.precision.bits_per_weight > 4.5:
        weights.append(("int4 weights (AWQ/GPTQ)", setup.changed(precision=precision_named("awq"))))
    if setup.kv_dtype.bytes_per_element <= 1 or not setup.arch.has_kv_cache:
        return weights
    fp8_kv = kv_cache_dtype_named("fp8")
    both = [(f"{label} + fp8 KV cache", variant.changed(kv_dtype=fp8_kv)) for label, variant in weights]
    return weights + [("fp8 KV cache", setup.changed(kv_dtype=fp8_kv))] + both


def inference_suggestions(
    setup: ServingSetup, gpu: GpuSpec, at: Parallelism, *, max_gpus: int, gpu_count: int | None
) -> tuple[str, ...]:
    """Changes that would make `setup` fit: lighter weights, fp8 KV, both, shorter context, fewer sequences.

    Storage changes are tried at `gpu_count` (or any count up to `max_gpus`); context and
    concurrency limits are given for the split `at`. A combination is offered only when none of
    its parts fits alone.
    """
    suggestions: list[str] = []
    fitting_labels: list[str] = []
    for label, variant in _storage_variants(setup, gpu):
        if "+" in label and any(part in label for part in fitting_labels):
            continue
        if text := _variant_suggestion(label, variant, gpu, max_gpus, gpu_count):
            suggestions.append(text)
            fitting_labels.append(label)
    suggestions.extend(_load_suggestions(setup, gpu, at))
    return tuple(suggestions)


def _load_suggestions(setup: ServingSetup, gpu: GpuSpec, parallelism: Parallelism) -> list[str]:
    if tensor_parallel_rejection(setup.arch, parallelism.tensor_parallel):
        return []
    memory = inference_memory(setup, gpu, parallelism)
    if memory.kv_budget_bytes <= 0 or not setup.arch.has_kv_cache:
        return []
    texts, where = [], _count_label(parallelism, gpu)
    context = max_context_tokens(setup.changed(concurrency=1), memory)
    if 0 < context < setup.context_tokens:
        per_sequence = f" per sequence ({setup.concurrency} concurrent)" if setup.concurrency > 1 else ""
        texts.append(f"shorter context: up to {context // setup.concurrency:,} tokens{per_sequence} fit on {where}")
    sequences = max_concurrent_sequences(setup, memory)
    if 0 < sequences < setup.concurrency:
        texts.append(f"fewer concurrent sequences: {sequences} at {setup.context_tokens:,} tokens fit on {where}")
    return texts


def parallelism_for_count(gpu_count: int, node_gpus: int = GPUS_PER_NODE) -> Parallelism:
    """TP inside a node; above one node's GPUs, TP over the node times pipeline stages."""
    node = max(1, min(node_gpus, GPUS_PER_NODE))
    if gpu_count <= node:
        return Parallelism(gpu_count, 1)
    if gpu_count % node:
        raise ValueError(f"{gpu_count} GPUs is not a whole number of {node}-GPU nodes; use a multiple of {node}")
    return Parallelism(node, gpu_count // node)


def fit_from_memory(setup: ServingSetup, gpu: GpuSpec, memory: InferenceMemory, rejected: list[str]) -> GpuFit:
    parallelism = memory.parallelism
    return GpuFit(
        gpu_key=gpu.key, fits=True, gpu_count=parallelism.gpus, tensor_parallel=parallelism.tensor_parallel,
        pipeline_parallel=parallelism.pipeline_parallel,
        reason=f"fits on {_count_label(parallelism, gpu)}: {to_gib(memory.required_bytes):.1f} of "
        f"{to_gib(memory.budget_bytes):.1f} GiB per GPU",
        required_gib_per_gpu=to_gib(memory.required_bytes), budget_gib_per_gpu=to_gib(memory.budget_bytes),
        max_concurrent_sequences=max_concurrent_sequences(setup, memory),
        max_context_tokens=max_context_tokens(setup.changed(concurrency=1), memory), rejected=tuple(rejected),
    )


def fit_inference(
    setup: ServingSetup, gpu: GpuSpec, *, gpu_count: int | None = None, max_gpus: int = DEFAULT_MAX_GPUS
) -> GpuFit:
    """Fit `setup` on `gpu`: at exactly `gpu_count` GPUs when given, else the smallest count that fits.

    A fit that fails says why and carries suggestions (fp8 / int4 weights, fp8 KV, shorter
    context, fewer sequences, another GPU count). Raises ValueError for a `gpu_count` above 8
    that is not a whole number of the GPU's nodes (`gpu.node_gpus`).
    """
    if gpu_count is not None:
        attempt, rejected = _attempt(setup, gpu, parallelism_for_count(gpu_count, gpu.node_gpus)), []
    else:
        attempt, rejected = _smallest_fitting(setup, gpu, max_gpus)
    if attempt is not None and attempt.rejection is None and attempt.memory is not None:
        return fit_from_memory(setup, gpu, attempt.memory, rejected)
    return _no_fit(setup, gpu, attempt, rejected, max_gpus, gpu_count)


def _no_fit(
    setup: ServingSetup, gpu: GpuSpec, attempt: _Attempt | None, rejected: list[str], max_gpus: int, gpu_count: int | None
) -> GpuFit:
    if attempt is None:  # nothing up to max_gpus fits; report the largest count tried
        parallelism = list(candidate_parallelisms(setup.arch, max_gpus, gpu.node_gpus))[-1]
        reason = f"does not fit on up to {max_gpus} × {gpu.key}"
    else:
        parallelism = attempt.parallelism
        reason = f"does not fit on {_count_label(parallelism, gpu)}: {attempt.rejection}"
    memory = inference_memory(setup, gpu, parallelism)
    suggestions = inference_suggestions(setup, gpu, parallelism, max_gpus=max_gpus, gpu_count=gpu_count)
    if gpu_count is not None and (found := _fits_somewhere(setup, gpu, max_gpus, None)):
        direction = "more" if found.gpus > gpu_count else "fewer"
        suggestions = (f"{direction} GPUs: fits on {_count_label(found, gpu)}",) + suggestions
    return GpuFit(
        gpu_key=gpu.key, fits=False, gpu_count=parallelism.gpus, tensor_parallel=parallelism.tensor_parallel,
        pipeline_parallel=parallelism.pipeline_parallel, reason=reason,
        required_gib_per_gpu=to_gib(memory.required_bytes), budget_gib_per_gpu=to_gib(memory.budget_bytes),
        max_concurrent_sequences=max_concurrent_sequences(setup, memory),
        max_context_tokens=max_context_tokens(setup.changed(concurrency=1), memory),
        rejected=tuple(rejected), suggestions=suggestions,
    )
