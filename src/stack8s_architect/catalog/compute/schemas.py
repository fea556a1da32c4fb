"""Wire shapes of the compute catalog (API and CLI)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from stack8s_architect.sizing.cost import HOURS_PER_MONTH  # noqa: F401  (re-exported: one definition)


class ComputeSearchRequest(BaseModel):
    """Filters for `POST /api/v1/tools/compute/search`; every field is optional."""

    model_config = ConfigDict(extra="forbid")

    accelerators: list[str] = Field(default_factory=list, description="GPU names: H100, a100-80gb, L4, MI300X, tpu v5p…")
    kind: Literal["gpu", "cpu", "any"] = Field(default="gpu", description="gpu offers, cpu-only offers, or both")
    min_count: float | None = Field(default=None, ge=0, description="minimum accelerators per instance")
    max_count: float | None = Field(default=None, ge=0, description="maximum accelerators per instance")
    min_gpu_memory_gib: float | None = Field(default=None, ge=0, description="per-GPU memory")
    min_total_gpu_memory_gib: float | None = Field(default=None, ge=0, description="GPU memory of the whole instance")
    providers: list[str] = Field(default_factory=list, description="aws, gcp, azure, lambda, runpod, …")
    regions: list[str] = Field(default_factory=list, description="provider region ids, e.g. us-east-1, europe-west4")
    geography: list[str] = Field(default_factory=list, description="us, europe, eu, asia, … or a country/city")
    max_price_per_hour_usd: float | None = Field(default=None, gt=0)
    max_price_per_month_usd: float | None = Field(default=None, gt=0)
    spot: bool = Field(default=False, description="rank by spot price (only offers with one)")
    min_vcpus: float | None = Field(default=None, ge=0)
    min_memory_gib: float | None = Field(default=None, ge=0, description="host RAM")
    group_by_instance_type: bool = Field(default=True, description="keep the cheapest region per instance type")
    limit: int = Field(default=20, ge=1, le=500)

    @model_validator(mode="after")
    def _consistent(self) -> ComputeSearchRequest:
        for name in ("accelerators", "providers", "regions", "geography"):
            if any(not value.strip() for value in getattr(self, name)):
                raise ValueError(f"{name} contains an empty name; remove it")
        if self.min_count is not None and self.max_count is not None and self.min_count > self.max_count:
            raise ValueError("min_count is larger than max_count; swap them or drop one")
        if self.accelerators and self.kind == "cpu":
            raise ValueError("accelerators were given with kind='cpu'; use kind='gpu' or drop accelerators")
        return self

    @property
    def max_hourly_usd(self) -> float | None:
        limits = [self.max_price_per_hour_usd]
        if self.max_price_per_month_usd is not None:
            limits.append(self.max_price_per_month_usd / HOURS_PER_MONTH)
        present = [value for value in limits if value is not None]
        return min(present) if present else None


class ComputeOffer(BaseModel):
    provider: str
    upstream_provider: str | None
    instance_type: str
    region: str
    zones: list[str]
    country: str | None
    city: str | None
    geography: str
    accelerator: str | None
    accelerator_name: str | None
    accelerator_count: float
    gpu_memory_gib: float | None
    total_gpu_memory_gib: float | None
    vcpus: float | None
    memory_gib: float | None
    price_per_hour_usd: float | None
    spot_price_per_hour_usd: float | None
    spot: bool = Field(description="the ranked price is the spot price")
    hourly_usd: float = Field(description="the price this offer was ranked by")
    monthly_cost_usd: float = Field(description=f"hourly_usd × {HOURS_PER_MONTH} h")
    source: str
    catalog_date: str | None
    network: str | None = Field(default=None, description="the instance's network as the catalog states it (AWS)")
    interconnect: str = Field(default="not stated in the catalog", description=(
        "the fabric between instances: 'EFAv2 3200 Gbps', 'InfiniBand', 'GPUDirect-TCPX', 'Ethernet 100 Gbps, no "
        "RDMA fabric', or 'not stated in the catalog'"))
    fast_interconnect: bool = Field(default=False, description="GPUs on different instances talk over an RDMA-class "
                                    "fabric (EFA, InfiniBand, GPUDirect)")


class ComputeSearchResponse(BaseModel):
    count: int
    offers: list[ComputeOffer]
    accelerators: list[str] = Field(description="accelerator keys the names resolved to")
    countries: list[str] = Field(description="countries the geography words resolved to")


class AcceleratorSummary(BaseModel):
    key: str
    vendor: str
    architecture: str
    memory_gib: float
    usable_memory_gib: float
    memory_bandwidth_gb_s: float
    bf16_tflops: float
    fp8_tflops: float | None
    interconnect: str
    tdp_watts: float | None
    offers: int
    providers: list[str]
    min_price_per_hour_usd: float | None
    max_price_per_hour_usd: float | None
    min_price_per_gpu_hour_usd: float | None
