"""The architecture diagram and the Markdown report, from a DeploymentPlan alone."""

from __future__ import annotations

import pytest

from stack8s_architect.planning.plan import DeploymentPlan, PlanComponent, PlanCompute, PlanCost, PlanModel
from stack8s_architect.planning.spec import WorkloadSpec
from stack8s_architect.rendering.bundle import finish_plan
from stack8s_architect.rendering.diagram import plan_diagram
from stack8s_architect.rendering.markdown import plan_markdown

from .mermaid import check_flowchart


def _component(role: str, chart: str) -> PlanComponent:
    return PlanComponent(role=role, chart=chart, repository=None, version="1.0.0", app_version=None, license="MIT",
                         why="because", alternatives=[])


def _plan(*roles: tuple[str, str]) -> DeploymentPlan:
    compute = PlanCompute(rank=1, provider="aws", instance_type="p5.48xlarge", region="us-east-1", accelerator="H100",
                          accelerator_count=8, gpu_memory_gib=80, total_gpu_memory_gib=640, vcpus=192, memory_gib=2048,
                          spot=False, price_per_hour_usd=98.32, instances=1, monthly_cost_usd=71773.6, fits=True,
                          source="aws", why="fits")
    model = PlanModel(rank=1, id='org/model "x"', task="text-generation", params_billions=70, license="MIT",
                      commercial_use="yes", downloads=1, memory_gib=130, why="named")
    cost = PlanCost(compute_monthly_usd=71773.6, storage_monthly_usd=0, other_monthly_usd=0,
                    total_monthly_usd=71773.6, one_time_usd=0, budget_usd_per_month=None, within_budget=None)
    return DeploymentPlan(version=1, summary="s", assumptions=[], sizing=None, compute=[compute], models=[model],
                          kubernetes=[_component(r, c) for r, c in roles], cost=cost, steps=[], tradeoffs=[],
                          diagram_mermaid="", manifests=[])


def test_inference_flow_users_gateway_server_storage() -> None:
    plan = _plan(("api-gateway", "traefik/traefik"), ("inference-server", "vllm/vllm-stack"),
                 ("object-storage", "bitnami/minio"), ("gpu-operator", "nvidia/gpu-operator"),
                 ("metrics", "prometheus-community/kube-prometheus-stack"))
    nodes, edges = check_flowchart(plan_diagram(plan))
    assert {"users", "api_gateway", "inference_server", "object_storage", "gpu_nodes", "metrics"} <= nodes
    assert ("users", "api_gateway") in edges and ("api_gateway", "inference_server") in edges
    assert ("object_storage", "inference_server") in edges and ("gpu_operator", "gpu_nodes") in edges
    text = plan_diagram(plan)
    assert "#quot;x#quot;" in text and "8 × H100 (aws us-east-1)" in text  # quotes escaped, compute from the plan


def test_training_flow_data_storage_training_tracking_registry() -> None:
    plan = _plan(("object-storage", "bitnami/minio"), ("training-operator", "bitnami/pytorch"),
                 ("experiment-tracking", "bitnami/mlflow"), ("model-registry", "bitnami/mlflow"))
    nodes, edges = check_flowchart(plan_diagram(plan, dataset_gb=2000))
    assert "users" not in nodes and "Dataset<br/>2,000 GB" in plan_diagram(plan, dataset_gb=2000)
    for edge in [("dataset", "object_storage"), ("object_storage", "training_operator"),
                 ("training_operator", "experiment_tracking"), ("experiment_tracking", "model_registry")]:
        assert edge in edges


def test_the_report_embeds_the_diagram() -> None:
    plan = finish_plan(_plan(("inference-server", "vllm/vllm-stack")), WorkloadSpec())
    report = plan_markdown(plan)
    assert "```mermaid\nflowchart LR" in report and plan.diagram_mermaid.strip() in report


def test_the_report_tables_come_from_the_plan() -> None:
    from stack8s_architect.planning.plan import PlanSizing

    plan = _plan(("inference-server", "vllm/vllm-stack")).model_copy(update={
        "sizing": PlanSizing(mode="inference", params_billions=None, precision=None, confidence="estimated"),
        "steps": ["Provision it."], "tradeoffs": ["Spot is cheaper."]})
    report = plan_markdown(plan)
    assert "inference, model at bf16 (estimated)" in report
    assert ("| 1 | aws | p5.48xlarge | us-east-1 | 8 × H100 | 80.00 | — | 1 | $98.3200 | $71,773.60 | aws | undated |"
            in report)
    assert "1. Provision it." in report and "- Spot is cheaper." in report
    assert "| inference-server | vllm/vllm-stack | 1.0.0 | MIT | because | — |" in report


def test_the_report_shows_layout_catalog_date_alternatives_and_deliverables() -> None:
    from stack8s_architect.planning.spec import WorkloadSpec
    from stack8s_architect.rendering.bundle import finish_plan

    from .plans import compute, plan

    finished = finish_plan(plan(rows=[compute(count=8, tp=4, replicas=2, spot=True)]), WorkloadSpec(task="inference"))
    report = plan_markdown(finished)
    assert ("| 1 | aws | p5.48xlarge | us-east-1 | 8 × H100-SXM | 80.00 | TP=4 × 2 | 1 | $98.3200 | $71,773.60 | "
            "aws-gpu-vantage (spot) | 2026-01-21 |") in report
    assert "| because | other/chart 1.0 |" in report
    assert "### Deliverables" in report and "`manifests/01-deployment.yaml`" in report and "`skypilot.yaml`" in report


@pytest.mark.parametrize("line", ['flowchart LR\n    a["x"]\n    a --> b', 'flowchart LR\n    a[x]', "graph TD"])
def test_the_checker_rejects_bad_text(line: str) -> None:
    with pytest.raises(AssertionError):
        check_flowchart(line)
