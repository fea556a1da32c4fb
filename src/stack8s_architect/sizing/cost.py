"""Training compute, time and money; monthly cost of a running deployment.

Transformers: 6·N·D FLOPs for N active parameters and D tokens (Kaplan et al., arXiv:2001.08361,
§2.1: forward 2N, backward 4N per token). LoRA/QLoRA skip weight gradients of the frozen base:
4·N·D. Vision (and other per-sample) models: forward FLOPs per sample × samples × epochs × 3.
Time divides by GPUs × dense peak × MFU; `DEFAULT_MFU` = 0.4, close to the 38–43 % Meta reports for
Llama 3 405B pre-training on H100s (Llama 3 paper, arXiv:2407.21783, Table 4).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .units import HOURS_PER_MONTH

DEFAULT_MFU = 0.4
TRANSFORMER_FLOPS_PER_PARAM_TOKEN = 6
ADAPTER_FLOPS_PER_PARAM_TOKEN = 4
FORWARD_BACKWARD_MULTIPLIER = 3


def transformer_training_flops(active_params: float, tokens: float, *, frozen_base: bool = False,
                               recompute: bool = False) -> float:
    """6·N·D (4·N·D when the base is frozen, as in LoRA/QLoRA), plus 2·N·D when activation checkpointing recomputes
    the forward pass during the backward."""
    per = ADAPTER_FLOPS_PER_PARAM_TOKEN if frozen_base else TRANSFORMER_FLOPS_PER_PARAM_TOKEN
    return (per + (2 if recompute else 0)) * active_params * tokens


def per_sample_training_flops(forward_flops_per_sample: float, samples: float, epochs: float = 1) -> float:
    """Forward FLOPs per sample × samples × epochs × 3 (forward + backward)."""
    return forward_flops_per_sample * samples * epochs * FORWARD_BACKWARD_MULTIPLIER


# Before a job's first step: the weights come down (≈ 100 MB/s from the Hugging Face hub or a bucket) and the
# container starts its framework (≈ 5 min: CUDA init, NCCL set-up, compilation, CUDA graphs). Every rented GPU waits.
DOWNLOAD_BYTES_PER_S = 100e6
START_UP_S = 300


def start_up_hours(weights_gib: float | None) -> float:
    """Hours a job (or a server) needs before it works: the weights' download plus the framework's start."""
    return ((weights_gib or 0.0) * 2**30 / DOWNLOAD_BYTES_PER_S + START_UP_S) / 3600


def training_hours(flops: float, gpu_count: int, peak_tflops: float, mfu: float = DEFAULT_MFU) -> float:
    """Wall-clock hours: FLOPs / (GPUs × peak × MFU)."""
    if gpu_count < 1 or peak_tflops <= 0 or not 0 < mfu <= 1:
        raise ValueError("training_hours needs gpu_count ≥ 1, peak_tflops > 0 and 0 < mfu ≤ 1")
    return flops / (gpu_count * peak_tflops * 1e12 * mfu) / 3600


@dataclass(frozen=True)
class InstanceOffer:
    """A rentable instance: its hourly price and how many GPUs it carries."""

    usd_per_hour: float
    gpus_per_instance: int = 1


@dataclass(frozen=True)
class RunCost:
    hours: float
    instances: int
    usd: float


def training_run_cost(hours: float, gpu_count: int, offer: InstanceOffer) -> RunCost:
    """USD of a run on whole instances (a 12-GPU run on 8-GPU instances rents 2)."""
    instances = math.ceil(gpu_count / offer.gpus_per_instance)
    return RunCost(hours, instances, hours * instances * offer.usd_per_hour)


def monthly_cost_usd(usd_per_hour: float, instances: int = 1) -> float:
    """Always-on cost: hourly × 730 hours × instances."""
    return usd_per_hour * HOURS_PER_MONTH * instances
