"""What model-source adapters produce: facts about a model as one source states them, before merging.

Adapters only parse; entity resolution (one record per model id) and precedence between sources
happen later, from these records. Field names in `ModelFact.fields` are fixed (see FACT_FIELDS) so
the merge can treat every source alike.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

IdKind = Literal["hf", "display", "ollama", "timm", "monai", "roboflow"]

# The normalised field names a ModelFact may carry (values as described).
FACT_FIELDS = {
    "pipeline_tag": "str — Hugging Face pipeline tag as the source gives it (text-generation, …)",
    "task_hint": "str — a task word when the source has no pipeline tag (object-detection, asr, segmentation, …)",
    "library": "str — transformers, timm, gguf, monai, …",
    "params_total": "float — total parameters (count, not billions)",
    "params_active": "float — active parameters for MoE (count)",
    "context_length": "int — tokens",
    "license_raw": "str — the licence exactly as the source spells it",
    "gated": "bool",
    "downloads": "int — the source's download figure",
    "likes": "int",
    "created_at": "str — ISO date",
    "modified_at": "str — ISO date",
    "base_model": "str — raw id of the base model",
    "architecture_config": "dict — a Hugging Face config.json (or its sizing subset: layers, heads, kv heads …)",
    "architecture_name": "str — e.g. LlamaForCausalLM",
    "model_type": "str — e.g. llama",
    "tags": "list[str]",
    "family": "str — e.g. llama, qwen, yolo",
    "description": "str — one-paragraph summary",
    "organization": "str",
    "is_moe": "bool",
    "modalities": "list[str]",
}


@dataclass(frozen=True)
class ModelFact:
    """Facts one source states about one model."""

    source_id: str
    raw_id: str  # as the source spells it
    id_kind: IdKind
    fields: dict[str, Any]
    observed_on: str | None = None  # ISO date of the data, for "freshest source wins"
    exactness: int = 1  # 3 = the model's own config/card, 2 = curated table or leaderboard, 1 = scraped or estimated


@dataclass(frozen=True)
class QualitySignal:
    """A benchmark figure for a model (e.g. open_llm_v2_average, arena_elo, imagenet_top1, coco_map50_95, wer)."""

    source_id: str
    raw_id: str
    id_kind: IdKind
    metric: str
    value: float
    higher_is_better: bool
    task: str  # the task the metric measures: llm, image-classification, object-detection, asr, …
    detail: str = ""  # e.g. the dataset or leaderboard split


@dataclass(frozen=True)
class Variant:
    """A quantised or converted variant of a model (a GGUF file, an AWQ repo, an Ollama tag…)."""

    source_id: str
    raw_id: str  # the variant (repo id, Ollama tag, file name)
    base_raw_id: str | None  # the model it is a variant of, when the source says
    format: str  # gguf | awq | gptq | fp8 | nvfp4 | onnx | mlx | ollama | other
    quantization: str | None = None  # Q4_K_M, int4, fp8 …
    size_bytes: int | None = None
    context_length: int | None = None


@dataclass(frozen=True)
class CardText:
    """Model-card (README) text, for chunking and retrieval."""

    source_id: str
    raw_id: str
    id_kind: IdKind
    text: str
    observed_on: str | None = None


@dataclass
class ModelBatch:
    """Everything one source file set yielded, with counts for the ingest report."""

    facts: list[ModelFact] = field(default_factory=list)
    signals: list[QualitySignal] = field(default_factory=list)
    variants: list[Variant] = field(default_factory=list)
    cards: list[CardText] = field(default_factory=list)
    rows_read: int = 0
    dropped: Counter[str] = field(default_factory=Counter)
