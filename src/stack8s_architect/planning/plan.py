"""`DeploymentPlan`: the planner's answer, with DESIGN.md's names. Units are in the names.

`_gib` is GiB (2^30 bytes), `_usd` US dollars, monthly = 730 hours. Every number is copied from a
catalog row or computed by `sizing/`; nothing here is free text from a language model.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class PlanSizing(BaseModel):
    mode: str
    model_id: str | None = None
    params_billions: float | None = None
    precision: str | None = None
    weights_gib: float | None = None
    kv_cache_gib: float | None = None
    overhead_gib: float | None = None
    required_gpu_memory_gib: float | None = None
    tokens_per_second: float | None = None
    training_hours: float | None = None
    confidence: str = Field(description="exact (a full config.json), partial (a config subset: the KV shape is the "
                            "model's own) or estimated (a parameter count only)")
    notes: list[str] = Field(default_factory=list)
    # Additions beyond DESIGN.md's names (after them, optional): what the manifests are rendered from.
    context_length_tokens: int | None = Field(default=None, description="context one sequence is sized for "
                                              "(vLLM --max-model-len)")
    kv_cache_dtype: str | None = None
    gpu_memory_utilization: float | None = Field(default=None, description="share of each GPU's usable memory "
                                                 "the serving budget assumes (vLLM --gpu-memory-utilization)")
    concurrent_sequences: int | None = Field(default=None, description="sequences in flight the KV cache is sized "
                                             "for (serving: users, or a request rate by Little's law)")
    active_params_billions: float | None = Field(default=None, description="parameters one token passes through "
                                                 "(MoE: shared + routed experts per token)")


class PlanNodeShare(BaseModel):
    name: str
    gpus: int = Field(description="free devices this option takes on the node")


class PlanCompute(BaseModel):
    rank: int
    provider: str
    instance_type: str
    region: str
    accelerator: str | None
    accelerator_count: float
    gpu_memory_gib: float | None
    total_gpu_memory_gib: float | None
    vcpus: float | None
    memory_gib: float | None
    spot: bool
    price_per_hour_usd: float
    instances: int
    monthly_cost_usd: float
    fits: bool
    source: str
    why: str
    # Additions beyond DESIGN.md's names (after them, optional): the layout the sizing chose on this
    # offer, the provider catalog's own accelerator name and the date of the catalog the price is from.
    tensor_parallel: int | None = None
    pipeline_parallel: int | None = None
    replicas: int | None = None
    accelerator_name: str | None = None
    catalog_date: str | None = None
    # a local cluster's option: free GPUs already there (no compute cost), on these nodes
    local: bool = Field(default=False, description="true: free GPUs of the local cluster, priced at 0")
    nodes: list[PlanNodeShare] = Field(default_factory=list, description="local: the nodes and GPUs taken on each")
    gpu_resource: str | None = Field(default=None, description="local: the extended resource pods request "
                                     "(nvidia.com/gpu, nvidia.com/mig-1g.10gb, amd.com/gpu)")
    tolerate: list[str] = Field(default_factory=list, description="local: the nodes' NoSchedule/NoExecute taints "
                                "(key[=value]:Effect) the pods tolerate")
    interconnect: str | None = Field(default=None, description="the fabric between this offer's instances, as known: "
                                     "'EFAv2 3200 Gbps', 'InfiniBand', 'not stated in the catalog'")
    # a finite job (training, fine-tuning, batch): one run on this offer, all its rented GPUs working
    run_hours: float | None = Field(default=None, description="finite jobs: wall hours of one run on this offer")
    run_cost_usd: float | None = Field(default=None, description="finite jobs: compute cost of one run on this offer")
    deployment: str | None = Field(default=None, description="how this option is deployed: the provider's managed "
                                   "Kubernetes, a SkyPilot task, or machines to build a cluster on")
    within_budget: bool | None = Field(default=None, description="this option's compute with the plan's storage and "
                                       "other costs is within the budget (None: no budget given)")


class PlanModel(BaseModel):
    rank: int
    id: str
    task: str
    params_billions: float | None
    license: str
    commercial_use: str
    downloads: int | None
    memory_gib: float | None
    why: str
    # Addition: Hugging Face gates the download (licence acceptance): the pods then require the token Secret
    gated: bool | None = Field(default=None, description="the weights are gated on Hugging Face (a token is needed)")
    checkpoint: str | None = Field(default=None, description="the repository the deliverables serve at the plan's "
                                   "quantised precision: a release from the catalog (AWQ, GPTQ, FP8), or this model "
                                   "when the engine quantises while loading")


class PlanComponent(BaseModel):
    role: str
    chart: str
    repository: str | None
    version: str | None
    app_version: str | None
    license: str | None
    why: str
    alternatives: list[str]
    # Addition: values the plan sets on this release (keys its chart's values.yaml declares)
    values: dict[str, Any] | None = Field(default=None, description="values the plan sets on this chart's release")


class PlanCost(BaseModel):
    compute_monthly_usd: float
    storage_monthly_usd: float
    other_monthly_usd: float
    total_monthly_usd: float
    one_time_usd: float
    budget_usd_per_month: float | None
    within_budget: bool | None


class PlanManifest(BaseModel):
    path: str
    content: str


class DeploymentPlan(BaseModel):
    version: int
    summary: str
    assumptions: list[str]
    sizing: PlanSizing | None
    compute: list[PlanCompute]
    models: list[PlanModel]
    kubernetes: list[PlanComponent]
    cost: PlanCost
    steps: list[str]
    tradeoffs: list[str]
    diagram_mermaid: str
    manifests: list[PlanManifest]
