"""Integration: the real Hugging Face config.json files of the aiconfigurator snapshot.

Parameter counts must land within 1 % of the published totals and KV bytes must match the
per-token formula exactly. Skips, saying why, when ../shared/data is absent.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from stack8s_architect.sizing import (
    architecture_from_hf_config,
    kv_cache_bytes_per_sequence,
    kv_cache_bytes_per_token,
    kv_cache_dtype_named,
)
from stack8s_architect.sizing.hf_shape import EXACT_FAMILIES

pytestmark = pytest.mark.integration

AUTO = kv_cache_dtype_named("auto")


def _data_root() -> Path:
    configured = os.environ.get("ARCHITECT_DATA_MIRROR")
    return Path(configured) if configured else Path(__file__).resolve().parents[2].parent / "shared" / "data"


CONFIG_DIR = _data_root() / "models" / "ai-dynamo+aiconfigurator" / "aic-core" / "src" / "aiconfigurator_core" / "model_configs"


@pytest.fixture(scope="module")
def config_dir() -> Path:
    if not CONFIG_DIR.is_dir():
        pytest.skip(f"{CONFIG_DIR} is absent (set ARCHITECT_DATA_MIRROR to a copy of shared/data)")
    return CONFIG_DIR


def load(config_dir: Path, stem: str, *, with_quant: bool = False):
    config = json.loads((config_dir / f"{stem}_config.json").read_text())
    quant_path = config_dir / f"{stem}_hf_quant_config.json"
    quant = json.loads(quant_path.read_text()) if with_quant and quant_path.exists() else None
    return architecture_from_hf_config(config, model_id=stem.replace("--", "/"), hf_quant_config=quant)


def _published(text: str) -> tuple[float, float]:
    """'3.61B' → (3.61e9, half a unit of the last digit), the precision the vendor published."""
    number = text.rstrip("BT")
    scale = 1e12 if text.endswith("T") else 1e9
    decimals = len(number.split(".")[1]) if "." in number else 0
    return float(number) * scale, 0.5 * 10**-decimals * scale


# (config, published total, published active, whether the vendor's active count includes the input embedding)
PUBLISHED_COUNTS = [
    ("meta-llama--Meta-Llama-3.1-8B", "8.030261248B", None, True),  # HF safetensors metadata: 8,030,261,248
    ("meta-llama--Meta-Llama-3.1-70B", "70.553706496B", None, True),  # HF safetensors metadata: 70,553,706,496
    ("meta-llama--Meta-Llama-3.1-405B", "405B", None, True),  # Meta Llama 3.1 model card: 405B
    ("mistralai--Mixtral-8x7B-v0.1", "46.7B", "12.9B", True),  # Mistral AI, "Mixtral of experts" (2023-12-11)
    ("mistralai--Mixtral-8x22B-v0.1", "141B", "39B", True),  # Mistral AI, "Cheaper, Better, Faster, Stronger" (2024-04-17)
    ("deepseek-ai--DeepSeek-V3", "671B", "37B", False),  # DeepSeek-V3 report (arXiv:2412.19437), MTP excluded
    ("deepseek-ai--DeepSeek-R1", "671B", "37B", False),  # DeepSeek-R1 model card
    ("Qwen--Qwen3-0.6B", "0.6B", None, True),  # Qwen3 model cards, "Number of Parameters"
    ("Qwen--Qwen3-8B", "8.2B", None, True),
    ("Qwen--Qwen3-32B", "32.8B", None, True),
    ("Qwen--Qwen3-30B-A3B", "30.5B", "3.3B", True),
    ("Qwen--Qwen3-235B-A22B", "235B", "22B", True),
    ("Qwen--Qwen3-Coder-480B-A35B-Instruct", "480B", "35B", True),
    ("openai--gpt-oss-20b", "20.91B", "3.61B", False),  # OpenAI gpt-oss model card, Table 1
    ("openai--gpt-oss-120b", "116.83B", "5.13B", False),
    ("MiniMaxAI--MiniMax-M2.5", "230B", "10B", False),  # MiniMax-M2 model card: 230B total, 10B active
    ("nvidia--Llama-3_3-Nemotron-Super-49B-v1", "49.9B", None, True),  # HF model page: 49.9B params
]


@pytest.mark.parametrize(("stem", "total", "active", "active_counts_input_embedding"), PUBLISHED_COUNTS)
def test_parameter_counts_match_published(config_dir: Path, stem: str, total: str, active: str | None, active_counts_input_embedding: bool) -> None:
    arch = load(config_dir, stem)
    published_total, _ = _published(total)
    assert arch.total_params == pytest.approx(published_total, rel=0.01)
    assert arch.confidence == "exact"
    if active:
        published_active, half_unit = _published(active)
        counted = arch.active_params if active_counts_input_embedding else arch.params.active_excluding_input_embedding
        assert abs(counted - published_active) <= half_unit + 0.01 * published_active


# Bytes per token at bf16: 2 × layers × KV heads × head_dim × 2 (GQA) or layers × (kv_lora_rank + rope) × 2 (MLA).
KV_BYTES_PER_TOKEN = [
    ("meta-llama--Meta-Llama-3.1-8B", 2 * 32 * 8 * 128 * 2),
    ("meta-llama--Meta-Llama-3.1-70B", 2 * 80 * 8 * 128 * 2),
    ("meta-llama--Meta-Llama-3.1-405B", 2 * 126 * 8 * 128 * 2),
    ("mistralai--Mixtral-8x7B-v0.1", 2 * 32 * 8 * 128 * 2),
    ("mistralai--Mixtral-8x22B-v0.1", 2 * 56 * 8 * 128 * 2),
    ("Qwen--Qwen3-8B", 2 * 36 * 8 * 128 * 2),
    ("Qwen--Qwen3-32B", 2 * 64 * 8 * 128 * 2),
    ("Qwen--Qwen3-30B-A3B", 2 * 48 * 4 * 128 * 2),
    ("Qwen--Qwen3-235B-A22B", 2 * 94 * 4 * 128 * 2),
    ("deepseek-ai--DeepSeek-V3", 61 * (512 + 64) * 2),
    ("moonshotai--Kimi-K2-Instruct", 61 * (512 + 64) * 2),
    ("openai--gpt-oss-20b", 2 * 24 * 8 * 64 * 2),
    ("openai--gpt-oss-120b", 2 * 36 * 8 * 64 * 2),
    ("MiniMaxAI--MiniMax-M2.5", 2 * 62 * 8 * 128 * 2),
]


@pytest.mark.parametrize(("stem", "expected"), KV_BYTES_PER_TOKEN)
def test_kv_bytes_per_token_exact(config_dir: Path, stem: str, expected: int) -> None:
    assert kv_cache_bytes_per_token(load(config_dir, stem), AUTO) == expected


def test_gpt_oss_120b_sliding_window_sequence_bytes(config_dir: Path) -> None:
    arch = load(config_dir, "openai--gpt-oss-120b")
    per_layer_token = 2 * 8 * 64 * 2
    expected = 18 * per_layer_token * 131_072 + 18 * per_layer_token * 128
    assert kv_cache_bytes_per_sequence(arch, AUTO, 131_072) == expected


def test_hf_quant_config_sets_native_precision_and_kv(config_dir: Path) -> None:
    arch = load(config_dir, "nvidia--Llama-3.1-70B-Instruct-FP8", with_quant=True)
    assert (arch.native_precision, arch.native_kv_cache_dtype) == ("fp8", "fp8")
    assert load(config_dir, "nvidia--DeepSeek-V3.1-NVFP4", with_quant=True).native_precision == "nvfp4"


def test_every_config_parses(config_dir: Path) -> None:
    stems = sorted(p.name.removesuffix("_config.json") for p in config_dir.glob("*_config.json") if "hf_quant" not in p.name)
    assert len(stems) >= 80
    for stem in stems:
        arch = load(config_dir, stem, with_quant=True)
        assert 0 < arch.active_params <= arch.total_params, stem
        assert arch.kv_groups or arch.recurrent_state_bytes_per_sequence, stem
        if arch.confidence == "exact":
            assert arch.family in EXACT_FAMILIES, stem
        else:
            assert arch.notes, stem
