"""Model identity: canonical keys and renames, quantised-variant bases, display names to Hub ids."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest

from stack8s_architect.catalog.models.identity import (
    DisplayNameIndex,
    clean_model_id,
    display_candidates,
    display_name_key,
    match_display_name,
    model_key,
    variant_base,
)

MODELS_DATA = Path(
    os.environ.get("ARCHITECT_DATA_MIRROR") or Path(__file__).resolve().parents[3].parent / "shared" / "data"
) / "models"


@pytest.mark.parametrize(
    ("raw_id", "key"),
    [
        ("Qwen/Qwen2.5-7B-Instruct", "qwen/qwen2.5-7b-instruct"),
        ("  qwen/Qwen2.5-7B-Instruct/ ", "qwen/qwen2.5-7b-instruct"),  # Hub ids are case-insensitive
        ("https://huggingface.co/Qwen/Qwen2.5-7B-Instruct", "qwen/qwen2.5-7b-instruct"),
        ("https://huggingface.co/Qwen/Qwen2.5-7B-Instruct/tree/main", "qwen/qwen2.5-7b-instruct"),
        ("hf.co/Qwen/Qwen2.5-7B-Instruct", "qwen/qwen2.5-7b-instruct"),
        # Meta renamed the Llama 3.1 repos (oumi-ai/oumi#1357); Llama 3 kept its "Meta-" names.
        ("meta-llama/Meta-Llama-3.1-8B-Instruct", "meta-llama/llama-3.1-8b-instruct"),
        ("meta-llama/Meta-Llama-3.1-405B-FP8", "meta-llama/llama-3.1-405b-fp8"),
        ("meta-llama/Meta-Llama-3-8B", "meta-llama/meta-llama-3-8b"),
        ("CohereForAI/aya-expanse-8b", "coherelabs/aya-expanse-8b"),  # vllm-project/vllm#30147
        ("THUDM/glm-4-9b-chat", "zai-org/glm-4-9b-chat"),  # xorbitsai/inference#3870
        # canonical ids without an org moved under orgs in 2024 (huggingface/transformers#28795)
        ("gpt2", "openai-community/gpt2"),
        ("distilgpt2", "distilbert/distilgpt2"),
        ("bert-base-uncased", "google-bert/bert-base-uncased"),
        ("roberta-base", "facebookai/roberta-base"),
        ("xlm-roberta-large-finetuned-conll03-english", "facebookai/xlm-roberta-large-finetuned-conll03-english"),
        ("t5-small", "google-t5/t5-small"),
        ("bert-base-german-dbmdz-cased", "bert-base-german-dbmdz-cased"),  # not moved to google-bert
        ("mistral-community/pixtral-12b", "mistral-community/pixtral-12b"),  # its own org, not a rename
    ],
)
def test_model_key(raw_id: str, key: str) -> None:
    assert model_key(raw_id) == key


def test_clean_model_id_keeps_case() -> None:
    assert clean_model_id("https://huggingface.co/bartowski/X-GGUF/resolve/main/x.gguf") == "bartowski/X-GGUF"
    assert clean_model_id(" Qwen/Qwen3-8B/ ") == "Qwen/Qwen3-8B"


@pytest.mark.parametrize(
    ("raw_id", "expected"),
    [
        # first-party quantisations keep the org
        ("Qwen/Qwen2.5-7B-Instruct-AWQ", ("Qwen/Qwen2.5-7B-Instruct", "awq", "int4")),
        ("Qwen/Qwen2.5-7B-Instruct-GPTQ-Int4", ("Qwen/Qwen2.5-7B-Instruct", "gptq", "int4")),
        ("Qwen/Qwen-7B-Chat-Int8", ("Qwen/Qwen-7B-Chat", "gptq", "int8")),  # Qwen 1 Int4/Int8 are AutoGPTQ
        ("Qwen/Qwen2.5-7B-Instruct-GGUF", ("Qwen/Qwen2.5-7B-Instruct", "gguf", None)),
        ("Qwen/Qwen3-32B-FP8-Static-PerTensor", ("Qwen/Qwen3-32B", "fp8", "fp8")),  # aiconfigurator quant config
        ("LiquidAI/LFM2.5-2.6B-GGUF", ("LiquidAI/LFM2.5-2.6B", "gguf", None)),
        ("janhq/Jan-v2-VL-med-gguf", ("janhq/Jan-v2-VL-med", "gguf", None)),  # lower-case suffix
        # quantiser orgs: the base org is unknown, so the bare name
        ("unsloth/Qwen3.8-27B-GGUF", ("Qwen3.8-27B", "gguf", None)),
        ("TheBloke/Llama-2-7b-Chat-GPTQ", ("Llama-2-7b-Chat", "gptq", None)),
        ("TheBloke/Llama-2-13B-Chat-fp16", ("Llama-2-13B-Chat", "other", "fp16")),  # gpu_poor list
        ("mradermacher/CodeV-R1-Qwen-7B-i1-GGUF", ("CodeV-R1-Qwen-7B", "gguf", None)),  # imatrix quants
        ("unsloth/Llama-3.2-1B-Instruct-bnb-4bit", ("Llama-3.2-1B-Instruct", "other", "bnb-4bit")),
        ("unsloth/gemma-3-1b-it-unsloth-bnb-4bit", ("gemma-3-1b-it", "other", "bnb-4bit")),
        ("unsloth/Qwen2.5-0.5B-Instruct", ("Qwen2.5-0.5B-Instruct", "other", None)),  # unquantised mirror
        ("mlx-community/Qwen3-0.6B-4bit", ("Qwen3-0.6B", "mlx", "4bit")),
        ("mlx-community/gemma-3-1b-it-qat-4bit", ("gemma-3-1b-it", "mlx", "4bit")),
        ("lmstudio-community/Qwen3-4B-MLX-8bit", ("Qwen3-4B", "mlx", "8bit")),
        ("RedHatAI/Meta-Llama-3.1-8B-Instruct-FP8-dynamic", ("Meta-Llama-3.1-8B-Instruct", "fp8", "fp8")),
        ("RedHatAI/Qwen3-8B-quantized.w4a16", ("Qwen3-8B", "other", "w4a16")),
        ("nvidia/Llama-3.1-8B-Instruct-NVFP4", ("Llama-3.1-8B-Instruct", "nvfp4", "nvfp4")),
        ("nvidia/DeepSeek-R1-FP4", ("DeepSeek-R1", "nvfp4", "nvfp4")),
        ("cyankiwi/Qwen3.5-2B-AWQ-4bit", ("Qwen3.5-2B", "awq", "int4")),
        ("hugging-quants/Meta-Llama-3.1-8B-Instruct-AWQ-INT4", ("Meta-Llama-3.1-8B-Instruct", "awq", "int4")),
        ("Xenova/all-MiniLM-L6-v2", ("all-MiniLM-L6-v2", "onnx", None)),  # transformers.js conversion
        ("bartowski/LiquidAI_LFM2-8B-A1B-GGUF", ("LiquidAI/LFM2-8B-A1B", "gguf", None)),  # <org>_<name> convention
        ("bartowski/Meta-Llama-3.1-8B-Instruct-GGUF", ("Meta-Llama-3.1-8B-Instruct", "gguf", None)),
        # GGUF files
        ("Qwen2.5-7B-Instruct.Q4_K_M.gguf", ("Qwen2.5-7B-Instruct", "gguf", "Q4_K_M")),
        ("gemma-3-27b-it-abliterated.q3_k_m.gguf", ("gemma-3-27b-it-abliterated", "gguf", "Q3_K_M")),
        ("CodeV-R1-Qwen-7B.i1-Q2_K.gguf", ("CodeV-R1-Qwen-7B", "gguf", "Q2_K")),
        ("Luau-Devstral-24B-Instruct-v0.2-BF16.gguf", ("Luau-Devstral-24B-Instruct-v0.2", "gguf", "BF16")),
        ("llama-cpp/models/Inkling-Small-UD-Q4_K_M/Inkling-Small-UD-Q4_K_M-00003-of-00005.gguf",
         ("Inkling-Small", "gguf", "UD-Q4_K_M")),  # LocalAI local path, sharded file
        ("https://huggingface.co/janhq/Jan-v2-VL-med-gguf/resolve/main/Jan-v2-VL-med-Q3_K_L.gguf",
         ("janhq/Jan-v2-VL-med", "gguf", "Q3_K_L")),  # the repo names the base, the file the quant
        # not variants
        ("meta-llama/Llama-3.1-8B", None),
        ("NousResearch/Meta-Llama-3.1-8B-Instruct", None),  # NousResearch publishes its own models too
        ("nvidia/NVIDIA-Nemotron-Nano-9B-v2", None),  # nvidia needs a quant suffix
        ("MaziyarPanahi/calme-2.1-qwen2-72b", None),  # quantiser that also publishes fine-tunes
        ("gpt2", None),
    ],
)
def test_variant_base(raw_id: str, expected: tuple[str, str, str | None] | None) -> None:
    assert variant_base(raw_id) == expected


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Llama-3.1-405B-Instruct", "llama 3 1 405b instruct"),  # arena
        ("Meta-Llama-3.1-70B-Instruct", "llama 3 1 70b instruct"),  # arena, old Meta- name
        ("meta-llama/Llama-3.1-70B-Instruct", "llama 3 1 70b instruct"),
        ("Meta-Llama-3.1-405B-Instruct-fp8", "llama 3 1 405b instruct"),  # precision is packaging
        ("llama3.1:8b", "llama 3 1 8b"),  # Ollama
        ("qwen2.5:7b-instruct", "qwen 2 5 7b instruct"),
        ("qwen2.5:7b-instruct-q4_K_M", "qwen 2 5 7b instruct"),
        ("Qwen/Qwen2.5-7B-Instruct", "qwen 2 5 7b instruct"),
        ("embeddinggemma:300m-qat-q4_0", "embeddinggemma 300m"),
        ("meta-llama/Llama-2-7b-chat-hf", "llama 2 7b chat"),  # "-hf" marks the format, not the model
        ("nvidia/Llama-3_3-Nemotron-Super-49B-v1_5", "llama 3 3 nemotron super 49b v1 5"),
        ("Nvidia-Llama-3.3-Nemotron-Super-49B-v1.5", "llama 3 3 nemotron super 49b v1 5"),  # arena
        ("Qwen3-235B-A22B", "qwen 3 235b a22b"),  # "a22b" is not split like "qwen3"
        ("qwen3.6-27b", "qwen 3 6 27b"),  # LiveBench
        ("Mixtral-8x7B-Instruct-v0.1", "mixtral 8x7b instruct v0 1"),
    ],
)
def test_display_name_key(name: str, key: str) -> None:
    assert display_name_key(name) == key


HUB_IDS = [
    "meta-llama/Llama-3.1-8B-Instruct",
    "meta-llama/Meta-Llama-3.1-8B-Instruct",  # the same repository under its old name: not ambiguous
    "meta-llama/Llama-3.1-70B-Instruct",
    "meta-llama/Llama-2-7b-chat-hf",
    "Qwen/Qwen2.5-7B-Instruct",
    "Qwen/Qwen2.5-72B-Instruct",
    "Qwen/Qwen2.5-7B-Instruct-GGUF",  # variants do not compete for the base's key
    "google/gemma-2-2b-it",
    "someone/gemma-2-2b-it",  # a re-upload: makes the key ambiguous
    "dwikitheduck/gemma-2-2b-id",  # one letter from the ambiguous key
    "mistralai/Mixtral-8x7B-Instruct-v0.1",
]


@pytest.mark.parametrize(
    ("name", "hf_id"),
    [
        ("Meta-Llama-3.1-8B-Instruct", "meta-llama/Llama-3.1-8B-Instruct"),  # current spelling preferred
        ("Llama-3.1-70B-Instruct", "meta-llama/Llama-3.1-70B-Instruct"),
        ("Llama-2-7B-chat", "meta-llama/Llama-2-7b-chat-hf"),
        ("qwen2.5:7b-instruct", "Qwen/Qwen2.5-7B-Instruct"),
        ("qwen2.5:72b-instruct-q4_K_M", "Qwen/Qwen2.5-72B-Instruct"),
        ("Mixtral-8x7B-Instrcut-v0.1", "mistralai/Mixtral-8x7B-Instruct-v0.1"),  # a typo in a long word
        ("Qwen2.5-14B-Instruct", None),  # no 14B candidate: 7B and 72B must not be taken for it
        ("Llama-3.1-8B", None),  # the instruct model is not the base model
        ("Gemma-2-2b-it", None),  # ambiguous exact key, and "it" is not "id"
        ("llama3.1:8b", None),  # the base is not a candidate and "instruct" is a word more: no guess
        ("", None),
    ],
)
def test_display_name_index_match(name: str, hf_id: str | None) -> None:
    assert DisplayNameIndex.from_ids(HUB_IDS).match(name) == hf_id


def test_popularity_settles_a_dominant_original() -> None:
    popularity = {"google/gemma-2-2b-it": 250_000, "someone/gemma-2-2b-it": 12}
    assert DisplayNameIndex.from_ids(HUB_IDS, popularity).match("Gemma-2-2b-it") == "google/gemma-2-2b-it"
    close_race = {"google/gemma-2-2b-it": 100, "someone/gemma-2-2b-it": 40}
    assert DisplayNameIndex.from_ids(HUB_IDS, close_race).match("Gemma-2-2b-it") is None


def test_match_display_name_with_a_plain_mapping() -> None:
    candidates = display_candidates(HUB_IDS)
    assert "gemma 2 2b it" not in candidates
    assert candidates["llama 3 1 8b instruct"] == "meta-llama/Llama-3.1-8B-Instruct"
    assert match_display_name("Llama-3.1-8B-Instruct", candidates) == "meta-llama/Llama-3.1-8B-Instruct"
    assert match_display_name("Gemma-2-2b-it", candidates) is None  # "…-2b-id" differs in a short word
    assert match_display_name("Qwen2.5-7B-Instruct", {"qwen 2 5 7b instruct": "Qwen/Qwen2.5-7B-Instruct"}) == (
        "Qwen/Qwen2.5-7B-Instruct"
    )


# --- the real sources -----------------------------------------------------------------------------


def _require_models_data() -> None:
    if not (MODELS_DATA / "fboulnois+llm-leaderboard-csv").is_dir():
        pytest.skip("shared/data/models (or ARCHITECT_DATA_MIRROR) is absent: no model sources to match")


@pytest.mark.integration
def test_arena_display_names_resolve_to_hub_ids() -> None:
    _require_models_data()
    llmfit = json.loads((MODELS_DATA / "AlexsJones+llmfit" / "llmfit-core" / "data" / "hf_models.json").read_text())
    csv_dir = MODELS_DATA / "fboulnois+llm-leaderboard-csv" / "csv"
    with (csv_dir / "huggingface_v2.csv").open(newline="") as handle:
        leaderboard = [row["model_name"] for row in csv.DictReader(handle)]
    index = DisplayNameIndex.from_ids([model["name"] for model in llmfit] + leaderboard)
    with (csv_dir / "lmarena_text.csv").open(newline="") as handle:
        open_models = [row["model"] for row in csv.DictReader(handle) if row["license"] != "Proprietary"]
    matched = {name: index.match(name) for name in open_models}
    assert matched["Llama-3.3-70B-Instruct"] == "meta-llama/Llama-3.3-70B-Instruct"
    assert matched["Meta-Llama-3.1-70B-Instruct"] == "meta-llama/Llama-3.1-70B-Instruct"
    assert matched["Gemma-3-27B-it"] == "google/gemma-3-27b-it"
    assert matched["Qwen2.5-72B-Instruct"] == "Qwen/Qwen2.5-72B-Instruct"
    assert matched["Nvidia-Llama-3.3-Nemotron-Super-49B-v1.5"] == "nvidia/Llama-3_3-Nemotron-Super-49B-v1_5"
    assert matched["Gemma-2-2b-it"] is None  # ambiguous among re-uploads without popularity
    found = [hf_id for hf_id in matched.values() if hf_id]
    assert len(found) >= 80  # 85 of 147 non-"Proprietary" arena rows on the 2025-08 snapshot
    for name, hf_id in matched.items():
        if hf_id:  # every link agrees on every number (sizes, versions, dates)
            assert _numbers(display_name_key(name)) == _numbers(display_name_key(hf_id)), (name, hf_id)


@pytest.mark.integration
def test_gguf_repos_in_hf_hw_are_recognised_as_variants() -> None:
    _require_models_data()
    repos = json.loads((MODELS_DATA / "nycdubliner+hf-hw" / "data" / "models.json").read_text())
    bases = {repo["id"]: variant_base(repo["id"]) for repo in repos}
    assert sum(1 for base in bases.values() if base and base[1] == "gguf") >= len(repos) - 1
    quantiser_repos = [
        repo for repo in repos if repo.get("base_model") and repo["id"].split("/")[0] in {"unsloth", "bartowski"}
    ]
    same_name = [
        repo for repo in quantiser_repos
        if bases[repo["id"]][0].lower() == repo["base_model"].split("/")[-1].lower()
    ]
    assert len(quantiser_repos) >= 10 and len(same_name) >= len(quantiser_repos) - 2


def _numbers(key: str) -> list[str]:
    return [token for token in key.split() if any(ch.isdigit() for ch in token)]
