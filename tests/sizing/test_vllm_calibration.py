"""The serving memory model against published vLLM start-up logs of the version the plans deploy (0.11).

Each row: what was served and how (model config fields from its public config.json, precision, GPU with the CUDA
total the log shows, tensor parallelism, gpu_memory_utilization, max_model_len), what vLLM logged ("Available KV
cache memory", and where printed "GPU KV cache size" and "Maximum concurrency"), and where it was published. The
test prints every row's error and fails above the issue's targets: KV pool mean absolute error ≤ 3 %, no row worse
than 10 %, concurrency mean absolute error ≤ 5 %.

Two versions are modelled (`sizing/engine.py`): 0.11, which the plans deploy — the four H100 rows of
llm-d-benchmark fitted its sampler's 39 bytes per logit; the L40S row (another GPU class: 256 profile requests,
another model, online fp8) was not used to fit anything — and 0.19, whose llm-d-planner sweep (H100, gmu 0.95,
8,192-token context, prefix caching off) covers MoE (Qwen3-30B-A3B, Qwen1.5-MoE, Mixtral), MLA (DeepSeek-V2-Lite),
sliding-window/hybrid allocator (Gemma 2, gpt-oss with attention sinks and mxfp4 experts) at TP 1/2/4. Two vLLM
0.10.2 runs on L40S (Qwen3 MoE in FP8 at TP=2 and TP=8 with expert parallelism) are sized with 0.11's accounting.
Multimodal checkpoints (Gemma 3 with SigLIP, Mistral Small 3.1 with Pixtral) count their vision tower and projector
(`sizing/encoders.py`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from stack8s_architect.sizing import GpuSpec, architecture_from_hf_config, kv_cache_dtype_named, precision_named
from stack8s_architect.sizing.engine import VLLM_0_11, VLLM_0_19, EngineVersion
from stack8s_architect.sizing.inference import (
    Parallelism,
    ServingSetup,
    inference_memory,
    max_concurrency,
    max_context_tokens,
)
from stack8s_architect.sizing.units import GIB

LLM_D = ("https://github.com/llm-d/llm-d-benchmark/blob/4f4d44943c39b76b28e30dfa1fb0dfaf1ee894b5/"
         "config_explorer/empirical-vllm-memory-results.md")
IBM = ("https://github.com/IBM/CodeEngine/blob/a12f76336cd7de59df1d9702033e17c8156d3d26/"
       "serverless-fleets/tutorials/inferencing/README.md")
# raw logs at the commit that added them (removed two days later); parsed values in runs/*.json
PLANNER_LOGS = ("https://github.com/llm-d-incubation/llm-d-planner/blob/d3121e059da88662db39a926a3ead964be97359b/"
                "accuracy/results/v0.19.0/logs/")
PLANNER_RUNS = ("https://github.com/llm-d-incubation/llm-d-planner/blob/cb666596283a96db2b66e72c79f773add871020f/"
                "accuracy/results/v0.19.0/runs/")

LLAMA_3_1_8B = {"model_type": "llama", "hidden_size": 4096, "intermediate_size": 14336, "num_attention_heads": 32,
                "num_hidden_layers": 32, "num_key_value_heads": 8, "vocab_size": 128256,
                "max_position_embeddings": 131072, "tie_word_embeddings": False, "torch_dtype": "bfloat16"}
LLAMA_3_3_70B = LLAMA_3_1_8B | {"hidden_size": 8192, "intermediate_size": 28672, "num_attention_heads": 64,
                                "num_hidden_layers": 80}
QWEN3 = {"model_type": "qwen3", "num_key_value_heads": 8, "head_dim": 128, "vocab_size": 151936,
         "max_position_embeddings": 40960, "torch_dtype": "bfloat16"}
QWEN3_0_6B = QWEN3 | {"hidden_size": 1024, "intermediate_size": 3072, "num_attention_heads": 16,
                      "num_hidden_layers": 28, "tie_word_embeddings": True}
QWEN3_32B = QWEN3 | {"hidden_size": 5120, "intermediate_size": 25600, "num_attention_heads": 64,
                     "num_hidden_layers": 64, "tie_word_embeddings": False}
GRANITE_4_MICRO = {"model_type": "llama", "hidden_size": 2560, "intermediate_size": 8192, "num_attention_heads": 40,
                   "num_key_value_heads": 8, "head_dim": 64, "num_hidden_layers": 40, "vocab_size": 100352,
                   "max_position_embeddings": 131072, "tie_word_embeddings": True, "torch_dtype": "bfloat16"}

QWEN3_30B_A3B = {"model_type": "qwen3_moe", "hidden_size": 2048, "num_hidden_layers": 48, "num_attention_heads": 32,
                 "num_key_value_heads": 4, "head_dim": 128, "intermediate_size": 6144, "moe_intermediate_size": 768,
                 "num_experts": 128, "num_experts_per_tok": 8, "decoder_sparse_step": 1, "mlp_only_layers": [],
                 "vocab_size": 151936, "tie_word_embeddings": False, "max_position_embeddings": 40960}
QWEN1_5_MOE = {"model_type": "qwen2_moe", "hidden_size": 2048, "num_hidden_layers": 24, "num_attention_heads": 16,
               "num_key_value_heads": 16, "intermediate_size": 5632, "moe_intermediate_size": 1408,
               "shared_expert_intermediate_size": 5632, "num_experts": 60, "num_experts_per_tok": 4,
               "decoder_sparse_step": 1, "vocab_size": 151936, "tie_word_embeddings": False,
               "max_position_embeddings": 8192}
MIXTRAL_8X7B = {"model_type": "mixtral", "hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32,
                "num_key_value_heads": 8, "intermediate_size": 14336, "num_local_experts": 8, "num_experts_per_tok": 2,
                "vocab_size": 32000, "tie_word_embeddings": False, "max_position_embeddings": 32768}
DEEPSEEK_V2_LITE = {"model_type": "deepseek_v2", "hidden_size": 2048, "num_hidden_layers": 27, "num_attention_heads": 16,
                    "num_key_value_heads": 16, "kv_lora_rank": 512, "q_lora_rank": None, "qk_rope_head_dim": 64,
                    "qk_nope_head_dim": 128, "v_head_dim": 128, "intermediate_size": 10944,
                    "moe_intermediate_size": 1408, "n_routed_experts": 64, "n_shared_experts": 2,
                    "num_experts_per_tok": 6, "first_k_dense_replace": 1, "moe_layer_freq": 1, "vocab_size": 102400,
                    "tie_word_embeddings": False, "max_position_embeddings": 163840}
GEMMA2 = {"model_type": "gemma2", "vocab_size": 256000, "sliding_window": 4096, "tie_word_embeddings": True,
          "max_position_embeddings": 8192, "torch_dtype": "bfloat16"}
GEMMA2_2B = GEMMA2 | {"hidden_size": 2304, "num_hidden_layers": 26, "num_attention_heads": 8, "num_key_value_heads": 4,
                      "head_dim": 256, "intermediate_size": 9216}
GEMMA2_9B = GEMMA2 | {"hidden_size": 3584, "num_hidden_layers": 42, "num_attention_heads": 16, "num_key_value_heads": 8,
                      "head_dim": 256, "intermediate_size": 14336}
GEMMA2_27B = GEMMA2 | {"hidden_size": 4608, "num_hidden_layers": 46, "num_attention_heads": 32,
                       "num_key_value_heads": 16, "head_dim": 128, "intermediate_size": 36864}
GPT_OSS_20B = {"model_type": "gpt_oss", "hidden_size": 2880, "num_hidden_layers": 24, "num_attention_heads": 64,
               "num_key_value_heads": 8, "head_dim": 64, "intermediate_size": 2880, "num_local_experts": 32,
               "num_experts_per_tok": 4, "vocab_size": 201088, "sliding_window": 128,
               "layer_types": ["sliding_attention" if i % 2 == 0 else "full_attention" for i in range(24)],
               "tie_word_embeddings": False, "max_position_embeddings": 131072}

SIGLIP_896 = {"model_type": "siglip_vision_model", "hidden_size": 1152, "intermediate_size": 4304,
              "num_hidden_layers": 27, "num_attention_heads": 16, "patch_size": 14, "image_size": 896, "num_channels": 3}


def _gemma3(hidden: int, layers: int, heads: int, kv_heads: int, head_dim: int, width: int) -> dict:
    return {"model_type": "gemma3", "vision_config": SIGLIP_896, "text_config": {
        "model_type": "gemma3_text", "hidden_size": hidden, "num_hidden_layers": layers, "num_attention_heads": heads,
        "num_key_value_heads": kv_heads, "head_dim": head_dim, "intermediate_size": width, "vocab_size": 262208,
        "sliding_window": 1024, "max_position_embeddings": 131072, "tie_word_embeddings": True,
        "layer_types": ["full_attention" if (i + 1) % 6 == 0 else "sliding_attention" for i in range(layers)]}}


GEMMA3_4B, GEMMA3_12B = _gemma3(2560, 34, 8, 4, 256, 10240), _gemma3(3840, 48, 16, 8, 256, 15360)
GEMMA3_27B = _gemma3(5376, 62, 32, 16, 128, 21504)
MISTRAL_SMALL_3_1 = {
    "model_type": "mistral3", "spatial_merge_size": 2,
    "vision_config": {"model_type": "pixtral", "hidden_size": 1024, "intermediate_size": 4096, "num_hidden_layers": 24,
                      "num_attention_heads": 16, "patch_size": 14, "image_size": 1540, "num_channels": 3},
    "text_config": {"model_type": "mistral", "hidden_size": 5120, "num_hidden_layers": 40, "num_attention_heads": 32,
                    "num_key_value_heads": 8, "head_dim": 128, "intermediate_size": 32768, "vocab_size": 131072,
                    "max_position_embeddings": 131072, "tie_word_embeddings": False}}

GRANITE_VISION_3_3_2B = {
    "model_type": "llava_next",
    "vision_config": {"model_type": "siglip_vision_model", "hidden_size": 1152, "intermediate_size": 4304,
                      "num_hidden_layers": 27, "num_attention_heads": 16, "patch_size": 14, "image_size": 384,
                      "num_channels": 3},
    "text_config": {"model_type": "granite", "hidden_size": 2048, "num_hidden_layers": 40, "num_attention_heads": 32,
                    "num_key_value_heads": 8, "intermediate_size": 8192, "vocab_size": 49156,
                    "max_position_embeddings": 131072, "tie_word_embeddings": True}}

H100_AS_LOGGED = GpuSpec("H100-SXM", 80, 81559 / 1024, 3350, 989.5, 1979, "nvlink", 900, cuda_total_gib=79.18)
L40S_AS_LOGGED = GpuSpec("L40S", 48, 46068 / 1024, 864, 362.05, 733, cuda_total_gib=44.42)


@dataclass(frozen=True)
class Logged:
    name: str
    config: dict
    precision: str
    gpu: GpuSpec
    tensor_parallel: int
    utilization: float
    max_model_len: int
    kv_gib: float  # "Available KV cache memory"
    source: str
    kv_tokens: int | None = None  # "GPU KV cache size: N tokens"
    concurrency: float | None = None  # "Maximum concurrency for max_model_len tokens per request"
    engine: EngineVersion = VLLM_0_11


ROWS = [
    Logged("Llama-3.1-8B-Instruct, H100, TP=1", LLAMA_3_1_8B, "bf16", H100_AS_LOGGED, 1, 0.90, 16_000, 51.38, LLM_D),
    Logged("Llama-3.3-70B-Instruct-FP8-dynamic, 2 × H100, TP=2", LLAMA_3_3_70B, "fp8", H100_AS_LOGGED, 2, 0.90,
           16_000, 32.0, LLM_D),
    Logged("Qwen3-0.6B, H100, 16k", QWEN3_0_6B, "bf16", H100_AS_LOGGED, 1, 0.90, 16_000, 64.45, LLM_D),
    Logged("Qwen3-0.6B, H100, 32k", QWEN3_0_6B, "bf16", H100_AS_LOGGED, 1, 0.90, 32_000, 64.45, LLM_D),
    Logged("Qwen3-32B, H100, TP=1", QWEN3_32B, "bf16", H100_AS_LOGGED, 1, 0.90, 16_000, 4.45, LLM_D),
    Logged("Qwen3-32B, 2 × H100, TP=2", QWEN3_32B, "bf16", H100_AS_LOGGED, 2, 0.90, 16_000, 34.49, LLM_D),
    Logged("granite-4.0-micro (online fp8), L40S, 131k", GRANITE_4_MICRO, "fp8", L40S_AS_LOGGED, 1, 0.90, 131_072,
           35.34, IBM, kv_tokens=463_136, concurrency=3.53),
]
H100_0_19 = GpuSpec("H100-SXM", 80, 81559 / 1024, 3350, 989.5, 1979, "nvlink", 900, cuda_total_gib=79.19)


def _sweep(name: str, config: dict, precision: str, tp: int, kv: float, tokens: int, concurrency: float, log: str,
           utilization: float = 0.95) -> Logged:
    # rows whose raw log was not committed: the parsed run files of the same sweep (a directory)
    source = PLANNER_RUNS if log.endswith("-json") else PLANNER_LOGS + log + ".log"
    return Logged(name, config, precision, H100_0_19, tp, utilization, 8192, kv, source, tokens, concurrency,
                  VLLM_0_19)


ROWS += [
    _sweep("Qwen3-30B-A3B, H100, TP=1 (v0.19)", QWEN3_30B_A3B, "bf16", 1, 15.41, 168_288, 20.54,
           "qwen-qwen3-30b-a3b--h100-80gb--tp1pp1dp1--8192"),
    _sweep("Qwen3-30B-A3B, 4 × H100, TP=4 (v0.19)", QWEN3_30B_A3B, "bf16", 4, 56.17, 2_454_064, 299.57,
           "qwen-qwen3-30b-a3b--h100-80gb--tp4pp1dp1--8192-json"),
    _sweep("Qwen1.5-MoE-A2.7B, H100 (v0.19)", QWEN1_5_MOE, "bf16", 1, 45.83, 250_304, 30.55,
           "qwen-qwen1-5-moe-a2-7b--h100-80gb--tp1pp1dp1--8192"),
    _sweep("Mixtral-8x7B-Instruct, 2 × H100, TP=2 (v0.19)", MIXTRAL_8X7B, "bf16", 2, 28.44, 465_936, 56.88,
           "mistralai-mixtral-8x7b-i--h100-80gb--tp2pp1dp1--8192"),
    _sweep("Mixtral-8x7B-Instruct, 4 × H100, TP=4 (v0.19)", MIXTRAL_8X7B, "bf16", 4, 50.43, 1_652_432, 201.71,
           "mistralai-mixtral-8x7b-i--h100-80gb--tp4pp1dp1--8192-json"),
    _sweep("gpt-oss-20b (mxfp4), H100, TP=1 (v0.19)", GPT_OSS_20B, "mxfp4", 1, 58.47, 1_277_184, 155.75,
           "openai-gpt-oss-20b--h100-80gb--tp1pp1dp1--8192.FAILED"),
    _sweep("gpt-oss-20b (mxfp4), 2 × H100, TP=2, gmu 0.90 (v0.19)", GPT_OSS_20B, "mxfp4", 2, 59.32, 2_591_776, 316.07,
           "openai-gpt-oss-20b--h100-80gb--tp2pp1dp1--8192", utilization=0.90),
    _sweep("gpt-oss-20b (mxfp4), 4 × H100, TP=4 (v0.19)", GPT_OSS_20B, "mxfp4", 4, 66.57, 5_817_056, 709.4,
           "openai-gpt-oss-20b--h100-80gb--tp4pp1dp1--8192-json"),
    _sweep("DeepSeek-V2-Lite-Chat (MLA), H100 (v0.19)", DEEPSEEK_V2_LITE, "bf16", 1, 43.61, 1_505_552, 183.78,
           "deepseek-ai-deepseek-v2---h100-80gb--tp1pp1dp1--8192"),
    _sweep("DeepSeek-V2-Lite-Chat (MLA), 2 × H100, TP=2 (v0.19)", DEEPSEEK_V2_LITE, "bf16", 2, 56.45, 1_948_752, 237.88,
           "deepseek-ai-deepseek-v2-lite-chat--h100-80gb--tp2pp1dp1--8192-json"),
    _sweep("DeepSeek-V2-Lite-Chat (MLA), 4 × H100, TP=4 (v0.19)", DEEPSEEK_V2_LITE, "bf16", 4, 63.73, 2_199_888, 268.54,
           "deepseek-ai-deepseek-v2-lite-chat--h100-80gb--tp4pp1dp1--8192-json"),
    _sweep("gemma-2-2b-it (sliding window), H100 (v0.19)", GEMMA2_2B, "bf16", 1, 66.47, 670_160, 81.73,
           "google-gemma-2-2b-it--h100-80gb--tp1pp1dp1--8192"),
    _sweep("gemma-2-9b-it (sliding window), H100 (v0.19)", GEMMA2_9B, "bf16", 1, 54.12, 168_880, 20.60,
           "google-gemma-2-9b-it--h100-80gb--tp1pp1dp1--8192"),
    _sweep("gemma-2-27b-it (sliding window), H100 (v0.19)", GEMMA2_27B, "bf16", 1, 20.59, 58_672, 7.16,
           "google-gemma-2-27b-it--h100-80gb--tp1pp1dp1--8192"),
    _sweep("gemma-3-4b-it (vision, 5:1 sliding), H100 (v0.19)", GEMMA3_4B, "bf16", 1, 62.51, 468_144, 57.05,
           "google-gemma-3-4b-it--h100-80gb--tp1pp1dp1--8192"),
    _sweep("gemma-3-12b-it (vision, 5:1 sliding), H100 (v0.19)", GEMMA3_12B, "bf16", 1, 47.72, 130_304, 15.88,
           "google-gemma-3-12b-it--h100-80gb--tp1pp1dp1--8192"),
    _sweep("gemma-3-27b-it (vision, 8 padding layers), H100 (v0.19)", GEMMA3_27B, "bf16", 1, 19.53, 36_560, 4.46,
           "google-gemma-3-27b-it--h100-80gb--tp1pp1dp1--8192"),
    _sweep("Mistral-Small-3.1-24B (Pixtral vision), H100 (v0.19)", MISTRAL_SMALL_3_1, "bf16", 1, 28.19, 184_752, 22.55,
           "mistralai-mistral-small---h100-80gb--tp1pp1dp1--8192"),
    _sweep("Mistral-Small-3.1-24B (Pixtral vision), 2 × H100, TP=2 (v0.19)", MISTRAL_SMALL_3_1, "bf16", 2, 48.33,
           633_408, 77.32, "mistral-small-tp2-json"),
    _sweep("Mistral-Small-3.1-24B (Pixtral vision), 4 × H100, TP=4 (v0.19)", MISTRAL_SMALL_3_1, "bf16", 4, 59.18,
           1_551_344, 189.37, "mistral-small-tp4-json"),
    _sweep("Mistral-Small-3.1-24B W8A8 (RedHatAI), H100 (v0.19)", MISTRAL_SMALL_3_1, "int8", 1, 48.73, 319_344, 38.98,
           "w8a8-mistral-small-24b--h100-80gb--tp1pp1dp1--8192"),
    _sweep("Mistral-Small-3.1-24B W8A8 (RedHatAI), 2 × H100, TP=2 (v0.19)", MISTRAL_SMALL_3_1, "int8", 2, 59.02,
           773_584, 94.43, "w8a8-mistral-small-24b--h100-80gb--tp2pp1dp1--8192"),
    _sweep("granite-vision-3.3-2b (LLaVA-Next), H100 (v0.19)", GRANITE_VISION_3_3_2B, "bf16", 1, 68.65, 899_792,
           109.84, "ibm-granite-granite-visi--h100-80gb--tp1pp1dp1--8192"),
    _sweep("granite-vision-3.3-2b (LLaVA-Next), 2 × H100, TP=2 (v0.19)", GRANITE_VISION_3_3_2B, "bf16", 2, 69.56,
           1_823_408, 222.58, "granite-vision-tp2-json"),
]

# vLLM 0.10.2 on L40S (PCIe, custom all-reduce off), sized with 0.11's accounting (the same profile run and budget:
# its "Free memory on device" line gives 39.98 GiB − 27.72 weights − 1.4 peak − 0.21 non-torch = 10.65 GiB of KV).
# Neither row was used to fit anything. TP=8 with expert parallelism: 4 KV heads over 8 ranks, one (replicated) each.
QWEN3_235B_A22B = QWEN3_30B_A3B | {"hidden_size": 4096, "num_hidden_layers": 94, "num_attention_heads": 64,
                                   "intermediate_size": 12288, "moe_intermediate_size": 1536,
                                   "max_position_embeddings": 262144}
AI_PLATFORM = "https://github.com/tim-roethig/ai-platform/blob/7c54612e18653a2d2ccc125072c093010d89691b/platform/benchmarks/"
ROWS += [
    Logged("Qwen3-235B-A22B-Instruct-2507-FP8, 8 × L40S, TP=8 + EP (v0.10.2)", QWEN3_235B_A22B, "fp8", L40S_AS_LOGGED,
           8, 0.90, 32_768, 10.65, AI_PLATFORM + "qwen3_235b_on_8xl40s.md", kv_tokens=238_208, concurrency=7.27),
    Logged("Qwen3-30B-A3B-Instruct-2507-FP8, 2 × L40S, TP=2 + EP (v0.10.2)",
           QWEN3_30B_A3B | {"max_position_embeddings": 262144}, "fp8", L40S_AS_LOGGED, 2, 0.95, 32_768, 25.91,
           AI_PLATFORM + "ollama_vs_vllm.md", kv_tokens=566_016, concurrency=17.27),
]


def _predicted(row: Logged) -> tuple[float, int, float]:
    arch = architecture_from_hf_config(row.config, model_id=row.name)
    setup = ServingSetup(arch, precision_named(row.precision), kv_cache_dtype_named("auto"), row.max_model_len, 1,
                         row.utilization, row.engine)
    memory = inference_memory(setup, row.gpu, Parallelism(row.tensor_parallel))
    return memory.kv_budget_bytes / GIB, max_context_tokens(setup, memory), max_concurrency(setup, memory)


def _error(predicted: float, logged: float) -> float:
    return abs(predicted - logged) / logged


def test_kv_pool_and_concurrency_match_the_published_vllm_logs(capsys: pytest.CaptureFixture[str]) -> None:
    kv_errors, tokens_errors, concurrency_errors = [], [], []
    with capsys.disabled():
        print(f"\n{'row':<55} {'KV GiB':>8} {'logged':>8} {'error':>7}")
        for row in ROWS:
            kv, tokens, concurrency = _predicted(row)
            kv_errors.append(_error(kv, row.kv_gib))
            line = f"{row.name:<55} {kv:>8.2f} {row.kv_gib:>8.2f} {kv_errors[-1]:>7.1%}"
            if row.kv_tokens:
                tokens_errors.append(_error(tokens, row.kv_tokens))
                line += f"   tokens {tokens:,} / {row.kv_tokens:,}"
            if row.concurrency:
                concurrency_errors.append(_error(concurrency, row.concurrency))
                line += f"   concurrency {concurrency:.2f}x / {row.concurrency:.2f}x"
            print(line)
        print(f"{len(ROWS)} runs: KV pool MAE {sum(kv_errors) / len(kv_errors):.2%} (worst {max(kv_errors):.2%}), "
              f"tokens MAE {sum(tokens_errors) / len(tokens_errors):.2%}, "
              f"concurrency MAE {sum(concurrency_errors) / len(concurrency_errors):.2%}")
    assert len(ROWS) >= 30 and all(row.source.startswith("https://") for row in ROWS)
    assert max(kv_errors) <= 0.10, kv_errors
    assert sum(kv_errors) / len(kv_errors) <= 0.03, kv_errors
    assert tokens_errors and sum(tokens_errors) / len(tokens_errors) <= 0.03, tokens_errors
    assert concurrency_errors and sum(concurrency_errors) / len(concurrency_errors) <= 0.05, concurrency_errors


def test_the_fit_reports_the_same_figures_as_the_engine_model() -> None:
    """`details.fit.max_context_tokens` / `max_concurrent_sequences` are what vLLM prints for the chosen layout."""
    from stack8s_architect.sizing import SizingRequest, size

    row = next(row for row in ROWS if row.engine is VLLM_0_11 and row.concurrency)
    arch = architecture_from_hf_config(row.config, model_id=row.name)
    result = size(SizingRequest(arch, precision="fp8", context_length_tokens=row.max_model_len, gpu=row.gpu,
                                gpu_count=1))
    assert result.fit is not None and result.fit.fits
    _, tokens, concurrency = _predicted(row)
    assert result.fit.max_context_tokens == tokens
    assert result.fit.max_concurrent_sequences == int(concurrency)
