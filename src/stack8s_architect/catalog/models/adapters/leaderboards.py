"""Adapters for LLM leaderboards: Open LLM Leaderboard v1/v2, LMArena / LMSYS arenas and LiveBench.

Open LLM Leaderboard CSVs (fboulnois/llm-leaderboard-csv) name models by Hugging Face id; the arena
and LiveBench tables use display names (`Gemini-2.5-Pro`, `qwen3-32b-thinking`), so their records
carry id_kind "display". Quirks, from the data README and the files themselves:
- The same model appears more than once at different precisions (v2: 79 ids, v1: 349); one fact
  and one signal per model are kept, from its best-scoring row.
- v2: `metadata_hub_license` blank for 1,753 rows; `metadata_params_billions` is -1 or 0 when
  unknown; `metadata_base_model` repeats the model's own id for base models; architectures include
  `?` and `Unknown`. v1: `params_b` is rounded to whole billions (0 = unknown, or under 0.5 B);
  its `moe`/`flagged` flags are unreliable and not read; `date` is the submission, not the upload.
- Arenas: `license` spells the same licence many ways (`Apache 2.0`, `Apache-2.0`, `Propretary`)
  and uses `-` for unknown; lmarena_text lists `Yi-34B-Chat` twice (the better-ranked row is kept).
- LiveBench: one row (`nemotron-3-super-120b-a12b`) is short of fields and is dropped.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stack8s_architect.catalog.models.records import IdKind, ModelBatch, ModelFact, QualitySignal

_LEADERBOARD_REPO = "fboulnois/llm-leaderboard-csv"
_ARENA_COMMIT = "44db9588e2b0d12fff17d6e607066746f0fa84d5"


def _leaderboard_file(name: str, commit: str) -> dict[str, str]:
    return {
        "repository": _LEADERBOARD_REPO,
        "commit": commit,
        "upstream_path": f"csv/{name}",
        "mirror_path": f"fboulnois+llm-leaderboard-csv/csv/{name}",
    }


def _livebench_file(name: str) -> dict[str, str]:
    return {
        "repository": "LiveBench/livebench.github.io",
        "commit": "4bf96c8d9dc9b06c17d82dc76a54429975c2b2c2",
        "upstream_path": f"public/{name}",
        "mirror_path": f"LiveBench+livebench.github.io/public/{name}",
    }


FILES = (
    _leaderboard_file("huggingface_v2.csv", "b2d67d9157535832a3adb35773f3a7c49425059a"),
    _leaderboard_file("huggingface.csv", "666a83862a0ca7e427d989d5b582020bb65d65c7"),
    _leaderboard_file("lmarena_text.csv", _ARENA_COMMIT),
    _leaderboard_file("lmarena_vision.csv", _ARENA_COMMIT),
    _leaderboard_file("lmarena_image.csv", _ARENA_COMMIT),
    _leaderboard_file("lmsys.csv", "46bafa2e3259d93f3cae9b0af0865276580e737f"),
    _livebench_file("table_2026_01_08.csv"),
    _livebench_file("categories_2026_01_08.json"),
)


@dataclass(frozen=True)
class Board:
    """How one leaderboard file maps to records."""

    source_id: str
    observed_on: str  # ISO date of the snapshot
    metric: str
    task: str
    detail: str


OPEN_LLM_V2 = Board("open-llm-leaderboard-v2", "2025-06-09", "open_llm_v2_average", "llm", "Open LLM Leaderboard v2")
OPEN_LLM_V1 = Board("open-llm-leaderboard-v1", "2024-07-12", "open_llm_v1_average", "llm", "Open LLM Leaderboard v1")
_ARENA_DAY = "2025-08-06"
ARENAS = {  # by file stem
    "lmarena_text": Board("lmarena-text", _ARENA_DAY, "arena_text_score", "llm", "LMArena text"),
    "lmarena_vision": Board("lmarena-vision", _ARENA_DAY, "arena_vision_score", "image-text-to-text", "LMArena vision"),
    "lmarena_image": Board("lmarena-image", _ARENA_DAY, "arena_image_score", "text-to-image", "LMArena text-to-image"),
    "lmsys": Board("lmsys-arena", _ARENA_DAY, "lmsys_arena_score", "llm", "LMSYS Chatbot Arena"),
}
LIVEBENCH = Board("livebench", "2026-01-08", "livebench_average", "llm", "LiveBench 2026-01-08")

_EXACTNESS = 2  # curated leaderboards
_BLANK = {"", "?", "-", "unknown", "n/a"}
_ARCHITECTURE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_DUPLICATE = "same model listed again (best-scoring row kept)"


# ---- shared parsing -------------------------------------------------------------------------


def csv_rows(path: Path, batch: ModelBatch) -> Iterator[dict[str, str]]:
    """Rows as dicts by header; rows with the wrong number of fields are counted and skipped."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = [name.strip() for name in next(reader, [])]
        for fields in reader:
            if not any(field.strip() for field in fields):
                continue
            batch.rows_read += 1
            if len(fields) != len(header):
                batch.dropped["wrong number of fields"] += 1
                continue
            yield dict(zip(header, (field.strip() for field in fields), strict=True))


def _number(text: str | None) -> float | None:
    try:
        value = float(text) if text else None
    except ValueError:
        return None
    return value if value is not None and value == value else None  # NaN is missing


def _text(value: str | None) -> str | None:
    return value if value and value.strip().lower() not in _BLANK else None


def _iso_day(value: str | None) -> str | None:
    return value[:10] if value and _ISO_DAY.match(value) else None


def _compact(fields: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value is not None}


def _best_rows(rows: Iterator[dict[str, str]], id_column: str, score_column: str,
               batch: ModelBatch) -> dict[str, tuple[float, dict[str, str]]]:
    """Per model id, its best-scoring row (the first on ties); unusable rows are counted."""
    best: dict[str, tuple[float, dict[str, str]]] = {}
    for row in rows:
        model, score = row.get(id_column, ""), _number(row.get(score_column))
        if not model or score is None:
            batch.dropped[f"no model id or no numeric {score_column}"] += 1
            continue
        if model in best:
            batch.dropped[_DUPLICATE] += 1
            if score <= best[model][0]:
                continue
        best[model] = (score, row)
    return best


def _emit(batch: ModelBatch, board: Board, model: str, id_kind: IdKind, score: float,
          fields: dict[str, Any], detail: str) -> None:
    batch.facts.append(ModelFact(board.source_id, model, id_kind, fields, board.observed_on, _EXACTNESS))
    batch.signals.append(
        QualitySignal(board.source_id, model, id_kind, board.metric, score, True, board.task, detail)
    )


# ---- Open LLM Leaderboard -------------------------------------------------------------------


def read_open_llm_v2(path: Path) -> ModelBatch:
    """`huggingface_v2.csv`: licence, parameters, base model, architecture, upload date, likes + v2 average."""
    batch = ModelBatch()
    for model, (score, row) in _best_rows(csv_rows(path, batch), "model_name", "model_average_score", batch).items():
        detail = f"{OPEN_LLM_V2.detail}, {row.get('model_precision') or 'unknown precision'}"
        _emit(batch, OPEN_LLM_V2, model, "hf", score, open_llm_v2_fields(model, row), detail)
    return batch


def open_llm_v2_fields(model: str, row: dict[str, str]) -> dict[str, Any]:
    base = _text(row.get("metadata_base_model"))
    return _compact({
        "task_hint": "text-generation",
        "license_raw": _text(row.get("metadata_hub_license")),
        "params_total": _billions(row.get("metadata_params_billions")),
        "base_model": base if base != model else None,
        "architecture_name": _architecture(row.get("model_architecture")),
        "created_at": _iso_day(row.get("metadata_upload_date")),
        "likes": _likes(row.get("metadata_hub_hearts")),
        "is_moe": {"TRUE": True, "FALSE": False}.get(row.get("features_is_moe", "").upper()),
    })


def read_open_llm_v1(path: Path) -> ModelBatch:
    """`huggingface.csv` (v1): licence, rounded parameters, architecture, likes + v1 average."""
    batch = ModelBatch()
    for model, (score, row) in _best_rows(csv_rows(path, batch), "fullname", "average", batch).items():
        precision, weights = row.get("precision") or "unknown precision", row.get("weight_type") or "Original"
        detail = f"{OPEN_LLM_V1.detail}, {precision}, {weights}"
        _emit(batch, OPEN_LLM_V1, model, "hf", score, open_llm_v1_fields(row), detail)
    return batch


def open_llm_v1_fields(row: dict[str, str]) -> dict[str, Any]:
    return _compact({
        "task_hint": "text-generation",
        "license_raw": _text(row.get("hub_license")),
        "params_total": _billions(row.get("params_b")),
        "architecture_name": _architecture(row.get("architecture")),
        "likes": _likes(row.get("hub_hearts")),
    })


def _billions(text: str | None) -> float | None:
    value = _number(text)
    return value * 1e9 if value is not None and value > 0 else None


def _likes(text: str | None) -> int | None:
    value = _number(text)
    return int(value) if value is not None and value >= 0 else None


def _architecture(text: str | None) -> str | None:
    return text if text and _ARCHITECTURE.match(text) and text.lower() != "unknown" else None


# ---- arenas ---------------------------------------------------------------------------------


def read_arena(path: Path, board: str | None = None) -> ModelBatch:
    """An LMArena / LMSYS CSV (board = file stem unless given): organisation, licence + arena score."""
    spec = ARENAS.get(board or path.stem)
    if spec is None:
        raise ValueError(f"unknown arena board {board or path.stem!r}; expected one of {sorted(ARENAS)}")
    batch = ModelBatch()
    for model, (score, row) in _best_rows(csv_rows(path, batch), "model", "arena_score", batch).items():
        fields = _compact({"organization": _text(row.get("organization")), "license_raw": _text(row.get("license"))})
        detail = f"{spec.detail}, {row.get('votes') or '?'} votes, CI {row.get('95_pct_ci') or '?'}"
        _emit(batch, spec, model, "display", score, fields, detail)
    return batch


# ---- LiveBench ------------------------------------------------------------------------------


def read_livebench(table_path: Path, categories_path: Path) -> ModelBatch:
    """LiveBench scores: per-category averages and the overall average (mean of the categories)."""
    categories = _livebench_categories(categories_path)
    batch = ModelBatch()
    for row in csv_rows(table_path, batch):
        model = row.get("model", "")
        averages = {name: _mean(row, tasks) for name, tasks in categories.items()}
        complete = {name: value for name, value in averages.items() if value is not None}
        if not model or len(complete) < len(averages):
            batch.dropped["no model name or a non-numeric task score"] += 1
            continue
        batch.signals.extend(livebench_signals(model, complete))
    return batch


def _livebench_categories(path: Path) -> dict[str, list[str]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(isinstance(tasks, list) and tasks for tasks in data.values()):
        raise ValueError(f"{path}: expected a JSON object of category -> [task columns]")
    return data


def _mean(row: dict[str, str], tasks: list[str]) -> float | None:
    values = [value for task in tasks if (value := _number(row.get(task))) is not None]
    return sum(values) / len(values) if len(values) == len(tasks) else None


def livebench_signals(model: str, averages: dict[str, float]) -> list[QualitySignal]:
    """One signal per category (`livebench_coding` …) and `livebench_average` over the categories."""
    def signal(metric: str, value: float, detail: str) -> QualitySignal:
        source, task = LIVEBENCH.source_id, LIVEBENCH.task
        return QualitySignal(source, model, "display", metric, round(value, 3), True, task, detail)

    overall = sum(averages.values()) / len(averages)
    signals = [signal(LIVEBENCH.metric, overall, f"{LIVEBENCH.detail}, mean of {len(averages)} categories")]
    for name, value in averages.items():
        slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
        signals.append(signal(f"livebench_{slug}", value, f"{LIVEBENCH.detail}, {name}"))
    return signals
