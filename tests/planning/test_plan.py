"""DeploymentPlan keeps DESIGN.md's public names, section by section."""

from __future__ import annotations

from stack8s_architect.planning.plan import (
    DeploymentPlan,
    PlanComponent,
    PlanCompute,
    PlanCost,
    PlanModel,
    PlanSizing,
)

CONTRACT = {
    DeploymentPlan: "version summary assumptions sizing compute models kubernetes cost steps tradeoffs diagram_mermaid "
                    "manifests",
    PlanSizing: "mode model_id params_billions precision weights_gib kv_cache_gib overhead_gib required_gpu_memory_gib "
                "tokens_per_second training_hours confidence notes",
    PlanCompute: "rank provider instance_type region accelerator accelerator_count gpu_memory_gib total_gpu_memory_gib "
                 "vcpus memory_gib spot price_per_hour_usd instances monthly_cost_usd fits source why",
    PlanModel: "rank id task params_billions license commercial_use downloads memory_gib why",
    PlanComponent: "role chart repository version app_version license why alternatives",
    PlanCost: "compute_monthly_usd storage_monthly_usd other_monthly_usd total_monthly_usd one_time_usd "
              "budget_usd_per_month within_budget",
}


# Optional fields added after the contract's, in this order (the manifests are rendered from them).
ADDITIONS = {
    PlanModel: "gated checkpoint",
    PlanComponent: "values",
    PlanSizing: "context_length_tokens kv_cache_dtype gpu_memory_utilization concurrent_sequences active_params_billions",
    PlanCompute: "tensor_parallel pipeline_parallel replicas accelerator_name catalog_date local nodes gpu_resource tolerate "
                 "interconnect run_hours run_cost_usd deployment within_budget",
}


def test_every_section_has_the_contract_fields_first_then_only_the_documented_additions() -> None:
    for model, names in CONTRACT.items():
        contract, added = names.split(), ADDITIONS.get(model, "").split()
        assert list(model.model_fields) == contract + added, model.__name__
        assert all(not model.model_fields[name].is_required() for name in added), model.__name__
