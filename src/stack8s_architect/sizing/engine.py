"""vLLM's own memory accounting at start-up, for the version the plans deploy (`VLLM_VERSION`, the image of
`rendering/workload.py`), so a plan's KV capacity and concurrency are what that engine will print.

Each term, with where it comes from (code read in the vLLM 0.11.0 wheel, `vllm/v1/worker/gpu_worker.py`
`determine_available_memory`, `vllm/utils` `memory_profiling`, `vllm/v1/core/kv_cache_utils.py`; logs cited):

* **Budget** = `gpu_memory_utilization` × the device total as CUDA reports it (`torch.cuda.mem_get_info`), not
  nvidia-smi's figure: 79.19 GiB on an H100 80GB (nvidia-smi 79.65), 79.15 on an A100 80GB, 44.42 on an L40S
  (`GpuSpec.cuda_total_gib`; other GPUs: nvidia-smi's total less `CUDA_TOTAL_GAP_GIB`, the mean gap of those).
* **Available KV** = budget − weights − torch peak increase of the profile run − non-torch increase. CUDA graphs are
  captured after the KV cache exists and live in the (1 − utilization) headroom (subtracted only from 0.18/0.20).
* **Profile run** (`GPUModelRunner.profile_run`): one forward of `max_num_batched_tokens` tokens (attention
  skipped) over min(`max_num_seqs`, tokens) requests, then a dummy sampler pass over them. `vllm serve` defaults
  (`EngineArgs.get_batch_defaults`, 0.9–0.27): 8,192 tokens and 1,024 sequences on a GPU of ≥ 70 GiB that is not an
  A100, else 2,048 tokens and 256 sequences. The sampler's peak dominates for any vocabulary above ~50k: logits,
  their fp32 copy, the sort for top-k/top-p and its indices — measured as 9.6–9.9 fp32 copies of [requests ×
  vocabulary] on vLLM 0.11 (llm-d-benchmark, H100: Llama-3.1-8B 4.76 GiB, Qwen3-0.6B 5.56, Qwen3-32B 5.64,
  Llama-3.3-70B-FP8 at TP=2 4.84), so `SAMPLER_BYTES_PER_LOGIT` = 39 bytes. The forward's own peak (MLP buffers of
  the batched tokens) counts when larger (small vocabularies).
* **Non-torch increase**: 0.13–0.14 GiB at TP=1 and 0.54–0.55 GiB per GPU at TP≥2 (NCCL buffers allocated at the
  first collective) on vLLM 0.11 (same logs). From 0.11 the memory baseline is taken after NCCL initialisation, so
  the init-time buffers are outside the budget.
* **Blocks**: 16 tokens per block; a block of a layer holds K and V of its heads on this rank. Models mixing layer
  kinds (sliding-window and full attention: Gemma 2/3, gpt-oss) use the hybrid allocator: layers are grouped by
  kind into groups of the smallest kind's size (the larger kinds padded up to whole groups), one block pool is
  shared, and a request holds per sliding-window group min(window − 1 + `max_num_batched_tokens`, context) tokens
  plus one block — not the window alone. Gemma 3 27B: 52 sliding + 10 full layers → groups of 10, 8 padding
  layers (vLLM logs "Add 8 padding layers").
* **Printed figures**: "GPU KV cache size: N tokens" = blocks × 16 (hybrid: blocks // groups × 16); "Maximum
  concurrency for L tokens per request" = blocks ÷ the blocks one L-token request needs.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from .architecture import KvLayerGroup
from .gpu import GpuSpec
from .units import GIB

VLLM_VERSION = "0.11.0"
BLOCK_TOKENS = 16
LARGE_GPU_MIN_GIB = 70.0
SERVE_BATCHED_TOKENS_LARGE, SERVE_MAX_SEQS_LARGE = 8192, 1024
SERVE_BATCHED_TOKENS, SERVE_MAX_SEQS = 2048, 256
SAMPLER_BYTES_PER_LOGIT = 39.0
NON_TORCH_BYTES_TP1 = 0.135 * GIB
NON_TORCH_BYTES_TP = 0.545 * GIB
CUDA_TOTAL_GAP_GIB = 0.63  # nvidia-smi total − CUDA total: H100 0.46, A100-80GB 0.85, L40S 0.57 GiB


@dataclass(frozen=True)
class EngineVersion:
    """What differs between the vLLM versions modelled: the profile run's peak per sampled logit and the non-torch
    memory the profile adds (at TP=1, and per GPU with tensor parallelism)."""

    name: str
    sampler_bytes_per_logit: float
    non_torch_bytes_tp1: float
    non_torch_bytes_tp: float


# 0.11.0: the version the plans deploy (see the module docstring for the measurements).
VLLM_0_11 = EngineVersion("0.11", SAMPLER_BYTES_PER_LOGIT, NON_TORCH_BYTES_TP1, NON_TORCH_BYTES_TP)
# 0.19.0: activations and the sampler's buffers shrank in 0.17 (≈ 60 % less); NCCL's buffers count as non-torch
# again at TP ≥ 2. Fitted on the llm-d-planner accuracy sweep (19 H100 logs, vLLM 0.19.0, gmu 0.95): the
# "torch peak memory increase" is 14.8–15.6 bytes per sampled logit for dense models (Gemma 2, gpt-oss), more where
# an MoE forward or an encoder adds to it; non-torch 0.24–0.27 GiB at TP=1, 2.07–2.17 GiB per GPU at TP ≥ 2.
VLLM_0_19 = EngineVersion("0.19", 16.5, 0.255 * GIB, 2.1 * GIB)
ENGINE_VERSIONS = {engine.name: engine for engine in (VLLM_0_11, VLLM_0_19)}
DEFAULT_ENGINE = VLLM_0_11


@dataclass(frozen=True)
class ProfileBatch:
    """The dummy batch of vLLM's profile run on one GPU class."""

    batched_tokens: int
    max_seqs: int

    @property
    def requests(self) -> int:
        return min(self.max_seqs, self.batched_tokens)


SMALL_GPU_BATCH = ProfileBatch(SERVE_BATCHED_TOKENS, SERVE_MAX_SEQS)
LARGE_GPU_BATCH = ProfileBatch(SERVE_BATCHED_TOKENS_LARGE, SERVE_MAX_SEQS_LARGE)


def cuda_total_bytes(gpu: GpuSpec) -> float:
    """The device total vLLM budgets against (CUDA's, a little below nvidia-smi's)."""
    total = gpu.cuda_total_gib if gpu.cuda_total_gib is not None else gpu.usable_memory_gib - CUDA_TOTAL_GAP_GIB
    return total * GIB


def profile_batch(gpu: GpuSpec | None) -> ProfileBatch:
    """`vllm serve`'s default max_num_batched_tokens and max_num_seqs on `gpu`."""
    if gpu is None:
        return SMALL_GPU_BATCH
    return LARGE_GPU_BATCH if _is_large(gpu) else SMALL_GPU_BATCH


@functools.lru_cache(maxsize=256)
def _is_large(gpu: GpuSpec) -> bool:
    return cuda_total_bytes(gpu) >= LARGE_GPU_MIN_GIB * GIB and not gpu.key.upper().startswith("A100")


def sampler_peak_bytes(vocab_size: int, batch: ProfileBatch, engine: EngineVersion = DEFAULT_ENGINE) -> float:
    return engine.sampler_bytes_per_logit * batch.requests * vocab_size


def non_torch_bytes(tensor_parallel: int, engine: EngineVersion = DEFAULT_ENGINE) -> float:
    return engine.non_torch_bytes_tp1 if tensor_parallel <= 1 else engine.non_torch_bytes_tp


def layer_kinds(groups: Sequence[KvLayerGroup]) -> dict[int | None, int]:
    """Layers per kind of attention as the allocator sees them: full attention (None) or a sliding window. Full layers
    of different shapes (MLA latents and indexer keys, different head counts) are one kind: one uniform-type group."""
    kinds: dict[int | None, int] = {}
    for group in groups:
        kinds[group.window_tokens] = kinds.get(group.window_tokens, 0) + group.layers
    return kinds


def hybrid_group_size(groups: Sequence[KvLayerGroup]) -> int | None:
    """The hybrid allocator's group size (the smallest kind's layer count); None for one kind of layer."""
    kinds = layer_kinds(groups)
    return min(kinds.values()) if len(kinds) > 1 else None


def padding(groups: Sequence[KvLayerGroup], group: KvLayerGroup) -> float:
    """How many layer slots `group`'s layers take once their kind is rounded up to whole allocator groups (≥ 1)."""
    size = hybrid_group_size(groups)
    if size is None:
        return 1.0
    layers = layer_kinds(groups)[group.window_tokens]
    return math.ceil(layers / size) * size / layers


def allocator_groups(groups: Sequence[KvLayerGroup]) -> int:
    """KV cache groups sharing the block pool: one for a single kind of layer, else whole groups per kind."""
    size = hybrid_group_size(groups)
    return 1 if size is None else sum(math.ceil(layers / size) for layers in layer_kinds(groups).values())


def stage_layers(layers: int, pipeline_parallel: int) -> list[int]:
    """Decoder layers per pipeline stage as vLLM splits them (`get_pp_indices`): layers // stages each, the remainder
    one each to the stages before the last (−2, −3, …), never to the last, which also holds the LM head and sampler."""
    base, extra = divmod(layers, pipeline_parallel)
    counts = [base] * pipeline_parallel
    for index in range(extra):
        counts[pipeline_parallel - 2 - index] += 1
    return counts


def window_tokens_held(window: int, context_tokens: int, batch: ProfileBatch) -> int:
    """Tokens a request holds in a sliding-window layer: the window plus a scheduling step's tokens, and a block."""
    return blocks(min(window - 1 + batch.batched_tokens, context_tokens)) * BLOCK_TOKENS + BLOCK_TOKENS


def blocks(tokens: int) -> int:
    return -(-tokens // BLOCK_TOKENS)
