"""Wire shapes of the chart knowledge base."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

LicensePolicy = Literal["prefer-permissive", "permissive-only", "any"]
PublisherKind = Literal["upstream", "vendor", "community", "unknown"]


def _printable(*texts: str | None) -> None:
    for text in texts:
        if text and not text.isprintable():
            raise ValueError("control characters are not allowed in the query or filters; remove them")


class ChartSearchRequest(BaseModel):
    """Body of `POST /api/v1/tools/k8s/search`: words, a role, or both."""

    model_config = ConfigDict(extra="forbid")

    query: str | None = Field(default=None, max_length=300, description="what the component should do, or its name")
    role: str | None = Field(default=None, max_length=60, description="a role id or alias: vector-db, ingress, …")
    publisher_kinds: list[PublisherKind] | None = Field(default=None, description="only these publisher kinds")
    license_policy: LicensePolicy = Field(default="prefer-permissive",
                                          description="permissive-only keeps software with a known permissive licence (no AGPL/BUSL/SSPL, "
                                                      "no copyleft, no unknown licence)")
    include_deprecated: bool = Field(default=False, description="also deprecated, archived and removed charts")
    prefer_small: bool = Field(default=False, description="rank charts with smaller default requests first")
    limit: int = Field(default=10, ge=1, le=100)

    @model_validator(mode="after")
    def _has_query_or_role(self) -> ChartSearchRequest:
        if not (self.query or "").strip() and not (self.role or "").strip():
            raise ValueError("give a query (e.g. 'vector database') or a role (e.g. vector-db)")
        _printable(self.query, self.role)
        return self


class GpuKey(BaseModel):
    path: str
    value: str


class ChartSummary(BaseModel):
    id: str = Field(description="<helm repo alias>/<chart>, as `helm install <release> <id>` takes it")
    chart: str
    repository: str | None = Field(description="the Helm repository URL (`helm repo add`); None if unpublished")
    source_repository: str
    publisher: str
    publisher_kind: str
    foundation: str | None
    version: str | None
    app_version: str | None
    last_release: str | None
    maintenance: str = Field(description="active (≤ 1 year), ageing (≤ 2 years), stale, unknown")
    deprecated: bool
    deprecation: str | None
    license: str | None
    commercial_use: str
    license_caveat: str | None
    roles: list[str]
    product: str | None
    description: str
    requests_cpu_m: int | None = Field(description="default CPU requests of the enabled components, millicores")
    requests_memory_mi: int | None = Field(description="default memory requests, MiB")
    gpu_keys: list[GpuKey]
    why: str


class ChartHit(ChartSummary):
    rank: int
    score: float


class ChartSearchResponse(BaseModel):
    query: str | None
    role: str | None
    inferred_roles: list[str]
    catalog_as_of: str | None = Field(description="the newest release in the catalog; freshness is measured from it")
    results: list[ChartHit]


class ChartVersionOut(BaseModel):
    version: str
    app_version: str | None
    released: str | None
    prerelease: bool


class ChartDetail(ChartSummary):
    keywords: list[str]
    home: str | None
    sources: list[str]
    maintainers: list[str]
    dependencies: list[dict[str, str]]
    kube_version: str | None
    chart_license: str | None
    app_license: str | None
    category: str | None
    first_release: str | None
    versions_count: int
    versions: list[ChartVersionOut] = Field(description="newest first, at most 50")
    resources: dict | None
    notes: list[str]
    same_name: list[str] = Field(description="ids of other charts with this name")
    install: str | None = Field(description="the helm commands that install the latest version")


class StackRequest(BaseModel):
    """Body of `POST /api/v1/tools/k8s/stack`."""

    model_config = ConfigDict(extra="forbid")

    workload: str = Field(max_length=60, description="llm-inference, rag, llm-fine-tuning, cv-training, "
                                                     "batch-inference, medical-imaging, speech")
    include_optional: bool = Field(default=False, description="also the template's optional roles")
    add_roles: list[str] = Field(default_factory=list, max_length=30, description="roles to add")
    exclude_roles: list[str] = Field(default_factory=list, max_length=30, description="roles to leave out")
    compliance: list[str] = Field(default_factory=list, max_length=10,
                                  description="hipaa, gdpr, soc2 …: adds secrets, certificates, identity, logs")
    prefer_small: bool = False
    license_policy: LicensePolicy = "prefer-permissive"

    @model_validator(mode="after")
    def _printable_fields(self) -> StackRequest:
        _printable(self.workload, *self.add_roles, *self.exclude_roles, *self.compliance)
        return self


class StackAlternative(BaseModel):
    chart: str
    chart_id: str
    repository: str | None
    version: str | None
    license: str | None
    why: str


class StackComponent(BaseModel):
    role: str
    required: bool
    chart: str
    chart_id: str
    repository: str | None
    source_repository: str
    version: str | None
    app_version: str | None
    license: str | None
    commercial_use: str
    license_caveat: str | None
    requests_cpu_m: int | None
    requests_memory_mi: int | None
    gpu_keys: list[GpuKey]
    why: str
    alternatives: list[StackAlternative]
    also_covers: list[str] = Field(description="other roles of the stack this chart fills")


class StackGap(BaseModel):
    role: str
    reason: str


class StackTotals(BaseModel):
    charts: int
    charts_with_declared_requests: int
    requests_cpu_m: int
    requests_memory_mi: int


class StackResponse(BaseModel):
    workload: str
    title: str
    components: list[StackComponent]
    gaps: list[StackGap]
    notes: list[str]
    totals: StackTotals
    catalog_as_of: str | None
