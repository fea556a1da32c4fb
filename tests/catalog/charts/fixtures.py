"""A small chart mirror in the real layouts (chart trees, gh-pages indexes, the two _catalog tables).

Enough charts for every role of the llm-inference and rag templates, with trust contrasts: an
upstream and a vendor chart of the same product, a deprecated stable chart, an Artifact Hub fork,
an AGPL product, charts with and without default requests.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import yaml

from stack8s_architect.catalog.sources import DataSource, SourceFile

_COMMIT = "0" * 40
AS_OF = "2026-08-21"


def _write(path: Path, content: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content if isinstance(content, str) else yaml.safe_dump(content, sort_keys=False))


def _chart(name: str, version: str, app_version: str, description: str, **extra: Any) -> dict[str, Any]:
    return {"apiVersion": "v2", "name": name, "version": version, "appVersion": app_version,
            "description": description, **extra}


def _index(entries: dict[str, list[tuple[str, str, str]]]) -> dict[str, Any]:
    """{chart: [(version, app_version, created)]} → a Helm repository index."""
    return {"apiVersion": "v1", "entries": {
        name: [{"name": name, "version": v, "appVersion": a, "created": c, "digest": f"sha-{name}-{v}",
                "description": f"{name} chart"} for v, a, c in rows]
        for name, rows in entries.items()}}


def _resources(cpu: str, memory: str) -> dict[str, Any]:
    return {"resources": {"requests": {"cpu": cpu, "memory": memory}}}


def write_chart_mirror(root: Path, *, qdrant_version: str = "1.19.0") -> Path:
    k8s = root / "k8s"
    # upstream vector DBs, published with an index
    _write(k8s / "qdrant+qdrant-helm/charts/qdrant/Chart.yaml",
           _chart("qdrant", qdrant_version, f"v{qdrant_version}", "Qdrant - Vector Database", keywords=["vector database"]))
    _write(k8s / "qdrant+qdrant-helm/charts/qdrant/values.yaml", _resources("500m", "1Gi"))
    _write(k8s / "qdrant+qdrant-helm/@gh-pages/index.yaml", _index(
        {"qdrant": [(qdrant_version, f"v{qdrant_version}", "2026-08-13T20:59:44Z"), ("1.18.0", "v1.18.0", "2026-05-01T10:00:00Z"),
                    ("1.20.0-rc.1", "v1.20.0-rc.1", "2026-08-20T10:00:00Z")]}))
    _write(k8s / "zilliztech+milvus-helm/charts/milvus/Chart.yaml",
           _chart("milvus", "5.0.19", "2.6.0", "Milvus is an open-source vector database built for AI applications"))
    _write(k8s / "zilliztech+milvus-helm/charts/milvus/values.yaml", _resources("2", "8Gi"))
    _write(k8s / "zilliztech+milvus-helm/@gh-pages/index.yaml", _index({"milvus": [("5.0.19", "2.6.0", "2026-04-16T00:00:00Z")]}))
    # serving, traffic, GPUs, autoscaling
    _write(k8s / "vllm-project+production-stack/helm/Chart.yaml",
           _chart("vllm-stack", "0.1.12", "v0.10.0", "The stack for serving vLLM"))
    _write(k8s / "vllm-project+production-stack/helm/values.yaml",
           {"servingEngineSpec": {"modelSpec": [{"name": "llama", "requestGPU": 1, "requestCPU": 8}]}})
    _write(k8s / "vllm-project+production-stack/@gh-pages/index.yaml",
           _index({"vllm-stack": [("0.1.12", "v0.10.0", "2026-07-24T00:00:00Z")]}))
    _write(k8s / "traefik+traefik-helm-chart/traefik/Chart.yaml",
           _chart("traefik", "41.3.0", "v3.5.0", "A Traefik based Kubernetes ingress controller"))
    _write(k8s / "NVIDIA+gpu-operator/@gh-pages/stable/index.yaml",
           _index({"gpu-operator": [("v26.7.0", "v26.7.0", "2026-08-21T00:00:00Z"), ("v25.3.0", "v25.3.0", "2025-04-01T00:00:00Z")]}))
    _write(k8s / "kedacore+charts/docs/index.yaml", _index({"keda": [("2.20.2", "2.20.2", "2026-07-31T00:00:00Z")],
                                                             "keda-add-ons-http": [("0.15.0", "0.15.0", "2026-08-01T00:00:00Z")]}))
    _write(k8s / "kedacore+charts/http-add-on/Chart.yaml", _chart("keda-add-ons-http", "0.15.0", "0.15.0", "KEDA HTTP add-on"))
    _write(k8s / "kedacore+charts/http-add-on/values.yaml", _resources("100m", "64Mi"))  # keda itself declares none
    # vendor charts without an index: versions come from the history table
    bitnami = k8s / "bitnami+charts/bitnami"
    _write(bitnami / "redis/Chart.yaml", _chart("redis", "23.1.1", "8.2.1", "Redis(R) is an open source key-value store",
                                                annotations={"licenses": "Apache-2.0"}))
    _write(bitnami / "redis/values.yaml", {"master": {"resourcesPreset": "nano", "resources": {}}})
    _write(bitnami / "valkey/Chart.yaml", _chart("valkey", "4.0.2", "8.1.3", "Valkey is a key-value store"))
    _write(bitnami / "valkey/values.yaml", {"primary": {"resourcesPreset": "micro", "resources": {}}})
    _write(bitnami / "minio/Chart.yaml", _chart("minio", "17.0.23", "2025.7.23", "MinIO(R) is an S3-compatible object store"))
    _write(bitnami / "minio/values.yaml", {"resourcesPreset": "micro", "resources": {}})
    _write(bitnami / "milvus/Chart.yaml", _chart("milvus", "16.0.2", "2.5.0", "Milvus vector database"))
    _write(bitnami / "common/Chart.yaml", _chart("common", "2.31.0", "2.31.0", "A library chart", type="library"))
    _write(k8s / "prometheus-community+helm-charts/charts/kube-prometheus-stack/Chart.yaml",
           _chart("kube-prometheus-stack", "88.5.3", "v0.85.0", "kube-prometheus-stack collects Kubernetes manifests"))
    _write(k8s / "helm+charts/stable/redis/Chart.yaml",
           _chart("redis", "10.5.7", "5.0.7", "DEPRECATED Open source key-value store", deprecated=True))
    history = [
        ("bitnami/charts", "redis", "23.1.1", "8.2.1", "2026-02-12T10:00:00+00:00"),
        ("bitnami/charts", "redis", "23.1.0", "8.2.0", "2026-01-10T10:00:00+00:00"),
        ("bitnami/charts", "valkey", "4.0.2", "8.1.3", "2025-10-24T10:00:00+00:00"),
        ("bitnami/charts", "minio", "17.0.23", "2025.7.23", "2025-12-03T10:00:00+00:00"),
        ("bitnami/charts", "milvus", "16.0.2", "2.5.0", "2025-09-01T10:00:00+00:00"),
        ("bitnami/charts", "common", "2.31.0", "2.31.0", "2025-09-01T10:00:00+00:00"),
        ("bitnami/charts", "kubeapps", "12.0.0", "2.9.0", "2023-01-01T10:00:00+00:00"),
        ("prometheus-community/helm-charts", "kube-prometheus-stack", "88.5.3", "v0.85.0", "2026-08-21T10:00:00+00:00"),
        ("helm/charts", "redis", "10.5.7", "5.0.7", "2020-03-09T10:00:00+00:00"),
        ("traefik/traefik-helm-chart", "traefik", "41.3.0", "v3.5.0", "2026-08-20T10:00:00+00:00"),
        ("qdrant/qdrant-helm", "qdrant", "1.19.0", "v1.19.0", "2026-08-13T10:00:00+00:00"),  # also in the index
    ]
    history_file = k8s / "_catalog/chart_versions.csv"
    history_file.parent.mkdir(parents=True, exist_ok=True)
    with history_file.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source_repo", "chart", "version", "app_version", "created", "prerelease", "deprecated",
                         "version_source"])
        for repository, chart, version, app, created in history:
            origin = "index.yaml" if repository == "qdrant/qdrant-helm" else "git-history"
            writer.writerow([repository, chart, version, app, created, "False", "False", origin])
    with (k8s / "_catalog/artifacthub_snapshot_2022.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["repo_name", "repo_url", "chart", "chart_version", "app_version", "pss_level",
                         "badrobot_score", "evaluation_date"])
        writer.writerow(["someone", "https://someone.github.io/charts", "redis", "0.1.0", "6.0", "", "", "2022-12-07"])
        writer.writerow(["bitnami", "https://charts.bitnami.com/bitnami", "redis", "17.0.0", "7.0", "", "", "2022-12-07"])
        writer.writerow(["rook", "https://charts.rook.io/release", "rook-ceph-cluster", "1.10.0", "v1.10.0", "", "", "2022-12-07"])
        writer.writerow(["someone", "https://someone.github.io/charts", "redis", "0.1.0", "6.0", "", "", "2022-12-07"])
    return root


def fixture_chart_sources() -> list[DataSource]:
    repositories = ("qdrant/qdrant-helm", "zilliztech/milvus-helm", "vllm-project/production-stack",
                    "traefik/traefik-helm-chart", "NVIDIA/gpu-operator", "kedacore/charts", "bitnami/charts",
                    "prometheus-community/helm-charts", "helm/charts")
    sources = [
        DataSource(id=f"test-charts-{repo.split('/')[0].lower()}", domain="charts", adapter="helm-repository",
                   repository=repo, commit=_COMMIT, files=(SourceFile(".", repo.replace("/", "+"), folder=True),),
                   mirror_only="chart trees")
        for repo in repositories
    ]
    sources.append(DataSource(id="test-charts-history", domain="charts", adapter="chart-version-history",
                              repository="derived/history", commit="derived",
                              files=(SourceFile("x", "_catalog/chart_versions.csv"),), mirror_only="derived"))
    sources.append(DataSource(id="test-charts-artifacthub", domain="charts", adapter="artifacthub-listing",
                              repository="derived/artifacthub", commit=_COMMIT,
                              files=(SourceFile("x", "_catalog/artifacthub_snapshot_2022.csv"),), mirror_only="derived"))
    return sources
