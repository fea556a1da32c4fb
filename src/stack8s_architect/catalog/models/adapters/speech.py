"""The Open ASR Leaderboard CSVs: `en_shortform.csv`, `en_longform.csv`, `multilingual.csv`.

Quirks handled here, from ../shared/data/models/README.md and the files themselves:
- The three files name their columns differently: the model is `model` or `model_id`, the average
  WER `Avg. WER`, `Average` or `Avg`; only en_shortform has `License`.
- API-only systems (ElevenLabs, Google Chirp, AssemblyAI…) have RTFx -1 and a size of -1 or blank,
  or `License` "Proprietary". Their ids are display names, not Hugging Face repos: no fact, but their
  WER is kept as a display-name signal.
- Some open checkpoints (wav2vec2, HuBERT) also have size -1: they get a fact without a size.
- `License` only says "Open" or "Proprietary". That is not a licence, so it is not `license_raw`
  (it would outrank a real licence from an older source); "Open" becomes the tag `open-weights`.
- Sizes are rounded (whisper-large-v3 is listed as 2 B for 1.55 B), so facts are exactness 1.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

from stack8s_architect.catalog.models.records import IdKind, ModelBatch, ModelFact, QualitySignal
from stack8s_architect.catalog.models.adapters.rows import ROW_ERRORS as _ROW_ERRORS
from stack8s_architect.catalog.models.adapters.rows import Malformed as _Malformed
from stack8s_architect.catalog.models.adapters.rows import drop_reason as _drop_reason

ASR_SOURCE = "open-asr-leaderboard"
ASR_OBSERVED_ON = "2026-08-21"  # the snapshot commit's date (README)
ASR_FILE_NAMES = ("en_shortform.csv", "en_longform.csv", "multilingual.csv")

# Mirror-relative paths (under shared/data/models) with their upstream origin, for the source registry.
FILES: list[dict[str, str]] = [
    {
        "repository": "huggingface/open_asr_leaderboard",
        "commit": "d1e99b25524814332d6868a5645e568670834cfb",
        "upstream_path": f"scripts/data/{name}",
        "mirror_path": f"huggingface+open_asr_leaderboard/scripts/data/{name}",
    }
    for name in ASR_FILE_NAMES
]

_MODEL_COLUMNS = ("model", "model_id")
_WER_COLUMNS = ("Avg. WER", "Average", "Avg")


def _first(row: dict[str, str | None], columns: tuple[str, ...]) -> str:
    return next(((row.get(column) or "").strip() for column in columns if (row.get(column) or "").strip()), "")


def _optional_number(text: str | None, what: str) -> float | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise _Malformed(f"{what} is not a number")
    return value


def read_asr_leaderboard(path: Path, *, source_id: str = ASR_SOURCE) -> ModelBatch:
    """One leaderboard CSV: facts for open models, `wer` and `rtfx` signals (detail = the file's split name)."""
    batch, split = ModelBatch(), path.stem
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            batch.rows_read += 1
            try:
                _add_row(batch, row, split, source_id)
            except _ROW_ERRORS as exc:
                batch.dropped[_drop_reason(exc)] += 1
    return batch


def is_api_only(row: dict[str, str | None]) -> bool:
    """An API system: no local speed measurement (RTFx -1 or blank) or a "Proprietary" licence."""
    rtfx = _optional_number(row.get("RTFx"), "RTFx")
    return rtfx is None or rtfx <= 0 or (row.get("License") or "").strip().lower() == "proprietary"


def _add_row(batch: ModelBatch, row: dict[str, str | None], split: str, source_id: str) -> None:
    model = _first(row, _MODEL_COLUMNS)
    if not model:
        raise _Malformed("no model name")
    wer = _optional_number(_first(row, _WER_COLUMNS), "average WER")
    rtfx = _optional_number(row.get("RTFx"), "RTFx")
    id_kind: IdKind = "display" if is_api_only(row) else "hf"
    fields = _fact_fields(row) if id_kind == "hf" else None
    if wer is not None:
        batch.signals.append(QualitySignal(source_id, model, id_kind, "wer", wer, False, "asr", split))
    if rtfx is not None and rtfx > 0:
        batch.signals.append(QualitySignal(source_id, model, id_kind, "rtfx", rtfx, True, "asr", split))
    if fields is not None:
        batch.facts.append(ModelFact(source_id, model, "hf", fields, ASR_OBSERVED_ON, exactness=1))


def _fact_fields(row: dict[str, str | None]) -> dict[str, object]:
    fields: dict[str, object] = {"task_hint": "asr"}
    size_billions = _optional_number(row.get("Model size (B)"), "Model size (B)")
    if size_billions is not None and size_billions > 0:
        fields["params_total"] = float(round(size_billions * 1e9))
    if (row.get("License") or "").strip().lower() == "open":
        fields["tags"] = ["open-weights"]
    return fields
