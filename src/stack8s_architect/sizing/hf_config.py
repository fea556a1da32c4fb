"""`ModelArchitecture` from a Hugging Face `config.json` (and, optionally, `hf_quant_config.json`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from .architecture import KvLayerGroup, ModelArchitecture
from .encoders import encoder_parameters
from .hf_shape import EXACT_FAMILIES, HfShape, LayerSpec, layer_plan, read_shape
from .param_count import count_parameters, linear_attention_state_bytes, mamba_state_bytes

_DTYPE_PRECISION = {"bfloat16": "bf16", "float16": "fp16", "float32": "fp32"}


def _kv_groups(shape: HfShape, layers: Sequence[LayerSpec]) -> tuple[KvLayerGroup, ...]:
    """Group the layers that cache K/V by identical per-token shape."""
    counts: Counter[tuple[int, int, int, int | None, bool]] = Counter()
    for layer in layers:
        if layer.mixer == "mla":
            counts[(1, (shape.kv_lora_rank or 0) + shape.qk_rope_head_dim, 0, None, True)] += 1
        elif layer.mixer in ("full", "sliding"):
            counts[(layer.kv_heads, layer.head_dim, layer.v_head_dim, layer.window_tokens, False)] += 1
    groups = [KvLayerGroup(n, *key) for key, n in counts.items()]
    indexed = sum(1 for layer in layers if layer.mixer == "mla") if shape.indexer_heads else 0
    if indexed:  # DSA indexer keys: one per token per layer, shared by all heads, fp8 + an fp32 scale per 128 (vLLM)
        groups.append(KvLayerGroup(indexed, 1, shape.indexer_head_dim, 0, latent=True,
                                   bytes_per_element=1 + 4 / 128))
    return tuple(groups)


def _state_bytes(shape: HfShape, layers: Sequence[LayerSpec]) -> int:
    linear = sum(1 for layer in layers if layer.mixer == "linear")
    mamba = sum(1 for layer in layers if layer.mixer == "mamba")
    state = linear * linear_attention_state_bytes(shape.raw) if linear else 0
    return state + (mamba * mamba_state_bytes(shape.raw, shape.hidden) if mamba else 0)


def _quant_precision(quant: Mapping[str, Any]) -> str | None:
    method = str(quant.get("quant_method") or "").lower()
    algo = str(quant.get("quant_algo") or "").upper()
    groups = quant.get("config_groups")
    weights = next(iter(groups.values()), {}).get("weights", {}) if isinstance(groups, Mapping) and groups else {}
    bits = int(weights.get("num_bits") or quant.get("bits") or 0)
    if method == "mxfp4" or "MXFP4" in str(quant.get("format", "")).upper():
        return "mxfp4_moe"
    if algo == "NVFP4" or (bits == 4 and weights.get("type") == "float"):
        return "nvfp4"
    if method in ("awq", "gptq"):
        return method if bits in (0, 4) else "int8"
    if method == "bitsandbytes":
        return "nf4" if quant.get("load_in_4bit") else "int8"
    if method == "fp8" or algo == "FP8" or (bits == 8 and weights.get("type") == "float"):
        return "fp8"
    if bits in (4, 8):
        return "int4" if bits == 4 else "int8"
    return None


def _native_precision(config: Mapping[str, Any], text: Mapping[str, Any], hf_quant: Mapping[str, Any] | None) -> str:
    quant = config.get("quantization_config") or text.get("quantization_config")
    if isinstance(quant, Mapping) and (precision := _quant_precision(quant)):
        return precision
    if hf_quant and isinstance(hf_quant.get("quantization"), Mapping):
        if precision := _quant_precision(hf_quant["quantization"]):
            return precision
    dtype = str(config.get("torch_dtype") or config.get("dtype") or text.get("dtype") or "bfloat16")
    return _DTYPE_PRECISION.get(dtype, "bf16")


def _native_kv_dtype(hf_quant: Mapping[str, Any] | None) -> str | None:
    quant = (hf_quant or {}).get("quantization") or {}
    return "fp8" if str(quant.get("kv_cache_quant_algo") or "").upper() == "FP8" else None


def _notes(shape: HfShape, layers: Sequence[LayerSpec], multimodal: bool, encoders: int = 0) -> tuple[str, ...]:
    notes = []
    if shape.family not in EXACT_FAMILIES:
        notes.append(f"model_type {shape.family!r} is counted with generic decoder formulas; figures are estimates.")
    if multimodal and encoders:
        notes.append(f"Multimodal config: the language model, and {encoders / 1e9:.2f}B parameters of vision/audio "
                     "encoder and projector (counted from vision_config/audio_config).")
    elif multimodal:
        notes.append("Multimodal config: the language model is counted; the vision/audio encoder config has no layers "
                     "to count.")
    if shape.mtp_layers:
        notes.append(
            f"{shape.mtp_layers} multi-token-prediction layer(s) not counted (loaded only for speculative decoding)."
        )
    if any(layer.mixer in ("linear", "mamba") for layer in layers):
        notes.append("Linear-attention / Mamba layers keep a fixed per-sequence state instead of a KV cache.")
    if shape.indexer_heads:
        notes.append("Sparse-attention indexer keys are cached as vLLM stores them: fp8 with an fp32 scale per 128 "
                     "values (132 bytes per token and layer), whatever the KV dtype.")
    return tuple(notes)


def architecture_from_hf_config(
    config: Mapping[str, Any],
    *,
    model_id: str | None = None,
    hf_quant_config: Mapping[str, Any] | None = None,
) -> ModelArchitecture:
    """Exact parameter counts and KV shapes from a Hugging Face `config.json` mapping.

    Multimodal configs are read through their `text_config`. Families outside the validated set
    still parse, with `confidence="estimated"` and a note saying why. Raises ValueError when the
    config lacks the basic decoder fields (hidden_size, num_attention_heads, …).
    """
    shape = read_shape(config)
    layers = layer_plan(shape)
    multimodal = shape.raw is not config
    params = count_parameters(shape, layers)
    encoders = encoder_parameters(config, shape.hidden) if multimodal else 0
    if encoders:  # vLLM loads the vision tower / audio encoder and the projector beside the text model
        params = replace(params, other=params.other + encoders)
    exact = shape.family in EXACT_FAMILIES and not multimodal
    first_attention = next((layer for layer in layers if layer.kv_heads), None)
    return ModelArchitecture(
        params=params,
        layers=len(layers),
        hidden_size=shape.hidden,
        attention_heads=shape.heads,
        kv_heads=first_attention.kv_heads if first_attention else shape.kv_heads,
        head_dim=shape.head_dim,
        vocab_size=shape.vocab,
        intermediate_size=max((layer.ffn_width for layer in layers if layer.ffn == "dense"), default=0),
        kv_groups=_kv_groups(shape, layers),
        model_id=model_id,
        family=shape.family,
        experts=shape.experts,
        active_experts=shape.top_k,
        moe_intermediate_size=shape.moe_width,
        moe_layers=sum(1 for layer in layers if layer.ffn == "moe"),
        kv_lora_rank=shape.kv_lora_rank,
        qk_rope_head_dim=shape.qk_rope_head_dim or None,
        max_context_tokens=shape.max_context_tokens,
        native_precision=_native_precision(config, shape.raw, hf_quant_config),
        native_kv_cache_dtype=_native_kv_dtype(hf_quant_config),
        recurrent_state_bytes_per_sequence=_state_bytes(shape, layers),
        gated_ffn=shape.gated_ffn,
        confidence="exact" if exact else "estimated",
        notes=_notes(shape, layers, multimodal, encoders),
    )
