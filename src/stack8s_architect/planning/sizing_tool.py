"""The `size` tool: a sizing request in catalog terms (GPU names, a model) → the pure sizing engine.

Until the model catalog lands, a model is given by its HF `config.json` contents (exact) or by a
parameter count such as "70B" (estimated).
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from stack8s_architect.catalog.compute.service import resolve_accelerators
from stack8s_architect.catalog.gpus.specs import ACCELERATOR_SPECS
from stack8s_architect.core.errors import InvalidRequestError
from stack8s_architect.sizing import (
    SizingRequest,
    SizingResult,
    architecture_from_hf_config,
    architecture_from_params,
    size,
)

# Reported for every request unless `gpus` names others: the accelerators people compare most.
COMMON_GPUS = ("L4", "A10G", "RTX4090", "L40S", "A100-40GB", "A100-80GB", "H100-SXM", "H200", "B200", "MI300X")
_PARAMS = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmbt]?)\s*$", re.IGNORECASE)
_SCALE = {"": 1e-9, "k": 1e-6, "m": 1e-3, "b": 1.0, "t": 1e3}


class SizeToolRequest(BaseModel):
    """Body of `POST /api/v1/tools/size`. Give `model` (a parameter count) or `config` (HF config.json)."""

    model_config = ConfigDict(extra="forbid")

    model: str | None = Field(default=None, description="parameter count: 8B, 70b, 1.5B, 350M")
    config: dict[str, Any] | None = Field(default=None, description="the model's Hugging Face config.json")
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
    gpus: list[str] = Field(default_factory=list, description="accelerators to report GPU counts for")
    gpu_memory_utilization: float = Field(default=0.90, gt=0, le=1)
    requests_per_second: float | None = Field(default=None, gt=0)
    concurrent_users: int | None = Field(default=None, ge=1)
    prompt_tokens: int = Field(default=1024, ge=1)
    output_tokens: int = Field(default=256, ge=1)
    training_tokens: float | None = Field(default=None, gt=0)
    training_samples: float | None = Field(default=None, gt=0)
    epochs: float = Field(default=1.0, gt=0)
    forward_gflops_per_sample: float | None = Field(default=None, gt=0)
    lora_rank: int = Field(default=16, ge=1, le=4096)

    @model_validator(mode="after")
    def _one_model(self) -> SizeToolRequest:
        if (self.model is None) == (self.config is None):
            raise ValueError("give exactly one of `model` (a parameter count such as 70B) or `config` (config.json)")
        return self


class SizeToolResponse(BaseModel):
    sizing: dict[str, Any] = Field(description="the DeploymentPlan `sizing` object")
    details: dict[str, Any] = Field(description="assumed inputs, the fit on `gpu`, and the fit per accelerator")


def parse_params_billions(text: str) -> float:
    """'70B' → 70.0, '350M' → 0.35, '7000000000' → 7.0; a model id is refused with what to give instead."""
    match = _PARAMS.match(text)
    if not match:
        raise InvalidRequestError(
            f"Model {text!r} is not a parameter count, and the model catalog is not available yet: "
            "give a count such as 70B or the model's config.json."
        )
    value = float(match.group(1)) * _SCALE[match.group(2).lower()]
    if not 0 < value < 100_000:
        raise InvalidRequestError(f"Model size {text!r} is out of range; write it like 8B, 70B or 350M.")
    return value


def _architecture(request: SizeToolRequest):  # noqa: ANN202
    try:
        if request.config is not None:
            return architecture_from_hf_config(request.config, model_id=request.model_id)
        return architecture_from_params(
            parse_params_billions(request.model or ""), active_params_billions=request.active_params_billions,
            modality=request.modality, model_id=request.model_id or request.model,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidRequestError(f"Cannot read the model architecture: {exc}") from exc


def _specs(names: list[str]) -> tuple:
    return tuple(ACCELERATOR_SPECS[key].to_gpu_spec() for key in resolve_accelerators(names))


def run_size(request: SizeToolRequest) -> tuple[SizingResult, SizeToolResponse]:
    """Resolve names, size, and shape the answer; bad input raises a 4xx ArchitectError."""
    architecture = _architecture(request)
    gpu = _specs([request.gpu])[0] if request.gpu else None
    gpus = _specs(request.gpus) if request.gpus else tuple(ACCELERATOR_SPECS[k].to_gpu_spec() for k in COMMON_GPUS)
    sizing_request = SizingRequest(
        architecture=architecture, mode=request.mode, precision=request.precision,
        kv_cache_dtype=request.kv_cache_dtype, context_length_tokens=request.context_length,
        concurrency=request.concurrency, gpu=gpu, gpu_count=request.gpu_count, gpus=gpus,
        gpu_memory_utilization=request.gpu_memory_utilization, prompt_tokens=request.prompt_tokens,
        output_tokens=request.output_tokens, requests_per_second=request.requests_per_second,
        concurrent_users=request.concurrent_users, training_tokens=request.training_tokens,
        training_samples=request.training_samples, epochs=request.epochs,
        forward_gflops_per_sample=request.forward_gflops_per_sample, lora_rank=request.lora_rank,
    )
    try:
        result = size(sizing_request)
    except ValueError as exc:  # includes UnknownPrecisionError, whose message lists close matches
        raise InvalidRequestError(str(exc)) from exc
    details = {k: v for k, v in result.details().items() if k not in result.to_dict()}
    return result, SizeToolResponse(sizing=result.to_dict(), details=details)
