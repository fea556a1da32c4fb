"""A catalog record as sizing sees it: exact, partial or estimated, and configs borrowed from same-named models."""

from __future__ import annotations

import pytest

from stack8s_architect.catalog.models.sizing_facts import model_facts

# meta-llama/Llama-3.1-8B config.json as aiconfigurator copies it (the fields sizing reads)
LLAMA_8B = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 4096,
            "intermediate_size": 14336, "num_hidden_layers": 32, "num_attention_heads": 32,
            "num_key_value_heads": 8, "head_dim": 128, "vocab_size": 128256, "max_position_embeddings": 131072,
            "tie_word_embeddings": False, "torch_dtype": "bfloat16"}
# zai-org/GLM-4.5 as llmfit knows it: no FFN widths of the dense layers, no dtype
GLM_SUBSET = {"head_dim": 128, "model_type": "glm4_moe", "vocab_size": 151552, "hidden_size": 5120, "num_experts": 160,
              "num_hidden_layers": 92, "num_attention_heads": 96, "num_experts_per_tok": 8,
              "num_key_value_heads": 8, "moe_intermediate_size": 1536}


def record(model_id: str, *, config: dict | None = None, source: str = "aiconfigurator-configs",
           params: float | None = None, active: float | None = None, domain: str = "llm") -> dict:
    return {"key": model_id.lower(), "id": model_id, "task": "text-generation", "domain": domain,
            "params_total": params, "params_active": active, "context_length": None,
            "architecture_config": config, "provenance": {"architecture_config": source, "params_total": "llmfit"}}


def test_a_verbatim_config_is_exact() -> None:
    facts = model_facts(record("meta-llama/Llama-3.1-8B", config=LLAMA_8B, params=8.03e9))
    assert facts is not None and facts.confidence == "exact" and facts.params_billions == pytest.approx(8.03, abs=0.01)
    assert "full config.json" in facts.basis


def test_an_instruct_release_borrows_its_bases_config_when_the_counts_agree() -> None:
    instruct = record("meta-llama/Llama-3.1-8B-Instruct", params=8.03e9)
    base = record("meta-llama/Llama-3.1-8B", config=LLAMA_8B, params=8.03e9)
    facts = model_facts(instruct, [base])
    assert facts is not None and facts.confidence == "exact" and facts.id == "meta-llama/Llama-3.1-8B-Instruct"
    assert "of meta-llama/Llama-3.1-8B" in facts.basis
    # a 4-bit copy's packed count (6.4B) disagrees: not borrowed, the record's own count is used
    packed = record("x/Llama-3.1-8B-Instruct", config=LLAMA_8B, params=6.4e9)
    assert model_facts(record("y/Llama-3.1-8B-Instruct", params=8.03e9), [packed]).confidence == "estimated"


def test_a_partial_config_keeps_its_kv_shape_and_takes_the_catalogs_counts() -> None:
    facts = model_facts(record("zai-org/GLM-4.5", config=GLM_SUBSET, source="llmfit", params=358.3e9, active=34.9e9))
    assert facts is not None and facts.confidence == "partial"
    # 92 layers × 8 KV heads × (128 + 128) × 2 bytes = 368 KiB per token: the model's own shape
    assert sum(g.elements_per_token for g in facts.architecture.kv_groups) * 2 == 92 * 8 * 256 * 2
    assert facts.params_billions == pytest.approx(358.3, rel=0.001)
    assert facts.active_params_billions == pytest.approx(34.9, rel=0.001)
    assert "bf16 assumed" in facts.basis


def test_only_a_count_is_estimated_and_a_vision_model_has_no_kv_cache() -> None:
    llm = model_facts(record("acme/Mystery-13B", params=13e9))
    assert llm is not None and llm.confidence == "estimated" and llm.architecture.has_kv_cache
    vision = model_facts(record("timm/resnet50.a1_in1k", params=25.56e6, domain="vision"))
    assert vision is not None and vision.architecture.modality == "vision" and not vision.architecture.has_kv_cache
    assert model_facts(record("acme/unknown")) is None  # no config, no count: nothing to size
    named = model_facts(record("mistralai/Mistral-Small-3.1-24B-Instruct-2503"))  # no count, but the name says
    assert named is not None and named.confidence == "estimated" and named.params_billions == 24.0
    assert "24B read from its name" in named.basis
    assert model_facts(record("someone/tiny-0b-test")) is None  # "0b" is a tag, not a size


def test_a_config_too_partial_to_read_falls_back_to_the_count() -> None:
    facts = model_facts(record("old/gpt-ish", config={"n_layer": 12}, source="gpu-poor-configs", params=0.124e9))
    assert facts is not None and facts.confidence == "estimated"


def test_a_moe_subset_without_expert_fields_keeps_the_catalogs_active_count() -> None:
    dense_looking = {k: v for k, v in GLM_SUBSET.items() if k not in ("num_experts", "num_experts_per_tok")}
    dense_looking["intermediate_size"] = 12288
    facts = model_facts(record("zai-org/GLM-4.5", config=dense_looking, source="llmfit", params=358.3e9, active=34.9e9))
    assert facts is not None and facts.params_billions == pytest.approx(358.3, rel=0.001)
    # decode reads the active parameters only: 34.9B, not all 358B
    assert facts.active_params_billions == pytest.approx(34.9, rel=0.01)
    assert "34.9B active from the catalog" in facts.basis


def test_a_catalog_count_below_the_embeddings_is_not_forced_onto_the_config() -> None:
    # a config whose embeddings alone (151,936 × 1,024 × 2) outweigh the catalog's 0.2B: a wrong catalog count
    small = {"model_type": "qwen2", "hidden_size": 1024, "num_hidden_layers": 24, "num_attention_heads": 16,
             "num_key_value_heads": 16, "intermediate_size": 2816, "vocab_size": 151936}
    facts = model_facts(record("Qwen/Qwen1.5-0.5B", config=small, source="gpu-poor-configs", params=0.2e9))
    assert facts is not None and facts.params_billions > 0.4 and "from the catalog" not in facts.basis
