"""Chart knowledge base: full ingest of the k8s folder, unchanged re-ingest, search and stack latency.

    .venv/bin/python benchmarks/charts.py [--runs 3] [--rounds 5]

Search runs ≥ 200 varied requests (words, roles, filters) through the service, the way the API does;
the first call after an ingest builds the in-memory catalog and is reported on its own.
"""

from __future__ import annotations

import argparse
import itertools
import time

from _common import machine, median, mirror, percentile, scratch_database

from stack8s_architect.catalog import ingest
from stack8s_architect.catalog.charts.roles import ROLE_IDS
from stack8s_architect.catalog.charts.schemas import ChartSearchRequest, StackRequest
from stack8s_architect.catalog.charts.service import ChartCatalog
from stack8s_architect.catalog.charts.stacks import TEMPLATES
from stack8s_architect.catalog.sources import SourceReader, sources_for
from stack8s_architect.core.logging import configure_logging

WORDS = ["redis", "vector database", "s3 object storage", "kafka", "ingress-nginx", "gpu monitoring", "mlflow",
         "llm observability", "postgres operator", "argo cd gitops", "serve llama with vllm", "jupyter notebooks",
         "secrets vault", "tls certificates", "keda autoscaling", "log aggregation loki", "distributed tracing",
         "ray cluster", "model registry", "api gateway for llm", "message queue", "kube-prometheus-stack", "minio",
         "elasticsearch", "triton inference server", "spark", "airflow pipelines", "keycloak sso", "chat ui"]
FILTERS = [{}, {"prefer_small": True}, {"license_policy": "permissive-only"}, {"include_deprecated": True}]


def requests() -> list[ChartSearchRequest]:
    found = [ChartSearchRequest(query=q, **f) for q, f in itertools.product(WORDS, FILTERS)]
    found += [ChartSearchRequest(role=r, **f) for r, f in itertools.product(ROLE_IDS, FILTERS)]
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    configure_logging("WARNING", "console")
    full, unchanged, first_call, p50s, p95s, stack_ms = [], [], [], [], [], []
    searches = requests()
    stacks = [StackRequest(workload=t.id, include_optional=True) for t in TEMPLATES]
    for run in range(args.runs):
        with scratch_database() as database:
            reader = SourceReader(mirror(), database.embedded.runtime_dir / "cache")
            sources = sources_for(("charts",))
            start = time.perf_counter()
            ingest.raise_for_failures(ingest.sync(database, reader, sources))
            full.append(time.perf_counter() - start)
            start = time.perf_counter()
            assert {r.status for r in ingest.sync(database, reader, sources)} == {"unchanged"}
            unchanged.append(time.perf_counter() - start)
            with database.session() as session:
                catalog = ChartCatalog(session)
                start = time.perf_counter()
                entries = catalog.warm()
                first_call.append(time.perf_counter() - start)
                if run > 0:
                    continue
                for _ in range(args.rounds):
                    timings = []
                    for request in searches:
                        start = time.perf_counter()
                        catalog.search(request)
                        timings.append((time.perf_counter() - start) * 1000)
                    p50s.append(percentile(timings, 50))
                    p95s.append(percentile(timings, 95))
                    for request in stacks:
                        start = time.perf_counter()
                        catalog.stack(request)
                        stack_ms.append((time.perf_counter() - start) * 1000)
    print(machine())
    print(f"sources: {len(sources)}; catalog entries: {entries}")
    print(f"full charts ingest:    median {median(full):.2f} s  (runs: {', '.join(f'{v:.2f}' for v in full)})")
    print(f"re-ingest, unchanged:  median {median(unchanged):.3f} s  (runs: {', '.join(f'{v:.3f}' for v in unchanged)})")
    print(f"first call (join + BM25 index): median {median(first_call):.2f} s")
    print(f"{len(searches)} searches × {args.rounds} rounds")
    print(f"search p50: median {median(p50s):.2f} ms  (rounds: {', '.join(f'{v:.2f}' for v in p50s)})")
    print(f"search p95: median {median(p95s):.2f} ms  (rounds: {', '.join(f'{v:.2f}' for v in p95s)})")
    print(f"stack (all optional roles), {len(stack_ms)} calls: p50 {percentile(stack_ms, 50):.1f} ms, "
          f"p95 {percentile(stack_ms, 95):.1f} ms")


if __name__ == "__main__":
    main()
