"""Hand-curated accelerator facts from vendor datasheets, one row per accelerator key.

Conventions (every row follows them; a row's `notes` says when it cannot):

* `memory_gib` is the vendor's capacity figure read as GiB. DRAM dies come in power-of-two sizes,
  so an "80 GB" HBM part carries 80 GiB (nvidia-smi on an A100 80GB reports 81920 MiB). Where the
  vendor quotes an enabled capacity below the physical stacks (H100 NVL 94, H200 141, B200 180,
  GB200 186, TPU v5p 95) that enabled figure is used.
* `usable_memory_gib` is what the runtime reports as total (nvidia-smi / rocm-smi). Where no
  runtime figure was found it is assumed with one of the two `_assume_*` helpers below and the
  row's notes say so.
* TFLOPS / TOPS are dense (no 2:4 sparsity). For GeForce-class cards and the A10G, whose FP32-
  accumulate tensor rate is half the FP16-accumulate rate, the FP32-accumulate figure is used
  because that is what PyTorch and inference engines run. Parts without BF16 carry their best
  16-bit (or FP32) rate in `bf16_tflops`, with a note.
* `interconnect_bandwidth_gb_s` is the bidirectional GPU-to-GPU path every instance of the part is
  guaranteed: NVLink/NVSwitch for SXM parts, otherwise the host PCIe link (PCIe 3.0/4.0/5.0 x16 =
  32/64/128 GB/s). Optional NVLink bridges are named in `interconnect` but not counted.
* Multi-GPU boards (K80, M60, GRID K520, A16) and TPU slices are described per GPU / per chip.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from stack8s_architect.sizing.gpu import GpuSpec

Vendor = Literal["NVIDIA", "AMD", "Intel", "Google", "AWS", "Qualcomm"]
Kind = Literal["gpu", "tpu", "asic"]


@dataclass(frozen=True)
class AcceleratorSpec:
    """One accelerator's datasheet figures (per GPU / per chip); see the module docstring for units."""

    key: str
    vendor: Vendor
    kind: Kind
    architecture: str
    memory_gib: float
    usable_memory_gib: float
    memory_type: str
    memory_bandwidth_gb_s: float
    bf16_tflops: float
    fp16_tflops: float
    fp8_tflops: float | None
    int8_tops: float | None
    interconnect: str
    interconnect_bandwidth_gb_s: float | None
    # None where the vendor publishes no power figure (AWS Neuron chips, newer TPUs).
    tdp_watts: float | None
    form_factor: str
    source: str
    notes: str = ""
    # an inference chip: no training stack (backward passes, optimizers) — training never lands on it
    inference_only: bool = False
    # the device total CUDA reports (torch.cuda.mem_get_info, what vLLM budgets against), where a log shows it
    cuda_total_gib: float | None = None

    def to_gpu_spec(self) -> GpuSpec:
        """The subset of figures the sizing formulas use."""
        return GpuSpec(
            key=self.key,
            memory_gib=self.memory_gib,
            usable_memory_gib=self.usable_memory_gib,
            memory_bandwidth_gb_s=self.memory_bandwidth_gb_s,
            bf16_tflops=self.bf16_tflops,
            fp8_tflops=self.fp8_tflops,
            interconnect=self.interconnect,
            interconnect_bandwidth_gb_s=self.interconnect_bandwidth_gb_s,
            cuda_total_gib=self.cuda_total_gib,
        )


def _mib(runtime_total_mib: float) -> float:
    """A runtime-reported total (MiB) in GiB, rounded to 0.01."""
    return round(runtime_total_mib / 1024, 2)


def _assume_ecc_reserve(memory_gib: float) -> float:
    """Usable GiB for a GDDR part with ECC on by default: 1/16 is reserved (L4, T4, A10 report so)."""
    return round(memory_gib * 15 / 16, 2)


def _assume_firmware_reserve(memory_gib: float) -> float:
    """Usable GiB for a part with no measured figure: 1% reserved (H100 reports 0.44% less)."""
    return round(memory_gib * 0.99, 2)


_ASSUMED_ECC = "usable memory assumed (datasheet minus 1/16 ECC reservation), not measured"
_ASSUMED_FIRMWARE = "usable memory assumed (datasheet minus 1% runtime reservation), not measured"
_VAST = "usable memory from the vast catalog (nvidia-smi total / GPU count)"
_FP32_ACCUMULATE = "GeForce-class: dense FP32-accumulate tensor rates (half the FP16-accumulate rate)"
_NO_BF16 = "no BF16: bf16_tflops carries the dense FP16 rate"

_PCIE3 = "PCIe 3.0 x16"
_PCIE4 = "PCIe 4.0 x16"
_PCIE5 = "PCIe 5.0 x16"
_PCIE3_GB_S = 32.0
_PCIE4_GB_S = 64.0
_PCIE5_GB_S = 128.0
_PCIE4_NVLINK_BRIDGE = f"{_PCIE4}; optional NVLink bridge (112.5 GB/s)"

_NVIDIA_TENSOR_DATASHEET = "https://resources.nvidia.com/en-us-tensor-core/nvidia-tensor-core-gpu-datasheet"
_NVIDIA_A100_DATASHEET = (
    "https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/a100/pdf/"
    "nvidia-a100-datasheet-us-nvidia-1758950-r4-web.pdf"
)
_ADA_WHITEPAPER = "NVIDIA Ada Lovelace GPU architecture whitepaper v2.1 (Appendix A)"
_GA102_WHITEPAPER = "NVIDIA Ampere GA102 GPU architecture whitepaper v2 (Appendix A)"
_RTX_BLACKWELL_WHITEPAPER = "NVIDIA RTX Blackwell GPU architecture whitepaper (GeForce RTX 50 series)"
_NEURON_ARCH = "https://awsdocs-neuron.readthedocs-hosted.com/en/latest/general/arch/neuron-hardware/"
_TPU_DOCS = "https://cloud.google.com/tpu/docs/"
_NEURON_DEVICE = "Neuron device"

_ROWS: tuple[AcceleratorSpec, ...] = (
    # ---------------------------------------------------------------- NVIDIA data centre: Blackwell
    AcceleratorSpec(
        key="B300", vendor="NVIDIA", kind="gpu", architecture="Blackwell", form_factor="SXM",
        memory_gib=288, usable_memory_gib=_mib(268800), memory_type="HBM3e", memory_bandwidth_gb_s=8000,
        bf16_tflops=2250, fp16_tflops=2250, fp8_tflops=4500, int8_tops=125,
        interconnect="NVLink 5 (1.8 TB/s)", interconnect_bandwidth_gb_s=1800, tdp_watts=1100,
        source="NVIDIA HGX B300 datasheet (8-GPU platform figures / 8, dense = sparse / 2)",
        notes="Blackwell Ultra. Usable 268800 MiB as verda lists (AWS p6-b300: 262 GB; lium lists "
        "275456 MiB). INT8 cut to 2 POPS sparse per 8 GPUs on Blackwell Ultra.",
    ),
    AcceleratorSpec(
        key="B200", vendor="NVIDIA", kind="gpu", architecture="Blackwell", form_factor="SXM",
        memory_gib=180, usable_memory_gib=_mib(183359), memory_type="HBM3e", memory_bandwidth_gb_s=7700,
        bf16_tflops=2250, fp16_tflops=2250, fp8_tflops=4500, int8_tops=4500,
        interconnect="NVLink 5 (1.8 TB/s)", interconnect_bandwidth_gb_s=1800, tdp_watts=1000,
        source="NVIDIA HGX B200 datasheet (8-GPU platform figures / 8, dense = sparse / 2)",
        notes="nvidia-smi reports 183359 MiB at a 1000 W cap (NVIDIA/TensorRT-LLM#10278). NVIDIA "
        "quotes 8 TB/s; the driver's 7680-bit bus gives 7.67 TB/s (pytorch/ao#4002).",
    ),
    AcceleratorSpec(
        key="GB200", vendor="NVIDIA", kind="gpu", architecture="Blackwell", form_factor="Superchip",
        memory_gib=186, usable_memory_gib=185.0, memory_type="HBM3e", memory_bandwidth_gb_s=8000,
        bf16_tflops=2500, fp16_tflops=2500, fp8_tflops=5000, int8_tops=5000,
        interconnect="NVLink 5 (1.8 TB/s)", interconnect_bandwidth_gb_s=1800, tdp_watts=1200,
        source="NVIDIA GB200 NVL72 datasheet (rack figures / 72 GPUs, dense = sparse / 2)",
        notes="Per Blackwell GPU of a Grace Blackwell superchip (2 GPUs + 1 Grace share ~2.7 kW). "
        "Usable from AWS p6e-gb200 (740 GB for 4 GPUs); runtime figure not measured here.",
    ),
    # ------------------------------------------------------------------- NVIDIA data centre: Hopper
    AcceleratorSpec(
        key="GH200", vendor="NVIDIA", kind="gpu", architecture="Hopper", form_factor="Superchip",
        memory_gib=96, usable_memory_gib=_assume_firmware_reserve(96), memory_type="HBM3",
        memory_bandwidth_gb_s=4000, bf16_tflops=989.5, fp16_tflops=989.5, fp8_tflops=1979, int8_tops=1979,
        interconnect="NVLink-C2C to Grace (900 GB/s)", interconnect_bandwidth_gb_s=900, tdp_watts=1000,
        source="NVIDIA GH200 Grace Hopper Superchip datasheet (96 GB HBM3 variant)",
        notes="TDP is the configurable 450-1000 W of the whole superchip. " + _ASSUMED_FIRMWARE,
    ),
    AcceleratorSpec(
        key="H200", vendor="NVIDIA", kind="gpu", architecture="Hopper", form_factor="SXM",
        memory_gib=141, usable_memory_gib=_mib(143771), memory_type="HBM3e", memory_bandwidth_gb_s=4800,
        bf16_tflops=989.5, fp16_tflops=989.5, fp8_tflops=1979, int8_tops=1979,
        interconnect="NVLink 4 (900 GB/s)", interconnect_bandwidth_gb_s=900, tdp_watts=700,
        source="NVIDIA H200 Tensor Core GPU datasheet (H200 SXM column)",
        notes=_VAST,
    ),
    AcceleratorSpec(
        key="H100-SXM", vendor="NVIDIA", kind="gpu", architecture="Hopper", form_factor="SXM",
        memory_gib=80, usable_memory_gib=_mib(81559), memory_type="HBM3", memory_bandwidth_gb_s=3350,
        bf16_tflops=989.5, fp16_tflops=989.5, fp8_tflops=1979, int8_tops=1979,
        interconnect="NVLink 4 (900 GB/s)", interconnect_bandwidth_gb_s=900, tdp_watts=700,
        source=f"NVIDIA H100 Tensor Core GPU datasheet, H100 SXM column ({_NVIDIA_TENSOR_DATASHEET}); CUDA total "
               "79.19 GiB: vLLM 0.19 log 'Free memory on device (78.68/79.19 GiB)' (llm-d-planner accuracy sweep)",
        cuda_total_gib=79.19,
    ),
    AcceleratorSpec(
        key="H100-PCIe", vendor="NVIDIA", kind="gpu", architecture="Hopper", form_factor="PCIe",
        memory_gib=80, usable_memory_gib=_mib(81559), memory_type="HBM2e", memory_bandwidth_gb_s=2000,
        bf16_tflops=756.5, fp16_tflops=756.5, fp8_tflops=1513, int8_tops=1513,
        interconnect=f"{_PCIE5}; optional NVLink bridge (600 GB/s)", interconnect_bandwidth_gb_s=_PCIE5_GB_S,
        tdp_watts=350, source=f"NVIDIA H100 PCIe product brief / {_NVIDIA_TENSOR_DATASHEET}",
    ),
    AcceleratorSpec(
        key="H100-NVL", vendor="NVIDIA", kind="gpu", architecture="Hopper", form_factor="PCIe",
        memory_gib=94, usable_memory_gib=_mib(95830), memory_type="HBM3", memory_bandwidth_gb_s=3900,
        bf16_tflops=835.5, fp16_tflops=835.5, fp8_tflops=1670.5, int8_tops=1670.5,
        interconnect=f"{_PCIE5}; NVLink bridge pairs (600 GB/s)", interconnect_bandwidth_gb_s=_PCIE5_GB_S,
        tdp_watts=400,
        source=f"NVIDIA H100 Tensor Core GPU datasheet, H100 NVL column ({_NVIDIA_TENSOR_DATASHEET})",
        notes=_VAST,
    ),
    # ------------------------------------------------------------------ NVIDIA data centre: Ampere
    AcceleratorSpec(
        key="A100-40GB", vendor="NVIDIA", kind="gpu", architecture="Ampere", form_factor="SXM",
        memory_gib=40, usable_memory_gib=_mib(40960), memory_type="HBM2", memory_bandwidth_gb_s=1555,
        bf16_tflops=312, fp16_tflops=312, fp8_tflops=None, int8_tops=624,
        interconnect="NVLink 3 (600 GB/s)", interconnect_bandwidth_gb_s=600, tdp_watts=400,
        source=f"NVIDIA A100 datasheet, A100 40GB SXM column ({_NVIDIA_A100_DATASHEET})",
        notes="Also stands for 40 GB PCIe offers: same memory, bandwidth and compute (250 W, PCIe 4.0).",
    ),
    AcceleratorSpec(
        key="A100-80GB", vendor="NVIDIA", kind="gpu", architecture="Ampere", form_factor="SXM",
        memory_gib=80, usable_memory_gib=_mib(81920), memory_type="HBM2e", memory_bandwidth_gb_s=2039,
        bf16_tflops=312, fp16_tflops=312, fp8_tflops=None, int8_tops=624,
        interconnect="NVLink 3 (600 GB/s)", interconnect_bandwidth_gb_s=600, tdp_watts=400,
        source=f"NVIDIA A100 datasheet, A100 80GB SXM column ({_NVIDIA_A100_DATASHEET}); CUDA total 79.15 GiB: "
               "PyTorch 'GPU 0 has a total capacity of 79.15 GiB' beside nvidia-smi's 81920MiB",
        cuda_total_gib=79.15,
    ),
    AcceleratorSpec(
        key="A100-80GB-PCIe", vendor="NVIDIA", kind="gpu", architecture="Ampere", form_factor="PCIe",
        memory_gib=80, usable_memory_gib=_mib(81920), memory_type="HBM2e", memory_bandwidth_gb_s=1935,
        bf16_tflops=312, fp16_tflops=312, fp8_tflops=None, int8_tops=624,
        interconnect=f"{_PCIE4}; optional NVLink bridge (600 GB/s)", interconnect_bandwidth_gb_s=_PCIE4_GB_S,
        tdp_watts=300, source=f"NVIDIA A100 datasheet, A100 80GB PCIe column ({_NVIDIA_A100_DATASHEET})",
    ),
    AcceleratorSpec(
        key="A800", vendor="NVIDIA", kind="gpu", architecture="Ampere", form_factor="PCIe",
        memory_gib=80, usable_memory_gib=_mib(81920), memory_type="HBM2e", memory_bandwidth_gb_s=1935,
        bf16_tflops=312, fp16_tflops=312, fp8_tflops=None, int8_tops=624,
        interconnect=f"{_PCIE4}; optional NVLink bridge (400 GB/s)", interconnect_bandwidth_gb_s=_PCIE4_GB_S,
        tdp_watts=300, source="NVIDIA A800 PCIe 80GB product brief (A100 die, NVLink capped at 400 GB/s)",
        notes="80 GB PCIe as cudo lists (a800-pci). Usable as A800-SXM4-80GB reports (81920 MiB).",
    ),
    AcceleratorSpec(
        key="A40", vendor="NVIDIA", kind="gpu", architecture="Ampere", form_factor="PCIe",
        memory_gib=48, usable_memory_gib=_assume_ecc_reserve(48), memory_type="GDDR6",
        memory_bandwidth_gb_s=696, bf16_tflops=149.7, fp16_tflops=149.7, fp8_tflops=None, int8_tops=299.3,
        interconnect=_PCIE4_NVLINK_BRIDGE, interconnect_bandwidth_gb_s=_PCIE4_GB_S,
        tdp_watts=300, source="NVIDIA A40 datasheet",
        notes=_ASSUMED_ECC,
    ),
    AcceleratorSpec(
        key="A30", vendor="NVIDIA", kind="gpu", architecture="Ampere", form_factor="PCIe",
        memory_gib=24, usable_memory_gib=_assume_firmware_reserve(24), memory_type="HBM2",
        memory_bandwidth_gb_s=933, bf16_tflops=165, fp16_tflops=165, fp8_tflops=None, int8_tops=330,
        interconnect=f"{_PCIE4}; optional NVLink bridge (200 GB/s)", interconnect_bandwidth_gb_s=_PCIE4_GB_S,
        tdp_watts=165, source="NVIDIA A30 Tensor Core GPU datasheet",
        notes=_ASSUMED_FIRMWARE,
    ),
    AcceleratorSpec(
        key="A10", vendor="NVIDIA", kind="gpu", architecture="Ampere", form_factor="PCIe",
        memory_gib=24, usable_memory_gib=_mib(23028), memory_type="GDDR6", memory_bandwidth_gb_s=600,
        bf16_tflops=125, fp16_tflops=125, fp8_tflops=None, int8_tops=250,
        interconnect=_PCIE4, interconnect_bandwidth_gb_s=_PCIE4_GB_S, tdp_watts=150,
        source="NVIDIA A10 Tensor Core GPU datasheet "
        "(https://resources.nvidia.com/en-us-gpu/a10-datasheet-nvidia)",
    ),
    AcceleratorSpec(
        key="A10G", vendor="NVIDIA", kind="gpu", architecture="Ampere", form_factor="PCIe",
        memory_gib=24, usable_memory_gib=_mib(23028), memory_type="GDDR6", memory_bandwidth_gb_s=600,
        bf16_tflops=70, fp16_tflops=70, fp8_tflops=None, int8_tops=280,
        interconnect=_PCIE4, interconnect_bandwidth_gb_s=_PCIE4_GB_S, tdp_watts=150,
        source="AWS G5 (A10G) specs; Baseten 'NVIDIA A10 vs A10G' spec comparison",
        notes="AWS-only GA102 variant; NVIDIA publishes no datasheet. Tensor rate as GeForce "
        "(70 TFLOPS FP32-accumulate); INT8 derived as 4x that rate.",
    ),
    AcceleratorSpec(
        key="A16", vendor="NVIDIA", kind="gpu", architecture="Ampere", form_factor="PCIe",
        memory_gib=16, usable_memory_gib=_assume_ecc_reserve(16), memory_type="GDDR6",
        memory_bandwidth_gb_s=200, bf16_tflops=17.9, fp16_tflops=17.9, fp8_tflops=None, int8_tops=35.9,
        interconnect=f"{_PCIE4} shared by the board's 4 GPUs", interconnect_bandwidth_gb_s=16, tdp_watts=62.5,
        source="NVIDIA A16 datasheet (board figures / 4 GPUs)",
        notes="Per GPU; one A16 board carries 4 GPUs (250 W board). " + _ASSUMED_ECC,
    ),
    # ------------------------------------------------------------------- NVIDIA data centre: Ada
    AcceleratorSpec(
        key="L40S", vendor="NVIDIA", kind="gpu", architecture="Ada Lovelace", form_factor="PCIe",
        memory_gib=48, usable_memory_gib=_mib(46068), memory_type="GDDR6", memory_bandwidth_gb_s=864,
        bf16_tflops=362.05, fp16_tflops=362.05, fp8_tflops=733, int8_tops=733,
        interconnect=_PCIE4, interconnect_bandwidth_gb_s=_PCIE4_GB_S, tdp_watts=350,
        source="NVIDIA L40S datasheet (https://resources.nvidia.com/en-us-l40s/l40s-datasheet-28413); CUDA total "
               "44.42 GiB: vLLM 0.10.2 log on 8 × L40S (Qwen3-235B-A22B-FP8)",
        cuda_total_gib=44.42,
    ),
    AcceleratorSpec(
        key="L40", vendor="NVIDIA", kind="gpu", architecture="Ada Lovelace", form_factor="PCIe",
        memory_gib=48, usable_memory_gib=_assume_ecc_reserve(48), memory_type="GDDR6",
        memory_bandwidth_gb_s=864, bf16_tflops=181.05, fp16_tflops=181.05, fp8_tflops=362, int8_tops=362,
        interconnect=_PCIE4, interconnect_bandwidth_gb_s=_PCIE4_GB_S, tdp_watts=300,
        source="NVIDIA L40 datasheet (L40/L40S comparison table)",
        notes="FP32-accumulate tensor rate is half the L40S rate. " + _ASSUMED_ECC,
    ),
    AcceleratorSpec(
        key="L4", vendor="NVIDIA", kind="gpu", architecture="Ada Lovelace", form_factor="PCIe",
        memory_gib=24, usable_memory_gib=_mib(23034), memory_type="GDDR6", memory_bandwidth_gb_s=300,
        bf16_tflops=121, fp16_tflops=121, fp8_tflops=242.5, int8_tops=242.5,
        interconnect=_PCIE4, interconnect_bandwidth_gb_s=_PCIE4_GB_S, tdp_watts=72,
        source="NVIDIA L4 datasheet "
        "(https://resources.nvidia.com/en-us-data-center-overview/l4-gpu-datasheet)",
    ),
    # ----------------------------------------------------- NVIDIA data centre: Turing and older
    AcceleratorSpec(
        key="T4", vendor="NVIDIA", kind="gpu", architecture="Turing", form_factor="PCIe",
        memory_gib=16, usable_memory_gib=_mib(15360), memory_type="GDDR6", memory_bandwidth_gb_s=320,
        bf16_tflops=65, fp16_tflops=65, fp8_tflops=None, int8_tops=130,
        interconnect=_PCIE3, interconnect_bandwidth_gb_s=_PCIE3_GB_S, tdp_watts=70,
        source="NVIDIA T4 Tensor Core GPU datasheet (t4-tensor-core-datasheet-951643.pdf)",
        notes=_NO_BF16,
    ),
    AcceleratorSpec(
        key="T4G", vendor="NVIDIA", kind="gpu", architecture="Turing", form_factor="PCIe",
        memory_gib=16, usable_memory_gib=_mib(15360), memory_type="GDDR6", memory_bandwidth_gb_s=320,
        bf16_tflops=65, fp16_tflops=65, fp8_tflops=None, int8_tops=130,
        interconnect=_PCIE3, interconnect_bandwidth_gb_s=_PCIE3_GB_S, tdp_watts=70,
        source="AWS G5g instance page (NVIDIA T4G); figures from the T4 datasheet",
        notes="T4 silicon for Arm hosts (AWS g5g, labelled 'ARM Mali-G78MP12' by vantage). "
        "Usable assumed equal to T4. " + _NO_BF16,
    ),
    AcceleratorSpec(
        key="V100-16GB", vendor="NVIDIA", kind="gpu", architecture="Volta", form_factor="SXM",
        memory_gib=16, usable_memory_gib=_mib(16384), memory_type="HBM2", memory_bandwidth_gb_s=900,
        bf16_tflops=125, fp16_tflops=125, fp8_tflops=None, int8_tops=None,
        interconnect="NVLink 2 (300 GB/s)", interconnect_bandwidth_gb_s=300, tdp_watts=300,
        source="NVIDIA V100 datasheet (volta-v100-datasheet-update-us-1165301-r5.pdf), SXM2 column",
        notes="SXM2 figures; PCIe offers (Azure NCv3) run at 112 TFLOPS / 250 W. INT8 only via DP4A, "
        "no datasheet figure. " + _NO_BF16,
    ),
    AcceleratorSpec(
        key="V100-32GB", vendor="NVIDIA", kind="gpu", architecture="Volta", form_factor="SXM",
        memory_gib=32, usable_memory_gib=_mib(32768), memory_type="HBM2", memory_bandwidth_gb_s=900,
        bf16_tflops=125, fp16_tflops=125, fp8_tflops=None, int8_tops=None,
        interconnect="NVLink 2 (300 GB/s)", interconnect_bandwidth_gb_s=300, tdp_watts=300,
        source="NVIDIA V100 datasheet (volta-v100-datasheet-update-us-1165301-r5.pdf), SXM2 column",
        notes="INT8 only via DP4A, no datasheet figure. " + _NO_BF16,
    ),
    AcceleratorSpec(
        key="P100", vendor="NVIDIA", kind="gpu", architecture="Pascal", form_factor="PCIe",
        memory_gib=16, usable_memory_gib=_mib(16384), memory_type="HBM2", memory_bandwidth_gb_s=732,
        bf16_tflops=18.7, fp16_tflops=18.7, fp8_tflops=None, int8_tops=None,
        interconnect=_PCIE3, interconnect_bandwidth_gb_s=_PCIE3_GB_S, tdp_watts=250,
        source="NVIDIA Tesla P100 PCIe datasheet (16 GB)",
        notes="No tensor cores, no BF16: bf16_tflops carries the packed FP16 rate.",
    ),
    AcceleratorSpec(
        key="P4", vendor="NVIDIA", kind="gpu", architecture="Pascal", form_factor="PCIe",
        memory_gib=8, usable_memory_gib=_assume_ecc_reserve(8), memory_type="GDDR5",
        memory_bandwidth_gb_s=192, bf16_tflops=5.5, fp16_tflops=5.5, fp8_tflops=None, int8_tops=22,
        interconnect=_PCIE3, interconnect_bandwidth_gb_s=_PCIE3_GB_S, tdp_watts=75,
        source="NVIDIA Tesla P4 datasheet",
        notes="FP16 runs at 1/64 rate: bf16/fp16 carry the FP32 rate. " + _ASSUMED_ECC,
    ),
    AcceleratorSpec(
        key="M60", vendor="NVIDIA", kind="gpu", architecture="Maxwell", form_factor="PCIe",
        memory_gib=8, usable_memory_gib=_assume_firmware_reserve(8), memory_type="GDDR5",
        memory_bandwidth_gb_s=160, bf16_tflops=4.8, fp16_tflops=4.8, fp8_tflops=None, int8_tops=None,
        interconnect=_PCIE3, interconnect_bandwidth_gb_s=_PCIE3_GB_S, tdp_watts=150,
        source="NVIDIA Tesla M60 datasheet (board figures / 2 GPUs)",
        notes="Per GPU of a 2-GPU board (300 W). No fast FP16: bf16/fp16 carry the FP32 rate. "
        + _ASSUMED_FIRMWARE,
    ),
    AcceleratorSpec(
        key="K80", vendor="NVIDIA", kind="gpu", architecture="Kepler", form_factor="PCIe",
        memory_gib=12, usable_memory_gib=_mib(11441), memory_type="GDDR5", memory_bandwidth_gb_s=240,
        bf16_tflops=4.37, fp16_tflops=4.37, fp8_tflops=None, int8_tops=None,
        interconnect=_PCIE3, interconnect_bandwidth_gb_s=_PCIE3_GB_S, tdp_watts=150,
        source="NVIDIA Tesla K80 datasheet (board figures / 2 GPUs)",
        notes="Per GPU of a 2-GPU board; nvidia-smi reports 11441 MiB and a 149 W cap per GPU. "
        "No fast FP16: bf16/fp16 carry the FP32 boost rate.",
    ),
    AcceleratorSpec(
        key="GRID-K520", vendor="NVIDIA", kind="gpu", architecture="Kepler", form_factor="PCIe",
        memory_gib=4, usable_memory_gib=_assume_firmware_reserve(4), memory_type="GDDR5",
        memory_bandwidth_gb_s=160, bf16_tflops=2.45, fp16_tflops=2.45, fp8_tflops=None, int8_tops=None,
        interconnect=_PCIE3, interconnect_bandwidth_gb_s=_PCIE3_GB_S, tdp_watts=112.5,
        source="NVIDIA GRID K520 board specification (board figures / 2 GPUs)",
        notes="Per GPU of a 2-GPU board (225 W). No fast FP16: bf16/fp16 carry the FP32 rate. "
        + _ASSUMED_FIRMWARE,
    ),
    # --------------------------------------------------------- NVIDIA workstation (RTX PRO / RTX A)
    AcceleratorSpec(
        key="RTXPRO6000", vendor="NVIDIA", kind="gpu", architecture="Blackwell", form_factor="PCIe",
        memory_gib=96, usable_memory_gib=_mib(97887), memory_type="GDDR7", memory_bandwidth_gb_s=1792,
        bf16_tflops=500, fp16_tflops=500, fp8_tflops=1000, int8_tops=1000,
        interconnect=_PCIE5, interconnect_bandwidth_gb_s=_PCIE5_GB_S, tdp_watts=600,
        source="NVIDIA RTX PRO 6000 Blackwell (Workstation / Server Edition) datasheet",
        notes="Tensor rates derived from the 4,000 AI TOPS (FP4, sparse) headline: FP8 1,000, BF16 500 "
        "dense. nvidia-smi reports 97887 MiB (bigstack-oss/cubecos#312).",
    ),
    AcceleratorSpec(
        key="RTX6000-Ada", vendor="NVIDIA", kind="gpu", architecture="Ada Lovelace", form_factor="PCIe",
        memory_gib=48, usable_memory_gib=_mib(49140), memory_type="GDDR6", memory_bandwidth_gb_s=960,
        bf16_tflops=364.2, fp16_tflops=364.2, fp8_tflops=728.5, int8_tops=728.5,
        interconnect=_PCIE4, interconnect_bandwidth_gb_s=_PCIE4_GB_S, tdp_watts=300,
        source="NVIDIA RTX 6000 Ada Generation datasheet (1,457 TFLOPS FP8 sparse)",
        notes=_VAST,
    ),
    AcceleratorSpec(
        key="RTX5880-Ada", vendor="NVIDIA", kind="gpu", architecture="Ada Lovelace", form_factor="PCIe",
        memory_gib=48, usable_memory_gib=_mib(49140), memory_type="GDDR6", memory_bandwidth_gb_s=960,
        bf16_tflops=277.1, fp16_tflops=277.1, fp8_tflops=554.2, int8_tops=554.2,
        interconnect=_PCIE4, interconnect_bandwidth_gb_s=_PCIE4_GB_S, tdp_watts=285,
        source="NVIDIA RTX 5880 Ada Generation datasheet (1,108.4 TFLOPS FP8 sparse)",
        notes=_VAST,
    ),
    AcceleratorSpec(
        key="RTX4000-Ada", vendor="NVIDIA", kind="gpu", architecture="Ada Lovelace", form_factor="PCIe",
        memory_gib=20, usable_memory_gib=_assume_firmware_reserve(20), memory_type="GDDR6",
        memory_bandwidth_gb_s=360, bf16_tflops=81.9, fp16_tflops=81.9, fp8_tflops=163.8, int8_tops=163.8,
        interconnect=_PCIE4, interconnect_bandwidth_gb_s=_PCIE4_GB_S, tdp_watts=130,
        source="NVIDIA RTX 4000 Ada Generation datasheet (327.6 TFLOPS FP8 sparse)",
        notes=_ASSUMED_FIRMWARE,
    ),
    AcceleratorSpec(
        key="RTXA6000", vendor="NVIDIA", kind="gpu", architecture="Ampere", form_factor="PCIe",
        memory_gib=48, usable_memory_gib=_mib(49140), memory_type="GDDR6", memory_bandwidth_gb_s=768,
        bf16_tflops=154.8, fp16_tflops=154.8, fp8_tflops=None, int8_tops=309.7,
        interconnect=_PCIE4_NVLINK_BRIDGE, interconnect_bandwidth_gb_s=_PCIE4_GB_S,
        tdp_watts=300, source="NVIDIA RTX A6000 datasheet (309.7 TFLOPS tensor, sparse)",
        notes=_VAST,
    ),
    AcceleratorSpec(
        key="RTXA5000", vendor="NVIDIA", kind="gpu", architecture="Ampere", form_factor="PCIe",
        memory_gib=24, usable_memory_gib=_mib(24564), memory_type="GDDR6", memory_bandwidth_gb_s=768,
        bf16_tflops=111.1, fp16_tflops=111.1, fp8_tflops=None, int8_tops=222.2,
        interconnect=_PCIE4_NVLINK_BRIDGE, interconnect_bandwidth_gb_s=_PCIE4_GB_S,
        tdp_watts=230, source="NVIDIA RTX A5000 datasheet (222.2 TFLOPS tensor, sparse)",
        notes=_VAST,
    ),
    AcceleratorSpec(
        key="RTXA4500", vendor="NVIDIA", kind="gpu", architecture="Ampere", form_factor="PCIe",
        memory_gib=20, usable_memory_gib=_assume_firmware_reserve(20), memory_type="GDDR6",
        memory_bandwidth_gb_s=640, bf16_tflops=94.6, fp16_tflops=94.6, fp8_tflops=None, int8_tops=189.2,
        interconnect=_PCIE4_NVLINK_BRIDGE, interconnect_bandwidth_gb_s=_PCIE4_GB_S,
        tdp_watts=200, source="NVIDIA RTX A4500 datasheet (189.2 TFLOPS tensor, sparse)",
        notes=_ASSUMED_FIRMWARE,
    ),
    AcceleratorSpec(
        key="RTXA4000", vendor="NVIDIA", kind="gpu", architecture="Ampere", form_factor="PCIe",
        memory_gib=16, usable_memory_gib=_assume_firmware_reserve(16), memory_type="GDDR6",
        memory_bandwidth_gb_s=448, bf16_tflops=76.7, fp16_tflops=76.7, fp8_tflops=None, int8_tops=153.4,
        interconnect=_PCIE4, interconnect_bandwidth_gb_s=_PCIE4_GB_S, tdp_watts=140,
        source="NVIDIA RTX A4000 datasheet (153.4 TFLOPS tensor, sparse)",
        notes=_ASSUMED_FIRMWARE,
    ),
    AcceleratorSpec(
        key="RTX6000", vendor="NVIDIA", kind="gpu", architecture="Turing", form_factor="PCIe",
        memory_gib=24, usable_memory_gib=_assume_firmware_reserve(24), memory_type="GDDR6",
        memory_bandwidth_gb_s=672, bf16_tflops=130.5, fp16_tflops=130.5, fp8_tflops=None, int8_tops=261,
        interconnect=f"{_PCIE3}; optional NVLink bridge (100 GB/s)", interconnect_bandwidth_gb_s=_PCIE3_GB_S,
        tdp_watts=295, source="NVIDIA Quadro RTX 6000 datasheet",
        notes="Turing Quadro RTX 6000 (24 GB), not the RTX 6000 Ada. " + _NO_BF16 + ". " + _ASSUMED_FIRMWARE,
    ),
    # -------------------------------------------------------------------- NVIDIA GeForce (consumer)
    AcceleratorSpec(
        key="RTX5090", vendor="NVIDIA", kind="gpu", architecture="Blackwell", form_factor="PCIe",
        memory_gib=32, usable_memory_gib=_mib(32607), memory_type="GDDR7", memory_bandwidth_gb_s=1792,
        bf16_tflops=209.5, fp16_tflops=209.5, fp8_tflops=419, int8_tops=838,
        interconnect=_PCIE5, interconnect_bandwidth_gb_s=_PCIE5_GB_S, tdp_watts=575,
        source=_RTX_BLACKWELL_WHITEPAPER, notes=f"{_FP32_ACCUMULATE}. {_VAST}",
    ),
    AcceleratorSpec(
        key="RTX5070", vendor="NVIDIA", kind="gpu", architecture="Blackwell", form_factor="PCIe",
        memory_gib=12, usable_memory_gib=_mib(12227), memory_type="GDDR7", memory_bandwidth_gb_s=672,
        bf16_tflops=61.7, fp16_tflops=61.7, fp8_tflops=123.5, int8_tops=247,
        interconnect=_PCIE5, interconnect_bandwidth_gb_s=_PCIE5_GB_S, tdp_watts=250,
        source=f"{_RTX_BLACKWELL_WHITEPAPER}; 988 AI TOPS (FP4, sparse) product page",
        notes=f"{_FP32_ACCUMULATE}; scaled from the 988 AI TOPS headline. {_VAST}",
    ),
    AcceleratorSpec(
        key="RTX4090", vendor="NVIDIA", kind="gpu", architecture="Ada Lovelace", form_factor="PCIe",
        memory_gib=24, usable_memory_gib=_mib(24564), memory_type="GDDR6X", memory_bandwidth_gb_s=1008,
        bf16_tflops=165.2, fp16_tflops=165.2, fp8_tflops=330.3, int8_tops=660.6,
        interconnect=_PCIE4, interconnect_bandwidth_gb_s=_PCIE4_GB_S, tdp_watts=450,
        source=_ADA_WHITEPAPER, notes=f"{_FP32_ACCUMULATE}. {_VAST}",
    ),
    AcceleratorSpec(
        key="RTX4070Ti-Super", vendor="NVIDIA", kind="gpu", architecture="Ada Lovelace", form_factor="PCIe",
        memory_gib=16, usable_memory_gib=_mib(16376), memory_type="GDDR6X", memory_bandwidth_gb_s=672,
        bf16_tflops=88.3, fp16_tflops=88.3, fp8_tflops=176.5, int8_tops=353,
        interconnect=_PCIE4, interconnect_bandwidth_gb_s=_PCIE4_GB_S, tdp_watts=285,
        source=f"{_ADA_WHITEPAPER}; 706 AI TOPS product page",
        notes=f"{_FP32_ACCUMULATE}; scaled from the 706 AI TOPS headline. vast lists it as RTX4070. {_VAST}",
    ),
    AcceleratorSpec(
        key="RTX4060Ti", vendor="NVIDIA", kind="gpu", architecture="Ada Lovelace", form_factor="PCIe",
        memory_gib=16, usable_memory_gib=_mib(16380), memory_type="GDDR6", memory_bandwidth_gb_s=288,
        bf16_tflops=44.1, fp16_tflops=44.1, fp8_tflops=88.3, int8_tops=176.5,
        interconnect="PCIe 4.0 x8", interconnect_bandwidth_gb_s=32, tdp_watts=165,
        source=f"{_ADA_WHITEPAPER}; 353 AI TOPS product page",
        notes=f"16 GB model. {_FP32_ACCUMULATE}; scaled from 353 AI TOPS. vast lists it as RTX4060. {_VAST}",
    ),
    AcceleratorSpec(
        key="RTX3090", vendor="NVIDIA", kind="gpu", architecture="Ampere", form_factor="PCIe",
        memory_gib=24, usable_memory_gib=_mib(24576), memory_type="GDDR6X", memory_bandwidth_gb_s=936,
        bf16_tflops=71.2, fp16_tflops=71.2, fp8_tflops=None, int8_tops=284.7,
        interconnect=_PCIE4_NVLINK_BRIDGE, interconnect_bandwidth_gb_s=_PCIE4_GB_S,
        tdp_watts=350, source=_GA102_WHITEPAPER, notes=f"{_FP32_ACCUMULATE}. {_VAST}",
    ),
    AcceleratorSpec(
        key="RTX3060Ti", vendor="NVIDIA", kind="gpu", architecture="Ampere", form_factor="PCIe",
        memory_gib=8, usable_memory_gib=_mib(8192), memory_type="GDDR6", memory_bandwidth_gb_s=448,
        bf16_tflops=32.4, fp16_tflops=32.4, fp8_tflops=None, int8_tops=129.6,
        interconnect=_PCIE4, interconnect_bandwidth_gb_s=_PCIE4_GB_S, tdp_watts=200,
        source=f"{_GA102_WHITEPAPER} per-SM rates x 38 SMs x 1665 MHz boost",
        notes=f"{_FP32_ACCUMULATE}. {_VAST}",
    ),
    AcceleratorSpec(
        key="RTX3060", vendor="NVIDIA", kind="gpu", architecture="Ampere", form_factor="PCIe",
        memory_gib=12, usable_memory_gib=_mib(12288), memory_type="GDDR6", memory_bandwidth_gb_s=360,
        bf16_tflops=25.5, fp16_tflops=25.5, fp8_tflops=None, int8_tops=101.9,
        interconnect=_PCIE4, interconnect_bandwidth_gb_s=_PCIE4_GB_S, tdp_watts=170,
        source=f"{_GA102_WHITEPAPER} per-SM rates x 28 SMs x 1777 MHz boost",
        notes=f"12 GB model. {_FP32_ACCUMULATE}. {_VAST}",
    ),
    # --------------------------------------------------------------------------------------- AMD
    AcceleratorSpec(
        key="MI300X", vendor="AMD", kind="gpu", architecture="CDNA 3", form_factor="OAM",
        memory_gib=192, usable_memory_gib=_mib(196592), memory_type="HBM3", memory_bandwidth_gb_s=5300,
        bf16_tflops=1307.4, fp16_tflops=1307.4, fp8_tflops=2614.9, int8_tops=2614.9,
        interconnect="Infinity Fabric (7 x 128 GB/s)", interconnect_bandwidth_gb_s=896, tdp_watts=750,
        source="AMD Instinct MI300X data sheet",
        notes="rocm-smi reports 206141652992 B of VRAM (ROCm/legacy-rocm-build#4750).",
    ),
    AcceleratorSpec(
        key="MI25", vendor="AMD", kind="gpu", architecture="Vega (GCN 5)", form_factor="PCIe",
        memory_gib=16, usable_memory_gib=_assume_firmware_reserve(16), memory_type="HBM2",
        memory_bandwidth_gb_s=484, bf16_tflops=24.6, fp16_tflops=24.6, fp8_tflops=None, int8_tops=None,
        interconnect=_PCIE3, interconnect_bandwidth_gb_s=_PCIE3_GB_S, tdp_watts=300,
        source="AMD Radeon Instinct MI25 datasheet",
        notes="Azure NVv4 sells 1/8 to 1 GPU partitions. " + _NO_BF16 + " (packed). " + _ASSUMED_FIRMWARE,
    ),
    AcceleratorSpec(
        key="Radeon-Pro-V520", vendor="AMD", kind="gpu", architecture="RDNA (Navi 12)", form_factor="PCIe",
        memory_gib=8, usable_memory_gib=_assume_firmware_reserve(8), memory_type="HBM2",
        memory_bandwidth_gb_s=512, bf16_tflops=14.7, fp16_tflops=14.7, fp8_tflops=None, int8_tops=None,
        interconnect=_PCIE4, interconnect_bandwidth_gb_s=_PCIE4_GB_S, tdp_watts=225,
        source="AWS G4ad instance page; AMD Radeon Pro V520 specifications",
        notes="AWS-only part; TDP as commonly listed, not from an AMD datasheet. " + _NO_BF16
        + " (packed). " + _ASSUMED_FIRMWARE,
    ),
    # ------------------------------------------------------------------------------------- Intel
    AcceleratorSpec(
        key="Gaudi2", vendor="Intel", kind="asic", architecture="Gaudi 2", form_factor="OAM",
        memory_gib=96, usable_memory_gib=_assume_firmware_reserve(96), memory_type="HBM2e",
        memory_bandwidth_gb_s=2450, bf16_tflops=432, fp16_tflops=432, fp8_tflops=865, int8_tops=None,
        interconnect="24 x 100 GbE RoCE on die (4.8 Tb/s bidirectional)", interconnect_bandwidth_gb_s=600,
        tdp_watts=600, source="Intel Gaudi 3 Hot Chips 2024 deck, Gaudi 2 column; Habana Gaudi2 white paper",
        notes=_ASSUMED_FIRMWARE,
    ),
    # --------------------------------------------------------------------------------------- AWS
    AcceleratorSpec(
        key="Inferentia", vendor="AWS", kind="asic", architecture="NeuronCore-v1", form_factor=_NEURON_DEVICE,
        memory_gib=8, usable_memory_gib=_assume_firmware_reserve(8), memory_type="DDR4",
        memory_bandwidth_gb_s=50, bf16_tflops=64, fp16_tflops=64, fp8_tflops=None, int8_tops=128,
        interconnect="NeuronLink-v1 (32 GiB/s)", interconnect_bandwidth_gb_s=32, tdp_watts=None,
        source=f"AWS Neuron docs, Inferentia architecture ({_NEURON_ARCH}inferentia.html)",
        notes="Per chip (4 NeuronCores). " + _ASSUMED_FIRMWARE,
        inference_only=True,
    ),
    AcceleratorSpec(
        key="Inferentia2", vendor="AWS", kind="asic", architecture="NeuronCore-v2", form_factor=_NEURON_DEVICE,
        memory_gib=32, usable_memory_gib=_assume_firmware_reserve(32), memory_type="HBM",
        memory_bandwidth_gb_s=820, bf16_tflops=190, fp16_tflops=190, fp8_tflops=190, int8_tops=380,
        interconnect="NeuronLink-v2 (192 GiB/s)", interconnect_bandwidth_gb_s=192, tdp_watts=None,
        source=f"AWS Neuron docs, Inferentia2 and Inf2 architecture ({_NEURON_ARCH}inferentia2.html)",
        notes="Per chip (2 NeuronCores); FP8 is AWS cFP8. " + _ASSUMED_FIRMWARE,
        inference_only=True,
    ),
    AcceleratorSpec(
        key="Trainium", vendor="AWS", kind="asic", architecture="NeuronCore-v2", form_factor=_NEURON_DEVICE,
        memory_gib=32, usable_memory_gib=_assume_firmware_reserve(32), memory_type="HBM2e",
        memory_bandwidth_gb_s=820, bf16_tflops=190, fp16_tflops=190, fp8_tflops=190, int8_tops=380,
        interconnect="NeuronLink-v2 (4D hypercube on trn1.32xlarge)", interconnect_bandwidth_gb_s=None,
        tdp_watts=None, source=f"AWS Neuron docs, Trainium architecture ({_NEURON_ARCH}trainium.html)",
        notes="Per chip (2 NeuronCores); FP8 is AWS cFP8. " + _ASSUMED_FIRMWARE,
    ),
    AcceleratorSpec(
        key="Trainium2", vendor="AWS", kind="asic", architecture="NeuronCore-v3", form_factor=_NEURON_DEVICE,
        memory_gib=96, usable_memory_gib=_assume_firmware_reserve(96), memory_type="HBM3",
        memory_bandwidth_gb_s=2900, bf16_tflops=667, fp16_tflops=667, fp8_tflops=1299, int8_tops=None,
        interconnect="NeuronLink-v3", interconnect_bandwidth_gb_s=None, tdp_watts=None,
        source=f"AWS Neuron docs, Trainium2 architecture ({_NEURON_ARCH}trainium2.html)",
        notes="Per chip (8 NeuronCores). No INT8 figure published. " + _ASSUMED_FIRMWARE,
    ),
    # ---------------------------------------------------------------------------------- Qualcomm
    AcceleratorSpec(
        key="Qualcomm-AI100", vendor="Qualcomm", kind="asic", architecture="Cloud AI 100", form_factor="PCIe",
        memory_gib=16, usable_memory_gib=_assume_firmware_reserve(16), memory_type="LPDDR4x",
        memory_bandwidth_gb_s=137, bf16_tflops=110, fp16_tflops=110, fp8_tflops=None, int8_tops=325,
        interconnect="PCIe 4.0 x8", interconnect_bandwidth_gb_s=32, tdp_watts=75,
        source="Qualcomm Cloud AI SDK docs, Architecture: AI 100 Standard SKU "
        "(https://quic.github.io/cloud-ai-sdk-pages/latest/Getting-Started/Architecture)",
        notes="AI 100 Standard (AWS dl2q: 8 cards, 16 GB each). " + _NO_BF16 + ". " + _ASSUMED_FIRMWARE,
        inference_only=True,
    ),
    # -------------------------------------------------------------------------- Google (per chip)
    AcceleratorSpec(
        key="TPU-v2", vendor="Google", kind="tpu", architecture="TPU v2", form_factor="TPU",
        memory_gib=16, usable_memory_gib=_assume_firmware_reserve(16), memory_type="HBM2",
        memory_bandwidth_gb_s=600, bf16_tflops=45, fp16_tflops=45, fp8_tflops=None, int8_tops=None,
        interconnect="ICI, 2D torus", interconnect_bandwidth_gb_s=None, tdp_watts=None,
        source=f"Cloud TPU v2 system architecture ({_TPU_DOCS}v2)",
        notes="Per chip (2 TensorCores). No FP16 MXU mode: fp16 models run in bf16. " + _ASSUMED_FIRMWARE,
    ),
    AcceleratorSpec(
        key="TPU-v3", vendor="Google", kind="tpu", architecture="TPU v3", form_factor="TPU",
        memory_gib=32, usable_memory_gib=_assume_firmware_reserve(32), memory_type="HBM2",
        memory_bandwidth_gb_s=900, bf16_tflops=123, fp16_tflops=123, fp8_tflops=None, int8_tops=None,
        interconnect="ICI, 2D torus", interconnect_bandwidth_gb_s=None, tdp_watts=262,
        source=f"Cloud TPU v3 system architecture ({_TPU_DOCS}v3)",
        notes="Per chip (2 TensorCores); TDP is Google's measured maximum power. No FP16 MXU mode. "
        + _ASSUMED_FIRMWARE,
    ),
    AcceleratorSpec(
        key="TPU-v4", vendor="Google", kind="tpu", architecture="TPU v4", form_factor="TPU",
        memory_gib=32, usable_memory_gib=_assume_firmware_reserve(32), memory_type="HBM2",
        memory_bandwidth_gb_s=1200, bf16_tflops=275, fp16_tflops=275, fp8_tflops=None, int8_tops=275,
        interconnect="ICI, 3D torus", interconnect_bandwidth_gb_s=None, tdp_watts=192,
        source=f"Cloud TPU v4 system architecture ({_TPU_DOCS}v4)",
        notes="Per chip (2 TensorCores); TDP is Google's measured maximum power. No FP16 MXU mode. "
        + _ASSUMED_FIRMWARE,
    ),
    AcceleratorSpec(
        key="TPU-v5p", vendor="Google", kind="tpu", architecture="TPU v5p", form_factor="TPU",
        memory_gib=95, usable_memory_gib=_assume_firmware_reserve(95), memory_type="HBM2e",
        memory_bandwidth_gb_s=2765, bf16_tflops=459, fp16_tflops=459, fp8_tflops=459, int8_tops=918,
        interconnect="ICI, 3D torus (1200 GB/s)", interconnect_bandwidth_gb_s=1200, tdp_watts=None,
        source=f"Cloud TPU v5p system architecture ({_TPU_DOCS}v5p)",
        notes="Per chip (2 TensorCores). INT8 918 TOPS from an earlier revision of the page. "
        "No FP16 MXU mode. " + _ASSUMED_FIRMWARE,
    ),
    AcceleratorSpec(
        key="TPU-v5e", vendor="Google", kind="tpu", architecture="TPU v5e", form_factor="TPU",
        memory_gib=16, usable_memory_gib=_assume_firmware_reserve(16), memory_type="HBM2",
        memory_bandwidth_gb_s=819, bf16_tflops=197, fp16_tflops=197, fp8_tflops=None, int8_tops=393,
        interconnect="ICI, 2D torus (400 GB/s)", interconnect_bandwidth_gb_s=400, tdp_watts=None,
        source=f"Cloud TPU v5e system architecture ({_TPU_DOCS}v5e)",
        notes="Per chip (1 TensorCore); GCP names slices tpu-v5litepod-N. No FP16 MXU mode. "
        + _ASSUMED_FIRMWARE,
    ),
    AcceleratorSpec(
        key="TPU-v6e", vendor="Google", kind="tpu", architecture="TPU v6e (Trillium)", form_factor="TPU",
        memory_gib=32, usable_memory_gib=_assume_firmware_reserve(32), memory_type="HBM",
        memory_bandwidth_gb_s=1638, bf16_tflops=918, fp16_tflops=918, fp8_tflops=None, int8_tops=1836,
        interconnect="ICI, 2D torus (800 GB/s)", interconnect_bandwidth_gb_s=800, tdp_watts=None,
        source=f"Cloud TPU v6e system architecture ({_TPU_DOCS}v6e)",
        notes="Per chip (1 TensorCore). No FP16 MXU mode. " + _ASSUMED_FIRMWARE,
    ),
)


def _index_by_key(rows: Iterable[AcceleratorSpec]) -> Mapping[str, AcceleratorSpec]:
    index: dict[str, AcceleratorSpec] = {}
    for row in rows:
        if row.key in index:
            raise ValueError(f"duplicate accelerator key {row.key!r} in the spec table")
        index[row.key] = row
    return MappingProxyType(index)


ACCELERATOR_SPECS: Mapping[str, AcceleratorSpec] = _index_by_key(_ROWS)


def get_spec(key: str) -> AcceleratorSpec:
    """The spec row for a canonical key; KeyError (with close matches) for an unknown key."""
    try:
        return ACCELERATOR_SPECS[key]
    except KeyError:
        close = difflib.get_close_matches(key, list(ACCELERATOR_SPECS), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise KeyError(f"unknown accelerator key {key!r}{hint}") from None


INFERENCE_ONLY: frozenset[str] = frozenset(key for key, spec in ACCELERATOR_SPECS.items() if spec.inference_only)


def accelerator_vendor(key: str | None) -> str:
    """Whose device plugin and software stack an accelerator catalog key needs (NVIDIA unless the key says otherwise):
    nvidia, amd, google (TPU), aws (Inferentia, Trainium), intel (Gaudi) or qualcomm."""
    name = (key or "").lower()
    if name.startswith(("mi", "radeon")):
        return "amd"
    if name.startswith("tpu"):
        return "google"
    if name.startswith(("inferentia", "trainium")):
        return "aws"
    if name.startswith("gaudi"):
        return "intel"
    if name.startswith("qualcomm"):
        return "qualcomm"
    return "nvidia"
