"""`size`: one call that turns a model, a workload and GPU specs into a `SizingResult`."""

from __future__ import annotations

import functools

import math
from dataclasses import dataclass, replace

from .architecture import ModelArchitecture
from .cost import DEFAULT_MFU, per_sample_training_flops, training_hours, transformer_training_flops
from .engine import DEFAULT_ENGINE, ENGINE_VERSIONS
from .explain import kv_note, overhead_note, weights_note
from .fit import DEFAULT_MAX_GPUS, GpuFit, fit_from_memory, fit_inference, parallelism_for_count
from .gpu import GpuSpec
from .inference import (
    DEFAULT_GPU_MEMORY_UTILIZATION,
    Parallelism,
    ServingSetup,
    inference_memory,
    kv_cache_bytes_per_sequence,
    kv_cache_bytes_per_token,
    weight_bytes,
)
from .precision import kv_cache_dtype_named, precision_named
from .result import Mode, SizingResult
from .serving import (
    DEFAULT_TOKENS_PER_USER,
    DEFAULT_USER_TOKENS_PER_SECOND,
    ServingLayout,
    ServingTarget,
    layout_on,
    serving_layouts,
)
from .throughput import prefill_tokens_per_second
from .training import (
    OPTIMIZER_NAMES,
    OPTIMIZER_STATE_BYTES,
    TrainingSetup,
    fit_training,
    model_states,
    training_memory,
)
from .units import to_gib

DEFAULT_CONTEXT_TOKENS = 4096
_TRAINING_METHOD = {"training": "full", "lora": "lora", "qlora": "qlora"}


@dataclass(frozen=True)
class SizingRequest:
    """A sizing question. `concurrency` is concurrent sequences (inference) or micro-batch per GPU (training).

    `gpu` is the accelerator to answer for (fit, tokens/s, training time); `gpus` are further
    accelerators to report a GPU count for. `gpu_count` pins the count instead of searching.
    """

    architecture: ModelArchitecture
    mode: Mode = "inference"
    precision: str | None = None
    kv_cache_dtype: str | None = None
    context_length_tokens: int | None = None
    concurrency: int = 1
    gpu: GpuSpec | None = None
    gpu_count: int | None = None
    gpus: tuple[GpuSpec, ...] = ()
    gpu_memory_utilization: float = DEFAULT_GPU_MEMORY_UTILIZATION
    max_gpus: int = DEFAULT_MAX_GPUS
    prompt_tokens: int = 1024
    output_tokens: int = 256
    requests_per_second: float | None = None
    concurrent_users: int | None = None
    tokens_per_sequence: int | None = None  # KV each user keeps; default the stated context, else 2,048
    user_tokens_per_second: float | None = None  # decode speed each user must see; default 10
    training_tokens: float | None = None
    training_samples: float | None = None
    epochs: float = 1.0
    forward_gflops_per_sample: float | None = None
    gradient_checkpointing: bool = True
    lora_rank: int = 16
    mfu: float = DEFAULT_MFU
    optimizer: str = "adamw"
    training_precision: str = "mixed"
    zero_stage: int = 3
    cpu_offload: bool = False
    base_precision: str | None = None
    flash_attention: bool = True
    fused_cross_entropy: bool = False
    vllm_version: str = DEFAULT_ENGINE.name  # whose start-up accounting sizes serving (engine.ENGINE_VERSIONS)


def _validate(request: SizingRequest) -> None:
    problems = []
    if request.mode not in ("inference", "training", "lora", "qlora"):
        problems.append(f"mode must be inference, training, lora or qlora, not {request.mode!r}")
    if request.context_length_tokens is not None and request.context_length_tokens < 1:
        problems.append("context_length_tokens must be at least 1")
    limit = request.architecture.max_context_tokens
    if request.context_length_tokens and limit and request.context_length_tokens > limit:
        problems.append(f"{request.architecture.model_id or 'this model'} takes at most {limit:,} tokens of context "
                        f"(its max_position_embeddings, with any RoPE scaling); ask for {limit:,} or fewer, or pick a "
                        "model with a longer context")
    if request.concurrency < 1:
        problems.append("concurrency must be at least 1")
    if not 0 < request.gpu_memory_utilization <= 1:
        problems.append("gpu_memory_utilization must be in (0, 1]")
    if request.gpu_count is not None and request.gpu_count < 1:
        problems.append("gpu_count must be at least 1")
    if not 0 < request.mfu <= 1:
        problems.append("mfu must be in (0, 1]")
    if request.optimizer not in OPTIMIZER_STATE_BYTES:
        problems.append(f"optimizer must be one of {', '.join(OPTIMIZER_STATE_BYTES)}, not {request.optimizer!r}")
    if request.training_precision not in ("mixed", "bf16", "fp32"):
        problems.append(f"training_precision must be mixed, bf16 or fp32, not {request.training_precision!r}")
    if request.zero_stage not in (0, 1, 2, 3):
        problems.append(f"zero_stage must be 0, 1, 2 or 3, not {request.zero_stage!r}")
    if request.base_precision not in (None, "bf16", "fp32", "int8", "nf4"):
        problems.append(f"base_precision must be bf16, fp32, int8 or nf4, not {request.base_precision!r}")
    if request.vllm_version not in ENGINE_VERSIONS:
        problems.append(f"vllm_version must be one of {', '.join(ENGINE_VERSIONS)}, not {request.vllm_version!r}")
    if problems:
        raise ValueError("; ".join(problems))


def size(request: SizingRequest) -> SizingResult:
    """Memory, fit, throughput and training time for `request`; pure and deterministic.

    Raises ValueError for impossible inputs and UnknownPrecisionError for unknown dtype names. The last
    SIZES_KEPT answers are kept (requests and results are immutable): a conversation's follow-up re-plans with
    the same sizing, and a plan's variants and trade-offs ask for it again.
    """
    return _size(request)


SIZES_KEPT = 1_024


@functools.lru_cache(maxsize=SIZES_KEPT)
def _size(request: SizingRequest) -> SizingResult:
    _validate(request)
    if request.mode == "inference":
        return _size_inference(request)
    return _size_training(request)


# --- inference --------------------------------------------------------------------------------


def _context_tokens(request: SizingRequest) -> int:
    """The requested context, else 4,096 tokens (or the model's limit when shorter)."""
    limit = request.architecture.max_context_tokens or DEFAULT_CONTEXT_TOKENS
    return request.context_length_tokens or min(DEFAULT_CONTEXT_TOKENS, limit)


def _serving_setup(request: SizingRequest) -> ServingSetup:
    arch = request.architecture
    precision = precision_named(request.precision or arch.native_precision)
    kv_dtype = kv_cache_dtype_named(request.kv_cache_dtype or arch.native_kv_cache_dtype or "auto")
    if kv_dtype.name == "auto" and precision.name == "fp32":
        # vLLM's "auto" is the dtype the model runs in: 4 bytes when it is served in fp32 (--dtype float32); an fp32
        # checkpoint served with --dtype auto is cast to bf16 first (0.11: `_resolve_auto_dtype`), so 2
        kv_dtype = kv_cache_dtype_named("fp32")
    return ServingSetup(
        arch, precision, kv_dtype, _context_tokens(request), request.concurrency, request.gpu_memory_utilization,
        ENGINE_VERSIONS[request.vllm_version],
    )


def serving_target(request: SizingRequest, setup: ServingSetup) -> ServingTarget:
    """The load to carry: users (at least `concurrency`), each keeping the stated context or 2,048 tokens."""
    per_user = request.tokens_per_sequence or (
        request.context_length_tokens or min(DEFAULT_TOKENS_PER_USER, setup.context_tokens))
    return ServingTarget(
        concurrent_users=max(request.concurrent_users or 0, request.concurrency),
        requests_per_second=request.requests_per_second, tokens_per_sequence=min(per_user, setup.context_tokens),
        user_tokens_per_second=request.user_tokens_per_second or DEFAULT_USER_TOKENS_PER_SECOND,
        prompt_tokens=request.prompt_tokens, output_tokens=request.output_tokens,
    )


def _with_load(fit: GpuFit, setup: ServingSetup, gpu: GpuSpec, request: SizingRequest) -> GpuFit:
    """The fit re-laid for the load: the layout with the fewest GPUs (a pinned count: that count), its replicas,
    the memory one replica then uses and the tokens/s it decodes."""
    if not fit.fits:
        return fit
    target = serving_target(request, setup)
    if request.gpu_count is not None:
        pinned = layout_on(setup, gpu, parallelism_for_count(request.gpu_count, gpu.node_gpus), target)
        layouts: tuple[ServingLayout, ...] = (pinned,) if pinned else ()
    else:
        layouts = serving_layouts(setup, gpu, target, request.max_gpus)
    if not layouts:
        return fit
    best = layouts[0]
    loaded = setup.changed(context_tokens=target.tokens_per_sequence, concurrency=best.batch)
    memory = inference_memory(loaded, gpu, best.parallelism)
    chosen = fit_from_memory(loaded, gpu, memory, list(fit.rejected)) if memory.fits else fit
    return replace(chosen, fits=True, max_context_tokens=fit.max_context_tokens,
                   max_concurrent_sequences=best.kv_capacity, tokens_per_second=best.replica_tokens_per_second,
                   replicas=best.replicas, layouts=layouts,
                   reason=f"{chosen.reason}; load: {best.describe(gpu.key)}")


def _fit_on(gpu: GpuSpec, setup: ServingSetup, request: SizingRequest, gpu_count: int | None) -> GpuFit:
    fit = fit_inference(setup, gpu, gpu_count=gpu_count, max_gpus=request.max_gpus)
    return _with_load(fit, setup, gpu, request)


def _sequences(fit: GpuFit | None, target: ServingTarget) -> int:
    """Sequences in flight: the chosen layout's, else users, else the rate × the seconds an answer streams."""
    if fit is not None and fit.layouts:
        return fit.layouts[0].concurrent_sequences
    by_rate = (target.requests_per_second or 0) * target.output_tokens / target.user_tokens_per_second
    return max(1, target.concurrent_users, math.ceil(by_rate - 1e-9))


def _size_inference(request: SizingRequest) -> SizingResult:
    setup = _serving_setup(request)
    arch, gpu = setup.arch, request.gpu
    weights = weight_bytes(arch, setup.precision)
    per_token = kv_cache_bytes_per_token(arch, setup.kv_dtype)
    fit = _fit_on(gpu, setup, request, request.gpu_count) if gpu else None
    fits_elsewhere = tuple(_fit_on(other, setup, request, None) for other in request.gpus)
    target = serving_target(request, setup)
    sequences = _sequences(fit or next((f for f in fits_elsewhere if f.fits and f.layouts), None), target)
    kv_total = sequences * kv_cache_bytes_per_sequence(arch, setup.kv_dtype, target.tokens_per_sequence)
    parallelism = Parallelism(fit.tensor_parallel, fit.pipeline_parallel) if fit and fit.fits else Parallelism()
    memory = inference_memory(setup, gpu, parallelism)
    overhead = memory.overhead_bytes * parallelism.gpus
    notes = [
        weights_note(arch, setup.precision, weights),
        kv_note(arch, setup.kv_dtype, per_token, target.tokens_per_sequence, sequences, kv_total),
        overhead_note(memory, gpu.key if gpu else None, setup.gpu_memory_utilization),
        _load_note(target, sequences, request),
    ]
    if fit:
        notes.append(f"{gpu.key}: {fit.reason}." + (f" Try: {'; '.join(fit.suggestions)}." if fit.suggestions else ""))
    notes.extend(arch.notes)
    prefill = prefill_tokens_per_second(setup, gpu, parallelism) if fit and fit.fits else None
    return SizingResult(
        mode="inference", model_id=arch.model_id, params_billions=arch.params_billions,
        active_params_billions=arch.active_params / 1e9, precision=setup.precision.name,
        kv_cache_dtype=setup.kv_dtype.name, context_length_tokens=setup.context_tokens, concurrency=sequences,
        weights_gib=to_gib(weights), kv_cache_gib=to_gib(kv_total), kv_cache_bytes_per_token=per_token,
        overhead_gib=to_gib(overhead), required_gpu_memory_gib=to_gib(weights + kv_total + overhead),
        tokens_per_second=fit.tokens_per_second if fit else None, prefill_tokens_per_second=prefill,
        training_hours=None, training_flops=None, confidence=arch.confidence, notes=tuple(notes), fit=fit,
        gpu_fits=fits_elsewhere,
    )


def _load_note(target: ServingTarget, sequences: int, request: SizingRequest) -> str:
    said = f"{target.concurrent_users} concurrent user(s)" if request.concurrent_users else f"{sequences} sequence(s)"
    if target.requests_per_second:
        said = f"{target.requests_per_second:g} requests/s ≈ {sequences} sequences in flight"
    per_user = "" if request.tokens_per_sequence or request.context_length_tokens else " (default per chat user)"
    speed = "" if request.user_tokens_per_second else " (default)"
    return (f"Load: {said}, each holding {target.tokens_per_sequence:,} tokens of KV cache{per_user}, decoding at "
            f"≥ {target.user_tokens_per_second:g} tokens/s per user{speed}; replicas batch them continuously.")


# --- training ---------------------------------------------------------------------------------


def _training_setup(request: SizingRequest) -> TrainingSetup:
    return TrainingSetup(
        request.architecture, _TRAINING_METHOD[request.mode], sequence_tokens=_context_tokens(request),
        micro_batch_size=request.concurrency, gradient_checkpointing=request.gradient_checkpointing,
        lora_rank=request.lora_rank, optimizer=request.optimizer, precision=request.training_precision,
        zero_stage=request.zero_stage, cpu_offload=request.cpu_offload, base_precision=request.base_precision,
        flash_attention=request.flash_attention, fused_cross_entropy=request.fused_cross_entropy,
    )


def _training_flops(request: SizingRequest, setup: TrainingSetup) -> float | None:
    arch = request.architecture
    if arch.modality != "llm":
        if request.forward_gflops_per_sample and request.training_samples:
            forward_flops = request.forward_gflops_per_sample * 1e9
            return per_sample_training_flops(forward_flops, request.training_samples, request.epochs)
        return None
    tokens = request.training_tokens
    if tokens is None and request.training_samples:
        tokens = request.training_samples * setup.sequence_tokens
    if tokens is None:
        return None
    return transformer_training_flops(arch.active_params, tokens * request.epochs, frozen_base=setup.method != "full",
                                      recompute=setup.gradient_checkpointing)


def _with_hours(fit: GpuFit, gpu: GpuSpec, flops: float | None, mfu: float) -> GpuFit:
    """Add wall-clock training hours on the fitted count (bf16 peak × MFU)."""
    if flops is None or not fit.fits:
        return fit
    hours = training_hours(flops, fit.gpu_count, gpu.bf16_tflops, mfu)
    return replace(fit, reason=f"{fit.reason}; {hours:,.1f} h at MFU {mfu:g}", training_hours=hours)


_SHARDING = {0: "plain data parallel (nothing sharded)", 1: "ZeRO-1 (optimizer states sharded)",
             2: "ZeRO-2 (optimizer states and gradients sharded)", 3: "ZeRO-3/FSDP (every model state sharded)"}


def _training_notes(setup: TrainingSetup, flops: float | None, request: SizingRequest) -> list[str]:
    states = model_states(setup)
    notes = [
        f"{setup.method} training: weights {to_gib(states.weights_bytes):.2f} GiB, gradients "
        f"{to_gib(states.gradients_bytes):.2f} GiB, optimizer {to_gib(states.optimizer_bytes):.2f} GiB, "
        f"master weights {to_gib(states.master_weights_bytes):.2f} GiB "
        f"({states.trainable_params / 1e6:,.1f}M trainable parameters).",
        f"Activations for {setup.micro_batch_size} × {setup.sequence_tokens:,} tokens per GPU, activation "
        f"checkpointing {'on' if setup.gradient_checkpointing else 'off'}, flash attention "
        f"{'on' if setup.flash_attention else 'off'}, "
        f"{'a fused cross-entropy (6 bytes per logit)' if setup.fused_cross_entropy else 'the standard loss (fp32 logits and their gradients: 16 bytes per logit)'}.",
        f"Assumed (change them when yours differ): optimizer {OPTIMIZER_NAMES[setup.optimizer]}, "
        f"{'mixed precision (bf16 weights and gradients, fp32 master copy)' if setup.precision == 'mixed' else setup.precision + ' throughout'}"
        f"{'' if setup.method == 'full' else f', frozen base in {setup.frozen_base_precision}'}, "
        f"{_SHARDING[setup.zero_stage]} over more than one GPU"
        f"{', optimizer states offloaded to the CPU' if setup.cpu_offload else ''}.",
    ]
    if flops is None:
        notes.append("Training time needs training_tokens (LLMs) or forward_gflops_per_sample and training_samples.")
    else:
        rule = "6·N·D" if setup.method == "full" else "4·N·D (frozen base)"
        rule += " + 2·N·D recomputed (activation checkpointing)" if setup.gradient_checkpointing else ""
        if setup.arch.modality != "llm":
            rule = "3 × forward FLOPs per sample × samples × epochs"
        notes.append(f"Training compute {flops:.3g} FLOPs ({rule}), MFU {request.mfu:g}.")
    return notes


def _size_training(request: SizingRequest) -> SizingResult:
    setup = _training_setup(request)
    arch, gpu = setup.arch, request.gpu
    flops = _training_flops(request, setup)
    fit = None
    if gpu:
        fit = fit_training(setup, gpu, gpu_count=request.gpu_count, max_gpus=request.max_gpus)
        fit = _with_hours(fit, gpu, flops, request.mfu)
    memory = training_memory(setup, gpu, fit.gpu_count if fit and fit.fits else 1)
    total = memory.states.total_bytes + memory.overhead_bytes * memory.gpu_count
    notes = _training_notes(setup, flops, request) + ([f"{gpu.key}: {fit.reason}."] if fit else []) + list(arch.notes)
    gpu_fits = tuple(
        _with_hours(fit_training(setup, other, max_gpus=request.max_gpus), other, flops, request.mfu)
        for other in request.gpus
    )
    return SizingResult(
        mode=request.mode, model_id=arch.model_id, params_billions=arch.params_billions,
        active_params_billions=arch.active_params / 1e9, precision="nf4" if setup.method == "qlora" else "bf16",
        kv_cache_dtype=None, context_length_tokens=setup.sequence_tokens, concurrency=setup.micro_batch_size,
        weights_gib=to_gib(memory.states.weights_bytes), kv_cache_gib=0.0, kv_cache_bytes_per_token=0.0,
        overhead_gib=to_gib(total - memory.states.weights_bytes), required_gpu_memory_gib=to_gib(total),
        tokens_per_second=None, prefill_tokens_per_second=None,
        training_hours=fit.training_hours if fit else None, training_flops=flops,
        confidence=arch.confidence, notes=tuple(notes), fit=fit, gpu_fits=gpu_fits,
    )
