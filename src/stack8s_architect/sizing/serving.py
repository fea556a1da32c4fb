"""Serving a load: how many sequences one replica carries under continuous batching, and how many replicas.

A replica (TP × PP GPUs) holds its weights once and a KV cache shared by every sequence in flight. The
batch it can carry is the smallest of three limits:

* memory — the KV budget left after weights and runtime overhead, divided by one sequence's KV at the
  tokens each user keeps (`tokens_per_sequence`);
* speed — decode of a batch streams the weights (MoE: only the experts the batch touches) plus every
  sequence's KV once per step, so each user's tokens/s falls as the batch grows; the batch stops where a
  user would get less than `user_tokens_per_second`;
* the engine — vLLM decodes at most `MAX_BATCH_SEQUENCES` (max_num_seqs) at once.

Replicas = ⌈concurrent sequences / batch⌉. Every tensor-parallel degree from the smallest that holds the
weights up to one node is tried: a wider replica has more KV room and bandwidth per replica, so the
layout with the fewest GPUs in total is not always the narrowest. A request rate becomes concurrent
sequences by Little's law (rate × seconds one request stays in flight).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from .fit import candidate_parallelisms, tensor_parallel_rejection
from .gpu import GpuSpec
from .inference import (
    Parallelism,
    ServingSetup,
    inference_memory,
    kv_cache_bytes_per_sequence,
    max_concurrent_sequences,
)
from .throughput import decode_tokens_per_second, prefill_tokens_per_second

# Defaults for a chat user, stated in every plan that uses them:
DEFAULT_TOKENS_PER_USER = 2048  # KV one chat user keeps in flight: prompt with history + the answer so far
DEFAULT_USER_TOKENS_PER_SECOND = 10.0  # streaming speed each user sees: faster than people read (5–8 tokens/s)
MAX_BATCH_SEQUENCES = 256  # vLLM max_num_seqs


@dataclass(frozen=True)
class ServingTarget:
    """The load: users (or a request rate) and what each of them needs."""

    concurrent_users: int = 1
    requests_per_second: float | None = None
    tokens_per_sequence: int = DEFAULT_TOKENS_PER_USER
    user_tokens_per_second: float = DEFAULT_USER_TOKENS_PER_SECOND
    prompt_tokens: int = 1024
    output_tokens: int = 256


@dataclass(frozen=True)
class ServingLayout:
    """One way to carry the load on one GPU type."""

    parallelism: Parallelism
    replicas: int
    concurrent_sequences: int  # all replicas together
    batch: int  # sequences one replica carries
    kv_capacity: int  # sequences its KV budget could hold at tokens_per_sequence
    user_tokens_per_second: float  # decode speed each sequence sees at `batch`
    replica_tokens_per_second: float  # all sequences of one replica together
    meets_speed: bool  # False: even one sequence decodes slower than the target on this layout
    limited_by: str  # memory, speed or engine

    @property
    def gpus(self) -> int:
        return self.replicas * self.parallelism.gpus

    def describe(self, gpu_key: str) -> str:
        split = f"TP={self.parallelism.tensor_parallel}" + (
            f", PP={self.parallelism.pipeline_parallel}" if self.parallelism.pipeline_parallel > 1 else "")
        return (f"{self.replicas} × ({self.parallelism.gpus} × {gpu_key}, {split}) carrying {self.batch} sequences "
                f"each at {self.user_tokens_per_second:.0f} tokens/s per user (batch limited by {self.limited_by})")


def concurrent_sequences(setup: ServingSetup, gpu: GpuSpec, parallelism: Parallelism, target: ServingTarget) -> int:
    """Users in flight, or a request rate turned into sequences in flight (Little's law)."""
    users = target.concurrent_users
    if not target.requests_per_second:
        return max(1, users)
    prefill = prefill_tokens_per_second(setup.changed(context_tokens=target.tokens_per_sequence), gpu, parallelism)
    seconds = target.prompt_tokens / prefill if prefill else 0.0
    seconds += target.output_tokens / target.user_tokens_per_second
    return max(1, users, math.ceil(target.requests_per_second * seconds - 1e-9))


def _user_speed(setup: ServingSetup, gpu: GpuSpec, parallelism: Parallelism, batch: int) -> float:
    return decode_tokens_per_second(setup, gpu, parallelism, batch) / batch


def _speed_limited_batch(setup: ServingSetup, gpu: GpuSpec, parallelism: Parallelism, most: int, speed: float) -> int:
    """The largest batch ≤ `most` at which every sequence still decodes at `speed` (0 when one cannot)."""
    if _user_speed(setup, gpu, parallelism, 1) < speed:
        return 0
    low, high = 1, most
    if _user_speed(setup, gpu, parallelism, high) >= speed:
        return high
    while high - low > 1:  # per-user speed falls as the batch grows
        middle = (low + high) // 2
        low, high = (middle, high) if _user_speed(setup, gpu, parallelism, middle) >= speed else (low, middle)
    return low


def layout_on(setup: ServingSetup, gpu: GpuSpec, parallelism: Parallelism, target: ServingTarget) -> ServingLayout | None:
    """The load on replicas of `parallelism`; None when the weights and one full-length sequence do not fit."""
    if tensor_parallel_rejection(setup.arch, parallelism.tensor_parallel):
        return None
    typical = setup.changed(context_tokens=target.tokens_per_sequence, concurrency=1)
    per_sequence = inference_memory(typical, gpu, parallelism)
    if typical.context_tokens != setup.context_tokens:  # the weights and one full-length sequence must fit too
        full = kv_cache_bytes_per_sequence(setup.arch, setup.kv_dtype, setup.context_tokens, parallelism,
                                           per_sequence.batch if per_sequence.engine_accounting else None,
                                           per_sequence.stage_share)
        if per_sequence.required_bytes - per_sequence.kv_cache_bytes + full > per_sequence.budget_bytes:
            return None
    elif not per_sequence.fits:
        return None
    capacity = max_concurrent_sequences(typical, per_sequence)
    if capacity < 1:
        return None
    most = min(capacity, MAX_BATCH_SEQUENCES)
    by_speed = _speed_limited_batch(typical, gpu, parallelism, most, target.user_tokens_per_second)
    sequences = concurrent_sequences(typical, gpu, parallelism, target)
    if by_speed == 0:
        # even one sequence decodes slower than the target here: more replicas would not make anyone faster, so
        # the replica batches as memory and the engine allow, and the layout says it misses the target
        batch = most
        limited_by = (f"memory or the engine; the {target.user_tokens_per_second:g} tokens/s per user target is not "
                      "reachable on this layout")
    else:
        batch = by_speed
        limited_by = "speed" if by_speed < most else "memory" if capacity <= MAX_BATCH_SEQUENCES else "engine"
    if batch >= sequences:
        limited_by = "nothing: one replica carries the whole load" if by_speed else limited_by
    batch = min(batch, sequences)
    replicas = math.ceil(sequences / batch)
    batch = math.ceil(sequences / replicas)  # spread evenly: the same replicas, each a little less loaded
    replica_tps = decode_tokens_per_second(typical, gpu, parallelism, batch)
    return ServingLayout(parallelism, replicas, sequences, batch, capacity, replica_tps / batch, replica_tps,
                         meets_speed=by_speed > 0, limited_by=limited_by)


def serving_layouts(setup: ServingSetup, gpu: GpuSpec, target: ServingTarget, max_gpus: int) -> tuple[ServingLayout, ...]:
    """The feasible layouts that could need the fewest GPUs, fewest first (then fewer replicas, then narrower);
    those meeting the speed target before those that cannot. Wider replicas are not tried once one replica of
    them would already take more GPUs than the best layout found."""
    layouts: list[ServingLayout] = []
    fewest = None  # GPUs of the best layout meeting the speed so far: a wider replica alone is already more
    for parallelism in candidate_parallelisms(setup.arch, max_gpus, gpu.node_gpus):
        if parallelism.pipeline_parallel > 1 and any(l.parallelism.pipeline_parallel == 1 for l in layouts):
            break  # pipeline stages only for weights no single node holds; more replicas carry more users
        if fewest is not None and parallelism.gpus > fewest:
            break
        layout = layout_on(setup, gpu, parallelism, target)
        if layout is not None:
            layouts.append(layout)
            if layout.meets_speed:
                fewest = min(layout.gpus, fewest if fewest is not None else layout.gpus)
    return tuple(sorted(layouts, key=lambda l: (not l.meets_speed, l.gpus, l.replicas, l.parallelism.gpus)))
