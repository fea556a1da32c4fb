"""The checkpoint served at the plan's precision: a quantised release the catalog lists, or the model quantised
while loading — never the 16-bit weights behind a 4-bit sizing."""

from __future__ import annotations

import pytest

from stack8s_architect.planning.checkpoints import checkpoint_for

QWEN = "Qwen/Qwen2.5-7B-Instruct"
VARIANTS = [  # as the catalog stores them (models.variants), GGUF files first as llama.cpp galleries list them
    {"id": "Qwen/Qwen2.5-7B-Instruct-GGUF/qwen2.5-7b-instruct-q4_k_m.gguf", "format": "gguf", "quantization": "Q4_K_M"},
    {"id": "Qwen/Qwen2.5-7B-Instruct-GPTQ-Int4", "format": "gptq", "quantization": "GPTQ-Int4"},
    {"id": "Qwen/Qwen2.5-7B-Instruct-AWQ", "format": "awq", "quantization": "AWQ-4bit"},
    {"id": "nvidia/Qwen2.5-7B-Instruct-FP8", "format": "fp8", "quantization": "FP8"},
]


@pytest.mark.parametrize(("precision", "repository", "flag"), [
    ("awq", "Qwen/Qwen2.5-7B-Instruct-AWQ", None),
    ("int4", "Qwen/Qwen2.5-7B-Instruct-AWQ", None),  # 4-bit: AWQ first, the kernel vLLM runs fastest
    ("gptq", "Qwen/Qwen2.5-7B-Instruct-GPTQ-Int4", None),
    ("fp8", "nvidia/Qwen2.5-7B-Instruct-FP8", None),
    ("bf16", QWEN, None),
])
def test_a_release_in_the_catalog_is_served(precision: str, repository: str, flag: str | None) -> None:
    chosen = checkpoint_for(QWEN, precision, VARIANTS)
    assert (chosen.repository, chosen.quantization) == (repository, flag)
    assert (chosen.note is None) == (precision == "bf16")


def test_without_a_release_the_engine_quantises_while_loading_and_the_plan_says_how_to_make_one() -> None:
    gguf_only = VARIANTS[:1]  # a llama.cpp file is no vLLM checkpoint
    four_bit = checkpoint_for(QWEN, "awq", gguf_only)
    assert (four_bit.repository, four_bit.quantization) == (QWEN, "bitsandbytes")
    assert "no AWQ or GPTQ release" in four_bit.note and "llm-compressor" in four_bit.note
    fp8 = checkpoint_for(QWEN, "fp8", gguf_only)
    assert (fp8.repository, fp8.quantization) == (QWEN, "fp8") and "while loading" in fp8.note
    int8 = checkpoint_for(QWEN, "int8", [])
    assert int8.repository == QWEN and int8.quantization is None and "provide a checkpoint" in int8.note


def test_a_model_stored_at_the_plans_precision_is_served_as_it_is() -> None:
    """gpt-oss ships its experts in MXFP4 and DeepSeek-V3 in FP8: sized at that precision, the model itself is served,
    with no note asking for a quantised checkpoint nor vLLM quantising it again while loading."""
    gpt_oss = checkpoint_for("openai/gpt-oss-120b", "mxfp4_moe", [], native="mxfp4_moe")
    assert (gpt_oss.repository, gpt_oss.quantization, gpt_oss.note) == ("openai/gpt-oss-120b", None, None)
    deepseek = checkpoint_for("deepseek-ai/DeepSeek-V3", "fp8", [], native="fp8")
    assert (deepseek.repository, deepseek.quantization, deepseek.note) == ("deepseek-ai/DeepSeek-V3", None, None)
    # another precision than the checkpoint's is still a choice to make
    assert "provide a checkpoint" in checkpoint_for("openai/gpt-oss-120b", "int8", [], native="mxfp4_moe").note
