"""Deliverables: rendering a plan's manifests + SkyPilot task, and exporting it (validation + zip).

Uses the catalogs in ARCHITECT_HOME (run `make run` or `architect data sync` first). Plans the chat-turn
benchmark's messages once (offline engine), then times, per plan and round: `deliverables` (helmfile,
manifests, SkyPilot task — what every planned turn now adds), `bundle_files` (the export: strict schema
validation of each Kubernetes manifest against two Kubernetes versions + the README) and the zip. The
first validation of all (schema loading) is reported apart. Conversations made here are left in the
database.

    .venv/bin/python benchmarks/deliverables.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import time

from _common import chat_service, machine, median, percentile
from chat_turn import MESSAGES

from stack8s_architect.rendering.bundle import bundle_files, deliverables


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with chat_service() as chat:
        replies = [chat.start(message) for message in MESSAGES]
    planned = [(r.plan, r.spec) for r in replies if r.plan is not None]
    start = time.perf_counter()
    bundle_files(planned[0][0])
    cold = (time.perf_counter() - start) * 1000
    manifests = sum(1 for plan, _ in planned for m in plan.manifests if m.path.startswith("manifests/"))
    problems = 0
    results: dict[str, list[tuple[float, float]]] = {"render": [], "export": [], "zip": []}
    for _ in range(args.rounds):
        timings: dict[str, list[float]] = {name: [] for name in results}
        for plan, spec in planned:
            start = time.perf_counter()
            deliverables(plan, spec)
            timings["render"].append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            bundle = bundle_files(plan)
            timings["export"].append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            bundle.zip_bytes()
            timings["zip"].append((time.perf_counter() - start) * 1000)
            problems += len(bundle.problems)
        for name, values in timings.items():
            results[name].append((percentile(values, 50), percentile(values, 95)))
    print(machine())
    print(f"{len(planned)} plans ({manifests} Kubernetes manifests) × {args.rounds} rounds; "
          f"schema problems found: {problems}")
    print(f"first export (schemas loaded): {cold:.0f} ms")
    labels = {"render": "render (manifests + SkyPilot)", "export": "export (validate + README)", "zip": "zip"}
    for name, values in results.items():
        p50s, p95s = [v[0] for v in values], [v[1] for v in values]
        print(f"{labels[name]} p50: median {median(p50s):.2f} ms (rounds: {', '.join(f'{v:.2f}' for v in p50s)})")
        print(f"{labels[name]} p95: median {median(p95s):.2f} ms (rounds: {', '.join(f'{v:.2f}' for v in p95s)})")


if __name__ == "__main__":
    main()
