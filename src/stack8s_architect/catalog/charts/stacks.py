"""Stack templates: the roles each kind of AI workload needs, and which products suit it first.

`preferences` only orders products that pass the earlier ranking criteria (usable, maintained,
installable: see ranking.py); a preferred product that is deprecated or stale still loses. Roles not
listed in a template's preferences fall back to `ROLE_PREFERENCES`, the general choice for that role.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class StackTemplate:
    id: str
    title: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    preferences: dict[str, tuple[str, ...]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


# General choices per role, when a template says nothing more specific.
ROLE_PREFERENCES: dict[str, tuple[str, ...]] = {
    "inference-server": ("vLLM production stack", "NVIDIA Triton", "Text Embeddings Inference", "Ollama"),
    "model-serving-platform": ("KServe", "KubeRay", "Seldon Core"),
    "llm-gateway": ("vLLM production stack", "LiteLLM"),
    "api-gateway": ("Traefik", "Envoy Gateway", "Kong", "Apache APISIX", "Contour"),
    "vector-db": ("Qdrant", "Milvus", "Weaviate", "pgvector", "Chroma", "OpenSearch"),
    "object-storage": ("MinIO", "SeaweedFS", "Rook Ceph"),
    "database": ("CloudNativePG", "PostgreSQL"),
    "cache": ("Valkey", "Redis"),
    "messaging": ("NATS", "Apache Kafka (Strimzi)", "Apache Kafka", "RabbitMQ"),
    "workflow-pipelines": ("Argo Workflows", "Apache Airflow", "Kubeflow Pipelines"),
    "experiment-tracking": ("MLflow", "Kubeflow Model Registry", "Kubeflow Katib"),
    "notebooks": ("JupyterHub", "Kubeflow Notebooks"),
    "distributed-compute": ("KubeRay", "Spark Operator", "Dask", "Apache Spark"),
    "training-operator": ("Kubeflow Training Operator", "PyTorch distributed", "DeepSpeed", "Kubeflow Katib"),
    "gpu-operator": ("NVIDIA GPU Operator", "NVIDIA device plugin", "NVIDIA DCGM exporter"),
    "metrics": ("kube-prometheus-stack", "VictoriaMetrics", "Prometheus"),
    "dashboards": ("Grafana", "kube-prometheus-stack"),
    "logs": ("Grafana Loki", "VictoriaLogs", "Fluent Bit", "OpenSearch"),
    "tracing": ("OpenTelemetry", "Jaeger", "Grafana Tempo"),
    "llm-observability": ("Langfuse",),
    "ci-cd": ("Argo CD", "Flux", "Tekton"),
    "secrets": ("External Secrets Operator", "HashiCorp Vault", "Sealed Secrets"),
    "certificates": ("cert-manager",),
    "autoscaling": ("KEDA", "Prometheus adapter", "metrics-server"),
    "identity": ("Keycloak", "OAuth2 Proxy", "Dex"),
    "chat-ui": ("Open WebUI",),
}

_OBSERVE = ("metrics", "dashboards")
COMPLIANCE_ROLES = ("secrets", "certificates", "identity", "logs")

TEMPLATES: tuple[StackTemplate, ...] = (
    StackTemplate(
        "llm-inference", "LLM inference service",
        required=("inference-server", "api-gateway", "gpu-operator", *_OBSERVE, "autoscaling"),
        optional=("llm-gateway", "chat-ui", "llm-observability", "cache", "logs", "secrets", "certificates"),
        notes=("Pin the model's GPU count in the inference chart's GPU keys; sizing gives the count.",),
    ),
    StackTemplate(
        "rag", "Retrieval-augmented generation",
        required=("inference-server", "vector-db", "object-storage", "api-gateway", "gpu-operator", *_OBSERVE),
        optional=("llm-gateway", "llm-observability", "workflow-pipelines", "database", "cache", "chat-ui",
                  "autoscaling", "secrets", "certificates", "logs"),
        preferences={"inference-server": ("vLLM production stack", "Text Embeddings Inference", "NVIDIA Triton")},
        notes=("Serve the embedding model next to the LLM (vLLM or Text Embeddings Inference).",
               "Documents land in object storage; an ingestion pipeline embeds them into the vector DB."),
    ),
    StackTemplate(
        "llm-fine-tuning", "LLM fine-tuning",
        required=("training-operator", "experiment-tracking", "object-storage", "gpu-operator", *_OBSERVE),
        optional=("distributed-compute", "notebooks", "workflow-pipelines", "secrets"),
        preferences={"distributed-compute": ("KubeRay",)},
        notes=("Checkpoints and datasets live in object storage; track runs and register adapters in MLflow.",),
    ),
    StackTemplate(
        "cv-training", "Computer-vision training",
        required=("training-operator", "experiment-tracking", "object-storage", "gpu-operator", *_OBSERVE),
        optional=("notebooks", "workflow-pipelines", "distributed-compute", "database"),
        notes=("Keep images in object storage close to the GPUs (same region) to avoid egress and slow epochs.",),
    ),
    StackTemplate(
        "batch-inference", "Batch inference",
        required=("distributed-compute", "workflow-pipelines", "object-storage", "gpu-operator", "metrics"),
        optional=("messaging", "autoscaling", "inference-server", "dashboards", "logs"),
        preferences={"distributed-compute": ("KubeRay", "Spark Operator", "Dask")},
        notes=("Scale GPU workers to zero between batches (KEDA or Ray autoscaling) to pay only for the runs.",),
    ),
    StackTemplate(
        "medical-imaging", "Medical imaging with compliance needs",
        required=("training-operator", "experiment-tracking", "object-storage", "gpu-operator", *_OBSERVE,
                  *COMPLIANCE_ROLES),
        optional=("inference-server", "notebooks", "workflow-pipelines", "database", "tracing", "api-gateway"),
        preferences={"inference-server": ("NVIDIA Triton",)},
        notes=("Health data: encrypt object storage at rest, TLS between services (cert-manager), SSO with audit "
               "(identity), and keep access logs; de-identify DICOM before it leaves the clinical network.",
               "MONAI bundles serve on Triton; MONAI Deploy has no Helm chart in the catalog."),
    ),
    StackTemplate(
        "speech", "Speech recognition / transcription",
        required=("object-storage", "api-gateway", "gpu-operator", *_OBSERVE),
        optional=("inference-server", "messaging", "workflow-pipelines", "autoscaling", "logs"),
        preferences={"inference-server": ("NVIDIA Triton", "vLLM production stack")},
        notes=("Live transcription runs speaches (faster-whisper) from the plan's manifests: no chart in the catalog "
               "packages it, and the Whisper sizing is faster-whisper's.",
               "Batch transcription: queue audio files (messaging) and scale workers on queue depth (KEDA)."),
    ),
)
TEMPLATES_BY_ID: dict[str, StackTemplate] = {t.id: t for t in TEMPLATES}
WORKLOAD_ALIASES: dict[str, str] = {
    "inference": "llm-inference", "llm": "llm-inference", "serving": "llm-inference",
    "retrieval": "rag", "fine-tuning": "llm-fine-tuning", "fine_tuning": "llm-fine-tuning", "finetune": "llm-fine-tuning",
    "lora": "llm-fine-tuning", "qlora": "llm-fine-tuning", "vision": "cv-training", "training": "cv-training",
    "batch": "batch-inference", "batch_inference": "batch-inference", "medical": "medical-imaging",
    "medical_imaging": "medical-imaging", "asr": "speech", "transcription": "speech",
}


def preferences_for(template: StackTemplate, role: str) -> tuple[str, ...]:
    return template.preferences.get(role, ROLE_PREFERENCES.get(role, ()))
