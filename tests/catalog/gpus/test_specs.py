"""The curated accelerator table: sourced facts, and the rules every row must obey."""

from __future__ import annotations

import dataclasses

import pytest

from stack8s_architect.catalog.gpus.specs import ACCELERATOR_SPECS, AcceleratorSpec, get_spec
from stack8s_architect.sizing.gpu import GpuSpec

ROWS = list(ACCELERATOR_SPECS.values())
PRE_FP8_NVIDIA_ARCHITECTURES = {"Kepler", "Maxwell", "Pascal", "Volta", "Turing", "Ampere"}
FP8_NVIDIA_ARCHITECTURES = {"Hopper", "Ada Lovelace", "Blackwell"}
VENDORS = {"NVIDIA", "AMD", "Intel", "Google", "AWS", "Qualcomm"}
KINDS = {"gpu", "tpu", "asic"}


def row_id(row: AcceleratorSpec) -> str:
    return row.key


@pytest.mark.parametrize(
    ("key", "runtime_total_mib"),
    [
        ("H100-SXM", 81559),  # nvidia-smi total, modal-labs/modal-client#2797
        ("A100-80GB", 81920),  # same source
        ("A100-40GB", 40960),  # same source
        ("A10", 23028),  # same source
        ("A10G", 23028),  # nvidia-smi on AWS g5 (same GA102 board memory as the A10)
        ("L40S", 46068),  # modal-labs/modal-client#2797
        ("L4", 23034),  # same source
        ("T4", 15360),  # same source
        ("B200", 183359),  # nvidia-smi, NVIDIA/TensorRT-LLM#10278
        ("RTX4090", 24564),  # nvidia-smi, RLinf/RLinf#255
        ("RTXPRO6000", 97887),  # nvidia-smi, bigstack-oss/cubecos#312
        ("K80", 11441),  # nvidia-smi per GK210, rcgsheffield/sheffield_hpc#1030
        ("V100-32GB", 32768),  # nvidia-smi, Wan-Video/Wan2.1#5
        ("MI300X", 206141652992 / 2**20),  # rocm-smi bytes, ROCm/legacy-rocm-build#4750
    ],
)
def test_usable_memory_is_what_the_runtime_reports(key: str, runtime_total_mib: float) -> None:
    assert get_spec(key).usable_memory_gib == pytest.approx(runtime_total_mib / 1024, abs=0.01)


@pytest.mark.parametrize(
    ("key", "field", "expected"),
    [
        ("H100-SXM", "bf16_tflops", 989.5),  # H100 datasheet: 1,979 TFLOPS BF16 with sparsity
        ("H100-SXM", "memory_bandwidth_gb_s", 3350),  # H100 datasheet, SXM column: 3.35 TB/s
        ("H100-PCIe", "memory_bandwidth_gb_s", 2000),  # H100 PCIe product brief: 2 TB/s HBM2e
        ("H100-NVL", "memory_gib", 94),  # H100 datasheet, NVL column: 94 GB
        ("H200", "memory_bandwidth_gb_s", 4800),  # H200 datasheet: 4.8 TB/s
        ("B200", "fp8_tflops", 4500),  # HGX B200: 72 PFLOPS FP8 sparse / 8 GPUs / 2
        ("B300", "bf16_tflops", 2250),  # HGX B300: 36 PFLOPS BF16 sparse / 8 GPUs / 2
        ("A100-80GB", "memory_bandwidth_gb_s", 2039),  # A100 datasheet, 80GB SXM column
        ("A100-80GB-PCIe", "memory_bandwidth_gb_s", 1935),  # A100 datasheet, 80GB PCIe column
        ("A100-40GB", "int8_tops", 624),  # A100 datasheet: 1,248 TOPS INT8 with sparsity
        ("L40S", "fp8_tflops", 733),  # L40S datasheet: 1,466 TFLOPS FP8 with sparsity
        ("L40", "bf16_tflops", 181.05),  # L40 datasheet: 362.1 TFLOPS BF16 with sparsity
        ("L4", "tdp_watts", 72),  # L4 datasheet
        ("T4", "int8_tops", 130),  # T4 datasheet
        ("RTX6000", "memory_gib", 24),  # Quadro RTX 6000 (Turing), not the 48 GB RTX 6000 Ada
        ("RTX6000-Ada", "memory_gib", 48),  # RTX 6000 Ada datasheet
        ("MI300X", "bf16_tflops", 1307.4),  # MI300X data sheet: 2,614.9 TFLOPS BF16 with sparsity
        ("Gaudi2", "bf16_tflops", 432),  # Intel Hot Chips 2024 table, Gaudi 2 column
        ("Trainium2", "fp8_tflops", 1299),  # AWS Neuron docs, Trainium2 architecture
        ("Inferentia2", "memory_gib", 32),  # AWS Neuron docs, Inferentia2 architecture
        ("Qualcomm-AI100", "int8_tops", 325),  # Qualcomm Cloud AI SDK docs, AI 100 Standard
        ("TPU-v4", "bf16_tflops", 275),  # Cloud TPU v4 docs
        ("TPU-v5p", "memory_bandwidth_gb_s", 2765),  # Cloud TPU v5p docs
        ("TPU-v5e", "bf16_tflops", 197),  # Cloud TPU v5e docs
        ("TPU-v6e", "int8_tops", 1836),  # Cloud TPU v6e docs
    ],
)
def test_datasheet_figures(key: str, field: str, expected: float) -> None:
    assert getattr(get_spec(key), field) == pytest.approx(expected)


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_figures_are_positive(row: AcceleratorSpec) -> None:
    assert row.memory_gib > 0
    assert row.usable_memory_gib > 0
    assert row.memory_bandwidth_gb_s > 0
    assert row.bf16_tflops > 0
    assert row.fp16_tflops > 0
    for optional in (row.fp8_tflops, row.int8_tops, row.interconnect_bandwidth_gb_s, row.tdp_watts):
        assert optional is None or optional > 0


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_usable_memory_is_a_small_reservation_below_the_datasheet(row: AcceleratorSpec) -> None:
    # The largest gap in the table is B300 (262.5 of 288 GiB); ECC-on GDDR loses 1/16.
    assert 0.9 * row.memory_gib <= row.usable_memory_gib <= row.memory_gib


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_fp8_only_from_hopper_and_ada_on(row: AcceleratorSpec) -> None:
    if row.vendor == "NVIDIA" and row.architecture in PRE_FP8_NVIDIA_ARCHITECTURES:
        assert row.fp8_tflops is None
    if row.vendor == "NVIDIA" and row.architecture in FP8_NVIDIA_ARCHITECTURES:
        assert row.fp8_tflops is not None


@pytest.mark.parametrize("row", [row for row in ROWS if row.fp8_tflops is not None], ids=row_id)
def test_fp8_is_at_least_the_bf16_rate(row: AcceleratorSpec) -> None:
    assert row.fp8_tflops is not None and row.fp8_tflops >= row.bf16_tflops


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_categorical_fields(row: AcceleratorSpec) -> None:
    assert row.vendor in VENDORS
    assert row.kind in KINDS
    assert (row.kind == "tpu") == (row.vendor == "Google")
    if row.kind == "gpu":
        assert row.vendor in {"NVIDIA", "AMD"}
    assert row.architecture and row.memory_type and row.interconnect and row.form_factor
    assert row.source


def test_every_row_is_indexed_under_its_own_key() -> None:
    assert [row.key for row in ROWS] == list(ACCELERATOR_SPECS)
    assert all(ACCELERATOR_SPECS[key].key == key for key in ACCELERATOR_SPECS)


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_to_gpu_spec_round_trips_the_sizing_fields(row: AcceleratorSpec) -> None:
    gpu = row.to_gpu_spec()

    assert isinstance(gpu, GpuSpec)
    for field in dataclasses.fields(GpuSpec):
        if field.name == "node_gpus":  # how the GPU is sold, not a datasheet figure: the planner sets it per catalog
            assert gpu.node_gpus == 8
            continue
        assert getattr(gpu, field.name) == getattr(row, field.name), field.name


def test_get_spec_returns_the_row() -> None:
    assert get_spec("H100-SXM") is ACCELERATOR_SPECS["H100-SXM"]


def test_get_spec_unknown_key_raises_key_error_with_close_matches() -> None:
    with pytest.raises(KeyError, match="H100-SXM"):
        get_spec("H100-SMX")


def test_table_and_rows_are_read_only() -> None:
    row = get_spec("L4")

    with pytest.raises(TypeError):
        ACCELERATOR_SPECS["L4"] = row  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        row.memory_gib = 48  # type: ignore[misc]
