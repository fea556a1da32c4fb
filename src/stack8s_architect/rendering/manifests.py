"""Kubernetes manifests and a helmfile for a plan: what an engineer applies to run it.

Paths are the export bundle's: `helmfile.yaml` installs the plan's charts at their catalog versions,
`manifests/NN-*.yaml` hold one object each (applied in name order: the namespace first). Every
number in them is the plan's: GPUs per pod = the tensor-parallel group of the top compute row,
replicas, `--max-model-len` = the context the sizing used, `--gpu-memory-utilization` = the share the
sizing's budget assumed, storage from the weights and the dataset size.
"""

from __future__ import annotations

import math
import re

from stack8s_architect.catalog.compute.providers import (EKS_STORAGE_CLASS, GPU_PRODUCT_LABEL, GPU_PRODUCTS,
                                                         INSTANCE_TYPE_LABEL, schedulable, storage_classes)
from stack8s_architect.planning.kubernetes import scales_on_queue
from stack8s_architect.planning.plan import DeploymentPlan, PlanComponent, PlanManifest
from stack8s_architect.planning.spec import WorkloadSpec
from stack8s_architect.rendering.workload import (
    PYTORCH_IMAGE,
    SPEACHES_HF_CACHE,
    SPEACHES_IMAGE,
    TRITON_IMAGE,
    TRITON_METRICS_PORT,
    VLLM_PORT,
    Workload,
    dns_label,
    downloaded_weights_gib,
    gib_quantity,
    read_workload,
)
from stack8s_architect.rendering.finetune import MINIO_SECRET_KEYS, fine_tuning_objects
from stack8s_architect.rendering.monai import is_monai_bundle, monai_batch, monai_training
from stack8s_architect.rendering.rag import LOADER_IMAGE, PYTHON_IMAGE, rag_objects
from stack8s_architect.rendering.wiring import CHART_SERVICES
from stack8s_architect.rendering.yamltext import dump
from stack8s_architect.sizing.cost import start_up_hours

# Where the platform charts go; anything else is installed in the workload's namespace.
_ROLE_NAMESPACE = {"gpu-operator": "gpu-operator", "metrics": "monitoring", "logs": "monitoring",
                   "tracing": "monitoring", "dashboards": "monitoring", "autoscaling": "keda",
                   "api-gateway": "gateway"}
_SHM = "16Gi"
_WAITING_PER_REPLICA = 4  # queued requests per replica before another replica is added
_BUCKET_SCHEME = {"aws": "s3", "gcp": "gs", "azure": "az"}
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
# Metrics charts that run the Prometheus Operator (ServiceMonitor CRD) and their Prometheus's address.
_OPERATOR_METRICS = {"kube-prometheus-stack", "victoria-metrics-k8s-stack"}
_PROMETHEUS = {"kube-prometheus-stack": "http://kube-prometheus-stack-prometheus.monitoring.svc.cluster.local:9090",
               "prometheus": "http://prometheus-server.monitoring.svc.cluster.local:80"}


def _labels(w: Workload, component: str) -> dict[str, str]:
    return {"app.kubernetes.io/name": w.name, "app.kubernetes.io/component": component,
            "app.kubernetes.io/part-of": "stack8s-plan", "app.kubernetes.io/managed-by": "stack8s-architect"}


def _selector(w: Workload) -> dict[str, str]:
    return {"app.kubernetes.io/name": w.name}


def _metadata(w: Workload, name: str, component: str) -> dict:
    return {"name": name, "namespace": w.namespace, "labels": _labels(w, component)}


# -- pods ---------------------------------------------------------------------------------------------

def _node_placement(w: Workload) -> dict:
    """Node selector for the plan's instance type (and GPU nodes), tolerations for GPU taints; on the local cluster,
    node affinity to the nodes the plan counted free devices on, tolerating their taints."""
    spec: dict = {}
    selector = {}
    if w.top is not None and w.top.local:  # the local cluster: the very nodes whose free devices the plan counted
        spec["affinity"] = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
            {"matchFields": [{"key": "metadata.name", "operator": "In", "values": [n.name for n in w.top.nodes]}]}]}}}
        keys = {w.accelerator.resource.split("/")[0] + "/gpu", *(t.partition(":")[0].partition("=")[0]
                                                                  for t in w.top.tolerate)}
        spec["tolerations"] = [{"key": key, "operator": "Exists"} for key in sorted(keys)]
        return spec
    deployment = w.deployment
    by_type = (w.top is not None and deployment is not None and deployment.instance_type_label
               and _LABEL_VALUE.match(w.top.instance_type))  # a managed node pool's nodes carry their instance type
    if by_type:
        selector[INSTANCE_TYPE_LABEL] = w.top.instance_type
    if w.accelerator.vendor == "nvidia" and w.top is not None:
        selector["nvidia.com/gpu.present"] = "true"
        products = GPU_PRODUCTS.get(w.top.accelerator or "")
        if not by_type and products:  # elsewhere the GPU operator's feature discovery names the GPU on every node
            spec["affinity"] = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                {"matchExpressions": [{"key": GPU_PRODUCT_LABEL, "operator": "In", "values": list(products)}]}]}}}
    if selector:
        spec["nodeSelector"] = selector
    if w.top is not None:
        spec["tolerations"] = [{"key": w.accelerator.resource, "operator": "Exists", "effect": "NoSchedule"}]
    return spec


def _resources(w: Workload, gpus: int) -> dict:
    """GPU limits, and CPU/memory requests of the pod's share of what the instance leaves to pods (its allocatable
    after the kubelet's reservations, less the GPU node's DaemonSets: `providers.schedulable`), from the catalog
    row's vCPUs and memory — so the pod fits the node it is sized for."""
    resources: dict = {}
    if gpus:
        resources["limits"] = {w.accelerator.resource: gpus}
    top = w.top
    if top is not None and top.accelerator_count >= 1 and gpus:
        share = min(1.0, gpus / top.accelerator_count)
        if top.local:  # the local nodes' allocatable, already net of reservations; 15 % left to their other pods
            cpu, memory = (top.vcpus or 0.0) * 0.85, (top.memory_gib or 0.0) * 0.85
        else:
            cpu, memory = schedulable(top.vcpus or 0.0, top.memory_gib or 0.0)
        requests = {}
        if top.vcpus:
            requests["cpu"] = str(max(1, math.floor(cpu * share)))
        if top.memory_gib:
            requests["memory"] = f"{max(1, math.floor(memory * share))}Gi"
        if requests:
            resources["requests"] = requests
    return resources


def _hf_token_env(gated: bool = False) -> dict:
    """The Hugging Face token from the hf-token Secret: required for gated weights (the pod then waits for the Secret
    instead of failing at download), optional otherwise."""
    return {"name": "HF_TOKEN", "valueFrom": {"secretKeyRef": {"name": "hf-token", "key": "token",
                                                               "optional": not gated}}}


def _startup_failures(plan: DeploymentPlan) -> int:
    weights = downloaded_weights_gib(plan, 10.0)
    return math.ceil(start_up_hours(weights) * 3600 / 10)  # the probe's patience: the sizing's start-up time


def _probe(path: str, port: int | str, *, period: int, failures: int) -> dict:
    return {"httpGet": {"path": path, "port": port}, "periodSeconds": period, "failureThreshold": failures}


def _model_cache_gib(plan: DeploymentPlan) -> float:
    weights = downloaded_weights_gib(plan, 50.0)
    return weights * 1.1


def _vllm_container(w: Workload, plan: DeploymentPlan, *, args: list[str] | None = None) -> dict:
    return {
        "name": "vllm",
        "image": w.vllm_image,
        "command": ["vllm", "serve"],  # the ROCm images have no entrypoint
        "args": args if args is not None else w.serve_args(),
        "ports": [{"name": "http", "containerPort": VLLM_PORT}],
        "env": [_hf_token_env(w.gated), {"name": "HF_HOME", "value": "/models"}, *_api_key_env(w)],
        "resources": _with_cache_storage(_resources(w, w.gpus_per_pod), plan),
        "startupProbe": _probe("/health", "http", period=10, failures=_startup_failures(plan)),
        "readinessProbe": _probe("/health", "http", period=10, failures=3),
        "livenessProbe": _probe("/health", "http", period=30, failures=3),
        "volumeMounts": [{"name": "models", "mountPath": "/models"}, {"name": "dshm", "mountPath": "/dev/shm"}],
    }


API_KEY_SECRET = "llm-api-key"
# The IngressClass each gateway chart creates (its values: traefik's ingressClass.name, set below; kong's
# ingressController.ingressClass default); gateways that only speak the Gateway API get no Ingress.
_INGRESS_CLASSES = {"traefik/traefik": "traefik", "kong/kong": "kong"}


def _api_key_env(w: Workload) -> list[dict]:
    """A served model behind a gateway answers only requests with its API key (vLLM's VLLM_API_KEY, checked on /v1;
    /health stays open for the probes): the key is a Secret the user creates, so the pod waits for it."""
    if w.kind != "inference" or w.engine != "vllm" or "api-gateway" not in w.roles:
        return []
    return [{"name": "VLLM_API_KEY", "valueFrom": {"secretKeyRef": {"name": API_KEY_SECRET, "key": "key"}}}]


def _ingress(w: Workload) -> tuple[str, dict, str] | None:
    """The gateway's route to the model server, TLS from a Secret (cert-manager's or your own certificate)."""
    ingress_class = _INGRESS_CLASSES.get(w.roles.get("api-gateway", ""))
    if ingress_class is None or w.kind != "inference":
        return None
    tls = f"{w.name}-tls"
    ingress = {
        "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
        "metadata": _metadata(w, w.name, "gateway"),
        "spec": {"ingressClassName": ingress_class, "tls": [{"secretName": tls}],
                 "rules": [{"http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": {
                     "service": {"name": w.name, "port": {"name": "http"}}}}]}}]},
    }
    note = (f"The {w.roles['api-gateway']} gateway routes HTTPS to the model server; TLS from the Secret {tls} "
            "(kubectl create secret tls, or cert-manager), add your host under rules/tls. "
            + ("Requests need `Authorization: Bearer <key>` with the key in the Secret "
               f"{API_KEY_SECRET}." if _api_key_env(w) else ""))
    return "ingress", ingress, note.strip()


def _with_cache_storage(resources: dict, plan: DeploymentPlan) -> dict:
    """The model cache (an emptyDir on the node's disk) requested as ephemeral storage, so the pod lands on a node
    whose disk holds the weights instead of being evicted mid-download."""
    requests = {**resources.get("requests", {}), "ephemeral-storage": gib_quantity(_model_cache_gib(plan))}
    return {**resources, "requests": requests}


# -- hardening --------------------------------------------------------------------------------------------

def _network_policy(w: Workload) -> dict:
    """Ingress to the workload's pods from its own namespace and the namespaces its platform charts run in."""
    platform = sorted({_ROLE_NAMESPACE[role] for role in w.roles if role in _ROLE_NAMESPACE} - {"gpu-operator"})
    sources: list[dict] = [{"podSelector": {}}]
    sources += [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": name}}} for name in platform]
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": "workload-ingress", "namespace": w.namespace,
                         "labels": {"app.kubernetes.io/part-of": "stack8s-plan"}},
            "spec": {"podSelector": {}, "policyTypes": ["Ingress"], "ingress": [{"from": sources}]}}


# Images whose processes run as a non-root user (their Dockerfiles say so, or they need nothing of root); the others
# (vLLM, Triton, PyTorch, text-embeddings-inference) keep their image's root user, without privileges.
_NON_ROOT_USERS = {SPEACHES_IMAGE: 1000, PYTHON_IMAGE: 1000, LOADER_IMAGE: 65534}
_UTILITY_REQUESTS = {"cpu": "250m", "memory": "512Mi"}


def harden(obj: dict) -> dict:
    """Pod and container securityContext on every pod template: the runtime's default seccomp profile, no privilege
    escalation, every capability dropped; a non-root user where the image runs as one."""
    spec = obj.get("spec", {})
    if obj.get("kind") == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    pod = spec["template"]["spec"] if "template" in spec else spec if obj.get("kind") == "Pod" else None
    if pod is None:
        return obj
    containers = pod.get("initContainers", []) + pod.get("containers", [])
    users = {_NON_ROOT_USERS.get(c.get("image", "")) for c in containers}
    pod["automountServiceAccountToken"] = False  # no workload here talks to the Kubernetes API
    pod["securityContext"] = {"seccompProfile": {"type": "RuntimeDefault"}}
    if None not in users and len(users) == 1:  # every container runs as the same non-root user
        user = users.pop()
        pod["securityContext"].update({"runAsNonRoot": True, "runAsUser": user, "runAsGroup": user, "fsGroup": user})
    for container in containers:
        resources = container.setdefault("resources", {})
        requests = resources.setdefault("requests", {})
        for name, small in _UTILITY_REQUESTS.items():  # a helper container (a download, a loader) asks for a little
            requests.setdefault(name, small)
        resources.setdefault("limits", {})["memory"] = requests["memory"]  # no memory overcommit on GPU nodes
        context = {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}}
        if container.get("image") in _NON_ROOT_USERS:
            context.update({"runAsNonRoot": True, "runAsUser": _NON_ROOT_USERS[container["image"]]})
        container["securityContext"] = context
    return obj


def _pod_volumes(plan: DeploymentPlan) -> list[dict]:
    return [
        {"name": "models", "emptyDir": {"sizeLimit": gib_quantity(_model_cache_gib(plan))}},
        {"name": "dshm", "emptyDir": {"medium": "Memory", "sizeLimit": _SHM}},
    ]


# -- inference ------------------------------------------------------------------------------------------

def _replicas(w: Workload) -> dict:
    """The sized replica count, unless an autoscaler owns it (re-applying would reset its scale)."""
    return {} if _autoscaled(w) else {"replicas": w.replicas}


def _autoscaled(w: Workload) -> bool:
    return w.replicas > 1 and w.pipeline_parallel == 1 and scales_on_queue(w.roles)


def _series(w: Workload) -> str:
    """PromQL labels selecting this server's series: the Prometheus Operator's scrape adds `service`; a plain
    Prometheus's pod scrape maps the pod's labels (app.kubernetes.io/name → app_kubernetes_io_name)."""
    label = "service" if _operator_metrics(w) else "app_kubernetes_io_name"
    return f'namespace="{w.namespace}",{label}="{w.name}"'


def _pod_annotations(w: Workload, port: int) -> dict:
    """Scrape annotations for a plain Prometheus (no operator, so no ServiceMonitor)."""
    if "metrics" in w.roles and not _operator_metrics(w):
        return {"annotations": {"prometheus.io/scrape": "true", "prometheus.io/port": str(port),
                                "prometheus.io/path": "/metrics"}}
    return {}


def _operator_metrics(w: Workload) -> bool:
    return w.roles.get("metrics", "").split("/")[-1] in _OPERATOR_METRICS


def _vllm_deployment(w: Workload, plan: DeploymentPlan) -> dict:
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": _metadata(w, w.name, "inference"),
        "spec": {
            **_replicas(w),
            "selector": {"matchLabels": _selector(w)},
            "strategy": {"type": "Recreate"} if w.replicas == 1 else {"type": "RollingUpdate", "rollingUpdate": {
                "maxUnavailable": 1, "maxSurge": 0}},
            "template": {
                "metadata": {"labels": _labels(w, "inference"), **_pod_annotations(w, VLLM_PORT)},
                "spec": {**_node_placement(w), "containers": [_vllm_container(w, plan)],
                         "volumes": _pod_volumes(plan), "terminationGracePeriodSeconds": 60},
            },
        },
    }


def _ray_script(w: Workload, head_host: str) -> str:
    serve = " ".join(_shell_quote(arg) for arg in w.serve_args())
    return (
        'set -e\n'
        'if [ "${HOSTNAME##*-}" = "0" ]; then\n'
        f'  ray start --head --port=6379 --num-gpus={w.gpus_per_pod}\n'
        f'  exec vllm serve {serve}\n'
        'else\n'
        f'  exec ray start --address={head_host}:6379 --num-gpus={w.gpus_per_pod} --block\n'
        'fi\n'
    )


def _shell_quote(text: str) -> str:
    return text if text and all(c.isalnum() or c in "-_./:=" for c in text) else "'" + text.replace("'", "'\\''") + "'"


def _vllm_pipeline_sets(w: Workload, plan: DeploymentPlan) -> list[tuple[str, dict, str]]:
    """Pipeline stages on several instances: one StatefulSet per replica (a Ray cluster of PP pods, pod 0
    the head serving the API) and its headless Service."""
    out = []
    for replica in range(w.replicas):
        name = f"{w.name}-r{replica}"
        labels = {**_labels(w, "inference"), "stack8s.dev/replica": str(replica)}
        head = f"{name}-0.{name}.{w.namespace}.svc.cluster.local"
        container = _vllm_container(w, plan, args=None)
        container.pop("args")
        container["command"] = ["/bin/sh", "-c", _ray_script(w, head)]
        container["ports"].append({"name": "ray", "containerPort": 6379})
        # workers do not serve HTTP: they are probed through Ray (`ray status` reaches the head's GCS, a few
        # seconds), the head through vLLM's /health; the head's readiness gates the Service
        check = ('if [ "${HOSTNAME##*-}" != "0" ]; then ray status >/dev/null; else python3 -c '
                 f'"import urllib.request; urllib.request.urlopen(\'http://127.0.0.1:{VLLM_PORT}/health\', timeout=5)"; fi')
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            container[probe] = {"exec": {"command": ["/bin/sh", "-c", check]}, "timeoutSeconds": 15,
                                "periodSeconds": container[probe]["periodSeconds"],
                                "failureThreshold": container[probe]["failureThreshold"]}
        statefulset = {
            "apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": name, "namespace": w.namespace, "labels": labels},
            "spec": {
                "serviceName": name, "replicas": w.pipeline_parallel, "podManagementPolicy": "Parallel",
                "selector": {"matchLabels": {**_selector(w), "stack8s.dev/replica": str(replica)}},
                "template": {"metadata": {"labels": labels},
                             "spec": {**_node_placement(w), "containers": [container], "volumes": _pod_volumes(plan),
                                      "terminationGracePeriodSeconds": 60}},
            },
        }
        headless = {
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": name, "namespace": w.namespace, "labels": labels},
            "spec": {"clusterIP": "None", "publishNotReadyAddresses": True,
                     "selector": {**_selector(w), "stack8s.dev/replica": str(replica)},
                     "ports": [{"name": "ray", "port": 6379}]},
        }
        note = (f"Replica {replica + 1} of {w.replicas}: {w.pipeline_parallel} pipeline stages × "
                f"TP={w.tensor_parallel} on {w.pipeline_parallel} instances, joined by Ray; pod 0 serves the API.")
        out += [(f"statefulset-{name}", statefulset, note), (f"service-{name}-ray", headless, note)]
    return out


def _service(w: Workload, port: int, *, extra_ports: list[dict] | None = None, heads_only: bool = False) -> dict:
    selector = dict(_selector(w))
    if heads_only:
        selector["apps.kubernetes.io/pod-index"] = "0"
    return {
        "apiVersion": "v1", "kind": "Service",
        "metadata": _metadata(w, w.name, "inference"),
        "spec": {"type": "ClusterIP", "selector": selector,
                 "ports": [{"name": "http", "port": port, "targetPort": "http"}, *(extra_ports or [])]},
    }


def _prometheus_address(w: Workload) -> str | None:
    return _PROMETHEUS.get(w.roles.get("metrics", "").split("/")[-1])


def _autoscaler(w: Workload, plan: DeploymentPlan, metric_query: str) -> tuple[str, dict, str] | None:
    """A KEDA ScaledObject on the server's queue when the stack has KEDA and a Prometheus it can query; none for one
    replica, for pipeline-parallel replicas (each a Ray cluster) or without both (the sized replicas then run fixed:
    an HPA on a custom metric would need a metrics adapter no chart of the stack installs)."""
    if not _autoscaled(w):
        return None
    note = (f"Scales 1 → {w.replicas} replicas (the sized capacity, priced in the plan) on queued requests; "
            "fewer replicas run when the queue is short.")
    scaled = {
        "apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject",
        "metadata": _metadata(w, w.name, "autoscaling"),
        "spec": {"scaleTargetRef": {"name": w.name}, "minReplicaCount": 1, "maxReplicaCount": w.replicas,
                 "cooldownPeriod": 600,
                 "triggers": [{"type": "prometheus", "metadata": {
                     "serverAddress": _prometheus_address(w), "query": metric_query,
                     "threshold": str(_WAITING_PER_REPLICA)}}]},
    }
    return "scaledobject", scaled, note


def _service_monitor(w: Workload, port: str, path: str) -> tuple[str, dict, str] | None:
    if not _operator_metrics(w):
        return None
    monitor = {
        "apiVersion": "monitoring.coreos.com/v1", "kind": "ServiceMonitor",
        "metadata": _metadata(w, w.name, "metrics"),
        "spec": {"selector": {"matchLabels": {**_selector(w), "app.kubernetes.io/component": "inference"}},
                 "namespaceSelector": {"matchNames": [w.namespace]},
                 "endpoints": [{"port": port, "path": path, "interval": "30s"}]},
    }
    return "servicemonitor", monitor, f"Prometheus scrapes {path} of the inference Service every 30 s."


def _inference_objects(w: Workload, plan: DeploymentPlan) -> list[tuple[str, dict, str]]:
    if w.engine == "vllm":
        layout = (f"{w.replicas} replica(s) × TP={w.tensor_parallel}"
                  + (f" × PP={w.pipeline_parallel}" if w.pipeline_parallel > 1 else "")
                  + (f" on {w.top.instance_type} ({w.top.accelerator_count:g} × {w.top.accelerator})" if w.top else ""))
        sized = " and ".join(filter(None, (
            f"--max-model-len {w.context_length_tokens}" if w.context_length_tokens else None,
            f"--gpu-memory-utilization {w.gpu_memory_utilization:g}" if w.gpu_memory_utilization else None)))
        note = f"vLLM serving {w.model_id}: {layout}" + (f"; {sized} are the sizing's." if sized else ".")
        if w.pipeline_parallel > 1:
            objects = _vllm_pipeline_sets(w, plan)
            objects.append(("service", _service(w, VLLM_PORT, heads_only=True), note))
        else:
            objects = [("deployment", _vllm_deployment(w, plan), note), ("service", _service(w, VLLM_PORT), note)]
        query = f"sum(vllm:num_requests_waiting{{{_series(w)}}})"
        extras = [_autoscaler(w, plan, query), _service_monitor(w, "http", "/metrics")]
    else:
        note = (f"NVIDIA Triton serving the model repository in the bucket; {w.replicas} replica(s) × "
                f"{w.gpus_per_pod} GPU(s)" + (f" on {w.top.instance_type}" if w.top else "") + ".")
        objects = [("deployment", _triton_deployment(w, plan), note),
                   ("service", _service(w, 8000, extra_ports=[{"name": "metrics", "port": TRITON_METRICS_PORT,
                                                               "targetPort": "metrics"}]), note)]
        query = f"sum(nv_inference_pending_request_count{{{_series(w)}}})"
        extras = [_autoscaler(w, plan, query), _service_monitor(w, "metrics", "/metrics")]
    return objects + [extra for extra in [*extras, _ingress(w)] if extra is not None]


def _bucket(w: Workload, *, triton: bool = False) -> tuple[str, dict[str, str]]:
    """The object-storage URI prefix of the plan's provider (its own store, priced in the cost), and env."""
    provider = w.top.provider if w.top else None
    scheme = "as" if triton and provider == "azure" else _BUCKET_SCHEME.get(provider or "")  # Triton's Azure scheme
    env: dict[str, str] = {}
    if scheme is None:  # providers without an object store of their own: the stack's S3-compatible store
        scheme = "s3"
        if "minio" in w.roles.get("object-storage", ""):
            env["AWS_ENDPOINT_URL"] = f"http://minio.{w.namespace}.svc.cluster.local:9000"
    return f"{scheme}://{w.namespace}", env


def _triton_deployment(w: Workload, plan: DeploymentPlan) -> dict:
    bucket, env = _bucket(w, triton=True)
    gpus = max(1, w.gpus_per_pod) if w.top else 0
    container = {
        "name": "triton", "image": TRITON_IMAGE,
        "args": ["tritonserver", f"--model-repository={bucket}/model-repository", "--model-control-mode=poll",
                 "--repository-poll-secs=60"],
        "ports": [{"name": "http", "containerPort": 8000}, {"name": "grpc", "containerPort": 8001},
                  {"name": "metrics", "containerPort": TRITON_METRICS_PORT}],
        "env": [{"name": k, "value": v} for k, v in env.items()],
        "resources": _resources(w, gpus),
        "startupProbe": _probe("/v2/health/ready", "http", period=10, failures=60),
        "readinessProbe": _probe("/v2/health/ready", "http", period=10, failures=3),
        "livenessProbe": _probe("/v2/health/live", "http", period=30, failures=3),
        "volumeMounts": [{"name": "dshm", "mountPath": "/dev/shm"}],
    }
    if not container["env"]:
        container.pop("env")
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": _metadata(w, w.name, "inference"),
        "spec": {**_replicas(w), "selector": {"matchLabels": _selector(w)},
                 "template": {"metadata": {"labels": _labels(w, "inference"),
                                           **_pod_annotations(w, TRITON_METRICS_PORT)},
                              "spec": {**_node_placement(w), "containers": [container],
                                       "volumes": [{"name": "dshm", "emptyDir": {"medium": "Memory",
                                                                                 "sizeLimit": _SHM}}]}}},
    }


# -- live speech ------------------------------------------------------------------------------------------

def _speech_objects(w: Workload, plan: DeploymentPlan) -> list[tuple[str, dict, str]]:
    """speaches (faster-whisper) on one GPU per replica, the sized replicas fixed: each carries its share of the
    streams, transcribed in parallel by as many faster-whisper workers; the CTranslate2 weights are fetched into the
    pod's cache by an init container (speaches serves only models present locally)."""
    model = w.speech_model or ""
    workers = w.streams_per_replica or 1
    cache = {"name": "models", "mountPath": SPEACHES_HF_CACHE}
    download = {
        "name": "download-model", "image": SPEACHES_IMAGE,
        "command": ["python", "-c", f"import huggingface_hub; huggingface_hub.snapshot_download({model!r})"],
        "env": [_hf_token_env(), {"name": "HF_HUB_CACHE", "value": SPEACHES_HF_CACHE}],
        "volumeMounts": [cache],
    }
    server = {
        "name": "speaches", "image": SPEACHES_IMAGE,
        "ports": [{"name": "http", "containerPort": 8000}],
        "env": [{"name": "WHISPER__INFERENCE_DEVICE", "value": "cuda"},
                {"name": "WHISPER__COMPUTE_TYPE", "value": "int8_float16" if (w.precision or "").startswith("int8")
                 else "float16"},
                {"name": "WHISPER__NUM_WORKERS", "value": str(workers)},
                {"name": "STT_MODEL_TTL", "value": "-1"},  # keep the model loaded between streams
                {"name": "ENABLE_UI", "value": "false"}, {"name": "LOG_LEVEL", "value": "info"},
                {"name": "HF_HUB_CACHE", "value": SPEACHES_HF_CACHE}, {"name": "HF_HUB_OFFLINE", "value": "1"}],
        "resources": _resources(w, 1),
        "startupProbe": _probe("/health", "http", period=10, failures=30),
        "readinessProbe": _probe("/health", "http", period=10, failures=3),
        "livenessProbe": _probe("/health", "http", period=30, failures=3),
        "volumeMounts": [cache],
    }
    weights = plan.sizing.weights_gib if plan.sizing and plan.sizing.weights_gib else 3.0
    deployment = {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": _metadata(w, w.name, "inference"),
        "spec": {"replicas": w.replicas, "selector": {"matchLabels": _selector(w)},
                 "strategy": {"type": "Recreate"} if w.replicas == 1 else {
                     "type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}},
                 "template": {"metadata": {"labels": _labels(w, "inference")},
                              "spec": {**_node_placement(w), "initContainers": [download], "containers": [server],
                                       "volumes": [{"name": "models", "emptyDir": {
                                           "sizeLimit": gib_quantity(weights * 1.1)}}],
                                       "terminationGracePeriodSeconds": 60}}},
    }
    streams = f"{w.streams} live streams: " if w.streams else ""
    note = (f"speaches (faster-whisper) serving {model}: {streams}{w.replicas} replica(s) × 1 GPU"
            + (f" on {w.top.instance_type}" if w.top else "") + f", {workers} stream(s) each (WHISPER__NUM_WORKERS). "
            "Streams connect to ws://<service>:8000/v1/realtime (OpenAI Realtime API, transcription session) or POST "
            "/v1/audio/transcriptions with stream=true. Fixed replicas: every stream holds its replica for its length.")
    if model == w.model_id and w.model_id and not w.model_id.lower().endswith("ct2"):
        note += f" {w.model_id} needs a CTranslate2 conversion (ct2-transformers-converter) for faster-whisper."
    return [("deployment", deployment, note), ("service", _service(w, 8000), note)]


# -- batch inference ------------------------------------------------------------------------------------

def _batch_objects(w: Workload, plan: DeploymentPlan) -> list[tuple[str, dict, str]]:
    """An indexed Job: one pod per sized replica, each reading its own shard of the inputs."""
    data_gib = max(10.0, (w.dataset_gb or 0) * 1e9 / 2**30 * 2.2)  # inputs + outputs
    shared = w.replicas > 1  # pods on several nodes share the volume: it must be ReadWriteMany
    claim = {
        "apiVersion": "v1", "kind": "PersistentVolumeClaim",
        "metadata": _metadata(w, f"{w.name}-data", "batch"),
        "spec": {"accessModes": ["ReadWriteMany" if shared else "ReadWriteOnce"],
                 "resources": {"requests": {"storage": gib_quantity(data_gib)}}},
    }
    shard = "$(JOB_COMPLETION_INDEX)"
    if w.engine == "vllm":
        args = ["-m", "vllm.entrypoints.openai.run_batch", "-i", f"/data/input-{shard}.jsonl",
                "-o", f"/data/output-{shard}.jsonl", "--model", w.model_id or "", *w.engine_args(port=False)]
        container = _vllm_container(w, plan, args=args)
        container["command"] = ["python3"]
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            container.pop(probe)
        container.pop("ports")
    elif is_monai_bundle(w.model_id):  # the bundle's own inference config over each pod's shard
        script, container, extra = monai_batch(w, metadata=lambda n, c: _metadata(w, n, c),
                                               resources=_resources(w, max(1, w.gpus_per_pod)))
    else:
        container = {"name": "batch", "image": PYTORCH_IMAGE, "command": ["python3", "$(BATCH_SCRIPT)"],
                     "env": [{"name": "BATCH_SCRIPT", "value": "/workspace/batch.py"}],
                     "resources": _resources(w, w.gpus_per_pod), "volumeMounts": []}
    container["volumeMounts"].append({"name": "data", "mountPath": "/data"})
    volumes = (_pod_volumes(plan) if w.engine == "vllm" else extra["volumes"] if is_monai_bundle(w.model_id)
               else []) + [{"name": "data", "persistentVolumeClaim": {"claimName": f"{w.name}-data"}}]
    job = {
        "apiVersion": "batch/v1", "kind": "Job",
        "metadata": _metadata(w, w.name, "batch"),
        "spec": {"completionMode": "Indexed", "completions": w.replicas, "parallelism": w.replicas,
                 "backoffLimitPerIndex": 2, "maxFailedIndexes": 0, "ttlSecondsAfterFinished": 86400,
                 "template": {"metadata": {"labels": _labels(w, "batch")},
                              "spec": {**_node_placement(w), "restartPolicy": "Never", "containers": [container],
                                       "volumes": volumes}}},
    }
    note = (f"Batch inference: {w.replicas} pod(s), pod i reads /data/input-i.jsonl (OpenAI batch format"
            + (", each line for url /v1/embeddings" if w.pooling else "") + ") and writes /data/output-i.jsonl"
            + (f"; TP={w.tensor_parallel}" if w.engine == "vllm" else "") + ".")
    if w.engine != "vllm" and is_monai_bundle(w.model_id):
        note = (f"Batch inference with the MONAI bundle {w.model_id[len('monai/'):]}'s own inference config: "
                f"{w.replicas} pod(s), pod i reads /data/input-i/ (in the layout the bundle's README describes) and "
                "writes /data/output-i/.")
    if w.cron_schedule:  # a recurring batch: the same Job on a schedule, never two runs at once
        job = {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": job["metadata"],
               "spec": {"schedule": w.cron_schedule, "timeZone": "Etc/UTC", "concurrencyPolicy": "Forbid",
                        "successfulJobsHistoryLimit": 3, "failedJobsHistoryLimit": 3,
                        "jobTemplate": {"spec": job["spec"]}}}
        note += f" Runs on the schedule '{w.cron_schedule}' (UTC, {w.runs_per_month:g} runs a month)."
    volume_note = "Inputs and outputs of the batch (≈ 2.2 × the dataset)" + (
        "; shared by pods on several nodes, so it needs a ReadWriteMany storage class." if shared else ".")
    if w.engine != "vllm" and is_monai_bundle(w.model_id):
        return [("pvc-data", claim, volume_note), ("configmap-monai", script, "The bundle's run script (download it, "
                                                   "run its inference config)."), ("job", job, note)]
    return [("pvc-data", claim, volume_note), ("job", job, note)]


# -- training -------------------------------------------------------------------------------------------

def _tracking_env(w: Workload) -> list[dict]:
    chart = w.roles.get("experiment-tracking", "")
    if "mlflow" in chart:
        # the Service the chart's templates create for its release (bitnami/mlflow: <release>-tracking), port 80
        release = dns_label(chart.split("/")[-1], limit=53)
        service = CHART_SERVICES.get(chart, ("{r}",))[0].format(r=release)
        return [{"name": "MLFLOW_TRACKING_URI", "value": f"http://{service}.{w.namespace}.svc.cluster.local:80"},
                {"name": "MLFLOW_EXPERIMENT_NAME", "value": w.name}]
    if chart:
        return [{"name": "EXPERIMENT_TRACKING_CHART", "value": chart}]
    return []


def _training_objects(w: Workload, plan: DeploymentPlan) -> list[tuple[str, dict, str]]:
    bucket, bucket_env = _bucket(w)
    nodes = max(1, w.training_nodes)
    gpus = w.gpus_per_pod
    name = w.name
    config = {
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": _metadata(w, f"{name}-config", "training"),
        "data": {"DATASET_URI": f"{bucket}/dataset/", "CHECKPOINT_URI": f"{bucket}/checkpoints/{name}/",
                 "MODEL_ID": w.model_id or "", **bucket_env},
    }
    weights = plan.sizing.weights_gib if plan.sizing and plan.sizing.weights_gib else 10.0
    dataset_gib = (w.dataset_gb or 0) * 1e9 / 2**30
    scratch_gib = dataset_gib * 1.1 + weights * 3  # the dataset, the base weights and two checkpoints
    env = [{"name": "TRAIN_SCRIPT", "value": "/workspace/train.py"}, {"name": "CHECKPOINT_DIR", "value": "/scratch/ckpt"},
           {"name": "DATA_DIR", "value": "/scratch/data"}, _hf_token_env(w.gated), *_tracking_env(w),
           {"name": "NCCL_DEBUG", "value": "WARN"}]
    if nodes > 1:
        launch = ["torchrun", f"--nnodes={nodes}", f"--nproc-per-node={max(1, gpus)}",
                  "--node-rank=$(JOB_COMPLETION_INDEX)", f"--master-addr={name}-0.{name}", "--master-port=29500",
                  "$(TRAIN_SCRIPT)"]
    else:
        launch = ["torchrun", "--standalone", f"--nproc-per-node={max(1, gpus)}", "$(TRAIN_SCRIPT)"]
    container = {
        "name": "trainer", "image": PYTORCH_IMAGE, "command": launch[:1], "args": launch[1:],
        "envFrom": [{"configMapRef": {"name": f"{name}-config"}}], "env": env,
        "resources": _resources(w, gpus),
        "volumeMounts": [{"name": "scratch", "mountPath": "/scratch"}, {"name": "dshm", "mountPath": "/dev/shm"}],
    }
    if nodes > 1:
        container["ports"] = [{"name": "rendezvous", "containerPort": 29500}]
        scratch = {"name": "scratch", "ephemeral": {"volumeClaimTemplate": {"spec": {
            "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": gib_quantity(scratch_gib)}}}}}}
    else:
        scratch = {"name": "scratch", "persistentVolumeClaim": {"claimName": f"{name}-scratch"}}
    pod = {**_node_placement(w), "restartPolicy": "Never", "containers": [container],
           "volumes": [scratch, {"name": "dshm", "emptyDir": {"medium": "Memory", "sizeLimit": _SHM}}]}
    spec: dict = {"backoffLimit": 3, "ttlSecondsAfterFinished": 7 * 86400,
                  "template": {"metadata": {"labels": _labels(w, "training")}, "spec": pod}}
    hours = plan.sizing.training_hours if plan.sizing else None
    if nodes > 1:
        pod["subdomain"] = name
        spec.update({"completionMode": "Indexed", "completions": nodes, "parallelism": nodes})
    metadata = _metadata(w, name, "training")
    if hours:  # the sizing's estimate, for the operator's eyes; no deadline kills a slower run
        metadata["annotations"] = {"stack8s.dev/sized-training-hours": f"{hours:g}"}
    job = {"apiVersion": "batch/v1", "kind": "Job", "metadata": metadata, "spec": spec}
    layout = f"{nodes} node(s) × {gpus} GPU(s)" + (f" of {w.top.instance_type}" if w.top else "")
    note = (f"Training {w.model_id or 'your model'}: {layout}, torchrun"
            + (f"; sized at {hours:g} h" if hours else "")
            + ". Replace the image with one holding your training code at $(TRAIN_SCRIPT).")
    objects: list[tuple[str, dict, str]] = [
        ("configmap", config, "Where the dataset and checkpoints live (the plan's object storage).")]
    if nodes > 1:
        headless = {"apiVersion": "v1", "kind": "Service", "metadata": _metadata(w, name, "training"),
                    "spec": {"clusterIP": "None", "selector": {**_selector(w), "app.kubernetes.io/component": "training"},
                             "ports": [{"name": "rendezvous", "port": 29500}]}}
        objects.append(("service-rendezvous", headless, "Stable DNS names for the indexed pods' rendezvous."))
    else:
        claim = {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                 "metadata": _metadata(w, f"{name}-scratch", "training"),
                 "spec": {"accessModes": ["ReadWriteOnce"],
                          "resources": {"requests": {"storage": gib_quantity(scratch_gib)}}}}
        objects.append(("pvc-scratch", claim, "Local copy of the dataset, the base weights and two checkpoints."))
    store = w.roles.get("object-storage", "")
    keys = MINIO_SECRET_KEYS.get(store)
    minio = (dns_label(store.split("/")[-1], limit=53), *keys) if keys else None  # the release's own Secret
    if is_monai_bundle(w.model_id):  # a MONAI bundle: MONAI's bundle runner trains it as is
        monai = monai_training(w, bucket=bucket, torchrun_args=launch[1:-1], gpus=nodes * max(1, gpus),
                               env=[*_tracking_env(w), {"name": "NCCL_DEBUG", "value": "WARN"}],
                               metadata=lambda n, c: _metadata(w, n, c), resources=container["resources"],
                               minio_secret=minio)
        monai.trainer.update({k: v for k, v in container.items() if k in {"ports", "envFrom"}})
        pod.update({"initContainers": [monai.fetch], "containers": [monai.trainer],
                    "volumes": [*pod["volumes"], monai.volume]})
        objects.insert(1, ("configmap-monai", monai.config_map, "The bundle's training script (download it, pick its "
                                                                 "train config, run it)."))
        objects.append(("job", job, monai.note))
        return objects
    if w.fine_tuning_method and nodes == 1 and w.model_id:  # a language model's fine-tune: Axolotl runs it as is
        tracking = next((e["value"] for e in _tracking_env(w) if e["name"] == "MLFLOW_TRACKING_URI"), None)
        objects += fine_tuning_objects(
            w, bucket=bucket, sequence_len=w.context_length_tokens or 2048, tracking_uri=tracking,
            labels=lambda component: _labels(w, component), metadata=lambda n, c: _metadata(w, n, c),
            placement=_node_placement(w), resources=_resources(w, gpus), hf_token_env=_hf_token_env(w.gated),
            volumes=pod["volumes"], minio_secret=minio)
        if hours:
            objects[-1][1]["metadata"]["annotations"] = dict(metadata.get("annotations", {}))
        return objects
    objects.append(("job", job, note))
    return objects


# -- helmfile -------------------------------------------------------------------------------------------

def _unique_charts(plan: DeploymentPlan) -> list[tuple[PlanComponent, list[str]]]:
    charts: dict[tuple[str, str | None], tuple[PlanComponent, list[str]]] = {}
    for component in plan.kubernetes:
        key = (component.chart, component.version)
        if key in charts:
            charts[key][1].append(component.role)
        else:
            charts[key] = (component, [component.role])
    return list(charts.values())


def _release_values(component: PlanComponent, w: Workload, plan: DeploymentPlan) -> dict | None:
    name = component.chart.split("/")[-1]
    if name == "kube-prometheus-stack":  # pick up ServiceMonitors without the release's label
        return {"prometheus": {"prometheusSpec": {"serviceMonitorSelectorNilUsesHelmValues": False,
                                                  "podMonitorSelectorNilUsesHelmValues": False}}}
    if name == "gpu-operator":
        values: dict = {}
        if "metrics" in w.roles:
            values["dcgmExporter"] = {"serviceMonitor": {"enabled": True}}
        if w.deployment is not None and w.deployment.kubernetes:
            # EKS's GPU AMIs, GKE's and AKS's GPU node pools install the NVIDIA driver themselves: a second one from
            # the operator would fight it
            values["driver"] = {"enabled": False}
        return values or None
    if component.chart == "traefik/traefik":  # the IngressClass the Ingress names (empty by default)
        return {"ingressClass": {"name": "traefik"}}
    if component.chart == "grafana/loki":
        # Loki's chart renders nothing without a schema config and defaults to the simple-scalable mode on object
        # storage; one binary on its volume, as the chart's own single-binary example (single-binary-values.yaml)
        return {"deploymentMode": "SingleBinary",
                "loki": {"auth_enabled": False, "commonConfig": {"replication_factor": 1},
                         "storage": {"type": "filesystem"},
                         "schemaConfig": {"configs": [{"from": "2024-04-01", "store": "tsdb",
                                                       "object_store": "filesystem", "schema": "v13",
                                                       "index": {"prefix": "loki_index_", "period": "24h"}}]}},
                "singleBinary": {"replicas": 1}, "read": {"replicas": 0}, "write": {"replicas": 0},
                "backend": {"replicas": 0}, "chunksCache": {"enabled": False}, "resultsCache": {"enabled": False}}
    if component.chart == "qdrant/qdrant" and w.vector_index_gb:
        # the plan's vector index (vectors × dimensions × 4 B × 1.5 for the graph and payloads), with 25 % to grow
        return {"persistence": {"size": gib_quantity(w.vector_index_gb * 1e9 / 2**30 * 1.25)}}
    if component.chart == "bitnami/minio" and w.object_storage_gb:
        # what the plan keeps in object storage (dataset, weights, checkpoints), with 25 % to grow
        return {"persistence": {"size": gib_quantity(w.object_storage_gb * 1e9 / 2**30 * 1.25)}}
    if name == "vllm-stack" and w.engine == "vllm" and w.kind == "inference":
        # the engine is the Deployment in manifests/ (its arguments are the sizing's); the chart runs the router
        return {"servingEngineSpec": {"enableEngine": False},
                "routerSpec": {"serviceDiscovery": "static",
                               "staticBackends": f"http://{w.name}.{w.namespace}.svc.cluster.local:{VLLM_PORT}",
                               "staticModels": w.model_id or ""}}
    return None


def _merged(base: dict, over: dict) -> dict:
    """`base` with `over` laid on it, nested mappings merged."""
    out = dict(base)
    for key, value in over.items():
        out[key] = _merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def helmfile(plan: DeploymentPlan, w: Workload) -> str:
    repositories: dict[str, dict] = {}
    releases, skipped = [], []
    used_names: set[str] = set()
    for component, roles in _unique_charts(plan):
        if not component.repository or not component.version:
            skipped.append(f"{component.chart} ({', '.join(roles)}): no published Helm repository"
                           if not component.repository else f"{component.chart}: no version in the catalog")
            continue
        alias, _, chart = component.chart.rpartition("/")
        alias = alias or dns_label(component.repository.split("//")[-1].split("/")[0])
        oci = component.repository.startswith("oci://")
        url = component.repository.removeprefix("oci://").rstrip("/") if oci else component.repository
        if alias in repositories and repositories[alias]["url"] != url:
            alias = f"{alias}-{len(repositories)}"
        repositories.setdefault(alias, {"name": alias, "url": url, **({"oci": True} if oci else {})})
        release_name = dns_label(chart, limit=53)
        while release_name in used_names:
            release_name = dns_label(f"{release_name}-{roles[0]}", limit=53)
        used_names.add(release_name)
        release: dict = {"name": release_name,
                         "namespace": _ROLE_NAMESPACE.get(roles[0], w.namespace),
                         "createNamespace": True, "chart": f"{alias}/{chart}", "version": component.version,
                         "labels": {"role": roles[0]}}
        values = _merged(component.values or {}, _release_values(component, w, plan) or {})
        if values:
            release["values"] = [values]
        releases.append(release)
    document = {"repositories": list(repositories.values()), "releases": releases}
    comment = ("helmfile for the plan's Kubernetes stack: each chart at the version the chart catalog lists.\n"
               "Apply with `helmfile apply` (needs helm and the helm-diff plugin), then `kubectl apply -f manifests/`.")
    if skipped:
        comment += "\nNot installable from a Helm repository (install from source):\n" + "\n".join(
            f"  - {line}" for line in skipped)
    return dump(document, comment)


# -- entry point ----------------------------------------------------------------------------------------

def _claims(obj: dict) -> list[dict]:
    """The PVC specs of an object: its own (a PVC) and its pods' ephemeral volume templates."""
    if obj.get("kind") == "PersistentVolumeClaim":
        return [obj["spec"]]
    spec = obj.get("spec") or {}
    if obj.get("kind") == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    pod = spec.get("template", {}).get("spec", {}) if isinstance(spec.get("template"), dict) else {}
    return [volume["ephemeral"]["volumeClaimTemplate"]["spec"] for volume in pod.get("volumes", [])
            if "ephemeral" in volume]


def _with_storage_classes(objects: list[tuple[str, dict, str]], w: Workload) -> list[tuple[str, dict, str]]:
    """Every volume asks for the provider's class for its access mode (`providers.storage_classes`); on EKS the bundle
    brings its gp3 class. Elsewhere the cluster's default class serves (nothing set)."""
    classes = storage_classes(w.top.provider if w.top is not None and not w.top.local else None)
    claims = [claim for _, obj, _ in objects for claim in _claims(obj)]
    for claim in claims:
        name = classes.shared if "ReadWriteMany" in claim.get("accessModes", []) else classes.block
        if name:
            claim["storageClassName"] = name
    if classes.block == EKS_STORAGE_CLASS and any(c.get("storageClassName") == EKS_STORAGE_CLASS for c in claims):
        storage_class = {
            "apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
            # the default class too: the charts' volumes (MinIO, Qdrant, Prometheus) bind on a cluster that has none
            "metadata": {"name": EKS_STORAGE_CLASS, "labels": {"app.kubernetes.io/part-of": "stack8s-plan"},
                         "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
            "provisioner": "ebs.csi.aws.com", "parameters": {"type": "gp3", "encrypted": "true"},
            "reclaimPolicy": "Delete", "volumeBindingMode": "WaitForFirstConsumer", "allowVolumeExpansion": True}
        objects = [objects[0], ("storageclass", storage_class, classes.note + "; marked the default class, so the "
                                "charts' volumes bind too (EKS clusters since 1.30 have none)."), *objects[1:]]
    elif claims and w.top is not None:
        objects[0] = (objects[0][0], objects[0][1], objects[0][2] + f" Volumes: {classes.note}.")
    return objects


def plan_manifests(plan: DeploymentPlan, spec: WorkloadSpec | None = None, *,
                   workload: Workload | None = None) -> list[PlanManifest]:
    """The plan's Kubernetes deliverables: `helmfile.yaml` and one object per `manifests/NN-*.yaml`."""
    w = workload or read_workload(plan, spec)
    out: list[PlanManifest] = []
    if plan.kubernetes:
        out.append(PlanManifest(path="helmfile.yaml", content=helmfile(plan, w)))
    namespace = {"apiVersion": "v1", "kind": "Namespace",
                 "metadata": {"name": w.namespace, "labels": {"app.kubernetes.io/part-of": "stack8s-plan"}}}
    note = "The workload's namespace."
    if w.deployment is not None and w.top is not None:
        note += f" Where it runs: {w.deployment.how(w.top.instance_type)}."
    if w.top is not None and not w.serves_here:
        note += (f" No workload is rendered for {w.top.accelerator} ({w.accelerator.resource}): it needs its own "
                 "vLLM/PyTorch build; skypilot.yaml runs it on the same instance." if w.model_id or w.engine != "vllm"
                 else " No model is chosen yet, so no inference server is rendered.")
    gateway = w.roles.get("api-gateway")
    if gateway and w.kind == "inference" and gateway not in _INGRESS_CLASSES and w.top is not None and w.serves_here:
        note += (f" The gateway {gateway} gets no route from this bundle (an Ingress is rendered for "
                 f"{' and '.join(sorted(_INGRESS_CLASSES))}): route it to the Service {w.name} on port "
                 f"{VLLM_PORT if w.engine != 'triton' else 8000} with its own resources (Gateway API HTTPRoute or the "
                 "gateway's route CRD), TLS and the API key in front.")
    if w.quantization_note and w.kind in {"inference", "batch"}:
        note += f" Note: {w.quantization_note}."
    objects: list[tuple[str, dict, str]] = [("namespace", namespace, note)]
    if w.top is not None and w.serves_here:
        if w.kind == "inference" and w.engine == "speaches":
            objects += _speech_objects(w, plan)
        elif w.kind == "inference":
            objects += _inference_objects(w, plan)
            if w.embedding_model:  # RAG: the endpoints, the query embedding server, the ingestion Job
                objects += rag_objects(w, plan, lambda component: _labels(w, component),
                                       lambda name, component: _metadata(w, name, component), _node_placement(w),
                                       lambda gpus: _resources(w, gpus), _hf_token_env)
        elif w.kind == "batch":
            objects += _batch_objects(w, plan)
        elif w.kind == "training":
            objects += _training_objects(w, plan)
    objects = _with_storage_classes(objects, w)
    if len(objects) > 1:  # a workload: only its own namespace and the platform's reach it
        objects.append(("networkpolicy", _network_policy(w), "Only pods of this namespace and of the platform's "
                        "namespaces (gateway, monitoring, KEDA) reach the workload's pods."))
    for index, (label, obj, note) in enumerate(objects):
        out.append(PlanManifest(path=f"manifests/{index:02d}-{label}.yaml", content=dump(harden(obj), note)))
    return out
