"""Serving throughput: decode bound by memory bandwidth, prefill bound by compute, and replicas.

Efficiency factors (stated assumptions):

* `DECODE_BANDWIDTH_EFFICIENCY` = 0.8 of datasheet bandwidth — NVIDIA aiconfigurator's
  `mem_bw_empirical_scaling_factor` for every GPU it models. llmfit's measured llama.cpp decode
  rates sit at 0.62–0.86 of the roofline (RTX 5090 / 3090 / 3080, Q4_K_M 8B models).
* `PREFILL_COMPUTE_EFFICIENCY` = 0.5 of dense tensor-core peak (MFU of large prefill GEMMs).

Decode of a batch reads every active weight once per step plus each sequence's KV cache; in a
MoE layer a batch of B tokens touches E·(1 − (1 − k/E)^B) distinct experts on average.
Tensor-parallel GPUs stream in parallel; all-reduce time is ignored. How many sequences a replica batches,
and how many replicas a load needs, is `serving.py`'s.
"""

from __future__ import annotations

from .architecture import ModelArchitecture
from .gpu import GpuSpec
from .inference import Parallelism, ServingSetup, kv_cache_bytes_per_sequence, weight_bytes
from .precision import Precision

DECODE_BANDWIDTH_EFFICIENCY = 0.8
PREFILL_COMPUTE_EFFICIENCY = 0.5


def expected_experts_touched(arch: ModelArchitecture, batch: int) -> float:
    """Average distinct routed experts a batch of `batch` tokens uses in one MoE layer (uniform routing)."""
    if not arch.is_moe:
        return 0.0
    miss = (1 - arch.active_experts / arch.experts) ** batch
    return arch.experts * (1 - miss)


def decode_weight_bytes_per_step(arch: ModelArchitecture, precision: Precision, batch: int) -> float:
    """Weight bytes one decode step streams from memory for a batch of `batch` sequences.

    Everything but the routed experts is read once (the input embedding only by row, so not at
    all); routed experts are read for the distinct experts the batch touches.
    """
    params = arch.params
    routed_bytes = params.routed_experts * precision.bytes_per_weight
    rest_bytes = weight_bytes(arch, precision) - routed_bytes
    if params.lm_head:  # untied: the input table is only indexed
        rest_bytes -= params.embedding * (precision.bytes_per_weight if precision.scope == "all" else 2)
    if not arch.is_moe:
        return rest_bytes
    touched = expected_experts_touched(arch, batch) / arch.experts
    return rest_bytes + routed_bytes * touched


def decode_tokens_per_second(setup: ServingSetup, gpu: GpuSpec, parallelism: Parallelism, batch: int) -> float:
    """Aggregate decode tokens/s of `batch` sequences at `setup.context_tokens` on one replica."""
    kv_per_gpu = kv_cache_bytes_per_sequence(setup.arch, setup.kv_dtype, setup.context_tokens, parallelism)
    step_bytes_per_gpu = decode_weight_bytes_per_step(setup.arch, setup.precision, batch) / parallelism.gpus
    step_bytes_per_gpu += batch * kv_per_gpu
    bandwidth = gpu.memory_bandwidth_gb_s * 1e9 * DECODE_BANDWIDTH_EFFICIENCY
    # Pipeline stages run one after another for a given token, so only TP adds bandwidth per step.
    step_seconds = step_bytes_per_gpu * parallelism.pipeline_parallel / bandwidth
    return batch / step_seconds if step_seconds > 0 else 0.0


def prefill_flops_per_token(arch: ModelArchitecture, context_tokens: int) -> float:
    """2 × active parameters, plus QKᵀ and AV over the average causal span (context / 2)."""
    attention = 0.0
    for group in arch.kv_groups:
        span = group.cached_tokens(context_tokens) / 2
        attention += 4 * group.layers * arch.attention_heads * arch.head_dim * span
    return 2 * arch.active_params + attention


def peak_tflops(gpu: GpuSpec, precision: Precision) -> float:
    """Dense tensor-core peak for the precision's matmuls (FP8 only where the GPU has it)."""
    if precision.uses_fp8_tensor_cores and gpu.fp8_tflops:
        return gpu.fp8_tflops
    return gpu.bf16_tflops


def prefill_tokens_per_second(setup: ServingSetup, gpu: GpuSpec, parallelism: Parallelism) -> float:
    """Prompt tokens/s one replica processes, compute-bound."""
    flops = prefill_flops_per_token(setup.arch, setup.context_tokens)
    compute = peak_tflops(gpu, setup.precision) * 1e12 * PREFILL_COMPUTE_EFFICIENCY * parallelism.tensor_parallel
    return compute / flops if flops else 0.0
