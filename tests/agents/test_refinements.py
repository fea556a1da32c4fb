"""Refinement intents: relative changes and questions about the plan."""

from __future__ import annotations

import pytest

from stack8s_architect.agents.refinements import detect


@pytest.mark.parametrize(("message", "gpus", "intent"), [
    ("make it cheaper", None, "cheaper"),
    ("this is too expensive", None, "cheaper"),
    ("we need more throughput", None, "more_throughput"),
    ("why this GPU?", None, "why"),
    ("why did you pick the L4?", None, "why"),
    ("compare H100 and A100", ["H100", "A100"], "compare"),
    ("H100 vs A100?", ["H100", "A100"], "compare"),
])
def test_intents(message: str, gpus: list[str] | None, intent: str) -> None:
    found = detect(message, gpus)
    assert getattr(found, intent)
    others = {"cheaper", "more_throughput", "why", "compare"} - {intent}
    assert not any(getattr(found, other) for other in others)


def test_plain_constraints_are_not_intents() -> None:
    for message in ("use spot instances", "only GCP please", "in Europe", "4-bit"):
        assert not any(vars(detect(message, None)).values())
    assert not detect("compare options", None).compare  # no GPU named: not a GPU comparison
    assert detect("compare H100 and Z9000", ["H100"]).compare  # answered: only one name is known
