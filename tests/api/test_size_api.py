"""`POST /api/v1/tools/size` and `architect size`: the sizing engine behind catalog names."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from stack8s_architect.api.app import create_app
from stack8s_architect.cli import app as cli_app
from stack8s_architect.core.database import Database
from stack8s_architect.core.settings import Settings

from ..conftest import local_client

# meta-llama/Llama-3.1-8B config.json (Hugging Face), the fields sizing reads.
LLAMA_31_8B = {
    "architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 4096, "intermediate_size": 14336,
    "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8, "head_dim": 128,
    "vocab_size": 128256, "max_position_embeddings": 131072, "tie_word_embeddings": False,
    "torch_dtype": "bfloat16", "rms_norm_eps": 1e-05, "rope_theta": 500000.0,
}


@pytest.fixture
def client(database: Database) -> Iterator[TestClient]:
    with local_client(create_app(Settings.load(), database=database, embed_in_background=False)) as test_client:
        yield test_client


def test_llama_8b_on_one_l4_at_128k_does_not_fit(client: TestClient) -> None:
    response = client.post("/api/v1/tools/size", json={
        "config": LLAMA_31_8B, "model_id": "meta-llama/Llama-3.1-8B", "gpu": "L4", "gpu_count": 1,
        "context_length": 131072,
    })
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["sizing"]["weights_gib"] == pytest.approx(14.96, abs=0.01)
    assert body["sizing"]["confidence"] == "exact"
    assert body["details"]["kv_cache_bytes_per_token"] == 131072  # 128 KiB
    fit = body["details"]["fit"]
    assert fit["fits"] is False
    # vLLM 0.11 on one L4: 0.9 × 21.9 GiB − 14.96 weights − 1.19 profile peak − 0.14 non-torch ≈ 3.4 GiB of KV,
    # which vLLM prints as its "GPU KV cache size" at 128 KiB per token
    assert 27_000 <= fit["max_context_tokens"] <= 28_500 and fit["max_context_tokens"] % 16 == 0


def test_gpu_counts_per_accelerator_for_70b(client: TestClient) -> None:
    response = client.post("/api/v1/tools/size", json={"model": "70B", "gpus": ["H100", "L4"]})
    assert response.status_code == 200
    fits = {f["gpu"]: f for f in response.json()["details"]["gpu_fits"]}
    assert fits["H100-SXM"]["gpu_count"] == 2 and fits["H100-SXM"]["fits"]
    assert fits["L4"]["gpu_count"] > fits["H100-SXM"]["gpu_count"]
    assert response.json()["sizing"]["confidence"] == "estimated"


def test_nodes_smaller_than_eight_gpus_pipeline_across_nodes(client: TestClient) -> None:
    """Two H100 NVL per Azure VM: 70B in bf16 at 8k needs four GPUs (two leave no KV room after vLLM's profile run),
    so TP=2 inside each VM × two pipeline stages; pinned at six, three stages."""
    response = client.post("/api/v1/tools/size", json={"model": "70B", "gpu": "H100-NVL", "gpus_per_node": 2,
                                                       "context_length": 8192})
    assert response.status_code == 200, response.text
    fit = response.json()["details"]["fit"]
    assert fit["fits"] and (fit["tensor_parallel"], fit["pipeline_parallel"]) == (2, fit["gpu_count"] // 2)
    pinned = client.post("/api/v1/tools/size", json={"model": "70B", "gpu": "H100-NVL", "gpus_per_node": 2,
                                                     "gpu_count": 6}).json()["details"]["fit"]
    assert (pinned["tensor_parallel"], pinned["pipeline_parallel"]) == (2, 3)
    odd = client.post("/api/v1/tools/size", json={"model": "70B", "gpu": "H100-NVL", "gpus_per_node": 2, "gpu_count": 5})
    assert odd.status_code == 400 and "multiple of 2" in odd.json()["error"]["message"]


@pytest.mark.parametrize(
    ("body", "status", "text"),
    [
        ({"model": "llama-70b"}, 404, "config.json"),  # a name the (empty) model catalog does not hold
        ({"model": "70B", "precision": "fp9"}, 400, "Did you mean"),
        ({"model": "70B", "gpu": "H1000"}, 400, "Did you mean"),
        ({}, 422, "exactly one"),
        ({"model": "70B", "config": LLAMA_31_8B}, 422, "exactly one"),
        ({"model": "70B", "context_length": 0}, 422, "context_length"),
        ({"config": {"model_type": "llama"}}, 400, "architecture"),
        ({"model": "70"}, 400, "needs a unit"),
        ({"model": "8B", "active_params_billions": 9}, 400, "exceeds"),
        ({"config": {**LLAMA_31_8B, "head_dim": -128}}, 400, "config.head_dim"),
        ({"config": {**LLAMA_31_8B, "num_hidden_layers": 1_000_000}}, 400, "config.num_hidden_layers"),
        ({"config": {**LLAMA_31_8B, "hidden_size": "wide"}}, 400, "config.hidden_size"),
        ({"config": {**LLAMA_31_8B, "block_configs": [1, 2]}}, 400, "config"),
        ({"config": {**LLAMA_31_8B, "quantization_config": {"config_groups": {"g": 1}}}}, 400, "config"),
        ({"model": "8B", "training_tokens": 1e308}, 422, "training_tokens"),
        # a context beyond the model's own limit is refused, the limit named
        ({"config": LLAMA_31_8B, "context_length": 200_000}, 400, "at most 131,072 tokens of context"),
        ({"config": {**LLAMA_31_8B, "max_position_embeddings": 32768,
                     "rope_scaling": {"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 32768}},
          "context_length": 140_000}, 400, "at most 131,072 tokens"),  # YaRN × 4 of 32k, as vLLM derives it
    ],
)
def test_bad_requests_say_what_to_change(client: TestClient, body: dict, status: int, text: str) -> None:
    response = client.post("/api/v1/tools/size", json=body)
    assert response.status_code == status, response.text
    assert text in response.json()["error"]["message"]


def test_a_context_up_to_the_scaled_limit_is_sized(client: TestClient) -> None:
    yarn = {**LLAMA_31_8B, "max_position_embeddings": 32768,
            "rope_scaling": {"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 32768}}
    response = client.post("/api/v1/tools/size", json={"config": yarn, "context_length": 131_072, "gpu": "H100"})
    assert response.status_code == 200, response.text
    llama3 = {**LLAMA_31_8B, "rope_scaling": {"rope_type": "llama3", "factor": 8.0,
                                              "original_max_position_embeddings": 8192}}  # already the long length
    refused = client.post("/api/v1/tools/size", json={"config": llama3, "context_length": 131_073})
    assert refused.status_code == 400 and "131,072" in refused.json()["error"]["message"]


def test_fp8_checkpoint_is_sized_at_fp8_from_its_quant_config(client: TestClient) -> None:
    quant = {"quantization": {"quant_algo": "FP8", "kv_cache_quant_algo": None}}  # nvidia/*-FP8 hf_quant_config.json
    response = client.post("/api/v1/tools/size", json={"config": LLAMA_31_8B, "hf_quant_config": quant})
    assert response.status_code == 200, response.text
    assert response.json()["sizing"]["weights_gib"] < 9  # 8B at 1 byte/weight plus bf16 embeddings, not 15 GiB


def test_family_gpu_is_stated_and_cost_comes_from_the_price(client: TestClient) -> None:
    response = client.post("/api/v1/tools/size", json={
        "model": "70B", "gpu": "H100", "usd_per_hour": 98.32, "gpus_per_instance": 8,
    })
    details = response.json()["details"]
    assert any("H100-SXM" in note and "family" in note for note in details["assumptions"])
    assert details["fit"]["gpu_count"] == 2
    assert details["cost"] == {"instances": 1, "usd_per_hour": 98.32, "monthly_cost_usd": round(98.32 * 730, 2)}


def test_cli_reads_a_config_json_path(tmp_path: Path) -> None:
    path = tmp_path / "meta-llama--Llama-3.1-8B_config.json"
    path.write_text(json.dumps(LLAMA_31_8B))
    result = CliRunner().invoke(cli_app, ["size", "--model", str(path), "--gpu", "L4", "--context", "8192", "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["sizing"]["model_id"] == "meta-llama/Llama-3.1-8B"
    assert body["details"]["fit"]["gpu_count"] == 1


def test_cli_table_and_bad_model(tmp_path: Path) -> None:
    table = CliRunner().invoke(cli_app, ["size", "--model", "13B", "--mode", "qlora", "--gpu", "A10G"])
    assert table.exit_code == 0, table.output
    assert "A10G" in table.output and "weights" in table.output
    bad = CliRunner().invoke(cli_app, ["size", "--model", "mystery-model"])
    assert bad.exit_code == 2 and "parameter count" in bad.output
    missing = CliRunner().invoke(cli_app, ["size", "--model", str(tmp_path / "nope" / "config.json")])
    assert missing.exit_code == 2 and "no such file" in " ".join(missing.output.split())


def test_cli_pins_the_gpu_count_it_was_given(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_text(json.dumps(LLAMA_31_8B))
    result = CliRunner().invoke(
        cli_app, ["size", "--model", str(path), "--gpu", "L4", "--gpu-count", "1", "--context", "131072"]
    )
    assert result.exit_code == 0, result.output
    first_row = next(line for line in result.output.splitlines() if "(--gpu)" in line)
    assert "│ no" in first_row  # the pinned single L4 does not fit: shown first, not hidden
