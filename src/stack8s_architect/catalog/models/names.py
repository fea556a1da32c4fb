"""A model's name as tokens the resolver can compare: words, versions, sizes and packaging.

"Llama 3.1 8B Instruct", "meta-llama/Meta-Llama-3.1-8B-Instruct" and "llama3.1:8b-instruct" all read as
words {llama, instruct}, version 3.1, size 8b. Separators, case, a leading "meta" and a `v` before a
version are ignored; numbers keep their dots (3 ≠ 3.1 ≠ 3.3). Packaging tokens (AWQ, GGUF, q4_K_M, FP8 …)
are not part of the name: they become the precision the user asked for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

from stack8s_architect.sizing import known_precisions

# Words that say which release of a model, not which model: matched as a class, not as the name.
TUNED_WORDS = frozenset({"instruct", "chat", "it"})
BASE_WORDS = frozenset({"base", "pt"})
# Words a repo name carries that change nothing the user would name (language tags, format leftovers).
NEUTRAL_WORDS = frozenset({"hf", "en", "model", "diffusers", "original", "latest"})
_DROPPED_LEADING = frozenset({"meta"})
# Names people shorten: the short form expands before matching.
ALIASES = {"sdxl": "stable diffusion xl", "sd3": "stable diffusion 3", "sd 3": "stable diffusion 3",
           "sd1.5": "stable diffusion 1.5", "gptoss": "gpt oss"}

_ALIAS = re.compile(r"(?<![a-z0-9])(?:" + "|".join(re.escape(short) for short in sorted(ALIASES, key=len, reverse=True))
                    + r")(?![a-z0-9])")
# Packaging → the precision it means (sizing's names); None: a format that does not fix the precision.
_PACKAGING: tuple[tuple[re.Pattern[str], str | None], ...] = tuple((re.compile(p, re.IGNORECASE), q) for p, q in (
    (r"^(?:ud-)?i?q\d(?:_[a-z0-9]+)*$", "{gguf}"),  # q4_k_m, q8_0, iq4_xs, UD-Q4_K_XL
    (r"^(?:awq|awq-int4)$", "awq"),
    (r"^gptq$", "gptq"),
    (r"^(?:fp8|fp8-dynamic|fp8-dynamic|w8a8-fp8)$", "fp8"),
    (r"^(?:nvfp4|fp4)$", "nvfp4"),
    (r"^mxfp4$", "mxfp4"),
    (r"^(?:int4|w4a16|4bit|bnb-4bit)$", "int4"),
    (r"^(?:int8|w8a8|w8a16|8bit)$", "int8"),
    (r"^(?:bf16|bfloat16)$", "bf16"),
    (r"^(?:fp16|f16)$", "fp16"),
    (r"^(?:gguf|ggml|mlx|onnx|exl2|quantized)$", None),
))
_GGUF_FILE = re.compile(r"\.gguf$")  # "…-Q4_K_M.gguf": the file's extension is packaging, not part of Q4_K_M
_SEPARATORS = re.compile(r"[-:\s/()\[\],+]+")  # and "_", once GGUF quant names (q4_K_M) are set apart
_DIGIT_UNDERSCORE = re.compile(r"(?<=\d)_(?=\d)")  # nvidia's Llama-3_3 is 3.3
# llama3 → llama 3; a22b, v0, r1, m2 stay whole, and so do timm's pretraining tags (in1k, in22k)
_LETTERS_THEN_DIGIT = re.compile(r"(?<=[a-z]{2})(?<!\bin)(?=\d)")
_V_BEFORE_DIGIT = re.compile(r"(?<=[a-z]{2})v(?=\d)")  # yolov8n, mobilenetv3: the v is "version"
SIZE = re.compile(r"^(?:\d+(?:\.\d+)?[bmkt]|\d+x\d+(?:\.\d+)?b|a\d+(?:\.\d+)?b|e\d+b|\d+e)$")
REVISION = re.compile(r"^(?:\d{4}|\d{6}|\d{8})$")  # 2507, 0905, 240712: release dates
_VERSION = re.compile(r"^(?:\d+(?:\.\d+)*|[a-z]\d+(?:\.\d+)*)$")


@dataclass(frozen=True)
class NameTokens:
    """A name split by meaning; every set is lower-case."""

    words: tuple[str, ...]  # alphabetic tokens in order (the model's name words, tuned/base words included)
    numbers: tuple[str, ...]  # every token holding a digit, in order
    precision: str | None  # what packaging tokens said ("awq", "q4_k_m", "fp8"), None when nothing
    packaged: bool  # a packaging token was present (GGUF, MLX …), whether or not it fixes the precision

    @cached_property
    def sizes(self) -> frozenset[str]:
        return frozenset(token for token in self.numbers if SIZE.match(token))

    @cached_property
    def versions(self) -> frozenset[str]:
        return frozenset(t for t in self.numbers if _VERSION.match(t) and not SIZE.match(t) and not REVISION.match(t))

    @cached_property
    def name_words(self) -> tuple[str, ...]:
        """Words that name the model: tuned/base and neutral words left out."""
        return tuple(w for w in self.words if w not in TUNED_WORDS | BASE_WORDS | NEUTRAL_WORDS)

    @cached_property
    def tuned(self) -> bool | None:
        """True: an instruction/chat release; False: said to be a base model; None: the name does not say."""
        if any(w in TUNED_WORDS for w in self.words):
            return True
        return False if any(w in BASE_WORDS for w in self.words) else None


def version_family(token: str) -> str:
    """Versions of one kind compete: plain numbers with plain numbers, "m2" with "m2.5", not "a1" with "50"."""
    return "n" if token[0].isdigit() else token[0]


def name_tokens(name: str) -> NameTokens:
    """Tokens of a repo id, display name or loose mention; the org (before '/') is dropped."""
    text = name.strip().lower().rsplit("/", 1)[-1]
    text = _ALIAS.sub(lambda match: ALIASES[match.group(0)], _GGUF_FILE.sub(" gguf", text))
    text = _DIGIT_UNDERSCORE.sub(".", text)
    words, numbers, precision, packaged = [], [], None, False
    for raw in _split(text):
        quant = _packaging(raw)
        if quant is not None:
            packaged = True
            precision = precision or quant[1]
            continue
        for token in _pieces(raw):
            (numbers if any(ch.isdigit() for ch in token) else words).append(token)
    if len(words) > 1 and words[0] in _DROPPED_LEADING:
        words = words[1:]
    return NameTokens(tuple(words), tuple(numbers), precision, packaged)


def _split(text: str) -> list[str]:
    """Separators split; a dot splits too unless it sits between digits (3.1, 1.5b)."""
    tokens = []
    for part in _SEPARATORS.split(text):
        for piece in ([part] if _packaging(part) else part.split("_")):
            tokens += [p for p in (re.split(r"(?<!\d)\.|\.(?!\d)", piece) if not _packaging(piece) else [piece]) if p]
    # "bnb-4bit", "w8a8-fp8": packaging written with a dash reads as one token
    joined: list[str] = []
    for token in tokens:
        if joined and _packaging(f"{joined[-1]}-{token}"):
            joined[-1] = f"{joined[-1]}-{token}"
        else:
            joined.append(token)
    return joined


def _pieces(token: str) -> list[str]:
    token = _V_BEFORE_DIGIT.sub(" ", token)
    pieces = " ".join(_LETTERS_THEN_DIGIT.sub(" ", part) for part in token.split()).split()
    return [p[1:] if re.fullmatch(r"v\d+(?:\.\d+)*", p) else p for p in pieces]


@lru_cache(maxsize=65_536)
def _packaging(token: str) -> tuple[str, str | None] | None:
    for pattern, precision in _PACKAGING:
        if pattern.match(token):
            return token, (_gguf_precision(token) if precision == "{gguf}" else precision)
    return None


def _gguf_precision(token: str) -> str:
    """llama.cpp's name for a GGUF quant; unsloth's dynamic "UD-Q4_K_XL" sized as its base K-quant (Q4_K_M, or
    Q6_K where there is no _M)."""
    name = token.lower().removeprefix("ud-")
    if name.endswith("_k_xl"):
        medium = name.removesuffix("_xl") + "_m"
        return medium if medium in known_precisions() else name.removesuffix("_xl")
    return name
