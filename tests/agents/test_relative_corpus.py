"""Relative changes against the conversation (tests/agents/corpus/relative.yaml), and through a chat turn."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from stack8s_architect.agents.relative import relative_change
from stack8s_architect.planning.spec import WorkloadSpec

CORPUS = yaml.safe_load((Path(__file__).parent / "corpus" / "relative.yaml").read_text())
CASES = [pytest.param(text, entry["before"], entry["after"], id=text[:60])
         for entry in CORPUS for text in entry["phrasings"]]


@pytest.mark.parametrize(("text", "before", "after"), CASES)
def test_phrasings_change_the_fields_relative_to_before(text: str, before: dict, after: dict) -> None:
    change = relative_change(text, WorkloadSpec(**before))
    assert change.values == after
    if not before and not after:
        assert change.notes and "no earlier" in change.notes[0]  # said back, not guessed
