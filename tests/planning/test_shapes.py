"""Workload shapes: RAG serves a context that holds its retrieved chunks, and sizes every user's KV for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from stack8s_architect.core.database import Database
from stack8s_architect.planning.planner import PlannerContext, build_plan, with_defaults
from stack8s_architect.planning.shapes import RAG_PROMPT_TOKENS, rag_context
from stack8s_architect.planning.spec import WorkloadSpec

from .fixtures import sync_fixture_catalogs

RAG = WorkloadSpec(task="inference", domain="llm", params_billions=8, concurrent_users=10, components=["vector-db"])


def test_the_rag_prompt_budget_by_hand() -> None:
    # 512 system + 8 chunks × 512 + 1,024 history + 512 answer = 6,144 tokens → an 8,192-token context
    assert RAG_PROMPT_TOKENS == 512 + 8 * 512 + 1024 + 512 == 6144
    context, said = rag_context(RAG)
    assert context == 8192 and "6,144 tokens" in said


@pytest.mark.parametrize("spec", [
    RAG.model_copy(update={"context_length": 32768}),  # a context the user states wins
    RAG.model_copy(update={"components": ["MLflow"]}),  # no retrieval, no RAG prompt
    RAG.model_copy(update={"task": "fine_tuning"}),  # not served
])
def test_only_rag_serving_without_a_stated_context_gets_one(spec: WorkloadSpec) -> None:
    assert rag_context(spec) == (None, None)
    assert with_defaults(spec)[0].context_length == spec.context_length


@pytest.fixture
def context(database: Database, tmp_path: Path):  # noqa: ANN201
    sync_fixture_catalogs(database, tmp_path)
    with database.session() as session:
        yield PlannerContext.for_session(session)


def test_a_rag_plan_serves_and_sizes_the_rag_context(context: PlannerContext) -> None:
    rag = build_plan(context, RAG).plan
    chat = build_plan(context, RAG.model_copy(update={"components": None})).plan
    assert rag.sizing.context_length_tokens == 8192 and any("RAG prompt" in a for a in rag.assumptions)
    # the KV cache grows with the tokens each user keeps: 8,192 for RAG against the 2,048 of a chat user
    assert rag.sizing.kv_cache_gib == pytest.approx(chat.sizing.kv_cache_gib * 8192 / 2048, rel=0.01)
    assert rag.sizing.required_gpu_memory_gib > chat.sizing.required_gpu_memory_gib
