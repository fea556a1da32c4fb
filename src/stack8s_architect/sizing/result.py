"""The sizing result: the DESIGN.md `sizing` object plus per-GPU fits and the breakdown behind it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .architecture import Confidence
from .fit import GpuFit

Mode = Literal["inference", "training", "lora", "qlora"]


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


@dataclass(frozen=True)
class SizingResult:
    """Everything `size` found out. `to_dict()` is the contract's `sizing` object; `details()` adds the rest.

    For inference, `weights_gib` and `kv_cache_gib` are totals over the replica and `overhead_gib`
    sums the runtime overhead of its GPUs; for training, `overhead_gib` is everything beside the
    weights (gradients, optimizer states, activations, runtime). `required_gpu_memory_gib` is their
    sum.
    """

    mode: Mode
    model_id: str | None
    params_billions: float
    active_params_billions: float
    precision: str
    kv_cache_dtype: str | None
    context_length_tokens: int
    concurrency: int
    weights_gib: float
    kv_cache_gib: float
    kv_cache_bytes_per_token: float
    overhead_gib: float
    required_gpu_memory_gib: float
    tokens_per_second: float | None
    prefill_tokens_per_second: float | None
    training_hours: float | None
    training_flops: float | None
    confidence: Confidence
    notes: tuple[str, ...]
    fit: GpuFit | None = None
    gpu_fits: tuple[GpuFit, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """The `sizing` object of the DeploymentPlan contract, exactly its keys."""
        return {
            "mode": self.mode,
            "model_id": self.model_id,
            "params_billions": round(self.params_billions, 3),
            "precision": self.precision,
            "weights_gib": round(self.weights_gib, 3),
            "kv_cache_gib": round(self.kv_cache_gib, 3),
            "overhead_gib": round(self.overhead_gib, 3),
            "required_gpu_memory_gib": round(self.required_gpu_memory_gib, 3),
            "tokens_per_second": _rounded(self.tokens_per_second, 1),
            "training_hours": _rounded(self.training_hours, 2),
            "confidence": self.confidence,
            "notes": list(self.notes),
        }

    def details(self) -> dict[str, object]:
        """`to_dict()` plus the inputs it assumed and the fit on each GPU type."""
        return self.to_dict() | {
            "active_params_billions": round(self.active_params_billions, 3),
            "kv_cache_dtype": self.kv_cache_dtype,
            "context_length_tokens": self.context_length_tokens,
            "concurrency": self.concurrency,
            "kv_cache_bytes_per_token": self.kv_cache_bytes_per_token,
            "prefill_tokens_per_second": _rounded(self.prefill_tokens_per_second, 1),
            "training_flops": self.training_flops,
            "fit": self.fit.to_dict() if self.fit else None,
            "gpu_fits": [fit.to_dict() for fit in self.gpu_fits],
        }
