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
from stack8s_architect.catalog.models.service import embed_pending, model_detail
from stack8s_architect.catalog.sources import SourceReader, sources_for
from stack8s_architect.core.database import Database
from stack8s_architect.core.embedded_postgres import EmbeddedPostgres
from stack8s_architect.core.errors import NotFoundError, UnknownNameError
from stack8s_architect.core.settings import Settings

from ..conftest import create_database, drop_database, local_client

pytestmark = pytest.mark.integration
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


def test_filters_hold(catalog) -> None:  # noqa: ANN001
    database, _ = catalog
    with database.session() as session:
        fits = search_models(session, ModelSearchRequest(query="chat model", fits_gib=16, precision="int4",
                                                         commercial_only=True, has_config=True, limit=20), None)
        with pytest.raises(UnknownNameError):
            search_models(session, ModelSearchRequest(query="x", task="object-detektion"), None)
        with pytest.raises(NotFoundError, match="Did you mean"):
            model_detail(session, "meta-llama/Llama-3.1-8B-Typo")
    assert fits.results
    for hit in fits.results:
        assert hit.params_billions is not None and hit.params_billions * 0.5 <= 16 * 1.074
        assert hit.commercial_use in {"yes", "restricted"}


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
    from stack8s_architect.planning.models_step import model_candidates

    database, _ = catalog
    with database.session() as session:
        named, said = model_candidates(session, extract("I need to deploy Llama 3.1 70B for inference on AWS").spec)
        assert named[0].id.lower().startswith("meta-llama/") and "70b" in named[0].id.lower()
        assert said and "Llama 3.1 70B" in said[0]
        rag, _ = model_candidates(session, extract("Build a RAG assistant over internal documents").spec)
        assert {m.task for m in rag} >= {"text-generation", "feature-extraction"}
        small, _ = model_candidates(session, extract("serve a chatbot LLM").spec, fits_gib=24)
        assert small and all(m.memory_gib is not None and m.memory_gib <= 24 for m in small)
