"""The model knowledge base over ../shared/data: ingest, entity resolution, retrieval quality (skips when absent)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from stack8s_architect.api.app import create_app
from stack8s_architect.catalog import ingest
from stack8s_architect.catalog.models import repository
from stack8s_architect.catalog.models.embedding import Embedder
from stack8s_architect.catalog.models.retrieval_cases import CASES
from stack8s_architect.catalog.models.schemas import ModelSearchRequest
from stack8s_architect.catalog.models.search import search_models
from stack8s_architect.catalog.models.service import embed_pending, facts_for, model_detail, resolve_model
from stack8s_architect.catalog.sources import SourceReader, sources_for
from stack8s_architect.core.database import Database
from stack8s_architect.core.embedded_postgres import EmbeddedPostgres
from stack8s_architect.core.errors import NotFoundError, UnknownNameError
from stack8s_architect.core.settings import Settings

from ..conftest import create_database, drop_database, local_client

pytestmark = pytest.mark.integration

# Hand-checked against the catalog: (as people write it, the catalog id it must resolve to — None: not in the catalog, ambiguous)
RESOLVER_TABLE = [
    ('GLM-4.5', 'zai-org/GLM-4.5', False),
    ('glm 4.5', 'zai-org/GLM-4.5', False),
    ('GLM 4.5 Air', 'zai-org/GLM-4.5-Air', False),
    ('zai-org/GLM-4.5', 'zai-org/GLM-4.5', False),
    ('GLM-4.6', 'zai-org/GLM-4.6', False),
    ('Llama 3.1 8B Instruct', 'meta-llama/Llama-3.1-8B-Instruct', False),
    ('llama 3.1 8b', 'meta-llama/Llama-3.1-8B-Instruct', False),
    ('Llama-3.1-8B', 'meta-llama/Llama-3.1-8B-Instruct', False),
    ('meta-llama/Llama-3.1-8B', 'meta-llama/Llama-3.1-8B', False),
    ('Meta-Llama-3.1-8B-Instruct', 'meta-llama/Llama-3.1-8B-Instruct', False),
    ('llama3.1:8b', 'meta-llama/Llama-3.1-8B-Instruct', False),
    ('llama3.1:8b-instruct-q4_K_M', 'meta-llama/Llama-3.1-8B-Instruct', False),
    ('Llama 3.1 70B', 'meta-llama/Llama-3.1-70B-Instruct', False),
    ('llama 3.3 70b', 'meta-llama/Llama-3.3-70B-Instruct', False),
    ('Llama 3 8B Instruct', 'meta-llama/Meta-Llama-3-8B-Instruct', False),
    ('Llama 3.2 3B', 'meta-llama/Llama-3.2-3B-Instruct', False),
    ('llama 3.2 1b instruct', 'meta-llama/Llama-3.2-1B-Instruct', False),
    ('Llama 4 Maverick', 'meta-llama/Llama-4-Maverick-17B-128E-Instruct', False),
    ('Llama 4 Scout', 'meta-llama/Llama-4-Scout-17B-16E-Instruct', False),
    ('lama 3.1 8b', 'meta-llama/Llama-3.1-8B-Instruct', False),
    ('Llama 3.1 405B', 'meta-llama/Llama-3.1-405B-Instruct', False),
    ('MiniMax M2', 'MiniMaxAI/MiniMax-M2', False),
    ('MiniMax-M2.5', 'MiniMaxAI/MiniMax-M2.5', False),
    ('Qwen3-235B-A22B', 'Qwen/Qwen3-235B-A22B', False),
    ('qwen3 235b a22b instruct 2507', 'Qwen/Qwen3-235B-A22B-Instruct-2507', False),
    ('Qwen3-32B', 'Qwen/Qwen3-32B', False),
    ('Qwen3 30B A3B', 'Qwen/Qwen3-30B-A3B', False),
    ('Qwen3-8B', 'Qwen/Qwen3-8B', False),
    ('qwen2.5:14b', 'Qwen/Qwen2.5-14B-Instruct', False),
    ('Qwen2.5 7B Instruct', 'Qwen/Qwen2.5-7B-Instruct', False),
    ('Qwen2.5 Coder 32B', 'Qwen/Qwen2.5-Coder-32B-Instruct', False),
    ('Qwen/Qwen2.5-7B-Instruct-AWQ', 'Qwen/Qwen2.5-7B-Instruct', False),
    ('Qwen2.5-72B-Instruct', 'Qwen/Qwen2.5-72B-Instruct', False),
    ('QwQ 32B', 'Qwen/QwQ-32B', False),
    ('Mistral 7B Instruct', 'mistralai/Mistral-7B-Instruct-v0.3', True),
    ('mistral 7b instruct v0.2', 'mistralai/Mistral-7B-Instruct-v0.2', False),
    ('mistrall 7b', 'mistralai/Mistral-7B-Instruct-v0.3', True),
    ('Mixtral 8x7B', 'mistralai/Mixtral-8x7B-Instruct-v0.1', False),
    ('Mixtral 8x22B', 'mistralai/Mixtral-8x22B-Instruct-v0.1', False),
    ('Mistral Small 3.1', 'mistralai/Mistral-Small-3.1-24B-Instruct-2503', False),
    ('Mistral Nemo', 'mistralai/Mistral-Nemo-Instruct-2407', False),
    ('Phi-3.5 mini', 'microsoft/Phi-3.5-mini-instruct', False),
    ('phi 3.5 mini instruct', 'microsoft/Phi-3.5-mini-instruct', False),
    ('Phi-4', 'microsoft/phi-4', False),
    ('phi 3 mini', 'microsoft/Phi-3-mini-4k-instruct', True),
    ('gemma 3 12b', 'google/gemma-3-12b-it', False),
    ('Gemma 3 27B', 'google/gemma-3-27b-it', False),
    ('gemma 2 9b', 'google/gemma-2-9b-it', False),
    ('gemma 3n e4b', 'google/gemma-3n-E4B-it', False),
    ('Falcon 180B', 'tiiuae/falcon-180B-chat', False),
    ('falcon 40b', 'tiiuae/falcon-40b-instruct', False),
    ('whisper medium', 'openai/whisper-medium.en', False),
    ('Whisper large v3', 'openai/whisper-large-v3', False),
    ('whisper-large-v3-turbo', 'openai/whisper-large-v3-turbo', False),
    ('Stable Diffusion 3 Medium', 'stabilityai/stable-diffusion-3-medium', False),
    ('YOLO11n', 'roboflow/yolo11n', False),
    ('yolov8n', 'roboflow/yolov8n', False),
    ('ResNet-50', 'timm/resnet50.a1_in1k', True),
    ('DeepSeek V3', 'deepseek-ai/DeepSeek-V3', False),
    ('deepseek v3.2', 'deepseek-ai/DeepSeek-V3.2', False),
    ('DeepSeek R1', 'deepseek-ai/DeepSeek-R1', False),
    ('DeepSeek-R1-Distill-Qwen-7B', 'deepseek-ai/DeepSeek-R1-Distill-Qwen-7B', False),
    ('DeepSeek-R1-Distill-Llama-70B', 'deepseek-ai/DeepSeek-R1-Distill-Llama-70B', False),
    ('gpt-oss-120b', 'openai/gpt-oss-120b', False),
    ('gpt oss 20b', 'openai/gpt-oss-20b', False),
    ('Kimi K2', 'moonshotai/Kimi-K2-Instruct', False),
    ('Kimi K2.5', 'moonshotai/Kimi-K2.5', False),
    ('all-MiniLM-L6-v2', 'sentence-transformers/all-MiniLM-L6-v2', False),
    ('bge m3', 'BAAI/bge-m3', False),
    ('bge large en v1.5', 'BAAI/bge-large-en-v1.5', False),
    ('nomic embed text', 'nomic-ai/nomic-embed-text-v1.5', True),
    ('e5 large v2', 'Xenova/e5-large-v2', False),
    ('hugging-quants/Meta-Llama-3.1-70B-Instruct-AWQ-INT4', 'meta-llama/Llama-3.1-70B-Instruct', False),
    ('TheBloke/Llama-2-7B-Chat-GGUF', 'meta-llama/Llama-2-7b-chat-hf', False),
    ('bartowski/Meta-Llama-3.1-8B-Instruct-GGUF', 'meta-llama/Llama-3.1-8B-Instruct', False),
    ('RedHatAI/Meta-Llama-3.1-8B-Instruct-FP8', 'meta-llama/Llama-3.1-8B-Instruct', False),
    ('Llama 2 7B chat', 'meta-llama/Llama-2-7b-chat-hf', False),
    ('Llama 2 70B', 'meta-llama/Llama-2-70b-chat-hf', False),
    ('CodeLlama 34B', 'meta-llama/CodeLlama-34b-Instruct-hf', False),
    ('StarCoder2 15B', 'bigcode/starcoder2-15b', False),
    ('Granite 3.3 8B', 'ibm-granite/granite-3.3-8b-instruct', False),
    ('OLMo 2 7B', 'allenai/OLMo-2-1124-7B-Instruct', False),
    ('Yi 34B', '01-ai/Yi-34B-Chat', False),
    ('command r plus', 'coherelabs/c4ai-command-r-plus', False),
    ('BERT base uncased', 'google-bert/bert-base-uncased', False),
    ('Llama 70B', 'meta-llama/Llama-3.3-70B-Instruct', True),
    ('Llama 3.1 13B', None, False),
    ('GPT-5', None, False),
    ('foo bar 7b', None, False),
    ('Claude 3 Opus', None, False),
    ('MONAI lung nodule detection', 'monai/lung_nodule_ct_detection', False),
]


EMBEDDED_SAMPLE = 300  # CI embeds a bounded sample; the rest of the chunks stay lexical-only


@pytest.fixture(scope="module")
def embedder(tmp_path_factory) -> Embedder:  # noqa: ANN001
    return Embedder.load(tmp_path_factory.mktemp("graph"))


@pytest.fixture(scope="module")
def catalog(shared_data: Path, postgres_server: EmbeddedPostgres, template_database: str, embedder: Embedder,
            tmp_path_factory) -> Iterator[tuple[Database, list]]:  # noqa: ANN001
    database = create_database(postgres_server, template_database)
    reader = SourceReader(shared_data, tmp_path_factory.mktemp("cache"))
    reports = ingest.sync(database, reader, sources_for(("models",)))
    embed_pending(database.session, embedder, limit=EMBEDDED_SAMPLE)
    yield database, reports
    drop_database(postgres_server, database)


def test_every_model_source_ingests(catalog) -> None:  # noqa: ANN001
    _, reports = catalog
    assert [r.source_id for r in reports if r.status != "ingested"] == []
    assert all(r.rows_written > 0 for r in reports)


def test_entity_resolution_and_normalised_fields(catalog) -> None:  # noqa: ANN001
    database, _ = catalog
    with database.session() as session:
        assert repository.count_models(session) > 40_000
        llama = model_detail(session, "meta-llama/Meta-Llama-3.1-8B")["record"]  # old repo name resolves
        monai = model_detail(session, "monai/lung_nodule_ct_detection")["record"]
        whisper = model_detail(session, "openai/whisper-large-v3")["record"]
        bart = model_detail(session, "facebook/bart-large-cnn")["record"]
    assert llama["id"] == "meta-llama/Llama-3.1-8B"
    assert (llama["license_id"], llama["commercial_use"]) == ("llama3.1", "restricted")
    assert llama["architecture_config"]["num_hidden_layers"] == 32 and llama["context_length"] == 131072
    assert len(llama["sources"]) >= 3 and llama["provenance"]["architecture_config"] == "aiconfigurator-configs"
    assert (monai["task"], monai["domain"]) == ("object-detection", "medical_imaging")
    assert any(q["metric"] == "wer" for q in whisper["quality"])
    assert bart["task"] == "summarization" and bart["downloads"] > 0


def test_quantised_repos_fold_into_their_base(catalog) -> None:  # noqa: ANN001
    database, _ = catalog
    with database.session() as session:
        qwen = model_detail(session, "Qwen/Qwen2.5-7B-Instruct")["record"]
    formats = {v["format"] for v in qwen["variants"]}
    assert formats & {"gguf", "awq", "gptq", "ollama"}, formats
    assert all(v["size_bytes"] is None or v["size_bytes"] > 0 for v in qwen["variants"])


@pytest.mark.parametrize("dense", [False, True])
def test_retrieval_hit_rate_is_at_least_90_percent(catalog, embedder: Embedder, dense: bool) -> None:  # noqa: ANN001
    database, _ = catalog
    misses = []
    with database.session() as session:
        for case in CASES:
            result = search_models(session, ModelSearchRequest(query=case.query, limit=5, **case.filters),
                                   embedder if dense else None)
            assert result.dense is dense
            if not any(re.search(case.expected, hit.id, re.I) for hit in result.results):
                misses.append((case.query, [hit.id for hit in result.results]))
    hit_rate = 1 - len(misses) / len(CASES)
    assert len(CASES) >= 30
    assert hit_rate >= 0.9, misses


@pytest.mark.parametrize("dense", [False, True])
def test_filters_hold(catalog, embedder: Embedder, dense: bool) -> None:  # noqa: ANN001
    """The SQL filters apply to the lexical and the dense candidates alike."""
    database, _ = catalog
    with database.session() as session:
        fits = search_models(session, ModelSearchRequest(query="chat model", fits_gib=16, precision="int4",
                                                         commercial_only=True, has_config=True, limit=20),
                             embedder if dense else None)
        licensed = search_models(session, ModelSearchRequest(query="small instruct model for chat",
                                                             task="text-generation", licenses=["apache-2.0"],
                                                             limit=20), embedder if dense else None)
        with pytest.raises(UnknownNameError):
            search_models(session, ModelSearchRequest(query="x", task="object-detektion"), None)
        with pytest.raises(NotFoundError, match="Did you mean"):
            model_detail(session, "meta-llama/Llama-3.1-8B-Typo")
    assert fits.results and licensed.results and fits.dense is licensed.dense is dense
    for hit in fits.results:
        assert hit.params_billions is not None and hit.params_billions * 0.5 <= 16 * 1.074
        assert hit.commercial_use in {"yes", "restricted"}
    for hit in licensed.results:
        assert hit.task == "text-generation" and "apache" in (hit.license or "").lower(), hit


def test_resync_changes_nothing_and_embeddings_are_cached(catalog, shared_data: Path, embedder: Embedder,
                                                         tmp_path: Path) -> None:  # noqa: ANN001
    database, _ = catalog
    with database.session() as session:
        before = repository.embedding_counts(session)
    reports = ingest.sync(database, SourceReader(shared_data, tmp_path), sources_for(("models",)))
    assert {r.status for r in reports} == {"unchanged"}
    with database.session() as session:
        assert repository.embedding_counts(session) == before
        from stack8s_architect.catalog.models.service import rebuild_models

        rebuild_models(session)  # a rebuild re-attaches every cached vector by content hash
        assert repository.embedding_counts(session)[0] >= before[0] - 5


def test_http_search_and_show(catalog) -> None:  # noqa: ANN001
    database, _ = catalog
    with local_client(create_app(Settings.load(), database=database, embed_in_background=False)) as client:
        found = client.post("/api/v1/tools/models/search", json={"query": "spleen segmentation CT", "limit": 3})
        assert found.status_code == 200
        top = found.json()["results"][0]
        assert top["id"] == "monai/spleen_ct_segmentation" and top["why"]
        shown = client.get("/api/v1/tools/models/monai/spleen_ct_segmentation")
        assert shown.status_code == 200 and shown.json()["record"]["domain"] == "medical_imaging"
        missing = client.get("/api/v1/tools/models/nobody/nothing-at-all")
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
        bad = client.post("/api/v1/tools/models/search", json={"query": "   "})
        assert bad.status_code == 422
        nul = client.get("/api/v1/tools/models/a%00b")
        assert nul.status_code == 400 and "not a model id" in nul.json()["error"]["message"]
        assert client.post("/api/v1/tools/models/search", json={"query": "x", "licenses": ["mit\u0000"]}).status_code == 422
        precision = client.post("/api/v1/tools/models/search", json={"query": "zzzz", "precision": "fp9"})
        assert precision.status_code == 400 and "Did you mean" in precision.json()["error"]["message"]


def test_cli_search_show_and_embed(catalog, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:  # noqa: ANN001
    import json

    from typer.testing import CliRunner

    from stack8s_architect.cli import app

    database, _ = catalog
    monkeypatch.setenv("DATABASE_URL", database.url)
    monkeypatch.setenv("ARCHITECT_HOME", str(tmp_path))
    monkeypatch.setenv("ARCHITECT_LOG_LEVEL", "WARNING")
    runner = CliRunner()
    found = runner.invoke(app, ["models", "search", "brain tumour segmentation MRI", "--no-dense", "--json"])
    assert found.exit_code == 0, found.output
    top_two = [hit["id"] for hit in json.loads(found.stdout)["results"][:2]]
    assert "monai/brats_mri_segmentation" in top_two, top_two
    table = runner.invoke(app, ["models", "show", "meta-llama/Llama-3.1-8B"])
    assert table.exit_code == 0 and "aiconfigurator-configs" in table.output
    missing = runner.invoke(app, ["models", "show", "meta-llama/Llama-3.1-8B-Typo"])
    assert missing.exit_code == 2 and "Did you mean" in missing.output
    with database.session() as session:
        before = repository.embedding_counts(session)[0]
    embedded = runner.invoke(app, ["models", "embed", "--limit", "20"])
    assert embedded.exit_code == 0, embedded.output
    with database.session() as session:
        assert repository.embedding_counts(session)[0] == before + 20


def test_planner_models_step_resolves_named_models_and_adds_an_embedder_for_rag(catalog) -> None:  # noqa: ANN001
    from stack8s_architect.agents.extraction import extract
    from stack8s_architect.planning.grounding import ModelFactsCache, ground_model
    from stack8s_architect.planning.models_step import model_candidates

    database, _ = catalog
    with database.session() as session:
        grounded = ground_model(session, ModelFactsCache(session),
                                extract("I need to deploy Llama 3.1 70B for inference on AWS").spec)
        assert grounded.spec.model_id == "meta-llama/Llama-3.1-70B-Instruct"  # served: the instruct release
        assert grounded.assumptions[0].startswith("'Llama 3.1 70B' is meta-llama/Llama-3.1-70B-Instruct")
        named, _ = model_candidates(session, grounded.spec, weights_gib=131.4)
        assert named[0].id == "meta-llama/Llama-3.1-70B-Instruct" and named[0].memory_gib == 131.4
        rag, _ = model_candidates(session, extract("Build a RAG assistant over internal documents").spec)
        assert {m.task for m in rag} >= {"text-generation", "feature-extraction"}
        small, _ = model_candidates(session, extract("serve a chatbot LLM").spec, fits_gib=24)
        assert small and all(m.memory_gib is not None and m.memory_gib <= 24 for m in small)


def test_resolver_table_over_the_real_catalog(catalog) -> None:  # noqa: ANN001
    """Every phrasing of RESOLVER_TABLE resolves to its id (or to nothing), ambiguity said when it is."""
    database, _ = catalog
    wrong = []
    with database.session() as session:
        for said, expected, ambiguous in RESOLVER_TABLE:
            resolution = resolve_model(session, said)
            got = resolution.model.id if resolution.model else None
            if (got, resolution.ambiguous) != (expected, ambiguous):
                wrong.append((said, got, resolution.ambiguous, expected))
    assert len(RESOLVER_TABLE) >= 80 and wrong == []


def test_named_models_are_sized_from_their_architecture(catalog) -> None:  # noqa: ANN001
    database, _ = catalog
    with database.session() as session:
        facts = {said: facts_for(session, resolve_model(session, said).model)  # type: ignore[arg-type]
                 for said in ("Qwen3-32B", "GLM-4.5", "Llama 3.1 70B", "ResNet-50", "gpt-oss-120b")}
    qwen, glm, llama, resnet, oss = facts.values()
    # Qwen3-32B's config.json: 64 layers × 8 KV heads × 128 × 2 (K, V) × 2 bytes = 256 KiB per token
    assert qwen.confidence == "exact" and sum(g.elements_per_token for g in qwen.architecture.kv_groups) * 2 == 262_144
    # GLM-4.5 from llmfit's subset: its shape, the catalog's 358B (35B active) parameters
    assert glm.confidence == "partial" and round(glm.params_billions) == 358 and round(glm.active_params_billions) == 35
    # the instruct release borrows its base's verbatim config
    assert llama.confidence == "exact" and "meta-llama/Llama-3.1-70B" in llama.basis
    assert resnet.confidence == "estimated" and resnet.architecture.modality == "vision"
    assert round(resnet.params_billions * 1000, 1) == 25.6 and not resnet.architecture.has_kv_cache
    assert oss.architecture.native_precision == "mxfp4_moe"  # served at its native MXFP4


def test_size_tool_and_cli_take_a_model_as_people_name_it(catalog, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    database, _ = catalog
    with local_client(create_app(Settings.load(), database=database, embed_in_background=False)) as client:
        qwen = client.post("/api/v1/tools/size", json={"model": "qwen3 32b", "concurrent_users": 150,
                                                        "gpus": ["H100"]}).json()
        unknown = client.post("/api/v1/tools/size", json={"model": "Zorblax 9000"})
        awq = client.post("/api/v1/tools/size", json={"model": "Qwen/Qwen2.5-7B-Instruct-AWQ"}).json()
    # 256 KiB per token (its config) × 2,048 tokens × 150 users = 75 GiB, next to 61 GiB of bf16 weights
    assert qwen["sizing"]["model_id"] == "Qwen/Qwen3-32B" and qwen["sizing"]["confidence"] == "exact"
    assert qwen["sizing"]["kv_cache_gib"] == 75.0 and qwen["details"]["concurrency"] == 150
    h100 = qwen["details"]["gpu_fits"][0]
    assert h100["fits"] and h100["gpu_count"] * (h100["replicas"] or 1) * 71.7 >= 61 + 75
    assert unknown.status_code == 404 and "No catalog model matches" in unknown.json()["error"]["message"]
    assert awq["sizing"]["model_id"] == "Qwen/Qwen2.5-7B-Instruct" and awq["sizing"]["precision"] == "awq"

    from stack8s_architect.cli import app as cli_app

    from ..conftest import cli_runner

    runner = cli_runner(database, tmp_path / "home", monkeypatch)
    monkeypatch.setenv("COLUMNS", "200")
    result = runner.invoke(cli_app, ["size", "--model", "meta-llama/Llama-3.1-8B-Instruct", "--users", "20"])
    assert result.exit_code == 0, result.output
    assert "full config.json of meta-llama/Llama-3.1-8B" in result.output and "(exact)" in result.output
    missing = runner.invoke(cli_app, ["size", "--model", "Zorblax 9000"])
    assert missing.exit_code == 2 and "No catalog model matches" in missing.output
