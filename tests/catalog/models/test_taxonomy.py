"""The task taxonomy: pipeline tags, source hints and tags to one task; tasks to DESIGN.md's domains."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

from stack8s_architect.catalog.models.taxonomy import (
    DOMAINS,
    HINT_ONLY_PHRASES,
    PIPELINE_TAGS,
    TAG_TASKS,
    TASK_DOMAIN,
    TASK_PHRASES,
    TASKS,
    domain_for,
    normalize_task,
    task_words,
)

MODELS_DATA = Path(
    os.environ.get("ARCHITECT_DATA_MIRROR") or Path(__file__).resolve().parents[3].parent / "shared" / "data"
) / "models"


def test_domains_are_exactly_design_md_workload_spec_domains() -> None:
    # DESIGN.md, WorkloadSpec.domain:
    # (llm|vision|medical_imaging|speech|image_generation|embeddings|multimodal|tabular|other)
    assert DOMAINS == (
        "llm", "vision", "medical_imaging", "speech", "image_generation",
        "embeddings", "multimodal", "tabular", "other",
    )


def test_tables_only_name_known_tasks_and_domains() -> None:
    assert set(TASK_DOMAIN.values()) <= set(DOMAINS)
    assert set(PIPELINE_TAGS.values()) <= set(TASKS)
    assert {task for task, _ in TASK_PHRASES + HINT_ONLY_PHRASES + TAG_TASKS} <= set(TASKS)
    assert set(task_words().values()) <= set(TASKS)


@pytest.mark.parametrize(
    ("pipeline_tag", "hint", "tags", "task"),
    [
        ("text-generation", None, (), "text-generation"),
        ("conversational", None, (), "text-generation"),  # legacy chat tag
        ("text2text-generation", None, (), "text-generation"),
        ("text2text-generation", None, ("summarization", "t5"), "summarization"),  # T5 fine-tuned to summarise
        ("text2text-generation", None, ("translation",), "translation"),
        ("text-classification", None, ("reranker", "cross-encoder"), "reranking"),  # older bge-reranker tagging
        ("text-ranking", None, (), "reranking"),
        ("feature-extraction", None, ("sentence-transformers",), "feature-extraction"),
        ("image-text-to-text", None, (), "image-text-to-text"),
        ("zero-shot-image-classification", None, (), "image-classification"),  # CLIP
        ("mask-generation", None, (), "image-segmentation"),  # Segment Anything
        ("voice-activity-detection", None, (), "audio-classification"),
        ("structured-data-classification", None, (), "tabular"),
        ("time-series-forecasting", None, (), "time-series"),
        ("Object-Detection ", None, (), "object-detection"),  # case and whitespace do not matter
        ("protein-folding", None, (), "other"),  # deliberately outside every DESIGN.md domain
        # no pipeline tag: the source's hint
        (None, "object-detection", (), "object-detection"),  # roboflow leaderboard
        (None, "asr", (), "automatic-speech-recognition"),  # open ASR leaderboard
        (None, "image-classification", (), "image-classification"),  # timm results
        (None, "CT lung nodule detection", ("monai",), "object-detection"),  # MONAI metadata.json "task"
        (None, "Multimodal Brain Tumor segmentation", ("monai",), "image-segmentation"),  # not a VLM
        (None, "Nuclear segmentation and classification", (), "image-segmentation"),
        (None, "Breast Density Classification", (), "image-classification"),  # vision context word: breast
        (None, "Pathology Nuclick annotation", (), "image-segmentation"),  # interactive segmentation
        (None, "BraTS MRI image synthesis", (), "unconditional-image-generation"),
        (None, "Spatial transformer for hand image registration", (), "image-to-image"),
        (None, "voice activity detection", (), "audio-classification"),  # not object detection
        (None, "PII detection", (), "token-classification"),
        (None, "Text embeddings for RAG", (), "feature-extraction"),  # llmfit use_case
        (None, "Code generation and completion", (), "text-generation"),  # llmfit use_case
        (None, "sentiment classification", (), "text-classification"),
        # no pipeline tag or hint: tags (LocalAI gallery, Hub tags)
        (None, None, ("tts", "piper"), "text-to-speech"),
        (None, None, ("llm", "multimodal", "vision", "gguf"), "image-text-to-text"),
        (None, None, ("llm", "gguf", "chat"), "text-generation"),
        (None, None, ("vision", "hybrid-clip"), "image-classification"),  # CLIP is not a chat model
        (None, None, ("vision", "semantic-segmentation"), "image-segmentation"),  # BEiT on ADE20k
        (None, None, ("embeddings", "Speaker"), "audio-classification"),  # speechbrain speaker verification
        (None, None, ("vision",), "other"),  # "vision" alone says too little
        (None, None, ("license:mit", "en"), "other"),
        (None, None, (), "other"),
    ],
)
def test_normalize_task(pipeline_tag: str | None, hint: str | None, tags: tuple[str, ...], task: str) -> None:
    assert normalize_task(pipeline_tag, hint, tags) == task


@pytest.mark.parametrize(
    ("task", "tags", "library", "domain"),
    [
        ("text-generation", (), None, "llm"),
        ("token-classification", (), "flair", "llm"),
        ("feature-extraction", (), "sentence-transformers", "embeddings"),
        ("reranking", (), None, "embeddings"),
        ("feature-extraction", (), "timm", "vision"),  # image embeddings
        ("automatic-speech-recognition", (), None, "speech"),
        ("text-to-speech", (), None, "speech"),
        ("object-detection", (), None, "vision"),
        ("image-segmentation", ("monai",), None, "medical_imaging"),
        ("image-segmentation", ("CT",), None, "medical_imaging"),
        ("image-classification", ("pathology",), None, "medical_imaging"),
        ("unconditional-image-generation", ("mri",), None, "medical_imaging"),  # MONAI generative bundles
        ("other", (), "monai", "medical_imaging"),
        ("text-generation", ("medical",), None, "llm"),  # a medical LLM is still an LLM
        ("image-text-to-text", (), None, "multimodal"),
        ("image-to-text", (), None, "multimodal"),
        ("text-to-image", (), "diffusers", "image_generation"),
        ("tabular", (), "sklearn", "tabular"),
        ("time-series", (), None, "tabular"),
        ("reinforcement-learning", (), "stable-baselines3", "other"),
        ("not-a-task", (), None, "other"),
    ],
)
def test_domain_for(task: str, tags: tuple[str, ...], library: str | None, domain: str) -> None:
    assert domain_for(task, tags, library) == domain


@pytest.mark.parametrize(
    ("word", "task"),
    [
        ("object detection", "object-detection"),
        ("detector", "object-detection"),
        ("speech to text", "automatic-speech-recognition"),
        ("transcription", "automatic-speech-recognition"),
        ("asr", "automatic-speech-recognition"),
        ("segmentation", "image-segmentation"),
        ("embedding", "feature-extraction"),
        ("rag", "feature-extraction"),
        ("rerank", "reranking"),
        ("chat", "text-generation"),
        ("llm", "text-generation"),
        ("code", "text-generation"),
        ("classify images", "image-classification"),
        ("tts", "text-to-speech"),
        ("ocr", "image-to-text"),
        ("vlm", "image-text-to-text"),
    ],
)
def test_task_words(word: str, task: str) -> None:
    assert task_words()[word] == task


def test_task_words_leave_out_hint_only_phrases() -> None:
    words = task_words()
    assert "annotation" not in words and "registration" not in words
    words["chat"] = "changed"
    assert task_words()["chat"] == "text-generation"  # callers get a copy


# --- every pipeline tag in the Hub dump -----------------------------------------------------------

# Pipeline tags that deliberately map to "other": no DESIGN.md domain fits them.
DELIBERATE_OTHER = {"protein-folding", "graph-ml", "text-to-3d", "image-to-3d", "other"}


@pytest.mark.integration
def test_every_pipeline_tag_in_the_hub_dump_has_a_task() -> None:
    dump = MODELS_DATA / "saranscript+huggingface-models" / "models.jsonl.gz"
    if not dump.is_file():
        pytest.skip("shared/data/models (or ARCHITECT_DATA_MIRROR) is absent: no Hub dump to scan")
    tags: set[str] = set()
    with gzip.open(dump, "rt") as lines:
        for line in lines:
            tags.add(json.loads(line)["infos"].get("pipeline_tag") or "")
    tags |= _newer_source_pipeline_tags()
    tags -= {"", "unknown"}  # llmfit writes "unknown" for a missing tag
    assert len(tags) >= 25  # the dump really was read
    assert {tag for tag in tags if normalize_task(tag) == "other"} <= DELIBERATE_OTHER
    assert tags <= set(PIPELINE_TAGS)


def _newer_source_pipeline_tags() -> set[str]:
    """Pipeline tags of the 2024–2026 sources (image-text-to-text, any-to-any …), absent from the 2022 dump."""
    llmfit = json.loads((MODELS_DATA / "AlexsJones+llmfit" / "llmfit-core" / "data" / "hf_models.json").read_text())
    hf_hw = json.loads((MODELS_DATA / "nycdubliner+hf-hw" / "data" / "models.json").read_text())
    return {str(model.get("pipeline_tag") or "") for model in llmfit + hf_hw}
