"""Memory per GPU against the dataset size (tests/agents/corpus/gpu_memory.yaml): "48 GB each" is per GPU."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from stack8s_architect.agents.extraction import extract

CORPUS = yaml.safe_load((Path(__file__).parent / "corpus" / "gpu_memory.yaml").read_text())
CASES = [pytest.param(text, entry["gpu_memory"], entry["dataset"], id=text[:60])
         for entry in CORPUS for text in entry["phrasings"]]


@pytest.mark.parametrize(("text", "gpu_memory", "dataset"), CASES)
def test_memory_per_gpu_is_not_a_dataset(text: str, gpu_memory: float | None, dataset: float | None) -> None:
    spec = extract(text).spec
    assert (spec.min_gpu_memory_gib, spec.dataset_size_gb) == (gpu_memory, dataset)


def test_a_diffusion_model_is_image_generation() -> None:
    assert extract("I need 4 GPUs with 48 GB each for training a diffusion model.").spec.domain == "image_generation"
