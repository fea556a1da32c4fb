"""Known cases: published or measured figures the sizing formulas must reproduce.

One row per case; the comment on each row says where the expected number comes from.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from stack8s_architect.sizing import (
    GpuSpec,
    Parallelism,
    ServingSetup,
    SizingRequest,
    TrainingSetup,
    architecture_from_params,
    decode_tokens_per_second,
    fit_training,
    inference_memory,
    kv_cache_bytes_per_sequence,
    kv_cache_bytes_per_token,
    kv_cache_dtype_named,
    max_context_tokens,
    model_states,
    monthly_cost_usd,
    precision_named,
    size,
    tensor_parallel_rejection,
    training_hours,
    transformer_training_flops,
    weight_bytes,
)
from stack8s_architect.sizing.units import GIB

from .known import (
    A6000,
    DEEPSEEK_V3,
    GEMMA_2_9B,
    GPT_OSS_20B,
    H100,
    L4,
    LLAMA_2_7B,
    LLAMA_3_1_8B,
    LLAMA_3_1_70B,
    LLAMA_65B,
    MISTRAL_7B_V01,
    MIXTRAL_8X7B,
    QWEN2_7B,
    RTX3090,
    architecture,
)

AUTO, FP8_KV = kv_cache_dtype_named("auto"), kv_cache_dtype_named("fp8")
BF16 = precision_named("bf16")
# RTX 3080: 10 GB GDDR6X, 760 GB/s, 59.5 dense FP16 tensor TFLOPS (NVIDIA Ampere GA102 whitepaper).
RTX3080 = GpuSpec("rtx-3080", 10, 10.0, 760, 59.5)
# Qwen/Qwen3-8B config.json.
QWEN3_8B = {
    "model_type": "qwen3", "hidden_size": 4096, "intermediate_size": 12288, "num_attention_heads": 32,
    "num_key_value_heads": 8, "head_dim": 128, "num_hidden_layers": 36, "vocab_size": 151936,
    "max_position_embeddings": 40960, "tie_word_embeddings": False,
}


def kv_per_token(config: dict, kv: str = "auto") -> float:
    return kv_cache_bytes_per_token(architecture(config), kv_cache_dtype_named(kv))


def kv_per_sequence(config: dict, tokens: int) -> float:
    return kv_cache_bytes_per_sequence(architecture(config), AUTO, tokens)


def weights(config: dict, precision: str = "bf16") -> float:
    return weight_bytes(architecture(config), precision_named(precision))


def llama_8b_on_one_l4(context: int) -> ServingSetup:
    return ServingSetup(architecture(LLAMA_3_1_8B), BF16, AUTO, context)


def l4_max_context() -> int:
    setup = llama_8b_on_one_l4(131_072)
    return max_context_tokens(setup, inference_memory(setup, L4))


def gpus_for(config: dict, gpu: GpuSpec, context: int = 4096) -> int:
    fit = size(SizingRequest(architecture(config), context_length_tokens=context, gpu=gpu)).fit
    assert fit is not None and fit.fits
    return fit.gpu_count


def qlora_65b(method: str = "qlora", gpu_count: int | None = None):
    # QLoRA paper setup: LoRA r=64 on all linear layers, micro-batch 1, 512-token sequences, checkpointing.
    setup = TrainingSetup(architecture(LLAMA_65B), method, sequence_tokens=512, lora_rank=64)
    return fit_training(setup, A6000, gpu_count=gpu_count)


def zero_states_per_gpu(params_billions: float, gpus: int) -> float:
    # ZeRO's accounting covers model states only (no activations), sharded evenly by stage 3.
    arch = architecture_from_params(params_billions)
    return model_states(TrainingSetup(arch, "full")).total_bytes / gpus


def vllm_h100_kv_budget_gib() -> float:
    # Llama-3.1-8B, max_model_len 16,000, on an H100 whose CUDA total vLLM 0.11 logs as 79.18 GiB.
    h100_as_logged = replace(H100, cuda_total_gib=79.18)
    setup = ServingSetup(architecture(LLAMA_3_1_8B), BF16, AUTO, 16_000)
    return inference_memory(setup, h100_as_logged).kv_budget_bytes / GIB


def decode_rate(config: dict, precision: str, gpu: GpuSpec) -> float:
    setup = ServingSetup(architecture(config), precision_named(precision), AUTO, 512)
    return decode_tokens_per_second(setup, gpu, Parallelism(), batch=1)


def llama2_7b_gpu_hours() -> float:
    flops = transformer_training_flops(architecture(LLAMA_2_7B).active_params, 2e12)
    return training_hours(flops, 1, 312, mfu=0.4)  # one A100-80GB, 312 dense BF16 TFLOPS


KNOWN_CASES = [
    # HF meta-llama/Llama-3.1-8B model.safetensors.index.json: total_size 16060522496 bytes (bf16).
    pytest.param(lambda: weights(LLAMA_3_1_8B), 16_060_522_496, 0, id="llama-3.1-8b-bf16-weight-bytes"),
    # Same file: 14.96 GiB, the figure vLLM logs as "model weights take 14.96GiB" (vllm#10511).
    pytest.param(lambda: weights(LLAMA_3_1_8B) / GIB, 14.96, 0.001, id="llama-3.1-8b-bf16-weights-gib"),
    # 2 (K,V) × 32 layers × 8 KV heads × 128 dims × 2 bytes = 128 KiB (config.json of Llama-3.1-8B).
    pytest.param(lambda: kv_per_token(LLAMA_3_1_8B), 131_072, 0, id="llama-3.1-8b-kv-per-token"),
    # 2 × 80 layers × 8 KV heads × 128 dims × 2 bytes = 320 KiB (config.json of Llama-3.1-70B).
    pytest.param(lambda: kv_per_token(LLAMA_3_1_70B), 327_680, 0, id="llama-3.1-70b-kv-per-token"),
    # HF Llama-3.1-70B safetensors total_size 141107412992 bytes / 2 = 70,553,706,496 parameters.
    pytest.param(lambda: architecture(LLAMA_3_1_70B).total_params, 70_553_706_496, 0, id="llama-3.1-70b-params"),
    # vLLM on one L4 refuses max_model_len 131072 for Llama-3.1-8B bf16 (KV alone is 16 GiB).
    pytest.param(lambda: inference_memory(llama_8b_on_one_l4(131_072), L4).fits, False, 0, id="llama-3.1-8b-l4-131k-does-not-fit"),
    # The same setup holds 27,792 tokens under vLLM 0.11's accounting: 0.9 × (22.49 − 0.63) GiB − 14.96 weights −
    # 1.19 profile peak (the sampler over 256 requests × 128,256 logits × 39 B) − 0.135 non-torch = 3.39 GiB =
    # 1,737 blocks of 16 tokens at 128 KiB per token.
    pytest.param(l4_max_context, 27_792, 0, id="llama-3.1-8b-l4-kv-cache-tokens"),
    # llm-d-benchmark, vLLM 0.11 on an H100 (79.18 GiB, util 0.90): Llama-3.1-8B "Available KV cache memory:
    # 51.38 GiB" (weights 14.99, torch peak 4.76, non-torch 0.13). (vllm#10511's 53.29 GiB was the V0 engine.)
    pytest.param(vllm_h100_kv_budget_gib, 51.38, 0.01, id="vllm-0.11-h100-kv-budget"),
    # Mistral AI, "Mixtral of experts" (2023-12-11): 46.7B total parameters.
    pytest.param(lambda: architecture(MIXTRAL_8X7B).total_params, 46.7e9, 0.01, id="mixtral-8x7b-total-params"),
    # Same post: "only uses 12.9B parameters per token".
    pytest.param(lambda: architecture(MIXTRAL_8X7B).active_params, 12.9e9, 0.01, id="mixtral-8x7b-active-params"),
    # Mixtral bf16 weights are 93.4 GB (safetensors); one 80 GB H100 cannot hold them, TP=2 can.
    pytest.param(lambda: gpus_for(MIXTRAL_8X7B, H100), 2, 0, id="mixtral-8x7b-bf16-needs-2-h100"),
    # DeepSeek-V2 paper §2.1.2: MLA caches (d_c + d_h^R)·l elements per token; V3: (512 + 64) × 61 × 2 bytes.
    pytest.param(lambda: kv_per_token(DEEPSEEK_V3), 70_272, 0, id="deepseek-v3-mla-kv-bf16"),
    # Same with an fp8 KV cache: one byte per element.
    pytest.param(lambda: kv_per_token(DEEPSEEK_V3, "fp8"), 35_136, 0, id="deepseek-v3-mla-kv-fp8"),
    # DeepSeek-V3 technical report (arXiv:2412.19437) abstract: 671B total parameters (MTP module excluded).
    pytest.param(lambda: architecture(DEEPSEEK_V3).total_params, 671e9, 0.01, id="deepseek-v3-total-params"),
    # OpenAI gpt-oss model card, Table 1: gpt-oss-20b has 20.91B total parameters.
    pytest.param(lambda: architecture(GPT_OSS_20B).total_params, 20.91e9, 0.01, id="gpt-oss-20b-total-params"),
    # gpt-oss-20b layer_types: 12 full layers × 131072 tokens + 12 sliding layers × 128 tokens, 24576 B/token each group.
    pytest.param(lambda: kv_per_sequence(GPT_OSS_20B, 131_072), 12 * 2048 * 131_072 + 12 * 2048 * 128, 0, id="gpt-oss-20b-sliding-window-kv"),
    # Mistral 7B paper (arXiv:2310.06825) §2: rolling buffer cache of W = 4096 tokens → 4096 × 128 KiB at 32k.
    pytest.param(lambda: kv_per_sequence(MISTRAL_7B_V01, 32_768), 4096 * 131_072, 0, id="mistral-7b-sliding-window-kv"),
    # HF google/gemma-2-9b: 9,241,705,984 parameters (safetensors metadata, "9.24B").
    pytest.param(lambda: architecture(GEMMA_2_9B).total_params, 9_241_705_984, 0, id="gemma-2-9b-params"),
    # Gemma 2 config: 21 global layers keep 8192 tokens, 21 local layers keep 4096; 8 × 256 × 2 × 2 bytes per layer-token.
    pytest.param(lambda: kv_per_sequence(GEMMA_2_9B, 8192), 21 * 8192 * 8192 + 21 * 8192 * 4096, 0, id="gemma-2-9b-hybrid-kv"),
    # HF Qwen/Qwen2-7B: 7.62B parameters (q/k/v biases included).
    pytest.param(lambda: architecture(QWEN2_7B).total_params, 7.62e9, 0.01, id="qwen2-7b-params"),
    # QLoRA paper (arXiv:2305.14314) abstract: "finetune a 65B parameter model on a single 48GB GPU".
    pytest.param(lambda: (qlora_65b().fits, qlora_65b().gpu_count), (True, 1), 0, id="qlora-65b-one-48gb-gpu"),
    # Same paper, §1: 16-bit finetuning of LLaMA 65B needs more than 780 GB; even bf16 LoRA overflows one 48 GB card.
    pytest.param(lambda: qlora_65b("lora", gpu_count=1).fits, False, 0, id="lora-bf16-65b-not-on-one-48gb-gpu"),
    # vLLM: TP must divide the attention heads; Llama-3.1-70B has 64, so TP=3 is rejected.
    pytest.param(lambda: tensor_parallel_rejection(architecture(LLAMA_3_1_70B), 3) is not None, True, 0, id="tp3-llama-70b-rejected"),
    # Mixtral: 32 attention heads, 8 KV heads; TP=6 divides neither.
    pytest.param(lambda: tensor_parallel_rejection(architecture(MIXTRAL_8X7B), 6) is not None, True, 0, id="tp6-mixtral-rejected"),
    # vLLM replicates KV heads when TP is a multiple of them: TP=16 over 8 KV heads is allowed.
    pytest.param(lambda: tensor_parallel_rejection(architecture(LLAMA_3_1_70B), 16), None, 0, id="tp16-llama-70b-kv-replicated"),
    # Llama 2 paper (arXiv:2307.09288) Table 2: Llama 2 7B took 184,320 A100-80GB GPU-hours for 2T tokens.
    pytest.param(llama2_7b_gpu_hours, 184_320, 0.03, id="llama-2-7b-6nd-gpu-hours"),
    # GPT-3 paper (arXiv:2005.14165) Table D.1: 175B parameters × 300B tokens = 3.14e23 training FLOPs.
    pytest.param(lambda: transformer_training_flops(175e9, 300e9), 3.14e23, 0.01, id="gpt-3-6nd-flops"),
    # ZeRO paper (arXiv:1910.02054) §3.1: 7.5B parameters with mixed-precision Adam = 16Ψ = 120 GB.
    pytest.param(lambda: zero_states_per_gpu(7.5, 1), 120e9, 0, id="zero-7.5b-model-states"),
    # ZeRO paper Figure 1: Pos+g+p over 64 GPUs leaves 1.9 GB per GPU.
    pytest.param(lambda: zero_states_per_gpu(7.5, 64), 1.9e9, 0.02, id="zero3-7.5b-64-gpus"),
    # janhq/model-catalog: Meta-Llama-3.1-8B-Instruct-Q8_0.gguf is 8.0 GB (GiB, one decimal).
    pytest.param(lambda: weights(LLAMA_3_1_8B, "Q8_0") / GIB, 8.0, 0.01, id="llama-3.1-8b-q8_0-gguf-size"),
    # Same catalog: Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf is 4.6 GB.
    pytest.param(lambda: weights(LLAMA_3_1_8B, "Q4_K_M") / GIB, 4.6, 0.015, id="llama-3.1-8b-q4_k_m-gguf-size"),
    # llmfit benchmark_cache.json: Qwen3-8B Q4_K_M, llama.cpp on RTX 3090, batch 1 → 133.01 tok/s decode.
    pytest.param(lambda: decode_rate(QWEN3_8B, "q4_k_m", RTX3090), 133.0, 0.25, id="qwen3-8b-q4km-3090-decode"),
    # Same file: Llama-3.1-8B-Instruct Q4_K_M, ollama on RTX 3080 → 134 tok/s decode.
    pytest.param(lambda: decode_rate(LLAMA_3_1_8B, "q4_k_m", RTX3080), 134.0, 0.25, id="llama-3.1-8b-q4km-3080-decode"),
    # DESIGN.md: monthly = hourly × 730.
    pytest.param(lambda: monthly_cost_usd(2.5), 1825.0, 0, id="monthly-cost-730-hours"),
]


@pytest.mark.parametrize(("measure", "expected", "rel_tolerance"), KNOWN_CASES)
def test_known_case(measure, expected, rel_tolerance) -> None:
    actual = measure()
    if rel_tolerance:
        assert actual == pytest.approx(expected, rel=rel_tolerance)
    else:
        assert actual == expected


def test_at_least_twenty_known_cases() -> None:
    assert len(KNOWN_CASES) >= 20
