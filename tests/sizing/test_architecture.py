"""Parsing Hugging Face configs and estimating architectures from a parameter count."""

from __future__ import annotations

import pytest

from stack8s_architect.sizing import architecture_from_hf_config, architecture_from_params

from .known import DEEPSEEK_V3, GPT_OSS_20B, LLAMA_2_7B, LLAMA_3_1_8B, MIXTRAL_8X7B, QWEN2_7B, architecture

# meta-llama/Llama-3.2-1B config.json: tied embeddings, 64-wide heads.
LLAMA_3_2_1B = LLAMA_3_1_8B | {
    "hidden_size": 2048, "intermediate_size": 8192, "num_hidden_layers": 16, "head_dim": 64, "tie_word_embeddings": True,
}


def test_tied_embeddings_are_counted_once() -> None:
    arch = architecture(LLAMA_3_2_1B)
    # HF meta-llama/Llama-3.2-1B: 1,235,814,400 parameters ("1.24B").
    assert arch.total_params == 1_235_814_400
    assert arch.params.lm_head == 0
    assert arch.params.active_excluding_input_embedding == arch.active_params  # the tied table is the lm_head


def test_llama_parameter_roles_add_up() -> None:
    params = architecture(LLAMA_3_1_8B).params
    assert params.embedding == params.lm_head == 128_256 * 4096
    assert params.attention == 32 * (2 * 4096 * 4096 + 2 * 4096 * 1024)
    assert params.dense_ffn == 32 * 3 * 4096 * 14_336
    assert params.other == 32 * 2 * 4096 + 4096  # two RMSNorms per layer + the final norm
    assert params.total == params.active == 8_030_261_248


def test_qkv_bias_families_count_biases() -> None:
    with_bias = architecture(QWEN2_7B).params.other
    without_bias = architecture(QWEN2_7B | {"model_type": "llama"}).params.other
    assert with_bias - without_bias == 28 * (3584 + 2 * 512)


def test_moe_counts_routed_and_active_experts() -> None:
    arch = architecture(MIXTRAL_8X7B)
    per_expert = 3 * 4096 * 14_336
    assert arch.params.routed_experts == 32 * 8 * per_expert
    assert arch.params.active_routed_experts == 32 * 2 * per_expert
    assert (arch.experts, arch.active_experts, arch.moe_layers) == (8, 2, 32)


def test_deepseek_v3_dense_then_moe_layers_and_mla_cache() -> None:
    arch = architecture(DEEPSEEK_V3)
    assert arch.moe_layers == 61 - 3  # first_k_dense_replace = 3
    assert arch.uses_mla and arch.kv_lora_rank == 512
    (group,) = arch.kv_groups
    assert (group.layers, group.k_head_dim, group.latent) == (61, 576, True)
    assert group.tensor_parallel_shards(8) == 1  # the latent is replicated on every TP rank
    assert arch.native_precision == "fp8"
    assert any("multi-token-prediction" in note for note in arch.notes)


def test_gpt_oss_sliding_layers_and_mxfp4_experts() -> None:
    arch = architecture(GPT_OSS_20B)
    windows = sorted((group.window_tokens or 0, group.layers) for group in arch.kv_groups)
    assert windows == [(0, 12), (128, 12)]
    assert arch.native_precision == "mxfp4_moe"
    # OpenAI gpt-oss model card: 3.61B active parameters (the input embedding not counted).
    assert arch.params.active_excluding_input_embedding == pytest.approx(3.61e9, rel=0.01)


def test_multimodal_config_reads_text_config_and_is_estimated() -> None:
    config = {"model_type": "llava", "text_config": LLAMA_3_1_8B, "vision_config": {"hidden_size": 1024}}
    arch = architecture_from_hf_config(config)
    assert arch.total_params == 8_030_261_248
    assert arch.confidence == "estimated"
    assert any("vision" in note for note in arch.notes)


def test_unknown_family_is_estimated_with_a_note() -> None:
    arch = architecture_from_hf_config(LLAMA_2_7B | {"model_type": "brand_new"})
    assert arch.confidence == "estimated"
    assert "brand_new" in arch.notes[0]


def test_missing_required_field_names_it() -> None:
    with pytest.raises(ValueError, match="hidden_size"):
        architecture_from_hf_config({"model_type": "llama", "num_attention_heads": 8})


def test_quantized_checkpoints_set_native_precision() -> None:
    awq = LLAMA_3_1_8B | {"quantization_config": {"quant_method": "awq", "bits": 4, "group_size": 128}}
    assert architecture_from_hf_config(awq).native_precision == "awq"
    modelopt = {"quantization": {"quant_algo": "NVFP4", "kv_cache_quant_algo": "FP8", "group_size": 16}}
    arch = architecture_from_hf_config(LLAMA_3_1_8B, hf_quant_config=modelopt)
    assert (arch.native_precision, arch.native_kv_cache_dtype) == ("nvfp4", "fp8")
    assert architecture_from_hf_config(LLAMA_3_1_8B | {"torch_dtype": "float16"}).native_precision == "fp16"


def test_decilm_block_configs_vary_per_layer() -> None:
    block = {"attention": {"n_heads_in_group": 8}, "ffn": {"ffn_mult": 1.3125}}
    skip_attention = {"attention": {"no_op": True}, "ffn": {"ffn_mult": 1.3125}}
    config = LLAMA_3_1_8B | {"model_type": "nemotron-nas", "block_configs": [block, skip_attention, block]}
    arch = architecture_from_hf_config(config)
    assert arch.layers == 3
    assert sum(group.layers for group in arch.kv_groups) == 2  # no KV for the no-op attention layer
    assert arch.intermediate_size == 3584  # int(2 · 1.3125 · 4096 / 3) rounded up to 256


def test_hybrid_pattern_keeps_kv_only_for_attention_blocks() -> None:
    config = LLAMA_3_1_8B | {
        "model_type": "nemotron_h", "hybrid_override_pattern": "M-M*-M-", "mamba_num_heads": 64,
        "mamba_head_dim": 64, "ssm_state_size": 128, "n_groups": 8, "conv_kernel": 4,
    }
    arch = architecture_from_hf_config(config)
    assert [group.layers for group in arch.kv_groups] == [1]
    assert arch.recurrent_state_bytes_per_sequence > 0
    assert arch.confidence == "estimated"


def test_estimate_from_params_is_a_plausible_decoder() -> None:
    arch = architecture_from_params(8.0, model_id="someone/unknown-8b")
    assert arch.confidence == "estimated" and arch.family == "estimated"
    assert arch.total_params == 8_000_000_000
    assert 28 <= arch.layers <= 40 and arch.has_kv_cache
    assert arch.model_id == "someone/unknown-8b"


def test_estimate_for_moe_keeps_active_share() -> None:
    arch = architecture_from_params(30.0, active_params_billions=3.0)
    assert arch.total_params == 30_000_000_000
    assert arch.active_params == 3_000_000_000


def test_estimate_for_vision_has_no_kv_cache() -> None:
    arch = architecture_from_params(0.3, modality="vision")
    assert not arch.has_kv_cache and arch.modality == "vision"
    assert arch.params.linear == arch.total_params


def test_estimate_rejects_non_positive_params() -> None:
    with pytest.raises(ValueError, match="positive"):
        architecture_from_params(0)


@pytest.mark.parametrize("params_billions", [7, 13, 34, 70, 180, 405])
def test_estimated_shape_admits_tensor_parallel_8(params_billions: float) -> None:
    # An estimate must not invent an odd head count that forbids TP=2/4/8 (70B once got 69 heads).
    from stack8s_architect.sizing import tensor_parallel_rejection

    arch = architecture_from_params(params_billions)
    assert arch.attention_heads % 8 == 0
    assert all(tensor_parallel_rejection(arch, tp) is None for tp in (2, 4, 8))


def test_a_multimodal_checkpoint_counts_its_vision_tower_and_projector() -> None:
    """Mistral Small 3.1 (Pixtral: 24 gated layers of 1,024 wide; a patch merger and a two-layer projector): vLLM
    logs "Model loading took 44.76 GiB" (llm-d-planner sweep, v0.19); the text model alone is 0.8 GiB short."""
    from stack8s_architect.sizing import precision_named
    from stack8s_architect.sizing.inference import weight_bytes

    text = {"model_type": "mistral", "hidden_size": 5120, "num_hidden_layers": 40, "num_attention_heads": 32,
            "num_key_value_heads": 8, "head_dim": 128, "intermediate_size": 32768, "vocab_size": 131072,
            "max_position_embeddings": 131072, "tie_word_embeddings": False}
    vision = {"model_type": "pixtral", "hidden_size": 1024, "intermediate_size": 4096, "num_hidden_layers": 24,
              "num_attention_heads": 16, "patch_size": 14, "image_size": 1540, "num_channels": 3}
    whole = architecture_from_hf_config({"model_type": "mistral3", "spatial_merge_size": 2, "vision_config": vision,
                                         "text_config": text})
    alone = architecture_from_hf_config(text)
    bf16 = precision_named("bf16")
    assert weight_bytes(whole, bf16) / 2**30 == pytest.approx(44.76, rel=0.005)
    assert 0.7 < (weight_bytes(whole, bf16) - weight_bytes(alone, bf16)) / 2**30 < 0.9
    assert any("encoder and projector" in note for note in whole.notes)


def test_recurrent_state_follows_the_model_dtype_unless_the_config_names_fp32() -> None:
    """vLLM keeps Mamba SSM state in the model dtype ("auto"); a config may name fp32 (NemotronH, Qwen3.5)."""
    config = LLAMA_3_1_8B | {
        "model_type": "nemotron_h", "hybrid_override_pattern": "M-M*-M-", "mamba_num_heads": 64,
        "mamba_head_dim": 64, "ssm_state_size": 128, "n_groups": 8, "conv_kernel": 4,
    }
    # per Mamba layer: 64 × 64 inner × 128 state × 2 B + (4,096 inner + 2 × 8 × 128) conv channels × 3 steps × 2 B
    per_layer = 4096 * 128 * 2 + (4096 + 2 * 8 * 128) * 3 * 2
    assert architecture_from_hf_config(config).recurrent_state_bytes_per_sequence == 3 * per_layer
    fp32 = architecture_from_hf_config(config | {"mamba_ssm_cache_dtype": "float32"})
    assert fp32.recurrent_state_bytes_per_sequence == 3 * (per_layer + 4096 * 128 * 2)


def test_sparse_attention_indexer_keys_are_fp8_with_a_scale_whatever_the_kv_dtype() -> None:
    """DeepSeek-V3.2: per token and layer a 576-element MLA latent at the KV dtype, and 128 indexer-key elements that
    vLLM keeps as fp8 plus an fp32 scale per 128: 132 bytes."""
    from stack8s_architect.sizing import kv_cache_bytes_per_token, kv_cache_dtype_named

    config = {"model_type": "deepseek_v32", "hidden_size": 7168, "num_hidden_layers": 61, "num_attention_heads": 128,
              "num_key_value_heads": 128, "kv_lora_rank": 512, "q_lora_rank": 1536, "qk_rope_head_dim": 64,
              "qk_nope_head_dim": 128, "v_head_dim": 128, "intermediate_size": 18432, "moe_intermediate_size": 2048,
              "n_routed_experts": 256, "n_shared_experts": 1, "num_experts_per_tok": 8, "first_k_dense_replace": 3,
              "index_n_heads": 64, "index_head_dim": 128, "index_topk": 2048, "vocab_size": 129280,
              "max_position_embeddings": 163840}
    arch = architecture_from_hf_config(config)
    assert kv_cache_bytes_per_token(arch, kv_cache_dtype_named("auto")) == 61 * (576 * 2 + 132)
    assert kv_cache_bytes_per_token(arch, kv_cache_dtype_named("fp8")) == 61 * (576 + 132)
