"""Parameters of a multimodal checkpoint's encoders — the vision tower (`vision_config`), an audio encoder
(`audio_config`) and the projector into the language model — which vLLM loads beside the text model.

A transformer encoder layer holds attention (4 h² plus biases) and an MLP (2 h i, or 3 h i when gated: Pixtral,
Llama 4's vision MLP is not), two norms; the patch embedding c · p² · h, learned positions (image / patch)² · h where
the config has an image size and no rotary embedding; the projector h_vision × h_text, with a second h_text × h_text
layer for LLaVA-style two-layer projectors (LLaVA, Mistral 3, Kimi-VL) and Mistral 3's patch merger. Checked against
vLLM's "Model loading took" for Gemma 3 (SigLIP) and Mistral Small 3.1 (Pixtral) in `tests/sizing`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_GATED_ENCODERS = {"pixtral", "qwen2_5_vl", "qwen2_5_vl_vision"}
_ROTARY_ENCODERS = {"pixtral", "qwen2_vl", "qwen2_5_vl", "qwen2_5_vl_vision"}
_TWO_LAYER_PROJECTORS = {"llava", "llava_next", "mistral3", "kimi_vl", "llava_onevision"}


def _int(config: Mapping[str, Any], *keys: str) -> int:
    for key in keys:
        value = config.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
            return int(value)
    return 0


def _encoder(config: Mapping[str, Any]) -> int:
    hidden, layers = _int(config, "hidden_size", "d_model"), _int(config, "num_hidden_layers", "encoder_layers", "depth")
    if not hidden or not layers:
        return 0
    width = _int(config, "intermediate_size", "encoder_ffn_dim") or 4 * hidden
    kind = str(config.get("model_type") or "")
    mlp = (3 if kind in _GATED_ENCODERS else 2) * hidden * width + width + hidden
    per_layer = 4 * hidden * hidden + 4 * hidden + mlp + 4 * hidden
    patch, channels = _int(config, "patch_size"), _int(config, "num_channels") or 3
    embedding = channels * patch * patch * hidden + hidden if patch else 0
    image = _int(config, "image_size")
    positions = (image // patch) ** 2 * hidden if image and patch and kind not in _ROTARY_ENCODERS else 0
    return layers * per_layer + embedding + positions + 2 * hidden


def encoder_parameters(config: Mapping[str, Any], text_hidden: int) -> int:
    """Parameters outside the text model: encoders and projectors (0 for a text-only config)."""
    total = 0
    for key in ("vision_config", "audio_config"):
        inner = config.get(key)
        if not isinstance(inner, Mapping):
            continue
        encoded = _encoder(inner)
        if not encoded:
            continue
        hidden = _int(inner, "hidden_size", "d_model")
        projector = hidden * text_hidden + text_hidden
        kind = str(config.get("model_type") or "")
        if kind in _TWO_LAYER_PROJECTORS:
            projector += text_hidden * text_hidden + text_hidden
        merge = _int(config, "spatial_merge_size")
        if merge > 1:  # Mistral 3's patch merger: merge² neighbouring patches into one
            projector += merge * merge * hidden * hidden
        total += encoded + projector
    return total
