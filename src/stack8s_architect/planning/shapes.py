"""Workload shapes the planner sizes differently from a plain chat server.

Embedding batch: a finite job whose work is one forward pass over the corpus — 2 × parameters × tokens FLOPs,
on each GPU at its bf16 peak × MFU — so it is costed per run, and per month by how often it runs.

RAG: every request carries the retrieved chunks, so the served LLM needs a context that holds them — and each
user's KV cache is that long. The prompt budget below is the usual one of RAG frameworks (LlamaIndex and
LangChain retrieve 4–10 chunks of 256–1,024 tokens); it is said back in the plan, and a context the user states
wins.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from stack8s_architect.catalog.gpus.specs import ACCELERATOR_SPECS
from stack8s_architect.planning.spec import WorkloadSpec
from stack8s_architect.sizing.cost import DEFAULT_MFU, monthly_cost_usd, start_up_hours
from stack8s_architect.sizing.fit import GpuFit
from stack8s_architect.sizing.gpu import GpuSpec
from stack8s_architect.sizing.serving import MAX_BATCH_SEQUENCES
from stack8s_architect.sizing.throughput import DECODE_BANDWIDTH_EFFICIENCY, PREFILL_COMPUTE_EFFICIENCY

RAG_SYSTEM_TOKENS = 512  # instructions and the citation format
RAG_CHUNKS = 8  # retrieved chunks per question
RAG_CHUNK_TOKENS = 512
RAG_HISTORY_TOKENS = 1024  # the conversation so far
RAG_ANSWER_TOKENS = 512
RAG_PROMPT_TOKENS = RAG_SYSTEM_TOKENS + RAG_CHUNKS * RAG_CHUNK_TOKENS + RAG_HISTORY_TOKENS + RAG_ANSWER_TOKENS


def is_rag(spec: WorkloadSpec) -> bool:
    """Retrieval-augmented serving: a vector database asked for beside a served language model."""
    return "vector-db" in (spec.components or []) and spec.task in {None, "inference"}


def rag_context(spec: WorkloadSpec) -> tuple[int | None, str | None]:
    """(the context a RAG prompt needs, rounded up to a power of two — vLLM's --max-model-len —, said back), or
    (None, None) when the workload is not RAG or the user stated a context."""
    if not is_rag(spec) or spec.context_length is not None:
        return None, None
    context = 1 << (RAG_PROMPT_TOKENS - 1).bit_length()
    return context, (f"RAG prompt: {RAG_SYSTEM_TOKENS} system + {RAG_CHUNKS} retrieved chunks × {RAG_CHUNK_TOKENS} + "
                     f"{RAG_HISTORY_TOKENS} history + {RAG_ANSWER_TOKENS} answer = {RAG_PROMPT_TOKENS:,} tokens: the "
                     f"model serves a {context:,}-token context and each user's KV cache is sized for it (state a "
                     "context to change it)")


# Reasoning models write their thinking before the answer: their cards recommend up to 32,768 output tokens (QwQ,
# DeepSeek-R1 and its distills, Qwen3 in thinking mode, Phi-4-reasoning, Magistral, gpt-oss). Served with a 4,096-token
# context they are cut off mid-thought. Each user's KV cache is sized for 8,192 tokens in flight (a long thinking
# trace, four times the chat default); vLLM preempts and recomputes the rarer longer ones rather than fail.
REASONING_MODEL = re.compile(r"(?:^|/)(?:qwq\b|[^/]*\br1\b|[^/]*-r1-|[^/]*reasoning|[^/]*thinking|magistral|gpt-oss|"
                             r"qwen3-(?!.*instruct-2507)(?!.*-base\b)(?!.*embedding)(?!.*reranker)(?!.*coder)"
                             r"(?!(?:.*-)?vl\b)(?!(?:.*-)?omni\b))", re.I)
REASONING_CONTEXT_TOKENS = 32_768
REASONING_TOKENS_PER_USER = 8_192


def is_reasoning(model_id: str | None) -> bool:
    return bool(model_id and REASONING_MODEL.search(model_id))


def reasoning_context(spec: WorkloadSpec, limit: int | None) -> tuple[int | None, str | None]:
    """(the context a served reasoning model needs, said back), or (None, None): not one, not served, or a context
    stated."""
    if not is_reasoning(spec.model_id) or spec.task not in {None, "inference"} or spec.context_length is not None:
        return None, None
    context = min(REASONING_CONTEXT_TOKENS, limit or REASONING_CONTEXT_TOKENS)
    per_user = min(REASONING_TOKENS_PER_USER, context)
    return context, (f"{spec.model_id} is a reasoning model (it thinks before it answers; reasoning models' cards "
                     f"recommend up to 32,768 output tokens): served with a {context:,}-token context, each user's KV "
                     f"cache sized for {per_user:,} tokens in flight (state a context to change it)")


def reasoning_tokens_per_user(spec: WorkloadSpec) -> int | None:
    """KV tokens one user of a reasoning model keeps in flight, when its context is longer than that."""
    if not is_reasoning(spec.model_id) or spec.task not in {None, "inference"} or not spec.context_length:
        return None
    return REASONING_TOKENS_PER_USER if spec.context_length > REASONING_TOKENS_PER_USER else None


# An embedding workload that names no model: a multilingual, permissively licensed default (XLM-RoBERTa-large size).
DEFAULT_EMBEDDING_MODEL = "BAAI/bge-m3"
DEFAULT_EMBEDDING_BILLIONS = 0.568
BYTES_PER_TOKEN = 4.0  # as planning/sizing_step.py reads text


def is_embedding_batch(spec: WorkloadSpec) -> bool:
    return spec.domain == "embeddings" and spec.task == "batch_inference"


def embedding_default(spec: WorkloadSpec) -> tuple[dict[str, object], str | None]:
    """(the spec fields to fill, said back) for an embedding workload that names no model."""
    if spec.domain != "embeddings" or spec.params_billions is not None or spec.model_query or spec.model_id:
        return {}, None
    return ({"model_query": DEFAULT_EMBEDDING_MODEL, "params_billions": DEFAULT_EMBEDDING_BILLIONS},
            f"no embedding model named: {DEFAULT_EMBEDDING_MODEL} ({DEFAULT_EMBEDDING_BILLIONS * 1000:g}M parameters, "
            "multilingual, MIT) assumed (name one to change it)")


def batch_fits(spec: WorkloadSpec, fits: tuple[GpuFit, ...], active_billions: float) -> tuple[tuple[GpuFit, ...], str | None]:
    """The fits with the hours of one embedding run on each (2·N·tokens FLOPs at bf16 peak × MFU), and the rule said
    back; unchanged when the workload is not an embedding batch or its data size is unknown."""
    if not is_embedding_batch(spec) or not spec.dataset_size_gb:
        return fits, None
    tokens = spec.dataset_size_gb * 1e9 / BYTES_PER_TOKEN
    flops = 2 * active_billions * 1e9 * tokens
    timed = _timed(fits, lambda fit, gpu: replace(
        fit, training_hours=flops / (fit.gpu_count * gpu.bf16_tflops * 1e12 * DEFAULT_MFU) / 3600))
    return timed, (f"one embedding run: 2 × {active_billions:g}B parameters × {tokens / 1e9:,.3g}B tokens = "
                          f"{flops:.3g} FLOPs, at each GPU's bf16 peak × MFU {DEFAULT_MFU:g}")


# Generative batch ("summarize 1 million tickets overnight"): a finite job whose work is a prefill over every input
# token (compute-bound) and a decode of every output token (bandwidth-bound, as many sequences at once as the KV
# cache holds, up to vLLM's max_num_seqs). Outputs are taken as a quarter of the inputs — summaries, labels and
# extractions are shorter than what they read; a translation is as long as its input (say so).
OUTPUT_SHARE = 0.25
# A vision-language batch ("caption 3 million product photos") reads images, not text: the data size is a count of
# images at GB_PER_IMAGE (how a count of photos is read), each prompt an image's tokens plus the instruction —
# Qwen2-VL turns a 768 × 768 photo into (768 / 28)² ≈ 750 tokens — and each answer a caption or a short description.
GB_PER_IMAGE = 0.00011  # ImageNet's mean JPEG
IMAGE_PROMPT_TOKENS = 1024
IMAGE_ANSWER_TOKENS = 128


def _timed(fits: tuple[GpuFit, ...], run: Callable[[GpuFit, GpuSpec], GpuFit]) -> tuple[GpuFit, ...]:
    """Each fitting GPU type with one run timed by `run`; unchanged where the GPU's bf16 peak is unknown."""
    out = []
    for fit in fits:
        spec_ = ACCELERATOR_SPECS.get(fit.gpu_key)
        gpu = spec_.to_gpu_spec() if spec_ is not None else None
        out.append(run(fit, gpu) if fit.fits and gpu is not None and gpu.bf16_tflops else fit)
    return tuple(out)


def is_generation_batch(spec: WorkloadSpec) -> bool:
    return spec.task == "batch_inference" and (spec.domain or "llm") in {"llm", "multimodal"}


def generation_fits(spec: WorkloadSpec, fits: tuple[GpuFit, ...], active_billions: float, weights_gib: float | None,
                    kv_gib_per_sequence: float | None) -> tuple[tuple[GpuFit, ...], str | None]:
    """The fits with the hours of one generative batch run on one replica of each (prefill at the GPUs' bf16 peak ×
    the prefill efficiency, decode of a full batch at the decode share of their memory bandwidth), and the rule said
    back; unchanged when the job is not one or its size is unknown."""
    if not is_generation_batch(spec) or not spec.dataset_size_gb or not weights_gib or not kv_gib_per_sequence:
        return fits, None
    images = spec.dataset_size_gb / GB_PER_IMAGE if spec.domain == "multimodal" else None
    if images:
        tokens_in, tokens_out = images * IMAGE_PROMPT_TOKENS, images * IMAGE_ANSWER_TOKENS
        reading = (f"{images:,.0f} images ({spec.dataset_size_gb:g} GB at {GB_PER_IMAGE * 1000:g} MB per image), each "
                   f"{IMAGE_PROMPT_TOKENS:,} prompt tokens (the image's tokens and the instruction) and "
                   f"{IMAGE_ANSWER_TOKENS} output tokens (a caption or short description — say so if answers are "
                   "longer): ")
    else:
        tokens_in = spec.dataset_size_gb * 1e9 / BYTES_PER_TOKEN
        tokens_out = tokens_in * OUTPUT_SHARE
        reading = ""

    def batch_of(fit: GpuFit) -> int:  # sequences decoded at once: what the KV cache holds, up to vLLM's limit
        return max(1, min(fit.max_concurrent_sequences or 1, MAX_BATCH_SEQUENCES))

    def one_run(fit: GpuFit, gpu: GpuSpec) -> GpuFit:
        prefill_s = 2 * active_billions * 1e9 * tokens_in / (gpu.bf16_tflops * 1e12 * PREFILL_COMPUTE_EFFICIENCY
                                                              * fit.gpu_count)
        step_bytes = (weights_gib + batch_of(fit) * kv_gib_per_sequence) * 2**30 / fit.gpu_count  # TP splits both
        decode_tps = batch_of(fit) * gpu.memory_bandwidth_gb_s * 1e9 * DECODE_BANDWIDTH_EFFICIENCY / step_bytes
        return replace(fit, training_hours=(prefill_s + tokens_out / decode_tps) / 3600, replicas=1, layouts=())

    timed = _timed(fits, one_run)
    batches = [f"{fit.gpu_key} {batch_of(fit)} at once" for fit in timed if fit.fits and fit.training_hours]
    share = "" if images else (" (a quarter of the input: summaries, labels, extractions — say so if outputs are "
                               "longer)")
    return timed, (
        f"one batch run: {reading}{tokens_in / 1e9:,.3g}B input tokens prefilled (2 × {active_billions:g}B × tokens at "
        f"each GPU's bf16 peak × {PREFILL_COMPUTE_EFFICIENCY:g}) and {tokens_out / 1e9:,.3g}B output tokens{share} "
        f"decoded as many sequences at once as the KV "
        f"cache holds (up to {MAX_BATCH_SEQUENCES}: " + ", ".join(batches[:3]) + f"), at "
        f"{DECODE_BANDWIDTH_EFFICIENCY:g} of each GPU's memory bandwidth")


# RAG's vector index: the corpus cut into chunks of RAG_CHUNK_TOKENS, one vector each.
EMBEDDING_DIMENSIONS = 1024  # bge-m3, bge-large, e5-large: 1,024 float32 dimensions
BYTES_PER_DIMENSION = 4
INDEX_OVERHEAD = 1.5  # the HNSW graph (m = 16: 32 links × 4 B per vector at layer 0) and payloads, on top of raw vectors


def rag_index(spec: WorkloadSpec) -> tuple[float, float, str] | None:
    """(vectors, GB the index takes, said back) for a RAG corpus of known size; None otherwise."""
    if not is_rag(spec) or not spec.dataset_size_gb:
        return None
    tokens = spec.dataset_size_gb * 1e9 / BYTES_PER_TOKEN
    vectors = tokens / RAG_CHUNK_TOKENS
    raw_gb = vectors * EMBEDDING_DIMENSIONS * BYTES_PER_DIMENSION / 1e9
    index_gb = raw_gb * INDEX_OVERHEAD
    return vectors, index_gb, (
        f"vector index: {tokens / 1e9:,.3g}B tokens of documents in {RAG_CHUNK_TOKENS}-token chunks = {vectors:,.0f} "
        f"vectors × {EMBEDDING_DIMENSIONS:,} dimensions × {BYTES_PER_DIMENSION} B = {raw_gb:,.1f} GB, ≈ {index_gb:,.1f} "
        f"GB with the HNSW graph and payloads ({INDEX_OVERHEAD:g}×): the vector database's nodes need that much memory "
        "(or on-disk vectors)")


def autoscaling_range(spec: WorkloadSpec, top: object, *, scales: bool = True) -> str | None:
    """Online serving on several replicas scales on queue depth (the rendered ScaledObject/HPA: 1 → the sized
    count): the monthly compute between one replica and all of them, said back; live speech keeps its replicas (said
    so); None otherwise."""
    fit = getattr(top, "fit", None)
    if top is None or getattr(top, "local", False) or fit is None or spec.task not in {None, "inference"}:
        return None
    replicas = fit.replicas or 1
    if replicas < 2 or fit.pipeline_parallel > 1:
        return None
    if spec.domain == "speech":  # the manifests keep the sized replicas: a stream is not a queued request
        return (f"{replicas} replicas kept running (not scaled on a queue): a live stream holds its replica for as long "
                f"as it lasts, so the {replicas} are what {spec.concurrent_users or 'the'} streams need")
    per_replica = -(-top.instances // replicas)  # instances one replica needs, rounded up
    low = monthly_cost_usd(top.offer.hourly_usd, per_replica)
    high = monthly_cost_usd(top.offer.hourly_usd, top.instances)
    if not scales:  # the stack has nothing to scale it with: the deliverables run the sized replicas
        return (f"{replicas} replicas run fixed (${high:,.2f}/month): the stack has no KEDA with a Prometheus it can "
                f"query; with them the replicas would scale on the queue down to one (${low:,.2f}/month)")
    return (f"autoscaling on queued requests from 1 to {replicas} replicas: compute ${low:,.2f}/month at one replica "
            f"({per_replica} × {top.offer.instance_type}), ${high:,.2f}/month at the sized {replicas} (the figure priced "
            "in this plan)")


# Live speech: streams a GPU transcribes at once. Measured: faster-whisper (CTranslate2, fp16, beam 5) transcribes
# with large-v3 at a real-time factor of 0.036 on an RTX 4090 (allenhutchison/podcast-rag,
# docs/faster-whisper-benchmark.md, 13.8 min of audio). Decoding is memory-bound: other GPUs are scaled by memory
# bandwidth, other Whisper sizes by parameters; half the capacity is kept as headroom, so every chunk of a live
# stream is transcribed well within real time.
WHISPER_REFERENCE_RTF = 0.036
WHISPER_REFERENCE_BILLIONS = 1.55
WHISPER_REFERENCE_BANDWIDTH_GB_S = 1008.0  # RTX 4090
STREAM_HEADROOM = 2.0


def streams_per_gpu(gpu_key: str, params_billions: float) -> float | None:
    rtf = whisper_rtf(gpu_key, params_billions)
    return None if rtf is None else 1 / rtf / STREAM_HEADROOM


# Recorded speech transcribed as a batch ("transcribe 2,000 hours of calls"): the hours of audio from the data size at
# 16 kHz 16-bit mono PCM (how a count of hours is read), each GPU transcribing at the measured real-time factor scaled
# as above, one stream at a time and no headroom — batched pipelines (faster-whisper's BatchedInferencePipeline, vLLM)
# go several times faster, so the hours are an upper bound.
GB_PER_AUDIO_HOUR = 0.1152


def whisper_rtf(gpu_key: str, params_billions: float) -> float | None:
    """Seconds one GPU spends per second of audio (one stream), scaled from the measured reference."""
    spec_ = ACCELERATOR_SPECS.get(gpu_key)
    if spec_ is None or not spec_.memory_bandwidth_gb_s:
        return None
    return (WHISPER_REFERENCE_RTF * params_billions / WHISPER_REFERENCE_BILLIONS
            * WHISPER_REFERENCE_BANDWIDTH_GB_S / spec_.memory_bandwidth_gb_s)


def transcription_fits(spec: WorkloadSpec, fits: tuple[GpuFit, ...]) -> tuple[tuple[GpuFit, ...], str | None]:
    """A speech batch: each fitting GPU type with the hours of one run on one GPU (the planner spreads them over the
    GPUs it rents), and the rule said back; unchanged for other workloads or an unknown data size."""
    if spec.domain != "speech" or spec.task != "batch_inference" or not spec.dataset_size_gb or not spec.params_billions:
        return fits, None
    audio_hours = spec.dataset_size_gb / GB_PER_AUDIO_HOUR
    timed = []
    for fit in fits:
        rtf = whisper_rtf(fit.gpu_key, spec.params_billions) if fit.fits else None
        timed.append(fit if rtf is None else replace(fit, gpu_count=1, tensor_parallel=1, pipeline_parallel=1,
                                                     replicas=1, layouts=(), training_hours=audio_hours * rtf))
    examples = ", ".join(f"{f.gpu_key} {f.training_hours:,.0f} h" for f in timed[:3] if f.training_hours)
    return tuple(timed), (
        f"one transcription run: {audio_hours:,.0f} hours of audio ({spec.dataset_size_gb:g} GB read as 16 kHz 16-bit "
        f"mono, {GB_PER_AUDIO_HOUR:g} GB per hour) × each GPU's real-time factor (faster-whisper large-v3 at "
        f"{WHISPER_REFERENCE_RTF:g} on an RTX 4090, measured; scaled by parameters and memory bandwidth), one stream "
        f"at a time — batched pipelines run several times faster, so these hours are an upper bound: {examples} on "
        "one GPU, shared out over every GPU rented")


def stream_fits(spec: WorkloadSpec, fits: tuple[GpuFit, ...]) -> tuple[tuple[GpuFit, ...], str | None]:
    """Live transcription: each fitting GPU type gets as many one-GPU replicas as its stream capacity needs for the
    streams said; unchanged for other workloads."""
    if spec.domain != "speech" or spec.task not in {None, "inference"} or not spec.concurrent_users \
            or not spec.params_billions:
        return fits, None
    sized = []
    for fit in fits:
        capacity = streams_per_gpu(fit.gpu_key, spec.params_billions) if fit.fits else None
        if capacity is None:
            sized.append(fit)
            continue
        per_gpu = max(1, int(capacity))  # whole streams; a stream heavier than a GPU still takes one
        replicas = -(-spec.concurrent_users // per_gpu)
        sized.append(replace(fit, replicas=replicas, tensor_parallel=1, pipeline_parallel=1, gpu_count=1, layouts=()))
    return tuple(sized), (
        f"{spec.concurrent_users} live streams: faster-whisper large-v3 runs at {WHISPER_REFERENCE_RTF:g}× real time on "
        f"an RTX 4090 (measured), scaled by parameters ({spec.params_billions:g}B / {WHISPER_REFERENCE_BILLIONS:g}B) and "
        f"by each GPU's memory bandwidth, decoding one chunk at a time (batched pipelines do more), with "
        f"{STREAM_HEADROOM:g}× headroom — e.g. "
        + ", ".join(f"{f.gpu_key} {int(streams_per_gpu(f.gpu_key, spec.params_billions) or 0)} streams"
                    for f in sized[:3] if f.fits and streams_per_gpu(f.gpu_key, spec.params_billions)) + " per GPU")


# RAG's ingestion: documents → chunks → one embedding each (the embedding model on one GPU of the plan's node type,
# in a Job) → the vector index. Query-time embeddings (a question of a few dozen tokens) run on CPU.
EMBEDDING_SERVER_CPU_M = 4000  # the query embedding server's request: 4 vCPUs
EMBEDDING_SERVER_MEMORY_GIB = 2.0  # plus twice the fp32 weights


def embedding_flops(billions: float, tokens: float) -> float:
    """One forward pass of an encoder over `tokens`: 2 × parameters × tokens."""
    return 2 * billions * 1e9 * tokens


def rag_ingestion(spec: WorkloadSpec, accelerator: str | None, hourly_usd: float | None, *,
                  billions: float = DEFAULT_EMBEDDING_BILLIONS) -> tuple[float, float, str] | None:
    """(hours, US dollars, said back) of the one-off ingestion on one GPU of `accelerator` (one instance at
    `hourly_usd` while it runs), for a RAG corpus of known size; None otherwise."""
    spec_ = ACCELERATOR_SPECS.get(accelerator or "")
    if not is_rag(spec) or not spec.dataset_size_gb or spec_ is None or not spec_.to_gpu_spec().bf16_tflops:
        return None
    tokens = spec.dataset_size_gb * 1e9 / BYTES_PER_TOKEN
    flops = embedding_flops(billions, tokens)
    weights_gib = billions * 1e9 * 2 / 2**30
    hours = flops / (spec_.to_gpu_spec().bf16_tflops * 1e12 * DEFAULT_MFU) / 3600 + start_up_hours(weights_gib)
    usd = hours * (hourly_usd or 0.0)
    return hours, usd, (
        f"ingestion (once, and again for new documents): {tokens / 1e9:,.3g}B tokens embedded by {DEFAULT_EMBEDDING_MODEL}"
        f" = 2 × {billions:g}B × tokens = {flops:.3g} FLOPs on one {accelerator} at its bf16 peak × MFU "
        f"{DEFAULT_MFU:g}, with start-up: ≈ {hours:,.2f} h" + (f", ${usd:,.2f} of one instance (a one-off cost)"
                                                               if hourly_usd else " on the local cluster"))
