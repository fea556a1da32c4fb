"""The planner's sizing step: a WorkloadSpec → the `size` tool → the plan's `sizing` and per-GPU fits."""

from __future__ import annotations

from dataclasses import dataclass

from stack8s_architect.planning.plan import PlanSizing
from stack8s_architect.planning.sizing_tool import SizeToolRequest, run_size
from stack8s_architect.planning.spec import WorkloadSpec
from stack8s_architect.sizing.fit import GpuFit

_MODALITY = {"llm": "llm", "multimodal": "llm", "vision": "vision", "medical_imaging": "vision", "speech": "speech",
             "image_generation": "diffusion", "embeddings": "embedding"}


@dataclass(frozen=True)
class SizingOutcome:
    sizing: PlanSizing | None
    fits: tuple[GpuFit, ...]  # one per accelerator sized, fitting or not
    assumptions: tuple[str, ...]


def _mode(spec: WorkloadSpec, assumptions: list[str]) -> str:
    if spec.task == "fine_tuning":
        if spec.fine_tuning_method is None:
            assumptions.append("fine-tuning method not given: sized for LoRA (say QLoRA or full to change it)")
            return "lora"
        return {"full": "training", "lora": "lora", "qlora": "qlora"}[spec.fine_tuning_method]
    return "training" if spec.task == "training" else "inference"


def size_for(spec: WorkloadSpec) -> SizingOutcome:
    """Size the workload when its model size is known; otherwise say what sizing needs."""
    assumptions: list[str] = []
    if spec.params_billions is None:
        return SizingOutcome(None, (), ("no model size known yet: GPUs are chosen from the memory and count asked "
                                        "for, not from a sizing",))
    request = SizeToolRequest(
        model=f"{spec.params_billions:g}B", model_id=spec.model_id or spec.model_query,
        modality=_MODALITY.get(spec.domain or "llm", "llm"), mode=_mode(spec, assumptions),
        precision=spec.precision, context_length=spec.context_length,
        concurrency=spec.concurrent_users or 1, concurrent_users=spec.concurrent_users,
        requests_per_second=spec.requests_per_second, gpus=list(spec.gpu_names or []),
        gpu_count=spec.gpu_count,
    )
    result, response = run_size(request)
    assumptions += response.details.get("assumptions") or []
    return SizingOutcome(PlanSizing(**response.sizing), tuple(result.gpu_fits), tuple(assumptions))
