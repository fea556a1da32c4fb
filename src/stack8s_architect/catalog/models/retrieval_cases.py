"""The retrieval test set: plain-language queries and the models a knowledgeable engineer expects.

Each case passes when one of the top five results' ids matches `expected` (a regular expression,
case-insensitive). Used by the test suite (hit rate ≥ 90 %) and by benchmarks/model_search.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RetrievalCase:
    query: str
    expected: str
    filters: dict[str, Any] = field(default_factory=dict)


CASES: tuple[RetrievalCase, ...] = (
    RetrievalCase("lung nodule detection on CT scans", r"monai/lung_nodule_ct_detection"),
    RetrievalCase("detect lung cancer in chest CT", r"monai/lung_nodule_ct_detection"),
    RetrievalCase("brain tumour segmentation from MRI", r"monai/brats_mri_segmentation|monai/.*brain"),
    RetrievalCase("spleen segmentation in CT", r"monai/spleen_ct_segmentation"),
    RetrievalCase("segment all organs in a whole-body CT", r"monai/(wholebody_ct_segmentation|multi_organ|swin_unetr_btcv)"),
    RetrievalCase("pathology nuclei segmentation", r"monai/pathology_nuclei"),
    RetrievalCase("breast density classification on mammograms", r"monai/breast_density_classification"),
    RetrievalCase("pancreas tumour segmentation CT", r"monai/pancreas"),
    RetrievalCase("English speech recognition", r"whisper|parakeet|canary"),
    RetrievalCase("transcribe meetings in many languages", r"whisper|canary|seamless|mms"),
    RetrievalCase("text to speech voice synthesis", r"tts|speecht5|bark|kokoro|vits|parler|fastspeech|tacotron|xtts"),
    RetrievalCase("real-time object detection", r"yolo|rt-?detr|rf-?detr|d-fine|deim|detr"),
    RetrievalCase("object detection on COCO with a transformer", r"detr"),
    RetrievalCase("image classification trained on ImageNet", r"vit|resnet|convnext|eva|efficientnet|beit|deit"),
    RetrievalCase("zero-shot image classification like CLIP", r"clip|siglip"),
    RetrievalCase("monocular depth estimation", r"depth|dpt|glpn|zoe"),
    RetrievalCase("semantic segmentation of street scenes", r"segformer|deeplab|mask2former|maskformer|upernet|segment"),
    RetrievalCase("text to image generation", r"stable-diffusion|flux|sdxl|z-image|qwen-image|dall|sd-"),
    RetrievalCase("caption images with a vision language model", r"blip|llava|qwen.*vl|vit-gpt2|paligemma|florence|idefics|git-|vision|moondream|-vl-"),
    RetrievalCase("small code LLM", r"code|coder|starcoder|codegen|santacoder|deepseek-coder"),
    RetrievalCase("Qwen coder model for code completion", r"qwen.*coder"),
    RetrievalCase("serve Llama 3.1 70B instruct", r"llama-3\.1-70b"),
    RetrievalCase("Mixtral mixture of experts", r"mixtral"),
    RetrievalCase("DeepSeek reasoning model", r"deepseek"),
    RetrievalCase("small LLM for edge devices", r"phi|gemma|smollm|tinyllama|qwen.*(0\.5|1\.5|0\.6|1\.7)b|llama-3\.2-(1|3)b|mini"),
    RetrievalCase("chat assistant 7B with an Apache licence", r"mistral-7b|qwen.*7b|openhermes|zephyr|falcon-7b|olmo|internlm.*7b",
                  {"commercial_only": True}),
    RetrievalCase("embedding model for RAG", r"bge|e5|gte|minilm|mpnet|embed|nomic|jina"),
    RetrievalCase("sentence embeddings for semantic search", r"minilm|mpnet|bge|e5|gte|sentence|embed"),
    RetrievalCase("reranker for search results", r"rerank|cross-encoder|ms-marco"),
    RetrievalCase("sentiment analysis of tweets", r"sentiment|emotion|twitter|sst"),
    RetrievalCase("named entity recognition", r"ner|conll"),
    RetrievalCase("summarise news articles", r"bart-large-cnn|pegasus|summar|t5|distilbart"),
    RetrievalCase("translate English to French", r"opus-mt-en-fr|t5|nllb|m2m|marian|en-fr"),
    RetrievalCase("extractive question answering on documents", r"squad|qa"),
)
