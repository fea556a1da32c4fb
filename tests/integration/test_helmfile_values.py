"""The values the helmfile sets are keys the charts' own values.yaml declares (read from the mirror)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from stack8s_architect.planning.spec import WorkloadSpec
from stack8s_architect.rendering.manifests import plan_manifests

from ..rendering.plans import compute, plan

pytestmark = pytest.mark.integration

VALUES_FILES = {
    "vllm/vllm-stack": "k8s/vllm-project+production-stack/helm/values.yaml",
    "prometheus-community/kube-prometheus-stack":
        "k8s/prometheus-community+helm-charts/charts/kube-prometheus-stack/values.yaml",
    "nvidia/gpu-operator": "k8s/NVIDIA+gpu-operator/deployments/gpu-operator/values.yaml",
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
    helmfile = yaml.safe_load(next(m.content for m in plan_manifests(p, WorkloadSpec(task="inference"))
                                   if m.path == "helmfile.yaml"))
    checked = 0
    for release in helmfile["releases"]:
        for values in release.get("values", []):
            assert release["chart"] in VALUES_FILES, f"no values.yaml known for {release['chart']}"
            declared = yaml.safe_load((shared_data / VALUES_FILES[release["chart"]]).read_text())
            for path in _leaf_paths(values):
                assert _declared(declared, path), f"{release['chart']}: {'.'.join(path)} is not in its values.yaml"
                checked += 1
    assert checked >= 8  # router (4), engine switch, two monitor selectors, DCGM monitor, driver off on EKS
