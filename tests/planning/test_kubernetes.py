"""The plan's Kubernetes section from a spec, over a synced fixture chart catalog."""

from __future__ import annotations

from pathlib import Path

import pytest

from stack8s_architect.agents.extraction import extract
from stack8s_architect.catalog import ingest
from stack8s_architect.catalog.charts.service import ChartCatalog
from stack8s_architect.catalog.sources import SourceReader
from stack8s_architect.core.database import Database
from stack8s_architect.planning.kubernetes import kubernetes_section, requested_roles, template_for
from stack8s_architect.planning.spec import WorkloadSpec

from ..catalog.charts.fixtures import fixture_chart_sources, write_chart_mirror


@pytest.mark.parametrize(
    ("message", "template"),
    [
        ("I have 2TB of MRI images and want to create a model to detect lung cancer", "medical-imaging"),
        ("I want to train a computer vision model for object detection", "cv-training"),
        ("Fine-tune Llama 3 8B with QLoRA on 20k support tickets", "llm-fine-tuning"),
        ("Build a RAG assistant over 5 million internal documents on Azure", "rag"),
        ("Transcribe 1,000 hours of English call recordings every day", "speech"),
        ("I need to deploy Llama 3.1 70B for inference on AWS", "llm-inference"),
        ("Score 10 million images every night in batch", "batch-inference"),
    ],
)
def test_template_for_the_example_workloads(message: str, template: str) -> None:
    assert template_for(extract(message).spec) == template


def test_named_products_and_roles_become_roles() -> None:
    spec = WorkloadSpec(components=["MLflow", "Qdrant", "vector-db", "Unknown Thing"])
    assert requested_roles(spec) == ["experiment-tracking", "vector-db"]


def test_section_uses_contract_names_and_string_alternatives(database: Database, tmp_path: Path) -> None:
    ingest.sync(database, SourceReader(write_chart_mirror(tmp_path), tmp_path / "cache"), fixture_chart_sources())
    spec = extract("Build a RAG assistant with an open-source 8B model, with Redis as a cache").spec
    with database.session() as session:
        stack, components = kubernetes_section(ChartCatalog(session), spec)
    assert stack.workload == "rag"
    by_role = {c.role: c for c in components}
    assert by_role["vector-db"].chart == "qdrant/qdrant" and by_role["vector-db"].version == "1.19.0"
    assert by_role["vector-db"].alternatives[0].startswith("milvus/milvus 5.0.19: Milvus")
    assert "cache" in by_role  # asked for by naming Redis
    assert by_role["inference-server"].chart == "vllm/vllm-stack" and "llm-gateway" not in by_role  # optional, not asked
    full = extract("Serve Llama 3 8B behind LiteLLM").spec  # names an llm-gateway product
    with database.session() as session:
        _, served = kubernetes_section(ChartCatalog(session), full)
    inference = next(c for c in served if c.role == "inference-server")
    assert inference.why.endswith("(also llm-gateway)")  # vllm-stack's router; not a second chart


def test_a_publisher_s_warning_reaches_the_plan_with_other_publishers_alternatives(context) -> None:  # noqa: ANN001
    from stack8s_architect.planning.planner import build_plan

    plan = build_plan(context, WorkloadSpec(task="fine_tuning", domain="llm", params_billions=8,
                                            fine_tuning_method="lora", dataset_size_gb=1)).plan
    bitnami = [c.chart for c in plan.kubernetes if c.chart.startswith("bitnami/")]
    warned = [a for a in plan.assumptions if a.startswith("Bitnami moved")]
    assert bitnami and warned  # the fixture catalog's fine-tuning stack holds Bitnami charts
    assert all(chart in warned[0] for chart in bitnami)
