"""The whole k8s folder of ../shared/data, ingested through the real sync (skips when absent)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from stack8s_architect.catalog import ingest
from stack8s_architect.catalog.charts.catalog import ChartCatalogData
from stack8s_architect.catalog.charts.schemas import ChartSearchRequest, StackRequest
from stack8s_architect.catalog.charts.service import ChartCatalog
from stack8s_architect.catalog.charts.stacks import TEMPLATES
from stack8s_architect.catalog.sources import SourceReader, sources_for
from stack8s_architect.core.database import Database
from stack8s_architect.core.embedded_postgres import EmbeddedPostgres

from ..conftest import create_database, drop_database

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def full(shared_data: Path, postgres_server: EmbeddedPostgres, template_database: str, tmp_path_factory) -> Iterator[tuple[Database, list]]:  # noqa: ANN001
    database = create_database(postgres_server, template_database)
    reports = ingest.sync(database, SourceReader(shared_data, tmp_path_factory.mktemp("cache")), sources_for(("charts",)))
    yield database, reports
    drop_database(postgres_server, database)


@pytest.fixture(scope="module")
def data(full) -> ChartCatalogData:  # noqa: ANN001
    database, _ = full
    with database.session() as session:
        return ChartCatalog(session).data()


def test_every_chart_source_ingests(full, data: ChartCatalogData) -> None:  # noqa: ANN001
    _, reports = full
    assert {r.status for r in reports} == {"ingested"}, [(r.source_id, r.error) for r in reports if r.status != "ingested"]
    assert all(r.rows_written > 0 for r in reports)
    ours = [e for e in data.entries if e.origin == "helm-repository"]
    assert len({(e.repository, e.name) for e in ours}) >= 740  # the README counts 748 (source, chart) rows
    assert sum(len(e.versions) for e in ours) >= 64_000  # and 65,913 chart versions
    assert data.as_of == "2026-08-22"
    assert len(data.entries) - len(ours) > 9_000  # the Artifact Hub breadth listing


# The list: each must land in its role from its own (or the named vendor's) repository.
WELL_KNOWN = [
    ("vllm/vllm-stack", "inference-server"), ("kserve/kserve-resources", "model-serving-platform"),
    ("milvus/milvus", "vector-db"), ("qdrant/qdrant", "vector-db"), ("weaviate/weaviate", "vector-db"),
    ("minio/minio", "object-storage"), ("kong/kong", "api-gateway"), ("ingress-nginx/ingress-nginx", "api-gateway"),
    ("community-charts/mlflow", "experiment-tracking"), ("bitnami/mlflow", "experiment-tracking"),
    ("argo/argo-workflows", "workflow-pipelines"), ("apache-airflow/airflow", "workflow-pipelines"),
    ("kuberay/kuberay-operator", "distributed-compute"), ("nvidia/gpu-operator", "gpu-operator"),
    ("gpu-helm-charts/dcgm-exporter", "gpu-operator"), ("gpu-helm-charts/dcgm-exporter", "metrics"),
    ("prometheus-community/kube-prometheus-stack", "metrics"), ("grafana/grafana", "dashboards"),
    ("grafana/loki", "logs"), ("grafana/tempo", "tracing"), ("jaegertracing/jaeger", "tracing"),
    ("hashicorp/vault", "secrets"), ("external-secrets/external-secrets", "secrets"), ("argo/argo-cd", "ci-cd"),
    ("cdf/tekton-pipeline", "ci-cd"), ("kedacore/keda", "autoscaling"), ("cnpg/cloudnative-pg", "database"),
    ("bitnami/redis", "cache"), ("bitnami/kafka", "messaging"), ("strimzi/strimzi-kafka-operator", "messaging"),
    ("nats/nats", "messaging"), ("langfuse/langfuse", "llm-observability"),
]


@pytest.mark.parametrize(("chart_id", "role"), WELL_KNOWN)
def test_well_known_charts_land_in_their_roles(data: ChartCatalogData, chart_id: str, role: str) -> None:
    entry = data.by_id[chart_id]
    assert role in entry.roles
    assert entry.latest_version and entry.helm_repo


@pytest.mark.parametrize("template", [t.id for t in TEMPLATES])
def test_every_template_gets_a_usable_chart_per_role(full, template: str) -> None:  # noqa: ANN001
    database, _ = full
    with database.session() as session:
        catalog = ChartCatalog(session)
        stack = catalog.stack(StackRequest(workload=template, include_optional=True))
        data = catalog.data()
    assert stack.gaps == []
    filled = {c.role for c in stack.components} | {r for c in stack.components for r in c.also_covers}
    template_spec = next(t for t in TEMPLATES if t.id == template)
    assert filled == set(template_spec.required) | set(template_spec.optional)
    for component in stack.components:
        entry = data.by_id[component.chart_id]
        assert not entry.deprecated and component.version == entry.latest_version and component.why
        products = [entry.product] + [data.by_id[a.chart_id].product for a in component.alternatives]
        assert len(component.alternatives) <= 2 and len(set(products)) == len(products)  # other products
        assert all(not data.by_id[a.chart_id].deprecated for a in component.alternatives)


@pytest.mark.parametrize(
    ("template", "role", "chart_id"),
    [
        ("llm-inference", "inference-server", "vllm/vllm-stack"),
        ("llm-inference", "gpu-operator", "nvidia/gpu-operator"),
        ("llm-inference", "metrics", "prometheus-community/kube-prometheus-stack"),
        ("llm-inference", "api-gateway", "traefik/traefik"),
        ("rag", "vector-db", "qdrant/qdrant"),
        ("llm-fine-tuning", "experiment-tracking", "bitnami/mlflow"),
        ("batch-inference", "workflow-pipelines", "argo/argo-workflows"),
        ("medical-imaging", "secrets", "external-secrets/external-secrets"),
        ("medical-imaging", "identity", "bitnami/keycloak"),
        ("speech", "object-storage", "bitnami/minio"),
    ],
)
def test_stack_choices(full, template: str, role: str, chart_id: str) -> None:  # noqa: ANN001
    database, _ = full
    with database.session() as session:
        stack = ChartCatalog(session).stack(StackRequest(workload=template, include_optional=True))
    assert {c.role: c.chart_id for c in stack.components}[role] == chart_id


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("redis", "bitnami/redis"),
        ("vector database", "qdrant/qdrant"),
        ("ingress-nginx", "ingress-nginx/ingress-nginx"),  # named: shown first, with its retirement in `why`
        ("kube-prometheus-stack", "prometheus-community/kube-prometheus-stack"),
        ("argo cd gitops", "argo/argo-cd"),
        ("gpu operator", "nvidia/gpu-operator"),
        ("mlflow", "community-charts/mlflow bitnami/mlflow"),  # both maintained; text relevance decides
        ("cert-manager", "cert-manager/cert-manager"),  # the project's own repository (2022 listing) over Bitnami's
        ("postgres", "bitnami/postgresql"),  # not one of the forks named exactly `postgres`
        ("redis cluster", "bitnami/redis-cluster"),  # both words, not CloudNativePG's `cluster`
        ("vector db", "qdrant/qdrant"),  # a role, not the `vector` log shipper
    ],
)
def test_official_charts_rank_above_forks(full, query: str, first: str) -> None:  # noqa: ANN001
    database, _ = full
    with database.session() as session:
        results = ChartCatalog(session).search(ChartSearchRequest(query=query, limit=10)).results
    assert results[0].id in first.split(), [r.id for r in results]
    forks = [r for r in results if r.publisher_kind == "unknown"]
    assert all(results.index(f) > 0 for f in forks)


@pytest.mark.parametrize(
    ("role", "first"),
    [
        ("model-serving-platform", "kserve/kserve-resources"),  # the product's main chart, not a side chart
        ("database", "cnpg/cloudnative-pg"),
        ("tracing", "open-telemetry/opentelemetry-operator"),
        ("dashboards", "bitnami/grafana"),  # grafana/grafana is deprecated (moved out of the repository)
        ("logs", "grafana/loki"),
    ],
)
def test_role_search_puts_the_main_chart_of_the_best_product_first(full, role: str, first: str) -> None:  # noqa: ANN001
    database, _ = full
    with database.session() as session:
        results = ChartCatalog(session).search(ChartSearchRequest(role=role, limit=3)).results
    assert results[0].id == first, [r.id for r in results]
