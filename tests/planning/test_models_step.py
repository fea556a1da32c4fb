"""Named-model resolution, without a catalog: the name rules the ranking of search hits."""

from __future__ import annotations

from stack8s_architect.planning.models_step import _name_match


def test_serving_prefers_the_instruction_tuned_release() -> None:
    ranked = sorted(["meta-llama/Llama-3.1-70B", "meta-llama/Llama-3.1-70B-Instruct", "x/Llama-3.1-70B-fork",
                     "nvidia/Llama-3.1-Nemotron-70B-Instruct"],
                    key=lambda model: _name_match("Llama 3.1 70B", model, prefer_tuned=True))
    assert ranked[:3] == ["meta-llama/Llama-3.1-70B-Instruct", "meta-llama/Llama-3.1-70B", "x/Llama-3.1-70B-fork"]


def test_training_keeps_the_base_model_and_meta_prefixes_do_not_count() -> None:
    assert _name_match("Llama 3.1 70B", "meta-llama/Llama-3.1-70B") == 0
    assert _name_match("Llama 3.1 70B", "meta-llama/Llama-3.1-70B-Instruct") == 1
    assert _name_match("Llama 3 8B", "meta-llama/Meta-Llama-3-8B") == 0
    assert _name_match("Gemma 2 9B", "google/gemma-2-9b-it", prefer_tuned=True) == -1
    assert _name_match("Qwen2.5 7B", "mistralai/Mistral-7B-v0.1") == 3
