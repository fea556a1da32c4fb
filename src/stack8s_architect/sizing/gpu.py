"""The accelerator facts the sizing formulas need, as a frozen value (no catalog import)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GpuSpec:
    """One accelerator's datasheet figures relevant to sizing.

    `usable_memory_gib` is what a framework can allocate (datasheet memory minus ECC/driver
    reservations as reported by the runtime); sizing budgets against it, never `memory_gib`.
    TFLOPS are dense (no structured sparsity). `fp8_tflops` is None when the part has no FP8.
    `cuda_total_gib` is the device total CUDA itself reports, a little below nvidia-smi's.
    """

    key: str
    memory_gib: float
    usable_memory_gib: float
    memory_bandwidth_gb_s: float
    bf16_tflops: float
    fp8_tflops: float | None = None
    interconnect: str = "pcie"
    interconnect_bandwidth_gb_s: float | None = None
    # the total CUDA reports (`torch.cuda.mem_get_info`), which vLLM budgets against; None: not measured
    cuda_total_gib: float | None = None
    # GPUs of this type one node (instance) holds: tensor-parallel groups stay inside a node, pipeline stages
    # span nodes. 8 for the common 8-GPU servers; a catalog whose largest instance of the GPU is smaller says so
    # (one GH200 per node, two H100 NVL on Azure)
    node_gpus: int = 8
