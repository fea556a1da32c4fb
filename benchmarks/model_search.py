"""Model search: retrieval hit rate on the test set and latency with dense retrieval on.

Uses the catalog in ARCHITECT_HOME (run `architect data sync --only models` and, for dense
retrieval, `architect models embed` first).

    .venv/bin/python benchmarks/model_search.py [--rounds 5] [--no-dense]
"""

from __future__ import annotations

import argparse
import re
import time

from _common import machine, median, percentile

from stack8s_architect.catalog.models import repository
from stack8s_architect.catalog.models.embedding import Embedder
from stack8s_architect.catalog.models.retrieval_cases import CASES
from stack8s_architect.catalog.models.schemas import ModelSearchRequest
from stack8s_architect.catalog.models.search import search_models
from stack8s_architect.core.database import Database
from stack8s_architect.core.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-dense", action="store_true")
    args = parser.parse_args()
    settings = Settings.load()
    database = Database.open(settings)
    # As the service loads it: one onnxruntime thread (BackgroundEmbedder), the query embedded beside BM25.
    embedder = None if args.no_dense else Embedder.load(settings.data.home / "cache", threads=1)
    try:
        with database.session() as session:
            embedded, chunks = repository.embedding_counts(session)
            search_models(session, ModelSearchRequest(query="warm up"), embedder)  # builds the lexical index
            hits, p50s, p95s = 0, [], []
            for round_number in range(args.rounds):
                timings = []
                for case in CASES:
                    start = time.perf_counter()
                    result = search_models(session, ModelSearchRequest(query=case.query, limit=5, **case.filters), embedder)
                    timings.append((time.perf_counter() - start) * 1000)
                    if round_number == 0:
                        hits += any(re.search(case.expected, hit.id, re.I) for hit in result.results)
                p50s.append(percentile(timings, 50))
                p95s.append(percentile(timings, 95))
    finally:
        database.close()
    print(machine())
    print(f"chunks with vectors: {embedded} of {chunks}; dense retrieval {'off' if embedder is None else 'on'}")
    print(f"hit rate (top 5): {hits}/{len(CASES)} = {hits / len(CASES):.0%}")
    print(f"search p50: median {median(p50s):.1f} ms  (rounds: {', '.join(f'{v:.1f}' for v in p50s)})")
    print(f"search p95: median {median(p95s):.1f} ms  (rounds: {', '.join(f'{v:.1f}' for v in p95s)})")


if __name__ == "__main__":
    main()
