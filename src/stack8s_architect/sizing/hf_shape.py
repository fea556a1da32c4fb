"""Read a Hugging Face `config.json` into a uniform shape and a per-layer plan.

Configs name the same idea many ways (`num_local_experts`, `num_experts`, `n_routed_experts`);
this module is the one place that knows the spellings. Counting happens in `param_count.py`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

Mixer = Literal["full", "sliding", "mla", "linear", "mamba", "projection", "none"]
Ffn = Literal["dense", "moe", "projection", "none"]

# Families whose every parameter and cached byte these formulas account for (checked against
# published counts in tests/sizing/test_hf_configs.py). Others parse, but are marked estimated.
EXACT_FAMILIES = frozenset(
    {
        "llama", "mistral", "mixtral", "qwen2", "qwen2_moe", "qwen3", "qwen3_moe", "qwen3_vl_text",
        "qwen3_vl_moe_text", "deepseek_v2", "deepseek_v3", "kimi_k2", "gpt_oss", "gemma", "gemma2",
        "gemma3_text", "phi3", "minimax_m2", "llama4_text", "mimo", "nemotron-nas",
    }
)
# Qwen2-style attention: biased q/k/v projections always, never an o_proj bias.
_QKV_BIAS_FAMILIES = frozenset({"qwen2", "qwen2_moe", "qwen2_vl", "qwen2_5_vl", "mimo"})
_QK_NORM_PER_HEAD = frozenset(
    {"qwen3", "qwen3_moe", "qwen3_vl_text", "qwen3_vl_moe_text", "qwen3_5_text", "qwen3_5_moe_text",
     "gemma3_text", "gemma4_text", "minimax_m3", "step3p7"}
)
_QK_NORM_FULL_WIDTH = frozenset({"minimax_m2", "olmo2"})
_FOUR_NORM_FAMILIES = frozenset({"gemma2", "gemma3_text", "gemma4_text"})
_TIED_BY_DEFAULT = frozenset({"gemma", "gemma2", "gemma3_text", "gemma4_text"})
_UNGATED_FFN_FAMILIES = frozenset({"phi", "gpt2", "gpt_neox", "falcon", "nemotron_h", "starcoder2"})
_ALL_LAYERS_SLIDING = frozenset({"mistral", "mixtral", "starcoder2"})  # rolling-buffer KV (Mistral 7B paper §2)


@dataclass(frozen=True)
class LayerSpec:
    """One decoder layer: its token mixer and its feed-forward block."""

    mixer: Mixer
    ffn: Ffn
    kv_heads: int = 0
    head_dim: int = 0
    v_head_dim: int = 0
    window_tokens: int | None = None
    ffn_width: int = 0


@dataclass(frozen=True)
class HfShape:
    """Model-wide numbers from the config, with family quirks resolved to flags."""

    family: str
    hidden: int
    vocab: int
    heads: int
    kv_heads: int
    head_dim: int
    intermediate: int
    tied_embeddings: bool
    experts: int
    top_k: int
    moe_width: int
    expert_input_dim: int  # hidden size, or the latent size of latent-MoE experts
    shared_width: int
    gated_ffn: bool
    qkv_bias: bool
    o_bias: bool
    qk_norm: Literal["none", "per_head", "full_width"]
    norms_per_layer: int
    attention_sinks: bool
    router_bias: bool
    expert_bias: bool
    q_lora_rank: int | None
    kv_lora_rank: int | None
    qk_nope_head_dim: int
    qk_rope_head_dim: int
    mla_v_head_dim: int
    indexer_heads: int
    indexer_head_dim: int
    attn_output_gate: bool
    max_context_tokens: int | None
    mtp_layers: int
    raw: Mapping[str, Any]


def text_config(config: Mapping[str, Any]) -> Mapping[str, Any]:
    """The language-model part of a (possibly multimodal) config."""
    for key in ("text_config", "llm_config", "language_config"):
        inner = config.get(key)
        if isinstance(inner, Mapping) and inner.get("hidden_size"):
            return inner
    return config


# RoPE scalings whose max_position_embeddings already is the extended length (vLLM `_get_and_verify_max_len`)
_ROPE_ALREADY_EXTENDED = {None, "default", "llama3", "longrope", "su", "mrope"}


def _context_limit(config: Mapping[str, Any]) -> int | None:
    """The longest context the model takes, as vLLM derives it: max_position_embeddings, times the RoPE scaling
    factor (applied to original_max_position_embeddings when given) for YaRN, dynamic and linear scaling."""
    limit = _int(config, "max_position_embeddings") or None
    rope = config.get("rope_scaling")
    if not isinstance(rope, Mapping):
        return limit
    kind, factor = rope.get("rope_type") or rope.get("type"), rope.get("factor")
    if kind in _ROPE_ALREADY_EXTENDED or not isinstance(factor, (int, float)) or factor <= 1:
        return limit
    original = _int(rope, "original_max_position_embeddings") or limit
    return int(original * factor) if original else limit


def _int(config: Mapping[str, Any], *keys: str, default: int = 0) -> int:
    for key in keys:
        value = config.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return int(value)
    return default


def _required(config: Mapping[str, Any], key: str) -> int:
    value = _int(config, key, default=-1)
    if value <= 0:
        raise ValueError(f"config.json has no usable {key!r}; cannot size this model from its config")
    return value


def _family(config: Mapping[str, Any], text: Mapping[str, Any]) -> str:
    family = str(text.get("model_type") or config.get("model_type") or "unknown")
    return {"gemma3": "gemma3_text", "llama4": "llama4_text"}.get(family, family)


def _experts(text: Mapping[str, Any], family: str) -> int:
    if family == "gemma4_text" and not text.get("enable_moe_block"):
        return 0
    return _int(text, "num_local_experts", "n_routed_experts", "num_experts")


def _shared_width(text: Mapping[str, Any], moe_width: int, family: str) -> int:
    if family == "llama4_text":
        return _int(text, "intermediate_size")  # one shared expert as wide as a routed one
    shared_count = _int(text, "n_shared_experts", "num_shared_experts", default=1)
    for key in ("shared_expert_intermediate_size", "moe_shared_expert_intermediate_size",
                "share_expert_dim", "shared_intermediate_size"):
        if key in text:
            return _int(text, key) * (1 if key == "shared_expert_intermediate_size" else shared_count)
    return _int(text, "n_shared_experts", "num_shared_experts") * moe_width


def _moe_width(text: Mapping[str, Any]) -> int:
    return _int(text, "moe_intermediate_size", "expert_intermediate_size", "intermediate_size")


def _qk_norm(text: Mapping[str, Any], family: str) -> Literal["none", "per_head", "full_width"]:
    if family in _QK_NORM_FULL_WIDTH or text.get("qk_norm_type") == "per_layer":
        return "full_width"
    if family in _QK_NORM_PER_HEAD:
        return "per_head"
    return "none"


def read_shape(config: Mapping[str, Any]) -> HfShape:
    """Model-wide numbers of a config.json (multimodal configs: the language model)."""
    text = text_config(config)
    family = _family(config, text)
    hidden = _required(text, "hidden_size")
    heads = _required(text, "num_attention_heads")
    experts = _experts(text, family)
    moe_width = _moe_width(text) if experts else 0
    bias = bool(text.get("attention_bias", False))
    tied_default = bool(config.get("tie_word_embeddings", family in _TIED_BY_DEFAULT))
    return HfShape(
        family=family,
        hidden=hidden,
        vocab=_required(text, "vocab_size"),
        heads=heads,
        kv_heads=_int(text, "num_key_value_heads", default=heads) or heads,
        head_dim=_int(text, "head_dim", "attention_head_dim") or hidden // heads,
        intermediate=_int(text, "intermediate_size_mlp", "dense_intermediate_size", "intermediate_size"),
        tied_embeddings=bool(text.get("tie_word_embeddings", tied_default)),
        experts=experts,
        top_k=_int(text, "num_experts_per_tok", "experts_per_token", "top_k_experts", "num_experts_per_token")
        if experts else 0,
        moe_width=moe_width,
        expert_input_dim=_int(text, "moe_latent_size", "routed_expert_hidden_size") or hidden,
        shared_width=_shared_width(text, moe_width, family) if experts else 0,
        gated_ffn=family not in _UNGATED_FFN_FAMILIES,
        qkv_bias=bias or family in _QKV_BIAS_FAMILIES,
        o_bias=bias and family not in _QKV_BIAS_FAMILIES,
        qk_norm=_qk_norm(text, family),
        norms_per_layer=4 if family in _FOUR_NORM_FAMILIES else 2,
        attention_sinks=family == "gpt_oss",
        router_bias=family in {"gpt_oss", "minimax_m2", "step3p7"} or text.get("topk_method") == "noaux_tc",
        expert_bias=family == "gpt_oss",
        q_lora_rank=_int(text, "q_lora_rank") or None,
        kv_lora_rank=_int(text, "kv_lora_rank") or None,
        qk_nope_head_dim=_int(text, "qk_nope_head_dim"),
        qk_rope_head_dim=_int(text, "qk_rope_head_dim"),
        mla_v_head_dim=_int(text, "v_head_dim"),
        indexer_heads=_int(text, "index_n_heads"),
        indexer_head_dim=_int(text, "index_head_dim"),
        attn_output_gate=bool(text.get("attn_output_gate", False)),
        max_context_tokens=_context_limit(text),
        mtp_layers=_int(text, "num_nextn_predict_layers", "mtp_num_hidden_layers", "num_mtp_modules"),
        raw=text,
    )


# --- per-layer plan ---------------------------------------------------------------------------

_LAYER_TYPE_MIXER: dict[str, Mixer] = {
    "full_attention": "full",
    "attention": "full",
    "sliding_attention": "sliding",
    "chunked_attention": "sliding",
    "linear_attention": "linear",
    "mamba": "mamba",
    "mamba2": "mamba",
}
_PATTERN_MIXER: dict[str, Mixer] = {"*": "full", "M": "mamba", "-": "none", "E": "none"}
_PATTERN_FFN: dict[str, Ffn] = {"*": "none", "M": "none", "-": "dense", "E": "moe"}
_BLOCK_TYPE_MIXER: dict[str, Mixer] = {"attention": "full", "mamba": "mamba", "mlp": "none", "moe": "none"}
_BLOCK_TYPE_FFN: dict[str, Ffn] = {"attention": "none", "mamba": "none", "mlp": "dense", "moe": "moe"}


def _mixers(shape: HfShape, layers: int) -> list[Mixer]:
    raw = shape.raw
    if isinstance(raw.get("layer_types"), Sequence) and len(raw["layer_types"]) >= layers:
        return [_LAYER_TYPE_MIXER.get(str(kind), "full") for kind in raw["layer_types"][:layers]]
    linear_config = raw.get("linear_attn_config")
    if isinstance(linear_config, Mapping) and linear_config.get("kda_layers"):
        linear_layers = set(linear_config["kda_layers"])  # 1-based in Kimi-Linear configs
        return ["linear" if i + 1 in linear_layers else "full" for i in range(layers)]
    if isinstance(raw.get("hybrid_layer_pattern"), Sequence):
        return ["sliding" if flag else "full" for flag in raw["hybrid_layer_pattern"][:layers]]
    if shape.family == "gemma2":
        return ["sliding" if i % 2 == 0 else "full" for i in range(layers)]
    if shape.family == "gemma3_text":
        period = _int(raw, "sliding_window_pattern", default=6)
        return ["full" if (i + 1) % period == 0 else "sliding" for i in range(layers)]
    if shape.family == "llama4_text" and raw.get("attention_chunk_size"):
        no_rope = raw.get("no_rope_layers") or [int((i + 1) % 4 != 0) for i in range(layers)]
        return ["sliding" if no_rope[i] else "full" for i in range(layers)]
    if "use_sliding_window" in raw:
        first = _int(raw, "max_window_layers", default=layers) if raw.get("use_sliding_window") else layers
        return ["sliding" if i >= first else "full" for i in range(layers)]
    if shape.family in _ALL_LAYERS_SLIDING and raw.get("sliding_window"):
        return ["sliding"] * layers
    return ["full"] * layers


def _is_moe_layer(shape: HfShape, index: int) -> bool:
    raw = shape.raw
    if not shape.experts:
        return False
    if isinstance(raw.get("mlp_layer_types"), Sequence):
        return raw["mlp_layer_types"][index] in ("sparse", "moe")
    if isinstance(raw.get("moe_layer_freq"), Sequence):
        return bool(raw["moe_layer_freq"][index])
    if index in (raw.get("mlp_only_layers") or ()):
        return False
    if "first_k_dense_replace" in raw:
        return index >= _int(raw, "first_k_dense_replace") and index % max(1, _int(raw, "moe_layer_freq", default=1)) == 0
    step = _int(raw, "interleave_moe_layer_step", "decoder_sparse_step", default=1)
    return (index + 1) % max(1, step) == 0


def _window(shape: HfShape, mixer: Mixer) -> int | None:
    if mixer != "sliding":
        return None
    raw = shape.raw
    return _int(raw, "sliding_window", "sliding_window_size", "attention_chunk_size") or None


def _attention_dims(shape: HfShape, mixer: Mixer) -> tuple[int, int, int]:
    """(kv_heads, k head dim, v head dim) of an attention layer, per family conventions."""
    raw = shape.raw
    if mixer == "sliding" and "swa_num_key_value_heads" in raw:
        return _int(raw, "swa_num_key_value_heads"), _int(raw, "swa_head_dim"), _int(raw, "swa_v_head_dim")
    if mixer == "full" and "num_global_key_value_heads" in raw:
        dim = _int(raw, "global_head_dim", default=shape.head_dim)
        return _int(raw, "num_global_key_value_heads"), dim, dim
    v_dim = shape.mla_v_head_dim if "v_head_dim" in raw and not shape.kv_lora_rank else shape.head_dim
    return shape.kv_heads, shape.head_dim, v_dim


def _plain_layer(shape: HfShape, index: int, mixer: Mixer) -> LayerSpec:
    if shape.kv_lora_rank and mixer in ("full", "sliding"):
        mixer = "mla"
    moe = _is_moe_layer(shape, index)
    kv_heads, k_dim, v_dim = _attention_dims(shape, mixer) if mixer in ("full", "sliding") else (0, 0, 0)
    width = shape.moe_width if moe else shape.intermediate
    return LayerSpec(mixer, "moe" if moe else "dense", kv_heads, k_dim, v_dim, _window(shape, mixer), width)


def _decilm_ffn_width(ffn_mult: float, hidden: int) -> int:
    """DeciLM/Nemotron-NAS: int(2 · mult · hidden / 3) rounded up to a multiple of 256."""
    width = int(2 * ffn_mult * hidden / 3)
    return -(-width // 256) * 256


def _decilm_layer(shape: HfShape, block: Mapping[str, Any]) -> LayerSpec:
    attention, ffn = block.get("attention", {}), block.get("ffn", {})
    if attention.get("no_op"):
        mixer, kv_heads = "none", 0
    elif attention.get("replace_with_linear"):
        mixer, kv_heads = "projection", 0
    else:
        mixer, kv_heads = "full", shape.heads // int(attention.get("n_heads_in_group") or 1)
    if ffn.get("no_op"):
        ffn_kind, width = "none", 0
    elif ffn.get("replace_with_linear"):
        ffn_kind, width = "projection", 0
    else:
        ffn_kind, width = "dense", _decilm_ffn_width(float(ffn["ffn_mult"]), shape.hidden)
    return LayerSpec(mixer, ffn_kind, kv_heads, shape.head_dim, shape.head_dim, None, width)


def _block_layer(shape: HfShape, kind: str) -> LayerSpec:
    """Nemotron-H style: each block is one of attention / mamba / MLP / MoE."""
    mixer = _PATTERN_MIXER.get(kind) or _BLOCK_TYPE_MIXER.get(kind, "none")
    ffn = _PATTERN_FFN.get(kind) or _BLOCK_TYPE_FFN.get(kind, "none")
    width = shape.moe_width if ffn == "moe" else shape.intermediate
    kv = (shape.kv_heads, shape.head_dim, shape.head_dim) if mixer == "full" else (0, 0, 0)
    return LayerSpec(mixer, ffn, *kv, None, width)


def layer_plan(shape: HfShape) -> tuple[LayerSpec, ...]:
    """One LayerSpec per decoder layer (MTP / speculative layers excluded)."""
    raw = shape.raw
    if isinstance(raw.get("block_configs"), Sequence):
        return tuple(_decilm_layer(shape, block) for block in raw["block_configs"])
    if isinstance(raw.get("hybrid_override_pattern"), str):
        return tuple(_block_layer(shape, kind) for kind in raw["hybrid_override_pattern"])
    if isinstance(raw.get("layers_block_type"), Sequence):
        return tuple(_block_layer(shape, str(kind)) for kind in raw["layers_block_type"])
    layers = _required(raw, "num_hidden_layers")
    return tuple(_plain_layer(shape, i, mixer) for i, mixer in enumerate(_mixers(shape, layers)))
