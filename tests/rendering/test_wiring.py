"""The wiring check finds what a deployer would: a URL to a Service nothing creates, a ConfigMap, PVC or Secret a pod
needs that is not there, an autoscaler or monitor pointing at nothing — and the rendered bundles have none."""

from __future__ import annotations

import yaml

from stack8s_architect.planning.spec import WorkloadSpec
from stack8s_architect.rendering.manifests import plan_manifests
from stack8s_architect.rendering.wiring import wiring_problems

from .plans import component, compute, plan, sizing


def _files(p, spec: WorkloadSpec) -> dict[str, str]:  # noqa: ANN001
    return {m.path: m.content for m in plan_manifests(p, spec)}


def _replace(files: dict[str, str], path_part: str, old: str, new: str) -> dict[str, str]:
    path = next(p for p in files if path_part in p)
    assert old in files[path], (old, files[path][:300])
    return {**files, path: files[path].replace(old, new)}


def test_a_training_plan_with_mlflow_reaches_the_service_the_chart_creates() -> None:
    p = plan(roles=("training-operator", "experiment-tracking"), rows=[compute(count=8, instances=2)],
             plan_sizing=sizing(mode="training", hours=10, utilization=None))
    p = p.model_copy(update={"kubernetes": [component("experiment-tracking", "bitnami/mlflow")
                                            if c.role == "experiment-tracking" else c for c in p.kubernetes]})
    files = _files(p, WorkloadSpec(task="training", domain="llm", dataset_size_gb=10))
    job = yaml.safe_load(next(t for path, t in files.items() if path.endswith("-job.yaml")))
    env = {e["name"]: e.get("value") for e in job["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["MLFLOW_TRACKING_URI"] == "http://mlflow-tracking.stack8s-training.svc.cluster.local:80"
    assert wiring_problems(files) == []
    # the old name the chart never created is found
    broken = _replace(files, "-job.yaml", "mlflow-tracking.stack8s", "mlflow.stack8s")
    assert ["names the Service mlflow in stack8s-training" in p.message for p in wiring_problems(broken)] == [True]


def test_dangling_configmaps_claims_secrets_and_targets_are_found() -> None:
    rag = _files(plan(roles=("inference-server", "vector-db", "autoscaling", "metrics"),
                      rows=[compute(accelerator="L4", count=1, memory=24, tp=1, replicas=3, instances=3,
                                    instance_type="g6.xlarge", name="NVIDIA L4", price=0.8)],
                      plan_sizing=sizing(weights=14.96)),
                 WorkloadSpec(task="inference", domain="llm", components=["vector-db"], dataset_size_gb=2))
    assert wiring_problems(rag) == []
    cases = [
        ("job-rag-ingest", "claimName: rag-documents", "claimName: documents", "mounts the PVC documents"),
        ("job-rag-ingest", "name: rag-ingest\n", "name: rag-scripts\n", "mounts the ConfigMap rag-scripts"),
        ("configmap-rag-endpoints", "http://embeddings.", "http://embedder.", "names the Service embedder"),
        ("-deployment.yaml", "optional: true", "optional: false\n              name: hf-secret",
         "requires the Secret hf-secret"),
    ]
    for part, old, new, said in cases:
        found = wiring_problems(_replace(rag, part, old, new))
        assert any(said in p.message for p in found), (said, [p.message for p in found])


def test_an_autoscaler_or_a_monitor_pointing_at_nothing_is_found() -> None:
    files = _files(plan(rows=[compute(count=8, tp=4, replicas=2)]), WorkloadSpec(task="inference", domain="llm"))
    assert wiring_problems(files) == []
    scaled = next(p for p in files if p.endswith("-scaledobject.yaml"))
    name = yaml.safe_load(files[scaled])["spec"]["scaleTargetRef"]["name"]
    broken = {**files, scaled: files[scaled].replace(f"name: {name}\n  minReplicaCount", "name: gone\n  minReplicaCount")}
    assert any("scales gone" in p.message for p in wiring_problems(broken))
    monitor = next(p for p in files if p.endswith("-servicemonitor.yaml"))
    unlabelled = {**files, monitor: files[monitor].replace("app.kubernetes.io/component: inference",
                                                           "app.kubernetes.io/component: nothing")}
    assert any("selects Services labelled" in p.message for p in wiring_problems(unlabelled))


def test_an_image_without_a_release_tag_or_not_pinned_by_the_manifests_is_found() -> None:
    from stack8s_architect.rendering.workload import VLLM_IMAGE

    files = _files(plan(rows=[compute(count=8, tp=8, replicas=1)]), WorkloadSpec(task="inference", domain="llm"))
    assert wiring_problems(files) == []
    repository = VLLM_IMAGE.rsplit(":", 1)[0]
    for image, said in ((repository, "without a release tag"), (f"{repository}:latest", "without a release tag"),
                        (f"{repository}:v0.0.1", "not among the images the manifests pin")):
        found = wiring_problems(_replace(files, "-deployment.yaml", f"image: {VLLM_IMAGE}", f"image: {image}"))
        assert [said in p.message for p in found] == [True], [p.message for p in found]
