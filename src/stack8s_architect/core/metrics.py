"""Prometheus metrics, one set per process: request latency per route, chat turns, plans, LLM calls and
fallbacks. Catalog ingest figures are read from the database at scrape time (ingest runs in `data sync`,
another process), see `api/routers/health.py`."""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import Metric
from prometheus_client.registry import Collector

# Turns take tens of milliseconds offline and seconds with an LLM: buckets cover both.
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)

REQUEST_SECONDS = Histogram("architect_http_request_duration_seconds",
                            "HTTP request latency by route template, method and status.",
                            ["method", "route", "status"], buckets=_LATENCY_BUCKETS)
TURNS = Counter("architect_chat_turns_total", "Chat turns answered, by kind of answer.", ["kind"])
TURN_FAILURES = Counter("architect_chat_turn_failures_total", "Chat turns that failed (the message stays stored).")
PLANS = Counter("architect_plans_total", "Plan versions stored.")
LLM_CALLS = Counter("architect_llm_calls_total", "Calls to the configured language model, by purpose and outcome.",
                    ["purpose", "outcome"])
LLM_FALLBACKS = Counter("architect_llm_fallbacks_total",
                        "Times the offline engine answered because the language model failed.", ["purpose"])
RATE_LIMITED = Counter("architect_rate_limited_total", "Requests refused by the per-token rate limit.")


class _Families(Collector):
    def __init__(self, families: Iterable[Metric]):
        self.families = list(families)

    def collect(self) -> Iterable[Metric]:
        return self.families


def exposition(extra: Iterable[Metric] = ()) -> bytes:
    """The process's metrics in the Prometheus text format, plus `extra` families read at scrape time."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Families(extra))
    return generate_latest(REGISTRY) + generate_latest(registry)
