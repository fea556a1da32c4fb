"""GPU counts: tensor-parallel validity, smallest fitting count, rejections and suggestions."""

from __future__ import annotations

import pytest

from stack8s_architect.sizing import (
    ServingSetup,
    fit_inference,
    kv_cache_dtype_named,
    precision_named,
    tensor_parallel_rejection,
)
from stack8s_architect.sizing.fit import Parallelism, candidate_parallelisms, parallelism_for_count

from .known import A100, DEEPSEEK_V3, H100, L4, LLAMA_3_1_8B, LLAMA_3_1_70B, architecture

AUTO = kv_cache_dtype_named("auto")
BF16 = precision_named("bf16")


def serving(config: dict, context: int, concurrency: int = 1, precision: str = "bf16") -> ServingSetup:
    return ServingSetup(architecture(config), precision_named(precision), AUTO, context, concurrency)


@pytest.mark.parametrize(
    ("tp", "problem"),
    [(1, None), (2, None), (8, None), (16, None), (3, "64 attention heads"), (5, "64 attention heads")],
)
def test_tensor_parallel_rule_for_llama_70b(tp: int, problem: str | None) -> None:
    rejection = tensor_parallel_rejection(architecture(LLAMA_3_1_70B), tp)
    assert rejection is None if problem is None else problem in rejection


def test_kv_heads_must_divide_or_be_divided() -> None:
    # 12 attention heads, 8 KV heads: TP=4 splits heads but gives 2 KV heads per rank; TP=6 cannot.
    arch = architecture(LLAMA_3_1_8B | {"num_attention_heads": 24, "num_key_value_heads": 8, "head_dim": 128})
    assert tensor_parallel_rejection(arch, 4) is None
    assert "8 KV heads" in tensor_parallel_rejection(arch, 6)


def test_mla_only_checks_query_heads() -> None:
    assert tensor_parallel_rejection(architecture(DEEPSEEK_V3), 8) is None


def test_candidate_counts_are_tp_then_whole_nodes() -> None:
    counts = [(p.tensor_parallel, p.pipeline_parallel) for p in candidate_parallelisms(architecture(LLAMA_3_1_8B), 24)]
    assert counts[:8] == [(n, 1) for n in range(1, 9)]
    assert counts[8:] == [(8, 2), (8, 3)]


def test_parallelism_for_count() -> None:
    assert parallelism_for_count(4) == Parallelism(4, 1)
    assert parallelism_for_count(16) == Parallelism(8, 2)
    with pytest.raises(ValueError, match="multiple of 8"):
        parallelism_for_count(12)


def test_smaller_nodes_keep_tensor_parallelism_inside_and_stage_across() -> None:
    """A GPU sold four to a node: TP 1–4, then TP=4 × PP stages; one to a node (GH200): PP of single GPUs."""
    arch = architecture(LLAMA_3_1_8B)
    four = [(p.tensor_parallel, p.pipeline_parallel) for p in candidate_parallelisms(arch, 16, node_gpus=4)]
    assert four == [(1, 1), (2, 1), (3, 1), (4, 1), (4, 2), (4, 3), (4, 4)]
    one = [(p.tensor_parallel, p.pipeline_parallel) for p in candidate_parallelisms(arch, 4, node_gpus=1)]
    assert one == [(1, 1), (1, 2), (1, 3), (1, 4)]
    assert parallelism_for_count(6, node_gpus=2) == Parallelism(2, 3)
    with pytest.raises(ValueError, match="2-GPU nodes; use a multiple of 2"):
        parallelism_for_count(5, node_gpus=2)


def test_seventy_b_on_single_gpu_nodes_is_pipelined_and_the_head_stage_decides() -> None:
    """Llama 3.1 70B in bf16 on GH200s sold one per node: 131.4 GiB of weights need two GPUs, which can only be two
    pipeline stages of one GPU (TP=2 would need both on one node). Stage 1 holds 40 layers + the embedding, stage 2
    40 layers + the LM head (the same size, untied) and the sampler — the stage with the head is the one checked."""
    from dataclasses import replace

    gh200 = replace(H100, key="GH200", usable_memory_gib=94.5, cuda_total_gib=None, node_gpus=1)
    setup = serving(LLAMA_3_1_70B, 8192)
    fit = fit_inference(setup, gh200)
    assert fit.fits and (fit.tensor_parallel, fit.pipeline_parallel, fit.gpu_count) == (1, 2, 2)
    arch = setup.arch
    body = arch.params.total * 2 - 2 * arch.params.embedding * 2
    last_stage = body / 2 + arch.params.lm_head * 2
    assert fit.required_gib_per_gpu * 2**30 > last_stage  # its weights and then some runtime and KV
    assert last_stage / 2**30 == pytest.approx(65.7, abs=0.1)  # 131.4 GiB over two stages
    eight = fit_inference(setup, replace(gh200, node_gpus=8))
    assert (eight.tensor_parallel, eight.pipeline_parallel) == (2, 1)  # the same two GPUs in one node: TP=2


def test_smallest_count_and_why_smaller_counts_were_rejected() -> None:
    # 70B in bf16 on 2 × H100: 65.7 GiB of weights per GPU, and vLLM 0.11's profile run (the sampler over 1,024
    # requests: 4.77 GiB) and non-torch memory (0.55 GiB at TP=2) leave 0.25 GiB of a 71.1 GiB budget — less than
    # one 8,192-token sequence (1.25 GiB per GPU); TP=3 does not divide the heads; TP=4 fits
    fit = fit_inference(serving(LLAMA_3_1_70B, 8192), H100)
    assert fit.fits and (fit.gpu_count, fit.tensor_parallel) == (4, 4)
    assert len(fit.rejected) == 3 and "exceed" in fit.rejected[0] and fit.rejected[1].startswith("2 GPU(s)")


def test_rejections_include_invalid_tensor_parallel_degrees() -> None:
    fit = fit_inference(serving(LLAMA_3_1_70B, 8192, concurrency=4), A100)
    assert fit.fits and fit.gpu_count == 4
    assert any(reason.startswith("3 GPU(s): tensor-parallel degree 3") for reason in fit.rejected)


def test_pinned_count_with_invalid_tp_says_why() -> None:
    fit = fit_inference(serving(LLAMA_3_1_8B, 4096), L4, gpu_count=3)
    assert not fit.fits
    assert "does not divide the 32 attention heads" in fit.reason
    assert fit.suggestions[0].startswith("fewer GPUs: fits on 1 × l4")


def test_llama_8b_on_one_l4_at_full_context_suggests_changes() -> None:
    fit = fit_inference(serving(LLAMA_3_1_8B, 131_072), L4, gpu_count=1)
    assert not fit.fits and "budget" in fit.reason
    text = " | ".join(fit.suggestions)
    assert "more GPUs: fits on 2 × l4" in text
    assert "fp8 weights + fp8 KV cache: fits on 1 × l4" in text
    # 0.9 × (22.49 − 0.63) GiB − 14.96 weights − 1.19 profile peak (256 requests × 128,256 × 39 B) − 0.135
    # non-torch = 3.39 GiB of KV = 1,737 blocks of 16 tokens at 128 KiB per token
    assert "shorter context: up to 27,792 tokens" in text
    assert fit.max_context_tokens == 27_792


def test_fewer_sequences_is_suggested_when_concurrency_overflows() -> None:
    fit = fit_inference(serving(LLAMA_3_1_8B, 8192, concurrency=16), L4, gpu_count=1)
    assert not fit.fits
    assert any(s.startswith("fewer concurrent sequences: 3 at 8,192 tokens") for s in fit.suggestions)  # 3.39 GiB / 1 GiB


def test_no_count_up_to_the_limit_fits() -> None:
    fit = fit_inference(serving(LLAMA_3_1_70B, 4096), L4, max_gpus=4)
    assert not fit.fits and fit.gpu_count == 4
    assert "up to 4" in fit.reason
    assert any("int4 weights" in s for s in fit.suggestions)


def test_fit_to_dict_is_plain_data() -> None:
    data = fit_inference(serving(LLAMA_3_1_8B, 4096), L4).to_dict()
    assert data["gpu"] == "l4" and data["fits"] is True and data["gpu_count"] == 1
    assert isinstance(data["rejected"], list) and isinstance(data["required_gib_per_gpu"], float)
