"""Parameter counts of decoder layers, by role, from an `HfShape` and its layer plan.

Formulas follow the Hugging Face modeling code of each family: a projection from a to b holds
a·b weights (+ b when biased); norms hold one vector.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .architecture import ParameterCounts
from .hf_shape import HfShape, LayerSpec


@dataclass(frozen=True)
class _Part:
    linear: int = 0
    other: int = 0


def _linear_attention_dims(raw: Mapping[str, Any]) -> tuple[int, int, int, int, int]:
    """(key heads, key head dim, value heads, value head dim, conv kernel) of a linear-attention layer."""
    kimi = raw.get("linear_attn_config")
    if isinstance(kimi, Mapping):
        heads, dim = int(kimi.get("num_heads", 0)), int(kimi.get("head_dim", 0))
        return heads, dim, heads, dim, int(kimi.get("short_conv_kernel_size", 4))
    return (
        int(raw.get("linear_num_key_heads", 0)), int(raw.get("linear_key_head_dim", 0)),
        int(raw.get("linear_num_value_heads", 0)), int(raw.get("linear_value_head_dim", 0)),
        int(raw.get("linear_conv_kernel_dim", 4)),
    )


def state_bytes_per_element(raw: Mapping[str, Any]) -> int:
    """The recurrent (SSM) state's element size as vLLM keeps it: the model dtype (`mamba_ssm_cache_dtype` "auto"),
    unless the config names fp32 (`mamba_ssm_cache_dtype` / `mamba_ssm_dtype`, as NemotronH and Qwen3.5 configs
    may)."""
    named = str(raw.get("mamba_ssm_cache_dtype") or raw.get("mamba_ssm_dtype") or "").lower()
    return 4 if named in {"float32", "fp32"} else 2


def linear_attention_state_bytes(raw: Mapping[str, Any]) -> int:
    """Recurrent state of one linear-attention (Gated DeltaNet / KDA) layer for one sequence.

    State of v_heads × k_dim × v_dim (`state_bytes_per_element`) plus a bf16 convolution window of (kernel − 1) steps.
    """
    k_heads, k_dim, v_heads, v_dim, kernel = _linear_attention_dims(raw)
    conv_channels = 2 * k_heads * k_dim + v_heads * v_dim
    return v_heads * k_dim * v_dim * state_bytes_per_element(raw) + conv_channels * (kernel - 1) * 2


def _mamba_dims(raw: Mapping[str, Any], hidden: int) -> tuple[int, int, int, int, int]:
    heads = int(raw.get("mamba_num_heads", 0))
    head_dim = int(raw.get("mamba_head_dim", 0))
    inner = heads * head_dim or int(raw.get("expand", 2)) * hidden
    return heads, inner, int(raw.get("n_groups", 1)), int(raw.get("ssm_state_size", 128)), int(raw.get("conv_kernel", 4))


def mamba_state_bytes(raw: Mapping[str, Any], hidden: int) -> int:
    """Recurrent state of one Mamba-2 layer for one sequence: SSM state (`state_bytes_per_element`) + bf16 conv
    window."""
    heads, inner, groups, state, kernel = _mamba_dims(raw, hidden)
    ssm = inner * state * state_bytes_per_element(raw)
    return ssm + (inner + 2 * groups * state) * (kernel - 1) * 2


def _attention(shape: HfShape, layer: LayerSpec) -> _Part:
    q_out = shape.heads * layer.head_dim * (2 if shape.attn_output_gate else 1)
    kv_out = layer.kv_heads * (layer.head_dim + layer.v_head_dim)
    o_in = shape.heads * layer.v_head_dim
    linear = shape.hidden * (q_out + kv_out) + o_in * shape.hidden
    other = (q_out + kv_out if shape.qkv_bias else 0) + (shape.hidden if shape.o_bias else 0)
    if shape.qk_norm == "per_head":
        other += 2 * layer.head_dim
    elif shape.qk_norm == "full_width":
        other += shape.heads * layer.head_dim + layer.kv_heads * layer.head_dim
    return _Part(linear, other + (shape.heads if shape.attention_sinks else 0))


def _mla(shape: HfShape) -> _Part:
    """DeepSeek-V2/V3 multi-head latent attention (+ the V3.2 sparse-attention indexer)."""
    h, heads = shape.hidden, shape.heads
    qk_dim = shape.qk_nope_head_dim + shape.qk_rope_head_dim
    rank = shape.kv_lora_rank or 0
    if shape.q_lora_rank:
        q = h * shape.q_lora_rank + shape.q_lora_rank * heads * qk_dim
    else:
        q = h * heads * qk_dim
    kv = h * (rank + shape.qk_rope_head_dim) + rank * heads * (shape.qk_nope_head_dim + shape.mla_v_head_dim)
    o = heads * shape.mla_v_head_dim * h
    indexer = 0
    if shape.indexer_heads:
        q_in = shape.q_lora_rank or h
        indexer = q_in * shape.indexer_heads * shape.indexer_head_dim + h * shape.indexer_head_dim + h * shape.indexer_heads
    norms = (shape.q_lora_rank or 0) + rank + (2 * shape.indexer_head_dim if shape.indexer_heads else 0)
    return _Part(q + kv + o + indexer, norms)


def _linear_attention(shape: HfShape) -> _Part:
    k_heads, k_dim, v_heads, v_dim, kernel = _linear_attention_dims(shape.raw)
    key, value = k_heads * k_dim, v_heads * v_dim
    linear = shape.hidden * (2 * key + 2 * value + 2 * v_heads) + value * shape.hidden
    return _Part(linear, (2 * key + value) * kernel + 2 * v_heads + v_dim)


def _mamba(shape: HfShape) -> _Part:
    heads, inner, groups, state, kernel = _mamba_dims(shape.raw, shape.hidden)
    conv_channels = inner + 2 * groups * state
    linear = shape.hidden * (2 * inner + 2 * groups * state + heads) + inner * shape.hidden
    return _Part(linear, conv_channels * (kernel + 1) + 3 * heads + inner)


def _mixer(shape: HfShape, layer: LayerSpec) -> _Part:
    if layer.mixer in ("full", "sliding"):
        return _attention(shape, layer)
    if layer.mixer == "mla":
        return _mla(shape)
    if layer.mixer == "linear":
        return _linear_attention(shape)
    if layer.mixer == "mamba":
        return _mamba(shape)
    if layer.mixer == "projection":
        return _Part(shape.hidden * shape.hidden)
    return _Part()


def _ffn_weights(shape: HfShape, width: int) -> int:
    return (3 if shape.gated_ffn else 2) * shape.hidden * width


def _expert_params(shape: HfShape) -> int:
    weights = (3 if shape.gated_ffn else 2) * shape.expert_input_dim * shape.moe_width
    bias = (2 * shape.moe_width + shape.hidden) if shape.expert_bias else 0
    return weights + bias


@dataclass(frozen=True)
class _Ffn:
    dense: int = 0
    routed: int = 0
    active_routed: int = 0
    other: int = 0


def _ffn(shape: HfShape, layer: LayerSpec) -> _Ffn:
    if layer.ffn == "dense":
        return _Ffn(dense=_ffn_weights(shape, layer.ffn_width))
    if layer.ffn == "projection":
        return _Ffn(dense=shape.hidden * shape.hidden)
    if layer.ffn != "moe":
        return _Ffn()
    expert = _expert_params(shape)
    router = shape.experts * shape.hidden + (shape.experts if shape.router_bias else 0)
    shared_gate = shape.hidden if shape.family == "qwen2_moe" else 0
    latent_projections = 0 if shape.expert_input_dim == shape.hidden else 2 * shape.hidden * shape.expert_input_dim
    dense = _ffn_weights(shape, shape.shared_width) + latent_projections
    return _Ffn(dense, shape.experts * expert, shape.top_k * expert, router + shared_gate)


def _norms(shape: HfShape, layer: LayerSpec) -> int:
    if shape.family == "nemotron_h":
        return shape.hidden  # one pre-norm per single-purpose block
    blocks = (layer.mixer != "none") + (layer.ffn != "none")
    return shape.hidden * shape.norms_per_layer * blocks // 2


def count_parameters(shape: HfShape, layers: Sequence[LayerSpec]) -> ParameterCounts:
    """Parameters by role for the whole language model (MTP layers excluded)."""
    attention = dense = routed = active_routed = other = 0
    for layer in layers:
        mixer, ffn = _mixer(shape, layer), _ffn(shape, layer)
        attention += mixer.linear
        dense += ffn.dense
        routed += ffn.routed
        active_routed += ffn.active_routed
        other += mixer.other + ffn.other + _norms(shape, layer)
    embedding = shape.vocab * shape.hidden
    lm_head = 0 if shape.tied_embeddings else embedding
    return ParameterCounts(embedding, lm_head, attention, dense, routed, active_routed, other + shape.hidden)
