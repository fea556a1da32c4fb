"""A medical-imaging training plan renders a Job that trains the plan's MONAI bundle, and its script runs as written:
run here with stand-in `python` and `torchrun` that record what they are asked to do."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import yaml

from stack8s_architect.planning.spec import WorkloadSpec
from stack8s_architect.rendering.finetune import RCLONE_IMAGE
from stack8s_architect.rendering.manifests import plan_manifests
from stack8s_architect.rendering.monai import BUNDLE_SCRIPT, MONAI_IMAGE
from stack8s_architect.rendering.validation import validate_manifest
from stack8s_architect.rendering.wiring import wiring_problems

from .plans import component, compute, plan, sizing

ROLES = ("training-operator", "experiment-tracking", "object-storage", "gpu-operator")


def _files(rows, roles=ROLES) -> dict[str, str]:
    p = plan(roles=roles, plan_sizing=sizing("training", weights=0.1, hours=12), model="monai/lung_nodule_ct_detection",
             task="object-detection", rows=rows)
    p = p.model_copy(update={"kubernetes": [component("experiment-tracking", "bitnami/mlflow")
                                            if c.role == "experiment-tracking" else c for c in p.kubernetes]})
    return {m.path: m.content for m in plan_manifests(
        p, WorkloadSpec(task="training", domain="medical_imaging", dataset_size_gb=2000))}


def _job(files: dict[str, str]) -> dict:
    return next(yaml.safe_load(t) for path, t in files.items() if path.endswith("-job.yaml"))


def test_a_monai_bundle_trains_in_the_monai_image_after_its_dataset_is_fetched() -> None:
    files = _files([compute(accelerator="L4", count=1, memory=24, tp=1, replicas=1, instance_type="g6.8xlarge",
                            name="NVIDIA L4", price=2.0)])
    for path, text in files.items():
        if path.startswith("manifests/"):
            assert validate_manifest(path, text) == [], text
    job = _job(files)
    pod = job["spec"]["template"]["spec"]
    fetch, trainer = pod["initContainers"][0], pod["containers"][0]
    assert fetch["image"] == RCLONE_IMAGE and fetch["args"] == ["copy", "data:stack8s-training/dataset/", "/scratch/data"]
    assert trainer["image"] == MONAI_IMAGE and trainer["command"] == ["sh", "/config/run.sh"]
    env = {e["name"]: e.get("value") for e in trainer["env"]}
    assert env["BUNDLE"] == "lung_nodule_ct_detection" and env["GPUS_TOTAL"] == "1" and env["MODE"] == "train"
    assert env["MLFLOW_TRACKING_URI"] == "http://mlflow-tracking.stack8s-training.svc.cluster.local:80"
    assert "HF_TOKEN" not in env  # MONAI bundles are not on the Hugging Face hub
    script = next(yaml.safe_load(t) for path, t in files.items() if path.endswith("-configmap-monai.yaml"))
    assert script["data"]["run.sh"] == BUNDLE_SCRIPT
    mounted = {v["name"]: v for v in pod["volumes"]}
    assert mounted["config"]["configMap"]["name"] == script["metadata"]["name"]
    assert job["metadata"]["annotations"]["stack8s.dev/sized-training-hours"] == "12"
    assert wiring_problems(files) == []


def test_a_monai_bundle_on_several_nodes_runs_under_torchrun_across_them() -> None:
    files = _files([compute(count=8, instances=2, tp=8, replicas=1, provider="gcp", instance_type="a3-highgpu-8g",
                            source="anycloud-gcp", name="H100")])
    job = _job(files)
    trainer = job["spec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e.get("value") for e in trainer["env"]}
    assert env["GPUS_TOTAL"] == "16"
    assert env["TORCHRUN_ARGS"].split()[:2] == ["--nnodes=2", "--nproc-per-node=8"]
    assert "--node-rank=$(JOB_COMPLETION_INDEX)" in env["TORCHRUN_ARGS"]  # expanded by the kubelet from the index
    assert trainer["ports"] == [{"name": "rendezvous", "containerPort": 29500}]
    assert job["spec"]["completionMode"] == "Indexed" and job["spec"]["completions"] == 2
    assert wiring_problems(files) == []


# -- the script, run ------------------------------------------------------------------------------------------

STUB = """#!/bin/sh
# records its arguments; `python -m monai.bundle download` lays out a bundle as $STUB_LAYOUT says
printf '%s\\n' "$(basename "$0")" "$@" > "$LOG_DIR/$(basename "$0").args"
if [ "$1" = "-m" ] && [ "$3" = "download" ]; then
  mkdir -p "$BUNDLE_DIR/$BUNDLE/configs"
  for f in $STUB_LAYOUT; do echo '{}' > "$BUNDLE_DIR/$BUNDLE/configs/$f"; done
  printf '%s\\n' "$@" > "$LOG_DIR/download.args"
fi
"""


def _run(tmp_path: Path, layout: str, gpus: int, **env: str) -> tuple[subprocess.CompletedProcess, dict[str, list]]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for name in ("python", "torchrun"):
        stub = bin_dir / name
        stub.write_text(STUB)
        stub.chmod(stub.stat().st_mode | stat.S_IXUSR)
    script = tmp_path / "run.sh"
    script.write_text(BUNDLE_SCRIPT)
    run_env = {"PATH": f"{bin_dir}:{os.environ['PATH']}", "LOG_DIR": str(tmp_path), "STUB_LAYOUT": layout,
               "BUNDLE": "lung_nodule_ct_detection", "BUNDLE_DIR": str(tmp_path / "bundles"),
               "DATA_DIR": "/scratch/data", "GPUS_TOTAL": str(gpus),
               "TORCHRUN_ARGS": f"--standalone --nproc-per-node={gpus}", **env}
    done = subprocess.run(["sh", str(script)], env=run_env, capture_output=True, text=True, timeout=60)
    logs = {p.stem: p.read_text().splitlines() for p in tmp_path.glob("*.args")}
    return done, logs


def test_the_script_trains_with_the_bundles_json_config_on_one_gpu(tmp_path: Path) -> None:
    done, logs = _run(tmp_path, "train.json metadata.json inference.json", 1)
    assert done.returncode == 0, done.stderr
    assert logs["download"] == ["-m", "monai.bundle", "download", "--name", "lung_nodule_ct_detection",
                                "--bundle_dir", str(tmp_path / "bundles")]
    args = logs["python"]  # the last python call: the training run
    root = str(tmp_path / "bundles" / "lung_nodule_ct_detection")
    assert args[1:4] == ["-m", "monai.bundle", "run"]
    assert args[args.index("--config_file") + 1] == "['configs/train.json']"
    assert args[args.index("--bundle_root") + 1] == root and args[args.index("--dataset_dir") + 1] == "/scratch/data"
    assert args[args.index("--meta_file") + 1] == "configs/metadata.json"
    assert "--tracking" not in args and "torchrun" not in logs


def test_the_script_adds_the_multi_gpu_config_and_mlflow_and_runs_torchrun(tmp_path: Path) -> None:
    done, logs = _run(tmp_path, "train.yaml multi_gpu_train.yaml", 4,
                      MLFLOW_TRACKING_URI="http://mlflow-tracking:80", MLFLOW_EXPERIMENT_NAME="lung")
    assert done.returncode == 0, done.stderr
    args = logs["torchrun"]
    assert args[1:3] == ["--standalone", "--nproc-per-node=4"] and args[3:6] == ["-m", "monai.bundle", "run"]
    assert args[args.index("--config_file") + 1] == "['configs/train.yaml','configs/multi_gpu_train.yaml']"
    assert args[args.index("--tracking") + 1] == "mlflow"
    assert args[args.index("--tracking_uri") + 1] == "http://mlflow-tracking:80"
    assert args[args.index("--experiment_name") + 1] == "lung"
    assert "--meta_file" not in args  # this bundle ships none


def test_the_script_refuses_a_bundle_without_a_training_config(tmp_path: Path) -> None:
    done, logs = _run(tmp_path, "inference.json metadata.json", 1)
    assert done.returncode == 2 and "cannot train it" in done.stderr
    assert logs["python"][1:4] == ["-m", "monai.bundle", "download"]  # nothing ran after the download


def test_the_script_runs_the_bundles_inference_config_into_the_output_folder(tmp_path: Path) -> None:
    done, logs = _run(tmp_path, "train.json inference.json multi_gpu_train.json", 1, MODE="inference",
                      OUTPUT_DIR="/data/output-0", DATA_DIR="/data/input-0")
    assert done.returncode == 0, done.stderr
    args = logs["python"]
    assert args[args.index("--config_file") + 1] == "['configs/inference.json']"
    assert args[args.index("--dataset_dir") + 1] == "/data/input-0"
    assert args[args.index("--output_dir") + 1] == "/data/output-0"


def test_a_monai_batch_runs_the_bundle_over_each_pods_shard() -> None:
    rows = [compute(accelerator="L4", count=1, memory=24, tp=1, replicas=2, instances=2, provider="gcp",
                    instance_type="g2-standard-8", source="anycloud-gcp", name="NVIDIA L4", price=0.85)]
    p = plan(roles=("inference-server", "gpu-operator"), plan_sizing=None,
             model="monai/pathology_nuclei_segmentation_classification", task="image-segmentation", rows=rows)
    files = {m.path: m.content for m in plan_manifests(
        p, WorkloadSpec(task="batch_inference", domain="medical_imaging", dataset_size_gb=300))}
    for path, text in files.items():
        if path.startswith("manifests/"):
            assert validate_manifest(path, text) == [], text
    job = _job(files)
    assert job["spec"]["completionMode"] == "Indexed" and job["spec"]["completions"] == 2
    pod = job["spec"]["template"]["spec"]
    container = pod["containers"][0]
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert container["image"] == MONAI_IMAGE and env["MODE"] == "inference"
    assert env["BUNDLE"] == "pathology_nuclei_segmentation_classification"
    assert env["DATA_DIR"] == "/data/input-$(JOB_COMPLETION_INDEX)"
    assert env["OUTPUT_DIR"] == "/data/output-$(JOB_COMPLETION_INDEX)"
    assert container["resources"]["limits"]["nvidia.com/gpu"] == 1
    assert {m["mountPath"] for m in container["volumeMounts"]} == {"/bundles", "/config", "/data"}
    assert wiring_problems(files) == []
