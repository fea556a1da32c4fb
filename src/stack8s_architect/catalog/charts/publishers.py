"""Who publishes each chart repository: the trust facts Artifact Hub shows as badges, kept in one table.

`kind` ranks charts within a role once usability, maintenance and the workload's preferences tie:
- upstream: the project itself publishes the chart (qdrant/qdrant-helm, argoproj/argo-helm, ...);
- vendor: a known packager publishes charts of other projects' software (Bitnami);
- community: third parties (community-charts, otwld/ollama-helm, the deprecated Helm stable repo).
`helm_repo` is what `helm repo add` takes (https:// or oci://), from each project's install docs; None
where the project publishes no Helm repository (example charts, Kubeflow's experimental charts).
`artifacthub` lists the Artifact Hub repository names that are this repository, so the 2022 listing
does not repeat charts we hold fresher data for.
"""

from __future__ import annotations

from dataclasses import dataclass

@dataclass(frozen=True)
class Publisher:
    repository: str  # GitHub owner/name (the source)
    alias: str  # the conventional `helm repo add <alias>` name; chart ids are <alias>/<chart>
    helm_repo: str | None
    kind: str
    name: str
    foundation: str | None = None
    archived: str | None = None  # why the repository is no longer maintained
    artifacthub: tuple[str, ...] = ()
    note: str | None = None


_P = Publisher
PUBLISHERS: tuple[Publisher, ...] = (
    _P("airflow-helm/charts", "airflow-stable", "https://airflow-helm.github.io/charts", "community",
       "airflow-helm community", artifacthub=("airflow-helm",), note="community chart; the official one is apache/airflow"),
    _P("amikos-tech/chromadb-chart", "chroma", "https://amikos-tech.github.io/chromadb-chart/", "community",
       "Amikos Tech"),
    _P("apache/airflow", "apache-airflow", "https://airflow.apache.org", "upstream", "Apache Airflow",
       foundation="Apache Software Foundation", artifacthub=("apache-airflow",)),
    _P("apache/apisix-helm-chart", "apisix", "https://charts.apiseven.com", "upstream", "Apache APISIX",
       foundation="Apache Software Foundation", artifacthub=("apisix",)),
    _P("argoproj/argo-helm", "argo", "https://argoproj.github.io/argo-helm", "upstream", "Argo Project",
       foundation="CNCF graduated", artifacthub=("argo",)),
    _P("bitnami/charts", "bitnami", "oci://registry-1.docker.io/bitnamicharts", "vendor", "Bitnami (Broadcom)",
       artifacthub=("bitnami",),
       note="Bitnami moved most free images to a legacy registry in Sep 2025; check image availability"),
    _P("cdfoundation/tekton-helm-chart", "cdf", "https://cdfoundation.github.io/tekton-helm-chart/", "community",
       "CD Foundation community", foundation="CD Foundation", artifacthub=("tekton",)),
    _P("cloudnative-pg/charts", "cnpg", "https://cloudnative-pg.github.io/charts", "upstream", "CloudNativePG",
       foundation="CNCF sandbox", artifacthub=("cloudnative-pg",)),
    _P("community-charts/helm-charts", "community-charts", "https://community-charts.github.io/helm-charts",
       "community", "community-charts", artifacthub=("community-charts",)),
    _P("dask/helm-chart", "dask", "https://helm.dask.org/", "upstream", "Dask", artifacthub=("dask",)),
    _P("elastic/helm-charts", "elastic", "https://helm.elastic.co", "upstream", "Elastic",
       archived="archived in 2022; Elastic now ships ECK (an operator) instead", artifacthub=("elastic",)),
    _P("external-secrets/external-secrets", "external-secrets", "https://charts.external-secrets.io", "upstream",
       "External Secrets", artifacthub=("external-secrets-operator",)),
    _P("goharbor/harbor-helm", "harbor", "https://helm.goharbor.io", "upstream", "Harbor",
       foundation="CNCF graduated", artifacthub=("harbor",)),
    _P("grafana/helm-charts", "grafana", "https://grafana.github.io/helm-charts", "upstream", "Grafana Labs",
       artifacthub=("grafana",)),
    _P("hashicorp/vault-helm", "hashicorp", "https://helm.releases.hashicorp.com", "upstream", "HashiCorp",
       artifacthub=("hashicorp",)),
    _P("helm/charts", "stable", "https://charts.helm.sh/stable", "community", "Helm stable/incubator (deprecated)",
       archived="the Helm stable and incubator repositories were deprecated in Nov 2020"),
    _P("jaegertracing/helm-charts", "jaegertracing", "https://jaegertracing.github.io/helm-charts", "upstream",
       "Jaeger", foundation="CNCF graduated", artifacthub=("jaegertracing",)),
    _P("jupyterhub/zero-to-jupyterhub-k8s", "jupyterhub", "https://hub.jupyter.org/helm-chart/", "upstream",
       "Project Jupyter", artifacthub=("jupyterhub",)),
    _P("kedacore/charts", "kedacore", "https://kedacore.github.io/charts", "upstream", "KEDA",
       foundation="CNCF graduated", artifacthub=("kedacore",)),
    _P("Kong/charts", "kong", "https://charts.konghq.com", "upstream", "Kong", artifacthub=("kong",)),
    _P("kserve/kserve", "kserve", "oci://ghcr.io/kserve/charts", "upstream", "KServe",
       foundation="CNCF incubating"),
    _P("kubeflow/manifests", "kubeflow", None, "upstream", "Kubeflow", foundation="CNCF incubating",
       note="experimental Helm charts; Kubeflow itself ships as kustomize manifests"),
    _P("kubeflow/spark-operator", "spark-operator", "https://kubeflow.github.io/spark-operator", "upstream",
       "Kubeflow", foundation="CNCF incubating"),
    _P("kubernetes/ingress-nginx", "ingress-nginx", "https://kubernetes.github.io/ingress-nginx", "upstream",
       "Kubernetes project", foundation="CNCF", artifacthub=("ingress-nginx",),
       archived="retired by the Kubernetes project: best-effort maintenance ended in March 2026"),
    _P("langfuse/langfuse-k8s", "langfuse", "https://langfuse.github.io/langfuse-k8s", "upstream", "Langfuse"),
    _P("milvus-io/milvus-helm", "milvus-legacy", "https://milvus-io.github.io/milvus-helm/", "upstream", "Milvus",
       foundation="LF AI & Data", archived="superseded by zilliztech/milvus-helm in 2023", artifacthub=("milvus",)),
    _P("minio/minio", "minio", "https://charts.min.io/", "upstream", "MinIO", artifacthub=("minio-official", "minio")),
    _P("minio/operator", "minio-operator", "https://operator.min.io", "upstream", "MinIO"),
    _P("mongodb/helm-charts", "mongodb", "https://mongodb.github.io/helm-charts", "upstream", "MongoDB",
       artifacthub=("mongodb-helm-charts",)),
    _P("nats-io/k8s", "nats", "https://nats-io.github.io/k8s/helm/charts/", "upstream", "NATS",
       foundation="CNCF incubating", artifacthub=("nats",)),
    _P("NVIDIA/dcgm-exporter", "gpu-helm-charts", "https://nvidia.github.io/dcgm-exporter/helm-charts", "upstream",
       "NVIDIA"),
    _P("NVIDIA/gpu-operator", "nvidia", "https://helm.ngc.nvidia.com/nvidia", "upstream", "NVIDIA"),
    _P("NVIDIA/k8s-device-plugin", "nvdp", "https://nvidia.github.io/k8s-device-plugin", "upstream", "NVIDIA"),
    _P("open-telemetry/opentelemetry-helm-charts", "open-telemetry",
       "https://open-telemetry.github.io/opentelemetry-helm-charts", "upstream", "OpenTelemetry",
       foundation="CNCF incubating", artifacthub=("open-telemetry", "opentelemetry-helm")),
    _P("open-webui/helm-charts", "open-webui", "https://helm.openwebui.com/", "upstream", "Open WebUI"),
    _P("opensearch-project/helm-charts", "opensearch", "https://opensearch-project.github.io/helm-charts/", "upstream",
       "OpenSearch", foundation="OpenSearch Software Foundation (LF)", artifacthub=("opensearch-project-helm-charts",)),
    _P("otwld/ollama-helm", "ollama-helm", "https://otwld.github.io/ollama-helm/", "community", "OTWLD"),
    _P("prometheus-community/helm-charts", "prometheus-community",
       "https://prometheus-community.github.io/helm-charts", "upstream", "Prometheus community",
       foundation="CNCF graduated", artifacthub=("prometheus-community",)),
    _P("qdrant/qdrant-helm", "qdrant", "https://qdrant.github.io/qdrant-helm", "upstream", "Qdrant"),
    _P("ray-project/kuberay-helm", "kuberay", "https://ray-project.github.io/kuberay-helm/", "upstream", "Ray project"),
    _P("SeldonIO/seldon-core", "seldon-charts", "https://seldonio.github.io/helm-charts/", "upstream", "Seldon",
       artifacthub=("seldon",)),
    _P("strimzi/strimzi-kafka-operator", "strimzi", "https://strimzi.io/charts/", "upstream", "Strimzi",
       foundation="CNCF incubating", artifacthub=("strimzi",)),
    _P("traefik/traefik-helm-chart", "traefik", "https://traefik.github.io/charts", "upstream", "Traefik Labs",
       artifacthub=("traefik",)),
    _P("triton-inference-server/server", "triton", None, "upstream", "NVIDIA",
       note="example deployment charts from the Triton repository; not published to a Helm repository"),
    _P("VictoriaMetrics/helm-charts", "vm", "https://victoriametrics.github.io/helm-charts/", "upstream",
       "VictoriaMetrics", artifacthub=("victoriametrics",)),
    _P("vllm-project/production-stack", "vllm", "https://vllm-project.github.io/production-stack", "upstream",
       "vLLM project", foundation="LF AI & Data"),
    _P("weaviate/weaviate-helm", "weaviate", "https://weaviate.github.io/weaviate-helm", "upstream", "Weaviate"),
    _P("zilliztech/milvus-helm", "milvus", "https://zilliztech.github.io/milvus-helm/", "upstream", "Milvus (Zilliz)",
       foundation="LF AI & Data"),
)
BY_REPOSITORY: dict[str, Publisher] = {p.repository: p for p in PUBLISHERS}

# Artifact Hub repositories (2022 listing) that are a project's own Helm repository: their URL is on
# the project's domain (charts.jetstack.io for cert-manager, charts.rook.io for Rook, ...).
LISTING_UPSTREAMS: dict[str, str] = {
    "allegroai": "ClearML", "bentoml": "BentoML", "cert-manager": "cert-manager (Jetstack)", "cilium": "Cilium",
    "cluster-autoscaler": "Kubernetes autoscaler", "dagster": "Dagster", "datawire": "Emissary-ingress",
    "dex": "Dex", "flyte": "Flyte", "goauthentik": "authentik", "istio-official": "Istio", "karpenter": "Karpenter",
    "kyverno": "Kyverno", "longhorn": "Longhorn", "rook": "Rook", "solo-gloo-edge": "Solo.io Gloo",
    "vector": "Vector", "volcano": "Volcano", "yatai": "BentoML",
}
ARTIFACTHUB_COVERED: frozenset[str] = frozenset(name for p in PUBLISHERS for name in p.artifacthub)


def publisher_for(repository: str) -> Publisher:
    known = BY_REPOSITORY.get(repository)
    if known:
        return known
    return Publisher(repository, repository.rsplit("/", 1)[-1], None, "unknown", repository)


def helm_repo_of(publisher: Publisher, chart_path: str | None) -> tuple[str, str | None]:
    """(alias, Helm repo URL) of one chart: the old Helm repository splits into stable/ and incubator/."""
    if publisher.repository == "helm/charts" and chart_path and chart_path.startswith("incubator/"):
        return "incubator", "https://charts.helm.sh/incubator"
    return publisher.alias, publisher.helm_repo
