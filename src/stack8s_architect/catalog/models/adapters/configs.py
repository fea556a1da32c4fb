"""Adapters for architecture configs: aiconfigurator's verbatim HF `config.json` files and gpu_poor's trimmed ones.

aiconfigurator (`model_configs/<org>--<name>_config.json`, 85 files) are the models' own configs,
exactness 3. Its 26 `<org>--<name>_hf_quant_config.json` files are ModelOpt FP8 / NVFP4 recipes of
that repo, read as Variants; the base is the directory's config of the same name without the
`-FP8` / `-NVFP4` suffix (`nvidia/GLM-5-NVFP4` → `zai-org/GLM-5`), else left to entity resolution.
Quantised repos with a config but no hf_quant file (`Qwen/Qwen3-32B-FP8`) are Variants too.
The two MiniMax-M3-NVFP4 files (> 1 MB) were not mirrored.

gpu_poor (`public/all_configs.json`, 2,980 ids, 2023 era) holds partial configs in mixed key
styles: HF (`hidden_size`), GPT (`n_layer/n_head/n_embd/n_inner`) and T5 (`num_layers/num_heads/
d_model/d_ff`). Keys are renamed to the HF names (as HF's own GPT2/T5 `attribute_map` does), with
no `num_key_value_heads` or context length to add; 40 ids have an empty config and are dropped.
328 ids are TheBloke GPTQ / GGML / GGUF / fp16 conversions; the quantised ones are also Variants.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from stack8s_architect.catalog.models.records import ModelBatch, ModelFact, Variant
from stack8s_architect.sizing.hf_shape import text_config

AICONFIGURATOR_SOURCE_ID = "aiconfigurator-configs"
AICONFIGURATOR_OBSERVED_ON = "2026-08-21"
GPU_POOR_SOURCE_ID = "gpu-poor-configs"
GPU_POOR_OBSERVED_ON = "2024-12-03"  # commit date; the configs themselves are 2023-era

_AIC_REPO = "ai-dynamo/aiconfigurator"
_AIC_COMMIT = "095f58a51c4ca8e61b66ec108d86f223f8d559ce"
_AIC_DIR = "aic-core/src/aiconfigurator_core/model_configs"
_AIC_CONFIGS = (
    'MiniMaxAI--MiniMax-M2.5', 'MiniMaxAI--MiniMax-M2.7', 'MiniMaxAI--MiniMax-M3', 'Qwen--Qwen3-0.6B',
    'Qwen--Qwen3-1.7B', 'Qwen--Qwen3-235B-A22B-FP8', 'Qwen--Qwen3-235B-A22B', 'Qwen--Qwen3-30B-A3B-FP8',
    'Qwen--Qwen3-30B-A3B', 'Qwen--Qwen3-32B-FP8-Static-PerTensor', 'Qwen--Qwen3-32B-FP8',
    'Qwen--Qwen3-32B', 'Qwen--Qwen3-8B', 'Qwen--Qwen3-Coder-480B-A35B-Instruct',
    'Qwen--Qwen3-VL-235B-A22B-Instruct', 'Qwen--Qwen3-VL-2B-Instruct', 'Qwen--Qwen3-VL-30B-A3B-Instruct',
    'Qwen--Qwen3-VL-32B-Instruct', 'Qwen--Qwen3-VL-32B-Thinking', 'Qwen--Qwen3-VL-4B-Instruct',
    'Qwen--Qwen3-VL-8B-Instruct', 'Qwen--Qwen3.5-122B-A10B', 'Qwen--Qwen3.5-27B', 'Qwen--Qwen3.5-35B-A3B',
    'Qwen--Qwen3.5-397B-A17B', 'XiaomiMiMo--MiMo-7B-Base', 'XiaomiMiMo--MiMo-V2-Flash',
    'deepseek-ai--DeepSeek-R1', 'deepseek-ai--DeepSeek-V3.2', 'deepseek-ai--DeepSeek-V3',
    'deepseek-ai--DeepSeek-V4-Flash', 'deepseek-ai--DeepSeek-V4-Pro', 'google--gemma-4-26B-A4B',
    'meta-llama--Llama-4-Maverick-17B-128E-Instruct', 'meta-llama--Llama-4-Scout-17B-16E-Instruct',
    'meta-llama--Meta-Llama-3.1-405B', 'meta-llama--Meta-Llama-3.1-70B', 'meta-llama--Meta-Llama-3.1-8B',
    'mistralai--Mixtral-8x22B-v0.1', 'mistralai--Mixtral-8x7B-v0.1', 'moonshotai--Kimi-K2-Instruct',
    'moonshotai--Kimi-K2.5', 'moonshotai--Kimi-K3', 'nvidia--DeepSeek-V3.1-NVFP4',
    'nvidia--DeepSeek-V3.2-NVFP4', 'nvidia--DeepSeek-V4-Flash-NVFP4', 'nvidia--DeepSeek-V4-Pro-NVFP4',
    'nvidia--GLM-5-NVFP4', 'nvidia--GLM-5.1-NVFP4', 'nvidia--GLM-5.2-NVFP4',
    'nvidia--Gemma-4-26B-A4B-NVFP4', 'nvidia--Gemma-4-31B-IT-NVFP4', 'nvidia--Kimi-K2.5-NVFP4',
    'nvidia--Kimi-K2.6-NVFP4', 'nvidia--Kimi-K2.7-Code-NVFP4', 'nvidia--Llama-3.1-70B-Instruct-FP8',
    'nvidia--Llama-3_3-Nemotron-Super-49B-v1', 'nvidia--MiniMax-M2.5-NVFP4', 'nvidia--MiniMax-M2.7-NVFP4',
    'nvidia--NVIDIA-Nemotron-3-Nano-30B-A3B-BF16', 'nvidia--NVIDIA-Nemotron-3-Nano-30B-A3B-NVFP4',
    'nvidia--NVIDIA-Nemotron-3-Super-120B-A12B-FP8', 'nvidia--NVIDIA-Nemotron-3-Super-120B-A12B-NVFP4',
    'nvidia--NVIDIA-Nemotron-3-Ultra-550B-A55B-BF16', 'nvidia--NVIDIA-Nemotron-3-Ultra-550B-A55B-FP8',
    'nvidia--NVIDIA-Nemotron-3-Ultra-550B-A55B-NVFP4',
    'nvidia--NVIDIA-Nemotron-3.5-Lightning-30B-A3B-NVFP4', 'nvidia--Nemotron-H-56B-Base-8K',
    'nvidia--Qwen3-235B-A22B-NVFP4', 'nvidia--Qwen3.5-122B-A10B-NVFP4', 'nvidia--Qwen3.5-397B-A17B-NVFP4',
    'nvidia--Qwen3.6-27B-NVFP4', 'nvidia--Qwen3.6-35B-A3B-NVFP4', 'openai--gpt-oss-120b',
    'openai--gpt-oss-20b', 'sgl-project--DeepSeek-V4-Flash-FP8', 'sgl-project--DeepSeek-V4-Pro-FP8',
    'stepfun-ai--Step-3.7-Flash-FP8', 'stepfun-ai--Step-3.7-Flash', 'zai-org--GLM-5-FP8',
    'zai-org--GLM-5.1-FP8', 'zai-org--GLM-5.1', 'zai-org--GLM-5.2-FP8', 'zai-org--GLM-5.2',
    'zai-org--GLM-5',
)
_AIC_QUANT_CONFIGS = (
    'Qwen--Qwen3-32B-FP8-Static-PerTensor', 'nvidia--DeepSeek-V3.1-NVFP4', 'nvidia--DeepSeek-V3.2-NVFP4',
    'nvidia--DeepSeek-V4-Flash-NVFP4', 'nvidia--DeepSeek-V4-Pro-NVFP4', 'nvidia--GLM-5-NVFP4',
    'nvidia--GLM-5.1-NVFP4', 'nvidia--GLM-5.2-NVFP4', 'nvidia--Gemma-4-26B-A4B-NVFP4',
    'nvidia--Gemma-4-31B-IT-NVFP4', 'nvidia--Kimi-K2.6-NVFP4', 'nvidia--Kimi-K2.7-Code-NVFP4',
    'nvidia--Llama-3.1-70B-Instruct-FP8', 'nvidia--MiniMax-M2.5-NVFP4', 'nvidia--MiniMax-M2.7-NVFP4',
    'nvidia--NVIDIA-Nemotron-3-Nano-30B-A3B-NVFP4', 'nvidia--NVIDIA-Nemotron-3-Super-120B-A12B-FP8',
    'nvidia--NVIDIA-Nemotron-3-Super-120B-A12B-NVFP4', 'nvidia--NVIDIA-Nemotron-3-Ultra-550B-A55B-FP8',
    'nvidia--NVIDIA-Nemotron-3-Ultra-550B-A55B-NVFP4',
    'nvidia--NVIDIA-Nemotron-3.5-Lightning-30B-A3B-NVFP4', 'nvidia--Qwen3-235B-A22B-NVFP4',
    'nvidia--Qwen3.5-122B-A10B-NVFP4', 'nvidia--Qwen3.5-397B-A17B-NVFP4', 'nvidia--Qwen3.6-27B-NVFP4',
    'nvidia--Qwen3.6-35B-A3B-NVFP4',
)


def _aic_file(file_name: str) -> dict[str, str]:
    return {
        "repository": _AIC_REPO,
        "commit": _AIC_COMMIT,
        "upstream_path": f"{_AIC_DIR}/{file_name}",
        "mirror_path": f"ai-dynamo+aiconfigurator/{_AIC_DIR}/{file_name}",
    }


AICONFIGURATOR_FILES = tuple(_aic_file(f"{stem}_config.json") for stem in _AIC_CONFIGS) + tuple(
    _aic_file(f"{stem}_hf_quant_config.json") for stem in _AIC_QUANT_CONFIGS
)
GPU_POOR_FILES = (
    {
        "repository": "RahulSChand/gpu_poor",
        "commit": "ad2fc0ef0e6ceeb7684363504eecc3342a5e7dc4",
        "upstream_path": "public/all_configs.json",
        "mirror_path": "RahulSChand+gpu_poor/public/all_configs.json",
    },
)
FILES = AICONFIGURATOR_FILES + GPU_POOR_FILES

_QUANT_SUFFIX = "_hf_quant_config.json"
_CONFIG_SUFFIX = "_config.json"
# `-FP8`, `-NVFP4`, `-FP8-Static-PerTensor`: the repo is a quantised copy of the name before it.
_QUANT_NAME = re.compile(r"[-_]((?:NV)?FP[48])(?:[-_].*)?$", re.IGNORECASE)
_VARIANT_FORMATS = {"fp8": "fp8", "nvfp4": "nvfp4"}


# ---- aiconfigurator ----------------------------------------------------------------------------


def read_aiconfigurator(paths: Iterable[Path], *, source_id: str = AICONFIGURATOR_SOURCE_ID) -> ModelBatch:
    """Facts (full config as architecture_config) per `_config.json`; FP8/NVFP4 repos as Variants."""
    batch = ModelBatch()
    configs: dict[str, dict[str, Any]] = {}
    quants: dict[str, dict[str, Any]] = {}
    for path in sorted(paths):
        batch.rows_read += 1
        named = config_file_id(path.name)
        data = _json_object(path) if named else None
        if named is None or data is None:
            batch.dropped["file name is not <org>--<name>_config.json" if named is None else "not a JSON object"] += 1
            continue
        kind, raw_id = named
        (quants if kind == "quant" else configs)[raw_id] = data
    batch.facts.extend(
        ModelFact(source_id, raw_id, "hf", config_fields(config), AICONFIGURATOR_OBSERVED_ON, exactness=3)
        for raw_id, config in configs.items()
    )
    batch.variants.extend(quantised_variants(configs, quants, source_id))
    return batch


def config_file_id(file_name: str) -> tuple[str, str] | None:
    """(`config` | `quant`, `org/name`) from `<org>--<name>_config.json` / `…_hf_quant_config.json`."""
    for suffix, kind in ((_QUANT_SUFFIX, "quant"), (_CONFIG_SUFFIX, "config")):
        if file_name.endswith(suffix):
            org, _, model = file_name[: -len(suffix)].partition("--")
            return (kind, f"{org}/{model}") if org and model else None
    return None


def _json_object(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    return data if isinstance(data, dict) else None


def config_fields(config: dict[str, Any]) -> dict[str, Any]:
    """Fact fields of a verbatim HF config.json: the config itself, its architecture and context."""
    architectures = config.get("architectures")
    context = text_config(config).get("max_position_embeddings") or config.get("max_position_embeddings")
    fields = {
        "architecture_config": config,
        "architecture_name": architectures[0] if isinstance(architectures, list) and architectures else None,
        "model_type": config.get("model_type"),
        "context_length": context if isinstance(context, int) and context > 0 else None,
    }
    return {key: value for key, value in fields.items() if value is not None}


def quantised_variants(configs: dict[str, dict[str, Any]], quants: dict[str, dict[str, Any]],
                       source_id: str) -> list[Variant]:
    """One Variant per quantised repo: every hf_quant file, and configs named `…-FP8` / `…-NVFP4`."""
    variants = []
    for raw_id in sorted(set(quants) | {raw_id for raw_id in configs if _QUANT_NAME.search(raw_id)}):
        config = configs.get(raw_id, {})
        algo = quant_algorithm(quants.get(raw_id), config)
        context = config_fields(config).get("context_length") if config else None
        variants.append(Variant(source_id, raw_id, base_of(raw_id, configs), variant_format(raw_id, algo),
                                quantization=algo or None, context_length=context))
    return variants


def quant_algorithm(hf_quant: dict[str, Any] | None, config: dict[str, Any]) -> str:
    """`NVFP4`, `FP8`, `MIXED_PRECISION` … from the hf_quant recipe, else config.json's quantization_config."""
    recipe = (hf_quant or {}).get("quantization")
    quant = recipe if isinstance(recipe, dict) else config.get("quantization_config")
    if not isinstance(quant, dict):
        return ""
    return str(quant.get("quant_algo") or quant.get("quant_method") or "")


def variant_format(raw_id: str, algo: str) -> str:
    """fp8 / nvfp4 from the recipe's algorithm, else from the repo name (MIXED_PRECISION recipes)."""
    if algo.lower() in _VARIANT_FORMATS:
        return _VARIANT_FORMATS[algo.lower()]
    match = _QUANT_NAME.search(raw_id)
    return _VARIANT_FORMATS.get(match.group(1).lower(), "other") if match else "other"


def base_of(raw_id: str, known_ids: Iterable[str]) -> str | None:
    """The config id whose name is this one without its quant suffix (or with `-BF16`), same org first."""
    org, _, name = raw_id.partition("/")
    stem = _QUANT_NAME.sub("", name).lower()
    wanted = {stem, f"{stem}-bf16"}
    matches = sorted(other for other in known_ids if other != raw_id and other.partition("/")[2].lower() in wanted)
    same_org = [other for other in matches if other.partition("/")[0] == org]
    return (same_org or matches or [None])[0]


# ---- gpu_poor ----------------------------------------------------------------------------------

# GPT-2 / T5 spellings → Hugging Face names (what transformers' own attribute_map resolves them to).
HF_CONFIG_NAMES = {
    "n_layer": "num_hidden_layers",
    "num_layers": "num_hidden_layers",
    "n_head": "num_attention_heads",
    "num_heads": "num_attention_heads",
    "n_embd": "hidden_size",
    "d_model": "hidden_size",
    "n_inner": "intermediate_size",
    "d_ff": "intermediate_size",
}
_QUANT_REPO = re.compile(r"-(GPTQ|AWQ|GGUF|GGML)$", re.IGNORECASE)
_REPO_FORMAT = {"gptq": "gptq", "awq": "awq", "gguf": "gguf", "ggml": "other"}


def read_gpu_poor(path: Path, *, source_id: str = GPU_POOR_SOURCE_ID) -> ModelBatch:
    """One fact per id with its config under HF key names; GPTQ/AWQ/GGUF/GGML repos also as Variants."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a JSON object of model id -> config")
    batch = ModelBatch(rows_read=len(data))
    for raw_id, config in data.items():
        if not isinstance(config, dict) or not config:
            batch.dropped["empty or non-object config"] += 1
            continue
        batch.facts.append(ModelFact(source_id, raw_id, "hf", gpu_poor_fields(config), GPU_POOR_OBSERVED_ON, 1))
        if match := _QUANT_REPO.search(raw_id):
            batch.variants.append(Variant(source_id, raw_id, None, _REPO_FORMAT[match.group(1).lower()]))
    return batch


def gpu_poor_fields(config: dict[str, Any]) -> dict[str, Any]:
    architectures = config.get("architectures")
    fields: dict[str, Any] = {"architecture_config": normalise_config_keys(config)}
    if isinstance(architectures, list) and architectures and isinstance(architectures[0], str):
        fields["architecture_name"] = architectures[0]
    return fields


def normalise_config_keys(config: dict[str, Any]) -> dict[str, Any]:
    """Rename GPT/T5 keys to HF names; an HF key already present wins; null values are left out."""
    normalised = {key: value for key, value in config.items() if key not in HF_CONFIG_NAMES and value is not None}
    for key, value in config.items():
        hf_name = HF_CONFIG_NAMES.get(key)
        if hf_name and value is not None and normalised.get(hf_name) is None:
            normalised[hf_name] = value
    return normalised
