"""Embedding throughput on card-like paragraphs, and single-query latency.

    .venv/bin/python benchmarks/embedding_throughput.py [--texts 2000] [--runs 3] [--queries 200]

The paragraphs are synthetic (a fixed vocabulary, a fixed seed) and 100–200 words long, so most
fill the 256-token window the way model-card chunks do (median ~210 tokens); query-like texts
of ~10 tokens are timed too, for comparison. The encoder is compute-bound: throughput scales with
tokens per text and with free cores.
"""

from __future__ import annotations

import argparse
import random
import time

from _common import machine, median

from stack8s_architect.catalog.models.embedding import Embedder

VOCABULARY = (
    "model transformer fine-tuned dataset benchmark accuracy inference latency quantized weights "
    "parameters license apache commercial research vision language speech detection segmentation "
    "classification medical radiology lung nodule chest scan token context window embedding "
    "retrieval training evaluation GPU memory precision fp16 bf16 int8 throughput batch layer "
    "attention encoder decoder pretrained checkpoint tokenizer vocabulary english multilingual "
    "the a of for with on in to and is are was this that uses trained evaluated"
).split()
QUERIES = [
    "lung nodule detection in CT scans",
    "English speech recognition",
    "real-time object detection",
    "small code LLM for completion",
    "embedding model for RAG",
]


def card_like_texts(count: int, seed: int = 20240521) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choices(VOCABULARY, k=rng.randint(100, 200))) + "." for _ in range(count)]


def _timed_runs(embedder: Embedder, texts: list[str], runs: int) -> list[float]:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        embedder.embed(texts, batch_size=64)
        seconds.append(time.perf_counter() - started)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()

    started = time.perf_counter()
    embedder = Embedder.load()
    load_s = time.perf_counter() - started
    texts = card_like_texts(args.texts)

    run_seconds = _timed_runs(embedder, texts, args.runs)
    short_texts = [f"{QUERIES[n % len(QUERIES)]} {VOCABULARY[n % len(VOCABULARY)]}" for n in range(args.texts)]
    short_seconds = _timed_runs(embedder, short_texts, args.runs)

    embedder.embed_query(QUERIES[0])  # first call allocates
    query_ms = []
    for index in range(args.queries):
        started = time.perf_counter()
        embedder.embed_query(QUERIES[index % len(QUERIES)])
        query_ms.append((time.perf_counter() - started) * 1000)

    print(machine())
    print(f"load (verify hash + build graph + session): {load_s:.2f} s")
    print(f"embed {args.texts} card-like texts, batch 64: {args.texts / median(run_seconds):.0f} texts/s "
          f"(median of {args.runs} runs: {', '.join(f'{s:.1f} s' for s in run_seconds)})")
    print(f"embed {args.texts} query-like texts (~10 tokens), batch 64: "
          f"{args.texts / median(short_seconds):.0f} texts/s (median of {args.runs} runs)")
    print(f"embed_query: {median(query_ms):.2f} ms median of {args.queries}")


if __name__ == "__main__":
    main()
