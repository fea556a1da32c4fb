"""What a model is made of, as far as memory and FLOPs are concerned.

`ModelArchitecture` comes either from a Hugging Face `config.json` (exact parameter and KV counts,
see `hf_config.py`) or from a bare parameter count (`architecture_from_params`, marked estimated).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Confidence = Literal["exact", "estimated"]
Modality = Literal["llm", "vision", "speech", "image_generation", "embeddings", "other"]


@dataclass(frozen=True)
class KvLayerGroup:
    """Attention layers that cache the same shape per token.

    Standard/GQA layers cache K and V for `kv_heads` heads. MLA layers (`latent=True`) cache one
    compressed vector of `k_head_dim` = kv_lora_rank + qk_rope_head_dim elements shared by every
    head, which tensor parallelism replicates instead of splitting. Sliding-window (and chunked)
    layers keep at most `window_tokens` tokens.
    """

    layers: int
    kv_heads: int
    k_head_dim: int
    v_head_dim: int
    window_tokens: int | None = None
    latent: bool = False
    # bytes per cached element when the engine stores this group in a fixed format whatever the KV dtype (vLLM keeps
    # DeepSeek-V3.2 / GLM-5 indexer keys as fp8 with one fp32 scale per 128 values: 132 / 128); None: the KV dtype
    bytes_per_element: float | None = None

    @property
    def elements_per_token(self) -> int:
        """Cached elements per token summed over the group's layers."""
        return self.layers * self.kv_heads * (self.k_head_dim + self.v_head_dim)

    def cached_tokens(self, context_tokens: int) -> int:
        if self.window_tokens is None:
            return context_tokens
        return min(context_tokens, self.window_tokens)

    def tensor_parallel_shards(self, tensor_parallel: int) -> int:
        """How many ways one sequence's cache for this group is split across TP ranks.

        vLLM splits KV heads across ranks and replicates them once TP exceeds the head count;
        an MLA latent is replicated on every rank.
        """
        if self.latent:
            return 1
        return min(tensor_parallel, self.kv_heads)


@dataclass(frozen=True)
class ParameterCounts:
    """Parameters by role; the split decides what quantizes and what one token touches."""

    embedding: int
    lm_head: int  # 0 when tied to the embedding
    attention: int
    dense_ffn: int  # dense feed-forward layers and shared experts
    routed_experts: int  # every routed expert of every MoE layer
    active_routed_experts: int  # the routed experts one token passes through
    other: int  # norms, biases, routers, attention sinks

    @property
    def total(self) -> int:
        return self.embedding + self.lm_head + self.attention + self.dense_ffn + self.routed_experts + self.other

    @property
    def active(self) -> int:
        return self.total - self.routed_experts + self.active_routed_experts

    @property
    def active_excluding_input_embedding(self) -> int:
        """Active parameters minus the input-embedding table, of which a token reads one row.

        This is what decode streams from memory per token (a tied lm_head still counts), and the
        convention of the gpt-oss model card.
        """
        tied_head = self.embedding if self.lm_head == 0 else 0
        return self.active - self.embedding + tied_head

    @property
    def linear(self) -> int:
        """Parameters in projection matrices, what weight-only quantizers compress."""
        return self.attention + self.dense_ffn + self.routed_experts


@dataclass(frozen=True)
class ModelArchitecture:
    """The facts sizing needs about one model; produced by the parsers in this package."""

    params: ParameterCounts
    layers: int
    hidden_size: int
    attention_heads: int
    kv_heads: int
    head_dim: int
    vocab_size: int
    intermediate_size: int
    kv_groups: tuple[KvLayerGroup, ...]
    model_id: str | None = None
    family: str = "unknown"
    modality: Modality = "llm"
    experts: int = 0
    active_experts: int = 0
    moe_intermediate_size: int = 0
    moe_layers: int = 0
    kv_lora_rank: int | None = None
    qk_rope_head_dim: int | None = None
    max_context_tokens: int | None = None
    native_precision: str = "bf16"
    native_kv_cache_dtype: str | None = None
    recurrent_state_bytes_per_sequence: int = 0
    gated_ffn: bool = True  # SwiGLU-style MLP (gate, up, down); False for GPT-style two-matrix MLPs
    confidence: Confidence = "exact"
    notes: tuple[str, ...] = ()

    @property
    def total_params(self) -> int:
        return self.params.total

    @property
    def active_params(self) -> int:
        return self.params.active

    @property
    def params_billions(self) -> float:
        return self.params.total / 1e9

    @property
    def is_moe(self) -> bool:
        return self.experts > 0

    @property
    def uses_mla(self) -> bool:
        return any(group.latent for group in self.kv_groups)

    @property
    def has_kv_cache(self) -> bool:
        return bool(self.kv_groups)

    @property
    def ffn_width_per_token(self) -> int:
        """Feed-forward width one token activates (dense, or top-k experts), for activation sizing."""
        routed = self.active_experts * self.moe_intermediate_size
        return max(self.intermediate_size, routed)


# Shapes of an unknown LLM, fitted to current dense decoders (Llama 3, Qwen 3, Mistral): hidden
# size ≈ 128 × layers, 128-wide heads, 8 KV heads (GQA), SwiGLU width 3.5 × hidden, 128k vocab.
_ESTIMATE_HIDDEN_PER_LAYER = 128
_ESTIMATE_HEAD_DIM = 128
_ESTIMATE_KV_HEADS = 8
_ESTIMATE_FFN_RATIO = 3.5
_ESTIMATE_VOCAB = 128_000


def _estimated_layer_params(hidden: float) -> float:
    kv_width = _ESTIMATE_KV_HEADS * _ESTIMATE_HEAD_DIM
    attention = 2 * hidden * hidden + 2 * hidden * kv_width
    return attention + 3 * hidden * _ESTIMATE_FFN_RATIO * hidden


def _estimated_total(hidden: float) -> float:
    layers = hidden / _ESTIMATE_HIDDEN_PER_LAYER
    return layers * _estimated_layer_params(hidden) + 2 * _ESTIMATE_VOCAB * hidden


def _hidden_for_params(total_params: float) -> int:
    """Hidden size whose estimated decoder has about `total_params`.

    A multiple of 1,024 (8 heads of 128) once that large, as real decoders are, so that the
    estimated head count admits tensor-parallel degrees 2, 4 and 8.
    """
    low, high = 128.0, 65536.0
    for _ in range(40):
        mid = (low + high) / 2
        low, high = (mid, high) if _estimated_total(mid) < total_params else (low, mid)
    step = _ESTIMATE_HEAD_DIM * _ESTIMATE_KV_HEADS if low >= _ESTIMATE_HEAD_DIM * _ESTIMATE_KV_HEADS else _ESTIMATE_HEAD_DIM
    return max(_ESTIMATE_HEAD_DIM, round(low / step) * step)


def _estimated_llm(total: int, active: int, model_id: str | None, max_context: int | None) -> ModelArchitecture:
    # Layer count and width follow the active path: a MoE's experts widen it, not deepen it.
    hidden = _hidden_for_params(active)
    layers = max(1, round(hidden / _ESTIMATE_HIDDEN_PER_LAYER))
    heads = hidden // _ESTIMATE_HEAD_DIM
    kv_heads = min(_ESTIMATE_KV_HEADS, heads)
    embedding = min(_ESTIMATE_VOCAB * hidden, active // 4)
    body = active - 2 * embedding
    attention = round(body * 0.16)  # share of attention in the layer shape above
    params = ParameterCounts(embedding, embedding, attention, body - attention, total - active, 0, 0)
    group = KvLayerGroup(layers, kv_heads, _ESTIMATE_HEAD_DIM, _ESTIMATE_HEAD_DIM)
    note = (
        f"Architecture estimated from {total / 1e9:.1f}B parameters: {layers} layers, hidden {hidden}, "
        f"{kv_heads} KV heads × {_ESTIMATE_HEAD_DIM} (typical GQA decoder); KV cache is approximate."
    )
    return ModelArchitecture(
        params=params, layers=layers, hidden_size=hidden, attention_heads=heads, kv_heads=kv_heads,
        head_dim=_ESTIMATE_HEAD_DIM, vocab_size=_ESTIMATE_VOCAB, intermediate_size=int(_ESTIMATE_FFN_RATIO * hidden),
        kv_groups=(group,), model_id=model_id, family="estimated", max_context_tokens=max_context,
        confidence="estimated", notes=(note,),
    )


def architecture_from_params(
    params_billions: float,
    *,
    active_params_billions: float | None = None,
    modality: Modality = "llm",
    model_id: str | None = None,
    max_context_tokens: int | None = None,
) -> ModelArchitecture:
    """An estimated architecture when only the parameter count is known.

    LLMs get a typical GQA decoder shape (so KV cache can be estimated); vision, speech,
    diffusion and embedding models get no KV cache. Always `confidence="estimated"`.
    """
    if not params_billions > 0:
        raise ValueError("params_billions must be positive")
    total = round(params_billions * 1e9)
    active = min(total, round((active_params_billions or params_billions) * 1e9))
    if modality == "llm":
        return _estimated_llm(total, active, model_id, max_context_tokens)
    params = ParameterCounts(0, 0, 0, total, 0, 0, 0)
    note = f"{modality} model sized from its {params_billions:g}B parameters only; no KV cache."
    return ModelArchitecture(
        params=params, layers=0, hidden_size=0, attention_heads=0, kv_heads=0, head_dim=0, vocab_size=0,
        intermediate_size=0, kv_groups=(), model_id=model_id, family="estimated", modality=modality,
        confidence="estimated", notes=(note,),
    )
