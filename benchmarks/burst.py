"""A burst of slow turns from one user: how long everyone else waits.

One user (alice) sends 40 chat turns at once to a service whose LLM provider never answers (a local socket that
accepts and stays silent; ARCHITECT_LLM_TIMEOUT_S=60, so the turns hang for the whole measurement). While they hang,
this script times /health, /ready and another user's (bob's) requests — GET /api/v1/me, GET /api/v1/chat and a compute
search — one after another, and reports p50/p95/max per request. The service is `architect serve --workers N` over a
throw-away embedded PostgreSQL with the catalogs synced from the mirror (ARCHITECT_DATA_MIRROR or ../shared/data).

    .venv/bin/python benchmarks/burst.py [--workers 1 2] [--samples 50]
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import tempfile
import threading
import time
from pathlib import Path

import httpx
from _common import machine, median, mirror, percentile, scratch_database, serve_workers

from stack8s_architect.accounts.repository import AccountStore
from stack8s_architect.catalog import ingest
from stack8s_architect.catalog.sources import SourceReader, sources_for
from stack8s_architect.core.logging import configure_logging

SERVE = "Serve Llama 3.1 8B for 20 concurrent users on AWS"


def _silent_llm() -> tuple[str, socket.socket]:
    """An 'LLM provider' that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(200)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                held.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    return f"http://127.0.0.1:{server.getsockname()[1]}/v1", server



def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--samples", type=int, default=50)
    args = parser.parse_args()
    configure_logging("WARNING", "json")
    llm_url, llm = _silent_llm()
    with scratch_database() as database:
        with tempfile.TemporaryDirectory() as cache:
            ingest.sync(database, SourceReader(mirror(), Path(cache)), sources_for(("compute", "models", "charts")))
        print(machine())
        for workers in args.workers:
            with database.session() as session:  # new users per run: the last run's stuck turns hold leases a while
                store = AccountStore(session)
                store.create_user(f"alice-{workers}"), store.create_user(f"bob-{workers}")
                alice = {"Authorization": f"Bearer {store.create_token(f'alice-{workers}', 'burst')[1]}"}
                bob = {"Authorization": f"Bearer {store.create_token(f'bob-{workers}', 'burst')[1]}"}
            child, base = serve_workers(database.url, workers, ARCHITECT_LLM="openai-compatible:silent",
                                        ARCHITECT_LLM_BASE_URL=llm_url, ARCHITECT_LLM_TIMEOUT_S="60",
                                        ARCHITECT_RATE_LIMIT_BURST="1000")
            with httpx.Client(base_url=base, timeout=120) as warm:  # each worker's indexes, built at start in the
                for _ in range(4 * workers):                       # background, before the burst
                    warm.post("/api/v1/tools/models/search", json={"query": "llama 8b"}, headers=bob)
                    warm.post("/api/v1/tools/compute/search", json={"accelerators": ["H100"]}, headers=bob)
            codes: list[int] = []

            def turn() -> None:
                try:
                    codes.append(httpx.post(f"{base}/api/v1/chat/start", json={"message": SERVE}, headers=alice,
                                            timeout=120).status_code)
                except httpx.HTTPError:
                    codes.append(-1)

            burst = [threading.Thread(target=turn, daemon=True) for _ in range(40)]
            for thread in burst:
                thread.start()
            time.sleep(2.0)  # the turns are in: some inside the LLM call, the rest refused
            requests = {
                "GET /health": lambda c: c.get("/health"),
                "GET /ready": lambda c: c.get("/ready"),
                "GET /api/v1/me (bob)": lambda c: c.get("/api/v1/me", headers=bob),
                "GET /api/v1/chat (bob)": lambda c: c.get("/api/v1/chat", headers=bob),
                "POST compute search (bob)": lambda c: c.post("/api/v1/tools/compute/search",
                                                              json={"accelerators": ["L4"]}, headers=bob),
            }
            timings: dict[str, list[float]] = {name: [] for name in requests}
            failures = 0
            with httpx.Client(base_url=base, timeout=30) as client:
                for _ in range(args.samples):
                    for name, call in requests.items():
                        started = time.perf_counter()
                        failures += call(client).status_code != 200
                        timings[name].append((time.perf_counter() - started) * 1000)
            refused = codes.count(429)
            print(f"\narchitect serve --workers {workers}: alice's 40 turns — {refused} refused at once (429), "
                  f"{40 - len(codes)} still waiting for the LLM while measured; other requests failing: {failures}")
            print(f"{'request':<28} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  max at sample")
            for name, values in timings.items():
                print(f"{name:<28} {percentile(values, 50):>8.1f} {percentile(values, 95):>8.1f} {max(values):>8.1f}  "
                      f"{values.index(max(values)) + 1} of {len(values)}")
            every = [v for values in timings.values() for v in values]
            print(f"{'all':<28} {median(every):>8.1f} {percentile(every, 95):>8.1f} {max(every):>8.1f}")
            os.killpg(child.pid, signal.SIGKILL)  # the stuck turns would hold a graceful stop for a minute
            child.wait(timeout=60)
    llm.close()


if __name__ == "__main__":
    main()
