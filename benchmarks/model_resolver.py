"""The model resolver over the real catalog: build time, resolution and mention latency, and sizing coverage.

Uses the catalogs in ARCHITECT_HOME (run `make run` or `architect data sync` first).

* build: the resolver index from the `models` table (once per catalog version in a process), median of runs;
* resolve: every phrasing of the integration test table (tests/integration/test_model_catalog.py), p50/p95
  per round, median over rounds;
* mentions: models named inside whole chat messages, p50/p95;
* coverage: how the catalog's language models size — exact (a verbatim config.json), partial (a config
  subset, the KV shape the model's own), estimated (a parameter count only), or not at all.

    .venv/bin/python benchmarks/model_resolver.py [--runs 3] [--rounds 5]
"""

from __future__ import annotations

import argparse
import ast
import time
from collections import Counter
from pathlib import Path

from _common import machine, median, percentile

from stack8s_architect.catalog.models import repository
from stack8s_architect.catalog.models.mentions import find_mentions
from stack8s_architect.catalog.models.resolver import CatalogModel, ModelResolver
from stack8s_architect.catalog.models.service import model_resolver
from stack8s_architect.catalog.models.sizing_facts import model_facts
from stack8s_architect.core.database import Database
from stack8s_architect.core.logging import configure_logging
from stack8s_architect.core.settings import Settings

MESSAGES = [
    "Serve GLM-4.5 for 10 users on the cheapest GPUs that fit.",
    "We need Qwen3-32B for about 150 simultaneous users, budget 15k per month, AWS.",
    "Serve Llama 4 Maverick for 10 users, cheapest that fits.",
    "Train a ResNet-50 on 200 GB of images on AWS.",
    "Fine-tune Gemma 2 9B with LoRA on 20k examples, cheapest GPU.",
    "Serve Llama 3.1 70B for 50 concurrent users on AWS under $15k/month",
    "I need 4 GPUs with 48 GB each for training a diffusion model.",
    "RAG chatbot over our wiki with Qdrant for 100 users in Europe, budget $3000 a month",
]
_LLM_DOMAINS = {"llm", "multimodal"}


def phrasings() -> list[str]:
    """The resolver table of the integration tests, read from the test module without importing pytest."""
    source = (Path(__file__).resolve().parents[1] / "tests" / "integration" / "test_model_catalog.py").read_text()
    table = next(node for node in ast.parse(source).body if isinstance(node, ast.Assign)
                 and getattr(node.targets[0], "id", "") == "RESOLVER_TABLE")
    return [row[0] for row in ast.literal_eval(table.value)]


def timed_ms(call) -> float:  # noqa: ANN001
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def coverage(database: Database) -> Counter[str]:
    """Sizing confidence of every catalog language model (a config or the LLM domain makes one)."""
    counts: Counter[str] = Counter()
    with database.session() as session:
        resolver = model_resolver(session)
        rows = [CatalogModel(*row) for row in repository.resolver_rows(session)]
        llms = [row for row in rows if row.domain in _LLM_DOMAINS or row.has_config and row.domain == "other"]
        for start in range(0, len(llms), 2000):
            batch = llms[start:start + 2000]
            donors = {row.key: resolver.config_donors(row.key) for row in batch}
            keys = {row.key for row in batch} | {d.key for found in donors.values() for d in found}
            records = repository.sizing_records(session, sorted(keys))
            for row in batch:
                facts = model_facts(records[row.key], [records[d.key] for d in donors[row.key] if d.key in records])
                counts[facts.confidence if facts else "not sizable (no config, no parameter count)"] += 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    settings = Settings.load()
    configure_logging("WARNING", "console")
    database = Database.open(settings)
    try:
        with database.session() as session:
            rows = [CatalogModel(*row) for row in repository.resolver_rows(session)]
        builds = [timed_ms(lambda: ModelResolver(rows)) for _ in range(args.runs)]
        resolver = ModelResolver(rows)
        table = phrasings()
        resolve_rounds, mention_rounds = [], []
        for _ in range(args.rounds):
            times = [timed_ms(lambda said=said: resolver.resolve(said)) for said in table]
            resolve_rounds.append((percentile(times, 50), percentile(times, 95)))
            times = [timed_ms(lambda text=text: find_mentions(resolver, text)) for text in MESSAGES]
            mention_rounds.append((percentile(times, 50), percentile(times, 95)))
        counts = coverage(database)
    finally:
        database.close()
    print(machine())
    print(f"catalog: {len(rows):,} models; index build median {median(builds):,.0f} ms over {args.runs} runs "
          f"({', '.join(f'{b:,.0f}' for b in builds)})")
    print(f"resolve ({len(table)} phrasings × {args.rounds} rounds): p50 median "
          f"{median([r[0] for r in resolve_rounds]):.2f} ms, p95 median {median([r[1] for r in resolve_rounds]):.2f} ms "
          f"(p95 per round: {', '.join(f'{r[1]:.2f}' for r in resolve_rounds)})")
    print(f"mentions in whole messages ({len(MESSAGES)} × {args.rounds}): p50 median "
          f"{median([r[0] for r in mention_rounds]):.2f} ms, p95 median {median([r[1] for r in mention_rounds]):.2f} ms")
    total = sum(counts.values())
    print(f"sizing coverage of {total:,} catalog language models:")
    for name, count in counts.most_common():
        print(f"  {name}: {count:,} ({count / total:.1%})")


if __name__ == "__main__":
    main()
