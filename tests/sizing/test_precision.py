"""Precision and KV-dtype tables: lookups, aliases, unknown names."""

from __future__ import annotations

import pytest

from stack8s_architect.sizing import UnknownPrecisionError, known_precisions, kv_cache_dtype_named, precision_named


@pytest.mark.parametrize(
    ("name", "canonical", "bits"),
    [
        ("bfloat16", "bf16", 16),
        ("FP16", "fp16", 16),
        ("float32", "fp32", 32),
        ("fp8_e4m3", "fp8", 8),
        ("W8A16", "int8", 8),
        ("AWQ", "awq", 4 + 20 / 128),  # fp16 scale + 4-bit zero per 128 weights
        ("gptq", "gptq", 4 + 20 / 128),
        ("nf4", "nf4", 4.127),  # QLoRA paper: 4 + 8/64 + 32/(64·256) bits
        ("GGUF Q4_K_M", "q4_k_m", 4.89),
        ("q8_0", "q8_0", 8.5),  # 34 bytes per 32 weights
        ("Q6_K", "q6_k", 6.5625),  # 210 bytes per 256 weights
        ("mxfp4", "mxfp4_moe", 4.25),
        ("nvfp4", "nvfp4", 4.5),
    ],
)
def test_precision_lookup(name: str, canonical: str, bits: float) -> None:
    precision = precision_named(name)
    assert precision.name == canonical
    assert precision.bits_per_weight == pytest.approx(bits)
    assert precision.bytes_per_weight == pytest.approx(bits / 8)


def test_scopes_say_what_is_quantized() -> None:
    assert precision_named("q4_k_m").scope == "all"
    assert precision_named("awq").scope == "linear"
    assert precision_named("mxfp4").scope == "experts"
    assert precision_named("fp8").uses_fp8_tensor_cores
    assert not precision_named("bf16").is_quantized and precision_named("int8").is_quantized


def test_unknown_precision_suggests_close_names() -> None:
    with pytest.raises(UnknownPrecisionError) as caught:
        precision_named("q4km")
    assert "q4_k_m" in caught.value.suggestions
    assert "Did you mean" in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_unknown_precision_without_match_has_no_suggestions() -> None:
    with pytest.raises(UnknownPrecisionError) as caught:
        precision_named("banana")
    assert caught.value.suggestions == []


@pytest.mark.parametrize(
    ("name", "size"), [("auto", 2), ("bf16", 2), ("fp8", 1), ("fp8_e5m2", 1), ("fp32", 4), ("q8_0", 34 / 32), ("q4_0", 18 / 32)]
)
def test_kv_dtypes(name: str, size: float) -> None:
    assert kv_cache_dtype_named(name).bytes_per_element == pytest.approx(size)


def test_unknown_kv_dtype() -> None:
    with pytest.raises(UnknownPrecisionError, match="KV cache dtype"):
        kv_cache_dtype_named("fp7")


def test_known_precisions_lists_every_table_row() -> None:
    names = known_precisions()
    assert {"bf16", "fp8", "awq", "q4_k_m", "nf4"} <= set(names)
    assert all(precision_named(name).name == name for name in names)
