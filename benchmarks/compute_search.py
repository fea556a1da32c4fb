"""Compute search latency over the full catalog: ≥ 200 varied queries through the service, repeated.

    .venv/bin/python benchmarks/compute_search.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import itertools
import time

from _common import machine, median, mirror, percentile, scratch_database

from stack8s_architect.catalog import ingest
from stack8s_architect.catalog.compute.schemas import ComputeSearchRequest
from stack8s_architect.catalog.compute.service import ComputeCatalog
from stack8s_architect.catalog.sources import SourceReader, sources_for

GPUS = [[], ["H100"], ["A100"], ["L4"], ["A10G", "A10"], ["H200"], ["RTX4090"], ["L40S"], ["T4"], ["MI300X"], ["B200"]]
GEOGRAPHY = [[], ["us"], ["europe"], ["asia"], ["Germany"]]
SHAPES = [
    {},
    {"min_count": 8},
    {"max_count": 1, "spot": True},
    {"max_price_per_month_usd": 3000},
    {"min_total_gpu_memory_gib": 160, "group_by_instance_type": False},
]


def queries() -> list[ComputeSearchRequest]:
    requests = [
        ComputeSearchRequest(accelerators=gpu, geography=geo, **shape)
        for gpu, geo, shape in itertools.product(GPUS, GEOGRAPHY, SHAPES)
    ]
    requests += [ComputeSearchRequest(kind="cpu", min_vcpus=v, geography=g) for v in (2, 16, 64) for g in GEOGRAPHY]
    requests += [ComputeSearchRequest(providers=[p], limit=50) for p in ("aws", "gcp", "azure", "lambda", "runpod")]
    return requests


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    requests = queries()
    with scratch_database() as database:
        reader = SourceReader(mirror(), database.embedded.runtime_dir / "cache")
        ingest.raise_for_failures(ingest.sync(database, reader, sources_for(("compute",))))
        p50s, p95s = [], []
        for _ in range(rounds):
            timings = []
            with database.session() as session:
                catalog = ComputeCatalog(session)
                for request in requests:
                    start = time.perf_counter()
                    catalog.search(request)
                    timings.append((time.perf_counter() - start) * 1000)
            p50s.append(percentile(timings, 50))
            p95s.append(percentile(timings, 95))
    print(machine())
    print(f"{len(requests)} queries × {rounds} rounds over the full compute catalog")
    print(f"search p50: median {median(p50s):.2f} ms  (rounds: {', '.join(f'{v:.2f}' for v in p50s)})")
    print(f"search p95: median {median(p95s):.2f} ms  (rounds: {', '.join(f'{v:.2f}' for v in p95s)})")


if __name__ == "__main__":
    main()
