"""Trending transformers.js feature-extraction models (do-me/trending-huggingface-models JSON).

Quirks handled here, from ../shared/data/models/README.md and the file itself:
- The JSON is a pandas frame in "columns" orient: `{column: {row index: value}}`, not a list of
  records (a list of records is read too).
- `pipeline_tag` is `feature-extraction` or `sentence-similarity`, kept as given.
- `numParameters` is null for about half the models (no safetensors metadata upstream).
- `sizes` is one string of ONNX file sizes, "547MBxet | 158MBxet | …": binary units (`min_size` /
  `max_size` are the same figures in bytes, 111MB = 116,391,936), an "xet" storage suffix, no file
  names and repeated sizes. One Variant per distinct size, named `<repo>#onnx-<size>`.
- `mined_date` is DD-MM-YYYY.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

from stack8s_architect.catalog.models.records import ModelBatch, ModelFact, Variant
from stack8s_architect.catalog.models.adapters.rows import ROW_ERRORS as _ROW_ERRORS
from stack8s_architect.catalog.models.adapters.rows import Malformed as _Malformed
from stack8s_architect.catalog.models.adapters.rows import drop_reason as _drop_reason

EMBEDDINGS_SOURCE = "trending-embeddings"
EMBEDDINGS_OBSERVED_ON = "2026-05-07"  # mined_date 07-05-2026 (README)

# Mirror-relative path (under shared/data/models) with its upstream origin, for the source registry.
FILES: list[dict[str, str]] = [
    {
        "repository": "do-me/trending-huggingface-models",
        "commit": "fe2ccd3f155942abcb50a874d9b32f2416503f16",
        "upstream_path": "data/feature-extraction/transformersjs_07-05-2026.json",
        "mirror_path": "do-me+trending-huggingface-models/data/feature-extraction/transformersjs_07-05-2026.json",
    },
]

_SIZE = re.compile(r"^\s*([\d.]+)\s*([kMGT]?B)", re.I)
_UNIT_BYTES = {"b": 1, "kb": 1024, "mb": 1024**2, "gb": 1024**3, "tb": 1024**4}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_DMY_DATE = re.compile(r"^(\d{2})-(\d{2})-(\d{4})$")


def frame_records(data: object) -> list[object]:
    """Rows of a pandas "columns"-orient JSON frame (or a plain list of records), in index order."""
    if isinstance(data, list):
        return data
    if not isinstance(data, dict) or not isinstance(data.get("id"), dict):
        raise ValueError("neither a list of records nor a columns-orient frame with an `id` column")
    index = sorted(data["id"], key=lambda key: (len(key), key))
    return [{column: values.get(key) for column, values in data.items() if isinstance(values, dict)} for key in index]


def read_trending_embeddings(path: Path, *, source_id: str = EMBEDDINGS_SOURCE) -> ModelBatch:
    """Facts (downloads, likes, parameters, dates, gated) and ONNX size Variants per trending model."""
    batch = ModelBatch()
    for row in frame_records(json.loads(path.read_text(encoding="utf-8"))):
        batch.rows_read += 1
        try:
            _add_model(batch, row, source_id)
        except _ROW_ERRORS as exc:
            batch.dropped[_drop_reason(exc)] += 1
    return batch


def _add_model(batch: ModelBatch, row: object, source_id: str) -> None:
    if not isinstance(row, dict) or not str(row.get("id") or "").strip():
        raise _Malformed("no model id")
    model_id = str(row["id"]).strip()
    observed_on = _dmy_to_iso(row.get("mined_date")) or EMBEDDINGS_OBSERVED_ON
    fact = ModelFact(source_id, model_id, "hf", model_fields(row), observed_on, exactness=1)
    variants = onnx_variants(source_id, model_id, str(row.get("sizes") or ""))
    batch.facts.append(fact)
    batch.variants.extend(variants)


def model_fields(row: dict) -> dict[str, object]:
    """The fact fields of one row; nulls and non-numbers are left out."""
    fields: dict[str, object] = {"library": "transformers.js"}
    if row.get("pipeline_tag"):
        fields["pipeline_tag"] = str(row["pipeline_tag"])
    for key, name in (("numParameters", "params_total"), ("downloads", "downloads"), ("likes", "likes")):
        if isinstance(row.get(key), (int, float)) and not isinstance(row[key], bool) and 0 <= row[key] < math.inf:
            fields[name] = float(row[key]) if name == "params_total" else int(row[key])
    if _ISO_DATE.match(str(row.get("lastModified") or "")):
        fields["modified_at"] = str(row["lastModified"])[:10]
    if row.get("gated") is not None:
        fields["gated"] = row["gated"] not in (False, "False", "false")  # the Hub says "auto" / "manual" when gated
    if row.get("author"):
        fields["organization"] = str(row["author"])
    return fields


def onnx_variants(source_id: str, model_id: str, sizes: str) -> list[Variant]:
    """One ONNX Variant per distinct size in a "547MBxet | 158MBxet" string; unreadable parts are skipped."""
    variants, seen = [], set[str]()
    for part in sizes.split("|"):
        match = _SIZE.match(part)
        if not match or match.group(0).strip() in seen:
            continue
        label = match.group(0).strip()
        seen.add(label)
        size_bytes = round(float(match.group(1)) * _UNIT_BYTES[match.group(2).lower()])
        variants.append(Variant(source_id, f"{model_id}#onnx-{label}", model_id, "onnx", size_bytes=size_bytes))
    return variants


def _dmy_to_iso(text: object) -> str | None:
    match = _DMY_DATE.match(str(text or "").strip())
    return f"{match.group(3)}-{match.group(2)}-{match.group(1)}" if match else None
