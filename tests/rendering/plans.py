"""Small hand-built DeploymentPlans for the rendering tests (no catalog needed)."""

from __future__ import annotations

from stack8s_architect.planning.plan import (
    DeploymentPlan,
    PlanComponent,
    PlanCompute,
    PlanCost,
    PlanModel,
    PlanSizing,
)

CHARTS = {
    "inference-server": ("vllm/vllm-stack", "https://vllm-project.github.io/production-stack", "0.1.12"),
    "api-gateway": ("traefik/traefik", "https://traefik.github.io/charts", "41.3.0"),
    "gpu-operator": ("nvidia/gpu-operator", "https://helm.ngc.nvidia.com/nvidia", "v26.7.0"),
    "metrics": ("prometheus-community/kube-prometheus-stack", "https://prometheus-community.github.io/helm-charts",
                "88.5.3"),
    "autoscaling": ("kedacore/keda", "https://kedacore.github.io/charts", "2.20.2"),
    "experiment-tracking": ("community-charts/mlflow", "https://community-charts.github.io/helm-charts", "1.8.1"),
    "object-storage": ("minio/minio", "https://charts.min.io/", "5.4.0"),
    "training-operator": ("kubeflow/training-operator", None, "1.9.0"),
    "vector-db": ("bitnamicharts/milvus", "oci://registry-1.docker.io/bitnamicharts", "15.0.2"),
}


def component(role: str, chart: str | None = None) -> PlanComponent:
    default = CHARTS.get(role, (f"example/{role}", "https://example.org/charts", "1.0.0"))
    chart_id, repository, version = (chart, default[1], default[2]) if chart else default
    return PlanComponent(role=role, chart=chart_id, repository=repository, version=version, app_version=None,
                         license="Apache-2.0", why="because", alternatives=["other/chart 1.0: cheaper"])


def compute(*, accelerator: str = "H100-SXM", count: float = 8, memory: float = 80, instances: int = 1,
            tp: int | None = 8, pp: int | None = 1, replicas: int | None = 1, provider: str = "aws",
            instance_type: str = "p5.48xlarge", source: str = "aws-gpu-vantage", name: str | None = "NVIDIA H100",
            spot: bool = False, fits: bool = True, price: float = 98.32) -> PlanCompute:
    return PlanCompute(rank=1, provider=provider, instance_type=instance_type, region="us-east-1",
                       accelerator=accelerator, accelerator_count=count, gpu_memory_gib=memory,
                       total_gpu_memory_gib=memory * count, vcpus=192, memory_gib=2048, spot=spot,
                       price_per_hour_usd=price, instances=instances, monthly_cost_usd=price * 730 * instances,
                       fits=fits, source=source, why="fits", tensor_parallel=tp, pipeline_parallel=pp,
                       replicas=replicas, accelerator_name=name, catalog_date="2026-01-21")


def sizing(mode: str = "inference", *, weights: float = 130.4, context: int | None = 8192,
           utilization: float | None = 0.9, precision: str = "bf16", hours: float | None = None,
           kv_dtype: str | None = "bf16") -> PlanSizing:
    return PlanSizing(mode=mode, model_id="Llama 3.1 70B", params_billions=70, precision=precision,
                      weights_gib=weights, kv_cache_gib=2.5, overhead_gib=1.0, required_gpu_memory_gib=weights + 3.5,
                      tokens_per_second=40.0, training_hours=hours, confidence="estimated", notes=[],
                      context_length_tokens=context, kv_cache_dtype=kv_dtype,
                      gpu_memory_utilization=utilization if mode == "inference" else None)


def plan(*, roles: tuple[str, ...] = ("inference-server", "api-gateway", "gpu-operator", "metrics", "autoscaling"),
         rows: list[PlanCompute] | None = None, plan_sizing: PlanSizing | None = None,
         model: str = "meta-llama/Llama-3.1-70B-Instruct", task: str = "text-generation") -> DeploymentPlan:
    model_row = PlanModel(rank=1, id=model, task=task, params_billions=70, license="llama3.1",
                          commercial_use="conditional", downloads=1, memory_gib=131.4, why="named")
    cost = PlanCost(compute_monthly_usd=1.0, storage_monthly_usd=0, other_monthly_usd=0, total_monthly_usd=1.0,
                    one_time_usd=0, budget_usd_per_month=None, within_budget=None)
    return DeploymentPlan(version=1, summary="s", assumptions=["a"], sizing=plan_sizing if plan_sizing else sizing(),
                          compute=rows if rows is not None else [compute()], models=[model_row],
                          kubernetes=[component(r) for r in roles], cost=cost, steps=["x"], tradeoffs=["y"],
                          diagram_mermaid="", manifests=[])
