"""Model identity for entity resolution: canonical id keys, renames, quantised-variant bases, display-name matching.

Three different questions, three tools:
- `model_key` — are two raw ids the same Hub repository? (case, URL forms, documented renames)
- `variant_base` — is this repo or file a quantised / converted copy, and of what? (`-GGUF`, `-AWQ`, TheBloke …)
- `match_display_name` — which Hub id does a display name ("Llama-3.1-405B-Instruct", "llama3.1:8b") mean?
  Only an unambiguous exact key or a very close match with the same numbers: a wrong link is worse than none.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping

# --- canonical keys --------------------------------------------------------------------------------

# Whole-organisation renames on the Hub (old org → new org, lower-case). Hub ids are case-insensitive,
# so "Qwen"/"qwen" need no row: model_key lower-cases. Checked and NOT renames: mistral-community (a
# separate org hosting community conversions), 01-ai, tiiuae, bigcode, stabilityai.
ORG_RENAMES: dict[str, str] = {
    # "The CohereForAI huggingface org was renamed to CohereLabs" (vllm-project/vllm#30147, 2025-12)
    "cohereforai": "coherelabs",
    # "The organization formerly known as THUDM has been renamed to zai-org" (xorbitsai/inference#3870, 2025-07)
    "thudm": "zai-org",
}

# Single-repository renames, as (pattern on the lower-cased id, replacement).
REPO_RENAMES: tuple[tuple[str, str], ...] = (
    # Meta dropped the "Meta-" prefix from the Llama 3.1 repos; the old URLs redirect
    # (oumi-ai/oumi#1357, LiveCodeBench/LiveCodeBench#105). Llama 3 (no .1) repos kept "Meta-Llama-3-".
    (r"^meta-llama/meta-llama-3\.1-(.+)$", r"meta-llama/llama-3.1-\1"),
)

# Canonical repos without an org (gpt2, bert-base-uncased …) moved under organisations in 2024
# (huggingface/transformers#28795); the old ids still resolve. (pattern on the bare id, new org).
LEGACY_ID_ORGS: tuple[tuple[str, str], ...] = (
    (r"gpt2(?:-medium|-large|-xl)?|openai-gpt|roberta-(?:base|large)-openai-detector", "openai-community"),
    (r"distilgpt2|distilroberta-base|distilbert-.+", "distilbert"),
    (r"bert-(?!base-german-dbmdz).+", "google-bert"),  # the dbmdz German BERTs went elsewhere
    (r"roberta-.+|xlm-roberta-.+|xlm-(?:mlm|clm)-.+", "facebookai"),
    (r"albert-.+", "albert"),
    (r"t5-(?:small|base|large|3b|11b)", "google-t5"),
    (r"xlnet-.+", "xlnet"),
    (r"transfo-xl-.+", "transfo-xl"),
    (r"ctrl", "salesforce"),
    (r"camembert-base", "almanach"),
)

_HUB_PREFIX = re.compile(r"^(?:https?://)?(?:www\.)?(?:huggingface\.co|hf\.co)/", re.IGNORECASE)
_COMPILED_REPO_RENAMES = tuple((re.compile(pattern), replacement) for pattern, replacement in REPO_RENAMES)
_COMPILED_LEGACY = tuple((re.compile(f"^(?:{pattern})$"), org) for pattern, org in LEGACY_ID_ORGS)


def clean_model_id(raw_id: str) -> str:
    """The id as `org/name` with its case kept: URL prefix, file paths, whitespace and slashes removed."""
    parts, is_url = _hub_path(raw_id)
    return "/".join(parts[:2] if is_url else parts)


def _hub_path(raw_id: str) -> tuple[list[str], bool]:
    """Path segments of a raw id or Hub URL, and whether it was a URL."""
    text = raw_id.strip()
    is_url = bool(_HUB_PREFIX.match(text))
    text = _HUB_PREFIX.sub("", text).strip("/")
    return [part for part in text.split("/") if part], is_url


def model_key(raw_id: str) -> str:
    """Case-folded canonical key of a Hub id; equal keys mean the same repository.

    Strips `https://huggingface.co/`, `hf.co/`, trailing slashes and whitespace, lower-cases, and
    applies the documented renames (ORG_RENAMES, REPO_RENAMES, LEGACY_ID_ORGS).
    """
    key = clean_model_id(raw_id).lower()
    org, _, name = key.partition("/")
    if not name:
        return _legacy_key(org)
    key = f"{ORG_RENAMES.get(org, org)}/{name}"
    for pattern, replacement in _COMPILED_REPO_RENAMES:
        key = pattern.sub(replacement, key)
    return key


def _legacy_key(bare_id: str) -> str:
    for pattern, org in _COMPILED_LEGACY:
        if pattern.match(bare_id):
            return f"{org}/{bare_id}"
    return bare_id


# --- quantised and converted variants --------------------------------------------------------------

# Orgs that publish other people's models quantised or converted; the base org is not in the repo id.
# Value: the format of their repos that carry no recognised suffix, or None when they also publish
# originals (then only a suffix marks a variant).
QUANTISER_ORGS: dict[str, str | None] = {
    "thebloke": "other",  # GPTQ/AWQ/GGUF and fp16 conversions
    "bartowski": "gguf",
    "unsloth": "other",  # unquantised mirrors besides -GGUF and -bnb-4bit
    "lmstudio-community": "gguf",
    "quantfactory": "gguf",
    "mradermacher": "gguf",
    "second-state": "gguf",
    "mlx-community": "mlx",
    "xenova": "onnx",  # transformers.js conversions
    "onnx-community": "onnx",
    "maziyarpanahi": None,  # also publishes own fine-tunes and merges
    "devquasar": None,
    "quanttrio": None,
    "cyankiwi": None,
    "hugging-quants": None,
    "ggml-org": None,
    "redhatai": None,  # FP8 / w4a16 / w8a8; also speculators
    "neuralmagic": None,  # RedHatAI's former name
    "nvidia": None,  # FP8 / NVFP4 of others' models besides its own Nemotron
}
# NousResearch is deliberately absent: it mirrors Llama weights unchanged but mostly publishes its own models.

# (pattern on the repo name, format, quantisation or None). First match wins; "{q}" takes the named group.
VARIANT_SUFFIXES: tuple[tuple[str, str, str | None], ...] = (
    (r"-unsloth-bnb-4bit$", "other", "bnb-4bit"),
    (r"-bnb-(?P<q>[48]bit)$", "other", "bnb-{q}"),
    (r"(?:-i1)?[-_.]gguf$", "gguf", None),
    (r"-awq(?:-(?P<q>(?:bf16-)?int\d+(?:-int\d+)?|\d+bit))?$", "awq", "{q}"),
    (r"-gptq(?:-(?P<q>int\d+|\d+bit))?$", "gptq", "{q}"),
    (r"-int(?P<q>[48])$", "gptq", "int{q}"),  # Qwen-7B-Chat-Int4: AutoGPTQ checkpoints
    (r"-fp8(?:-(?:dynamic|static|pertensor|kv|block))*$", "fp8", "fp8"),
    (r"-nvfp4(?:-qad)?$", "nvfp4", "nvfp4"),
    (r"-fp4$", "nvfp4", "nvfp4"),
    (r"-quantized\.(?P<q>w\d+a\d+)$", "other", "{q}"),
    (r"-mlx(?:-(?P<q>\d+bit|bf16|fp16))?$", "mlx", "{q}"),
    (r"(?:-qat)?-(?P<q>[2-8]bit)(?:-dwq)?$", "{org}", "{q}"),  # mlx-community's bare -4bit
    (r"-onnx$", "onnx", None),
    (r"-exl2$", "other", "exl2"),
    (r"-fp16$", "other", "fp16"),
)
_COMPILED_SUFFIXES = tuple(
    (re.compile(pattern, re.IGNORECASE), fmt, quant) for pattern, fmt, quant in VARIANT_SUFFIXES
)
# GGUF file names: <name>[-.]<quant>[-00001-of-00003].gguf
_GGUF_FILE = re.compile(
    r"^(?P<name>.+?)[-._](?:i1-)?(?P<q>(?:ud-)?(?:i?q\d[a-z0-9_]*|t?q\d_\d|mxfp4[a-z0-9_]*|b?f16|f32))"
    r"(?:-\d{5}-of-\d{5})?\.gguf$",
    re.IGNORECASE,
)
_DEFAULT_AWQ_BITS = "int4"  # AutoAWQ checkpoints are 4-bit weight-only unless the name says otherwise


def variant_base(raw_id: str) -> tuple[str, str, str | None] | None:
    """(base id guess, format, quantisation) for a quantised or converted repo or GGUF file; None otherwise.

    The base guess keeps the repo's org when the publisher is the original author (Qwen/…-AWQ); for
    quantiser orgs (TheBloke, bartowski …) it is the bare model name — resolution looks the name up.
    bartowski's "<org>_<name>" convention gives the org back. Format is one of Variant.format's values.
    """
    parts, is_url = _hub_path(raw_id)
    if parts and parts[-1].lower().endswith(".gguf"):
        return _gguf_file_base(parts, is_url)
    if len(parts) != 2 and not (is_url and len(parts) > 2):
        return None
    org, name = parts[0], parts[1]
    stripped = _strip_suffix(name, org.lower())
    if stripped is not None:
        base_name, fmt, quant = stripped
        return _base_guess(org, base_name), fmt, quant
    default_format = QUANTISER_ORGS.get(org.lower())
    if default_format is not None:
        return _base_guess(org, name), default_format, None
    return None


def _strip_suffix(name: str, org: str) -> tuple[str, str, str | None] | None:
    for pattern, fmt, quant in _COMPILED_SUFFIXES:
        match = pattern.search(name)
        if match is None or match.start() == 0:
            continue
        if fmt == "{org}":
            fmt = "mlx" if QUANTISER_ORGS.get(org) == "mlx" else "other"
        group = match.groupdict().get("q")
        if quant is not None and "{q}" in quant:
            quant = quant.replace("{q}", group.lower()) if group else (_DEFAULT_AWQ_BITS if fmt == "awq" else None)
        if fmt == "awq" and quant and quant.endswith("bit"):
            quant = "int" + quant.removesuffix("bit")
        return name[: match.start()], fmt, quant
    return None


def _gguf_file_base(parts: list[str], is_url: bool) -> tuple[str, str, str | None]:
    """A GGUF file: quantisation from the file name; base from its repo when a Hub URL names one."""
    match = _GGUF_FILE.match(parts[-1])
    quant = _gguf_quant_label(match.group("q")) if match else None
    if is_url and len(parts) >= 3:  # …/org/repo/resolve/main/file.gguf: the repo names the model best
        repo = "/".join(parts[:2])
        repo_base = variant_base(repo)
        return (repo_base[0] if repo_base else repo), "gguf", quant
    name = match.group("name") if match else parts[-1][: -len(".gguf")]
    if len(parts) == 2:  # org/file.gguf (a repo named like a file)
        return _base_guess(parts[0], name), "gguf", quant
    return name, "gguf", quant  # a bare or local file path: only the file name says anything


def _gguf_quant_label(quant: str) -> str:
    """Q4_K_M in llama.cpp's spelling (upper-case, unsloth's "UD-" prefix kept)."""
    return quant.upper()


def _base_guess(org: str, name: str) -> str:
    if org.lower() not in QUANTISER_ORGS:
        return f"{org}/{name}"
    if org.lower() == "bartowski":
        prefix, sep, rest = name.partition("_")
        if sep and rest and re.fullmatch(r"[A-Za-z0-9-]{2,40}", prefix):
            return f"{prefix}/{rest}"
    return name


# --- display names ---------------------------------------------------------------------------------

# Tokens that say how a model is packaged, not which model it is (Ollama tags, arena precision suffixes).
_PACKAGING_TOKEN = re.compile(
    r"(?:^|(?<=[-_:. ]))(?:i?q\d[a-z0-9_]*|fp16|bf16|fp8|fp4|f16|f32|int4|int8|qat|mxfp4|nvfp4|awq|gptq|gguf|mlx|"
    r"hf|latest)(?=$|[-_:. ])",
    re.IGNORECASE,
)
_SEPARATORS = re.compile(r"[-_.:\s/()\[\],]+")
_LETTERS_THEN_DIGIT = re.compile(r"(?<=[a-z]{2})(?=\d)")  # llama3 → llama 3, but a22b / v0 / r1 stay
# Vendor words some names lead with and others do not: "Meta-Llama-3.1-8B" is "Llama-3.1-8B",
# arena "Nvidia-Llama-3.3-Nemotron-Super-49B-v1.5" is nvidia/Llama-3_3-Nemotron-Super-49B-v1_5.
_DROPPED_LEADING = {"meta", "nvidia"}
DISPLAY_MATCH_CUTOFF = 0.92


def display_name_key(name: str) -> str:
    """A key for matching display names and Ollama tags to Hub ids.

    Lower-case, org dropped, packaging tokens (q4_K_M, fp16, gguf, latest, hf) dropped, separators
    ("-", "_", ".", ":", spaces) unified, "llama3.1" split like "llama-3.1", a leading "meta" dropped:
    "Meta-Llama-3.1-8B-Instruct", "meta-llama/Llama-3.1-8B-Instruct" → "llama 3 1 8b instruct".
    """
    text = clean_model_id(name).rsplit("/", 1)[-1].lower()
    text = _PACKAGING_TOKEN.sub(" ", text)
    tokens = _SEPARATORS.sub(" ", text).split()
    tokens = " ".join(_LETTERS_THEN_DIGIT.sub(" ", token) for token in tokens).split()
    if len(tokens) > 1 and tokens[0] in _DROPPED_LEADING:
        tokens = tokens[1:]
    return " ".join(tokens)


def display_candidates(hf_ids: Iterable[str], popularity: Mapping[str, float] | None = None) -> dict[str, str]:
    """display_name_key → Hub id for base models; a key two repositories share is left out unless one dominates.

    Quantised and converted repos (variant_base is not None) are skipped, and renamed ids of one
    repository (equal model_key) count once. Re-uploads make popular keys ambiguous
    ("meta-llama/Llama-3.1-8B-Instruct" and a user's copy): with `popularity` (id → downloads or likes)
    the key goes to a repository at least DOMINANCE times more popular than every other; without it, to none.
    """
    resolved, _ = _resolve_display_keys(hf_ids, popularity or {})
    return resolved


DOMINANCE = 10.0


def _resolve_display_keys(
    hf_ids: Iterable[str], popularity: Mapping[str, float]
) -> tuple[dict[str, str], frozenset[str]]:
    """(resolved key → id, keys left ambiguous)."""
    ids_by_model: dict[str, set[str]] = defaultdict(set)
    models_by_key: dict[str, set[str]] = defaultdict(set)
    for hf_id in hf_ids:
        if variant_base(hf_id) is not None:
            continue
        canonical = model_key(hf_id)
        ids_by_model[canonical].add(clean_model_id(hf_id))
        models_by_key[display_name_key(hf_id)].add(canonical)
    score = {model_key(hf_id): float(value) for hf_id, value in popularity.items()}
    resolved: dict[str, str] = {}
    ambiguous: set[str] = set()
    for key, models in sorted(models_by_key.items()):
        winner = _dominant(models, score)
        if not key:
            continue
        if winner is None:
            ambiguous.add(key)
        else:
            resolved[key] = _preferred_id(winner, ids_by_model[winner])
    return resolved, frozenset(ambiguous)


def _dominant(models: set[str], score: Mapping[str, float]) -> str | None:
    if len(models) == 1:
        return next(iter(models))
    ranked = sorted(models, key=lambda model: (-score.get(model, 0.0), model))
    best, runner_up = score.get(ranked[0], 0.0), score.get(ranked[1], 0.0)
    return ranked[0] if best > 0 and best >= DOMINANCE * runner_up else None


def _preferred_id(canonical: str, ids: set[str]) -> str:
    """The spelling under the current (renamed) name when present, else the first in sort order."""
    current = sorted(hf_id for hf_id in ids if hf_id.lower() == canonical)
    return current[0] if current else sorted(ids)[0]


class DisplayNameIndex:
    """Display-name matching over many candidates: fuzzy search only among keys with the same numbers."""

    def __init__(self, candidates: Mapping[str, str], ambiguous_keys: Iterable[str] = ()) -> None:
        self._candidates = dict(candidates)
        self._ambiguous = frozenset(ambiguous_keys)
        self._by_numbers: dict[tuple[str, ...], list[str]] = defaultdict(list)
        for key in sorted(self._candidates):
            self._by_numbers[_number_tokens(key)].append(key)

    @classmethod
    def from_ids(cls, hf_ids: Iterable[str], popularity: Mapping[str, float] | None = None) -> DisplayNameIndex:
        resolved, ambiguous = _resolve_display_keys(hf_ids, popularity or {})
        return cls(resolved, ambiguous)

    def match(self, name: str) -> str | None:
        """The Hub id a display name means, or None when there is no exact or single very close match."""
        key = display_name_key(name)
        if not key or key in self._ambiguous:
            return None  # an ambiguous exact key must not fall through to a near neighbour
        if key in self._candidates:
            return self._candidates[key]
        same_numbers = self._by_numbers.get(_number_tokens(key), [])
        close = difflib.get_close_matches(key, same_numbers, n=2, cutoff=DISPLAY_MATCH_CUTOFF)
        close = [candidate for candidate in close if _only_spelling_differs(key, candidate)]
        return self._candidates[close[0]] if len(close) == 1 else None


def match_display_name(name: str, candidates: Mapping[str, str]) -> str | None:
    """The Hub id for a display name: an exact key match, or the single close match (ratio ≥ 0.92).

    `candidates` maps display_name_key(hf id) → hf id (see display_candidates). A fuzzy match may differ
    only in the spelling of long words — never in a number, a short word ("it"/"id") or a word count.
    For many names against the same candidates, build a DisplayNameIndex once instead.
    """
    return DisplayNameIndex(candidates).match(name)


def _number_tokens(key: str) -> tuple[str, ...]:
    return tuple(token for token in key.split() if any(ch.isdigit() for ch in token))


def _only_spelling_differs(key: str, candidate: str) -> bool:
    """Same word count, and every differing pair is two long digit-free words spelt nearly alike."""
    ours, theirs = key.split(), candidate.split()
    if len(ours) != len(theirs):
        return False
    for a, b in zip(ours, theirs):
        if a == b:
            continue
        if min(len(a), len(b)) < 5 or any(ch.isdigit() for ch in a + b):
            return False
        if difflib.SequenceMatcher(None, a, b).ratio() < 0.8:
            return False
    return True
