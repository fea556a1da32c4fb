"""The budget stage against its corpus (tests/agents/corpus/budget.yaml)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from stack8s_architect.agents.extraction import extract

CORPUS = yaml.safe_load((Path(__file__).parent / "corpus" / "budget.yaml").read_text())
CASES = [pytest.param(text, entry["value"], id=text[:60]) for entry in CORPUS if "phrasings" in entry
         for text in entry["phrasings"]]
NONE = [pytest.param(text, id=text[:60]) for entry in CORPUS for text in entry.get("must_not", ())]


@pytest.mark.parametrize(("text", "monthly"), CASES)
def test_phrasings_read_as_their_monthly_budget(text: str, monthly: float) -> None:
    assert extract(text).spec.budget_usd_per_month == monthly


@pytest.mark.parametrize("text", NONE)
def test_phrasings_that_state_no_budget(text: str) -> None:
    assert extract(text).spec.budget_usd_per_month is None
