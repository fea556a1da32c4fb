"""GPU datasheets and Hugging Face configs the sizing tests share, each with its source.

Kept inline (not read from ../shared/data) so unit tests run anywhere; the integration test reads
the real config.json files separately.
"""

from __future__ import annotations

from stack8s_architect.sizing import GpuSpec, architecture_from_hf_config

# NVIDIA L4 datasheet: 24 GB GDDR6, 300 GB/s, 121 dense BF16 TFLOPS, 242 dense FP8;
# nvidia-smi / torch report 23034 MiB total.
L4 = GpuSpec("l4", 24, 23034 / 1024, 300, 121, 242)
# NVIDIA H100 SXM5 80 GB datasheet: 3.35 TB/s HBM3, 989 dense BF16, 1979 dense FP8, NVLink 900 GB/s;
# the runtime reports 81559 MiB.
H100 = GpuSpec("h100-sxm", 80, 81559 / 1024, 3350, 989, 1979, "nvlink", 900)
# NVIDIA A100 80 GB SXM datasheet: 2039 GB/s HBM2e, 312 dense BF16 TFLOPS, no FP8; 81920 MiB.
A100 = GpuSpec("a100-80gb", 80, 81920 / 1024, 2039, 312, None, "nvlink", 600)
# NVIDIA RTX A6000 datasheet: 48 GB GDDR6, 768 GB/s, 154.8 dense BF16 tensor TFLOPS, no FP8;
# the runtime reports 49140 MiB.
A6000 = GpuSpec("rtx-a6000", 48, 49140 / 1024, 768, 154.8)
# NVIDIA RTX 3090: 24 GB GDDR6X, 936 GB/s, 71 dense FP16 tensor TFLOPS (FP32 accumulate);
# vLLM reports total_gpu_memory 23.58 GiB on it (vllm-project/vllm#10517).
RTX3090 = GpuSpec("rtx-3090", 24, 23.58, 936, 71)

# meta-llama/Llama-3.1-8B config.json (also aiconfigurator model_configs).
LLAMA_3_1_8B = {
    "model_type": "llama", "hidden_size": 4096, "intermediate_size": 14336, "num_attention_heads": 32,
    "num_hidden_layers": 32, "num_key_value_heads": 8, "vocab_size": 128256, "max_position_embeddings": 131072,
    "tie_word_embeddings": False, "torch_dtype": "bfloat16",
}
# meta-llama/Llama-3.1-70B config.json.
LLAMA_3_1_70B = LLAMA_3_1_8B | {"hidden_size": 8192, "intermediate_size": 28672, "num_attention_heads": 64, "num_hidden_layers": 80}
# meta-llama/Llama-2-7b-hf config.json (MHA: 32 KV heads, 32k vocab, 4k context).
LLAMA_2_7B = {
    "model_type": "llama", "hidden_size": 4096, "intermediate_size": 11008, "num_attention_heads": 32,
    "num_hidden_layers": 32, "num_key_value_heads": 32, "vocab_size": 32000, "max_position_embeddings": 4096,
    "tie_word_embeddings": False,
}
# huggyllama/llama-65b config.json (the LLaMA-65B of the QLoRA paper).
LLAMA_65B = {
    "model_type": "llama", "hidden_size": 8192, "intermediate_size": 22016, "num_attention_heads": 64,
    "num_hidden_layers": 80, "vocab_size": 32000, "max_position_embeddings": 2048, "tie_word_embeddings": False,
}
# mistralai/Mistral-7B-v0.1 config.json: every layer attends over a 4096-token sliding window.
MISTRAL_7B_V01 = {
    "model_type": "mistral", "hidden_size": 4096, "intermediate_size": 14336, "num_attention_heads": 32,
    "num_hidden_layers": 32, "num_key_value_heads": 8, "vocab_size": 32000, "max_position_embeddings": 32768,
    "sliding_window": 4096, "tie_word_embeddings": False,
}
# mistralai/Mixtral-8x7B-v0.1 config.json.
MIXTRAL_8X7B = MISTRAL_7B_V01 | {"model_type": "mixtral", "num_local_experts": 8, "num_experts_per_tok": 2, "sliding_window": None}
# google/gemma-2-9b config.json: alternating 4096-token sliding-window and global layers, tied embeddings.
GEMMA_2_9B = {
    "model_type": "gemma2", "hidden_size": 3584, "intermediate_size": 14336, "num_attention_heads": 16,
    "num_key_value_heads": 8, "head_dim": 256, "num_hidden_layers": 42, "vocab_size": 256000,
    "max_position_embeddings": 8192, "sliding_window": 4096,
}
# Qwen/Qwen2-7B config.json (biased q/k/v projections; sliding window configured but disabled).
QWEN2_7B = {
    "model_type": "qwen2", "hidden_size": 3584, "intermediate_size": 18944, "num_attention_heads": 28,
    "num_key_value_heads": 4, "num_hidden_layers": 28, "vocab_size": 152064, "max_position_embeddings": 131072,
    "sliding_window": 131072, "use_sliding_window": False, "max_window_layers": 28, "tie_word_embeddings": False,
}
# deepseek-ai/DeepSeek-V3 config.json (MLA + 256-expert MoE, native FP8 block quantization).
DEEPSEEK_V3 = {
    "model_type": "deepseek_v3", "hidden_size": 7168, "intermediate_size": 18432, "moe_intermediate_size": 2048,
    "num_attention_heads": 128, "num_key_value_heads": 128, "num_hidden_layers": 61, "vocab_size": 129280,
    "first_k_dense_replace": 3, "moe_layer_freq": 1, "n_routed_experts": 256, "n_shared_experts": 1,
    "num_experts_per_tok": 8, "q_lora_rank": 1536, "kv_lora_rank": 512, "qk_nope_head_dim": 128,
    "qk_rope_head_dim": 64, "v_head_dim": 128, "topk_method": "noaux_tc", "num_nextn_predict_layers": 1,
    "max_position_embeddings": 163840, "tie_word_embeddings": False,
    "quantization_config": {"quant_method": "fp8", "fmt": "e4m3", "weight_block_size": [128, 128]},
}
# openai/gpt-oss-20b config.json: 128-token sliding window on every other layer, MXFP4 experts.
GPT_OSS_20B = {
    "model_type": "gpt_oss", "hidden_size": 2880, "intermediate_size": 2880, "num_attention_heads": 64,
    "num_key_value_heads": 8, "head_dim": 64, "num_hidden_layers": 24, "vocab_size": 201088,
    "num_local_experts": 32, "num_experts_per_tok": 4, "experts_per_token": 4, "attention_bias": True,
    "sliding_window": 128, "max_position_embeddings": 131072, "tie_word_embeddings": False,
    "layer_types": ["sliding_attention", "full_attention"] * 12,
    "quantization_config": {"quant_method": "mxfp4"},
}


def architecture(config: dict, model_id: str | None = None):
    return architecture_from_hf_config(config, model_id=model_id)
