"""The checkpoint the deliverables serve for the plan's precision: a quantised release of the model that the model
catalog lists among its variants (AWQ, GPTQ, FP8), or the model itself when the engine quantises while loading.

A plan sized at 4-bit that serves the 16-bit checkpoint would not fit the GPUs it rents; so:
- bf16/fp16/fp32, or the precision the model's own checkpoint is stored in (gpt-oss's MXFP4): the model itself.
- fp8: an FP8 release from the catalog (vLLM reads its scales), else the model itself with `--quantization fp8`
  (vLLM quantises the weights to FP8 while loading).
- awq / gptq / int4: an AWQ or GPTQ release from the catalog (4-bit; vLLM reads its quantisation config), else the
  model itself quantised to 4 bits while loading (`--quantization bitsandbytes`) — it runs, more slowly than an AWQ
  kernel — and the plan says how to make an AWQ checkpoint.
- anything else (int8, GGUF levels): no runnable choice is made; the plan says what checkpoint to provide.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from stack8s_architect.catalog.models.service import model_record
from stack8s_architect.catalog.models.identity import model_key

_FOUR_BIT = {"awq": ("awq", "gptq"), "gptq": ("gptq", "awq"), "int4": ("awq", "gptq")}


@dataclass(frozen=True)
class Checkpoint:
    repository: str  # what `vllm serve` loads
    quantization: str | None  # vLLM's --quantization when it quantises while loading; None: read from the checkpoint
    note: str | None  # said in the plan


def _releases(variants: list[dict[str, Any]], fmt: str) -> list[str]:
    """Hub repositories (not single files) of one format, as the catalog lists them, in order."""
    found = [v["id"] for v in variants if v.get("format") == fmt and v.get("id") and v["id"].count("/") == 1]
    return list(dict.fromkeys(found))


def checkpoint_for(model_id: str, precision: str | None, variants: list[dict[str, Any]], *,
                   native: str | None = None) -> Checkpoint:
    """`native`: how the model's own checkpoint stores its weights (its config's quantization_config) — a plan at that
    precision serves the model itself (gpt-oss in MXFP4, an FP8-native DeepSeek)."""
    precision = (precision or "bf16").lower()
    if precision in {"bf16", "bfloat16", "fp16", "float16", "fp32"} or precision == (native or "").lower():
        return Checkpoint(model_id, None, None)
    if precision == "fp8":
        releases = _releases(variants, "fp8")
        if releases:
            return Checkpoint(releases[0], None, f"FP8 weights: serving {releases[0]}, the catalog's FP8 release of "
                                                 f"{model_id}")
        return Checkpoint(model_id, "fp8", f"FP8 weights: the catalog lists no FP8 release of {model_id}, so vLLM "
                                           "quantises it to FP8 while loading (--quantization fp8)")
    if precision in _FOUR_BIT:
        for fmt in _FOUR_BIT[precision]:
            releases = _releases(variants, fmt)
            if releases:
                return Checkpoint(releases[0], None, f"4-bit weights: serving {releases[0]}, the catalog's "
                                                     f"{fmt.upper()} release of {model_id}")
        return Checkpoint(model_id, "bitsandbytes", (
            f"4-bit weights: the catalog lists no AWQ or GPTQ release of {model_id}, so vLLM quantises it to 4 bits "
            "while loading (--quantization bitsandbytes; slower decoding than an AWQ kernel). To serve AWQ, make a "
            "checkpoint once (llm-compressor W4A16 or AutoAWQ on one GPU that holds the 16-bit weights), push it "
            "to your registry and set it as the model"))
    return Checkpoint(model_id, None, f"{precision} weights: provide a checkpoint quantised so (the catalog lists "
                                      f"none of {model_id} that vLLM serves); the deliverables name the base model")


def serve_checkpoint(session: Session, model_id: str, precision: str | None, *, native: str | None = None) -> Checkpoint:
    """`checkpoint_for` with the model's variants read from the catalog."""
    row = model_record(session, model_key(model_id))
    return checkpoint_for(model_id, precision, list((row or {}).get("variants") or []), native=native)
