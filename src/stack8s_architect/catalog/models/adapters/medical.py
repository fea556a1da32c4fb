"""MONAI model-zoo bundles: `configs/metadata.json`, the bundle `LICENSE`, `docs/data_license.txt`, `docs/README.md`.

Quirks handled here, from ../shared/data/models/README.md and the files themselves:
- `task` is free text ("CT lung nodule detection", "BraTS MRI image synthesis", "Pathology Nuclick
  annotation"); the task word comes from it, then the bundle's `name`, then its folder name.
- A bundle `LICENSE` either is one licence (Apache, MIT, a private non-commercial one) or has a
  "Code License" part and a "Model Weights License" part (MAISI, VISTA: NVIDIA licence, CC-BY-NC-SA).
  The weights licence is what governs using the model, so it is `license_raw`; the code licence is
  kept as a `code-license:` tag.
- `docs/data_license.txt` holds the training-data terms, often research-only or non-commercial; it
  becomes a `data-license:` tag (non-commercial / research / third-party).
- Input modality is spelt "CT", "MR", "MRI", "Mammogram", "regular" or "none".
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from stack8s_architect.catalog.models.records import CardText, ModelBatch, ModelFact
from stack8s_architect.catalog.models.adapters.rows import ROW_ERRORS as _ROW_ERRORS
from stack8s_architect.catalog.models.adapters.rows import Malformed as _Malformed
from stack8s_architect.catalog.models.adapters.rows import drop_reason as _drop_reason

MONAI_SOURCE = "monai-model-zoo"
MONAI_OBSERVED_ON = "2024-10-11"  # the snapshot commit's date (README)

# Mirror-relative folder (under shared/data/models) with its upstream origin; read with `read_monai_bundles`.
FILES: list[dict[str, str]] = [
    {
        "repository": "Project-MONAI/model-zoo",
        "commit": "dfae206df112837d817e78d3727c9f32b3b52e82",
        "upstream_path": "models",
        "mirror_path": "Project-MONAI+model-zoo/models",
    },
]

# First match wins: segmentation before classification ("Nuclear segmentation and classification");
# interactive annotation bundles segment; "randomly generated spheres" is not a generative task.
_TASK_WORDS = (
    ("generation", re.compile(r"synthes|\bgenerat(?:e|ion|ive)\b|diffusion|\bgan\b", re.I)),
    ("detection", re.compile(r"detection", re.I)),
    ("segmentation", re.compile(r"segment|annotation", re.I)),
    ("classification", re.compile(r"classif", re.I)),
    ("registration", re.compile(r"registration", re.I)),
    ("keypoint-detection", re.compile(r"landmark", re.I)),
)
_NON_COMMERCIAL = re.compile(r"non-?commercial|\bBY-NC\b", re.I)
_RESEARCH_ONLY = re.compile(r"own\s+research|research\s+(?:purposes?\s+)?only|for\s+research\s+purposes", re.I)
_NO_MODALITY = {"", "none"}
_WEIGHTS_SECTION = "Model Weights License"
_NOT_A_LICENCE_NAME = ("This license applies", "Code License", "---", "===")


def read_monai_bundles(folder: Path, *, source_id: str = MONAI_SOURCE) -> ModelBatch:
    """Every bundle folder under `folder` (the zoo's `models/`): a fact (id `monai/<bundle>`) and its README card."""
    batch = ModelBatch()
    for bundle in sorted(path for path in folder.iterdir() if path.is_dir()):
        batch.rows_read += 1
        try:
            _add_bundle(batch, bundle, source_id)
        except _ROW_ERRORS as exc:
            batch.dropped[_drop_reason(exc)] += 1
    return batch


def _add_bundle(batch: ModelBatch, bundle: Path, source_id: str) -> None:
    raw_id, fields = f"monai/{bundle.name}", bundle_fields(bundle, _metadata(bundle))
    # exactness 3: the bundle's own metadata, like a model's config.json
    batch.facts.append(ModelFact(source_id, raw_id, "monai", fields, MONAI_OBSERVED_ON, exactness=3))
    readme = _read_text(bundle / "docs" / "README.md")
    if readme and readme.strip():
        batch.cards.append(CardText(source_id, raw_id, "monai", readme, MONAI_OBSERVED_ON))
    else:
        batch.dropped["no docs/README.md (fact kept)"] += 1


def _metadata(bundle: Path) -> dict:
    text = _read_text(bundle / "configs" / "metadata.json")
    if text is None:
        raise _Malformed("no configs/metadata.json")
    try:
        metadata = json.loads(text)
    except json.JSONDecodeError:
        raise _Malformed("unreadable configs/metadata.json") from None
    if not isinstance(metadata, dict):
        raise _Malformed("configs/metadata.json is not an object")
    return metadata


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def bundle_fields(bundle: Path, metadata: dict) -> dict[str, object]:
    """The fact fields of one bundle: task word, description, licences, modalities, caveat tags."""
    fields: dict[str, object] = {"library": "monai", "tags": ["medical-imaging"]}
    task = task_word(str(metadata.get("task") or ""), str(metadata.get("name") or ""), bundle.name)
    if task:
        fields["task_hint"] = task
    if description := _description(metadata):
        fields["description"] = description
    if metadata.get("authors"):
        fields["organization"] = str(metadata["authors"])
    if modalities := input_modalities(metadata):
        fields["modalities"] = modalities
    _add_licences(fields, bundle)
    return fields


def task_word(*texts: str) -> str | None:
    """The first task word found in the bundle's task, then name, then folder name."""
    for text in texts:
        for word, pattern in _TASK_WORDS:
            if pattern.search(text.replace("_", " ")):
                return word
    return None


def _description(metadata: dict) -> str:
    parts = [str(metadata.get("name") or "").strip(), str(metadata.get("description") or "").strip()]
    text = ": ".join(part for part in parts if part)
    if intended_use := str(metadata.get("intended_use") or "").strip():
        text = f"{text}. Intended use: {intended_use}" if text else f"Intended use: {intended_use}"
    return text


def input_modalities(metadata: dict) -> list[str]:
    """Input modalities as the bundle spells them (CT, MR, …), without "none"."""
    data_format = metadata.get("network_data_format")
    inputs = data_format.get("inputs") if isinstance(data_format, dict) else None
    specs = inputs.values() if isinstance(inputs, dict) else ()
    found = (str(spec.get("modality") or "").strip() for spec in specs if isinstance(spec, dict))
    return sorted({modality for modality in found if modality.lower() not in _NO_MODALITY})


def _add_licences(fields: dict[str, object], bundle: Path) -> None:
    tags: list[str] = fields["tags"]  # type: ignore[assignment]
    licence = _read_text(bundle / "LICENSE")
    if licence:
        weights, code = licence_names(licence)
        if weights:
            fields["license_raw"] = weights
        if code:
            tags.append(f"code-license:{code}")
    if (caveat := data_licence_tag(_read_text(bundle / "docs" / "data_license.txt"))) is not None:
        tags.append(caveat)


def licence_names(text: str) -> tuple[str | None, str | None]:
    """(licence of the weights, separate code licence or None) from a bundle LICENSE file."""
    if _WEIGHTS_SECTION not in text:
        return _licence_name(text), None
    code, weights = text.split(_WEIGHTS_SECTION, 1)
    return _licence_name(weights), _licence_name(code)


def _licence_name(text: str) -> str | None:
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line and not line.startswith(_NOT_A_LICENCE_NAME)]
    if not lines:
        return None
    if lines[0] == "Apache License" and len(lines) > 1 and lines[1].startswith("Version 2.0"):
        return "Apache License, Version 2.0"
    return lines[0]


def data_licence_tag(text: str | None) -> str | None:
    """`data-license:non-commercial`, `…:research` or `…:third-party` from data_license.txt; None without one."""
    if not text or not text.strip():
        return None
    if _NON_COMMERCIAL.search(text):
        return "data-license:non-commercial"
    if _RESEARCH_ONLY.search(text):
        return "data-license:research"
    return "data-license:third-party"
