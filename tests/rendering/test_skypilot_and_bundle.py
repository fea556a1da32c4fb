"""The SkyPilot task and the export bundle, from a DeploymentPlan alone."""

from __future__ import annotations

import io
import json
import zipfile

import yaml

from stack8s_architect.planning.plan import DeploymentPlan
from stack8s_architect.planning.spec import WorkloadSpec
from stack8s_architect.rendering.bundle import bundle_files, deliverables, finish_plan
from stack8s_architect.rendering.skypilot import skypilot_task
from stack8s_architect.rendering.validation import validate_skypilot_task

from .mermaid import check_flowchart
from .plans import compute, plan, sizing


def _task(p: DeploymentPlan, spec: WorkloadSpec | None = None) -> dict:
    manifest = skypilot_task(p, spec)
    assert manifest is not None and manifest.path == "skypilot.yaml"
    return yaml.safe_load(manifest.content)


def test_skypilot_resources_are_the_top_row() -> None:
    row = compute(accelerator="L40S", count=4, memory=48, instances=3, tp=4, replicas=3,
                  instance_type="g6e.12xlarge", name="NVIDIA L40S", spot=True)
    task = _task(plan(rows=[row]))
    assert task["resources"] == {"cloud": "aws", "region": "us-east-1", "instance_type": "g6e.12xlarge",
                                 "accelerators": "L40S:4", "use_spot": True, "disk_size": 448, "ports": 8000}
    assert "--tensor-parallel-size 4" in task["run"] and "--max-model-len 8192" in task["run"]
    assert "--data-parallel-size" not in task["run"]  # one TP group fills the instance
    assert task["service"] == {"readiness_probe": "/health", "replicas": 3}  # the 3 instances the plan prices
    assert task["envs"]["MODEL_ID"] == "meta-llama/Llama-3.1-70B-Instruct"


def test_skypilot_rents_what_the_plan_prices() -> None:
    # 4 replicas × TP=2 on one 8-GPU instance: one node running 4 engines, not 4 instances
    task = _task(plan(rows=[compute(count=8, tp=2, replicas=4, instances=1)]))
    assert "service" not in task and "--data-parallel-size 4" in task["run"] and task["resources"]["accelerators"] == "H100:8"
    task = _task(plan(rows=[compute(count=8, tp=4, replicas=4, instances=2)]), WorkloadSpec(requests_per_second=10))
    assert task["service"]["replica_policy"] == {"min_replicas": 1, "max_replicas": 2, "target_qps_per_replica": 5.0}
    assert "--data-parallel-size 2" in task["run"]


def test_skypilot_uses_the_catalogs_own_names_from_skypilot_sources() -> None:
    row = compute(provider="gcp", instance_type="a3-megagpu-8g", source="anycloud-gcp", name="H100-MEGA")
    assert _task(plan(rows=[row]))["resources"]["accelerators"] == "H100-MEGA:8"
    unknown = compute(accelerator="RTXPRO6000", count=8, source="aws-gpu-vantage", name="NVIDIA RTX PRO 6000")
    assert "accelerators" not in _task(plan(rows=[unknown]))["resources"]  # the instance type alone


def test_skypilot_pipeline_stages_join_the_head_with_retries() -> None:
    task = _task(plan(plan_sizing=sizing(weights=756.0), rows=[compute(count=8, instances=2, tp=8, pp=2)]))
    assert task["num_nodes"] == 2 and "until ray start --address=$HEAD:6379" in task["run"]
    assert "--pipeline-parallel-size 2" in task["run"] and "service" not in task


def test_skypilot_training_runs_torchrun_on_every_node() -> None:
    p = plan(roles=("training-operator",), plan_sizing=sizing("training", hours=40),
             rows=[compute(count=8, instances=4, tp=8)])
    task = _task(p, WorkloadSpec(task="training"))
    assert task["num_nodes"] == 4 and "torchrun --nnodes=$SKYPILOT_NUM_NODES" in task["run"]


def test_no_fitting_option_no_task() -> None:
    assert skypilot_task(plan(rows=[])) is None


def test_finish_fills_the_diagram_and_every_deliverable() -> None:
    p = finish_plan(plan(rows=[compute(count=8, tp=4, replicas=2)]), WorkloadSpec(task="inference", domain="llm"))
    paths = [m.path for m in p.manifests]
    assert paths[0] == "helmfile.yaml" and paths[-1] == "skypilot.yaml"
    assert [path for path in paths if path.startswith("manifests/")] == sorted(
        path for path in paths if path.startswith("manifests/"))
    check_flowchart(p.diagram_mermaid)


def test_the_bundle_zip_has_every_file_and_is_reproducible() -> None:
    p = finish_plan(plan(rows=[compute(count=8, tp=4, replicas=2)]), WorkloadSpec(task="inference"))
    bundle = bundle_files(p)
    assert bundle.problems == []
    data = bundle.zip_bytes()
    assert data == bundle_files(p).zip_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert {"README.md", "plan.json", "diagram.mmd", "helmfile.yaml", "skypilot.yaml"} <= set(names)
        assert any(name.startswith("manifests/") for name in names)
        stored = DeploymentPlan.model_validate(json.loads(archive.read("plan.json")))
        assert stored == p
        readme = archive.read("README.md").decode()
    assert "## Apply it" in readme and "all pass" in readme and "kubectl -n stack8s-inference create secret" in readme


def test_a_plan_stored_without_manifests_is_rendered_at_export(tmp_path) -> None:
    bare = plan()
    bundle = bundle_files(bare)
    assert "skypilot.yaml" in bundle.files and "manifests/01-deployment.yaml" in bundle.files
    assert json.loads(bundle.files["plan.json"])["manifests"]
    written = bundle.write(tmp_path / "out")
    assert (tmp_path / "out" / "manifests" / "01-deployment.yaml").read_text() == bundle.files[
        "manifests/01-deployment.yaml"]
    assert len(written) == len(bundle.files)


def test_an_invalid_manifest_is_reported_in_the_readme() -> None:
    p = finish_plan(plan(), WorkloadSpec(task="inference"))
    broken = [m.model_copy(update={"content": m.content.replace("replicas:", "replicaCount:")})
              if m.path.endswith("-deployment.yaml") else m for m in p.manifests]
    bundle = bundle_files(p.model_copy(update={"manifests": broken}))
    assert bundle.problems and "replicaCount" in bundle.files["README.md"]


def test_skypilot_tasks_are_checked_against_skypilot_s_own_schema() -> None:
    good = "name: t\nresources: {cloud: aws, region: us-east-1, instance_type: g5.xlarge, accelerators: 'A10G:1'}\nrun: x\n"
    assert validate_skypilot_task("skypilot.yaml", good) == []
    lium = validate_skypilot_task("skypilot.yaml", good.replace("cloud: aws", "cloud: lium"))
    assert len(lium) == 1 and "'lium' is not one of" in lium[0].message and lium[0].message.startswith("resources.cloud")
    typo = validate_skypilot_task("skypilot.yaml", good + "num_node: 2\n")
    assert typo and "num_node" in typo[0].message


def test_a_provider_skypilot_rejects_gets_no_task_and_nodes_selected_by_gpu_product() -> None:
    # a marketplace container (lium): no managed Kubernetes, unknown to SkyPilot
    p = plan(rows=[compute(accelerator="RTX4090", count=1, memory=24, tp=1, replicas=1, provider="lium",
                           instance_type="RTX4090_1x", source="skypilot-lium", name="RTX4090", price=0.28)])
    files = {m.path: m.content for m in deliverables(p, WorkloadSpec(task="inference", domain="llm"))}
    assert "skypilot.yaml" not in files
    deployment = yaml.safe_load(next(text for path, text in files.items() if path.endswith("-deployment.yaml")))
    pod = deployment["spec"]["template"]["spec"]
    assert "node.kubernetes.io/instance-type" not in pod["nodeSelector"]  # no node will ever carry RTX4090_1x
    terms = pod["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
    assert terms[0]["matchExpressions"][0] == {"key": "nvidia.com/gpu.product", "operator": "In",
                                               "values": ["NVIDIA-GeForce-RTX-4090"]}
    assert "start it from the provider's console" in files["manifests/00-namespace.yaml"].splitlines()[0]
    # on EKS the node pool's nodes carry their instance type
    aws = {m.path: m.content for m in deliverables(plan(), WorkloadSpec(task="inference", domain="llm"))}
    eks = yaml.safe_load(next(text for path, text in aws.items() if path.endswith("-deployment.yaml")))
    assert eks["spec"]["template"]["spec"]["nodeSelector"]["node.kubernetes.io/instance-type"] == "p5.48xlarge"
    assert "skypilot.yaml" in aws and validate_skypilot_task("skypilot.yaml", aws["skypilot.yaml"]) == []
