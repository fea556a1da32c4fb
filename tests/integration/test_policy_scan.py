"""The manifests as a deployer's policy scanner sees them: checkov (its own virtualenv, `make policy-scanner`),
offline, over every kind of plan the renderer knows; every failed check must be one documented in
rendering/policy.py with its reason."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from stack8s_architect.planning.spec import WorkloadSpec
from stack8s_architect.rendering.manifests import plan_manifests
from stack8s_architect.rendering.policy import CHECKOV_VERSION, POLICY_SKIPS

from ..rendering.plans import compute, plan, sizing

CHECKOV = Path(os.environ.get("ARCHITECT_CHECKOV", Path(__file__).parents[2] / ".venv-checkov" / "bin" / "checkov"))

_L4 = {"accelerator": "L4", "count": 1, "memory": 24, "tp": 1, "instance_type": "g6.xlarge", "name": "NVIDIA L4",
       "price": 0.8048}
PLANS = {  # one of each workload the renderer draws
    "llm": (plan(), WorkloadSpec(task="inference", domain="llm")),
    "llm-pipeline": (plan(rows=[compute(count=8, tp=8, pp=2, replicas=2, instances=4)]), WorkloadSpec(task="inference")),
    "vision-triton": (plan(roles=("inference-server", "metrics"), plan_sizing=None, model="microsoft/resnet-50",
                           task="image-classification", rows=[compute(**{**_L4, "tp": None}, replicas=None, pp=None)]),
                      WorkloadSpec(task="inference", domain="vision")),
    "rag": (plan(roles=("inference-server", "vector-db", "api-gateway", "gpu-operator"),
                 rows=[compute(**_L4, replicas=1)], plan_sizing=sizing(weights=14.96)),
            WorkloadSpec(task="inference", domain="llm", components=["vector-db"], dataset_size_gb=2)),
    "batch-nightly": (plan(rows=[compute(**_L4, replicas=2)]),
                      WorkloadSpec(task="batch_inference", domain="llm", dataset_size_gb=2, runs_per_month=30)),
    "training-multi-node": (plan(roles=("training-operator", "experiment-tracking"), rows=[compute(count=8, instances=2)],
                                 plan_sizing=sizing(mode="training", hours=10, utilization=None)),
                            WorkloadSpec(task="training", domain="llm", dataset_size_gb=100)),
    "fine-tune-axolotl": (plan(roles=("training-operator", "object-storage"), plan_sizing=sizing("qlora", weights=5.4, hours=1),
                               model="meta-llama/Meta-Llama-3-8B", rows=[compute(**_L4, replicas=1)]),
                          WorkloadSpec(task="fine_tuning", domain="llm", fine_tuning_method="qlora", dataset_size_gb=1)),
    "monai-training-eks": (plan(roles=("training-operator", "object-storage"), model="monai/lung_nodule_ct_detection",
                                plan_sizing=sizing(mode="training", weights=0.1, hours=12, utilization=None),
                                task="object-detection", rows=[compute(**_L4, replicas=1)]),
                           WorkloadSpec(task="training", domain="medical_imaging", dataset_size_gb=2000)),
    "speech": (plan(roles=("api-gateway",), model="openai/whisper-large-v3", task="automatic-speech-recognition",
                    plan_sizing=sizing(weights=3.7, context=None, utilization=None),
                    rows=[compute(**{**_L4, "accelerator": "A10G", "name": "NVIDIA A10G", "instance_type": "g5.xlarge"},
                                  instances=4, replicas=4)]),
               WorkloadSpec(task="inference", domain="speech", concurrent_users=20)),
}


def test_every_failed_policy_is_a_documented_decision(tmp_path: Path) -> None:
    if not CHECKOV.exists():
        pytest.skip(f"checkov is not installed at {CHECKOV}: run `make policy-scanner` (or set ARCHITECT_CHECKOV)")
    for name, (p, spec) in PLANS.items():
        for manifest in plan_manifests(p, spec):
            if manifest.path.startswith("manifests/"):
                (tmp_path / f"{name}-{manifest.path.split('/')[1]}").write_text(manifest.content)
    env = {**os.environ, "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true", "BC_SKIP_MAPPING": "TRUE"}  # no network at all
    done = subprocess.run([str(CHECKOV), "-d", str(tmp_path), "--framework", "kubernetes", "--compact",
                           "-o", "json", "--skip-download"], capture_output=True, text=True, env=env, timeout=600)
    report = json.loads(done.stdout)
    report = report[0] if isinstance(report, list) else report
    assert report["summary"]["checkov_version"] == CHECKOV_VERSION
    assert report["summary"]["parsing_errors"] == 0 and report["summary"]["passed"] > 500
    undocumented = sorted({f"{f['check_id']} {f['check_name']}: {f['resource']}" for f in report["results"]["failed_checks"]
                           if f["check_id"] not in POLICY_SKIPS})
    assert undocumented == [], undocumented
    # the scan covered every plan's pods
    scanned = {r.split(".")[0] for r in (f["resource"] for f in report["results"]["passed_checks"])}
    assert {"Deployment", "Job", "CronJob", "StatefulSet", "Pod"} <= scanned  # (CKV2_K8S_6 passing: policies exist)
