"""Human-readable notes that say how each figure was computed."""

from __future__ import annotations

from .architecture import KvLayerGroup, ModelArchitecture
from .inference import PROFILE_BATCHED_TOKENS, InferenceMemory
from .precision import KvCacheDtype, Precision
from .units import KIB, to_gib


def weights_note(arch: ModelArchitecture, precision: Precision, weights_bytes: float) -> str:
    scope = {
        "all": "all weights",
        "linear": "linear layers (embeddings and norms at 16 bits)",
        "experts": "routed experts only",
    }
    return (
        f"Weights: {arch.params.total / 1e9:.2f}B parameters ({arch.params.active / 1e9:.2f}B active) at "
        f"{precision.name} = {precision.bits_per_weight:g} bits per weight on {scope[precision.scope]} "
        f"→ {to_gib(weights_bytes):.2f} GiB."
    )


def _group_note(group: KvLayerGroup, kv_dtype: KvCacheDtype) -> str:
    size = f"{kv_dtype.bytes_per_element:g} B"
    if group.latent:
        shape = f"{group.layers} layers × {group.k_head_dim} latent (kv_lora_rank + rope dim, MLA) × {size}"
    else:
        same = group.k_head_dim == group.v_head_dim
        dims = f"{group.k_head_dim}" if same else f"({group.k_head_dim}+{group.v_head_dim})/2"
        shape = f"2 × {group.layers} layers × {group.kv_heads} KV heads × {dims} head dim × {size}"
    window = f", window {group.window_tokens:,} tokens" if group.window_tokens else ""
    return shape + window


def kv_note(
    arch: ModelArchitecture, kv_dtype: KvCacheDtype, per_token: float, context: int, concurrency: int, total: float
) -> str:
    if not arch.has_kv_cache:
        return "No KV cache (not an autoregressive attention model)."
    groups = "; ".join(_group_note(group, kv_dtype) for group in arch.kv_groups)
    state = ""
    if arch.recurrent_state_bytes_per_sequence:
        state = f" plus {arch.recurrent_state_bytes_per_sequence / 2**20:.1f} MiB recurrent state per sequence"
    return (
        f"KV cache ({kv_dtype.name}): {groups} = {per_token / KIB:g} KiB per token{state}; "
        f"{context:,} tokens × {concurrency} sequence(s) → {to_gib(total):.2f} GiB."
    )


def overhead_note(memory: InferenceMemory, gpu_key: str | None, utilization: float) -> str:
    profile = (f"vLLM's profile run: {memory.batch.batched_tokens:,} tokens, {memory.batch.requests:,} requests "
               "sampled" if memory.engine_accounting else f"{PROFILE_BATCHED_TOKENS:,}-token profile")
    parts = (
        f"non-torch {to_gib(memory.non_torch_bytes):.2f} GiB, activation peak {to_gib(memory.activation_bytes):.2f} GiB "
        f"({profile})"
    )
    if memory.nccl_bytes:
        parts += f", NCCL {to_gib(memory.nccl_bytes):.2f} GiB (TP={memory.parallelism.tensor_parallel})"
    budget = ""
    if gpu_key:
        total = "the CUDA total" if memory.engine_accounting else "usable"
        budget = f"; vLLM budget {to_gib(memory.budget_bytes):.2f} GiB per {gpu_key} ({total} × {utilization:.2f})"
    return f"Runtime overhead per GPU: {parts}{budget}."
