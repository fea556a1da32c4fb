"""What a new plan version changed against the one before, in one line a person reads first ("Changed from v1:
4-bit (AWQ) weights instead of bf16; 1 × g6.12xlarge (4 × L4) instead of 2 × p5.48xlarge (16 × H100); $3,360.08 a
month instead of $15,322.50."). Every figure is read from the two plans."""

from __future__ import annotations

from stack8s_architect.planning.plan import DeploymentPlan

_PRECISIONS = {"awq": "4-bit (AWQ)", "gptq": "4-bit (GPTQ)", "int4": "4-bit", "int8": "8-bit", "fp8": "FP8",
               "bf16": "BF16", "fp16": "FP16", "nf4": "4-bit (NF4)"}


def _compute(plan: DeploymentPlan) -> str | None:
    if not plan.compute:
        return None
    top = plan.compute[0]
    gpus = top.accelerator_count * top.instances
    return (f"{top.instances} × {top.instance_type} ({gpus:g} × {top.accelerator or 'GPU'}, {top.provider} "
            f"{top.region}{', spot' if top.spot else ''})")


def _model(plan: DeploymentPlan) -> str | None:
    if not plan.models:
        return None
    row = plan.models[0]
    return row.checkpoint if row.checkpoint and row.checkpoint != row.id else row.id


def change_line(before: DeploymentPlan, after: DeploymentPlan) -> str:
    changes: list[str] = []
    old_model, new_model = _model(before), _model(after)
    if new_model and old_model != new_model:
        changes.append(f"model {new_model}" + (f" instead of {old_model}" if old_model else ""))
    old_precision = before.sizing.precision if before.sizing else None
    new_precision = after.sizing.precision if after.sizing else None
    if new_precision and old_precision != new_precision:
        changes.append(f"{_PRECISIONS.get(new_precision, new_precision)} weights"
                       + (f" instead of {_PRECISIONS.get(old_precision, old_precision)}" if old_precision else ""))
    old_context = before.sizing.context_length_tokens if before.sizing else None
    new_context = after.sizing.context_length_tokens if after.sizing else None
    if new_context and old_context and old_context != new_context:
        changes.append(f"a {new_context:,}-token context instead of {old_context:,}")
    old_kv = before.sizing.kv_cache_gib if before.sizing else None
    new_kv = after.sizing.kv_cache_gib if after.sizing else None
    if new_kv is not None and old_kv is not None and round(old_kv, 3) != round(new_kv, 3):
        changes.append(f"{new_kv:g} GiB of KV cache instead of {old_kv:g}")
    old_compute, new_compute = _compute(before), _compute(after)
    if old_compute != new_compute:
        changes.append(f"{new_compute or 'no compute option'}"
                       + (f" instead of {old_compute}" if old_compute else ""))
    old_cost, new_cost = before.cost.total_monthly_usd, after.cost.total_monthly_usd
    if round(old_cost, 2) != round(new_cost, 2):
        changes.append(f"${new_cost:,.2f} a month instead of ${old_cost:,.2f}")
    if not changes:
        changes.append("the same model, compute and cost; " + _other(before, after))
    return f"Changed from v{before.version}: " + "; ".join(changes) + "."


def _other(before: DeploymentPlan, after: DeploymentPlan) -> str:
    if [c.chart for c in before.kubernetes] != [c.chart for c in after.kubernetes]:
        return "the Kubernetes stack changed"
    if [(r.provider, r.instance_type) for r in before.compute] != [(r.provider, r.instance_type) for r in after.compute]:
        return "the alternatives changed"
    return "the assumptions changed"
