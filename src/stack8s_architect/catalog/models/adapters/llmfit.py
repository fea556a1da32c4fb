"""Adapter for llmfit's `hf_models.json`: 1,852 LLMs with parameters, context, shape and GGUF repos.

Quirks, from the data README and the file itself:
- 1,696 rows are `_discovered` (scraped by llmfit's crawler, exactness 1); the 156 hand-curated rows
  get exactness 2. Curated rows still carry llmfit's own guesses (Llama-3.1-8B at 4,096 tokens).
- Test and tiny-random repos (`peft-internal-testing/tiny-random-gpt2`, `nm-testing/…`) are dropped.
- `moe_intermediate_size` holds the dense FFN width for non-MoE rows (Qwen2.5-7B: 18,944), so it
  becomes `intermediate_size` there.
- `pipeline_tag` and `architecture` are "unknown" for most rows; `quantization` (`Q4_K_M`),
  `min_ram_gb`, `min_vram_gb` and `recommended_ram_gb` are llmfit's estimates and are not read.
- `format` names the repo's own format: awq / gptq / mlx / autoround rows are quantised repos
  themselves and also become Variants (base unknown); `gguf_sources` list GGUF repos of the model.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from stack8s_architect.catalog.models.records import ModelBatch, ModelFact, Variant

SOURCE_ID = "llmfit"
OBSERVED_ON = "2026-05-17"  # commit a3e0eb2 of llmfit-core/data/hf_models.json
FILES = (
    {
        "repository": "AlexsJones/llmfit",
        "commit": "a3e0eb27c57fe05298292f4c61699b9aed2824ea",
        "upstream_path": "llmfit-core/data/hf_models.json",
        "mirror_path": "AlexsJones+llmfit/llmfit-core/data/hf_models.json",
    },
)

# Repos that exist to test libraries, not to be used: tiny-random weights and *-testing orgs.
TEST_MODEL = re.compile(
    r"tiny[-_]?random|random[-_]tiny|tiny[-_]dummy|unit[-_]test|ci[-_]random|(^|[-_/])testing([-_/]|$)",
    re.IGNORECASE,
)
_SHAPE_KEYS = (
    "num_hidden_layers", "num_attention_heads", "num_key_value_heads", "head_dim", "hidden_size", "vocab_size",
)
_REPO_FORMATS = {"awq": "awq", "gptq": "gptq", "mlx": "mlx", "autoround": "other"}
_UNKNOWN = "unknown"
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def read_llmfit(path: Path, *, source_id: str = SOURCE_ID) -> ModelBatch:
    """Facts for every usable row, GGUF repos and quantised repos as Variants; test models dropped."""
    rows = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(rows, list):
        raise ValueError(f"{path}: expected a JSON list of models, got {type(rows).__name__}")
    batch = ModelBatch(rows_read=len(rows))
    for row in rows:
        _add_row(batch, row, source_id)
    return batch


def _add_row(batch: ModelBatch, row: Any, source_id: str) -> None:
    name = row.get("name") if isinstance(row, dict) else None
    if not isinstance(name, str) or "/" not in name:
        batch.dropped["no Hugging Face id in `name`"] += 1
        return
    if TEST_MODEL.search(name):
        batch.dropped["test or tiny-random model"] += 1
        return
    exactness = 1 if row.get("_discovered") else 2
    batch.facts.append(ModelFact(source_id, name, "hf", llmfit_fields(row), OBSERVED_ON, exactness))
    batch.variants.extend(llmfit_variants(row, source_id))


def llmfit_fields(row: dict[str, Any]) -> dict[str, Any]:
    """Normalised fact fields of one llmfit row (absent and "unknown" values left out)."""
    is_moe = row.get("is_moe") is True
    fields = {
        "params_total": _positive(row.get("parameters_raw")),
        "params_active": _positive(row.get("active_parameters")) if is_moe else None,
        "context_length": _positive(row.get("context_length")),
        "pipeline_tag": _known(row.get("pipeline_tag")),
        "model_type": _known(row.get("architecture")),
        "organization": _known(row.get("provider")),
        "downloads": _count(row.get("hf_downloads")),
        "likes": _count(row.get("hf_likes")),
        "created_at": _iso_day(row.get("release_date")),
        "description": _known(row.get("use_case")),
        "tags": [tag for tag in row.get("capabilities") or () if isinstance(tag, str)],
        "is_moe": True if is_moe else None,
        "architecture_config": architecture_subset(row),
    }
    return {key: value for key, value in fields.items() if value not in (None, "", [], {})}


def architecture_subset(row: dict[str, Any]) -> dict[str, Any] | None:
    """The sizing fields llmfit knows, under Hugging Face config.json names; None without a shape."""
    config = {key: row[key] for key in _SHAPE_KEYS if _positive(row.get(key))}
    if "num_hidden_layers" not in config or "hidden_size" not in config:
        return None
    if _known(row.get("architecture")):
        config["model_type"] = row["architecture"]
    ffn_width = _positive(row.get("moe_intermediate_size"))
    if row.get("is_moe") is True:
        config.update(_moe_subset(row, ffn_width))
    elif ffn_width:
        config["intermediate_size"] = ffn_width
    return config


def _moe_subset(row: dict[str, Any], expert_width: int | None) -> dict[str, Any]:
    moe = {
        "moe_intermediate_size": expert_width,
        "shared_expert_intermediate_size": _positive(row.get("shared_expert_intermediate_size")),
        "num_experts": _positive(row.get("num_experts")),
        "num_experts_per_tok": _positive(row.get("active_experts")),
    }
    return {key: value for key, value in moe.items() if value}


def llmfit_variants(row: dict[str, Any], source_id: str) -> list[Variant]:
    """GGUF repos of the model, and the row itself when it is a quantised (AWQ/GPTQ/MLX…) repo."""
    name = row["name"]
    variants = [
        Variant(source_id, source["repo"], name, "gguf")
        for source in row.get("gguf_sources") or ()
        if isinstance(source, dict) and isinstance(source.get("repo"), str)
    ]
    repo_format = _REPO_FORMATS.get(str(row.get("format") or "").lower())
    if repo_format:
        quantization = row.get("quantization") if repo_format != "mlx" else None  # mlx rows keep the Q4_K_M default
        variants.append(Variant(source_id, name, None, repo_format, quantization=quantization))
    return variants


def _iso_day(value: Any) -> str | None:
    return value[:10] if isinstance(value, str) and _ISO_DAY.match(value) else None


def _known(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() and value.lower() != _UNKNOWN else None


def _positive(value: Any) -> int | float | None:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0 else None


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None
