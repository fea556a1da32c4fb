"""Weight precisions and KV-cache dtypes: how many bytes a stored number takes.

Bits per weight include the quantizer's own metadata (scales, zero points), because that is what
occupies GPU memory. Sources are given per row; GGUF figures are effective bits per weight of
whole files (K-quant mixes keep some tensors at higher precision).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal

WeightScope = Literal["all", "linear", "experts"]


class UnknownPrecisionError(ValueError):
    """A precision or KV dtype name that is not in the tables; carries close matches."""

    def __init__(self, kind: str, name: str, suggestions: list[str]) -> None:
        hint = f" Did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"Unknown {kind} {name!r}.{hint}")
        self.name = name
        self.suggestions = suggestions


@dataclass(frozen=True)
class Precision:
    """How model weights are stored.

    `scope` says which parameters take `bits_per_weight`: "all" (GGUF files and plain dtypes),
    "linear" (weight-only quantizers keep embeddings, lm_head and norms at 16 bits) or "experts"
    (MXFP4 checkpoints quantize only the routed experts).
    """

    name: str
    bits_per_weight: float
    scope: WeightScope
    uses_fp8_tensor_cores: bool = False
    source: str = ""

    @property
    def bytes_per_weight(self) -> float:
        return self.bits_per_weight / 8

    @property
    def is_quantized(self) -> bool:
        return self.bits_per_weight < 16


def _gguf(name: str, bits: float, source: str = "GGUF file sizes (see table comment)") -> Precision:
    return Precision(name, bits, "all", source=source)


_PRECISIONS: dict[str, Precision] = {
    p.name: p
    for p in (
        Precision("fp32", 32, "all", source="IEEE float32"),
        Precision("bf16", 16, "all", source="bfloat16"),
        Precision("fp16", 16, "all", source="IEEE float16"),
        # FP8 e4m3; block (128×128) or per-tensor fp32 scales add < 0.002 bit per weight.
        Precision("fp8", 8, "linear", uses_fp8_tensor_cores=True, source="FP8 e4m3 (vLLM / ModelOpt)"),
        Precision("int8", 8, "linear", source="W8A16/W8A8, per-channel scales"),
        # Generic W4A16 with one fp16 scale per 128 weights: 4 + 16/128.
        Precision("int4", 4.125, "linear", source="W4A16, group 128, fp16 scale"),
        # AWQ/GPTQ 4-bit, group 128: fp16 scale + packed 4-bit zero point per group: 4 + 20/128.
        Precision("awq", 4.15625, "linear", source="AutoAWQ GEMM, group 128"),
        Precision("gptq", 4.15625, "linear", source="GPTQ 4-bit, group 128, act-order off"),
        # bitsandbytes NF4 with double quantization: 4 + 8/64 + 32/(64·256) (QLoRA paper §3).
        Precision("nf4", 4.127, "linear", source="QLoRA paper (arXiv:2305.14314), NF4 + double quant"),
        # MXFP4: 4-bit e2m1 + one 8-bit shared exponent per 32 (OCP MX spec); gpt-oss quantizes experts only.
        Precision("mxfp4_moe", 4.25, "experts", source="OCP MX spec; gpt-oss config modules_to_not_convert"),
        # NVFP4: 4-bit e2m1 + one FP8 scale per 16 weights (NVIDIA ModelOpt).
        Precision("nvfp4", 4.5, "linear", source="NVIDIA ModelOpt NVFP4, group 16"),
        # GGUF: effective bits per weight of whole files (K-quant mixes keep output/attention tensors
        # wider), fitted to the Llama-3.1-8B GGUF sizes in janhq/model-catalog and the hf-hw snapshot
        # (shared/data/models); Q8_0 and Q6_K are exact block sizes.
        _gguf("f16", 16),
        _gguf("q8_0", 8.5, "llama.cpp: 32 int8 + one fp16 scale = 34 bytes / 32 weights"),
        _gguf("q6_k", 6.5625, "llama.cpp k-quants: 210 bytes / 256 weights"),
        _gguf("q5_k_m", 5.69),
        _gguf("q5_k_s", 5.57),
        _gguf("q5_1", 6.04),
        _gguf("q5_0", 5.57),
        _gguf("q4_k_m", 4.89, "≈4.85 on 32k-vocab LLaMA (llama.cpp k-quants PR), 4.9 on Llama-3 files"),
        _gguf("q4_k_s", 4.67),
        _gguf("q4_1", 5.1),
        _gguf("q4_0", 4.64),
        _gguf("iq4_nl", 4.7),
        _gguf("iq4_xs", 4.46),
        _gguf("q3_k_l", 4.3),
        _gguf("q3_k_m", 4.0),
        _gguf("q3_k_s", 3.64),
        _gguf("iq3_m", 3.8),
        _gguf("iq3_xxs", 3.4),
        _gguf("q2_k", 3.2),
        _gguf("iq2_m", 3.0),
        _gguf("iq2_xs", 2.6),
        _gguf("iq2_xxs", 2.45),
        _gguf("iq1_m", 2.2),
        _gguf("iq1_s", 2.05),
    )
}

_PRECISION_ALIASES = {
    "float32": "fp32",
    "bfloat16": "bf16",
    "float16": "fp16",
    "half": "fp16",
    "fp8_e4m3": "fp8",
    "float8": "fp8",
    "w8a8": "int8",
    "w8a16": "int8",
    "w4a16": "int4",
    "awq_int4": "awq",
    "gptq_int4": "gptq",
    "bnb_4bit": "nf4",
    "qlora": "nf4",
    "mxfp4": "mxfp4_moe",
    "fp4": "nvfp4",
}


@dataclass(frozen=True)
class KvCacheDtype:
    """How each cached K/V element is stored."""

    name: str
    bytes_per_element: float


_KV_DTYPES: dict[str, KvCacheDtype] = {
    d.name: d
    for d in (
        # vLLM "auto" = the dtype the model runs in: bf16/fp16 (an fp32 checkpoint is cast to bf16 by --dtype auto);
        # sizing at fp32 precision turns it into fp32 (estimate.py)
        KvCacheDtype("auto", 2),
        KvCacheDtype("fp32", 4),
        KvCacheDtype("bf16", 2),
        KvCacheDtype("fp16", 2),
        KvCacheDtype("fp8", 1),  # vLLM fp8 / fp8_e4m3 / fp8_e5m2
        KvCacheDtype("int8", 1),
        KvCacheDtype("q8_0", 34 / 32),  # llama.cpp --cache-type-k q8_0
        KvCacheDtype("q4_0", 18 / 32),  # llama.cpp --cache-type-k q4_0
    )
}

_KV_ALIASES = {
    "float32": "fp32",
    "bfloat16": "bf16",
    "float16": "fp16",
    "fp8_e4m3": "fp8",
    "fp8_e5m2": "fp8",
    "fp8_inc": "fp8",
}


def _normalise(name: str) -> str:
    key = name.strip().lower().replace("-", "_").replace(" ", "_").replace(".", "_")
    return key.removeprefix("gguf_").removesuffix("_gguf")


def _lookup(kind: str, name: str, table: dict, aliases: dict[str, str]):
    key = _normalise(name)
    key = aliases.get(key, key)
    if key in table:
        return table[key]
    choices = sorted(set(table) | set(aliases))
    raise UnknownPrecisionError(kind, name, difflib.get_close_matches(key, choices, n=3, cutoff=0.5))


def precision_named(name: str) -> Precision:
    """The weight precision called `name` (case-insensitive; "Q4_K_M", "bfloat16", "AWQ" …).

    Raises UnknownPrecisionError, with close matches, for names not in the table.
    """
    return _lookup("precision", name, _PRECISIONS, _PRECISION_ALIASES)


def kv_cache_dtype_named(name: str) -> KvCacheDtype:
    """The KV-cache dtype called `name` ("auto", "fp8", "fp8_e5m2", "q8_0" …)."""
    return _lookup("KV cache dtype", name, _KV_DTYPES, _KV_ALIASES)


def known_precisions() -> tuple[str, ...]:
    """Every precision name the tables know, for menus and error messages."""
    return tuple(_PRECISIONS)
