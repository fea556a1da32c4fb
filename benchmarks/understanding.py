"""Understanding on the paraphrase corpus: per-slot precision and recall, act accuracy, polarity errors, latency.

The corpus is tests/agents/corpus/understanding/*.yaml (format in FORMAT.md): conversations written as people
write, each message with the spec it must leave and its dialogue act. No database and no network: the
offline engine is pure. `--engine configured` reads through the engine ARCHITECT_LLM names instead (the LLM
engine merged under the rules), to hold a real language model to the same contract.

Latency: `understand()` per message (normalise, extract, relative changes, act) with the normalisation cache
emptied before each message (the gazetteer's per-phrase answers stay cached, as in the service), p50/p95 per
round over every corpus message, median over rounds.

    .venv/bin/python benchmarks/understanding.py [--rounds 5] [--engine offline|configured] [--misses]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from _common import machine, median, percentile

from stack8s_architect.agents.normalize import normalize
from stack8s_architect.agents.scoring import load_corpus, misses_by_kind, offline_engine, report, score, turns_of
from stack8s_architect.agents.understanding import understand
from stack8s_architect.planning.spec import WorkloadSpec

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "agents" / "corpus" / "understanding"
HELD_OUT = CORPUS.parent / "heldout"  # sets written later by other hands, scored blind once (BENCHMARKS.md)


def engine_for(name: str):  # noqa: ANN201
    if name == "offline":
        return offline_engine
    from stack8s_architect.agents.llm import build_extractor
    from stack8s_architect.core.settings import Settings

    extractor = build_extractor(Settings.load())
    return lambda message, spec: extractor(message, spec)[0]


def latency(cases: list[dict], rounds: int) -> tuple[float, float, int]:
    messages = [(str(turn["say"]), bool(case.get("plan"))) for case in cases for turn in turns_of(case)]
    p50s, p95s = [], []
    for _ in range(rounds):
        times = []
        for message, has_plan in messages:
            normalize.cache_clear()
            start = time.perf_counter()
            understand(message, WorkloadSpec(), has_plan=has_plan)
            times.append((time.perf_counter() - start) * 1000)
        p50s.append(percentile(times, 50))
        p95s.append(percentile(times, 95))
    return median(p50s), median(p95s), len(messages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--engine", choices=["offline", "configured"], default="offline")
    parser.add_argument("--misses", action="store_true", help="list every miss")
    args = parser.parse_args()
    cases = load_corpus(CORPUS)
    result = score(cases, engine_for(args.engine))
    print(f"# Understanding on the paraphrase corpus ({args.engine} engine) — {machine()}")
    print(f"{len(cases)} conversations, {result.messages} messages\n")
    print(report(result))
    print(f"\nslot judgements right (TP / TP+FP+FN): {result.slot_accuracy:.1%}")
    for path in sorted(HELD_OUT.glob("*.yaml")):
        held = score([case for case in load_corpus(HELD_OUT) if case["file"] == path.name], engine_for(args.engine))
        print(f"held-out {path.name}: {held.messages} messages; slot values right {held.slot_values_right:.1%}; act "
              f"accuracy {held.act_accuracy:.1%}; polarity errors {held.polarity_errors}")
    p50, p95, count = latency(cases, args.rounds)
    print(f"understanding latency over {count} messages, cache cold: p50 {p50:.2f} ms, p95 {p95:.2f} ms "
          f"(median of {args.rounds} rounds)")
    if args.misses:
        for kind, misses in misses_by_kind(result).items():
            print(f"\n## {kind} ({len(misses)})")
            for miss in misses:
                print(f"- [{miss.case}] {miss.say[:100]!r}: {miss.detail}")


if __name__ == "__main__":
    main()
