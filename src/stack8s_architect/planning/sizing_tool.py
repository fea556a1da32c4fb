"""The `size` tool: a sizing request in catalog terms (GPU names, a model) → the pure sizing engine.

A model is given by name or Hub id ("Qwen3-32B", "meta-llama/Llama-3.1-8B-Instruct", resolved in the model
catalog and sized from its architecture: `size_named`), by its HF `config.json` contents (exact), or by a
parameter count such as "70B" (estimated).
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sqlalchemy.orm import Session

from stack8s_architect.catalog.compute.service import resolve_accelerators
from stack8s_architect.catalog.models.service import facts_for, resolve_model
from stack8s_architect.catalog.gpus.specs import ACCELERATOR_SPECS
from stack8s_architect.core.errors import InvalidRequestError, NotFoundError
from stack8s_architect.sizing import (
    GpuSpec,
    ModelArchitecture,
    InstanceOffer,
    SizingRequest,
    SizingResult,
    architecture_from_hf_config,
    architecture_from_params,
    monthly_cost_usd,
    size,
    training_run_cost,
)

# Reported for every request unless `gpus` names others: the accelerators people compare most.
COMMON_GPUS = ("L4", "A10G", "A10", "RTX4090", "L40S", "A100-40GB", "A100-80GB", "H100-SXM", "H200", "B200", "MI300X")
_PARAMS = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmbt]?)\s*$", re.IGNORECASE)
_SCALE = {"": 1e-9, "k": 1e-6, "m": 1e-3, "b": 1.0, "t": 1e3}


class SizeToolRequest(BaseModel):
    """Body of `POST /api/v1/tools/size`. Give `model` (a parameter count) or `config` (HF config.json)."""

    model_config = ConfigDict(extra="forbid")

    model: str | None = Field(default=None, max_length=300, description="a model as people name it or its Hub id (Qwen3-32B, "
                              "meta-llama/Llama-3.1-8B-Instruct: sized from the catalog), or a parameter count: 8B, 350M")
    config: dict[str, Any] | None = Field(default=None, description="the model's Hugging Face config.json")
    hf_quant_config: dict[str, Any] | None = Field(
        default=None, description="hf_quant_config.json of a quantised checkpoint (FP8, NVFP4) beside config"
    )
    model_id: str | None = Field(default=None, description="a label for the result")
    active_params_billions: float | None = Field(default=None, gt=0, description="MoE: active parameters")
    modality: Literal["llm", "vision", "speech", "diffusion", "embedding"] = "llm"
    mode: Literal["inference", "training", "lora", "qlora"] = "inference"
    precision: str | None = Field(default=None, description="bf16, fp16, fp8, int8, int4, awq, gptq, q4_k_m …")
    kv_cache_dtype: str | None = Field(default=None, description="auto, bf16, fp8")
    context_length: int | None = Field(default=None, ge=1, le=10_000_000)
    concurrency: int = Field(default=1, ge=1, le=100_000, description="concurrent sequences (training: micro-batch)")
    gpu: str | None = Field(default=None, description="the accelerator to answer for: H100, L4 …")
    gpu_count: int | None = Field(default=None, ge=1, le=1024)
    gpus_per_node: int | None = Field(default=None, ge=1, le=64, description="GPUs one node (instance) holds "
                                      "(default 8): tensor parallelism stays inside a node, pipeline stages span "
                                      "nodes; a pinned gpu_count above it must be a multiple of it")
    gpus: list[str] = Field(default_factory=list, description="accelerators to report GPU counts for")
    gpu_memory_utilization: float = Field(default=0.90, gt=0, le=1)
    requests_per_second: float | None = Field(default=None, gt=0, le=1e7)
    concurrent_users: int | None = Field(default=None, ge=1, le=100_000_000)
    tokens_per_user: int | None = Field(default=None, ge=1, le=10_000_000, description="KV cache each concurrent "
                                         "user keeps (default: context_length when given, else 2,048)")
    user_tokens_per_second: float | None = Field(default=None, gt=0, le=100_000, description="decode speed each "
                                                 "user must see (default 10); caps the batch one replica carries")
    prompt_tokens: int = Field(default=1024, ge=1, le=10_000_000)
    output_tokens: int = Field(default=256, ge=1, le=10_000_000)
    training_tokens: float | None = Field(default=None, gt=0, le=1e16)
    training_samples: float | None = Field(default=None, gt=0, le=1e13)
    epochs: float = Field(default=1.0, gt=0, le=10_000)
    forward_gflops_per_sample: float | None = Field(default=None, gt=0, le=1e9)
    lora_rank: int = Field(default=16, ge=1, le=4096)
    optimizer: Literal["adamw", "adamw_8bit", "paged_adamw_8bit", "adafactor", "sgd"] = "adamw"
    training_precision: Literal["mixed", "bf16", "fp32"] = Field(
        default="mixed", description="mixed: bf16 weights and gradients with an fp32 master copy (DeepSpeed, HF "
                                     "Trainer); bf16: pure bf16 (torchtune); fp32")
    zero_stage: Literal[0, 1, 2, 3] = Field(default=3, description="ZeRO stage over several GPUs (3 = FSDP)")
    cpu_offload: bool = Field(default=False, description="optimizer states and master weights in host memory")
    base_precision: Literal["bf16", "fp32", "int8", "nf4"] | None = Field(
        default=None, description="LoRA's frozen base (default bf16; nf4 for qlora)")
    gradient_checkpointing: bool = True
    flash_attention: bool = True
    fused_cross_entropy: bool = Field(default=False, description="training with a fused or chunked cross-entropy "
                                      "(Liger, Cut Cross Entropy, Megatron's): 6 bytes per logit at the loss, not 16")
    vllm_version: Literal["0.11", "0.19"] = Field(default="0.11", description="whose start-up accounting sizes "
                                                  "serving (0.11: the version the plans deploy)")
    usd_per_hour: float | None = Field(default=None, gt=0, le=1e5, description="price of one instance, for cost")
    gpus_per_instance: int = Field(default=1, ge=1, le=64, description="GPUs on one priced instance")

    @model_validator(mode="after")
    def _one_model(self) -> SizeToolRequest:
        if (self.model is None) == (self.config is None):
            raise ValueError("give exactly one of `model` (a model name or a parameter count such as 70B) or "
                             "`config` (config.json)")
        return self


# Bounds on the config.json numbers sizing reads: beyond them a file is malformed (or hostile).
_CONFIG_LIMITS = {
    "num_hidden_layers": 2_048, "n_layer": 2_048, "num_layers": 2_048, "hidden_size": 1_000_000, "d_model": 1_000_000,
    "num_attention_heads": 65_536, "n_head": 65_536, "num_key_value_heads": 65_536, "head_dim": 65_536,
    "intermediate_size": 10_000_000, "vocab_size": 100_000_000, "max_position_embeddings": 1_000_000_000,
    "num_local_experts": 65_536, "n_routed_experts": 65_536, "num_experts": 65_536, "num_experts_per_tok": 65_536,
}


def check_config(config: dict[str, Any]) -> None:
    """Refuse config.json numbers that are not positive integers within bounds, naming the key."""
    sections = [config, *(v for k, v in config.items() if k.endswith("_config") and isinstance(v, dict))]
    for section in sections:
        for key, limit in _CONFIG_LIMITS.items():
            value = section.get(key)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= limit:
                raise InvalidRequestError(f"config.{key} must be a positive integer up to {limit:,} (got {value!r})")


class SizeToolResponse(BaseModel):
    sizing: dict[str, Any] = Field(description="the DeploymentPlan `sizing` object")
    details: dict[str, Any] = Field(description="assumed inputs, the fit on `gpu`, and the fit per accelerator")


def is_parameter_count(text: str) -> bool:
    """'70B', '350m', '7000000000': a size, not a model name."""
    return bool(_PARAMS.match(text))


def parse_params_billions(text: str) -> float:
    """'70B' → 70.0, '350M' → 0.35, '7000000000' → 7.0; a model id is refused with what to give instead."""
    match = _PARAMS.match(text)
    if not match:
        raise InvalidRequestError(
            f"Model {text!r} is not a parameter count: give a count such as 70B, a model name the catalog "
            "knows, or the model's config.json."
        )
    if not match.group(2) and float(match.group(1)) < 1e6:
        raise InvalidRequestError(f"Model size {text!r} needs a unit: write 70B, 350M or a plain count like 7000000000.")
    value = float(match.group(1)) * _SCALE[match.group(2).lower()]
    if not 0 < value < 100_000:
        raise InvalidRequestError(f"Model size {text!r} is out of range; write it like 8B, 70B or 350M.")
    return value


def _architecture(request: SizeToolRequest):  # noqa: ANN202
    if request.config is not None:
        check_config(request.config)
        try:
            return architecture_from_hf_config(
                request.config, model_id=request.model_id, hf_quant_config=request.hf_quant_config
            )
        except (KeyError, TypeError, ValueError, IndexError, AttributeError, ArithmeticError) as exc:
            # A malformed config (short per-layer lists, wrong types) is the caller's to fix, never a 500.
            raise InvalidRequestError(f"Cannot read the model architecture from config: {exc!r}") from exc
    total = parse_params_billions(request.model or "")
    if request.active_params_billions is not None and request.active_params_billions > total:
        raise InvalidRequestError(
            f"active_params_billions ({request.active_params_billions:g}) exceeds the model's {total:g}B parameters"
        )
    return architecture_from_params(
        total, active_params_billions=request.active_params_billions,
        modality=request.modality, model_id=request.model_id or request.model,
    )


def excluded_accelerators(names: list[str] | None) -> frozenset[str]:
    """Accelerator keys of the GPUs a user ruled out ("no T4", "anything but H100": the whole family); a name
    the table does not know rules out nothing."""
    keys: set[str] = set()
    for name in names or ():
        try:
            keys.update(resolve_accelerators([name]))
        except InvalidRequestError:
            continue
    return frozenset(keys)


def _specs(names: list[str]) -> tuple:
    return tuple(ACCELERATOR_SPECS[key].to_gpu_spec() for key in resolve_accelerators(names))


def _chosen_gpu(name: str, assumptions: list[str]):  # noqa: ANN202
    """The one accelerator `gpu` names; a family (H100) means its first member, said in assumptions."""
    members = resolve_accelerators([name])
    if len(members) > 1:
        assumptions.append(f"gpu {name!r} is a family; sized for {members[0]} (also: {', '.join(members[1:])})")
    return ACCELERATOR_SPECS[members[0]].to_gpu_spec()


def _cost(request: SizeToolRequest, result: SizingResult) -> dict[str, Any] | None:
    """Hourly, monthly (730 h) and training-run USD on the priced instance, when a price was given."""
    fit = result.fit
    if request.usd_per_hour is None or fit is None or not fit.fits:
        return None
    gpus = fit.gpu_count * (fit.replicas or 1)
    instances = math.ceil(gpus / request.gpus_per_instance)
    cost: dict[str, Any] = {
        "instances": instances,
        "usd_per_hour": round(instances * request.usd_per_hour, 4),
        "monthly_cost_usd": round(monthly_cost_usd(request.usd_per_hour, instances), 2),
    }
    if result.training_hours is not None:
        offer = InstanceOffer(request.usd_per_hour, request.gpus_per_instance)
        cost["training_run_usd"] = round(training_run_cost(result.training_hours, gpus, offer).usd, 2)
    return cost


def run_size(request: SizeToolRequest, *, device: GpuSpec | None = None,
             architecture: ModelArchitecture | None = None) -> tuple[SizingResult, SizeToolResponse]:
    """Resolve names, size, and shape the answer; bad input raises a 4xx ArchitectError. `device` sizes for one
    accelerator given by its figures instead of by name (a local cluster's GPU or MIG slice); `architecture` is
    the model's when the catalog resolved it (then `model` is only a label)."""
    architecture = architecture or _architecture(request)
    assumptions: list[str] = []
    gpu = _chosen_gpu(request.gpu, assumptions) if request.gpu else None
    gpus = _specs(request.gpus) if request.gpus else tuple(ACCELERATOR_SPECS[k].to_gpu_spec() for k in COMMON_GPUS)
    if device is not None:
        gpu, gpus = (device if request.gpu_count else None), (device,)
    if request.gpus_per_node is not None:
        gpu = replace(gpu, node_gpus=request.gpus_per_node) if gpu else None
        gpus = tuple(replace(spec, node_gpus=request.gpus_per_node) for spec in gpus)
    sizing_request = SizingRequest(
        architecture=architecture, mode=request.mode, precision=request.precision,
        kv_cache_dtype=request.kv_cache_dtype, context_length_tokens=request.context_length,
        concurrency=request.concurrency, gpu=gpu, gpu_count=request.gpu_count, gpus=gpus,
        gpu_memory_utilization=request.gpu_memory_utilization, prompt_tokens=request.prompt_tokens,
        output_tokens=request.output_tokens, requests_per_second=request.requests_per_second,
        concurrent_users=request.concurrent_users, tokens_per_sequence=request.tokens_per_user,
        user_tokens_per_second=request.user_tokens_per_second, training_tokens=request.training_tokens,
        training_samples=request.training_samples, epochs=request.epochs,
        forward_gflops_per_sample=request.forward_gflops_per_sample, lora_rank=request.lora_rank,
        optimizer=request.optimizer, training_precision=request.training_precision, zero_stage=request.zero_stage,
        cpu_offload=request.cpu_offload, base_precision=request.base_precision,
        gradient_checkpointing=request.gradient_checkpointing, flash_attention=request.flash_attention,
        fused_cross_entropy=request.fused_cross_entropy,
        vllm_version=request.vllm_version,
    )
    try:
        result = size(sizing_request)
    except ValueError as exc:  # includes UnknownPrecisionError, whose message lists close matches
        raise InvalidRequestError(str(exc)) from exc
    except (ArithmeticError, IndexError) as exc:  # an architecture the formulas cannot hold
        raise InvalidRequestError(f"These inputs cannot be sized: {exc!r}") from exc
    details = {k: v for k, v in result.details().items() if k not in result.to_dict()}
    details["assumptions"] = assumptions
    details["cost"] = _cost(request, result)
    return result, SizeToolResponse(sizing=result.to_dict(), details=details)


def size_named(session: Session, request: SizeToolRequest) -> tuple[SizingResult, SizeToolResponse]:
    """`run_size` with `model` resolved in the model catalog when it is a name, not a parameter count: sized from
    the catalog's architecture (exact, partial or estimated, said in `sizing.confidence`), at the precision a
    quantised name asks for. An unknown name is a 404 with the closest names."""
    if request.config is not None or request.model is None or is_parameter_count(request.model):
        return run_size(request)
    resolution = resolve_model(session, request.model, serving=request.mode == "inference")
    if resolution.model is None:
        close = f" Did you mean: {', '.join(resolution.runners_up)}?" if resolution.runners_up else ""
        raise NotFoundError(f"No catalog model matches {request.model!r}.{close} Give a Hugging Face id, a parameter "
                            "count such as 70B, or the model's config.json.")
    facts = facts_for(session, resolution.model)
    if facts is None:
        raise InvalidRequestError(f"{resolution.model.id} is in the catalog without an architecture or a parameter "
                                  "count: give its size (e.g. model=7B) or its config.json.")
    if request.precision is None and resolution.precision:
        request = request.model_copy(update={"precision": resolution.precision})
    result, response = run_size(request, architecture=facts.architecture)
    response.sizing["confidence"] = facts.confidence
    response.details["model"] = {"id": facts.id, "query": request.model, "confidence": facts.confidence,
                                 "basis": facts.basis, "ambiguous": resolution.ambiguous,
                                 "also_matched": list(resolution.runners_up), "notes": list(resolution.notes)}
    return result, response
