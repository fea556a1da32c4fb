"""The planner's sizing step: a WorkloadSpec → the `size` tool → the plan's `sizing` and per-GPU fits."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

from stack8s_architect.catalog.models.sizing_facts import ModelFacts
from stack8s_architect.core.errors import ArchitectError
from stack8s_architect.planning.plan import PlanSizing
from stack8s_architect.planning.sizing_tool import COMMON_GPUS, SizeToolRequest, excluded_accelerators, run_size
from stack8s_architect.planning.shapes import (
    batch_fits,
    generation_fits,
    reasoning_tokens_per_user,
    stream_fits,
    transcription_fits,
)
from stack8s_architect.planning.spec import WorkloadSpec
from stack8s_architect.sizing.fit import GpuFit
from stack8s_architect.sizing.gpu import GpuSpec

# Sizing formulas per modality; tabular and other workloads are sized as language models would be.
# Text datasets: about 4 bytes of UTF-8 per token (English BPE tokenisers average 3.5–4.5).
BYTES_PER_TOKEN = 4.0
OUTPUT_TOKENS = 256  # a typical answer, when a latency target is read as a per-user decode speed
# A latency this short is per generated token (nobody streams a whole answer in 200 ms); longer, per answer.
PER_TOKEN_LATENCY_MS = 200

_MODALITY = {"llm": "llm", "multimodal": "llm", "vision": "vision", "medical_imaging": "vision", "speech": "speech",
             "image_generation": "diffusion", "embeddings": "embedding"}


@dataclass(frozen=True)
class SizingOutcome:
    sizing: PlanSizing | None
    fits: tuple[GpuFit, ...]  # one per accelerator sized, fitting or not
    assumptions: tuple[str, ...]
    model: ModelFacts | None = None  # the catalog model sized, when the workload names one


def _mode(spec: WorkloadSpec, assumptions: list[str]) -> str:
    if spec.task == "fine_tuning":
        if spec.fine_tuning_method is None:
            assumptions.append("fine-tuning method not given: sized for LoRA (say QLoRA or full to change it)")
            return "lora"
        return {"full": "training", "lora": "lora", "qlora": "qlora"}[spec.fine_tuning_method]
    return "training" if spec.task == "training" else "inference"


def _request(spec: WorkloadSpec, assumptions: list[str], **names: object) -> SizeToolRequest:
    """The size tool's request for a spec with a model size; `names` override the GPUs it is sized on."""
    tokens = None
    if spec.dataset_size_gb and spec.task in {"training", "fine_tuning"} and _MODALITY.get(spec.domain or "llm") == "llm":
        tokens = spec.dataset_size_gb * 1e9 / BYTES_PER_TOKEN
        assumptions.append(f"{spec.dataset_size_gb:g} GB of text ≈ {tokens / 1e9:,.2f}B tokens at {BYTES_PER_TOKEN:g} "
                           "bytes per token, one epoch")
    one_gpu = spec.gpu_names[0] if spec.gpu_names and len(spec.gpu_names) == 1 else None
    gpus: dict[str, object] = {"gpus": list(spec.gpu_names or []) or _common_gpus_but(spec.exclude_gpus), "gpu": one_gpu,
                               "gpu_count": spec.gpu_count if one_gpu else None, **names}
    return SizeToolRequest(
        model=f"{spec.params_billions:g}B", model_id=spec.model_id or spec.model_query,
        modality=_MODALITY.get(spec.domain or "llm", "llm"), mode=_mode(spec, assumptions),
        precision=spec.precision, context_length=spec.context_length, tokens_per_user=reasoning_tokens_per_user(spec),
        # the size tool sizes one sequence of the full context per replica, then the users' load on replicas
        concurrent_users=spec.concurrent_users, requests_per_second=spec.requests_per_second,
        user_tokens_per_second=_user_speed(spec, assumptions), training_tokens=tokens, **_training_options(spec),
        **gpus,
    )


def _training_options(spec: WorkloadSpec) -> dict[str, object]:
    """The training set-up the user stated (the size tool's defaults otherwise, said in the sizing notes)."""
    options: dict[str, object] = {}
    if spec.optimizer:
        options["optimizer"] = spec.optimizer
    if spec.zero_stage is not None:
        options["zero_stage"] = spec.zero_stage
    if spec.cpu_offload is not None:
        options["cpu_offload"] = spec.cpu_offload
    if spec.flash_attention is not None:
        options["flash_attention"] = spec.flash_attention
    if spec.fused_loss:
        options["fused_cross_entropy"] = True
    return options


def _user_speed(spec: WorkloadSpec, assumptions: list[str]) -> float | None:
    """A stated latency as the decode speed each user needs: up to 200 ms it is the time per generated token,
    above it the time of a typical answer (256 tokens). Said back, since it sets how many users a replica
    may batch."""
    latency = spec.latency_target_ms
    if not latency or spec.task not in {None, "inference", "batch_inference"}:
        return None
    if latency <= PER_TOKEN_LATENCY_MS:
        speed = round(1000 / latency, 1)
        assumptions.append(f"latency {latency:g} ms read as the time per generated token: {speed:g} tokens/s per user")
    else:
        speed = max(1.0, round(OUTPUT_TOKENS / (latency / 1000), 1))  # minutes for an answer: still a token a second
        assumptions.append(f"latency {latency:g} ms read as the time of a typical {OUTPUT_TOKENS}-token answer: "
                           f"{speed:g} tokens/s per user")
    return speed


def _common_gpus_but(excluded: list[str] | None) -> list[str]:
    """The accelerators compared by default, less those the user ruled out ([] means the tool's defaults)."""
    if not excluded:
        return []
    return [key for key in COMMON_GPUS if key not in excluded_accelerators(excluded)]


def fit_on(spec: WorkloadSpec, device: GpuSpec, model: ModelFacts | None = None) -> GpuFit | None:
    """The sizing's fit of the workload on one accelerator given by its figures (a local GPU or MIG slice), with
    the GPU count the spec pins; None when the workload has no model size or cannot be sized."""
    if spec.params_billions is None:
        return None
    try:
        result, _ = run_size(_request(spec, [], gpus=[], gpu=None, gpu_count=spec.gpu_count), device=device,
                             architecture=model.architecture if model else None)
    except (ArchitectError, ValidationError):
        return None
    return result.fit if spec.gpu_count and result.fit is not None else (result.gpu_fits or (None,))[0]


def size_for(spec: WorkloadSpec, model: ModelFacts | None = None) -> SizingOutcome:
    """Size the workload: from `model`'s architecture when the catalog knows it, else from the stated parameter
    count (estimated); without either, or when it cannot be sized, say why."""
    assumptions: list[str] = []
    if spec.params_billions is None:
        return SizingOutcome(None, (), ("no model size known yet: GPUs are chosen from the memory and count asked "
                                        "for, not from a sizing",))
    limit = model.architecture.max_context_tokens if model and model.architecture else None
    if limit and spec.context_length and spec.context_length > limit:
        assumptions.append(f"the model takes at most {limit:,} tokens of context, not the {spec.context_length:,} asked "
                           f"for: sized at {limit:,} (a longer context needs a model that supports it)")
        spec = spec.model_copy(update={"context_length": limit})
    one_gpu = spec.gpu_names[0] if spec.gpu_names and len(spec.gpu_names) == 1 else None
    if spec.gpu_count and not one_gpu:
        assumptions.append(f"{spec.gpu_count} GPUs asked for: the count is kept when one GPU type is named; "
                           "otherwise the smallest count that fits each GPU is used")
    try:
        request = _request(spec, assumptions)
        result, response = run_size(request, architecture=model.architecture if model else None)
    except (ArchitectError, ValidationError) as exc:
        message = exc.message if isinstance(exc, ArchitectError) else exc.errors()[0]["msg"]
        return SizingOutcome(None, (), (*assumptions, f"could not size this workload: {message}"))
    assumptions += response.details.get("assumptions") or []
    fits = tuple(result.gpu_fits)
    if one_gpu and spec.gpu_count and result.fit is not None:
        # the count the user pinned, not the smallest that fits: its hours, throughput and memory per GPU
        fits = tuple(result.fit if fit.gpu_key == result.fit.gpu_key else fit for fit in fits)
    fits, batch_rule = batch_fits(spec, fits, result.active_params_billions)
    transcription = False
    if not batch_rule:
        fits, batch_rule = transcription_fits(spec, fits)
        transcription = bool(batch_rule)
    without_kv = bool(batch_rule)  # sized by FLOPs or audio hours alone: no KV budget to state
    if not batch_rule:
        kv, sequences = response.sizing.get("kv_cache_gib"), result.concurrency
        fits, batch_rule = generation_fits(spec, fits, result.active_params_billions, response.sizing.get("weights_gib"),
                                           kv / sequences if kv and sequences else None)
    if batch_rule:
        assumptions.append(batch_rule)
    fits, stream_rule = stream_fits(spec, fits)
    if stream_rule:
        assumptions.append(stream_rule)
    serving = response.sizing["mode"] == "inference" and not without_kv
    values = dict(response.sizing)
    if model is not None:  # exact, partial or estimated: how the catalog knew the architecture
        values["confidence"] = model.confidence
    if stream_rule or transcription:  # speech is sized in streams or hours of audio per GPU, not in decoded tokens/s
        values["tokens_per_second"] = None
    sizing = PlanSizing(**values, context_length_tokens=result.context_length_tokens,
                        kv_cache_dtype=result.kv_cache_dtype,
                        gpu_memory_utilization=request.gpu_memory_utilization if serving else None,
                        concurrent_sequences=result.concurrency if serving else None,
                        active_params_billions=round(result.active_params_billions, 3))
    return SizingOutcome(sizing, fits, tuple(assumptions), model)
