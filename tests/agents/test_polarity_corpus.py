"""The providers stage against its corpus (tests/agents/corpus/providers.yaml): each phrasing must read as the
providers it wants and rules out — a ruled-out provider is never selected."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from stack8s_architect.agents.extraction import extract, provider_polarity

CORPUS = yaml.safe_load((Path(__file__).parent / "corpus" / "providers.yaml").read_text())
CASES = [pytest.param(text, entry["want"], entry["rule_out"], id=text[:60])
         for entry in CORPUS if "phrasings" in entry for text in entry["phrasings"]]
NONE = [pytest.param(text, id=text[:60]) for entry in CORPUS for text in entry.get("must_not", ())]


@pytest.mark.parametrize(("text", "want", "rule_out"), CASES)
def test_phrasings_read_as_their_providers(text: str, want: list[str], rule_out: list[str]) -> None:
    assert provider_polarity(text) == (want, rule_out)
    spec = extract(text).spec
    assert (spec.providers or []) == want and (spec.exclude_providers or []) == rule_out


@pytest.mark.parametrize("text", NONE)
def test_words_that_are_not_providers(text: str) -> None:
    assert provider_polarity(text) == ([], [])


def test_the_corpus_is_not_trivial() -> None:
    assert len(CASES) >= 35 and any(entry["rule_out"] for entry in CORPUS if "rule_out" in entry)
