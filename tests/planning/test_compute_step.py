"""The planner's compute step over a synced fixture compute catalog and the real sizing engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from stack8s_architect.catalog import ingest
from stack8s_architect.catalog.compute.service import ComputeCatalog
from stack8s_architect.catalog.sources import SourceReader
from stack8s_architect.core.database import Database
from stack8s_architect.planning.compute_step import compute_candidates
from stack8s_architect.planning.sizing_step import size_for
from stack8s_architect.planning.spec import WorkloadSpec

from ..catalog.compute.fixtures import FILES, LAMBDA, fixture_sources, write_mirror


@pytest.fixture
def catalog(database: Database, tmp_path: Path):  # noqa: ANN201
    ingest.sync(database, SourceReader(write_mirror(tmp_path), tmp_path / "cache"), fixture_sources())
    with database.session() as session:
        yield ComputeCatalog(session)


def _plan(catalog: ComputeCatalog, spec: WorkloadSpec) -> list:
    rows, _ = compute_candidates(catalog, spec, size_for(spec))
    return rows


def test_cheapest_fitting_offer_first_with_catalog_prices(catalog: ComputeCatalog) -> None:
    rows = _plan(catalog, WorkloadSpec(task="inference", domain="llm", params_billions=8))
    assert rows[0].provider == "runpod" and rows[0].accelerator == "L4" and rows[0].price_per_hour_usd == 0.43
    assert rows[0].monthly_cost_usd == round(0.43 * 730, 2) and rows[0].instances == 1 and rows[0].fits
    costs = [r.monthly_cost_usd for r in rows]
    assert costs == sorted(costs) and [r.rank for r in rows] == list(range(1, len(rows) + 1))
    assert "hold" in rows[0].why and "$0.43/h" in rows[0].why


def test_provider_spot_and_geography_restrict_the_offers(catalog: ComputeCatalog) -> None:
    azure = _plan(catalog, WorkloadSpec(task="inference", params_billions=8, providers=["azure"]))
    assert {r.provider for r in azure} == {"azure"} and azure[0].instance_type == "Standard_NC24ads_A100_v4"
    spot = _plan(catalog, WorkloadSpec(task="inference", params_billions=8, spot=True, providers=["azure"]))
    assert spot[0].spot and spot[0].price_per_hour_usd == 1.10
    europe = _plan(catalog, WorkloadSpec(task="inference", params_billions=8, geography="europe"))
    assert europe and all(r.region in {"europe-central-1", "westeurope", "NL", "germanywestcentral"} for r in europe)


def test_a_large_model_needs_a_multi_gpu_instance(catalog: ComputeCatalog) -> None:
    rows = _plan(catalog, WorkloadSpec(task="inference", params_billions=70))
    assert rows and all(r.accelerator_count >= 2 for r in rows)
    assert rows[0].instance_type == "gpu_8x_h100_sxm5" and rows[0].price_per_hour_usd == 23.92


def test_without_a_sizing_the_users_constraints_choose(catalog: ComputeCatalog) -> None:
    spec = WorkloadSpec(task="training", domain="vision", gpu_count=8, min_gpu_memory_gib=80)
    rows, assumptions = compute_candidates(catalog, spec, size_for(spec))
    assert [r.instance_type for r in rows] == ["gpu_8x_h100_sxm5", "Standard_ND96isr_H100_v5"]
    assert "8+ GPUs" in rows[0].why and assumptions == []
    default, said = compute_candidates(catalog, WorkloadSpec(task="training"), size_for(WorkloadSpec(task="training")))
    assert default and all((r.gpu_memory_gib or 0) >= 24 for r in default) and "24 GiB" in said[0]


def test_filters_the_catalog_cannot_meet_give_no_rows_and_say_so(catalog: ComputeCatalog) -> None:
    assert _plan(catalog, WorkloadSpec(task="training", gpu_names=["MI300X"], gpu_count=8)) == []
    spec = WorkloadSpec(task="inference", params_billions=8, regions=["mars-north-1"])
    rows, assumptions = compute_candidates(catalog, spec, size_for(spec))
    assert rows == [] and "no catalog offer" in assumptions[0]


def test_pipeline_stages_span_instances_but_a_tensor_parallel_group_does_not(catalog: ComputeCatalog) -> None:
    spec = WorkloadSpec(task="inference", params_billions=405)
    outcome = size_for(spec)
    h100 = next(f for f in outcome.fits if f.gpu_key == "H100-SXM")
    assert h100.fits and h100.pipeline_parallel > 1 and h100.tensor_parallel == 8
    rows, _ = compute_candidates(catalog, spec, outcome)
    assert rows and all(r.accelerator_count >= 8 for r in rows)
    assert rows[0].instances == h100.pipeline_parallel * (h100.replicas or 1)
    assert "PP=" in rows[0].why


def test_whole_gpus_unless_asked_and_the_asked_count_is_kept(catalog: ComputeCatalog) -> None:
    named = _plan(catalog, WorkloadSpec(task="training", gpu_names=["A10"]))
    assert named and all(r.accelerator_count >= 1 for r in named)  # not Azure's sixth of an A10
    eight = _plan(catalog, WorkloadSpec(task="inference", params_billions=8, gpu_names=["H100"], gpu_count=8))
    assert eight and all(r.accelerator_count >= 8 for r in eight)


def test_a_gpu_sold_one_per_instance_is_pipelined_across_instances(database: Database, tmp_path: Path) -> None:
    """"Llama 70B on GH200": Lambda rents GH200s one per instance, so the two GPUs 131 GiB of bf16 weights need are
    two pipeline stages on two instances, not a TP=2 group no instance holds — and the plan says so."""
    files = {**FILES, "lambda": LAMBDA + "gpu_1x_gh200,GH200,1,64,432,1.49,us-east-3,,\n"}
    ingest.sync(database, SourceReader(write_mirror(tmp_path, files), tmp_path / "cache"), fixture_sources())
    spec = WorkloadSpec(task="inference", domain="llm", params_billions=70, precision="bf16", gpu_names=["GH200"],
                        context_length=8192)
    with database.session() as session:
        outcome = size_for(spec)
        as_sized = next(f for f in outcome.fits if f.gpu_key == "GH200")
        assert as_sized.tensor_parallel == 2 and as_sized.pipeline_parallel == 1  # laid out for an 8-GPU node
        rows, assumptions = compute_candidates(ComputeCatalog(session), spec, outcome)
    assert rows and rows[0].instance_type == "gpu_1x_gh200" and rows[0].price_per_hour_usd == 1.49
    top = rows[0]
    assert (top.tensor_parallel, top.pipeline_parallel) == (1, top.instances) and top.instances >= 2
    assert top.monthly_cost_usd == round(1.49 * 730 * top.instances, 2)
    assert any("more than 1 × GH200" in a and f"PP={top.pipeline_parallel}" in a for a in assumptions)
