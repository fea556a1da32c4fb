"""Load: many simulated users at once, each holding a multi-turn conversation with the service over HTTP.

Loopback only and bounded. Set-up: a throw-away embedded PostgreSQL, the compute, model and chart catalogs
synced from the mirror (ARCHITECT_DATA_MIRROR or ../shared/data; no embeddings — ARCHITECT_EMBEDDINGS=off — so model
search is lexical and no process spends a core embedding the catalog during the run),
one user with an API token per simulated user. The service is `architect serve --workers N` as a person runs it
(tokens required, rate limits off: the load is the point), in its own processes, once per `--workers` value, so the
same run compares one worker with two. Every user starts at once; with --think T each user waits uniformly 0–2T
seconds before each message (the first too: users arrive over the first 2T seconds), otherwise it sends back to back.
A conversation is a first message (a clarification or a plan), two follow-ups, then reading the history. A turn's
latency is from sending the request to the whole JSON answer; an error is any answer but 200 or a failed request.

    .venv/bin/python benchmarks/load.py [--users 200 500] [--runs 3] [--think 5] [--workers 1 2]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from _common import machine, median, mirror, percentile, scratch_database, serve_workers

from stack8s_architect.accounts.repository import AccountStore
from stack8s_architect.catalog import ingest
from stack8s_architect.catalog.sources import SourceReader, sources_for
from stack8s_architect.core.logging import configure_logging

CONVERSATIONS = [
    ["I need to deploy Llama 3.1 70B on Azure", "you decide", "use spot instances"],
    ["Serve an 8B model for 20 concurrent users with a budget of $5000 per month", "only AWS please",
     "make it 40 concurrent users"],
    ["Fine-tune Mistral 7B with QLoRA on one cheap GPU", "you decide", "in Europe"],
    ["I have 2 TB of MRI images and want to train a lung-cancer detector", "you decide", "budget $20000 per month"],
    ["RAG chatbot over our wiki with Qdrant and Llama 3.1 8B for 100 users", "make it cheaper", "only GCP"],
    ["Transcribe call recordings with Whisper large-v3 for 20 concurrent streams on GCP", "use spot instances",
     "we need more throughput"],
]


@dataclass
class Run:
    users: int
    turns: list[float] = field(default_factory=list)  # ms
    reads: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0


async def _user(client: httpx.AsyncClient, token: str, script: list[str], think: float, run: Run) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    cid = None
    for index, text in enumerate(script):
        if think:
            await asyncio.sleep(random.uniform(0, 2 * think))
        body = {"message": text} if cid is None else {"conversation_id": cid, "message": text}
        path = "/api/v1/chat/start" if cid is None else "/api/v1/chat/message"
        started = time.perf_counter()
        try:
            response = await client.post(path, json=body, headers=headers)
        except httpx.HTTPError as exc:
            run.errors.append(f"{path}: {type(exc).__name__}")
            return
        run.turns.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            run.errors.append(f"{path}: {response.status_code} {response.text[:120]}")
            return
        cid = response.json()["conversation_id"]
    started = time.perf_counter()
    try:
        history = await client.get(f"/api/v1/chat/{cid}", headers=headers)
        run.reads.append((time.perf_counter() - started) * 1000)
        if history.status_code != 200 or len(history.json()["messages"]) != 2 * len(script):
            run.errors.append(f"history: {history.status_code}")
    except httpx.HTTPError as exc:
        run.errors.append(f"history: {type(exc).__name__}")


async def _load(base: str, tokens: list[str], think: float) -> Run:
    run = Run(len(tokens))
    limits = httpx.Limits(max_connections=len(tokens), max_keepalive_connections=len(tokens))
    async with httpx.AsyncClient(base_url=base, timeout=300, limits=limits) as client:
        started = time.perf_counter()
        await asyncio.gather(*(_user(client, token, CONVERSATIONS[i % len(CONVERSATIONS)], think, run)
                               for i, token in enumerate(tokens)))
        run.seconds = time.perf_counter() - started
    return run



def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--think", type=float, default=0.0, help="mean seconds before each of a user's messages")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="serve with each of these")
    args = parser.parse_args()
    configure_logging("WARNING", "json")
    random.seed(7)
    with scratch_database() as database:
        started = time.perf_counter()
        with tempfile.TemporaryDirectory() as cache:
            ingest.sync(database, SourceReader(mirror(), Path(cache)), sources_for(("compute", "models", "charts")))
        print(f"catalogs synced in {time.perf_counter() - started:.1f} s")
        most = max(args.users)
        with database.session() as session:
            store = AccountStore(session)
            tokens = []
            for index in range(most):
                store.create_user(f"load-{index:04d}")
                tokens.append(store.create_token(f"load-{index:04d}", "load")[1])
        print(machine())
        summary: dict[tuple[int, int], list[Run]] = {}
        for workers in args.workers:
            child, base = serve_workers(database.url, workers, ARCHITECT_RATE_LIMIT_PER_MINUTE="0",
                                        ARCHITECT_TURNS_PER_USER="4")
            for _ in range(2 * workers):  # warm every worker: catalog caches, BM25 indexes
                asyncio.run(_load(base, tokens[:4], 0))
            print(f"\narchitect serve --workers {workers}, think {args.think} s (0–{2 * args.think:g} s before each "
                  "message)")
            print(f"{'users':>6} {'run':>4} {'turns':>6} {'errors':>6} {'p50 ms':>9} {'p95 ms':>9} {'max ms':>9} "
                  f"{'turns/s':>8} {'history p95':>12}")
            for users in args.users:
                for number in range(1, args.runs + 1):
                    run = asyncio.run(_load(base, tokens[:users], args.think))
                    summary.setdefault((workers, users), []).append(run)
                    print(f"{users:>6} {number:>4} {len(run.turns):>6} {len(run.errors):>6} "
                          f"{percentile(run.turns, 50):>9.1f} {percentile(run.turns, 95):>9.1f} "
                          f"{max(run.turns):>9.1f} {len(run.turns) / run.seconds:>8.1f} "
                          f"{percentile(run.reads, 95) if run.reads else 0:>12.1f}")
                    for error in sorted(set(run.errors))[:5]:
                        print("   error:", error)
            os.killpg(child.pid, signal.SIGTERM)
            child.wait(timeout=120)
        print("\nmedians over the runs:")
        for (workers, users), runs in summary.items():
            print(f"--workers {workers}, {users} users: turn p50 {median([percentile(r.turns, 50) for r in runs]):.1f} "
                  f"ms, p95 {median([percentile(r.turns, 95) for r in runs]):.1f} ms, "
                  f"{median([len(r.turns) / r.seconds for r in runs]):.1f} turns/s, "
                  f"errors {sum(len(r.errors) for r in runs)} in {sum(len(r.turns) for r in runs)} turns")

if __name__ == "__main__":
    main()
