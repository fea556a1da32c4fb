"""Vision sources: timm ImageNet results and inference benchmarks, the roboflow detection leaderboard.

Quirks handled here, from ../shared/data/models/README.md and the files themselves:
- timm `results-imagenet.csv` has 1,556 rows but 1,266 models: a model evaluated at several image
  sizes has one row per size. One fact per model; one top-1/top-5 signal per row, the image size in
  `detail` (the merge keeps the best). `param_count` is in millions and above 1,000 it carries a
  thousands separator ("1,014.45").
- timm benchmark CSVs name architectures without the pretrained tag (`convnextv2_large`, not
  `convnextv2_large.fcmae_ft_in22k_in1k`), include models with no weights (`test_vit`), and list
  each architecture at several image sizes: signals only, id kind "timm".
- roboflow results are one JSON file per model, the folder is the family; model names are display
  names (`yolov13l.pt`, `RT-DETRv2-M*`), not HF ids; licences as spelt there (`APGL-3.0`).
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections.abc import Iterator
from pathlib import Path

from stack8s_architect.catalog.models.records import ModelBatch, ModelFact, QualitySignal
from stack8s_architect.catalog.models.adapters.rows import ROW_ERRORS as _ROW_ERRORS
from stack8s_architect.catalog.models.adapters.rows import Malformed as _Malformed
from stack8s_architect.catalog.models.adapters.rows import drop_reason as _drop_reason

TIMM_RESULTS_SOURCE = "timm-imagenet"
TIMM_BENCHMARK_SOURCE = "timm-benchmark"
ROBOFLOW_SOURCE = "roboflow-detection"

_TIMM_REPO, _TIMM_COMMIT = "huggingface/pytorch-image-models", "aa4b5850c1543fa488abf260f18390eda46cf85d"
_TIMM_MIRROR = "huggingface+pytorch-image-models"
TIMM_BENCHMARK_FILES = (
    "benchmark-infer-amp-nchw-pt240-cu124-rtx3090.csv",
    "benchmark-infer-amp-nchw-pt240-cu124-rtx4090-dynamo.csv",
    "benchmark-infer-amp-nchw-pt240-cu124-rtx4090.csv",
    "benchmark-infer-amp-nchw-pt291-cu128-4090-dynamo.csv",
    "benchmark-infer-amp-nchw-pt291-cu128-4090.csv",
    "benchmark-infer-amp-nchw-pt291-cu130-5090-dynamo.csv",
    "benchmark-infer-amp-nchw-pt291-cu130-5090.csv",
    "benchmark-infer-amp-nchw-pt291-cu130-pro6000maxq-dynamo.csv",
    "benchmark-infer-amp-nchw-pt291-cu130-pro6000maxq.csv",
    "benchmark-infer-amp-nhwc-pt240-cu124-rtx3090.csv",
    "benchmark-infer-amp-nhwc-pt240-cu124-rtx4090.csv",
    "benchmark-infer-amp_bf16-nchw-pt291-cu130-pro6000maxq-dynamo.csv",
    "benchmark-infer-bf16-nchw-pt291-cu130-pro6000maxq-dynamo.csv",
    "benchmark-infer-fp32-nchw-pt240-cpu-i7_12700h-dynamo.csv",
    "benchmark-infer-fp32-nchw-pt240-cpu-i9_10940x-dynamo.csv",
)


def _timm_file(name: str) -> dict[str, str]:
    path = f"results/{name}"
    mirror_path = f"{_TIMM_MIRROR}/{path}"
    return {"repository": _TIMM_REPO, "commit": _TIMM_COMMIT, "upstream_path": path, "mirror_path": mirror_path}


# Mirror-relative paths (under shared/data/models) with their upstream origin, for the source registry.
# The roboflow entry is a folder: read it with `read_roboflow_results`.
FILES: list[dict[str, str]] = [
    _timm_file("results-imagenet.csv"),
    *(_timm_file(name) for name in TIMM_BENCHMARK_FILES),
    {
        "repository": "roboflow/model-leaderboard",
        "commit": "0e3b439893871c740c3f10e75a9176bb324b66d3",
        "upstream_path": "models/object_detection",
        "mirror_path": "roboflow+model-leaderboard/models/object_detection",
    },
]

TIMM_RESULTS_OBSERVED_ON = "2025-10-30"  # results-imagenet.csv last changed (README)


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _number(text: object, what: str) -> float:
    try:
        value = float(str(text).replace(",", "").strip())  # "1,014.45": thousands separator
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise _Malformed(f"{what} is not a number")
    return value


def _csv_rows(path: Path) -> Iterator[dict[str, str | None]]:
    with path.open(newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def read_timm_results(path: Path, *, source_id: str = TIMM_RESULTS_SOURCE) -> ModelBatch:
    """`results-imagenet.csv`: one fact per model (HF id `timm/<model>`), ImageNet top-1/top-5 per image size."""
    batch, seen = ModelBatch(), set[str]()
    for row in _csv_rows(path):
        batch.rows_read += 1
        try:
            _add_timm_result(batch, row, seen, source_id)
        except _ROW_ERRORS as exc:
            batch.dropped[_drop_reason(exc)] += 1
    return batch


def _add_timm_result(batch: ModelBatch, row: dict[str, str | None], seen: set[str], source_id: str) -> None:
    model = (row.get("model") or "").strip()
    if not model:
        raise _Malformed("no model name")
    raw_id, detail = f"timm/{model}", f"ImageNet-1k val, {(row.get('img_size') or '?').strip()}px"
    scores = {"imagenet_top1": _number(row.get("top1"), "top1")}
    if row.get("top5"):
        scores["imagenet_top5"] = _number(row["top5"], "top5")
    fact = _timm_fact(source_id, raw_id, row.get("param_count")) if model not in seen else None
    for metric, value in scores.items():
        batch.signals.append(_classification_signal(source_id, raw_id, metric, value, detail))
    if fact is not None:
        seen.add(model)
        batch.facts.append(fact)


def _classification_signal(source_id: str, raw_id: str, metric: str, value: float, detail: str) -> QualitySignal:
    return QualitySignal(source_id, raw_id, "hf", metric, value, True, "image-classification", detail)


def _timm_fact(source_id: str, raw_id: str, param_count_millions: str | None) -> ModelFact:
    fields: dict[str, object] = {"task_hint": "image-classification", "library": "timm"}
    if param_count_millions:
        fields["params_total"] = float(round(_number(param_count_millions, "param_count") * 1e6))
    return ModelFact(source_id, raw_id, "hf", fields, observed_on=TIMM_RESULTS_OBSERVED_ON, exactness=2)


def read_timm_benchmark(path: Path, *, source_id: str = TIMM_BENCHMARK_SOURCE) -> ModelBatch:
    """A `benchmark-infer-*.csv`: `infer_samples_per_sec` per architecture (id kind "timm") and image size.

    `detail` names the run (the file's precision/layout/torch/GPU label), image size and batch size.
    """
    batch, run = ModelBatch(), path.stem.removeprefix("benchmark-infer-")
    for row in _csv_rows(path):
        batch.rows_read += 1
        try:
            batch.signals.append(_benchmark_signal(row, run, source_id))
        except _ROW_ERRORS as exc:
            batch.dropped[_drop_reason(exc)] += 1
    return batch


def _benchmark_signal(row: dict[str, str | None], run: str, source_id: str) -> QualitySignal:
    model = (row.get("model") or "").strip()
    if not model:
        raise _Malformed("no model name")
    samples_per_sec = _number(row.get("infer_samples_per_sec"), "infer_samples_per_sec")
    detail = f"{run}, {row.get('infer_img_size') or '?'}px, batch {row.get('infer_batch_size') or '?'}"
    metric, task = "infer_samples_per_sec", "image-classification"
    return QualitySignal(source_id, model, "timm", metric, samples_per_sec, True, task, detail)


def read_roboflow_results(folder: Path, *, source_id: str = ROBOFLOW_SOURCE) -> ModelBatch:
    """Every `<family>/results_*.json` under `folder` (models/object_detection): facts and COCO mAP signals."""
    batch = ModelBatch()
    for path in sorted(folder.rglob("results_*.json")):
        batch.rows_read += 1
        try:
            _add_roboflow_result(batch, path, source_id)
        except _ROW_ERRORS as exc:
            batch.dropped[_drop_reason(exc)] += 1
    return batch


def _load_result(path: Path) -> tuple[dict, dict]:
    try:
        result = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise _Malformed("unreadable JSON") from None
    if not isinstance(result, dict) or not isinstance(result.get("metadata"), dict):
        raise _Malformed("no metadata object")
    return result, result["metadata"]


def _add_roboflow_result(batch: ModelBatch, path: Path, source_id: str) -> None:
    result, metadata = _load_result(path)
    model = str(metadata.get("model") or "").strip()
    if not model:
        raise _Malformed("no model name")
    scores = {"map50_95": _number(result.get("map50_95"), "map50_95")}  # required; the others when present
    present = [key for key in ("map50", "map75") if isinstance(result.get(key), (int, float))]
    scores |= {key: _number(result[key], key) for key in present}
    fact = _roboflow_fact(source_id, model, metadata, family=path.parent.name)
    detail, task = _coco_detail(metadata), "object-detection"
    batch.facts.append(fact)
    for key, value in scores.items():
        batch.signals.append(QualitySignal(source_id, model, "roboflow", f"coco_{key}", value, True, task, detail))


def _coco_detail(metadata: dict) -> str:
    run = metadata.get("run_parameters")
    resolution = run.get("resolution") if isinstance(run, dict) else None  # only RF-DETR runs state one
    return f"COCO, {resolution}px" if resolution else "COCO"


def _roboflow_fact(source_id: str, model: str, metadata: dict, family: str) -> ModelFact:
    fields: dict[str, object] = {"task_hint": "object-detection", "family": family}
    if metadata.get("license"):
        fields["license_raw"] = str(metadata["license"])
    params = metadata.get("param_count")
    if isinstance(params, (int, float)) and not isinstance(params, bool) and math.isfinite(params) and params > 0:
        fields["params_total"] = float(params)
    run_date = str(metadata.get("run_date") or "")
    run_date = run_date[:10] if _ISO_DATE.match(run_date) else None
    return ModelFact(source_id, model, "roboflow", fields, observed_on=run_date, exactness=2)
