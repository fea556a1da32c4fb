"""Decode and prefill throughput, replicas, training FLOPs, time and cost."""

from __future__ import annotations

import pytest

from stack8s_architect.sizing import (
    InstanceOffer,
    Parallelism,
    ServingSetup,
    decode_tokens_per_second,
    kv_cache_dtype_named,
    monthly_cost_usd,
    per_sample_training_flops,
    precision_named,
    prefill_tokens_per_second,
    training_hours,
    training_run_cost,
    transformer_training_flops,
)
from stack8s_architect.sizing.throughput import (
    DECODE_BANDWIDTH_EFFICIENCY,
    PREFILL_COMPUTE_EFFICIENCY,
    decode_weight_bytes_per_step,
    expected_experts_touched,
    peak_tflops,
    prefill_flops_per_token,
)

from .known import A100, H100, L4, LLAMA_3_1_8B, MIXTRAL_8X7B, architecture

AUTO = kv_cache_dtype_named("auto")
BF16 = precision_named("bf16")


def test_dense_decode_is_bandwidth_over_bytes_per_token() -> None:
    arch = architecture(LLAMA_3_1_8B)
    setup = ServingSetup(arch, BF16, AUTO, 1024)
    streamed = 2 * (arch.total_params - arch.params.embedding) + 1024 * 131_072
    expected = 3350e9 * DECODE_BANDWIDTH_EFFICIENCY / streamed
    assert decode_tokens_per_second(setup, H100, Parallelism(), 1) == pytest.approx(expected)


def test_batching_raises_aggregate_decode() -> None:
    setup = ServingSetup(architecture(LLAMA_3_1_8B), BF16, AUTO, 1024)
    assert decode_tokens_per_second(setup, H100, Parallelism(), 32) > 10 * decode_tokens_per_second(setup, H100, Parallelism(), 1)


def test_tensor_parallel_adds_bandwidth() -> None:
    setup = ServingSetup(architecture(LLAMA_3_1_8B), BF16, AUTO, 1024)
    one = decode_tokens_per_second(setup, L4, Parallelism(1), 1)
    assert decode_tokens_per_second(setup, L4, Parallelism(2), 1) == pytest.approx(2 * one)


def test_moe_batch_touches_more_experts() -> None:
    arch = architecture(MIXTRAL_8X7B)
    assert expected_experts_touched(arch, 1) == pytest.approx(2)
    assert expected_experts_touched(arch, 64) == pytest.approx(8, rel=1e-3)
    single = decode_weight_bytes_per_step(arch, BF16, 1)
    assert single == pytest.approx(2 * (arch.active_params - arch.params.embedding))
    assert decode_weight_bytes_per_step(arch, BF16, 256) == pytest.approx(2 * (arch.total_params - arch.params.embedding))


def test_prefill_is_compute_bound() -> None:
    arch = architecture(LLAMA_3_1_8B)
    assert prefill_flops_per_token(arch, 2) == pytest.approx(2 * arch.active_params, rel=1e-4)
    setup = ServingSetup(arch, BF16, AUTO, 2)
    expected = 989e12 * PREFILL_COMPUTE_EFFICIENCY / prefill_flops_per_token(arch, 2)
    assert prefill_tokens_per_second(setup, H100, Parallelism()) == pytest.approx(expected)


def test_fp8_uses_fp8_tensor_cores_only_where_present() -> None:
    fp8 = precision_named("fp8")
    assert peak_tflops(H100, fp8) == 1979
    assert peak_tflops(A100, fp8) == 312


def test_training_flops_rules() -> None:
    assert transformer_training_flops(7e9, 1e12) == 6 * 7e9 * 1e12
    assert transformer_training_flops(7e9, 1e12, frozen_base=True) == 4 * 7e9 * 1e12
    # timm results: resnet50 4.11 GMACs = 8.22 GFLOPs forward; ImageNet-1k has 1,281,167 images; 90 epochs.
    assert per_sample_training_flops(8.22e9, 1_281_167, 90) == pytest.approx(3 * 8.22e9 * 1_281_167 * 90)


def test_training_hours_and_cost() -> None:
    hours = training_hours(4.2e22, gpu_count=64, peak_tflops=989, mfu=0.4)
    assert hours == pytest.approx(4.2e22 / (64 * 989e12 * 0.4) / 3600)
    run = training_run_cost(hours, 12, InstanceOffer(usd_per_hour=98.32, gpus_per_instance=8))
    assert run.instances == 2 and run.usd == pytest.approx(hours * 2 * 98.32)


def test_training_hours_rejects_impossible_inputs() -> None:
    with pytest.raises(ValueError):
        training_hours(1e20, gpu_count=0, peak_tflops=989)
    with pytest.raises(ValueError):
        training_hours(1e20, gpu_count=1, peak_tflops=989, mfu=1.5)


def test_monthly_cost() -> None:
    assert monthly_cost_usd(1.0) == 730
    assert monthly_cost_usd(1.5, instances=2) == 2190
