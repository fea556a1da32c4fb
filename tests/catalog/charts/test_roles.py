"""The role taxonomy and its rule table: the well-known charts land in the right roles."""

from __future__ import annotations

import pytest

from stack8s_architect.catalog.charts.licenses import APP_LICENSES
from stack8s_architect.catalog.charts.roles import (
    ROLE_IDS,
    ROLE_RULES,
    resolve_role,
    roles_for,
    split_roles,
)
from stack8s_architect.catalog.charts.stacks import ROLE_PREFERENCES, TEMPLATES

# (chart, repository or None, a role it must have, its product) — the list and the traps around it.
WELL_KNOWN = [
    ("vllm-stack", "vllm-project/production-stack", "inference-server", "vLLM production stack"),
    ("kserve", "kserve/kserve", "model-serving-platform", "KServe"),
    ("kserve-resources", "kserve/kserve", "model-serving-platform", "KServe"),
    ("milvus", "zilliztech/milvus-helm", "vector-db", "Milvus"),
    ("qdrant", "qdrant/qdrant-helm", "vector-db", "Qdrant"),
    ("weaviate", "weaviate/weaviate-helm", "vector-db", "Weaviate"),
    ("minio", "minio/minio", "object-storage", "MinIO"),
    ("tenant", "minio/operator", "object-storage", "MinIO"),
    ("kong", "Kong/charts", "api-gateway", "Kong"),
    ("ingress-nginx", "kubernetes/ingress-nginx", "api-gateway", "ingress-nginx"),
    ("mlflow", "community-charts/helm-charts", "experiment-tracking", "MLflow"),
    ("argo-workflows", "argoproj/argo-helm", "workflow-pipelines", "Argo Workflows"),
    ("airflow", "apache/airflow", "workflow-pipelines", "Apache Airflow"),
    ("kuberay-operator", "ray-project/kuberay-helm", "distributed-compute", "KubeRay"),
    ("kuberay", "bitnami/charts", "distributed-compute", "KubeRay"),
    ("gpu-operator", "NVIDIA/gpu-operator", "gpu-operator", "NVIDIA GPU Operator"),
    ("dcgm-exporter", "NVIDIA/dcgm-exporter", "gpu-operator", "NVIDIA DCGM exporter"),
    ("dcgm-exporter", "NVIDIA/dcgm-exporter", "metrics", "NVIDIA DCGM exporter"),
    ("kube-prometheus-stack", "prometheus-community/helm-charts", "metrics", "kube-prometheus-stack"),
    ("grafana", "grafana/helm-charts", "dashboards", "Grafana"),
    ("loki", "grafana/helm-charts", "logs", "Grafana Loki"),
    ("tempo", "grafana/helm-charts", "tracing", "Grafana Tempo"),
    ("jaeger", "jaegertracing/helm-charts", "tracing", "Jaeger"),
    ("vault", "hashicorp/vault-helm", "secrets", "HashiCorp Vault"),
    ("external-secrets", "external-secrets/external-secrets", "secrets", "External Secrets Operator"),
    ("argo-cd", "argoproj/argo-helm", "ci-cd", "Argo CD"),
    ("tekton-pipeline", "cdfoundation/tekton-helm-chart", "ci-cd", "Tekton"),
    ("keda", "kedacore/charts", "autoscaling", "KEDA"),
    ("cloudnative-pg", "cloudnative-pg/charts", "database", "CloudNativePG"),
    ("cluster", "cloudnative-pg/charts", "database", "CloudNativePG"),
    ("redis", "bitnami/charts", "cache", "Redis"),
    ("kafka", "bitnami/charts", "messaging", "Apache Kafka"),
    ("strimzi-kafka-operator", "strimzi/strimzi-kafka-operator", "messaging", "Apache Kafka (Strimzi)"),
    ("nats", "nats-io/k8s", "messaging", "NATS"),
    ("langfuse", "langfuse/langfuse-k8s", "llm-observability", "Langfuse"),
    ("cert-manager", "bitnami/charts", "certificates", "cert-manager"),
    ("keycloak", "bitnami/charts", "identity", "Keycloak"),
    ("jupyterhub", "jupyterhub/zero-to-jupyterhub-k8s", "notebooks", "JupyterHub"),
    ("open-webui", "open-webui/helm-charts", "chat-ui", "Open WebUI"),
]


@pytest.mark.parametrize(("chart", "repository", "role", "product"), WELL_KNOWN)
def test_well_known_charts_land_in_their_roles(chart: str, repository: str, role: str, product: str) -> None:
    roles, found_product, _ = roles_for(chart, repository)
    assert role in roles
    assert found_product == product


@pytest.mark.parametrize(
    ("chart", "repository", "expected_roles"),
    [
        ("prometheus-redis-exporter", None, ("metrics",)),  # an exporter is not a cache
        ("prometheus-mongodb-exporter", None, ("metrics",)),
        ("kserve-crd", "kserve/kserve", ()),  # CRD-only charts are parts, never a choice
        ("traefik-crds", None, ()),
        ("common", "bitnami/charts", ()),
        ("cluster", "some/other-repo", ()),  # `cluster` means CloudNativePG only in its own repository
        ("pipelines", "open-webui/helm-charts", ("chat-ui",)),
        ("pipelines", None, ()),
        ("tensorflow-resnet", "bitnami/charts", ()),  # a demo, not an inference server to recommend
        ("opensearch", None, ("vector-db", "logs")),
        ("someones-random-app", None, ()),
    ],
)
def test_traps_and_unknown_names(chart: str, repository: str | None, expected_roles: tuple[str, ...]) -> None:
    assert roles_for(chart, repository)[0] == expected_roles


def test_the_main_chart_of_a_product_comes_first() -> None:
    assert roles_for("kserve-resources")[2] < roles_for("kserve-runtime-configs")[2]
    assert roles_for("minio")[2] < roles_for("minio-operator")[2]
    assert roles_for("cloudnative-pg")[2] < roles_for("cluster", "cloudnative-pg/charts")[2]


def test_rule_table_is_consistent() -> None:
    assert all(role in ROLE_IDS for rule in ROLE_RULES for role in rule.roles)
    covered = {role for rule in ROLE_RULES for role in rule.roles}
    assert covered == set(ROLE_IDS)  # every role can be filled
    products = {rule.product for rule in ROLE_RULES}
    assert set(ROLE_PREFERENCES) == set(ROLE_IDS)
    assert {p for prefs in ROLE_PREFERENCES.values() for p in prefs} <= products
    assert {p for t in TEMPLATES for prefs in t.preferences.values() for p in prefs} <= products
    assert set(APP_LICENSES) <= products
    for template in TEMPLATES:
        assert set(template.required) | set(template.optional) <= set(ROLE_IDS)
        assert not set(template.required) & set(template.optional)


@pytest.mark.parametrize(
    ("text", "role"),
    [("vector-db", "vector-db"), ("Vector Database", "vector-db"), ("ingress", "api-gateway"),
     ("llm-router/gateway", "llm-gateway"), ("ci-cd/gitops", "ci-cd"), ("S3", "object-storage"), ("nope", None)],
)
def test_resolve_role(text: str, role: str | None) -> None:
    assert resolve_role(text) == role


def test_split_roles_takes_the_longest_phrase() -> None:
    assert split_roles("a model registry and a vector database behind an ingress")[0] == [
        "experiment-tracking", "vector-db", "api-gateway"]
    assert split_roles("llm gateway with a key-value cache")[0] == ["llm-gateway", "cache"]  # not api-gateway
    assert split_roles("nvidia triton") == ([], ["nvidia", "triton"])
    assert split_roles("vector database for qdrant") == (["vector-db"], ["for", "qdrant"])
