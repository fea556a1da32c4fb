"""The normalised task taxonomy: Hub pipeline tags, source task hints and tags, mapped to one task and one domain.

Tasks follow the Hub's pipeline-tag names where one exists, so a reader can look them up; domains are
exactly DESIGN.md's `WorkloadSpec.domain` values. `task_words()` gives the plain-language phrases a
user might type, for the query parser.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

DOMAINS: tuple[str, ...] = (
    "llm", "vision", "medical_imaging", "speech", "image_generation", "embeddings", "multimodal", "tabular", "other",
)

# Every task and the domain it belongs to unless tags or library say otherwise (see domain_for).
# "llm" covers language models in general: DESIGN.md has no separate NLP domain.
TASK_DOMAIN: dict[str, str] = {
    "text-generation": "llm",
    "text-classification": "llm",
    "token-classification": "llm",
    "question-answering": "llm",
    "summarization": "llm",
    "translation": "llm",
    "fill-mask": "llm",
    "zero-shot-classification": "llm",
    "feature-extraction": "embeddings",  # text embeddings
    "sentence-similarity": "embeddings",
    "reranking": "embeddings",
    "automatic-speech-recognition": "speech",
    "text-to-speech": "speech",
    "text-to-audio": "speech",  # music and sound generation
    "audio-classification": "speech",
    "audio-to-audio": "speech",  # enhancement, separation, voice conversion
    "image-classification": "vision",
    "object-detection": "vision",
    "keypoint-detection": "vision",
    "image-segmentation": "vision",
    "depth-estimation": "vision",
    "image-feature-extraction": "vision",
    "video": "vision",  # video understanding
    "image-to-text": "multimodal",
    "image-text-to-text": "multimodal",  # vision-language chat models
    "visual-question-answering": "multimodal",
    "audio-text-to-text": "multimodal",
    "any-to-any": "multimodal",
    "text-to-image": "image_generation",
    "unconditional-image-generation": "image_generation",
    "image-to-image": "image_generation",
    "text-to-video": "image_generation",
    "tabular": "tabular",
    "time-series": "tabular",  # DESIGN.md has no time-series domain; forecasting is structured data
    "reinforcement-learning": "other",
    "other": "other",
}
TASKS: tuple[str, ...] = tuple(TASK_DOMAIN)

# Hub pipeline tags (current and legacy) → task.
PIPELINE_TAGS: dict[str, str] = {
    "text-generation": "text-generation",
    "text2text-generation": "text-generation",  # refined by tags (summarization, translation) in normalize_task
    "conversational": "text-generation",  # legacy chat tag
    "table-to-text": "text-generation",
    "tabular-to-text": "text-generation",
    "text-classification": "text-classification",
    "token-classification": "token-classification",
    "question-answering": "question-answering",
    "table-question-answering": "question-answering",
    "multiple-choice": "question-answering",
    "summarization": "summarization",
    "translation": "translation",
    "fill-mask": "fill-mask",
    "zero-shot-classification": "zero-shot-classification",
    "feature-extraction": "feature-extraction",
    "text-retrieval": "feature-extraction",
    "visual-document-retrieval": "feature-extraction",  # page-image embeddings for RAG (ColPali)
    "sentence-similarity": "sentence-similarity",
    "text-ranking": "reranking",
    "automatic-speech-recognition": "automatic-speech-recognition",
    "text-to-speech": "text-to-speech",
    "text-to-audio": "text-to-audio",
    "audio-classification": "audio-classification",
    "voice-activity-detection": "audio-classification",  # frame-level speech / non-speech
    "speech-segmentation": "audio-classification",  # legacy tag: speaker segmentation
    "audio-to-audio": "audio-to-audio",
    "image-classification": "image-classification",
    "zero-shot-image-classification": "image-classification",
    "object-detection": "object-detection",
    "zero-shot-object-detection": "object-detection",
    "keypoint-detection": "keypoint-detection",
    "image-segmentation": "image-segmentation",
    "mask-generation": "image-segmentation",  # Segment Anything
    "depth-estimation": "depth-estimation",
    "image-feature-extraction": "image-feature-extraction",
    "video-classification": "video",
    "video-to-video": "video",
    "image-to-text": "image-to-text",
    "image-text-to-text": "image-text-to-text",
    "video-text-to-text": "image-text-to-text",  # video-capable vision-language models
    "visual-question-answering": "visual-question-answering",
    "document-question-answering": "visual-question-answering",
    "audio-text-to-text": "audio-text-to-text",
    "any-to-any": "any-to-any",
    "text-to-image": "text-to-image",
    "unconditional-image-generation": "unconditional-image-generation",
    "image-to-image": "image-to-image",
    "image-text-to-image": "image-to-image",  # instruction-driven image editing
    "text-to-video": "text-to-video",
    "image-to-video": "text-to-video",
    "image-text-to-video": "text-to-video",
    "tabular-classification": "tabular",
    "tabular-regression": "tabular",
    "structured-data-classification": "tabular",  # legacy tag
    "time-series-forecasting": "time-series",
    "reinforcement-learning": "reinforcement-learning",
    "robotics": "reinforcement-learning",
    # Deliberately "other": no deployment workload in DESIGN.md's domains fits them.
    "protein-folding": "other",
    "graph-ml": "other",
    "text-to-3d": "other",
    "image-to-3d": "other",
    "other": "other",
}

# Phrases that name a task, in priority order: in a free-text hint the first task (top to bottom)
# with a phrase present wins, so specific phrases ("voice activity detection", "pii detection")
# sit above the generic ones they contain ("detection").
TASK_PHRASES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("audio-classification", ("audio classification", "sound classification", "voice activity detection", "vad",
                              "speaker identification", "speaker diarization", "diarization")),
    ("text-classification", ("text classification", "classify text", "sentiment", "sentiment analysis",
                             "language detection", "language identification", "spam detection", "toxicity",
                             "intent classification", "topic classification")),
    ("tabular", ("tabular", "structured data", "fraud detection", "anomaly detection", "churn")),
    ("time-series", ("time series", "time-series", "forecasting", "forecast")),
    ("token-classification", ("named entity recognition", "ner", "entity extraction", "pii detection",
                              "pos tagging", "token classification")),
    ("image-segmentation", ("image segmentation", "semantic segmentation", "instance segmentation",
                            "panoptic segmentation", "segmentation", "segment", "segments", "segmenter",
                            "mask generation")),
    ("object-detection", ("object detection", "object detector", "detector", "detection", "detect objects",
                          "bounding box", "bounding boxes")),
    ("keypoint-detection", ("keypoint detection", "keypoints", "pose estimation", "landmark detection")),
    ("depth-estimation", ("depth estimation", "depth map", "monocular depth")),
    ("automatic-speech-recognition", ("speech to text", "speech-to-text", "speech recognition", "transcription",
                                      "transcribe", "asr", "stt", "dictation", "subtitles")),
    ("text-to-speech", ("text to speech", "text-to-speech", "tts", "speech synthesis", "voice synthesis",
                        "voice cloning", "read aloud")),
    ("text-to-audio", ("text to audio", "music generation", "generate music", "sound generation")),
    ("audio-to-audio", ("speech enhancement", "noise suppression", "denoise audio", "source separation",
                        "voice conversion")),
    ("text-to-video", ("text to video", "video generation", "generate video", "generate videos")),
    ("video", ("video classification", "action recognition", "video analysis", "video analytics")),
    ("unconditional-image-generation", ("unconditional image generation", "image synthesis", "gan")),
    ("text-to-image", ("text to image", "text-to-image", "image generation", "generate images", "generate an image",
                       "diffusion", "stable diffusion", "art generation")),
    ("image-to-image", ("image to image", "image editing", "inpainting", "super resolution", "super-resolution",
                        "upscaling", "upscale", "style transfer")),
    ("reranking", ("rerank", "reranker", "reranking", "re-ranking", "cross encoder", "cross-encoder")),
    ("feature-extraction", ("embedding", "embeddings", "embedding model", "text embeddings", "sentence embeddings",
                            "vector search", "semantic search", "similarity search", "rag", "retrieval",
                            "retrieval augmented generation")),
    ("sentence-similarity", ("sentence similarity", "semantic similarity", "paraphrase detection")),
    ("image-to-text", ("image captioning", "captioning", "caption", "ocr", "optical character recognition",
                       "image to text", "handwriting recognition")),
    ("visual-question-answering", ("visual question answering", "vqa", "document question answering", "docvqa")),
    ("image-text-to-text", ("vision language", "vision-language", "vlm", "multimodal llm", "multimodal",
                            "image understanding", "vision llm")),
    ("image-classification", ("image classification", "classify images", "classify photos", "image classifier",
                              "image recognition", "imagenet")),
    ("zero-shot-classification", ("zero-shot classification", "zero shot classification", "zero-shot")),
    ("question-answering", ("question answering", "extractive qa", "qa", "answer questions")),
    ("summarization", ("summarization", "summarisation", "summarize", "summarise", "summary", "summaries")),
    ("translation", ("translation", "translate", "machine translation", "translator")),
    ("fill-mask", ("fill mask", "fill-mask", "masked language model")),
    ("reinforcement-learning", ("reinforcement learning", "robotics")),
    ("text-generation", ("chat", "chatbot", "llm", "large language model", "language model", "text generation",
                         "code", "coding", "code generation", "code completion", "assistant", "reasoning",
                         "agent", "agents", "function calling", "tool use", "instruct")),
)

# Hint-only phrases: words that name a task in a source's task description (MONAI bundle metadata
# "Pathology Nuclick annotation", "Spatial transformer for hand image registration") but that would
# mislead the query parser if a user typed them.
HINT_ONLY_PHRASES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("image-segmentation", ("annotation",)),  # interactive segmentation (DeepEdit, NuClick)
    ("unconditional-image-generation", ("synthesis", "generative")),
    ("image-to-image", ("registration",)),  # image registration outputs a warped image
)

# Exact tags (lower-case) that decide the task when there is neither pipeline tag nor hint; first row wins.
# Generic tags ("vision", "multimodal", "llm") are not here: see _task_from_generic_tags.
TAG_TASKS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("reranking", ("reranker", "rerank", "reranking", "text-ranking")),
    ("text-to-speech", ("text-to-speech", "tts")),
    ("automatic-speech-recognition", ("automatic-speech-recognition", "speech-recognition", "asr", "stt",
                                      "transcription", "whisper")),
    ("audio-classification", ("audio-classification", "speaker", "speaker-verification", "speaker-recognition",
                              "voice-activity-detection")),  # speechbrain speaker embeddings are audio, not text
    ("depth-estimation", ("depth-estimation",)),
    ("object-detection", ("object-detection",)),
    ("image-segmentation", ("image-segmentation", "segmentation", "semantic-segmentation", "instance-segmentation",
                            "panoptic-segmentation")),
    ("unconditional-image-generation", ("unconditional-image-generation", "gan", "stylegan", "stylegan2")),
    ("text-to-image", ("text-to-image", "image-generation", "diffusers", "stable-diffusion")),
    ("image-to-text", ("image-to-text", "ocr")),
    ("image-classification", ("image-classification", "zero-shot-image-classification", "clip", "hybrid-clip")),
    ("feature-extraction", ("feature-extraction", "sentence-transformers", "sentence-similarity", "embeddings",
                            "embedding")),
    ("any-to-any", ("any-to-any", "omni")),
)
# "vision" and "multimodal" tag ViT classifiers and CLIP as much as chat models: they mean a
# vision-language model only next to an LLM tag (LocalAI tags its VLMs "llm", "multimodal", "vision").
_MULTIMODAL_TAGS = frozenset({"multimodal", "vision", "vlm"})
_LLM_TAGS = frozenset({
    "llm", "chat", "text-generation", "text-to-text", "conversational", "instruction-tuned", "reasoning",
})

# Tags or libraries that put a vision task into medical imaging (exact, lower-case).
MEDICAL_TAGS = frozenset({
    "monai", "medical", "medical-imaging", "medical-image", "radiology", "ct", "mri", "pathology",
    "histopathology", "digital-pathology", "x-ray", "xray", "chest-xray", "ultrasound", "dicom", "brats",
    "endoscopy",
})
MEDICAL_LIBRARIES = frozenset({"monai"})
# Words that make a bare "classification" hint an image task.
_VISION_CONTEXT = re.compile(
    r"\b(?:image|images|imaging|photo|photos|visual|video|ct|mri|x-?ray|pathology|endoscopic|breast|"
    r"cell|scan|scans|2d|3d)\b"
)
_VISION_DOMAINS = frozenset({"vision", "image_generation", "other"})

_TEXT2TEXT_REFINEMENTS = ("summarization", "translation", "question-answering")


def normalize_task(pipeline_tag: str | None, hint: str | None = None, tags: Iterable[str] = ()) -> str:
    """The normalised task for a model: from its pipeline tag, else the source's hint, else its tags.

    Returns "other" when nothing is recognised; never raises.
    """
    tag_set = _lower_tags(tags)
    from_pipeline = PIPELINE_TAGS.get(_slug(pipeline_tag))
    if from_pipeline is not None:
        return _refine(_slug(pipeline_tag), from_pipeline, tag_set)
    from_hint = _task_from_hint(hint, tag_set) if hint else None
    if from_hint is not None:
        return from_hint
    return _task_from_tags(tag_set) or "other"


def domain_for(task: str, tags: Iterable[str] = (), library: str | None = None) -> str:
    """The WorkloadSpec domain for a task, moved to medical_imaging when tags or library say so.

    A medical LLM stays "llm": only vision-like tasks (and "other") become medical_imaging.
    """
    domain = TASK_DOMAIN.get(task, "other")
    tag_set = _lower_tags(tags)
    library_name = (library or "").strip().lower()
    if library_name in MEDICAL_LIBRARIES:
        return "medical_imaging"
    if domain in _VISION_DOMAINS and tag_set & MEDICAL_TAGS:
        return "medical_imaging"
    if task == "feature-extraction" and (library_name == "timm" or "image-feature-extraction" in tag_set):
        return "vision"
    return domain


def task_words() -> dict[str, str]:
    """Plain-language phrases a user might type ("speech to text", "detector", "rag") → task, for the query parser."""
    words: dict[str, str] = {}
    for task, phrases in TASK_PHRASES:
        for phrase in phrases:
            words.setdefault(phrase, task)
    return words


def _task_from_hint(hint: str, tag_set: frozenset[str]) -> str | None:
    text = " ".join(hint.lower().replace("_", " ").split())
    exact = PIPELINE_TAGS.get(text.replace(" ", "-"))
    if exact is not None:
        return exact
    for task, pattern in _HINT_PATTERNS:
        if pattern.search(text):
            return task
    if re.search(r"\bclassif", text):
        vision = _VISION_CONTEXT.search(text) or tag_set & (MEDICAL_TAGS | {"vision", "image-classification", "timm"})
        return "image-classification" if vision else "text-classification"
    return None


def _task_from_tags(tag_set: frozenset[str]) -> str | None:
    for task, tag_names in TAG_TASKS:
        if tag_set.intersection(tag_names):
            return task
    for tag in sorted(tag_set):  # a tag that is itself a pipeline tag; sorted for determinism
        task = PIPELINE_TAGS.get(tag)
        if task is not None and task != "other":
            return task
    if tag_set & _LLM_TAGS:
        return "image-text-to-text" if tag_set & _MULTIMODAL_TAGS else "text-generation"
    return None


def _refine(pipeline_tag: str, task: str, tag_set: frozenset[str]) -> str:
    """Sharpen coarse pipeline tags with the model's tags (T5-style text2text, cross-encoder rerankers)."""
    if pipeline_tag == "text2text-generation":
        for refined in _TEXT2TEXT_REFINEMENTS:
            if refined in tag_set:
                return refined
    if task == "text-classification" and tag_set & {"reranker", "rerank", "reranking", "text-ranking"}:
        return "reranking"
    return task


def _compile_phrases(table: tuple[tuple[str, tuple[str, ...]], ...]) -> list[tuple[str, re.Pattern[str]]]:
    return [
        (task, re.compile(r"\b(?:" + "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True)) + r")\b"))
        for task, phrases in table
    ]


def _merged_hint_table() -> tuple[tuple[str, tuple[str, ...]], ...]:
    hint_only = dict(HINT_ONLY_PHRASES)
    return tuple((task, phrases + hint_only.get(task, ())) for task, phrases in TASK_PHRASES)


_HINT_PATTERNS = _compile_phrases(_merged_hint_table())


def _slug(value: str | None) -> str:
    return (value or "").strip().lower()


def _lower_tags(tags: Iterable[str]) -> frozenset[str]:
    return frozenset(str(tag).strip().lower() for tag in tags if tag)
