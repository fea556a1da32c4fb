"""Model-card collections: asgaardlab's 48 popular cards and hn5318's 758 sampled cards with metadata.

Quirks handled here, from ../shared/data/models/README.md and the files themselves:
- asgaardlab folders are `<org>@<name>`; `2_original_model_card.md` is the original README (YAML
  front matter already stripped), `5_reorganized_model_card.md` an LLM rewrite, not read here.
- hn5318 `samples_data.json` is an object keyed "1".."758", not a list; `downloads` and `likes` are
  floats (2.0); `tags` mix `license:*`, `base_model:*`, `dataset:*`, languages and libraries; some
  cards are a few characters long ("---\nLisans: openrail"), kept as facts but not as card text.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from stack8s_architect.catalog.models.records import CardText, ModelBatch, ModelFact
from stack8s_architect.catalog.models.adapters.rows import ROW_ERRORS as _ROW_ERRORS
from stack8s_architect.catalog.models.adapters.rows import Malformed as _Malformed
from stack8s_architect.catalog.models.adapters.rows import drop_reason as _drop_reason

ASGAARDLAB_SOURCE = "asgaardlab-cards"
HN5318_SOURCE = "hn5318-cards"
ASGAARDLAB_OBSERVED_ON = "2025-07-23"  # the snapshot commit's date (README)
HN5318_OBSERVED_ON = "2024-09-17"  # the snapshot commit's date; the cards look 2022–2023 era (README)
ORIGINAL_CARD = "2_original_model_card.md"
_CARD_MIN_CHARS = 100  # shorter texts are stubs ("---\nLisans: openrail"), nothing to retrieve

# Mirror-relative paths (under shared/data/models) with their upstream origin, for the source registry.
# The asgaardlab entry is a folder: read it with `read_asgaardlab_cards`.
FILES: list[dict[str, str]] = [
    {
        "repository": "asgaardlab/model-card-reorganization",
        "commit": "d31e549a624e29062c97981f1c955e93b1220477",
        "upstream_path": "verified_model_cards",
        "mirror_path": "asgaardlab+model-card-reorganization/verified_model_cards",
    },
    {
        "repository": "hn5318/model_card_analysis",
        "commit": "6540bff11f5d4f4965f46624781d18d261d49169",
        "upstream_path": "Dataset/Sample_modelcard/samples_data.json",
        "mirror_path": "hn5318+model_card_analysis/Dataset/Sample_modelcard/samples_data.json",
    },
]


def read_asgaardlab_cards(folder: Path, *, source_id: str = ASGAARDLAB_SOURCE) -> ModelBatch:
    """Each `<org>@<name>/2_original_model_card.md` under `folder` as card text for HF id `org/name`."""
    batch = ModelBatch()
    for card_folder in sorted(path for path in folder.iterdir() if path.is_dir()):
        batch.rows_read += 1
        try:
            batch.cards.append(_asgaardlab_card(card_folder, source_id))
        except _ROW_ERRORS as exc:
            batch.dropped[_drop_reason(exc)] += 1
    return batch


def model_id_from_folder(name: str) -> str | None:
    """`org@name` → `org/name`; None when the folder name is not of that form."""
    org, _, model = name.partition("@")
    return f"{org}/{model}" if org and model else None


def _asgaardlab_card(card_folder: Path, source_id: str) -> CardText:
    raw_id = model_id_from_folder(card_folder.name)
    if raw_id is None:
        raise _Malformed("folder name is not <org>@<name>")
    try:
        text = (card_folder / ORIGINAL_CARD).read_text(encoding="utf-8", errors="replace")
    except OSError:
        raise _Malformed(f"no {ORIGINAL_CARD}") from None
    if len(text.strip()) < _CARD_MIN_CHARS:
        raise _Malformed("card text too short")
    return CardText(source_id, raw_id, "hf", text.strip(), ASGAARDLAB_OBSERVED_ON)


def read_hn5318_cards(path: Path, *, source_id: str = HN5318_SOURCE) -> ModelBatch:
    """`samples_data.json`: a fact (tags, downloads, likes, licence and base-model tags) and card text per model."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, (dict, list)):
        raise ValueError(f"{path}: expected an object keyed by sample number (or a list) of records")
    records, batch = list(data.values()) if isinstance(data, dict) else data, ModelBatch()
    for record in records:
        batch.rows_read += 1
        try:
            _add_hn5318_record(batch, record, source_id)
        except _ROW_ERRORS as exc:
            batch.dropped[_drop_reason(exc)] += 1
    return batch


def _add_hn5318_record(batch: ModelBatch, record: object, source_id: str) -> None:
    if not isinstance(record, dict) or not str(record.get("modelId") or "").strip():
        raise _Malformed("no modelId")
    raw_id, fields = str(record["modelId"]).strip(), hn5318_fields(record)
    batch.facts.append(ModelFact(source_id, raw_id, "hf", fields, HN5318_OBSERVED_ON, exactness=1))
    text = str(record.get("modelcard_text") or "").strip()
    if len(text) >= _CARD_MIN_CHARS:
        batch.cards.append(CardText(source_id, raw_id, "hf", text, HN5318_OBSERVED_ON))
    else:
        batch.dropped["card text too short (fact kept)"] += 1


def hn5318_fields(record: dict) -> dict[str, object]:
    """Tags as given, downloads and likes as counts, and the `license:` / `base_model:` tags' values."""
    listed = record.get("tags") if isinstance(record.get("tags"), list) else []
    tags = [tag for tag in listed if isinstance(tag, str)]
    fields: dict[str, object] = {"tags": tags} if tags else {}
    for key in ("downloads", "likes"):
        value = record.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value < math.inf:
            fields[key] = int(value)
    for prefix, name in (("license:", "license_raw"), ("base_model:", "base_model")):
        if values := [tag.removeprefix(prefix) for tag in tags if tag.startswith(prefix)]:
            fields[name] = values[0]
    return fields
