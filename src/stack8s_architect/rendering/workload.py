"""What a plan asks to run, read from the DeploymentPlan (and the spec when there is one).

The manifests, the SkyPilot task and the bundle README all start from this one reading, so they agree
on the model, the GPU layout (tensor/pipeline parallel, replicas), the context length and the vLLM
memory share — each copied from the plan's sizing and its top compute row, never recomputed here.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

from stack8s_architect.catalog.compute.providers import ProviderDeployment, provider_deployment
from stack8s_architect.catalog.gpus.specs import accelerator_vendor
from stack8s_architect.planning.plan import DeploymentPlan, PlanCompute
from stack8s_architect.planning.cost_step import storage_gb
from stack8s_architect.planning.shapes import DEFAULT_EMBEDDING_MODEL, is_rag, rag_index
from stack8s_architect.planning.spec import WorkloadSpec

Kind = Literal["inference", "batch", "training", "platform"]
Engine = Literal["vllm", "triton", "speaches"]

# Container images the manifests pin (a new release is a one-line change here, reviewed like code).
VLLM_IMAGE = "vllm/vllm-openai:v0.11.0"
VLLM_ROCM_IMAGE = "rocm/vllm:rocm7.0.0_vllm_0.11.2_20251210"
TRITON_IMAGE = "nvcr.io/nvidia/tritonserver:25.09-py3"
PYTORCH_IMAGE = "pytorch/pytorch:2.8.0-cuda12.8-cudnn9-runtime"
# Speech: speaches (faster-whisper, CTranslate2) — the engine the live-stream sizing measured; OpenAI-compatible
# /v1/audio/transcriptions and the Realtime API's transcription sessions (/v1/realtime); CUDA only.
SPEACHES_IMAGE = "ghcr.io/speaches-ai/speaches:0.8.3-cuda"
SPEACHES_HF_CACHE = "/home/ubuntu/.cache/huggingface/hub"  # the image's user and cache (speaches' Dockerfile)
VLLM_PORT = 8000
TRITON_METRICS_PORT = 8002

# Language-model tasks vLLM serves; anything else is served by the stack's general model server.
_LLM_TASKS = ("text-generation", "text2text-generation", "conversational", "image-text-to-text",
              "feature-extraction", "sentence-similarity", "text-classification")
_LLM_DOMAINS = {"llm", "multimodal", "embeddings", None}


@dataclass(frozen=True)
class Accelerator:
    resource: str  # the extended resource a pod requests
    vendor: str


_RESOURCES = {"nvidia": "nvidia.com/gpu", "amd": "amd.com/gpu", "google": "google.com/tpu",
              "aws": "aws.amazon.com/neuron", "intel": "habana.ai/gaudi", "qualcomm": "qualcomm.com/qaic"}


def accelerator_resource(key: str | None) -> Accelerator:
    """The device plugin resource of an accelerator catalog key (NVIDIA unless the key says otherwise)."""
    vendor = accelerator_vendor(key)
    return Accelerator(_RESOURCES[vendor], vendor)


def dns_label(text: str, *, limit: int = 63) -> str:
    """A DNS-1123 label: lower case, digits and '-', starting and ending alphanumeric."""
    label = re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")
    label = re.sub(r"-{2,}", "-", label)[:limit].strip("-")
    return label or "workload"


@dataclass(frozen=True)
class Workload:
    kind: Kind
    engine: Engine | None
    namespace: str
    name: str  # the workload's object name (DNS-1123)
    model_id: str | None
    top: PlanCompute | None
    tensor_parallel: int
    pipeline_parallel: int
    replicas: int
    context_length_tokens: int | None
    gpu_memory_utilization: float | None
    precision: str | None
    kv_cache_dtype: str | None
    dataset_gb: float | None
    roles: dict[str, str]  # role → chart id in the plan's stack
    runs_per_month: float | None = None  # a recurring job: rendered as a CronJob
    pooling: bool = False  # an embedding model: vLLM's pooling runner (/v1/embeddings), not chat completions
    streams: int | None = None  # live speech: the concurrent streams the plan was sized for
    embedding_model: str | None = None  # RAG: the model of ingestion and query embeddings (the index is sized for it)
    gated: bool = False  # the model's weights are gated on Hugging Face: its pods require the token Secret
    vector_index_gb: float | None = None  # RAG: the vector index the plan sized (GB)
    fine_tuning_method: str | None = None  # a language model's fine-tune: lora, qlora or full (rendered with Axolotl)
    object_storage_gb: float | None = None  # what the plan keeps in object storage (GB): dataset, weights, checkpoints
    # the plan's quantised precision: the repository served (`model_id` then is it) and the catalog model it is of
    checkpoint: str | None = None
    base_model_id: str | None = None
    # a fine-tune's set-up as the sizing took it: optimizer, ZeRO stage over several GPUs, CPU offload, flash attention
    optimizer: str | None = None
    zero_stage: int | None = None
    cpu_offload: bool = False
    flash_attention: bool = True
    fused_loss: bool = False

    @property
    def cron_schedule(self) -> str | None:
        """The CronJob schedule of a recurring job (02:00 UTC, off-peak), None when it runs once."""
        return _CRON.get(self.runs_per_month) if self.runs_per_month else None

    @property
    def deployment(self) -> ProviderDeployment | None:
        """How the top option's provider is deployed to (None on the local cluster or without an option)."""
        return provider_deployment(self.top.provider) if self.top is not None and not self.top.local else None

    @property
    def accelerator(self) -> Accelerator:
        if self.top is not None and self.top.gpu_resource:  # a local cluster's device plugin resource
            vendor = "amd" if self.top.gpu_resource.startswith("amd.com/") else "nvidia"
            return Accelerator(self.top.gpu_resource, vendor)
        return accelerator_resource(self.top.accelerator if self.top else None)

    @property
    def gpus_per_instance(self) -> int:
        return int(self.top.accelerator_count) if self.top and self.top.accelerator_count >= 1 else 0

    @property
    def gpus_per_pod(self) -> int:
        """One inference replica's pod (or stage) holds its tensor-parallel group; a training pod takes the
        whole instance it runs on."""
        if self.kind in {"inference", "batch"}:
            return self.tensor_parallel
        return self.gpus_per_instance

    @property
    def training_nodes(self) -> int:
        return self.top.instances if self.top else 1

    @property
    def streams_per_replica(self) -> int | None:
        """Live speech: the streams one replica carries (the sized streams over the sized replicas)."""
        return math.ceil(self.streams / self.replicas) if self.streams else None

    @property
    def speech_model(self) -> str | None:
        """The CTranslate2 conversion of the Whisper checkpoint that faster-whisper (speaches) loads."""
        return faster_whisper_model(self.model_id) if self.model_id else None

    @property
    def servers(self) -> dict[str, str]:
        """What the manifests run with no chart behind it, by diagram role: the speech server."""
        if self.engine == "speaches" and self.kind == "inference" and self.top is not None and self.serves_here:
            return {"inference-server": "speaches (manifests/)"}
        if self.embedding_model and self.top is not None and self.serves_here:
            return {"embedding-server": f"text-embeddings-inference, CPU (manifests/)\n{self.embedding_model}",
                    "ingestion": "ingestion Job (manifests/)\nparse → chunk → embed → index"}
        return {}

    @property
    def vllm_image(self) -> str:
        return VLLM_ROCM_IMAGE if self.accelerator.vendor == "amd" else VLLM_IMAGE

    @property
    def serves_here(self) -> bool:
        """vLLM/Triton manifests exist for NVIDIA and AMD GPUs; TPU, Neuron and other accelerators need
        their own builds (the SkyPilot task still runs there)."""
        if self.engine == "speaches":  # CTranslate2 runs on CUDA only
            return self.accelerator.vendor == "nvidia" and bool(self.model_id)
        return self.accelerator.vendor in {"nvidia", "amd"} and (self.engine != "vllm" or bool(self.model_id))

    def engine_args(self, *, port: bool = True, multi_node: bool = True) -> list[str]:
        """vLLM's engine arguments (after `vllm serve <model>`), each from the plan's sizing and top row."""
        args = ["--port", str(VLLM_PORT)] if port else []
        if self.pooling:  # vLLM ≥ 0.10.1: an encoder served for /v1/embeddings (converted to embed if needed)
            args += ["--runner", "pooling"]
        args += ["--tensor-parallel-size", str(self.tensor_parallel)]
        if self.pipeline_parallel > 1 and multi_node:
            args += ["--pipeline-parallel-size", str(self.pipeline_parallel), "--distributed-executor-backend", "ray"]
        if self.context_length_tokens:
            args += ["--max-model-len", str(self.context_length_tokens)]
        if self.gpu_memory_utilization:
            args += ["--gpu-memory-utilization", f"{self.gpu_memory_utilization:g}"]
        precision = (self.precision or "").lower()
        if self.checkpoint is not None and self.checkpoint != self.base_model_id:
            pass  # a quantised release: vLLM reads its quantisation from the checkpoint
        elif self.checkpoint is not None and precision in _FOUR_BIT:
            args += ["--quantization", "bitsandbytes"]  # no release in the catalog: 4-bit while loading
        elif precision in _QUANTIZATION:
            args += ["--quantization", _QUANTIZATION[precision]]
        elif precision in _DTYPE:
            args += ["--dtype", _DTYPE[precision]]
        if self.kv_cache_dtype and self.kv_cache_dtype.lower().startswith("fp8"):
            args += ["--kv-cache-dtype", "fp8"]
        return args

    def serve_args(self) -> list[str]:
        """`vllm serve` arguments: the model (positional), then the engine arguments."""
        return [self.model_id or "", *self.engine_args()]

    @property
    def quantization_note(self) -> str | None:
        """What a precision needs that a flag cannot give: a checkpoint already quantized that way."""
        precision = (self.precision or "").lower()
        if precision in _QUANTIZATION or precision in _DTYPE or not precision or self.checkpoint is not None:
            return None  # a flag, or the plan's checkpoint (its note is among the plan's assumptions)
        if re.match(r"i?q\d", precision):
            return (f"{precision} is a llama.cpp (GGUF) quantization: point the model at the .gguf file "
                    "(vLLM loads GGUF from a local path) or serve it with llama.cpp")
        return (f"{precision} weights: serve a checkpoint already quantized so (an AWQ/GPTQ/compressed-tensors "
                f"release of {self.model_id or 'the model'}); vLLM reads its quantization from the checkpoint")


# Precision names of the sizing → vLLM flags, only where vLLM quantizes a 16-bit checkpoint while
# loading it (fp8 dynamic, bitsandbytes 4-bit). AWQ/GPTQ/int4/int8/mxfp4/nvfp4 need a checkpoint already
# quantized, whose config vLLM reads (and picks the fastest kernel for); naming a method for them
# would fail against compressed-tensors checkpoints, so they get no flag and a note instead.
_QUANTIZATION = {"fp8": "fp8", "nf4": "bitsandbytes"}
_FOUR_BIT = {"awq", "gptq", "int4"}
_DTYPE = {"bf16": "bfloat16", "bfloat16": "bfloat16", "fp16": "float16", "float16": "float16", "fp32": "float32"}


def downloaded_weights_gib(plan: DeploymentPlan, default: float) -> float:
    """What the server downloads and caches: the sized weights, or — when the engine quantises a 16-bit checkpoint
    while loading (the plan's checkpoint is the model itself) — the 16-bit weights it reads first."""
    sizing = plan.sizing
    if sizing is None or not sizing.weights_gib:
        return default
    row = plan.models[0] if plan.models else None
    if row is not None and row.checkpoint == row.id and sizing.params_billions:
        return max(sizing.weights_gib, sizing.params_billions * 1e9 * 2 / 2**30)
    return sizing.weights_gib


def _kind(plan: DeploymentPlan, spec: WorkloadSpec | None, roles: dict[str, str]) -> Kind:
    task = spec.task if spec else None
    if task == "batch_inference":
        return "batch"
    if task in {"training", "fine_tuning"}:
        return "training"
    if task == "inference":
        return "inference"
    mode = plan.sizing.mode if plan.sizing else None
    if mode in {"training", "lora", "qlora"} or "training-operator" in roles:
        return "training"
    if mode == "inference" or "inference-server" in roles:
        return "inference"
    return "platform"


# Whisper checkpoints (openai/…, distil-whisper/…) → their CTranslate2 conversions (Systran's, as speaches lists them)
_FASTER_WHISPER = re.compile(r"^(?:openai/whisper-|distil-whisper/distil-)((?:tiny|base|small|medium)(?:\.en)?|"
                             r"large(?:-v[123])?)$", re.IGNORECASE)


def faster_whisper_model(model_id: str) -> str:
    """openai/whisper-large-v3 → Systran/faster-whisper-large-v3; distil-whisper/distil-large-v3 →
    Systran/faster-distil-whisper-large-v3; anything else as it is (a CTranslate2 repository already, or one the
    manifests' note asks to convert)."""
    match = _FASTER_WHISPER.match(model_id)
    if not match:
        return model_id
    distil = "distil-" if model_id.lower().startswith("distil-whisper/") else ""
    size = match.group(1).lower()
    return f"Systran/faster-{distil}whisper-{'large-v1' if size == 'large' else size}"  # whisper-large is v1


def _engine(plan: DeploymentPlan, spec: WorkloadSpec | None, roles: dict[str, str], kind: Kind) -> Engine | None:
    if kind not in {"inference", "batch"}:
        return None
    domain = spec.domain if spec else None
    task = plan.models[0].task if plan.models else None
    if kind == "inference" and (domain == "speech" or (task or "").startswith("automatic-speech-recognition")):
        return "speaches"
    language = domain in _LLM_DOMAINS and (task is None or task.startswith(_LLM_TASKS))
    if language and plan.sizing is not None and plan.sizing.mode == "inference":
        return "vllm"
    server = roles.get("inference-server", "")
    return "vllm" if "vllm" in server and language else "triton"


def read_workload(plan: DeploymentPlan, spec: WorkloadSpec | None = None) -> Workload:
    roles: dict[str, str] = {}
    for component in plan.kubernetes:
        roles.setdefault(component.role, component.chart)
    kind = _kind(plan, spec, roles)
    engine = _engine(plan, spec, roles, kind)
    fitting = [row for row in plan.compute if row.fits]
    top = fitting[0] if fitting else None
    sizing = plan.sizing
    base_model_id = plan.models[0].id if plan.models else (sizing.model_id if sizing else None)
    checkpoint = plan.models[0].checkpoint if plan.models else None
    model_id = checkpoint or base_model_id
    tensor_parallel = (top.tensor_parallel if top and top.tensor_parallel else
                       (int(top.accelerator_count) if top and top.accelerator_count >= 1 else 1))
    # plans stored before the layout was recorded: as many TP groups as the rented GPUs hold
    replicas = (top.replicas if top and top.replicas else
                max(1, top.instances * (int(top.accelerator_count) // max(1, tensor_parallel))) if top else 1)
    base = {"inference": "inference", "batch": "batch-inference", "training": "training", "platform": "platform"}[kind]
    prefix = engine if engine in {"vllm", "speaches"} else base
    name = dns_label(f"{prefix}-{base_model_id.split('/')[-1]}" if base_model_id else base, limit=40)
    return Workload(
        kind=kind, engine=engine, namespace=dns_label(f"stack8s-{base}"), name=name, model_id=model_id, top=top,
        tensor_parallel=max(1, tensor_parallel), pipeline_parallel=max(1, top.pipeline_parallel or 1) if top else 1,
        replicas=max(1, replicas),
        context_length_tokens=sizing.context_length_tokens if sizing else None,
        gpu_memory_utilization=sizing.gpu_memory_utilization if sizing else None,
        precision=sizing.precision if sizing else None, kv_cache_dtype=sizing.kv_cache_dtype if sizing else None,
        dataset_gb=spec.dataset_size_gb if spec else None, roles=roles,
        runs_per_month=spec.runs_per_month if spec else None,
        pooling=bool(spec and spec.domain == "embeddings"),
        streams=spec.concurrent_users if spec and engine == "speaches" else None,
        embedding_model=_embedding_model(plan) if spec and is_rag(spec) and kind == "inference" else None,
        gated=bool(plan.models and plan.models[0].gated),
        vector_index_gb=(rag_index(spec) or (None, None))[1] if spec else None,
        fine_tuning_method=((spec.fine_tuning_method or "lora") if spec and spec.task == "fine_tuning"
                            and (spec.domain or "llm") in {"llm", "multimodal"} else None),
        object_storage_gb=storage_gb(spec, sizing)[0] if spec else None,
        checkpoint=checkpoint, base_model_id=base_model_id,
        optimizer=spec.optimizer if spec else None, zero_stage=spec.zero_stage if spec else None,
        cpu_offload=bool(spec and spec.cpu_offload), flash_attention=not (spec and spec.flash_attention is False),
        fused_loss=bool(spec and spec.fused_loss),
    )


def _embedding_model(plan: DeploymentPlan) -> str:
    """RAG's embedding model: the plan's models row after the generator (the models step adds it), else the default
    the index was sized for."""
    rows = plan.models[1:]
    embedding = [m for m in rows if m.id == DEFAULT_EMBEDDING_MODEL or m.task in _EMBEDDING_TASKS]
    return embedding[-1].id if embedding else DEFAULT_EMBEDDING_MODEL


_EMBEDDING_TASKS = {"feature-extraction", "sentence-similarity"}


# runs a month (as agents/extraction.py reads schedules) → cron, at 02:00 UTC
_CRON = {60.0: "0 2,14 * * *", 30.0: "0 2 * * *", 4.33: "0 2 * * 0", 730.0: "0 * * * *", 1.0: "0 2 1 * *"}


def gib_quantity(gib: float) -> str:
    """A Kubernetes quantity in whole Gi, rounded up."""
    return f"{max(1, math.ceil(gib))}Gi"
