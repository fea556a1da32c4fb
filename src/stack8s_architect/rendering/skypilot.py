"""A SkyPilot task for the plan's top compute option: `sky launch skypilot.yaml` (or `sky serve up` for
an inference plan with several replicas) runs the workload on the instance the plan priced."""

from __future__ import annotations

import math

from stack8s_architect.planning.plan import DeploymentPlan, PlanManifest
from stack8s_architect.planning.spec import WorkloadSpec
from stack8s_architect.rendering.workload import (SPEACHES_IMAGE, VLLM_IMAGE, VLLM_PORT, Workload,
                                                  downloaded_weights_gib, read_workload)
from stack8s_architect.rendering.yamltext import dump

# SkyPilot's accelerator names for catalog keys, used when the price came from a source that does not
# use SkyPilot's names (SkyPilot-derived catalogs carry them already).
_SKYPILOT_NAMES = {
    "H100-SXM": "H100", "H100-PCIe": "H100", "A100-40GB": "A100", "A100-80GB": "A100-80GB",
    "A100-80GB-PCIe": "A100-80GB", "V100-16GB": "V100", "V100-32GB": "V100-32GB", "A10G": "A10G", "L4": "L4",
    "L40S": "L40S", "T4": "T4", "H200": "H200", "B200": "B200", "K80": "K80", "M60": "M60", "T4G": "T4g",
    "Inferentia": "Inferentia", "Inferentia2": "Inferentia2", "Trainium": "Trainium",
}
_VLLM_VERSION = VLLM_IMAGE.rsplit(":v", 1)[-1]


def skypilot_accelerator(w: Workload) -> str | None:
    top = w.top
    if top is None or not top.accelerator or top.accelerator_count < 1:
        return None
    if top.source.startswith(("skypilot-", "anycloud-")) and top.accelerator_name:
        name = top.accelerator_name
    else:
        name = _SKYPILOT_NAMES.get(top.accelerator)
    return f"{name}:{top.accelerator_count:g}" if name else None


def _disk_gb(plan: DeploymentPlan, w: Workload) -> int:
    weights = downloaded_weights_gib(plan, 50.0)
    dataset = (w.dataset_gb or 0) if w.kind in {"training", "batch"} else 0
    return max(256, math.ceil((weights * 3 + dataset * 1.1) * 1.074 / 64) * 64)


def skypilot_task(plan: DeploymentPlan, spec: WorkloadSpec | None = None, *,
                  workload: Workload | None = None) -> PlanManifest | None:
    """The task YAML, or None when the plan has no fitting compute option."""
    w = workload or read_workload(plan, spec)
    top = w.top
    if top is None or top.local:  # the local cluster's GPUs are used through its own manifests, not rented
        return None
    if w.deployment is not None and not w.deployment.skypilot:  # SkyPilot would reject `cloud:` (README says why)
        return None
    resources: dict = {"cloud": top.provider, "region": top.region, "instance_type": top.instance_type}
    accelerators = skypilot_accelerator(w)
    if accelerators:
        resources["accelerators"] = accelerators
    resources["use_spot"] = top.spot
    resources["disk_size"] = _disk_gb(plan, w)
    task: dict = {"name": w.name, "resources": resources}
    envs: dict[str, str] = {"MODEL_ID": w.model_id or "", "HF_TOKEN": ""}
    if w.kind == "inference" and w.engine == "vllm":
        resources["ports"] = VLLM_PORT
        nodes = w.pipeline_parallel
        # one SkyPilot node is one instance of the plan: it runs every TP group the instance holds
        # (--data-parallel-size), so the task rents what the plan priced, no more
        engines = max(1, w.gpus_per_instance // w.tensor_parallel) if nodes == 1 else 1
        args = " ".join(w.engine_args() + (["--data-parallel-size", str(engines)] if engines > 1 else []))
        task["setup"] = f"pip install vllm=={_VLLM_VERSION}"
        if nodes > 1:
            task["num_nodes"] = nodes
            task["run"] = (
                "HEAD=$(echo \"$SKYPILOT_NODE_IPS\" | head -n1)\n"
                "if [ \"$SKYPILOT_NODE_RANK\" = \"0\" ]; then\n"
                "  ray start --head --port=6379\n"
                f"  vllm serve $MODEL_ID {args}\n"
                "else\n"
                "  until ray start --address=$HEAD:6379 --block; do sleep 5; done  # the head may start later\n"
                "fi\n")
        else:
            task["run"] = f"vllm serve $MODEL_ID {args}\n"
        instances = top.instances if nodes == 1 else 1
        if instances > 1:
            rps = spec.requests_per_second if spec else None
            # autoscaling needs a target load per replica: the user's request rate over the priced instances
            task["service"] = {"readiness_probe": "/health", "replica_policy": {
                "min_replicas": 1, "max_replicas": instances,
                "target_qps_per_replica": round(rps / instances, 3)}} if rps else {
                "readiness_probe": "/health", "replicas": instances}
    elif w.kind == "inference" and w.engine == "speaches":
        # the same server image as the manifests, as the task's container; one replica per instance
        resources["image_id"] = f"docker:{SPEACHES_IMAGE}"
        resources["ports"] = 8000
        envs.update({"WHISPER__INFERENCE_DEVICE": "cuda", "WHISPER__NUM_WORKERS": str(w.streams_per_replica or 1),
                     "STT_MODEL_TTL": "-1", "ENABLE_UI": "false"})
        task["run"] = (f"python -c \"import huggingface_hub; huggingface_hub.snapshot_download('{w.speech_model}')\"\n"
                       "uvicorn --factory speaches.main:create_app --host 0.0.0.0 --port 8000\n")
        if top.instances > 1:
            task["service"] = {"readiness_probe": "/health", "replicas": top.instances}
    elif w.kind in {"training", "batch"}:
        nodes = max(1, w.training_nodes) if w.kind == "training" else 1
        if nodes > 1:
            task["num_nodes"] = nodes
        envs.update({"TRAIN_SCRIPT": "train.py"} if w.kind == "training" else {"BATCH_SCRIPT": "batch.py"})
        task["workdir"] = "."
        if w.kind == "training":
            task["setup"] = "pip install -r requirements.txt"
            task["run"] = ("torchrun --nnodes=$SKYPILOT_NUM_NODES --nproc-per-node=$SKYPILOT_NUM_GPUS_PER_NODE "
                           "--node-rank=$SKYPILOT_NODE_RANK "
                           "--master-addr=$(echo \"$SKYPILOT_NODE_IPS\" | head -n1) --master-port=29500 "
                           "$TRAIN_SCRIPT\n")
        elif w.engine == "vllm":
            args = " ".join(w.engine_args(port=False))
            task["setup"] = f"pip install vllm=={_VLLM_VERSION}"
            task["run"] = ("python -m vllm.entrypoints.openai.run_batch -i input.jsonl -o output.jsonl "
                           f"--model $MODEL_ID {args}\n")
        else:
            task["setup"] = "pip install -r requirements.txt"
            task["run"] = "python $BATCH_SCRIPT\n"
    else:
        task["setup"] = "pip install -r requirements.txt"
        task["run"] = "python serve.py\n"
    task["envs"] = envs
    comment = (f"SkyPilot task for the plan's top compute option: {top.instance_type} in {top.provider} "
               f"{top.region}{' (spot)' if top.spot else ''}, ${top.price_per_hour_usd:,.4f}/h per instance "
               f"({top.source}).\n"
               + (f"`sky serve up skypilot.yaml` runs the {top.instances} instances behind one endpoint; "
                  if "service" in task else "")
               + (f"The plan's {w.replicas} replicas each span {w.pipeline_parallel} instances: launch one task per "
                  "replica. " if w.kind == "inference" and w.pipeline_parallel > 1 and w.replicas > 1 else "")
               + "`sky launch -c " + w.name + " skypilot.yaml --env HF_TOKEN` runs it once.")
    return PlanManifest(path="skypilot.yaml", content=dump(task, comment))
