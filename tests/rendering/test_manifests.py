"""Manifests from a DeploymentPlan: strict schema validation, and numbers that are the plan's."""

from __future__ import annotations

import json

import re

import pytest
import yaml

from stack8s_architect.planning.spec import WorkloadSpec
from stack8s_architect.rendering.manifests import plan_manifests
from stack8s_architect.rendering.validation import validate_manifest, validate_object
from stack8s_architect.rendering.workload import (SPEACHES_IMAGE, VLLM_ROCM_IMAGE, accelerator_resource, dns_label,
                                                  faster_whisper_model)

from .plans import component, compute, plan, sizing

DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


def _objects(manifests) -> dict[str, dict]:
    """kind → object (the first of each kind) of the manifests/ files, each checked strictly."""
    out: dict[str, dict] = {}
    for manifest in manifests:
        if not manifest.path.startswith("manifests/"):
            continue
        assert validate_manifest(manifest.path, manifest.content) == [], manifest.content
        doc = yaml.safe_load(manifest.content)
        assert DNS_LABEL.match(doc["metadata"]["name"]) and len(doc["metadata"]["name"]) <= 63
        out.setdefault(doc["kind"], doc)
    return out


def _all(manifests, kind: str) -> list[dict]:
    docs = [yaml.safe_load(m.content) for m in manifests if m.path.startswith("manifests/")]
    return [doc for doc in docs if doc["kind"] == kind]


def _arg(args: list[str], flag: str) -> str | None:
    return args[args.index(flag) + 1] if flag in args else None


def test_inference_deployment_carries_the_sizing_and_the_top_row() -> None:
    p = plan(rows=[compute(accelerator="L40S", count=4, memory=48, instances=3, tp=4, replicas=3,
                           instance_type="g6e.12xlarge", name="NVIDIA L40S")])
    manifests = plan_manifests(p, WorkloadSpec(task="inference", domain="llm"))
    objects = _objects(manifests)
    assert {"Namespace", "Deployment", "Service", "ScaledObject", "ServiceMonitor"} <= set(objects)
    deployment = objects["Deployment"]
    pod = deployment["spec"]["template"]["spec"]
    container = pod["containers"][0]
    args = container["args"]
    assert "replicas" not in deployment["spec"]  # KEDA owns the count (re-applying must not reset it)
    assert container["command"] == ["vllm", "serve"] and args[0] == "meta-llama/Llama-3.1-70B-Instruct"
    assert _arg(args, "--tensor-parallel-size") == "4"
    assert _arg(args, "--max-model-len") == "8192" and _arg(args, "--gpu-memory-utilization") == "0.9"
    assert _arg(args, "--dtype") == "bfloat16" and "--pipeline-parallel-size" not in args
    assert container["resources"]["limits"].get("nvidia.com/gpu") == 4
    # the pod's CPU/memory are its share (4 of 4 GPUs) of what the node leaves to pods: 192 vCPUs − (0.06 + 0.01 +
    # 2 × 0.005 + 188 × 0.0025 = 0.55) − 0.5 for DaemonSets = 190.95 → 190; 2,048 GiB − (1 + 0.8 + 0.8 + 6.72 + 1,920
    # × 0.02 = 47.72) − 0.098 eviction − 1 for DaemonSets = 1,999.18 → 1999Gi; the model cache on the node's disk
    # too: 130.4 GiB of weights × 1.1 = 143.4 → 144Gi
    assert container["resources"]["requests"] == {"cpu": "190", "memory": "1999Gi", "ephemeral-storage": "144Gi"}
    assert pod["nodeSelector"]["node.kubernetes.io/instance-type"] == "g6e.12xlarge"
    assert container["readinessProbe"]["httpGet"]["path"] == "/health"
    # the start-up probe waits for 130 GiB at 100 MB/s plus 5 min of warm-up
    startup = container["startupProbe"]
    assert startup["periodSeconds"] * startup["failureThreshold"] >= 130.4 * 2**30 / 100e6 + 300
    scaled = objects["ScaledObject"]
    assert scaled["spec"]["scaleTargetRef"]["name"] == deployment["metadata"]["name"]
    assert scaled["spec"]["maxReplicaCount"] == 3 and scaled["spec"]["minReplicaCount"] == 1
    assert objects["Service"]["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]
    monitor = objects["ServiceMonitor"]["spec"]["selector"]["matchLabels"]
    assert all(objects["Service"]["metadata"]["labels"][k] == v for k, v in monitor.items())


def test_prequantized_precisions_get_no_flag_but_a_note_and_fp8_is_quantized_on_load() -> None:
    row = compute(accelerator="L40S", count=1, memory=48, tp=1, instance_type="g6e.xlarge")
    manifests = plan_manifests(plan(plan_sizing=sizing(precision="awq", weights=37.0, kv_dtype="fp8"), rows=[row]))
    args = _objects(manifests)["Deployment"]["spec"]["template"]["spec"]["containers"][0]["args"]
    # vLLM reads AWQ from the checkpoint (and picks the Marlin kernels); naming it would fail on compressed-tensors
    assert "--quantization" not in args and "--dtype" not in args and _arg(args, "--kv-cache-dtype") == "fp8"
    assert "already quantized" in manifests[1].content  # the namespace file says what to serve
    fp8 = plan_manifests(plan(plan_sizing=sizing(precision="fp8", weights=66.0), rows=[row]))
    args = _objects(fp8)["Deployment"]["spec"]["template"]["spec"]["containers"][0]["args"]
    assert _arg(args, "--quantization") == "fp8"


def test_one_replica_or_no_queryable_keda_runs_the_sized_replicas_fixed() -> None:
    one = _objects(plan_manifests(plan()))
    assert "ScaledObject" not in one and "HorizontalPodAutoscaler" not in one
    # no KEDA: no HPA on a custom metric (no chart installs the adapter it needs): the sized replicas, fixed
    without_keda = plan(roles=("inference-server", "gpu-operator", "metrics"), rows=[compute(count=8, tp=4, replicas=2)])
    objects = _objects(plan_manifests(without_keda))
    assert "HorizontalPodAutoscaler" not in objects and "ScaledObject" not in objects
    assert objects["Deployment"]["spec"]["replicas"] == 2
    # KEDA and the Prometheus Operator: a ScaledObject on the queue, the Deployment's replicas left to it
    scaled = _objects(plan_manifests(plan(rows=[compute(count=8, tp=4, replicas=2)])))
    trigger = scaled["ScaledObject"]["spec"]["triggers"][0]["metadata"]
    assert 'service="' in trigger["query"] and "replicas" not in scaled["Deployment"]["spec"]


def test_no_metrics_role_no_service_monitor() -> None:
    objects = _objects(plan_manifests(plan(roles=("inference-server", "gpu-operator"))))
    assert "ServiceMonitor" not in objects and "Deployment" in objects


def test_pipeline_parallel_replicas_are_ray_statefulsets_one_per_replica() -> None:
    p = plan(plan_sizing=sizing(weights=756.0),
             rows=[compute(count=8, instances=4, tp=8, pp=2, replicas=2)])
    manifests = plan_manifests(p)
    _objects(manifests)  # every one valid
    sets = _all(manifests, "StatefulSet")
    assert len(sets) == 2 and all(s["spec"]["replicas"] == 2 for s in sets)
    script = sets[0]["spec"]["template"]["spec"]["containers"][0]["command"][2]
    assert "--pipeline-parallel-size 2" in script and "--tensor-parallel-size 8" in script and "ray start" in script
    assert sets[0]["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"].get("nvidia.com/gpu") == 8
    client = [s for s in _all(manifests, "Service") if s["spec"].get("clusterIP") != "None"]
    assert client[0]["spec"]["selector"]["apps.kubernetes.io/pod-index"] == "0"
    assert not _all(manifests, "ScaledObject") and not _all(manifests, "Deployment")


def test_training_single_node_job_pvc_and_tracking_env() -> None:
    p = plan(roles=("training-operator", "experiment-tracking", "object-storage", "gpu-operator", "metrics"),
             plan_sizing=sizing("lora", weights=15.0, hours=6.5), model="meta-llama/Llama-3.1-8B", task="text-generation",
             rows=[compute(accelerator="A100-80GB", count=8, tp=1, replicas=1, instance_type="p4de.24xlarge")])
    # continued training of a named model with your own code: the generic torchrun Job
    manifests = plan_manifests(p, WorkloadSpec(task="training", domain="llm", dataset_size_gb=200))
    objects = _objects(manifests)
    job = objects["Job"]
    container = job["spec"]["template"]["spec"]["containers"][0]
    assert container["resources"]["limits"].get("nvidia.com/gpu") == 8
    assert "--nproc-per-node=8" in container["args"] and "--standalone" in container["args"]
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["MLFLOW_TRACKING_URI"].startswith("http://mlflow.") and env["MLFLOW_EXPERIMENT_NAME"]
    assert "activeDeadlineSeconds" not in job["spec"]  # a slower run is not killed
    assert job["metadata"]["annotations"]["stack8s.dev/sized-training-hours"] == "6.5"
    config = objects["ConfigMap"]["data"]
    assert config["DATASET_URI"].startswith("s3://") and config["MODEL_ID"] == "meta-llama/Llama-3.1-8B"
    claim = objects["PersistentVolumeClaim"]
    # 200 GB of data (186.3 GiB × 1.1 = 204.9) + the weights and two checkpoints (3 × 15 GiB) → 249.9, rounded up
    assert claim["spec"]["resources"]["requests"]["storage"] == "250Gi"
    assert job["spec"]["template"]["spec"]["volumes"][0]["persistentVolumeClaim"]["claimName"] == claim["metadata"]["name"]


def test_a_language_model_fine_tune_runs_axolotl_with_its_config_and_fetches_its_dataset() -> None:
    from stack8s_architect.rendering.finetune import AXOLOTL_IMAGE, RCLONE_IMAGE
    from stack8s_architect.rendering.wiring import wiring_problems

    p = plan(roles=("training-operator", "experiment-tracking", "object-storage", "gpu-operator"),
             plan_sizing=sizing("qlora", weights=5.4, hours=0.3, context=4096), model="meta-llama/Meta-Llama-3-8B",
             rows=[compute(accelerator="L4", count=1, memory=24, tp=1, replicas=1, instance_type="g6.xlarge",
                           name="NVIDIA L4", price=0.8048)])
    p = p.model_copy(update={"kubernetes": [component("experiment-tracking", "bitnami/mlflow")
                                            if c.role == "experiment-tracking" else c for c in p.kubernetes]})
    files = {m.path: m.content for m in plan_manifests(
        p, WorkloadSpec(task="fine_tuning", domain="llm", fine_tuning_method="qlora", dataset_size_gb=0.02))}
    docs = [yaml.safe_load(t) for path, t in files.items() if path.startswith("manifests/")]
    job = next(d for d in docs if d["kind"] == "Job")
    pod = job["spec"]["template"]["spec"]
    fetch, trainer = pod["initContainers"][0], pod["containers"][0]
    assert trainer["image"] == AXOLOTL_IMAGE and trainer["command"] == ["axolotl", "train", "/config/axolotl.yaml"]
    assert trainer["resources"]["limits"]["nvidia.com/gpu"] == 1
    assert fetch["image"] == RCLONE_IMAGE and fetch["args"] == ["copy", "data:stack8s-training/dataset/", "/scratch/data"]
    env = {e["name"]: e.get("value") for e in fetch["env"]}
    assert env["RCLONE_CONFIG_DATA_TYPE"] == "s3" and env["RCLONE_CONFIG_DATA_ENV_AUTH"] == "true"  # IRSA on EKS
    config = yaml.safe_load(next(d for d in docs if d["metadata"]["name"].endswith("-axolotl"))["data"]["axolotl.yaml"])
    assert config["base_model"] == "meta-llama/Meta-Llama-3-8B" and config["adapter"] == "qlora"
    assert config["load_in_4bit"] is True and config["sequence_len"] == 4096
    assert config["mlflow_tracking_uri"] == "http://mlflow-tracking.stack8s-training.svc.cluster.local:80"
    assert job["metadata"]["annotations"]["stack8s.dev/sized-training-hours"] == "0.3"
    assert wiring_problems(files) == []
    # on a provider without an object store, the stack's MinIO with its release's own credentials
    lium = p.model_copy(update={"compute": [compute(accelerator="L4", count=1, memory=24, tp=1, replicas=1,
                                                    provider="lium", instance_type="L4_1x", name="L4", price=0.4)]})
    lium_files = {m.path: m.content for m in plan_manifests(
        lium, WorkloadSpec(task="fine_tuning", domain="llm", fine_tuning_method="lora", dataset_size_gb=0.02))}
    fetch_env = yaml.safe_load(next(t for path, t in lium_files.items() if path.endswith("-job.yaml")))[
        "spec"]["template"]["spec"]["initContainers"][0]["env"]
    refs = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in fetch_env if "valueFrom" in e}
    assert refs["RCLONE_CONFIG_DATA_ACCESS_KEY_ID"] == {"name": "minio", "key": "rootUser"}  # minio/minio's keys
    assert wiring_problems(lium_files) == []


def test_a_fine_tune_on_several_gpus_runs_the_set_up_it_was_sized_for() -> None:
    """Sized as "full fine-tune, 8-bit Adam, ZeRO-2 over 4 × A100": the Job's Axolotl config uses that optimizer and a
    DeepSpeed ZeRO-2 config mounted beside it; unstated, several GPUs shard with ZeRO-3 as the sizing assumed; one GPU
    with nothing offloaded needs no DeepSpeed; CPU offload at stage 3 offloads parameters too."""
    def config_of(spec: WorkloadSpec, count: int) -> tuple[dict, dict | None]:
        p = plan(roles=("training-operator", "gpu-operator"), plan_sizing=sizing("training", weights=13.5, hours=1.0),
                 model="mistralai/Mistral-7B-v0.1",
                 rows=[compute(accelerator="A100-80GB", count=count, tp=1, replicas=1, instance_type="p4de.24xlarge")])
        files = {m.path: m.content for m in plan_manifests(p, spec)}
        config_map = next(yaml.safe_load(t) for path, t in files.items() if path.endswith("-axolotl.yaml")
                          or "configmap-axolotl" in path)
        data = config_map["data"]
        zero = json.loads(data["deepspeed.json"]) if "deepspeed.json" in data else None
        return yaml.safe_load(data["axolotl.yaml"]), zero

    said = WorkloadSpec(task="fine_tuning", domain="llm", fine_tuning_method="full", optimizer="adamw_8bit",
                        zero_stage=2, dataset_size_gb=0.2)
    axolotl, zero = config_of(said, 4)
    assert axolotl["optimizer"] == "adamw_bnb_8bit" and axolotl["deepspeed"] == "/config/deepspeed.json"
    assert zero["zero_optimization"]["stage"] == 2 and "offload_optimizer" not in zero["zero_optimization"]
    unstated = WorkloadSpec(task="fine_tuning", domain="llm", fine_tuning_method="lora", dataset_size_gb=0.2)
    axolotl, zero = config_of(unstated, 4)
    assert zero["zero_optimization"]["stage"] == 3 and axolotl["optimizer"] == "adamw_torch_fused"
    single, no_zero = config_of(unstated, 1)
    assert no_zero is None and "deepspeed" not in single
    offload = WorkloadSpec(task="fine_tuning", domain="llm", fine_tuning_method="full", cpu_offload=True,
                           flash_attention=False, dataset_size_gb=0.2)
    axolotl, zero = config_of(offload, 1)
    assert zero["zero_optimization"]["offload_param"]["device"] == "cpu" and axolotl["flash_attention"] is False
    assert "plugins" not in axolotl
    fused = unstated.model_copy(update={"fused_loss": True})  # "with liger kernels": the loss the sizing took
    axolotl, _ = config_of(fused, 1)
    assert axolotl["plugins"] == ["axolotl.integrations.liger.LigerPlugin"]
    assert axolotl["liger_fused_linear_cross_entropy"] is True


def test_training_on_several_instances_is_an_indexed_job_with_rendezvous() -> None:
    p = plan(roles=("training-operator", "gpu-operator"), plan_sizing=sizing("training", weights=130.0, hours=40),
             rows=[compute(count=8, instances=4, tp=8, replicas=1, provider="gcp", instance_type="a3-highgpu-8g",
                           source="anycloud-gcp", name="H100")])
    manifests = plan_manifests(p, WorkloadSpec(task="training", domain="llm"))
    objects = _objects(manifests)
    job = objects["Job"]
    assert job["spec"]["completionMode"] == "Indexed" and job["spec"]["completions"] == job["spec"]["parallelism"] == 4
    pod = job["spec"]["template"]["spec"]
    assert pod["subdomain"] == objects["Service"]["metadata"]["name"] and objects["Service"]["spec"]["clusterIP"] == "None"
    assert "--nnodes=4" in pod["containers"][0]["args"] and "ephemeral" in pod["volumes"][0]
    assert objects["ConfigMap"]["data"]["DATASET_URI"].startswith("gs://")


def test_batch_inference_is_an_indexed_run_batch_job_one_pod_per_replica() -> None:
    p = plan(roles=("inference-server", "gpu-operator"), plan_sizing=sizing(context=8000),
             rows=[compute(count=8, tp=2, replicas=4)])
    objects = _objects(plan_manifests(p, WorkloadSpec(task="batch_inference", domain="llm", dataset_size_gb=50)))
    job = objects["Job"]["spec"]
    container = job["template"]["spec"]["containers"][0]
    assert container["args"][:2] == ["-m", "vllm.entrypoints.openai.run_batch"]
    assert _arg(container["args"], "-i") == "/data/input-$(JOB_COMPLETION_INDEX).jsonl"
    assert _arg(container["args"], "--tensor-parallel-size") == "2" and "--port" not in container["args"]
    assert _arg(container["args"], "--max-model-len") == "8000"  # a value equal to the port is kept
    assert job["completionMode"] == "Indexed" and job["completions"] == job["parallelism"] == 4
    assert objects["PersistentVolumeClaim"]["spec"]["accessModes"] == ["ReadWriteMany"]


def test_vision_inference_runs_triton_with_its_metrics_port() -> None:
    p = plan(roles=("inference-server", "gpu-operator", "metrics"), plan_sizing=None, model="microsoft/resnet-50",
             task="image-classification", rows=[compute(accelerator="L4", count=1, memory=24, tp=None, pp=None,
                                                        replicas=None, instance_type="g6.xlarge")])
    objects = _objects(plan_manifests(p, WorkloadSpec(task="inference", domain="vision")))
    container = objects["Deployment"]["spec"]["template"]["spec"]["containers"][0]
    assert container["image"].startswith("nvcr.io/nvidia/tritonserver:")
    assert container["resources"]["limits"].get("nvidia.com/gpu") == 1
    assert objects["ServiceMonitor"]["spec"]["endpoints"][0]["port"] == "metrics"


def test_every_pod_is_hardened_and_gated_weights_require_the_token() -> None:
    gated = plan().model_copy(deep=True)
    gated.models[0].gated = True
    for p, required in ((plan(), False), (gated, True)):
        docs = [yaml.safe_load(m.content) for m in plan_manifests(p, WorkloadSpec(task="inference", domain="llm"))
                if m.path.startswith("manifests/")]
        pod = next(d for d in docs if d["kind"] == "Deployment")["spec"]["template"]["spec"]
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
        container = pod["containers"][0]
        assert container["securityContext"] == {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}}
        token = next(e for e in container["env"] if e["name"] == "HF_TOKEN")["valueFrom"]["secretKeyRef"]
        assert token["optional"] is (not required)  # gated: the pod waits for the Secret instead of failing later


def test_live_speech_runs_speaches_with_the_sized_replicas_and_streams() -> None:
    # 20 streams sized on 4 one-GPU replicas: each carries ceil(20 / 4) = 5 streams, one faster-whisper worker each
    p = plan(roles=("api-gateway", "gpu-operator", "metrics", "autoscaling"), model="openai/whisper-large-v3",
             task="automatic-speech-recognition",
             plan_sizing=sizing(weights=3.7, context=None, utilization=None),
             rows=[compute(accelerator="A10G", count=1, memory=24, instances=4, tp=1, replicas=4,
                           instance_type="g5.xlarge", name="NVIDIA A10G", price=1.006)])
    spec = WorkloadSpec(task="inference", domain="speech", concurrent_users=20)
    manifests = plan_manifests(p, spec)
    objects = _objects(manifests)
    deployment = objects["Deployment"]
    pod = deployment["spec"]["template"]["spec"]
    server, download = pod["containers"][0], pod["initContainers"][0]
    env = {e["name"]: e.get("value") for e in server["env"]}
    assert server["image"] == download["image"] == SPEACHES_IMAGE
    assert deployment["spec"]["replicas"] == 4 and env["WHISPER__NUM_WORKERS"] == "5"
    assert server["resources"]["limits"].get("nvidia.com/gpu") == 1 and env["WHISPER__INFERENCE_DEVICE"] == "cuda"
    assert "Systran/faster-whisper-large-v3" in download["command"][-1]  # the CTranslate2 weights, fetched first
    assert env["HF_HUB_OFFLINE"] == "1"  # the server reads only what the init container fetched
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] == 1000
    assert "ScaledObject" not in objects and "HorizontalPodAutoscaler" not in objects  # a stream is not a queue
    assert objects["Service"]["spec"]["ports"][0]["port"] == 8000
    # an AMD GPU cannot run CTranslate2: no workload, and the namespace says why
    amd = plan(roles=("api-gateway",), model="openai/whisper-large-v3", task="automatic-speech-recognition",
               rows=[compute(accelerator="MI300X", count=8, memory=192, tp=1, replicas=1, name="MI300X")])
    assert "Deployment" not in _objects(plan_manifests(amd, spec))


def test_rag_renders_endpoints_that_resolve_a_cpu_query_server_and_a_suspended_ingestion_job() -> None:
    p = plan(roles=("inference-server", "vector-db", "api-gateway", "gpu-operator"),
             rows=[compute(accelerator="L4", count=1, memory=24, tp=1, replicas=1, instance_type="g6.xlarge",
                           name="NVIDIA L4", price=0.8048)],
             plan_sizing=sizing(weights=14.96, context=8192))
    p = p.model_copy(update={"kubernetes": [component("vector-db", "qdrant/qdrant") if c.role == "vector-db" else c
                                            for c in p.kubernetes]})
    spec = WorkloadSpec(task="inference", domain="llm", components=["vector-db"], dataset_size_gb=2)
    manifests = plan_manifests(p, spec)
    for m in manifests:
        if m.path.startswith("manifests/"):
            assert validate_manifest(m.path, m.content) == [], m.content
    docs = [yaml.safe_load(m.content) for m in manifests if m.path.startswith("manifests/")]
    by = {(d["kind"], d["metadata"]["name"]): d for d in docs}
    endpoints = by[("ConfigMap", "rag-endpoints")]["data"]
    services = {name for kind, name in by if kind == "Service"}
    llm = next(d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] != "embeddings")
    # every URL names a Service of the bundle, or the vector database's release in the helmfile ("qdrant")
    assert endpoints["LLM_BASE_URL"].split("//")[1].split(".")[0] == llm["metadata"]["name"] in services
    assert endpoints["EMBEDDINGS_BASE_URL"].split("//")[1].split(".")[0] == "embeddings" in services
    assert endpoints["VECTOR_DB_URL"].startswith("http://qdrant.") and "name: qdrant" in manifests[0].content
    assert endpoints["LLM_MAX_MODEL_LEN"] == "8192" and endpoints["TOP_K"] == "8" and endpoints["CHUNK_TOKENS"] == "512"
    tei = by[("Deployment", "embeddings")]["spec"]["template"]["spec"]["containers"][0]
    assert "limits" not in tei["resources"] or not any(k.endswith("/gpu") for k in tei["resources"]["limits"])
    assert tei["args"][:2] == ["--model-id", "BAAI/bge-m3"]
    job = by[("Job", "rag-ingest")]
    pod = job["spec"]["template"]["spec"]
    embedder = pod["initContainers"][0]
    assert job["spec"]["suspend"] is True  # started once the documents are in
    assert embedder["restartPolicy"] == "Always" and embedder["resources"]["limits"].get("nvidia.com/gpu") == 1
    assert embedder["args"][:3] == ["BAAI/bge-m3", "--runner", "pooling"]
    assert "rag_ingest.py" in by[("ConfigMap", "rag-ingest")]["data"]
    # the LLM's Service must not select the ingestion pod (it serves embeddings on the same port)
    selector = by[("Service", llm["metadata"]["name"])]["spec"]["selector"]
    assert not all(job["spec"]["template"]["metadata"]["labels"].get(k) == v for k, v in selector.items())
    assert by[("Pod", "rag-documents-loader")]["spec"]["volumes"][0]["persistentVolumeClaim"]["claimName"] == \
        "rag-documents"
    # another vector database: its own port, and the ingestion Job says what to change
    milvus = plan_manifests(plan(roles=("inference-server", "vector-db"), rows=p.compute, plan_sizing=p.sizing), spec)
    milvus_files = {m.path.split("-", 1)[1]: m.content for m in milvus if "rag" in m.path}
    assert "milvus.stack8s-inference.svc.cluster.local:19530" in milvus_files["configmap-rag-endpoints.yaml"]
    assert "speaks Qdrant's REST API" in milvus_files["job-rag-ingest.yaml"].splitlines()[0]
    # no vector-db in the stack: no RAG objects
    chat = plan_manifests(p, spec.model_copy(update={"components": None}))
    assert not any("rag" in m.path for m in chat)


@pytest.mark.parametrize(("model", "converted"), [
    ("openai/whisper-large-v3", "Systran/faster-whisper-large-v3"),
    ("openai/whisper-small.en", "Systran/faster-whisper-small.en"),
    ("openai/whisper-large", "Systran/faster-whisper-large-v1"),
    ("distil-whisper/distil-large-v3", "Systran/faster-distil-whisper-large-v3"),
    ("deepdml/faster-whisper-large-v3-turbo-ct2", "deepdml/faster-whisper-large-v3-turbo-ct2"),
])
def test_whisper_checkpoints_map_to_their_ctranslate2_conversions(model: str, converted: str) -> None:
    assert faster_whisper_model(model) == converted


def test_amd_gpus_request_amd_resources_and_the_rocm_image() -> None:
    p = plan(rows=[compute(accelerator="MI300X", count=8, memory=192, tp=2, replicas=4, provider="azure",
                           instance_type="Standard_ND96isr_MI300X_v5", source="anycloud-azure", name="MI300X")])
    container = _objects(plan_manifests(p))["Deployment"]["spec"]["template"]["spec"]["containers"][0]
    assert container["resources"]["limits"].get("amd.com/gpu") == 2 and container["image"] == VLLM_ROCM_IMAGE


def test_no_fitting_compute_renders_only_the_namespace_and_the_charts() -> None:
    manifests = plan_manifests(plan(rows=[compute(fits=False)]))
    assert [m.path for m in manifests] == ["helmfile.yaml", "manifests/00-namespace.yaml"]


def test_helmfile_pins_each_chart_once_and_marks_oci_repositories() -> None:
    p = plan(roles=("inference-server", "vector-db", "training-operator", "metrics", "gpu-operator"))
    text = next(m.content for m in plan_manifests(p) if m.path == "helmfile.yaml")
    document = yaml.safe_load(text)
    charts = {r["chart"]: r for r in document["releases"]}
    assert charts["vllm/vllm-stack"]["version"] == "0.1.12"
    assert charts["bitnamicharts/milvus"]["version"] == "15.0.2"
    oci = [r for r in document["repositories"] if r["name"] == "bitnamicharts"][0]
    assert oci == {"name": "bitnamicharts", "url": "registry-1.docker.io/bitnamicharts", "oci": True}
    assert "kubeflow/training-operator" not in charts and "kubeflow/training-operator (training-operator)" in text
    assert len({r["name"] for r in document["releases"]}) == len(document["releases"])


def test_strict_validation_rejects_unknown_fields_and_bad_types() -> None:
    manifests = plan_manifests(plan(rows=[compute(count=8, tp=4, replicas=2)]))
    deployment = yaml.safe_load(next(m.content for m in manifests if m.path.endswith("-deployment.yaml")))
    deployment["spec"]["template"]["spec"]["containers"][0]["gpuCount"] = 4
    assert any("gpuCount" in e for e in validate_object(deployment))
    scaled = yaml.safe_load(next(m.content for m in manifests if m.path.endswith("-scaledobject.yaml")))
    scaled["spec"]["maxReplicas"] = 4  # HPA's name, not KEDA's
    assert any("maxReplicas" in e for e in validate_object(scaled))
    monitor = yaml.safe_load(next(m.content for m in manifests if m.path.endswith("-servicemonitor.yaml")))
    monitor["spec"]["endpoints"][0]["interval"] = "30 seconds"
    assert validate_object(monitor)
    assert validate_object({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "x"}})
    assert validate_manifest("manifests/x.yaml", "a: [") and validate_manifest("manifests/x.yaml", "- 1")


@pytest.mark.parametrize(("key", "resource"), [("H100-SXM", "nvidia.com/gpu"), ("MI300X", "amd.com/gpu"),
                                               ("TPU-v5e", "google.com/tpu"), ("Inferentia2", "aws.amazon.com/neuron"),
                                               ("Trainium", "aws.amazon.com/neuron"), ("L4", "nvidia.com/gpu")])
def test_accelerator_resources(key: str, resource: str) -> None:
    assert accelerator_resource(key).resource == resource


def test_every_catalog_accelerator_has_a_device_resource_of_its_vendor() -> None:
    from stack8s_architect.catalog.gpus.specs import ACCELERATOR_SPECS

    expected = {"NVIDIA": "nvidia.com/gpu", "AMD": "amd.com/gpu", "Google": "google.com/tpu",
                "AWS": "aws.amazon.com/neuron", "Intel": "habana.ai/gaudi",
                "Qualcomm": "qualcomm.com/qaic"}
    for key, spec in ACCELERATOR_SPECS.items():
        assert accelerator_resource(key).resource == expected[spec.vendor], key


@pytest.mark.parametrize(("text", "label"), [("vLLM Llama-3.1_70B", "vllm-llama-3-1-70b"), ("--", "workload"),
                                             ("a" * 80, "a" * 63)])
def test_dns_labels(text: str, label: str) -> None:
    assert dns_label(text) == label and DNS_LABEL.match(label)


def test_metrics_without_the_operator_get_scrape_annotations_and_no_keda_address() -> None:
    p = plan(roles=("inference-server", "gpu-operator", "metrics", "autoscaling"),
             rows=[compute(count=8, tp=4, replicas=2)])
    p = p.model_copy(update={"kubernetes": [c.model_copy(update={"chart": "victoria/victoria-metrics-single"})
                                            if c.role == "metrics" else c for c in p.kubernetes]})
    objects = _objects(plan_manifests(p))
    # VictoriaMetrics: no address KEDA is known to query, so no autoscaler at all — fixed replicas, not an HPA that
    # would wait for a metrics adapter nobody installs
    assert "ServiceMonitor" not in objects and "ScaledObject" not in objects and "HorizontalPodAutoscaler" not in objects
    assert objects["Deployment"]["spec"]["replicas"] == 2
    annotations = objects["Deployment"]["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true" and annotations["prometheus.io/port"] == "8000"


def test_tpu_and_neuron_plans_render_no_cuda_workload() -> None:
    row = compute(accelerator="TPU-v5e", count=8, memory=16, tp=8, provider="gcp", instance_type="tpu-v5litepod-8",
                  source="anycloud-gcp", name="tpu-v5litepod-8")
    manifests = plan_manifests(plan(rows=[row]))
    assert [m.path for m in manifests] == ["helmfile.yaml", "manifests/00-namespace.yaml"]
    assert "google.com/tpu" in manifests[1].content and "skypilot.yaml" in manifests[1].content


def test_instance_types_that_are_not_label_values_are_not_selected_on() -> None:
    row = compute(instance_type="H100_NVLINK_80GB::8", provider="fluidstack", source="skypilot-fluidstack")
    pod = _objects(plan_manifests(plan(rows=[row])))["Deployment"]["spec"]["template"]["spec"]
    assert "node.kubernetes.io/instance-type" not in pod["nodeSelector"]


def test_ray_probes_have_room_and_the_yaml_has_no_aliases() -> None:
    manifests = plan_manifests(plan(plan_sizing=sizing(weights=756.0), rows=[compute(count=8, instances=2, tp=8, pp=2)]))
    statefulset = next(m.content for m in manifests if "statefulset" in m.path)
    assert "&id" not in statefulset and "*id" not in statefulset
    container = yaml.safe_load(statefulset)["spec"]["template"]["spec"]["containers"][0]
    assert all(container[p]["timeoutSeconds"] >= 10 for p in ("startupProbe", "readinessProbe", "livenessProbe"))
    assert container["command"][:2] == ["/bin/sh", "-c"] and "vllm serve meta-llama/" in container["command"][2]


def test_the_gpu_operator_leaves_the_driver_to_a_managed_cloud() -> None:
    def operator_values(p) -> dict:  # noqa: ANN001
        helmfile = yaml.safe_load(next(m.content for m in plan_manifests(p, WorkloadSpec(task="inference"))
                                       if m.path == "helmfile.yaml"))
        release = next(r for r in helmfile["releases"] if r["chart"].endswith("/gpu-operator"))
        return {k: v for values in release.get("values", []) for k, v in values.items()}

    assert operator_values(plan())["driver"] == {"enabled": False}  # EKS: its GPU AMIs carry the driver
    rented = plan(rows=[compute(accelerator="H100-SXM", count=8, provider="lambda", instance_type="gpu_8x_h100_sxm5",
                                source="anycloud-lambda")])
    assert "driver" not in operator_values(rented)  # machines one builds a cluster on: the operator installs it


def test_the_gateway_routes_tls_to_the_model_server_which_requires_its_api_key() -> None:
    from stack8s_architect.rendering.wiring import wiring_problems

    files = {m.path: m.content for m in plan_manifests(plan(), WorkloadSpec(task="inference", domain="llm"))}
    docs = {yaml.safe_load(t)["kind"]: yaml.safe_load(t) for p, t in files.items() if p.startswith("manifests/")}
    ingress, server = docs["Ingress"], docs["Deployment"]
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": server["metadata"]["name"], "port": {"name": "http"}}
    assert ingress["spec"]["ingressClassName"] == "traefik" and ingress["spec"]["tls"][0]["secretName"].endswith("-tls")
    key = next(e for e in server["spec"]["template"]["spec"]["containers"][0]["env"] if e["name"] == "VLLM_API_KEY")
    assert key["valueFrom"]["secretKeyRef"] == {"name": "llm-api-key", "key": "key"}  # required: no key, no start
    helmfile = yaml.safe_load(files["helmfile.yaml"])
    traefik = next(r for r in helmfile["releases"] if r["chart"] == "traefik/traefik")
    assert traefik["values"] == [{"ingressClass": {"name": "traefik"}}]  # the class the Ingress names
    assert wiring_problems(files) == []
    wrong = {p: t.replace(f"            name: {server['metadata']['name']}\n            port:",
                          "            name: llm\n            port:") if "ingress" in p else t
             for p, t in files.items()}
    assert any("routes to the Service llm" in p.message for p in wiring_problems(wrong))
    # no gateway in the stack: no route and no key to ask for
    bare = {m.path: m.content for m in plan_manifests(plan(roles=("inference-server",)), WorkloadSpec(task="inference"))}
    assert not any("kind: Ingress" in t or "VLLM_API_KEY" in t for t in bare.values())


def test_keda_queries_a_plain_prometheus_by_the_pod_label_it_keeps() -> None:
    p = plan(roles=("inference-server", "metrics", "autoscaling"), rows=[compute(count=8, tp=4, replicas=2)])
    p = p.model_copy(update={"kubernetes": [c.model_copy(update={"chart": "prometheus-community/prometheus"})
                                            if c.role == "metrics" else c for c in p.kubernetes]})
    objects = _objects(plan_manifests(p))
    trigger = objects["ScaledObject"]["spec"]["triggers"][0]["metadata"]
    name = objects["Deployment"]["metadata"]["name"]
    assert trigger["serverAddress"].startswith("http://prometheus-server.monitoring")
    assert trigger["query"] == f'sum(vllm:num_requests_waiting{{namespace="stack8s-inference",app_kubernetes_io_name="{name}"}})'


def _claim_classes(manifests) -> dict[str, str | None]:
    out = {}
    for doc in (yaml.safe_load(m.content) for m in manifests if m.path.startswith("manifests/")):
        if doc["kind"] == "PersistentVolumeClaim":
            out[doc["spec"]["accessModes"][0]] = doc["spec"].get("storageClassName")
    return out


@pytest.mark.parametrize(("provider", "instance_type", "block", "shared"), [
    ("aws", "g6.12xlarge", "stack8s-gp3", "efs-sc"),
    ("gcp", "g2-standard-48", "standard-rwo", "standard-rwx"),
    ("azure", "Standard_NV36ads_A10_v5", "managed-csi", "azurefile-csi"),
    ("lambda", "gpu_1x_a10", None, None),  # k3s on rented VMs: the cluster's default class
])
def test_volumes_ask_for_the_providers_storage_class_for_their_access_mode(provider, instance_type, block,
                                                                         shared) -> None:
    rows = [compute(accelerator="A10G", count=1, memory=24, tp=1, replicas=2, instances=2, provider=provider,
                    instance_type=instance_type, name="NVIDIA A10G", price=1.0)]
    batch = plan_manifests(plan(roles=("inference-server", "gpu-operator"), plan_sizing=sizing(weights=15), rows=rows),
                           WorkloadSpec(task="batch_inference", domain="llm", dataset_size_gb=50))
    assert _claim_classes(batch) == {"ReadWriteMany": shared}  # two pods on two nodes share the data
    single = rows[0].model_copy(update={"replicas": 1, "instances": 1})
    training = plan_manifests(plan(roles=("training-operator",), plan_sizing=sizing("training", weights=15, hours=3),
                                   rows=[single]), WorkloadSpec(task="training", domain="llm", dataset_size_gb=50))
    assert _claim_classes(training) == {"ReadWriteOnce": block}
    classes = _all(training, "StorageClass")
    if provider == "aws":  # the bundle brings the gp3 class EKS lacks, as the default the charts' volumes use too
        assert [c["provisioner"] for c in classes] == ["ebs.csi.aws.com"]
        assert classes[0]["metadata"]["annotations"]["storageclass.kubernetes.io/is-default-class"] == "true"
        assert validate_manifest("manifests/01-storageclass.yaml", yaml.safe_dump(classes[0])) == []
    else:
        assert classes == []


def test_loki_gets_the_schema_config_its_chart_refuses_to_render_without_and_runs_as_one_binary() -> None:
    p = plan(roles=("inference-server", "logs"))
    p = p.model_copy(update={"kubernetes": [component("logs", "grafana/loki") if c.role == "logs" else c
                                            for c in p.kubernetes]})
    document = yaml.safe_load(next(m.content for m in plan_manifests(p) if m.path == "helmfile.yaml"))
    values = next(r for r in document["releases"] if r["chart"] == "grafana/loki")["values"][0]
    schema = values["loki"]["schemaConfig"]["configs"][0]
    assert schema["store"] == "tsdb" and schema["schema"] == "v13" and schema["object_store"] == "filesystem"
    assert values["deploymentMode"] == "SingleBinary" and values["singleBinary"]["replicas"] == 1
    assert values["loki"]["storage"]["type"] == "filesystem"  # no object store assumed
    assert values["read"]["replicas"] == values["write"]["replicas"] == values["backend"]["replicas"] == 0


def test_a_gateway_that_speaks_only_its_own_routes_is_told_where_to_route() -> None:
    p = plan()
    p = p.model_copy(update={"kubernetes": [component("api-gateway", "bitnami/envoy-gateway")
                                            if c.role == "api-gateway" else c for c in p.kubernetes]})
    manifests = plan_manifests(p, WorkloadSpec(task="inference", domain="llm"))
    assert not _all(manifests, "Ingress")
    namespace = next(m.content for m in manifests if m.path == "manifests/00-namespace.yaml")
    service = _all(manifests, "Service")[0]["metadata"]["name"]
    assert "bitnami/envoy-gateway gets no route" in namespace and f"the Service {service} on port 8000" in namespace


def test_the_served_checkpoint_is_the_one_the_gpus_were_sized_for() -> None:
    quantised = sizing(weights=37.0, precision="awq")
    row = compute(accelerator="L4", count=4, memory=24, tp=4, replicas=1, instance_type="g6.12xlarge", price=4.6)
    release = plan(plan_sizing=quantised, rows=[row], model="Qwen/Qwen2.5-72B-Instruct")
    release.models[0] = release.models[0].model_copy(update={"checkpoint": "Qwen/Qwen2.5-72B-Instruct-AWQ"})
    container = _objects(plan_manifests(release, WorkloadSpec(task="inference")))["Deployment"]["spec"]["template"][
        "spec"]["containers"][0]
    assert container["args"][0] == "Qwen/Qwen2.5-72B-Instruct-AWQ" and "--quantization" not in container["args"]
    # no release in the catalog: the 16-bit model, quantised to 4 bits while loading; its cache holds the 16-bit
    # download (70B × 2 bytes = 130.4 GiB × 1.1 = 143.4 → 144Gi), not the 37 GiB the GPUs hold
    on_load = plan(plan_sizing=quantised, rows=[row])
    on_load.models[0] = on_load.models[0].model_copy(update={"checkpoint": on_load.models[0].id})
    deployment = _objects(plan_manifests(on_load, WorkloadSpec(task="inference")))["Deployment"]
    args = deployment["spec"]["template"]["spec"]["containers"][0]["args"]
    assert args[0] == "meta-llama/Llama-3.1-70B-Instruct" and _arg(args, "--quantization") == "bitsandbytes"
    cache = next(v for v in deployment["spec"]["template"]["spec"]["volumes"] if v["name"] == "models")
    assert cache["emptyDir"]["sizeLimit"] == "144Gi"
