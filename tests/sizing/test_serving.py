"""Serving a load: KV for every user, batches limited by memory, per-user speed and vLLM's 256, and replicas.

Figures are worked by hand from Llama-3.1-8B's config (32 layers × 8 KV heads × 128 head dim → 128 KiB of KV
per token at bf16, 16.06 GB of weights) and the accelerator table (H100-SXM 3,350 GB/s, L4 300 GB/s; decode
at 0.8 of that).
"""

from __future__ import annotations

import math

import pytest

from stack8s_architect.sizing import (
    Parallelism,
    ServingSetup,
    ServingTarget,
    SizingRequest,
    kv_cache_dtype_named,
    precision_named,
    serving_layouts,
    size,
)
from stack8s_architect.sizing.serving import DEFAULT_TOKENS_PER_USER, concurrent_sequences, layout_on

from .known import H100, L4, LLAMA_3_1_8B, MIXTRAL_8X7B, architecture

AUTO = kv_cache_dtype_named("auto")
BF16 = precision_named("bf16")
KIB = 1024


def architecture_70b():  # noqa: ANN201
    from stack8s_architect.sizing import architecture_from_params  # noqa: PLC0415

    return architecture_from_params(70)


def setup_for(config: dict, context: int = 4096) -> ServingSetup:
    return ServingSetup(architecture(config), BF16, AUTO, context)


def test_the_kv_cache_is_every_user_times_their_tokens() -> None:
    result = size(SizingRequest(architecture(LLAMA_3_1_8B), concurrent_users=100))
    # 100 users × 2,048 tokens (the chat default) × 128 KiB = 25 GiB
    assert DEFAULT_TOKENS_PER_USER == 2048
    assert result.kv_cache_gib == pytest.approx(100 * 2048 * 128 * KIB / 2**30) == pytest.approx(25.0)
    assert result.concurrency == 100
    stated = size(SizingRequest(architecture(LLAMA_3_1_8B), concurrent_users=10, context_length_tokens=8192))
    assert stated.kv_cache_gib == pytest.approx(10 * 8192 * 128 * KIB / 2**30)  # the stated context, per user


def test_one_h100_carries_a_chat_crowd_limited_by_its_kv_budget() -> None:
    layout = layout_on(setup_for(LLAMA_3_1_8B), H100, Parallelism(), ServingTarget(concurrent_users=100))
    assert layout is not None and layout.replicas == 1 and layout.batch == 100
    # vLLM 0.11's accounting: budget 0.9 × (79.65 − 0.63) GiB = 71.12; weights 14.96, the sampler's profile peak
    # 39 B × 1,024 requests × 128,256 = 4.77, non-torch 0.135 → 51.25 GiB = 205 sequences of 2,048 tokens (256 MiB)
    assert 204 <= layout.kv_capacity <= 206
    # one step streams 15.0 GB of weights (the input embedding is only indexed) + 100 × 268 MB of KV
    step_bytes = (16.06e9 - 128_256 * 4096 * 2) + 100 * 2048 * 128 * KIB
    assert layout.user_tokens_per_second == pytest.approx(3350e9 * 0.8 / step_bytes, rel=0.02)


def test_the_per_user_speed_caps_the_batch_and_adds_replicas() -> None:
    fast = ServingTarget(concurrent_users=200, user_tokens_per_second=40)
    layout = layout_on(setup_for(LLAMA_3_1_8B), H100, Parallelism(), fast)
    assert layout is not None and layout.limited_by == "speed" and layout.replicas >= 2
    assert layout.user_tokens_per_second >= 40
    # the cap is the largest batch still at 40 tokens/s: one more sequence per replica would be slower
    from stack8s_architect.sizing.serving import _user_speed  # noqa: PLC0415

    typical = setup_for(LLAMA_3_1_8B, context=2048)
    cap = math.ceil(200 / (layout.replicas - 1)) if layout.replicas > 1 else layout.batch
    assert _user_speed(typical, H100, Parallelism(), cap) < 40 <= _user_speed(typical, H100, Parallelism(), layout.batch)


def test_a_slow_gpu_that_cannot_reach_the_speed_says_so() -> None:
    # one L4 streams 16 GB per token at 240 GB/s: 15 tokens/s for a single user, below a 20 tokens/s target
    layout = layout_on(setup_for(LLAMA_3_1_8B), L4, Parallelism(), ServingTarget(user_tokens_per_second=20))
    assert layout is not None and not layout.meets_speed and layout.user_tokens_per_second == pytest.approx(15, abs=1)
    layouts = serving_layouts(setup_for(LLAMA_3_1_8B), L4, ServingTarget(user_tokens_per_second=20), max_gpus=8)
    assert layouts[0].meets_speed and layouts[0].parallelism.tensor_parallel == 2  # two L4s stream twice as fast


def test_an_unreachable_speed_is_said_not_answered_with_a_replica_per_user() -> None:
    # 70B on L4s: even 8 of them stream 141 GB per token at 8 × 240 GB/s — about 13 tokens/s, far below 128
    seventy = architecture_70b()
    layout = layout_on(ServingSetup(seventy, BF16, AUTO, 4096), L4, Parallelism(8),
                       ServingTarget(concurrent_users=100, user_tokens_per_second=128))
    assert layout is not None and not layout.meets_speed and "not reachable" in layout.limited_by
    assert layout.batch > 1 and layout.replicas < 100  # batched by memory, not one replica per user


def test_the_layout_with_fewest_gpus_wins_even_when_wider() -> None:
    # 1,000 users on L4s: one L4 (0.9 × 21.86 GiB) holds 14.96 GiB of weights, a 1.19 GiB profile peak (256 requests'
    # sampler) and KV for only 13 users (3.39 GiB / 256 MiB: 77 replicas, 77 GPUs); TP=4 leaves ~227 users of KV per
    # replica, so 5 replicas of 4 (20 GPUs) carry them
    layouts = serving_layouts(setup_for(LLAMA_3_1_8B), L4, ServingTarget(concurrent_users=1000), max_gpus=64)
    best, narrow = layouts[0], next(l for l in layouts if l.parallelism.tensor_parallel == 1)
    assert (best.parallelism.tensor_parallel, best.replicas, best.gpus) == (4, 5, 20)
    assert (narrow.replicas, narrow.gpus, narrow.kv_capacity) == (77, 77, 13)
    assert all(l.parallelism.pipeline_parallel == 1 for l in layouts)  # no pipeline stages for a model one GPU holds


def test_a_request_rate_becomes_sequences_in_flight() -> None:
    # Little's law: 10 requests/s × (prefill + 256 tokens at 10 tokens/s ≈ 25.6 s) ≈ 257 sequences in flight
    setup = setup_for(LLAMA_3_1_8B)
    sequences = concurrent_sequences(setup, H100, Parallelism(), ServingTarget(requests_per_second=10))
    assert 256 <= sequences <= 260


def test_moe_decode_reads_the_experts_a_batch_touches_not_all_of_them() -> None:
    setup = setup_for(MIXTRAL_8X7B)
    one = layout_on(setup, H100, Parallelism(2), ServingTarget(concurrent_users=1))
    assert one is not None
    # one token touches 2 of 8 experts: ~13B of 47B parameters streamed, so far faster than a dense 47B
    dense_47b_tps = 2 * 3350e9 * 0.8 / (46.7e9 * 2)
    assert one.user_tokens_per_second > 2.5 * dense_47b_tps


def test_plan_sizing_reports_kv_for_all_users_and_the_chosen_layout() -> None:
    result = size(SizingRequest(architecture(LLAMA_3_1_8B), concurrent_users=300, gpus=(L4, H100)))
    l4, h100 = result.gpu_fits
    assert l4.fits and h100.fits and l4.total_gpus > h100.total_gpus
    assert h100.replicas and h100.gpu_count * h100.replicas * 71.7 >= 14.96 + 300 * 0.25  # weights + KV, GiB
    assert any("300 concurrent user(s)" in note for note in result.notes)


def test_each_offer_takes_a_layout_that_keeps_the_speed() -> None:
    from stack8s_architect.catalog.compute.schemas import ComputeOffer  # noqa: PLC0415
    from stack8s_architect.planning.compute_step import _offers_for_fit  # noqa: PLC0415
    from stack8s_architect.planning.spec import WorkloadSpec  # noqa: PLC0415

    # 70B for 2 users at 100 tokens/s: TP=2 replicas are narrower but far slower; an 8-GPU box must run TP=8
    fit = size(SizingRequest(architecture_70b(), concurrent_users=2, gpus=(H100,), user_tokens_per_second=100)).gpu_fits[0]
    assert fit.fits and fit.layouts[0].meets_speed
    box = ComputeOffer(provider="aws", upstream_provider=None, instance_type="p5.48xlarge", region="us-east-1",
                       zones=[], country="US", city=None, geography="us", accelerator="h100-sxm",
                       accelerator_name="H100", accelerator_count=8, gpu_memory_gib=80, total_gpu_memory_gib=640,
                       vcpus=192, memory_gib=2048, price_per_hour_usd=98.32, spot_price_per_hour_usd=None, spot=False,
                       hourly_usd=98.32, monthly_cost_usd=71773.6, source="test", catalog_date=None)

    class OneOffer:
        def search(self, request):  # noqa: ANN001, ANN202
            return type("Found", (), {"offers": [box]})()

    (candidate,) = _offers_for_fit(OneOffer(), WorkloadSpec(task="inference"), fit)  # type: ignore[arg-type]
    assert candidate.fit.layouts[0].meets_speed and candidate.fit.layouts[0].user_tokens_per_second >= 100
