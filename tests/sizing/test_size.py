"""The `size` entry point and the contract shape of its result."""

from __future__ import annotations

import pytest

from stack8s_architect.sizing import (
    SizingRequest,
    UnknownPrecisionError,
    architecture_from_params,
    size,
    training_hours,
)

from .known import A100, A6000, DEEPSEEK_V3, H100, L4, LLAMA_3_1_8B, LLAMA_65B, architecture

CONTRACT_KEYS = {
    "mode", "model_id", "params_billions", "precision", "weights_gib", "kv_cache_gib", "overhead_gib",
    "required_gpu_memory_gib", "tokens_per_second", "training_hours", "confidence", "notes",
}
LLAMA_8B = architecture(LLAMA_3_1_8B, "meta-llama/Llama-3.1-8B")


def test_to_dict_has_exactly_the_contract_keys() -> None:
    data = size(SizingRequest(LLAMA_8B, gpu=L4)).to_dict()
    assert set(data) == CONTRACT_KEYS
    assert data["model_id"] == "meta-llama/Llama-3.1-8B" and data["confidence"] == "exact"
    assert isinstance(data["notes"], list) and all(isinstance(note, str) for note in data["notes"])


def test_inference_on_one_l4_at_full_context() -> None:
    result = size(SizingRequest(LLAMA_8B, context_length_tokens=131_072, gpu=L4, gpu_count=1))
    assert result.weights_gib == pytest.approx(14.96, abs=0.01)
    assert result.kv_cache_gib == 16.0 and result.kv_cache_bytes_per_token == 131_072
    assert result.required_gpu_memory_gib == pytest.approx(result.weights_gib + result.kv_cache_gib + result.overhead_gib)
    assert result.fit is not None and not result.fit.fits
    assert result.tokens_per_second is None  # nothing is served when it does not fit
    assert any("128 KiB per token" in note for note in result.notes)
    assert any("does not fit" in note for note in result.notes)


def test_default_context_and_precision_come_from_the_model() -> None:
    result = size(SizingRequest(architecture(DEEPSEEK_V3)))
    assert (result.precision, result.kv_cache_dtype, result.context_length_tokens) == ("fp8", "auto", 4096)
    assert result.fit is None and result.gpu_fits == ()


def test_gpu_count_per_accelerator() -> None:
    # memory alone: 8 sequences of 32k tokens (32 GiB of KV) + 15 GiB of weights; a slow reader accepted
    request = SizingRequest(LLAMA_8B, context_length_tokens=32_768, concurrency=8, gpu=L4, gpus=(L4, A6000, H100),
                            user_tokens_per_second=1)
    result = size(request)
    counts = {fit.gpu_key: fit.gpu_count for fit in result.gpu_fits}
    assert counts == {"l4": 4, "rtx-a6000": 2, "h100-sxm": 1}
    # 20 tokens/s per user: 4 × L4 stream 16 GB + 8 × 1.07 GB per step at 240 GB/s = 19 tokens/s each, so the
    # eight users need twice the L4s
    speed = size(SizingRequest(LLAMA_8B, context_length_tokens=32_768, concurrency=8, gpus=(L4,),
                               user_tokens_per_second=20))
    assert speed.gpu_fits[0].total_gpus == 8
    assert all(fit.fits and fit.tokens_per_second and fit.tokens_per_second > 0 for fit in result.gpu_fits)
    assert result.tokens_per_second == result.gpu_fits[0].tokens_per_second
    assert result.overhead_gib > 4 * 0.5  # four GPUs' worth of runtime overhead


def test_replicas_for_a_request_rate() -> None:
    light = size(SizingRequest(LLAMA_8B, gpu=H100, requests_per_second=1)).fit
    heavy = size(SizingRequest(LLAMA_8B, gpu=H100, requests_per_second=200)).fit
    assert light.replicas == 1 and heavy.replicas > 1


def test_full_training_time_uses_the_fitted_gpu_count() -> None:
    request = SizingRequest(LLAMA_8B, mode="training", context_length_tokens=2048, gpu=H100, training_tokens=1e9)
    result = size(request)
    assert result.fit.fits and result.fit.gpu_count == 2
    # 6·N·D, plus the forward pass activation checkpointing (on by default) recomputes: 2·N·D
    assert result.training_flops == pytest.approx(8 * LLAMA_8B.active_params * 1e9)
    without = size(SizingRequest(LLAMA_8B, mode="training", context_length_tokens=2048, gpu=H100, training_tokens=1e9,
                                 gradient_checkpointing=False))
    assert without.training_flops == pytest.approx(6 * LLAMA_8B.active_params * 1e9)
    assert result.training_hours == pytest.approx(training_hours(result.training_flops, 2, 989, 0.4))
    assert result.kv_cache_gib == 0 and result.tokens_per_second is None
    assert result.required_gpu_memory_gib == pytest.approx(result.weights_gib + result.overhead_gib)


def test_qlora_mode_reports_nf4_and_fits_65b_on_one_a6000() -> None:
    result = size(SizingRequest(architecture(LLAMA_65B), mode="qlora", context_length_tokens=512, lora_rank=64, gpu=A6000))
    assert result.precision == "nf4" and result.fit.fits and result.fit.gpu_count == 1
    assert result.to_dict()["mode"] == "qlora"


def test_llm_training_without_tokens_has_no_time() -> None:
    result = size(SizingRequest(LLAMA_8B, mode="lora", gpu=A100))
    assert result.training_hours is None
    assert any("training_tokens" in note for note in result.notes)


def test_vision_training_time_from_flops_per_sample() -> None:
    resnet = architecture_from_params(0.0256, modality="vision", model_id="timm/resnet50.a1_in1k")
    request = SizingRequest(
        resnet, mode="training", concurrency=256, gpu=A100, forward_gflops_per_sample=8.22, training_samples=1_281_167, epochs=90
    )
    result = size(request)
    assert result.confidence == "estimated"
    assert result.training_flops == pytest.approx(3 * 8.22e9 * 1_281_167 * 90)
    assert result.training_hours == pytest.approx(result.training_flops / (312e12 * 0.4) / 3600)


def test_estimated_architecture_marks_the_result() -> None:
    result = size(SizingRequest(architecture_from_params(13), gpu=L4))
    assert result.confidence == "estimated"
    assert any("estimated" in note for note in result.notes)


def test_details_carry_fits_and_inputs() -> None:
    details = size(SizingRequest(LLAMA_8B, gpu=L4, gpus=(H100,))).details()
    assert set(details) >= CONTRACT_KEYS | {"fit", "gpu_fits", "kv_cache_dtype", "context_length_tokens"}
    assert details["fit"]["gpu"] == "l4" and details["gpu_fits"][0]["gpu"] == "h100-sxm"


def test_same_request_same_result() -> None:
    request = SizingRequest(LLAMA_8B, context_length_tokens=8192, concurrency=4, gpu=L4, gpus=(L4, H100))
    assert size(request) == size(request)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"concurrency": 0}, "concurrency"),
        ({"context_length_tokens": 0}, "context_length_tokens"),
        ({"gpu_memory_utilization": 1.5}, "gpu_memory_utilization"),
        ({"gpu_count": 0}, "gpu_count"),
        ({"mode": "pretraining"}, "mode"),
        ({"mfu": 0}, "mfu"),
    ],
)
def test_bad_requests_say_what_to_change(changes: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        size(SizingRequest(LLAMA_8B, **changes))


def test_unknown_precision_is_reported() -> None:
    with pytest.raises(UnknownPrecisionError):
        size(SizingRequest(LLAMA_8B, precision="q4km"))


def test_training_reports_hours_per_accelerator() -> None:
    request = SizingRequest(LLAMA_8B, mode="lora", context_length_tokens=2048, training_tokens=1e8, gpus=(A100, H100))
    fits = size(request).gpu_fits
    assert [fit.gpu_count for fit in fits] == [1, 1]
    assert fits[1].training_hours == pytest.approx(fits[0].training_hours * 312 / 989)
    assert fits[0].to_dict()["training_hours"] == pytest.approx(fits[0].training_hours, abs=0.01)


def test_kv_dtype_auto_follows_the_dtype_the_model_runs_in() -> None:
    """Served in fp32 (--dtype float32) the cache is 4 bytes per element; in bf16, as vLLM casts an fp32 checkpoint
    under --dtype auto, 2."""
    fp32 = size(SizingRequest(LLAMA_8B, precision="fp32", context_length_tokens=4096))
    bf16 = size(SizingRequest(LLAMA_8B, precision="bf16", context_length_tokens=4096))
    assert fp32.kv_cache_dtype == "fp32" and bf16.kv_cache_dtype == "auto"
    assert fp32.kv_cache_bytes_per_token == 2 * bf16.kv_cache_bytes_per_token == 2 * 131_072
