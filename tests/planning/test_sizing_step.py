"""The planner's sizing step over the real sizing engine."""

from __future__ import annotations

import pytest

from stack8s_architect.agents.extraction import extract
from stack8s_architect.planning.sizing_step import size_for
from stack8s_architect.planning.spec import WorkloadSpec


def test_llama_70b_inference_needs_more_than_one_80gb_gpu() -> None:
    outcome = size_for(extract("I need to deploy Llama 3.1 70B for inference on AWS").spec)
    assert outcome.sizing is not None and outcome.sizing.mode == "inference"
    assert outcome.sizing.confidence == "estimated" and outcome.sizing.weights_gib > 120
    h100 = next(f for f in outcome.fits if f.gpu_key == "H100-SXM")
    assert h100.fits and h100.gpu_count >= 2
    assert all(f.budget_gib_per_gpu >= f.required_gib_per_gpu for f in outcome.fits if f.fits)  # per GPU
    l4 = next(f for f in outcome.fits if f.gpu_key == "L4")
    assert not l4.fits or l4.gpu_count >= 8


def test_qlora_8b_fits_one_24gb_gpu() -> None:
    outcome = size_for(extract("Fine-tune Llama 3 8B with QLoRA on 20k support tickets").spec)
    assert outcome.sizing is not None and outcome.sizing.mode == "qlora"
    assert any(f.fits and f.gpu_count == 1 for f in outcome.fits if f.gpu_key in {"L4", "A10G", "RTX4090"})


def test_unstated_method_and_unknown_size_are_said_not_guessed() -> None:
    lora = size_for(WorkloadSpec(task="fine_tuning", params_billions=7))
    assert lora.sizing is not None and lora.sizing.mode == "lora"
    assert any("LoRA" in a for a in lora.assumptions)
    unknown = size_for(WorkloadSpec(task="training", domain="vision"))
    assert unknown.sizing is None and unknown.fits == () and "no model size" in unknown.assumptions[0]


def test_named_gpus_are_the_ones_sized() -> None:
    outcome = size_for(WorkloadSpec(task="inference", params_billions=8, gpu_names=["L4", "A100"]))
    assert {f.gpu_key for f in outcome.fits} == {"L4", "A100-40GB", "A100-80GB", "A100-80GB-PCIe"}  # the A100 family


def test_every_concurrent_user_holds_kv_cache_and_replicas_carry_the_load() -> None:
    alone = size_for(WorkloadSpec(task="inference", params_billions=8))
    crowd = size_for(WorkloadSpec(task="inference", params_billions=8, concurrent_users=500))
    assert alone.sizing and crowd.sizing
    # the estimated 8B decoder: 32 layers × 8 KV heads × 128 × 2 (K, V) × 2 bytes = 128 KiB per token;
    # 500 users × 2,048 tokens (the chat default) × 128 KiB = 125 GiB, weights once
    assert crowd.sizing.kv_cache_gib == 125.0 and alone.sizing.kv_cache_gib == 0.25
    assert crowd.sizing.weights_gib == alone.sizing.weights_gib and crowd.sizing.concurrent_sequences == 500
    l4 = next(f for f in crowd.fits if f.gpu_key == "L4")
    assert l4.replicas and l4.replicas > 1 and l4.total_gpus * 22.12 >= 125  # L4: 22.12 GiB usable each


def test_a_count_for_one_named_gpu_is_kept_and_bad_inputs_become_assumptions() -> None:
    pinned = size_for(WorkloadSpec(task="inference", params_billions=8, gpu_names=["L4"], gpu_count=2))
    assert pinned.sizing is not None and pinned.assumptions == ()
    loose = size_for(WorkloadSpec(task="inference", params_billions=8, gpu_count=2))
    assert "one GPU type is named" in loose.assumptions[0]
    bad = size_for(WorkloadSpec(task="inference", params_billions=8, precision="q9"))
    assert bad.sizing is None and bad.fits == () and "could not size" in bad.assumptions[-1]


def test_a_stated_latency_sets_the_speed_each_user_needs() -> None:
    relaxed = size_for(WorkloadSpec(task="inference", params_billions=8, concurrent_users=200))
    per_token = size_for(WorkloadSpec(task="inference", params_billions=8, concurrent_users=200, latency_target_ms=25))
    answer = size_for(WorkloadSpec(task="inference", params_billions=8, concurrent_users=200, latency_target_ms=8000))
    assert any("25 ms read as the time per generated token: 40 tokens/s per user" in a for a in per_token.assumptions)
    assert any("8000 ms read as the time of a typical 256-token answer: 32 tokens/s" in a for a in answer.assumptions)
    h100 = {name: next(f for f in outcome.fits if f.gpu_key == "H100-SXM")
            for name, outcome in (("relaxed", relaxed), ("per_token", per_token))}
    # 40 tokens/s per user halves how many users one H100 may batch: more GPUs carry the same 200 users
    assert h100["per_token"].total_gpus > h100["relaxed"].total_gpus
    assert all(l.user_tokens_per_second >= 40 for l in h100["per_token"].layouts[:1])


def test_a_context_beyond_the_named_models_limit_is_sized_at_the_limit_and_said() -> None:
    """'300k tokens of context' for a model that takes 131,072: the plan sizes what the model can serve, and says so
    (the size tool itself refuses such a request with a 400)."""
    from stack8s_architect.catalog.models.sizing_facts import ModelFacts
    from stack8s_architect.sizing import architecture_from_hf_config

    config = {"model_type": "llama", "hidden_size": 4096, "intermediate_size": 14336, "num_attention_heads": 32,
              "num_hidden_layers": 32, "num_key_value_heads": 8, "vocab_size": 128256,
              "max_position_embeddings": 131072, "tie_word_embeddings": False}
    model = ModelFacts("meta-llama/Llama-3.1-8B-Instruct", architecture_from_hf_config(config, model_id="llama"),
                       "exact", "config.json", "text-generation", "llm", 131072)
    spec = extract("Serve Llama 3.1 8B for 5 users with a 300k token context").spec
    assert spec.context_length == 300_000
    outcome = size_for(spec, model)
    assert outcome.sizing is not None and outcome.sizing.context_length_tokens == 131_072
    assert any("at most 131,072 tokens of context, not the 300,000" in a for a in outcome.assumptions)
    # 5 users × 131,072 tokens × 128 KiB = 80 GiB of KV
    assert outcome.sizing.kv_cache_gib == 80.0


def test_training_options_said_in_the_chat_reach_the_sizing() -> None:
    """'8-bit adam' and 'zero 2' change the model states the plan sizes, and the notes say what was assumed."""
    plain = size_for(extract("Full fine-tune Llama 3 8B on 2 GB of text").spec)
    said = size_for(extract("Full fine-tune Llama 3 8B on 2 GB of text with 8-bit adam and deepspeed zero 2").spec)
    assert plain.sizing is not None and said.sizing is not None
    notes = " ".join(said.sizing.notes)
    assert "8-bit AdamW" in notes and "ZeRO-2" in notes
    assert "optimizer AdamW" in " ".join(plain.sizing.notes)  # the default, stated
    # optimizer states 8 → 2 bytes per parameter: 8.03B × 6 bytes ≈ 45 GiB less model state in total
    assert plain.sizing.required_gpu_memory_gib - said.sizing.required_gpu_memory_gib == pytest.approx(
        8.03e9 * 6 / 2**30, rel=0.05)
