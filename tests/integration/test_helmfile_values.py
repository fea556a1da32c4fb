"""The values the helmfile sets are keys the charts' own values.yaml declares (read from the mirror)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from stack8s_architect.planning.spec import WorkloadSpec
from stack8s_architect.rendering.manifests import plan_manifests

from ..rendering.plans import component, compute, plan

pytestmark = pytest.mark.integration

VALUES_FILES = {
    "vllm/vllm-stack": "k8s/vllm-project+production-stack/helm/values.yaml",
    "prometheus-community/kube-prometheus-stack":
        "k8s/prometheus-community+helm-charts/charts/kube-prometheus-stack/values.yaml",
    "nvidia/gpu-operator": "k8s/NVIDIA+gpu-operator/deployments/gpu-operator/values.yaml",
    "qdrant/qdrant": "k8s/qdrant+qdrant-helm/charts/qdrant/values.yaml",
    "traefik/traefik": "k8s/traefik+traefik-helm-chart/traefik/values.yaml",
    "bitnami/minio": "k8s/bitnami+charts/bitnami/minio/values.yaml",
}


def _leaf_paths(values: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    if isinstance(values, dict):
        return [path for key, value in values.items() for path in _leaf_paths(value, (*prefix, key))]
    return [prefix]


def _declared(document: dict, path: tuple[str, ...]) -> bool:
    node: Any = document
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return False
        node = node[key]
    return True


def test_every_value_the_helmfile_sets_is_declared_by_its_chart(shared_data: Path) -> None:
    p = plan(rows=[compute(count=8, tp=4, replicas=2)])
    p = p.model_copy(update={"kubernetes": [*p.kubernetes, component("vector-db", "qdrant/qdrant"),
                                            component("object-storage", "bitnami/minio")]})
    spec = WorkloadSpec(task="inference", components=["vector-db"], dataset_size_gb=40)
    helmfile = yaml.safe_load(next(m.content for m in plan_manifests(p, spec) if m.path == "helmfile.yaml"))
    sizes = {r["chart"]: r["values"][0]["persistence"]["size"] for r in helmfile["releases"] if r["chart"] in {
        "qdrant/qdrant", "bitnami/minio"}}
    # 40 GB → 10B tokens / 512 = 19.53M vectors × 1,024 × 4 B × 1.5 = 120 GB → 111.8 GiB × 1.25 = 139.7 → 140Gi;
    # object storage: 40 GB + 130.4 GiB of weights (140.0 GB) = 180.0 GB → 167.6 GiB × 1.25 = 209.5 → 210Gi
    assert sizes == {"qdrant/qdrant": "140Gi", "bitnami/minio": "210Gi"}
    checked = 0
    for release in helmfile["releases"]:
        for values in release.get("values", []):
            assert release["chart"] in VALUES_FILES, f"no values.yaml known for {release['chart']}"
            declared = yaml.safe_load((shared_data / VALUES_FILES[release["chart"]]).read_text())
            for path in _leaf_paths(values):
                assert _declared(declared, path), f"{release['chart']}: {'.'.join(path)} is not in its values.yaml"
                checked += 1
    assert checked >= 10  # router (4), engine switch, two selectors, DCGM monitor, driver off, two volume sizes
