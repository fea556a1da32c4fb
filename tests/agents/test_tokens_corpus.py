"""Training corpora stated in tokens (tests/agents/corpus/tokens.yaml), and asking for the numbers plans."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from stack8s_architect.agents.clarification import wants_defaults
from stack8s_architect.agents.extraction import extract

CORPUS = yaml.safe_load((Path(__file__).parent / "corpus" / "tokens.yaml").read_text())
CASES = [pytest.param(text, entry["gb"], id=text[:60]) for entry in CORPUS if "gb" in entry
         for text in entry["phrasings"]]
NONE = [pytest.param(text, id=text[:60]) for entry in CORPUS for text in entry.get("none", ())]


@pytest.mark.parametrize(("text", "gb"), CASES)
def test_a_token_count_is_a_text_dataset(text: str, gb: float) -> None:
    assert extract(text).spec.dataset_size_gb == gb


@pytest.mark.parametrize("text", NONE)
def test_tokens_that_are_not_a_corpus(text: str) -> None:
    assert extract(text).spec.dataset_size_gb is None


@pytest.mark.parametrize("text", ["What's the time and the price?", "how much would it cost", "how long will it take",
                                  "what is the cost?"])
def test_asking_for_the_numbers_asks_for_the_plan(text: str) -> None:
    assert wants_defaults(text)
