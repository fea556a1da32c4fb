"""A RAG plan's own objects beside its LLM server: where everything answers, the query embedding server, and the
ingestion Job that fills the vector database.

- `rag-endpoints` (ConfigMap): the URLs and settings a RAG application needs — the LLM (OpenAI-compatible), the
  embedding server, the vector database, the collection, the chunk size and the number of chunks the LLM's context
  was sized for.
- the query embedding server: Hugging Face text-embeddings-inference on CPU (a question is a few dozen tokens);
- the documents volume and a loader pod to `kubectl cp` them into;
- the ingestion Job (applied suspended, started once the documents are in): `rag_ingest.py` (parse, chunk, embed, upsert) with the embedding model
  served on one GPU by vLLM's pooling runner as a native sidecar (Kubernetes ≥ 1.29), so the Job ends when the
  script does.

The index step speaks Qdrant's REST API (the stack's default vector database); with another vector database the
manifests say what to change.
"""

from __future__ import annotations

import math
from pathlib import Path

from stack8s_architect.planning.plan import DeploymentPlan
from stack8s_architect.planning.shapes import (BYTES_PER_TOKEN, DEFAULT_EMBEDDING_BILLIONS, EMBEDDING_DIMENSIONS,
                                               EMBEDDING_SERVER_CPU_M, EMBEDDING_SERVER_MEMORY_GIB, RAG_CHUNK_TOKENS,
                                               RAG_CHUNKS)
from stack8s_architect.rendering.workload import VLLM_PORT, Workload, gib_quantity

TEI_IMAGE = "ghcr.io/huggingface/text-embeddings-inference:cpu-1.8"
PYTHON_IMAGE = "python:3.12-slim"
LOADER_IMAGE = "busybox:1.37"
PYPDF = "pypdf==5.4.0"
EMBEDDINGS_PORT = 8080
QDRANT_PORT = 6333
COLLECTION = "documents"
INGEST_SCRIPT = (Path(__file__).parent / "rag_ingest.py").read_text()


def _svc(name: str, w: Workload, port: int) -> str:
    return f"http://{name}.{w.namespace}.svc.cluster.local:{port}"


# The vector-database charts' API ports (each chart's default values); the Service is the helmfile release's name.
_VECTOR_DB_PORTS = {"qdrant": 6333, "milvus": 19530, "weaviate": 80, "chromadb": 8000}


def vector_db_url(w: Workload) -> tuple[str, str | None]:
    """(the vector database's URL, a note when the ingestion script cannot speak to it)."""
    chart = w.roles.get("vector-db", "")
    name = chart.split("/")[-1] or "vector-db"
    url = _svc(name, w, _VECTOR_DB_PORTS.get(name, QDRANT_PORT))
    if name == "qdrant":
        return url, None
    return url, (f"rag_ingest.py speaks Qdrant's REST API; with {chart or 'this vector database'} replace its "
                 "ensure_collection() and flush() upsert with that database's client")


def rag_objects(w: Workload, plan: DeploymentPlan, labels, metadata, placement, resources,
                hf_token_env) -> list[tuple[str, dict, str]]:
    """(label, object, note) for the RAG additions; the helpers are manifests.py's own (labels, metadata, node
    placement, GPU resources, the HF token env)."""
    model = w.embedding_model or ""
    vector_db, caveat = vector_db_url(w)
    embeddings_url = _svc("embeddings", w, EMBEDDINGS_PORT) + "/v1"
    endpoints = {
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": metadata("rag-endpoints", "rag"),
        "data": {"LLM_BASE_URL": _svc(w.name, w, VLLM_PORT) + "/v1", "LLM_MODEL": w.model_id or "",
                 "LLM_MAX_MODEL_LEN": str(w.context_length_tokens or ""), "EMBEDDINGS_BASE_URL": embeddings_url,
                 "EMBEDDING_MODEL": model, "VECTOR_DB_URL": vector_db, "COLLECTION": COLLECTION,
                 "DIMENSIONS": str(EMBEDDING_DIMENSIONS), "CHUNK_TOKENS": str(RAG_CHUNK_TOKENS),
                 "TOP_K": str(RAG_CHUNKS)},
    }
    weights_gib = DEFAULT_EMBEDDING_BILLIONS * 1e9 * 4 / 2**30  # fp32 on CPU
    memory = EMBEDDING_SERVER_MEMORY_GIB + 2 * weights_gib
    tei_labels = {**labels("embeddings"), "app.kubernetes.io/name": "embeddings"}
    server = {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {**metadata("embeddings", "embeddings"), "labels": tei_labels},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app.kubernetes.io/name": "embeddings"}},
                 "template": {"metadata": {"labels": tei_labels}, "spec": {
                     "containers": [{
                         "name": "text-embeddings-inference", "image": TEI_IMAGE,
                         "args": ["--model-id", model, "--port", str(EMBEDDINGS_PORT)],
                         "env": [hf_token_env()],
                         "ports": [{"name": "http", "containerPort": EMBEDDINGS_PORT}],
                         "resources": {"requests": {"cpu": f"{EMBEDDING_SERVER_CPU_M}m",
                                                    "memory": gib_quantity(memory)},
                                       "limits": {"memory": gib_quantity(memory * 1.5)}},
                         "startupProbe": {"httpGet": {"path": "/health", "port": "http"}, "periodSeconds": 10,
                                          "failureThreshold": 60},
                         "readinessProbe": {"httpGet": {"path": "/health", "port": "http"}, "periodSeconds": 10},
                         "livenessProbe": {"httpGet": {"path": "/health", "port": "http"}, "periodSeconds": 30},
                         "volumeMounts": [{"name": "cache", "mountPath": "/data"}]}],
                     "volumes": [{"name": "cache", "emptyDir": {"sizeLimit": gib_quantity(weights_gib * 2)}}]}}},
    }
    service = {
        "apiVersion": "v1", "kind": "Service",
        "metadata": {**metadata("embeddings", "embeddings"), "labels": tei_labels},
        "spec": {"type": "ClusterIP", "selector": {"app.kubernetes.io/name": "embeddings"},
                 "ports": [{"name": "http", "port": EMBEDDINGS_PORT, "targetPort": "http"}]},
    }
    documents_gib = max(10.0, (w.dataset_gb or 0) * 1e9 / 2**30 * 1.1)
    claim = {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": metadata("rag-documents", "rag"),
             "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": gib_quantity(documents_gib)}}}}
    loader = {"apiVersion": "v1", "kind": "Pod", "metadata": metadata("rag-documents-loader", "rag"),
              "spec": {"restartPolicy": "Never", "activeDeadlineSeconds": 86400,
                       "containers": [{"name": "loader", "image": LOADER_IMAGE, "command": ["sleep", "86400"],
                                       "readinessProbe": {"exec": {"command": ["test", "-d", "/documents"]}},
                                       "livenessProbe": {"exec": {"command": ["test", "-d", "/documents"]},
                                                         "periodSeconds": 60},
                                       "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}},
                                       "volumeMounts": [{"name": "documents", "mountPath": "/documents"}]}],
                       "volumes": [{"name": "documents", "persistentVolumeClaim": {"claimName": "rag-documents"}}]}}
    script = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata("rag-ingest", "rag"),
              "data": {"rag_ingest.py": INGEST_SCRIPT}}
    job = _ingestion_job(w, model, embeddings_url, vector_db, labels, metadata, placement, resources, hf_token_env)
    tokens = (w.dataset_gb or 0) * 1e9 / BYTES_PER_TOKEN
    chunks = f"≈ {math.ceil(tokens / RAG_CHUNK_TOKENS):,} chunks of {RAG_CHUNK_TOKENS} tokens" if tokens else "chunks"
    notes = {
        "endpoints": (f"What a RAG application needs: the LLM, the embedding server, the vector database; {RAG_CHUNKS} "
                      f"chunks of {RAG_CHUNK_TOKENS} tokens per question is what the LLM's context was sized for."),
        "embeddings": (f"Query embeddings: {model} on CPU (text-embeddings-inference, OpenAI-compatible /v1/embeddings); "
                       "a question is a few dozen tokens."),
        "documents": "The documents to ingest (≈ 1.1 × the corpus).",
        "loader": ("Copy the documents in through this pod, then delete it: kubectl cp ./docs "
                   f"{w.namespace}/rag-documents-loader:/documents/ && kubectl delete pod -n {w.namespace} "
                   "rag-documents-loader"),
        "script": "rag_ingest.py: parse (text, Markdown, HTML, PDF), chunk, embed, upsert (ids stable across runs).",
        "job": (f"Ingestion: {chunks} embedded by {model} on one GPU (vLLM pooling runner as a sidecar), upserted into "
                f"the '{COLLECTION}' collection. Applied suspended: once the documents are in, start it with kubectl "
                f"patch job -n {w.namespace} rag-ingest -p '{{\"spec\":{{\"suspend\":false}}}}'; to ingest new "
                "documents, delete the Job and apply it again (unchanged chunks are overwritten, not duplicated)."
                + (f" Note: {caveat}." if caveat else "")),
    }
    return [("configmap-rag-endpoints", endpoints, notes["endpoints"]),
            ("deployment-embeddings", server, notes["embeddings"]), ("service-embeddings", service, notes["embeddings"]),
            ("pvc-rag-documents", claim, notes["documents"]), ("pod-rag-documents-loader", loader, notes["loader"]),
            ("configmap-rag-ingest", script, notes["script"]),
            ("job-rag-ingest", job, notes["job"])]


def _ingestion_job(w: Workload, model: str, embeddings_url: str, vector_db: str, labels, metadata, placement,
                   resources, hf_token_env) -> dict:
    sidecar = {
        "name": "embedder", "image": w.vllm_image, "restartPolicy": "Always",  # a native sidecar: ends with the Job
        "command": ["vllm", "serve"],
        "args": [model, "--runner", "pooling", "--port", str(VLLM_PORT)],
        "env": [hf_token_env(), {"name": "HF_HOME", "value": "/models"}],
        "resources": resources(1),
        "ports": [{"name": "http", "containerPort": VLLM_PORT}],
        # the script starts once the model answers (a sidecar's startup probe gates the next container)
        "startupProbe": {"httpGet": {"path": "/health", "port": "http"}, "periodSeconds": 10, "failureThreshold": 90},
        "volumeMounts": [{"name": "models", "mountPath": "/models"}, {"name": "dshm", "mountPath": "/dev/shm"}],
    }
    ingest = {
        "name": "ingest", "image": PYTHON_IMAGE,
        # a non-root user: pypdf goes to a directory of its own, not the image's site-packages
        "command": ["/bin/sh", "-c", f"pip install --no-cache-dir --quiet --target /tmp/python {PYPDF} && "
                                     "PYTHONPATH=/tmp/python exec python /scripts/rag_ingest.py"],
        "env": [{"name": "HOME", "value": "/tmp"}, {"name": "DOCUMENTS_DIR", "value": "/documents"},
                {"name": "EMBEDDINGS_BASE_URL", "value": f"http://127.0.0.1:{VLLM_PORT}/v1"},
                {"name": "EMBEDDING_MODEL", "value": model}, {"name": "VECTOR_DB_URL", "value": vector_db},
                {"name": "COLLECTION", "value": COLLECTION}, {"name": "DIMENSIONS", "value": str(EMBEDDING_DIMENSIONS)},
                {"name": "CHUNK_TOKENS", "value": str(RAG_CHUNK_TOKENS)}],
        "resources": {"requests": {"cpu": "1", "memory": "2Gi"}},
        "volumeMounts": [{"name": "documents", "mountPath": "/documents", "readOnly": True},
                         {"name": "scripts", "mountPath": "/scripts", "readOnly": True}],
    }
    weights_gib = DEFAULT_EMBEDDING_BILLIONS * 1e9 * 2 / 2**30
    # its own name label: the LLM Service selects pods by the workload's name, and must not send chat traffic here
    pod_labels = {**labels("ingestion"), "app.kubernetes.io/name": "rag-ingest"}
    return {
        "apiVersion": "batch/v1", "kind": "Job",
        "metadata": {**metadata("rag-ingest", "ingestion"), "labels": pod_labels},
        "spec": {"suspend": True, "backoffLimit": 2, "ttlSecondsAfterFinished": 7 * 86400, "template": {
            "metadata": {"labels": pod_labels},
            "spec": {**placement, "restartPolicy": "Never", "initContainers": [sidecar], "containers": [ingest],
                     "volumes": [{"name": "documents", "persistentVolumeClaim": {"claimName": "rag-documents"}},
                                 {"name": "scripts", "configMap": {"name": "rag-ingest"}},
                                 {"name": "models", "emptyDir": {"sizeLimit": gib_quantity(weights_gib * 2)}},
                                 {"name": "dshm", "emptyDir": {"medium": "Memory", "sizeLimit": "2Gi"}}]}}},
    }
