"""The GPU stage against its corpus (tests/agents/corpus/gpus.yaml): a ruled-out GPU is never wanted, and a
plan never rents it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from stack8s_architect.agents.extraction import extract, gpu_polarity
from stack8s_architect.planning.sizing_step import size_for
from stack8s_architect.planning.spec import WorkloadSpec

CORPUS = yaml.safe_load((Path(__file__).parent / "corpus" / "gpus.yaml").read_text())
CASES = [pytest.param(text, entry["want"], entry["rule_out"], id=text[:60])
         for entry in CORPUS for text in entry["phrasings"]]


@pytest.mark.parametrize(("text", "want", "rule_out"), CASES)
def test_phrasings_read_as_their_gpus(text: str, want: list[str], rule_out: list[str]) -> None:
    assert gpu_polarity(text) == (want, rule_out)
    spec = extract(text).spec
    assert (spec.gpu_names or []) == want and (spec.exclude_gpus or []) == rule_out


def test_a_ruled_out_family_is_not_sized() -> None:
    outcome = size_for(WorkloadSpec(task="inference", params_billions=8, exclude_gpus=["H100", "L4"]))
    sized = {fit.gpu_key for fit in outcome.fits}
    assert sized and not sized & {"H100-SXM", "H100-PCIe", "H100-NVL", "L4"} and "A100-80GB" in sized
