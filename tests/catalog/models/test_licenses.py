"""Licence normalisation: every spelling the model sources use, and the commercial-use verdict it carries."""

from __future__ import annotations

import csv
import dataclasses
import gzip
import json
import os
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from stack8s_architect.catalog.models.licenses import (
    LICENSE_ALIASES,
    LICENSE_RULES,
    LICENSES,
    UNKNOWN,
    License,
    normalize_license,
)

MODELS_DATA = Path(
    os.environ.get("ARCHITECT_DATA_MIRROR") or Path(__file__).resolve().parents[3].parent / "shared" / "data"
) / "models"

# (raw spelling as a source writes it, licence id, commercial_use)
CASES = [
    # Hub tags and leaderboard hub_license
    ("license:apache-2.0", "apache-2.0", "yes"),
    ("apache-2.0", "apache-2.0", "yes"),
    ("license:apache-2", "apache-2.0", "yes"),
    ("license:mit", "mit", "yes"),
    ("license:cc-by-4.0", "cc-by-4.0", "yes"),
    ("license:cc0-1.0", "cc0-1.0", "yes"),
    ("license:bsd-3", "bsd-3-clause", "yes"),
    ("license:academic free license v3.0", "afl-3.0", "yes"),
    ("bsl-1.0", "bsl-1.0", "yes"),  # the Hub's bsl-1.0 is the Boost licence, not Business Source
    ("cc-by-nc-4.0", "cc-by-nc-4.0", "no"),
    ("license:cc-by-nc-sa-3.0", "cc-by-nc-sa-3.0", "no"),
    ("cc-by-nc-nd-4.0", "cc-by-nc-nd-4.0", "no"),
    ("cc-by-nd-4.0", "cc-by-nd-4.0", "restricted"),  # no fine-tuned copies may be shared
    ("license:cc-by-sa-4.0", "cc-by-sa-4.0", "restricted"),  # share-alike, like copyleft
    ("llama2", "llama2", "restricted"),
    ("llama3.1", "llama3.1", "restricted"),
    ("llama3.2", "llama3.2", "restricted"),
    ("gemma", "gemma", "restricted"),
    ("creativeml-openrail-m", "creativeml-openrail-m", "restricted"),
    ("license:openrail++", "openrail++", "restricted"),
    ("bigscience-bloom-rail-1.0", "bigscience-bloom-rail-1.0", "restricted"),
    ("license:gpl-3.0", "gpl-3.0", "restricted"),
    ("license:agpl-3.0", "agpl-3.0", "restricted"),
    ("license:lgpl-lr", "lgpl-lr", "restricted"),
    ("other", "other", "unknown"),
    ("license:other", "other", "unknown"),
    ("cc", "cc", "unknown"),  # Creative Commons family without the variant
    # LMArena / LMSYS `license` column
    ("Proprietary", "proprietary", "no"),
    ("Propretary", "proprietary", "no"),  # arena typo
    ("Apache 2.0", "apache-2.0", "yes"),
    ("MIT", "mit", "yes"),
    ("CC-BY-NC-4.0", "cc-by-nc-4.0", "no"),
    ("Llama 3.1 Community", "llama3.1", "restricted"),
    ("Llama 3 Community", "llama3", "restricted"),
    ("Llama 2 Community", "llama2", "restricted"),
    ("Llama-3.3", "llama3.3", "restricted"),
    ("Llama 4", "llama4", "restricted"),
    ("Llama", "llama", "restricted"),  # arena labels Llama-4-Scout this way
    ("Gemma", "gemma", "restricted"),
    ("Gemma license", "gemma", "restricted"),
    ("Qianwen LICENSE", "qwen", "restricted"),
    ("DeepSeek License", "deepseek", "restricted"),
    ("Non-commercial", "non-commercial", "no"),  # arena: Alpaca, Vicuna, LLaMA-13B
    ("MRL", "mrl", "no"),  # Mistral Research License (Mistral-Large-2411)
    ("Mistral Research", "mrl", "no"),
    ("Jamba Open", "jamba-open", "restricted"),
    ("Yi License", "yi-license", "restricted"),
    ("DBRX LICENSE", "dbrx", "restricted"),
    ("Falcon-180B TII License", "falcon-180b", "restricted"),
    ("AI2 ImpACT Low-risk", "ai2-impact-lr", "restricted"),
    ("Modified MIT", "modified-mit", "restricted"),  # Kimi K2: attribution duty for large products
    ("Nvidia Open Model", "nvidia-open-model-license", "restricted"),
    ("CogVLM2", "cogvlm2", "restricted"),
    ("Open", "open-weights", "unknown"),  # ASR leaderboard and arena: weights published, licence unnamed
    # LocalAI gallery `license`
    ("lfm1.0", "lfm1.0", "restricted"),  # docs.liquid.ai: free commercial use under $10M annual revenue
    ("LFM-Open-License-v1.0", "lfm1.0", "restricted"),
    ("insightface-non-commercial", "insightface-non-commercial", "no"),
    ("flux-1-dev-non-commercial-license", "flux-1-dev-non-commercial-license", "no"),
    ("ideogram-non-commercial-model-agreement", "non-commercial", "no"),
    ("fish-audio-research-license", "research-only", "no"),
    ("falcon-llm-license", "falcon-llm-license", "restricted"),
    ("stabilityai-ai-community", "stabilityai-ai-community", "restricted"),
    ("mnpl", "mnpl", "no"),  # Mistral AI Non-Production License (Codestral 22B)
    ("openmdw-1.1", "openmdw-1.1", "yes"),
    # roboflow `license` (ultralytics YOLO is AGPL; "APGL" is roboflow's spelling)
    ("APGL-3.0", "agpl-3.0", "restricted"),
    ("GPL-3.0", "gpl-3.0", "restricted"),
    ("Apache-2.0", "apache-2.0", "yes"),
    # MONAI bundle LICENSE headings
    ("Apache License Version 2.0, January 2004", "apache-2.0", "yes"),
    ("MIT License", "mit", "yes"),
    ("NVIDIA License", "nvidia-license", "no"),  # vista3d LICENSE §3.3: research or evaluation only
    ("Private Use, Non-Commercial, Non-Reverse-Engineering License", "non-commercial", "no"),
    # open-llms Markdown table
    ("[Apache 2.0](https://github.com/salesforce/xgen/blob/main/LICENSE)", "apache-2.0", "yes"),
    ("[OpenRAIL-M v1](https://huggingface.co/spaces/bigcode/bigcode-model-license-agreement)",
     "bigcode-openrail-m", "restricted"),
    ("[Custom](https://github.com/facebookresearch/llama/blob/main/LICENSE) Free if you have under 700M users",
     "llama2", "restricted"),  # facebookresearch/llama's LICENSE is the Llama 2 licence
    ("[Custom](https://huggingface.co/Qwen/Qwen1.5-7B-Chat/blob/main/LICENSE) Free if you have under 100M users",
     "qwen", "restricted"),
    ("[Custom Apache 2.0](https://falconllm-staging.tii.ae/falcon-2-terms-and-conditions.html) with mild acceptable"
     " use policy", "falcon-llm-license", "restricted"),
    ("[Custom open license](https://huggingface.co/apple/OpenELM-270M/blob/main/LICENSE) No usage or training"
     " restrictions", "apple-ascl", "yes"),
    ("[Custom](https://huggingface.co/Fugaku-LLM/Fugaku-LLM-13B-instruct/blob/main/LICENSE) Free with usage"
     " restrictions", "custom-restricted", "restricted"),
    ("Apache 2.0 with usage restriction inherited from BLOOM", "bigscience-bloom-rail-1.0", "restricted"),
    ("Apache 2.0, CC BY-SA-3.0", "cc-by-sa-3.0", "restricted"),  # the more restrictive half wins
    # missing
    (None, "unknown", "unknown"),
    ("", "unknown", "unknown"),
    ("-", "unknown", "unknown"),
    ("license:???", "unknown", "unknown"),
    ("something nobody has heard of", "unknown", "unknown"),
]


@pytest.mark.parametrize(("raw", "license_id", "commercial_use"), CASES)
def test_normalize_license(raw: str | None, license_id: str, commercial_use: str) -> None:
    found = normalize_license(raw)
    assert (found.id, found.commercial_use) == (license_id, commercial_use)


@pytest.mark.parametrize(
    ("raw", "spdx", "name"),
    [
        ("license:cc-by-nc-sa-4.0", "CC-BY-NC-SA-4.0", "Creative Commons Attribution-NonCommercial-ShareAlike 4.0"),
        ("CC BY-SA-4.0", "CC-BY-SA-4.0", "Creative Commons Attribution-ShareAlike 4.0"),
        ("apache-2.0", "Apache-2.0", "Apache License 2.0"),
        ("APGL-3.0", "AGPL-3.0", "GNU AGPL v3"),
        ("Llama 3.1 Community", None, "Llama 3.1 Community License"),  # custom licences have no SPDX id
    ],
)
def test_spdx_and_display_name(raw: str, spdx: str | None, name: str) -> None:
    found = normalize_license(raw)
    assert (found.spdx, found.name) == (spdx, name)


def test_notes_say_why() -> None:
    assert "700M" in normalize_license("llama3.1").note
    assert "network use" in normalize_license("agpl-3.0").note
    assert "self-host" in normalize_license("Proprietary").note
    assert all(lic.note and lic.name for lic in LICENSES.values())


def test_license_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        UNKNOWN.id = "mit"  # type: ignore[misc]
    assert isinstance(normalize_license("mit"), License)


def test_tables_point_at_known_licences() -> None:
    assert {license_id for _, license_id in LICENSE_RULES} <= set(LICENSES)
    assert set(LICENSE_ALIASES.values()) <= set(LICENSES)
    for lic in LICENSES.values():
        assert lic.id == lic.id.lower()
        assert lic.commercial_use in {"yes", "restricted", "no", "unknown"}
        assert normalize_license(lic.id) == lic  # every id normalises to itself


# --- every spelling in the real data -------------------------------------------------------------

# Strings that literally say the licence is unknown: mapping them to "unknown" is the right answer.
DELIBERATE_UNKNOWN = {"unknown", "license:unknown", "license:???", "-"}


def _licence_strings(root: Path) -> Iterator[str]:
    yield from _hub_licence_tags(root)
    csv_dir = root / "fboulnois+llm-leaderboard-csv" / "csv"
    yield from _csv_column(csv_dir / "huggingface.csv", "hub_license")
    yield from _csv_column(csv_dir / "huggingface_v2.csv", "metadata_hub_license")
    for name in ("lmarena_text", "lmarena_vision", "lmarena_image", "lmsys"):
        yield from _csv_column(csv_dir / f"{name}.csv", "license")
    for path in sorted((root / "huggingface+open_asr_leaderboard" / "scripts" / "data").glob("*.csv")):
        yield from _csv_column(path, "License")
    for path in sorted((root / "roboflow+model-leaderboard").rglob("*.json")):
        yield from _roboflow_licences(json.loads(path.read_text()))
    gallery = (root / "mudler+LocalAI" / "gallery" / "index.yaml").read_text()
    yield from (value.strip("\"' ") for value in re.findall(r"^\s*license:\s*(.+?)\s*$", gallery, re.MULTILINE))
    yield from _open_llms_licences((root / "eugeneyan+open-llms" / "README.md").read_text())
    for path in sorted((root / "Project-MONAI+model-zoo" / "models").glob("*/LICENSE")):
        yield _monai_weights_heading(path.read_text())


def _hub_licence_tags(root: Path) -> Iterator[str]:
    with gzip.open(root / "saranscript+huggingface-models" / "models.jsonl.gz", "rt") as lines:
        for line in lines:
            yield from (tag for tag in json.loads(line)["infos"].get("tags") or [] if tag.startswith("license:"))
    samples = json.loads((root / "hn5318+model_card_analysis" / "Dataset" / "Sample_modelcard" / "samples_data.json")
                         .read_text())
    for record in samples.values():
        yield from (tag for tag in record.get("tags") or [] if tag.startswith("license:"))


def _csv_column(path: Path, column: str) -> Iterator[str]:
    with path.open(newline="") as handle:
        yield from (row[column] for row in csv.DictReader(handle) if row.get(column))


def _roboflow_licences(document: object) -> Iterator[str]:
    for row in document if isinstance(document, list) else [document]:
        metadata = row.get("metadata", row) if isinstance(row, dict) else {}
        if metadata.get("license"):
            yield metadata["license"]


def _open_llms_licences(readme: str) -> Iterator[str]:
    column = None
    for line in readme.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not line.startswith("|"):
            column = None
        elif "Licence" in cells:
            column = cells.index("Licence")
        elif column is not None and not set(line) <= set("|- ") and len(cells) > column:
            yield cells[column]


def _monai_weights_heading(text: str) -> str:
    """The licence heading that governs the weights: the 'Model Weights License' section when there is one."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if "Model Weights License" in lines:
        after = lines[lines.index("Model Weights License") + 1:]
        return next(line for line in after if not line.startswith("This license applies"))
    return lines[0]


@pytest.mark.integration
def test_every_frequent_licence_string_in_the_data_is_recognised() -> None:
    if not (MODELS_DATA / "saranscript+huggingface-models").is_dir():
        pytest.skip("shared/data/models (or ARCHITECT_DATA_MIRROR) is absent: no model sources to scan")
    counts = Counter(value.strip() for value in _licence_strings(MODELS_DATA) if value.strip())
    assert len(counts) > 150 and counts["license:apache-2.0"] > 5000  # the scan really read the sources
    unrecognised = {
        value: count for value, count in counts.items()
        if count >= 3 and value not in DELIBERATE_UNKNOWN and normalize_license(value).id == "unknown"
    }
    assert unrecognised == {}
    recognised = sum(count for value, count in counts.items() if normalize_license(value).id != "unknown")
    assert recognised / sum(counts.values()) > 0.99
