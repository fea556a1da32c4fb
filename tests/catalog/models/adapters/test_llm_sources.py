"""LLM metadata adapters (Hub dump, llmfit, leaderboards, configs, open-llms): small files that
reproduce each quirk of shared/data/models/README.md, then the counts that README states for the real files."""

from __future__ import annotations

import gzip
import json
import os
import re
import time
from pathlib import Path

import pytest

from stack8s_architect.catalog.models.adapters import configs, hub_dump, leaderboards, llmfit, open_llms
from stack8s_architect.catalog.models.adapters.configs import read_aiconfigurator, read_gpu_poor
from stack8s_architect.catalog.models.adapters.hub_dump import read_hub_dump
from stack8s_architect.catalog.models.adapters.leaderboards import (
    read_arena,
    read_livebench,
    read_open_llm_v1,
    read_open_llm_v2,
)
from stack8s_architect.catalog.models.adapters.llmfit import read_llmfit
from stack8s_architect.catalog.models.adapters.open_llms import numbers, params_for, read_open_llms, release_date
from stack8s_architect.catalog.models.records import FACT_FIELDS, ModelBatch

# tests/catalog/models/adapters/<this file>: parents[4] is the project root, whose sibling is shared/.
MODELS_DATA = Path(os.environ.get("ARCHITECT_DATA_MIRROR") or Path(__file__).resolve().parents[4].parent / "shared" / "data") / "models"
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def assert_well_formed(batch: ModelBatch) -> None:
    """Every adapter: documented field names only, ISO dates, counts (not billions) for parameters."""
    for fact in batch.facts:
        assert fact.raw_id and set(fact.fields) <= set(FACT_FIELDS), (fact.raw_id, set(fact.fields) - set(FACT_FIELDS))
        for name in ("created_at", "modified_at"):
            assert name not in fact.fields or ISO_DAY.match(fact.fields[name]), (fact.raw_id, fact.fields[name])
        assert fact.fields.get("params_total", 1e6) > 1e3, fact.raw_id  # billions would be ≤ ~2,000; the smallest real entry is 1,629
        assert fact.observed_on and ISO_DAY.match(fact.observed_on)


def facts_by_id(batch: ModelBatch) -> dict[str, dict]:
    return {fact.raw_id: fact.fields for fact in batch.facts}


# ---- Hub dump ----------------------------------------------------------------------------------


def write_jsonl_gz(path: Path, lines: list[str]) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    return path


def hub_line(model_id: str, readme: str, **infos) -> str:
    base = {"modelId": model_id, "sha": "x", "lastModified": "2021-09-02T16:05:51.000Z", "tags": [],
            "pipeline_tag": None, "siblings": [], "config": None, "private": False, "likes": 0}
    return json.dumps({"dir": f"models/{model_id}", "infos": base | infos, "readme": readme})


def test_hub_dump_facts_cards_and_quirks(tmp_path: Path) -> None:
    path = write_jsonl_gz(tmp_path / "models.jsonl.gz", [
        hub_line("LucasS/distilBertABSA", "# distilBert ABSA\nFine-tuned for aspect sentiment.",
                 tags=["pytorch", "distilbert", "question-answering", "license:apache-2.0"],
                 pipeline_tag="question-answering", library_name="transformers", downloads=5, likes=2,
                 config={"architectures": ["DistilBertForQuestionAnswering"], "model_type": "distilbert"}),
        # legacy id without an org; the scraper wrote its error text instead of the README
        hub_line("gpt2", "Error: the path 'README.md' does not exist in the given tree", downloads=17148259),
        # blank card, no downloads figure
        hub_line("007J/smile", "   "),
        "{not json",
        json.dumps({"dir": "models/x", "infos": {"sha": "no model id"}, "readme": ""}),
        "",
    ])
    batch = read_hub_dump(path)
    assert batch.rows_read == 5 and len(batch.facts) == 3
    assert batch.dropped == {
        "line is not JSON with infos.modelId": 2,
        "card: README missing (scraper error text)": 1,
        "card: README blank": 1,
    }
    facts = facts_by_id(batch)
    assert facts["LucasS/distilBertABSA"] == {
        "pipeline_tag": "question-answering", "library": "transformers",
        "tags": ["pytorch", "distilbert", "question-answering", "license:apache-2.0"],
        "downloads": 5, "likes": 2, "modified_at": "2021-09-02", "license_raw": "apache-2.0",
        "architecture_name": "DistilBertForQuestionAnswering", "model_type": "distilbert",
    }
    assert facts["gpt2"]["downloads"] == 17148259 and "license_raw" not in facts["gpt2"]
    assert "downloads" not in facts["007J/smile"]
    assert [card.raw_id for card in batch.cards] == ["LucasS/distilBertABSA"]
    assert batch.cards[0].text.startswith("# distilBert ABSA") and batch.cards[0].observed_on == "2022-02-21"
    assert {fact.exactness for fact in batch.facts} == {1}
    assert_well_formed(batch)


# ---- llmfit ------------------------------------------------------------------------------------


def llmfit_row(name: str, **extra) -> dict:
    row = {"name": name, "provider": name.split("/")[0], "parameter_count": "7B", "parameters_raw": 7_615_616_512,
           "min_ram_gb": 4.0, "recommended_ram_gb": 7.0, "min_vram_gb": 4.0, "quantization": "Q4_K_M",
           "format": "gguf", "context_length": 32768, "use_case": "General purpose", "capabilities": [],
           "pipeline_tag": "unknown", "architecture": "qwen2", "hf_downloads": 100, "hf_likes": 3,
           "release_date": None, "num_hidden_layers": None, "num_attention_heads": None,
           "num_key_value_heads": None, "head_dim": None, "hidden_size": None, "vocab_size": None,
           "moe_intermediate_size": None, "shared_expert_intermediate_size": None}
    return row | extra


def test_llmfit_shapes_variants_and_dropped_test_models(tmp_path: Path) -> None:
    rows = [
        # curated dense row: moe_intermediate_size is really the dense FFN width
        llmfit_row("Qwen/Qwen2.5-7B-Instruct", pipeline_tag="text-generation", release_date="2024-09-18",
                   capabilities=["tool_use"], num_hidden_layers=28, num_attention_heads=28, num_key_value_heads=4,
                   head_dim=128, hidden_size=3584, vocab_size=152064, moe_intermediate_size=18944,
                   gguf_sources=[{"repo": "bartowski/Qwen2.5-7B-Instruct-GGUF", "provider": "bartowski"}]),
        # discovered MoE row
        llmfit_row("mistralai/Mixtral-8x7B-v0.1", _discovered=True, parameters_raw=46_702_792_704, architecture="mixtral",
                   num_hidden_layers=32, num_attention_heads=32, num_key_value_heads=8, head_dim=128,
                   hidden_size=4096, vocab_size=32000, moe_intermediate_size=14336, is_moe=True,
                   num_experts=8, active_experts=2, active_parameters=12_900_000_000),
        # a quantised repo itself; no shape known
        llmfit_row("Qwen/Qwen2.5-0.5B-Instruct-AWQ", _discovered=True, format="awq", quantization="AWQ-4bit",
                   architecture="unknown", parameters_raw=494_032_768),
        llmfit_row("peft-internal-testing/tiny-random-gpt2", _discovered=True, parameters_raw=111_968),
        llmfit_row("nm-testing/Meta-Llama-3-8B-FP8-compressed-tensors-test", _discovered=True),
        {"provider": "nobody"},
        "not an object",
    ]
    path = tmp_path / "hf_models.json"
    path.write_text(json.dumps(rows))
    batch = read_llmfit(path)
    assert batch.rows_read == 7 and len(batch.facts) == 3
    assert batch.dropped == {"test or tiny-random model": 2, "no Hugging Face id in `name`": 2}
    facts = facts_by_id(batch)
    qwen = facts["Qwen/Qwen2.5-7B-Instruct"]
    assert qwen["architecture_config"] == {
        "num_hidden_layers": 28, "num_attention_heads": 28, "num_key_value_heads": 4, "head_dim": 128,
        "hidden_size": 3584, "vocab_size": 152064, "model_type": "qwen2", "intermediate_size": 18944,
    }
    assert qwen["pipeline_tag"] == "text-generation" and qwen["created_at"] == "2024-09-18" and qwen["tags"] == ["tool_use"]
    mixtral = facts["mistralai/Mixtral-8x7B-v0.1"]
    assert mixtral["params_total"] == 46_702_792_704 and mixtral["params_active"] == 12_900_000_000 and mixtral["is_moe"]
    assert mixtral["architecture_config"]["moe_intermediate_size"] == 14336
    assert mixtral["architecture_config"]["num_experts"] == 8 and mixtral["architecture_config"]["num_experts_per_tok"] == 2
    awq = facts["Qwen/Qwen2.5-0.5B-Instruct-AWQ"]
    assert "pipeline_tag" not in awq and "model_type" not in awq and "architecture_config" not in awq
    assert {fact.raw_id: fact.exactness for fact in batch.facts} == {
        "Qwen/Qwen2.5-7B-Instruct": 2, "mistralai/Mixtral-8x7B-v0.1": 1, "Qwen/Qwen2.5-0.5B-Instruct-AWQ": 1,
    }
    assert {(v.raw_id, v.base_raw_id, v.format, v.quantization) for v in batch.variants} == {
        ("bartowski/Qwen2.5-7B-Instruct-GGUF", "Qwen/Qwen2.5-7B-Instruct", "gguf", None),
        ("Qwen/Qwen2.5-0.5B-Instruct-AWQ", None, "awq", "AWQ-4bit"),
    }
    assert_well_formed(batch)


# ---- Open LLM Leaderboard ----------------------------------------------------------------------

V2_HEADER = ("model_name,model_precision,model_architecture,model_average_score,features_is_moe,"
             "metadata_upload_date,metadata_base_model,metadata_hub_license,metadata_hub_hearts,metadata_params_billions")


def test_open_llm_v2_keeps_best_precision_and_reads_blank_markers(tmp_path: Path) -> None:
    path = tmp_path / "huggingface_v2.csv"
    path.write_text("\n".join([
        V2_HEADER,
        # the same model at two precisions: the better average is kept
        "meta-llama/Meta-Llama-3-8B-Instruct,float16,LlamaForCausalLM,20.6,FALSE,2024-04-17,meta-llama/Meta-Llama-3-8B-Instruct,llama3,3500,8.03",
        "meta-llama/Meta-Llama-3-8B-Instruct,bfloat16,LlamaForCausalLM,23.9,FALSE,2024-04-17,meta-llama/Meta-Llama-3-8B-Instruct,llama3,3600,8.03",
        # blank licence, params -1 (unknown), `?` architecture, a base model of its own
        'someone/merge-7b,bfloat16,?,12.5,TRUE,,mistralai/Mistral-7B-v0.1,"",0,-1',
        "broken/row,bfloat16,LlamaForCausalLM",  # too few fields
        "no/score,bfloat16,LlamaForCausalLM,n/a,FALSE,2024-01-01,,mit,1,7",
    ]) + "\n")
    batch = read_open_llm_v2(path)
    assert batch.rows_read == 5
    assert batch.dropped == {
        "same model listed again (best-scoring row kept)": 1, "wrong number of fields": 1,
        "no model id or no numeric model_average_score": 1,
    }
    facts = facts_by_id(batch)
    assert facts["meta-llama/Meta-Llama-3-8B-Instruct"] == {
        "task_hint": "text-generation", "license_raw": "llama3", "params_total": pytest.approx(8.03e9),
        "architecture_name": "LlamaForCausalLM", "created_at": "2024-04-17", "likes": 3600, "is_moe": False,
    }
    assert facts["someone/merge-7b"] == {"task_hint": "text-generation", "base_model": "mistralai/Mistral-7B-v0.1",
                                         "likes": 0, "is_moe": True}
    signals = {(s.raw_id, s.metric): s for s in batch.signals}
    best = signals[("meta-llama/Meta-Llama-3-8B-Instruct", "open_llm_v2_average")]
    assert best.value == 23.9 and best.higher_is_better and best.task == "llm" and "bfloat16" in best.detail
    assert {fact.exactness for fact in batch.facts} == {2}
    assert_well_formed(batch)


def test_open_llm_v1_rounded_params_and_zero_as_unknown(tmp_path: Path) -> None:
    path = tmp_path / "huggingface.csv"
    path.write_text("\n".join([
        "t,model,average,architecture,precision,weight_type,hub_license,params_b,hub_hearts,moe,fullname",
        "🔶,tiiuae/falcon-7b,44.2,FalconForCausalLM,bfloat16,Original,apache-2.0,7,1000,TRUE,tiiuae/falcon-7b",
        "🟢,gpt2,28.5,GPT2LMHeadModel,float16,Original,mit,0,2000,TRUE,gpt2",
        "?,odd/arch,30.1,L;l;a;m;a,float16,Adapter,unknown,13,5,TRUE,odd/arch",
    ]) + "\n")
    batch = read_open_llm_v1(path)
    facts = facts_by_id(batch)
    assert facts["tiiuae/falcon-7b"] == {"task_hint": "text-generation", "license_raw": "apache-2.0",
                                         "params_total": 7e9, "architecture_name": "FalconForCausalLM", "likes": 1000}
    assert "params_total" not in facts["gpt2"]
    assert facts["odd/arch"] == {"task_hint": "text-generation", "params_total": 13e9, "likes": 5}
    assert [s.metric for s in batch.signals] == ["open_llm_v1_average"] * 3
    assert "Adapter" in batch.signals[2].detail
    assert_well_formed(batch)


# ---- arenas and LiveBench ----------------------------------------------------------------------

ARENA_HEADER = "rank,rank_stylectrl,model,arena_score,95_pct_ci,votes,organization,license,knowledge_cutoff,url"


def test_arena_display_names_duplicates_and_unknown_licence(tmp_path: Path) -> None:
    path = tmp_path / "lmarena_text.csv"
    path.write_text("\n".join([
        ARENA_HEADER,
        "1,1,Gemini-2.5-Pro,1470,+5/-5,26019,Google,Proprietary,,http://aistudio.google.com",
        "90,80,Yi-34B-Chat,1111,+4/-4,15000,01 AI,Yi License,2023/6,https://huggingface.co/01-ai/Yi-34B-Chat",
        "95,85,Yi-34B-Chat,1100,+6/-6,900,01 AI,Yi License,2023/6,https://huggingface.co/01-ai/Yi-34B-Chat",
        "120,99,Mystery-1,1000,+9/-9,50,,-,,",
        "121,99,Bad-Score,n/a,+9/-9,50,X,MIT,,",
    ]) + "\n")
    batch = read_arena(path)
    assert batch.rows_read == 5 and len(batch.facts) == 3
    assert batch.dropped == {"same model listed again (best-scoring row kept)": 1,
                             "no model id or no numeric arena_score": 1}
    facts = facts_by_id(batch)
    assert facts == {"Gemini-2.5-Pro": {"organization": "Google", "license_raw": "Proprietary"},
                     "Yi-34B-Chat": {"organization": "01 AI", "license_raw": "Yi License"}, "Mystery-1": {}}
    yi = next(s for s in batch.signals if s.raw_id == "Yi-34B-Chat")
    assert (yi.value, yi.metric, yi.id_kind, yi.task) == (1111.0, "arena_text_score", "display", "llm")
    vision = tmp_path / "lmarena_vision.csv"
    vision.write_text(ARENA_HEADER + "\n1,1,GPT-4o,1200,+3/-3,9000,OpenAI,Proprietary,,\n")
    assert read_arena(vision).signals[0].task == "image-text-to-text"
    with pytest.raises(ValueError, match="unknown arena board"):
        read_arena(tmp_path / "elsewhere.csv")


def test_livebench_category_and_overall_averages(tmp_path: Path) -> None:
    categories = tmp_path / "categories.json"
    categories.write_text(json.dumps({"Coding": ["code_generation", "code_completion"], "Mathematics": ["olympiad"]}))
    table = tmp_path / "table.csv"
    table.write_text("\n".join([
        "model,code_generation,code_completion,olympiad",
        "gpt-oss-120b,70.0,60.0,40.0",
        "nemotron-3-super-120b-a12b,87.0,39.13",  # one field short, as in the real table
        "half-done,50.0,,30.0",
    ]) + "\n")
    batch = read_livebench(table, categories)
    assert batch.rows_read == 3 and not batch.facts
    assert batch.dropped == {"wrong number of fields": 1, "no model name or a non-numeric task score": 1}
    values = {s.metric: s.value for s in batch.signals}
    assert values == {"livebench_average": 52.5, "livebench_coding": 65.0, "livebench_mathematics": 40.0}
    assert {s.id_kind for s in batch.signals} == {"display"}


# ---- configs -----------------------------------------------------------------------------------

LLAMA_8B = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 4096, "num_hidden_layers": 32,
            "num_attention_heads": 32, "num_key_value_heads": 8, "max_position_embeddings": 131072, "vocab_size": 128256}


def test_aiconfigurator_configs_and_quantised_variants(tmp_path: Path) -> None:
    directory = tmp_path / "model_configs"
    directory.mkdir()
    files = {
        "meta-llama--Meta-Llama-3.1-8B_config.json": LLAMA_8B,
        "zai-org--GLM-5_config.json": {"architectures": ["GlmMoeDsaForCausalLM"], "model_type": "glm_moe_dsa"},
        "nvidia--GLM-5-NVFP4_config.json": {"model_type": "glm_moe_dsa", "max_position_embeddings": 202752},
        "nvidia--GLM-5-NVFP4_hf_quant_config.json": {"quantization": {"quant_algo": "NVFP4", "kv_cache_quant_algo": "FP8"}},
        "nvidia--Qwen3.6-27B-NVFP4_hf_quant_config.json": {"quantization": {"quant_algo": "MIXED_PRECISION"}},
        # quantised repo with its quantization_config only in config.json
        "Qwen--Qwen3-32B-FP8_config.json": {"model_type": "qwen3", "quantization_config": {"quant_method": "fp8"},
                                            "text_config": {"hidden_size": 5120, "max_position_embeddings": 40960}},
        "Qwen--Qwen3-32B_config.json": {"model_type": "qwen3"},
    }
    for name, content in files.items():
        (directory / name).write_text(json.dumps(content))
    (directory / "broken--Model_config.json").write_text("{ not json")
    (directory / "README.md").write_text("not a config")
    batch = read_aiconfigurator(directory.iterdir())
    assert batch.rows_read == 9 and len(batch.facts) == 5
    assert batch.dropped == {"not a JSON object": 1, "file name is not <org>--<name>_config.json": 1}
    llama = facts_by_id(batch)["meta-llama/Meta-Llama-3.1-8B"]
    assert llama == {"architecture_config": LLAMA_8B, "architecture_name": "LlamaForCausalLM", "model_type": "llama",
                     "context_length": 131072}
    assert facts_by_id(batch)["Qwen/Qwen3-32B-FP8"]["context_length"] == 40960  # read through text_config
    assert {fact.exactness for fact in batch.facts} == {3}
    assert {(v.raw_id, v.base_raw_id, v.format, v.quantization) for v in batch.variants} == {
        ("nvidia/GLM-5-NVFP4", "zai-org/GLM-5", "nvfp4", "NVFP4"),
        ("nvidia/Qwen3.6-27B-NVFP4", None, "nvfp4", "MIXED_PRECISION"),  # no base config in the directory
        ("Qwen/Qwen3-32B-FP8", "Qwen/Qwen3-32B", "fp8", "fp8"),
    }
    assert_well_formed(batch)


def test_gpu_poor_key_styles_become_hf_names(tmp_path: Path) -> None:
    path = tmp_path / "all_configs.json"
    path.write_text(json.dumps({
        "NousResearch/Llama-2-13b-hf": {"architectures": ["LlamaForCausalLM"], "hidden_size": 5120, "intermediate_size": 13824,
                                        "num_attention_heads": 40, "num_hidden_layers": 40, "vocab_size": 32000},
        "gpt2": {"architectures": ["GPT2LMHeadModel"], "n_embd": 768, "n_head": 12, "n_inner": None, "n_layer": 12,
                 "vocab_size": 50257},
        "google/flan-t5-base": {"architectures": ["T5ForConditionalGeneration"], "d_ff": 2048, "d_model": 768,
                                "num_heads": 12, "num_layers": 12, "vocab_size": 32128},
        "TheBloke/Llama-2-7b-Chat-GPTQ": {"architectures": None, "hidden_size": 4096, "n_head": 32, "n_layer": 32,
                                          "vocab_size": 32000},
        "TheBloke/Llama-2-7B-GGML": {},
    }))
    batch = read_gpu_poor(path)
    assert batch.rows_read == 5 and len(batch.facts) == 4
    assert batch.dropped == {"empty or non-object config": 1}
    configs_by_id = {fact.raw_id: fact.fields["architecture_config"] for fact in batch.facts}
    assert configs_by_id["gpt2"] == {"architectures": ["GPT2LMHeadModel"], "vocab_size": 50257, "hidden_size": 768,
                                     "num_attention_heads": 12, "num_hidden_layers": 12}
    assert configs_by_id["google/flan-t5-base"] == {
        "architectures": ["T5ForConditionalGeneration"], "vocab_size": 32128, "intermediate_size": 2048,
        "hidden_size": 768, "num_attention_heads": 12, "num_hidden_layers": 12,
    }
    assert configs_by_id["TheBloke/Llama-2-7b-Chat-GPTQ"]["num_attention_heads"] == 32
    assert "architecture_name" not in facts_by_id(batch)["TheBloke/Llama-2-7b-Chat-GPTQ"]
    assert [(v.raw_id, v.format) for v in batch.variants] == [("TheBloke/Llama-2-7b-Chat-GPTQ", "gptq")]
    assert {fact.exactness for fact in batch.facts} == {1}
    assert_well_formed(batch)


# ---- open-llms ---------------------------------------------------------------------------------

OPEN_LLMS_README = """# Open LLMs

| Language Model | Release Date | Checkpoints | Paper/Blog | Params (B) | Context Length | Licence | Try it |
| --- | --- | --- | --- | --- | --- | --- | --- |
| Falcon | 2023/05 | [Falcon-40B](https://huggingface.co/tiiuae/falcon-40b), [Falcon-7B](https://huggingface.co/tiiuae/falcon-7b/blob/main/config.json) | [RefinedWeb](https://arxiv.org/abs/2306.01116) | 40, 7 | [2048](https://huggingface.co/tiiuae/falcon-7b) | Apache 2.0 | |
| Phi-3 Mini | 2024/04<!--23--> | [Phi-3-mini-4k-instruct](https://huggingface.co/microsoft/Phi-3-mini-4k-instruct), [Phi-3-mini-128k-instruct](https://huggingface.co/microsoft/Phi-3-mini-128k-instruct) | [Phi-3](https://arxiv.org/abs/2404.14219) | 3.8 | [4096, 128k](https://arxiv.org/abs/2404.14219) | MIT | |
| Pythia | 2023/04 | [pythia 70M - 12B](https://github.com/EleutherAI/pythia) | [Pythia](https://arxiv.org/abs/2304.01373) | 0.07 - 12 | [2048](https://arxiv.org) | Apache 2.0 | |
| Gemma | 2024/02<!--21--> | [Gemma 7B](https://huggingface.co/google/gemma-7b), [Space](https://huggingface.co/spaces/google/gemma) | [Report](https://example.org) | 2-7 | [8192](https://example.org) | [Gemma Terms of Use](https://ai.google.dev/gemma/terms) Free with usage restriction
| RedPajama | 2023/05 | [org page](https://huggingface.co/togethercomputer) | [Blog](https://example.org) | 3 - 7 | 2048 | Apache 2.0 | |

## Open LLMs for code

| Language Model | Release Date | Checkpoints | Paper/Blog | Params (B) | Context Length | Licence | Try it |
| --- | --- | --- | --- | --- | --- | --- | --- |
| StarCoder | 2023/05 | [starcoder](https://huggingface.co/bigcode/starcoder) | [StarCoder](https://example.org) | 1.1-15 | [8192](https://example.org) | [OpenRAIL-M v1](https://example.org) | |
| Falcon again | 2023/06 | [Falcon-7B](https://huggingface.co/tiiuae/falcon-7b) | x | 7 | 2048 | Apache 2.0 | |

## Open LLM datasets for pre-training

| Name | Release Date | Paper/Blog | Dataset | Tokens (T) | License |
| --- | --- | --- | --- | --- | ---- |
| RedPajama | 2023/04 | [blog](https://example.org) | [RedPajama-Data](https://huggingface.co/datasets/togethercomputer/RedPajama-Data-1T) | 1.2 | Apache 2.0 |
"""


def test_open_llms_table_one_fact_per_checkpoint(tmp_path: Path) -> None:
    path = tmp_path / "README.md"
    path.write_text(OPEN_LLMS_README)
    batch = read_open_llms(path)
    assert batch.rows_read == 7
    assert batch.dropped == {"row links no Hugging Face checkpoint": 2, "checkpoint already listed in an earlier row": 1}
    facts = facts_by_id(batch)
    assert list(facts) == ["tiiuae/falcon-40b", "tiiuae/falcon-7b", "microsoft/Phi-3-mini-4k-instruct",
                           "microsoft/Phi-3-mini-128k-instruct", "google/gemma-7b", "bigcode/starcoder"]
    assert facts["tiiuae/falcon-40b"] == {
        "family": "Falcon", "task_hint": "text-generation", "created_at": "2023-05-01", "license_raw": "Apache 2.0",
        "description": "RefinedWeb", "params_total": 40e9, "context_length": 2048,
    }
    assert facts["tiiuae/falcon-7b"]["params_total"] == 7e9 and facts["tiiuae/falcon-7b"]["task_hint"] == "text-generation"
    assert facts["microsoft/Phi-3-mini-4k-instruct"]["context_length"] == 4096
    assert facts["microsoft/Phi-3-mini-128k-instruct"]["context_length"] == 131072
    assert facts["microsoft/Phi-3-mini-128k-instruct"]["params_total"] == pytest.approx(3.8e9)
    gemma = facts["google/gemma-7b"]  # row without a trailing `|`; a params range gives no count
    assert gemma["created_at"] == "2024-02-21" and "params_total" not in gemma
    assert gemma["license_raw"] == "Gemma Terms of Use Free with usage restriction"
    assert facts["bigcode/starcoder"]["task_hint"] == "code-generation" and "params_total" not in facts["bigcode/starcoder"]
    assert_well_formed(batch)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2023/03<!--13-->", "2023-03-13"),  # day hidden in an HTML comment
        ("2019/10", "2019-10-01"),  # month only: the 1st
        ("2024/13", None),
        ("soon", None),
    ],
)
def test_open_llms_release_dates(cell: str, expected: str | None) -> None:
    assert release_date(cell) == expected


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        ("3, 7, 12", 1.0, [3.0, 7.0, 12.0]),
        ("0.06 - 11", 1.0, []),  # a range names no checkpoint's size
        ("4096, 128k", 1024.0, [4096.0, 131072.0]),
        ("128k, 1M", 1024.0, [131072.0, 1048576.0]),
        ("84k (ALiBi)", 1024.0, [86016.0]),
        ("infinity? (ALiBi)", 1024.0, []),
    ],
)
def test_open_llms_list_cells(text: str, unit: float, expected: list[float]) -> None:
    assert numbers(text, unit) == expected


@pytest.mark.parametrize(
    ("raw_id", "params", "expected"),
    [
        ("tiiuae/falcon-180B", [180e9, 40e9, 7e9], 180e9),
        ("openlm-research/open_llama_7b", [3e9, 7e9], 7e9),  # underscore separators
        ("openlm-research/open_llama_13b", [3e9, 7e9], None),  # `3b` inside `13b` is not 3 B
        ("apple/OpenELM-270M", [0.27e9, 3e9], 0.27e9),  # under a billion, named in millions
        ("apple/OpenELM-1_1B", [1.1e9, 3e9], 1.1e9),  # `1_1B` spells 1.1 B
        ("mistralai/Mistral-7B-v0.1", [7e9], 7e9),  # a single value holds for every checkpoint
        ("microsoft/Phi-3-medium-4k-instruct", [7e9, 14e9], None),
    ],
)
def test_open_llms_params_per_checkpoint(raw_id: str, params: list[float], expected: float | None) -> None:
    assert params_for(raw_id, params) == expected


# ---- the real files ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def models_data() -> Path:
    if not (MODELS_DATA / "README.md").is_file():
        pytest.skip(f"{MODELS_DATA} is absent: set ARCHITECT_DATA_MIRROR or provide ../shared/data/models")
    return MODELS_DATA


@pytest.mark.integration
@pytest.mark.parametrize("module", [hub_dump, llmfit, leaderboards, configs, open_llms])
def test_every_listed_file_is_in_the_mirror(models_data: Path, module) -> None:
    assert module.FILES
    for entry in module.FILES:
        assert set(entry) == {"repository", "commit", "upstream_path", "mirror_path"}
        assert re.fullmatch(r"[0-9a-f]{40}", entry["commit"]), entry
        assert (models_data / entry["mirror_path"]).is_file(), entry["mirror_path"]


@pytest.mark.integration
def test_real_hub_dump(models_data: Path) -> None:
    started = time.perf_counter()
    batch = read_hub_dump(models_data / "saranscript+huggingface-models/models.jsonl.gz")
    elapsed_s = time.perf_counter() - started
    assert elapsed_s < 20, f"hub dump read took {elapsed_s:.1f} s"
    assert batch.rows_read == len(batch.facts) == 29_432
    # README: 29,083 non-empty READMEs, of which 12,842 are the scraper's error text
    assert len(batch.cards) == 29_083 - 12_842
    assert batch.dropped["card: README missing (scraper error text)"] == 12_842
    facts = facts_by_id(batch)
    assert sum("license_raw" in fields for fields in facts.values()) == 7_498  # README: about 7.5k
    assert sum("pipeline_tag" not in fields for fields in facts.values()) == 9_345  # README: 9,343 null
    assert sum("/" not in raw_id for raw_id in facts) == 68
    assert facts["gpt2"]["license_raw"] == "mit" and facts["gpt2"]["architecture_name"] == "GPT2LMHeadModel"
    assert facts["bert-base-uncased"]["pipeline_tag"] == "fill-mask"
    assert_well_formed(batch)


@pytest.mark.integration
def test_real_llmfit(models_data: Path) -> None:
    batch = read_llmfit(models_data / "AlexsJones+llmfit/llmfit-core/data/hf_models.json")
    assert batch.rows_read == 1_852
    assert batch.dropped == {"test or tiny-random model": 54}
    assert len(batch.facts) == 1_852 - 54
    assert sum(fact.exactness == 2 for fact in batch.facts) == 156  # the rows not `_discovered`
    assert sum(v.format == "gguf" for v in batch.variants) == 494  # gguf_sources of 318 rows
    facts = facts_by_id(batch)
    mixtral = facts["mistralai/Mixtral-8x7B-Instruct-v0.1"]
    assert mixtral["params_active"] == 12_900_000_000 and mixtral["architecture_config"]["num_key_value_heads"] == 8
    assert facts["Qwen/Qwen2.5-7B-Instruct"]["architecture_config"]["intermediate_size"] == 18944
    assert "peft-internal-testing/tiny-random-gpt2" not in facts
    assert_well_formed(batch)


@pytest.mark.integration
def test_real_open_llm_leaderboards(models_data: Path) -> None:
    v2 = read_open_llm_v2(models_data / "fboulnois+llm-leaderboard-csv/csv/huggingface_v2.csv")
    assert v2.rows_read == 4_576 and len(v2.facts) == 4_576 - 79 == len(v2.signals)
    v2_facts = facts_by_id(v2)
    assert sum("license_raw" not in fields for fields in v2_facts.values()) < 1_753  # blank rows, minus duplicates
    assert v2_facts["Qwen/Qwen2.5-7B-Instruct"]["license_raw"] == "apache-2.0"
    assert v2_facts["google/gemma-2-9b-it"]["license_raw"] == "gemma"
    llama3 = next(s for s in v2.signals if s.raw_id == "meta-llama/Meta-Llama-3-8B-Instruct")
    assert llama3.value == pytest.approx(23.9, abs=0.01) and "bfloat16" in llama3.detail  # better of bf16 / fp16
    v1 = read_open_llm_v1(models_data / "fboulnois+llm-leaderboard-csv/csv/huggingface.csv")
    assert v1.rows_read == 7_169 and len(v1.facts) == 6_811 == len(v1.signals)
    assert {s.metric for s in v1.signals} == {"open_llm_v1_average"}
    assert_well_formed(v2)
    assert_well_formed(v1)


@pytest.mark.integration
@pytest.mark.parametrize(("board", "rows", "models"), [
    ("lmarena_text", 266, 265), ("lmarena_vision", 86, 86), ("lmarena_image", 19, 19), ("lmsys", 218, 218),
])
def test_real_arenas(models_data: Path, board: str, rows: int, models: int) -> None:
    batch = read_arena(models_data / f"fboulnois+llm-leaderboard-csv/csv/{board}.csv")
    assert batch.rows_read == rows and len(batch.facts) == len(batch.signals) == models
    assert {fact.id_kind for fact in batch.facts} == {"display"}
    if board == "lmarena_text":
        assert sum(fact.fields.get("license_raw") == "Proprietary" for fact in batch.facts) == 119
        assert facts_by_id(batch)["Gemini-2.5-Pro"] == {"organization": "Google", "license_raw": "Proprietary"}


@pytest.mark.integration
def test_real_livebench(models_data: Path) -> None:
    public = models_data / "LiveBench+livebench.github.io/public"
    batch = read_livebench(public / "table_2026_01_08.csv", public / "categories_2026_01_08.json")
    assert batch.rows_read == 127 and batch.dropped == {"wrong number of fields": 1}
    assert len(batch.signals) == 126 * 8  # overall + 7 categories
    assert len({s.raw_id for s in batch.signals}) == 126


@pytest.mark.integration
def test_real_configs(models_data: Path) -> None:
    aic = read_aiconfigurator(models_data / entry["mirror_path"] for entry in configs.AICONFIGURATOR_FILES)
    assert aic.rows_read == 85 + 26 and len(aic.facts) == 85 and not aic.dropped
    llama = facts_by_id(aic)["meta-llama/Meta-Llama-3.1-8B"]
    assert llama["architecture_config"]["num_hidden_layers"] == 32 and llama["context_length"] == 131072
    variants = {v.raw_id: v for v in aic.variants}
    assert {"nvidia/Llama-3.1-70B-Instruct-FP8", "nvidia/GLM-5-NVFP4"} <= set(variants)
    assert variants["nvidia/GLM-5-NVFP4"].base_raw_id == "zai-org/GLM-5"
    assert {v.format for v in aic.variants} == {"fp8", "nvfp4"}
    gpu_poor = read_gpu_poor(models_data / "RahulSChand+gpu_poor/public/all_configs.json")
    assert gpu_poor.rows_read == 2_980 and gpu_poor.dropped == {"empty or non-object config": 40}
    shapes = [fact.fields["architecture_config"] for fact in gpu_poor.facts]
    assert not any({"n_layer", "n_head", "d_model", "num_layers"} & set(shape) for shape in shapes)
    assert facts_by_id(gpu_poor)["google/flan-t5-large"]["architecture_config"]["num_hidden_layers"] == 24
    assert_well_formed(aic)
    assert_well_formed(gpu_poor)


@pytest.mark.integration
def test_real_open_llms(models_data: Path) -> None:
    batch = read_open_llms(models_data / "eugeneyan+open-llms/README.md")
    assert batch.rows_read == 76 and len(batch.facts) == 137
    facts = facts_by_id(batch)
    assert facts["meta-llama/Meta-Llama-3-70B"]["params_total"] == 70e9
    assert facts["meta-llama/Meta-Llama-3-70B"]["context_length"] == 8192
    assert facts["mistralai/Mixtral-8x7B-v0.1"]["license_raw"] == "Apache 2.0"
    assert facts["THUDM/chatglm-6b"]["created_at"] == "2023-03-13"
    assert_well_formed(batch)
