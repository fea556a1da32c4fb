"""Weights, KV cache, runtime overhead and the vLLM-style budget."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from stack8s_architect.sizing import (
    Parallelism,
    ServingSetup,
    architecture_from_params,
    inference_memory,
    kv_cache_bytes_per_sequence,
    kv_cache_dtype_named,
    max_concurrent_sequences,
    max_context_tokens,
    precision_named,
    weight_bytes,
)
from stack8s_architect.sizing.inference import (
    NCCL_BYTES_TP2,
    NCCL_BYTES_TP4_PLUS,
    NON_TORCH_MIN_BYTES,
    PROFILE_BATCHED_TOKENS,
    PROFILE_MAX_SEQUENCES,
    activation_peak_bytes,
    nccl_bytes,
    non_torch_bytes,
)
from stack8s_architect.sizing.engine import CUDA_TOTAL_GAP_GIB
from stack8s_architect.sizing.inference import max_concurrency
from stack8s_architect.sizing.units import GIB

from .known import DEEPSEEK_V3, GPT_OSS_20B, H100, L4, LLAMA_3_1_8B, LLAMA_3_1_70B, MISTRAL_7B_V01, architecture

AUTO = kv_cache_dtype_named("auto")
BF16 = precision_named("bf16")


def test_weight_only_quantization_keeps_embeddings_at_16_bits() -> None:
    params = architecture(LLAMA_3_1_8B).params
    fp8 = weight_bytes(architecture(LLAMA_3_1_8B), precision_named("fp8"))
    assert fp8 == params.linear * 1 + (params.total - params.linear) * 2


def test_gguf_quantizes_every_weight() -> None:
    arch = architecture(LLAMA_3_1_8B)
    assert weight_bytes(arch, precision_named("q8_0")) == pytest.approx(arch.total_params * 8.5 / 8)


def test_mxfp4_quantizes_only_experts() -> None:
    arch = architecture(GPT_OSS_20B)
    expected = arch.params.routed_experts * 4.25 / 8 + (arch.total_params - arch.params.routed_experts) * 2
    assert weight_bytes(arch, precision_named("mxfp4")) == pytest.approx(expected)
    # The published checkpoint is ~13 GB and "runs within 16 GB of memory" (gpt-oss model card).
    assert 12e9 < expected < 14.5e9


def test_kv_is_split_across_tensor_parallel_ranks_up_to_kv_heads() -> None:
    arch = architecture(LLAMA_3_1_70B)  # 8 KV heads
    one = kv_cache_bytes_per_sequence(arch, AUTO, 8192)
    assert kv_cache_bytes_per_sequence(arch, AUTO, 8192, Parallelism(4)) == one / 4
    assert kv_cache_bytes_per_sequence(arch, AUTO, 8192, Parallelism(8)) == one / 8
    assert kv_cache_bytes_per_sequence(arch, AUTO, 8192, Parallelism(8, 2)) == one / 16  # pipeline halves layers


def test_mla_cache_is_replicated_across_tensor_parallel_ranks() -> None:
    arch = architecture(DEEPSEEK_V3)
    one = kv_cache_bytes_per_sequence(arch, AUTO, 4096)
    assert kv_cache_bytes_per_sequence(arch, AUTO, 4096, Parallelism(8)) == one


def test_sliding_window_caps_cached_tokens() -> None:
    arch = architecture(MISTRAL_7B_V01)
    assert kv_cache_bytes_per_sequence(arch, AUTO, 2048) == 2048 * 131_072
    assert kv_cache_bytes_per_sequence(arch, AUTO, 100_000) == 4096 * 131_072


def test_fp8_kv_halves_the_cache() -> None:
    arch = architecture(LLAMA_3_1_8B)
    fp8 = kv_cache_dtype_named("fp8")
    assert kv_cache_bytes_per_sequence(arch, fp8, 1000) * 2 == kv_cache_bytes_per_sequence(arch, AUTO, 1000)


def test_non_torch_memory_has_a_floor_and_scales_with_the_gpu() -> None:
    assert non_torch_bytes(None) == NON_TORCH_MIN_BYTES
    assert non_torch_bytes(L4) == pytest.approx(0.0225 * L4.usable_memory_gib * GIB)
    # vllm-project/vllm#10511 measured 1.79 GiB of non-torch memory on an 80 GB H100.
    assert non_torch_bytes(H100) / GIB == pytest.approx(1.79, rel=0.01)


def test_nccl_buffers_only_when_tensor_parallel() -> None:
    assert nccl_bytes(1) == 0
    assert nccl_bytes(2) == NCCL_BYTES_TP2
    assert nccl_bytes(8) == NCCL_BYTES_TP4_PLUS


def test_activation_peak_is_mlp_or_logits_whichever_is_larger() -> None:
    arch = architecture(LLAMA_3_1_8B)
    mlp = PROFILE_BATCHED_TOKENS * (2 * 4096 + 3 * 14_336) * 2
    assert activation_peak_bytes(arch, 0, 1, 1) == max(mlp, PROFILE_MAX_SEQUENCES * 128_256 * 4)
    assert activation_peak_bytes(arch, 0, 1, 4) < activation_peak_bytes(arch, 0, 1, 1)


def test_budget_is_the_cuda_total_times_utilization() -> None:
    setup = ServingSetup(architecture(LLAMA_3_1_8B), BF16, AUTO, 4096)
    memory = inference_memory(setup, L4)  # no CUDA total measured for this L4: nvidia-smi's less the usual gap
    assert memory.budget_bytes == pytest.approx((23034 / 1024 - CUDA_TOTAL_GAP_GIB) * 2**30 * 0.90)
    measured = inference_memory(setup, replace(L4, cuda_total_gib=22.03))
    assert measured.budget_bytes == pytest.approx(22.03 * 2**30 * 0.90)
    assert memory.required_bytes == memory.weights_bytes + memory.kv_cache_bytes + memory.overhead_bytes
    assert memory.fits
    lower = inference_memory(replace(setup, gpu_memory_utilization=0.5), L4)
    assert not lower.fits


def test_max_concurrent_sequences_divides_the_kv_budget() -> None:
    setup = ServingSetup(architecture(LLAMA_3_1_8B), BF16, AUTO, 4096)
    memory = inference_memory(setup, L4)
    per_sequence = 4096 * 131_072
    assert max_concurrent_sequences(setup, memory) == int(memory.kv_budget_bytes // per_sequence)


def test_max_context_is_exact_at_the_budget_edge() -> None:
    setup = ServingSetup(architecture(LLAMA_3_1_8B), BF16, AUTO, 131_072)
    memory = inference_memory(setup, L4)
    tokens = max_context_tokens(setup, memory)
    assert tokens * 131_072 <= memory.kv_budget_bytes < (tokens + 1) * 131_072


def test_an_all_window_model_prints_its_pool_and_a_request_holds_window_plus_a_step() -> None:
    setup = ServingSetup(architecture(MISTRAL_7B_V01), BF16, AUTO, 32_768)
    memory = inference_memory(setup, H100)
    per_block = 32 * 8 * 128 * 2 * 2 * 16  # every layer's K and V of 16 tokens
    blocks = int(memory.kv_budget_bytes // per_block)
    assert max_context_tokens(setup, memory) == blocks * 16  # vLLM prints the pool, not the position limit
    # a 32k request holds min(4,096 − 1 + 8,192, 32,768) tokens in whole blocks, plus one block
    assert max_concurrency(setup, memory) == pytest.approx(blocks / (math.ceil(12_287 / 16) + 1))


def test_nothing_fits_when_weights_exceed_the_budget() -> None:
    setup = ServingSetup(architecture(LLAMA_3_1_70B), BF16, AUTO, 4096)
    memory = inference_memory(setup, L4)
    assert memory.kv_budget_bytes < 0
    assert max_concurrent_sequences(setup, memory) == 0
    assert max_context_tokens(setup, memory) == 0


def test_models_without_kv_cache_scale_activation_with_batch() -> None:
    arch = architecture_from_params(2.6, modality="image_generation")
    setup = ServingSetup(arch, BF16, AUTO, 1, concurrency=4)
    memory = inference_memory(setup, L4)
    assert memory.kv_cache_bytes == 0
    assert memory.activation_bytes == pytest.approx(0.25 * 2.6e9 * 2 * 4)
    assert max_concurrent_sequences(setup, memory) == 4


def test_the_hybrid_allocator_pads_sliding_groups_and_holds_window_plus_a_step() -> None:
    """Gemma 3 27B (52 sliding-window layers of 1,024 tokens, 10 full; 16 KV heads × 128) with 40 GiB for KV on an
    H100 serving 8,192-token steps, as vLLM 0.11 lays it out: groups of 10 layers (the 52 padded to 60: 6 groups,
    7 in all), a 16-token block of one group = 10 × 16 × 16 × 128 × 2 × 2 B = 1.25 MiB → 32,768 blocks; printed
    "GPU KV cache size" = 32,768 // 7 × 16 = 74,896 tokens. A 131,072-token request holds 8,192 blocks in the full
    group and ⌈min(1,023 + 8,192, 131,072) / 16⌉ + 1 = 577 in each sliding group: 32,768 / 11,654 = 2.81×."""
    from stack8s_architect.sizing import architecture_from_hf_config
    from stack8s_architect.sizing.engine import ProfileBatch
    from stack8s_architect.sizing.inference import InferenceMemory, kv_cache_blocks

    config = {"model_type": "gemma3_text", "hidden_size": 5376, "intermediate_size": 21504, "num_attention_heads": 32,
              "num_key_value_heads": 16, "head_dim": 128, "num_hidden_layers": 62, "vocab_size": 262208,
              "sliding_window": 1024, "max_position_embeddings": 131072, "tie_word_embeddings": True,
              "layer_types": ["full_attention" if (i + 1) % 6 == 0 else "sliding_attention" for i in range(62)]}
    setup = ServingSetup(architecture_from_hf_config(config, model_id="gemma-3-27b"), BF16, AUTO, 131_072)
    memory = InferenceMemory(Parallelism(), 0.0, 0.0, 0.0, 0.0, 0.0, 40 * GIB, batch=ProfileBatch(8192, 1024),
                             engine_accounting=True)
    assert kv_cache_blocks(setup, memory) == (32_768, 7)
    assert max_context_tokens(setup, memory) == 74_896
    assert max_concurrency(setup, memory) == pytest.approx(32_768 / (8_192 + 6 * 577))


def test_pipeline_stages_split_layers_as_vllm_and_the_head_stage_limits_the_pool() -> None:
    """vLLM puts layers // stages on each stage and the remainder on the stages before the last; the first stage also
    holds the input embedding, the last the LM head and the sampler — the pool is sized to the tighter stage."""
    from stack8s_architect.sizing.engine import stage_layers

    assert stage_layers(62, 4) == [15, 16, 16, 15] and stage_layers(10, 3) == [3, 4, 3] and stage_layers(80, 2) == [40, 40]
    setup = ServingSetup(architecture(LLAMA_3_1_70B), BF16, AUTO, 8192)
    arch = setup.arch
    two_stages = inference_memory(setup, H100, Parallelism(4, 2))
    head, body = arch.params.lm_head * 2, arch.params.total * 2 - 2 * arch.params.embedding * 2
    assert two_stages.stage_share == 0.5
    assert two_stages.weights_bytes == pytest.approx((body / 2 + head) / 4)  # the last stage's GPUs
    # untied 70B: the embedding (first stage) and the head (last) weigh the same; the last also runs the sampler
    # (1,024 requests × 128,256 × 39 B), so it is the stage that limits the pool
    assert two_stages.activation_bytes == pytest.approx(39 * 1024 * 128_256)
    assert stage_layers(80, 3) == [27, 27, 26]  # the last stage never takes a remainder layer
    uneven = inference_memory(setup, H100, Parallelism(4, 3))
    assert uneven.stage_share == pytest.approx(26 / 80)  # yet it limits: the head and the sampler's peak
