"""Inference memory: weights, KV cache, runtime overhead, and what fits in vLLM's budget.

With a GPU, serving memory follows vLLM's own start-up accounting for the deployed version (`engine.py`: the CUDA
total as budget, the profile run's sampler and forward peak, non-torch memory per TP size, 16-token blocks, the
hybrid allocator's groups for sliding-window models). The constants below remain for training (`training.py`) and
for a memory figure asked without a GPU:

* non-torch memory (CUDA context, cuBLAS workspaces, lazily loaded kernels):
  max(0.5 GiB, 2.25 % of usable memory). vLLM's profiler reports 0.20–0.35 GiB on 24 GB
  RTX 3090s (vllm#10517, #14447) and 1.79 GiB on an 80 GB H100 (vllm#10511, 2.26 %); NVIDIA
  aiconfigurator measured 551 MB before adding its safety margin (systems/*.yaml `other_mem`).
* activation peak of vLLM's profiling run: max(MLP buffers of `PROFILE_BATCHED_TOKENS` tokens,
  fp32 logits of `PROFILE_MAX_SEQUENCES` sequences). Per token the MLP holds input + residual
  (2·hidden) and gate/up/act outputs (3·width) in bf16 — 116 KiB/token for Llama-3.1-8B against
  108.5 KiB/token measured in vllm#10517 (2.07 GiB over a 20k-token profile).
* NCCL buffers when tensor-parallel: 342 MiB at TP=2, 392 MiB at TP≥4 (aiconfigurator
  `nccl_mem`, same for every system it models).

CUDA graphs are captured after the KV cache is allocated and live in the (1 − utilization)
headroom, as in vLLM.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from . import engine
from .architecture import ModelArchitecture
from .engine import ProfileBatch
from .gpu import GpuSpec
from .precision import KvCacheDtype, Precision
from .units import GIB

DEFAULT_GPU_MEMORY_UTILIZATION = 0.90
NON_TORCH_MIN_BYTES = 0.5 * GIB
NON_TORCH_FRACTION_OF_USABLE = 0.0225
PROFILE_BATCHED_TOKENS = 2048  # vLLM V1 default max_num_batched_tokens for `vllm serve` below 70 GiB
PROFILE_MAX_SEQUENCES = 256  # vLLM default max_num_seqs on the same GPUs
ACTIVATION_BYTES = 2  # bf16/fp16 activations
LOGITS_BYTES = 4  # the sampler works on fp32 logits
NCCL_BYTES_TP2 = 358_612_992
NCCL_BYTES_TP4_PLUS = 411_041_792
# No KV cache and no profiling run to copy for vision/speech/diffusion models: assume the forward
# pass peaks at a quarter of the weights per concurrent sample (estimate, flagged as such).
NON_LLM_ACTIVATION_FRACTION = 0.25
UNLIMITED_CONTEXT_TOKENS = 10_000_000  # search bound when every layer is windowed


@dataclass(frozen=True)
class Parallelism:
    """How one model replica is split: tensor-parallel within a node, pipeline stages across."""

    tensor_parallel: int = 1
    pipeline_parallel: int = 1

    @property
    def gpus(self) -> int:
        return self.tensor_parallel * self.pipeline_parallel


SINGLE_GPU = Parallelism()


def quantized_param_count(arch: ModelArchitecture, precision: Precision) -> int:
    """Parameters stored at `precision`'s width; the rest stay at 16 bits."""
    params = arch.params
    if precision.scope == "all":
        return params.total
    if precision.scope == "experts":
        return params.routed_experts
    return params.linear


# Answers of the two functions a sizing calls most (a few hundred times per `size()`), by the identity of their
# (immutable) inputs; each entry keeps its inputs alive so an identity is never reused while it is stored.
_KEPT: dict[tuple, tuple[tuple, float]] = {}
_KEPT_MAX = 8192


def forget_kept() -> None:
    """Drop the kept per-model figures (benchmarks time a sizing from nothing)."""
    _KEPT.clear()
    _POOLS.clear()


def _kept(key: tuple, inputs: tuple) -> float | None:
    hit = _KEPT.get(key)  # equal inputs (identical, the common case, compare at once) give the same answer
    return hit[1] if hit is not None and hit[0] == inputs else None


def _keep(key: tuple, inputs: tuple, value: float) -> float:
    if len(_KEPT) >= _KEPT_MAX:
        _KEPT.clear()
    _KEPT[key] = (inputs, value)
    return value


def weight_bytes(arch: ModelArchitecture, precision: Precision) -> float:
    """Bytes of all weights at `precision` (quantizer scales included, unquantized parts at 16 bits)."""
    key = ("weights", id(arch), id(precision))
    if (known := _kept(key, (arch, precision))) is not None:
        return known
    quantized = quantized_param_count(arch, precision)
    return _keep(key, (arch, precision), quantized * precision.bytes_per_weight + (arch.params.total - quantized) * 2)


def kv_cache_bytes_per_token(arch: ModelArchitecture, kv_dtype: KvCacheDtype) -> float:
    """KV bytes one token adds across all layers, before any sliding-window cap.

    Standard/GQA: 2 × layers × kv_heads × head_dim × bytes; MLA: layers × (kv_lora_rank +
    qk_rope_head_dim) × bytes; groups the engine keeps in a fixed format (indexer keys) at their own size.
    """
    return sum(group.elements_per_token * (group.bytes_per_element or kv_dtype.bytes_per_element)
               for group in arch.kv_groups)


def kv_cache_bytes_per_sequence(
    arch: ModelArchitecture, kv_dtype: KvCacheDtype, context_tokens: int, parallelism: Parallelism = SINGLE_GPU,
    batch: ProfileBatch | None = None, stage_share: float | None = None,
) -> float:
    """KV (plus recurrent state) one sequence of `context_tokens` needs on each GPU of a replica — of the pipeline
    stage holding `stage_share` of the layers (default: an even split). With the engine's profile `batch`, as vLLM
    holds it: whole 16-token blocks, sliding-window layers holding the window plus a scheduling step, and the hybrid
    allocator's padding layers."""
    share = stage_share if stage_share is not None else 1 / parallelism.pipeline_parallel
    key = ("kv", id(arch), id(kv_dtype), context_tokens, parallelism.tensor_parallel, share, id(batch))
    if (known := _kept(key, (arch, kv_dtype, batch))) is not None:
        return known
    return _keep(key, (arch, kv_dtype, batch),
                 _kv_per_sequence(arch, kv_dtype, context_tokens, parallelism, batch) * share)


def _kv_per_sequence(arch: ModelArchitecture, kv_dtype: KvCacheDtype, context_tokens: int, parallelism: Parallelism,
                     batch: ProfileBatch | None) -> float:
    """The whole model's per-GPU KV of one sequence (before the pipeline split)."""
    per_gpu = 0.0
    for group in arch.kv_groups:
        shards = group.tensor_parallel_shards(parallelism.tensor_parallel)
        element = group.bytes_per_element or kv_dtype.bytes_per_element
        if batch is None:
            per_gpu += group.elements_per_token * group.cached_tokens(context_tokens) * element / shards
            continue
        tokens = (engine.window_tokens_held(group.window_tokens, context_tokens, batch) if group.window_tokens
                  else engine.blocks(context_tokens) * engine.BLOCK_TOKENS)
        per_gpu += group.elements_per_token * engine.padding(arch.kv_groups, group) * tokens * element / shards
    state = arch.recurrent_state_bytes_per_sequence / parallelism.tensor_parallel
    return per_gpu + state


_POOLS: dict[tuple, tuple[tuple, tuple[float, int]]] = {}


def _pool_block_bytes(arch: ModelArchitecture, kv_dtype: KvCacheDtype, parallelism: Parallelism,
                      stage_share: float | None = None) -> tuple[float, int]:
    """(bytes one block of the shared pool takes on each GPU of the stage holding `stage_share` of the layers, the
    number of KV cache groups). One kind of layer: a block spans every layer, one group. Hybrid: a block spans one
    group's layers."""
    share = stage_share if stage_share is not None else 1 / parallelism.pipeline_parallel
    key = (id(arch), id(kv_dtype), parallelism.tensor_parallel, share)
    hit = _POOLS.get(key)
    if hit is not None and hit[0] == (arch, kv_dtype):
        return hit[1]
    if len(_POOLS) >= _KEPT_MAX:
        _POOLS.clear()
    block, groups = _pool_block_bytes_of(arch, kv_dtype, parallelism)
    answer = (block * share, groups)
    _POOLS[key] = ((arch, kv_dtype), answer)
    return answer


def _pool_block_bytes_of(arch: ModelArchitecture, kv_dtype: KvCacheDtype, parallelism: Parallelism
                         ) -> tuple[float, int]:
    total = 0.0
    for group in arch.kv_groups:
        shards = group.tensor_parallel_shards(parallelism.tensor_parallel)
        element = group.bytes_per_element or kv_dtype.bytes_per_element
        total += group.elements_per_token * engine.padding(arch.kv_groups, group) * engine.BLOCK_TOKENS * element / shards
    groups = engine.allocator_groups(arch.kv_groups)
    return total / groups, groups


def non_torch_bytes(gpu: GpuSpec | None) -> float:
    if gpu is None:
        return NON_TORCH_MIN_BYTES
    return max(NON_TORCH_MIN_BYTES, NON_TORCH_FRACTION_OF_USABLE * gpu.usable_memory_gib * GIB)


def nccl_bytes(tensor_parallel: int) -> float:
    if tensor_parallel <= 1:
        return 0.0
    return NCCL_BYTES_TP2 if tensor_parallel == 2 else NCCL_BYTES_TP4_PLUS


def activation_peak_bytes(arch: ModelArchitecture, weights: float, concurrency: int, tensor_parallel: int,
                          batch: ProfileBatch | None = None,
                          version: engine.EngineVersion = engine.DEFAULT_ENGINE) -> float:
    """Peak of vLLM's profile run on one GPU: the forward's MLP buffers over the batched tokens, or the sampler's
    pass over the batch's requests (`engine.py`); without a `batch`, the small-GPU profile with one fp32 logits copy."""
    if not arch.has_kv_cache and arch.modality != "llm":
        return NON_LLM_ACTIVATION_FRACTION * weights * concurrency / tensor_parallel
    key = ("activation", id(arch), tensor_parallel, id(batch), id(version))
    if (known := _kept(key, (arch, batch, version))) is not None:
        return known
    return _keep(key, (arch, batch, version), _llm_activation_peak(arch, tensor_parallel, batch, version))


def _llm_activation_peak(arch: ModelArchitecture, tensor_parallel: int, batch: ProfileBatch | None,
                         version: engine.EngineVersion) -> float:
    mlp_width = arch.ffn_width_per_token / tensor_parallel
    tokens = batch.batched_tokens if batch else PROFILE_BATCHED_TOKENS
    mlp = tokens * (2 * arch.hidden_size + 3 * mlp_width) * ACTIVATION_BYTES
    if batch is None:
        return max(mlp, PROFILE_MAX_SEQUENCES * arch.vocab_size * LOGITS_BYTES)
    return max(mlp, engine.sampler_peak_bytes(arch.vocab_size, batch, version))


@dataclass(frozen=True)
class InferenceMemory:
    """Memory of one GPU of a serving replica, against vLLM's budget (all bytes, per GPU)."""

    parallelism: Parallelism
    weights_bytes: float
    kv_cache_bytes: float
    non_torch_bytes: float
    activation_bytes: float
    nccl_bytes: float
    budget_bytes: float
    batch: ProfileBatch = engine.SMALL_GPU_BATCH  # the profile run's batch on this GPU class
    engine_accounting: bool = False  # KV in vLLM's blocks and groups (a GPU was given)
    stage_share: float | None = None  # pipeline: the layers' share of the stage that limits the KV pool

    @property
    def overhead_bytes(self) -> float:
        return self.non_torch_bytes + self.activation_bytes + self.nccl_bytes

    @property
    def required_bytes(self) -> float:
        return self.weights_bytes + self.kv_cache_bytes + self.overhead_bytes

    @property
    def kv_budget_bytes(self) -> float:
        """What is left for KV cache after weights and overhead (negative: weights do not fit)."""
        return self.budget_bytes - self.weights_bytes - self.overhead_bytes

    @property
    def fits(self) -> bool:
        return self.required_bytes <= self.budget_bytes


@dataclass(frozen=True)
class ServingSetup:
    """What is being served: the model, how it is stored and the load it must hold."""

    arch: ModelArchitecture
    precision: Precision
    kv_dtype: KvCacheDtype
    context_tokens: int
    concurrency: int = 1
    gpu_memory_utilization: float = DEFAULT_GPU_MEMORY_UTILIZATION
    engine: engine.EngineVersion = engine.DEFAULT_ENGINE  # the vLLM version whose accounting applies

    def changed(self, **changes: object) -> ServingSetup:
        """This setup with `changes` (dataclasses.replace without its introspection: sizing calls it in loops)."""
        values = {"arch": self.arch, "precision": self.precision, "kv_dtype": self.kv_dtype,
                  "context_tokens": self.context_tokens, "concurrency": self.concurrency,
                  "gpu_memory_utilization": self.gpu_memory_utilization, "engine": self.engine, **changes}
        return ServingSetup(**values)  # type: ignore[arg-type]


def inference_memory(setup: ServingSetup, gpu: GpuSpec | None, parallelism: Parallelism = SINGLE_GPU) -> InferenceMemory:
    """Per-GPU memory of `setup` on `gpu` split by `parallelism`; budget 0 when no GPU is given.

    Weights are divided evenly across the replica's GPUs (replicated norms are negligible).
    """
    weights_total = weight_bytes(setup.arch, setup.precision)
    if gpu is None:  # a memory figure without a GPU: plain arithmetic, the small-GPU profile
        kv = setup.concurrency * kv_cache_bytes_per_sequence(setup.arch, setup.kv_dtype, setup.context_tokens,
                                                             parallelism)
        return InferenceMemory(
            parallelism=parallelism, weights_bytes=weights_total / parallelism.gpus, kv_cache_bytes=kv,
            non_torch_bytes=non_torch_bytes(None),
            activation_bytes=activation_peak_bytes(setup.arch, weights_total, setup.concurrency,
                                                   parallelism.tensor_parallel),
            nccl_bytes=nccl_bytes(parallelism.tensor_parallel), budget_bytes=0.0)
    batch = engine.profile_batch(gpu)
    budget = engine.cuda_total_bytes(gpu) * setup.gpu_memory_utilization
    non_torch = engine.non_torch_bytes(parallelism.tensor_parallel, setup.engine)
    activation = activation_peak_bytes(setup.arch, weights_total, setup.concurrency, parallelism.tensor_parallel, batch,
                                       setup.engine)
    weights, share = weights_total / parallelism.gpus, None
    if parallelism.pipeline_parallel > 1 and setup.arch.layers:
        weights, activation, share = _limiting_stage(setup, parallelism, weights_total, budget - non_torch, activation,
                                                     batch)
    kv = setup.concurrency * kv_cache_bytes_per_sequence(setup.arch, setup.kv_dtype, setup.context_tokens, parallelism,
                                                         batch, share)
    return InferenceMemory(
        parallelism=parallelism,
        weights_bytes=weights,
        kv_cache_bytes=kv,
        non_torch_bytes=non_torch,
        activation_bytes=activation,
        nccl_bytes=0.0,  # vLLM 0.11 measures after NCCL start-up: the first collectives' buffers are non-torch
        batch=batch, engine_accounting=True, stage_share=share,
        budget_bytes=budget,
    )


def _limiting_stage(setup: ServingSetup, parallelism: Parallelism, weights_total: float, room: float,
                    activation: float, batch: ProfileBatch) -> tuple[float, float, float]:
    """(weights per GPU, profile peak, layers' share) of the pipeline stage with the least KV room per layer — vLLM
    sizes every stage's pool to the smallest. The first stage holds the input embedding, the last the LM head (the
    embedding again when tied) and runs the sampler; the layers are split as vLLM splits them."""
    arch, tp = setup.arch, parallelism.tensor_parallel
    embedding_width = setup.precision.bytes_per_weight if setup.precision.scope == "all" else 2
    embedding = arch.params.embedding * embedding_width
    head = (arch.params.lm_head or arch.params.embedding) * embedding_width
    body = max(0.0, weights_total - embedding - (arch.params.lm_head * embedding_width))
    # stages before the last run the forward only: its MLP buffers over the batched tokens, no sampler
    mlp = batch.batched_tokens * (2 * arch.hidden_size + 3 * arch.ffn_width_per_token / tp) * ACTIVATION_BYTES
    counts = engine.stage_layers(arch.layers, parallelism.pipeline_parallel)
    best: tuple[float, float, float, float] | None = None
    for index, layers in enumerate(counts):
        last = index == len(counts) - 1
        weights = (body * layers / arch.layers + (embedding if index == 0 else 0) + (head if last else 0)) / tp
        peak = activation if last else mlp
        per_layer_room = (room - weights - peak) / max(layers, 1)
        if best is None or per_layer_room < best[0]:
            best = (per_layer_room, weights, peak, layers / arch.layers)
    assert best is not None
    return best[1], best[2], best[3]


def kv_cache_blocks(setup: ServingSetup, memory: InferenceMemory) -> tuple[int, int]:
    """(16-token blocks of the shared KV pool, KV cache groups) as vLLM allocates them from the KV budget."""
    block_bytes, groups = _pool_block_bytes(setup.arch, setup.kv_dtype, memory.parallelism, memory.stage_share)
    if memory.kv_budget_bytes <= 0 or block_bytes <= 0:
        return 0, max(groups, 1)
    return math.floor(memory.kv_budget_bytes / block_bytes), groups


def max_concurrency(setup: ServingSetup, memory: InferenceMemory) -> float:
    """vLLM's "Maximum concurrency for L tokens per request": pool blocks ÷ the blocks one such request holds."""
    per_sequence = kv_cache_bytes_per_sequence(setup.arch, setup.kv_dtype, setup.context_tokens, memory.parallelism,
                                               memory.batch if memory.engine_accounting else None, memory.stage_share)
    if memory.kv_budget_bytes <= 0:
        return 0.0
    if per_sequence <= 0:
        return float(setup.concurrency) if memory.fits else 0.0
    if not memory.engine_accounting or setup.arch.recurrent_state_bytes_per_sequence:
        return memory.kv_budget_bytes / per_sequence
    blocks, _ = kv_cache_blocks(setup, memory)
    block_bytes, _ = _pool_block_bytes(setup.arch, setup.kv_dtype, memory.parallelism, memory.stage_share)
    return blocks / (per_sequence / block_bytes)


def max_concurrent_sequences(setup: ServingSetup, memory: InferenceMemory) -> int:
    """How many sequences of `setup.context_tokens` the KV budget holds (vLLM's "maximum concurrency", whole)."""
    return math.floor(max_concurrency(setup, memory) + 1e-9)


def max_context_tokens(setup: ServingSetup, memory: InferenceMemory) -> int:
    """The KV cache's capacity in tokens as vLLM prints it ("GPU KV cache size: N tokens": pool blocks × 16; with
    the hybrid allocator, blocks ÷ groups × 16). Without a GPU: the longest context one sequence can have in the
    budget, capped at the model's own limit (found by bisection: sliding-window layers grow piecewise)."""
    if memory.engine_accounting and setup.arch.has_kv_cache and not setup.arch.recurrent_state_bytes_per_sequence:
        blocks, groups = kv_cache_blocks(setup, memory)
        return blocks // groups * engine.BLOCK_TOKENS
    limit = setup.arch.max_context_tokens or UNLIMITED_CONTEXT_TOKENS
    budget = memory.kv_budget_bytes

    def fits(tokens: int) -> bool:
        return kv_cache_bytes_per_sequence(setup.arch, setup.kv_dtype, tokens, memory.parallelism) <= budget

    if budget <= 0 or not fits(1):
        return 0
    if fits(limit):
        return limit
    low, high = 1, limit  # fits(low) and not fits(high)
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if fits(middle) else (low, middle)
    return low
