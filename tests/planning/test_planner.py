"""The whole deterministic planner over the fixture catalogs: numbers from the catalog, budgets, text."""

from __future__ import annotations


import pytest

from stack8s_architect.catalog.compute.schemas import ComputeSearchRequest
from stack8s_architect.planning.cost_step import storage_gb
from stack8s_architect.planning.planner import PlannerContext, build_plan, variants, with_defaults
from stack8s_architect.planning.sizing_step import size_for
from stack8s_architect.planning.spec import WorkloadSpec
from stack8s_architect.planning.storage_prices import STORAGE_PRICES, storage_price
from stack8s_architect.rendering.markdown import plan_markdown




def test_a_plan_copies_every_price_from_the_catalog(context: PlannerContext) -> None:
    outcome = build_plan(context, WorkloadSpec(task="inference", domain="llm", params_billions=8))
    plan = outcome.plan
    assert plan.version == 1 and plan.compute and plan.sizing is not None
    for row in plan.compute:
        offers = context.compute.search(ComputeSearchRequest(providers=[row.provider], accelerators=[row.accelerator],
                                                             group_by_instance_type=False, limit=500)).offers
        match = [o for o in offers if o.instance_type == row.instance_type and o.region == row.region]
        assert match and match[0].hourly_usd == row.price_per_hour_usd
        assert row.monthly_cost_usd == round(row.price_per_hour_usd * 730 * row.instances, 2)
        assert row.total_gpu_memory_gib >= plan.sizing.required_gpu_memory_gib
    top = plan.compute[0]
    assert plan.cost.compute_monthly_usd == top.monthly_cost_usd
    assert plan.cost.total_monthly_usd == round(plan.cost.compute_monthly_usd + plan.cost.storage_monthly_usd
                                                + plan.cost.other_monthly_usd, 2)
    assert f"${plan.cost.total_monthly_usd:,.2f}/month" in plan.summary and top.instance_type in plan.summary
    # the first step rents the top option the way its provider is deployed to (a node pool, SkyPilot, a console)
    assert top.instance_type in plan.steps[0] and top.deployment and top.instance_type in top.deployment
    assert {c.role for c in plan.kubernetes} >= {"inference-server", "gpu-operator"}


def test_storage_is_priced_at_the_chosen_providers_list_price(context: PlannerContext) -> None:
    spec = WorkloadSpec(task="training", domain="vision", dataset_size_gb=2000, providers=["azure"])
    plan = build_plan(context, spec).plan
    assert plan.compute and plan.compute[0].provider == "azure"
    assert plan.cost.storage_monthly_usd == round(2000 * STORAGE_PRICES["azure"].usd_per_gb_month, 2)
    assert any("azure.microsoft.com/pricing" in a for a in plan.assumptions)
    price, stand_in = storage_price("vast")
    assert stand_in and price is STORAGE_PRICES["aws"]


def test_training_storage_counts_checkpoints_and_text_data_gives_a_training_run(context: PlannerContext) -> None:
    full = WorkloadSpec(task="fine_tuning", domain="llm", params_billions=8, fine_tuning_method="full",
                        dataset_size_gb=4)
    outcome = size_for(full)
    gb, notes = storage_gb(full, outcome.sizing)
    weights_gb = outcome.sizing.weights_gib * 2**30 / 1e9
    assert gb == pytest.approx(4 + 4 * weights_gb) and notes
    plan = build_plan(context, full).plan
    assert plan.sizing.training_hours and plan.cost.one_time_usd > 0
    top = plan.compute[0]
    assert plan.cost.one_time_usd == round(plan.sizing.training_hours * top.instances * top.price_per_hour_usd, 2)


def test_an_impossible_budget_is_said_with_priced_proposals(context: PlannerContext) -> None:
    outcome = build_plan(context, WorkloadSpec(task="inference", domain="llm", params_billions=70,
                                               budget_usd_per_month=200))
    plan = outcome.plan
    assert plan.cost.within_budget is False and "over the $200/month budget" in plan.summary
    labels = [p.label for p in outcome.proposals]
    assert "4-bit (AWQ) weights" in labels and any(label.startswith("a 32B model") for label in labels)
    assert any(t.startswith("Cheaper option — 4-bit") and "still over the budget" in t for t in plan.tradeoffs)
    assert "none of the cheaper options (4-bit (AWQ) weights; a smaller model" in plan.summary
    for proposal in outcome.proposals:
        assert proposal.total_monthly_usd is not None and proposal.top is not None
        assert proposal.total_monthly_usd < plan.cost.total_monthly_usd


def test_a_met_budget_and_no_budget(context: PlannerContext) -> None:
    met = build_plan(context, WorkloadSpec(task="inference", params_billions=8, budget_usd_per_month=5000)).plan
    assert met.cost.within_budget is True and "within the $5,000/month budget" in met.summary
    free = build_plan(context, WorkloadSpec(task="inference", params_billions=8)).plan
    assert free.cost.within_budget is None and free.cost.budget_usd_per_month is None


def test_defaults_are_stated(context: PlannerContext) -> None:
    filled, said = with_defaults(WorkloadSpec())
    assert filled.task == "inference" and filled.domain == "llm" and filled.params_billions == 8
    assert len(said) == 3
    plan = build_plan(context, WorkloadSpec()).plan
    assert any("8B instruction model assumed" in a for a in plan.assumptions)


def test_nothing_fits_is_a_plan_that_says_so(context: PlannerContext) -> None:
    plan = build_plan(context, WorkloadSpec(task="inference", params_billions=20_000, providers=["azure"])).plan
    assert plan.compute == [] and "no catalog offer fits" in plan.summary
    assert plan.cost.compute_monthly_usd == 0


def test_gpus_asked_for_that_no_offer_has_give_the_nearest_that_fit(context: PlannerContext) -> None:
    # the fixture catalog has no T4 on Azure: the plan says so and lists the GPUs there that hold an 8B model
    plan = build_plan(context, WorkloadSpec(task="inference", params_billions=8, providers=["azure"],
                                            gpu_names=["T4"])).plan
    assert plan.compute and all(row.accelerator != "T4" and row.provider == "azure" for row in plan.compute)
    assert any(a.startswith("no catalog offer has T4 within these filters; the nearest options") for a in
               plan.assumptions)


def test_variants_change_one_thing_each(context: PlannerContext) -> None:
    spec = WorkloadSpec(task="inference", domain="llm", params_billions=70)
    found = {v.label.split(" (")[0]: v for v in variants(context, spec, size_for(spec))}
    assert found["4-bit"].spec.precision == "awq" and found["4-bit"].keeps_request
    assert found["spot instances"].spec.spot is True and found["spot instances"].keeps_request
    together = found["all of these together"]
    assert together.spec.params_billions == 32 and together.spec.spot and not together.keeps_request
    cheaper = variants(context, spec, size_for(spec), cheaper_than=found["4-bit"].total_monthly_usd)
    assert cheaper and all(v.total_monthly_usd < found["4-bit"].total_monthly_usd for v in cheaper)
    training = WorkloadSpec(task="fine_tuning", domain="llm", params_billions=70, fine_tuning_method="lora")
    assert not any(v.label.startswith("4-bit") for v in variants(context, training, size_for(training)))


def test_nothing_to_run_is_not_within_budget(context: PlannerContext) -> None:
    plan = build_plan(context, WorkloadSpec(task="inference", params_billions=20_000, providers=["azure"],
                                            budget_usd_per_month=1000)).plan
    assert plan.compute == [] and plan.cost.within_budget is None


def test_training_is_costed_per_run_and_a_pinned_count_keeps_its_hours(context: PlannerContext) -> None:
    spec = WorkloadSpec(task="fine_tuning", domain="llm", params_billions=8, fine_tuning_method="lora",
                        dataset_size_gb=2, gpu_names=["H100"], gpu_count=8)
    plan = build_plan(context, spec).plan
    top = plan.compute[0]
    assert top.instance_type == "gpu_8x_h100_sxm5" and top.why.startswith("8 × H100")
    pinned = size_for(spec)
    # the run: 5 min of start-up plus the bf16 weights' download at 100 MB/s, then the pinned GPUs' hours of work
    start_up = (300 + plan.sizing.weights_gib * 2**30 / 100e6) / 3600
    assert plan.sizing.training_hours == pytest.approx(pinned.fits[0].training_hours + start_up)
    # 4·N·D for a frozen base + 2·N·D recomputed by activation checkpointing, over 8 H100s: well under 3 h
    assert top.run_hours == pytest.approx(plan.sizing.training_hours, abs=0.01) and plan.sizing.training_hours < 3
    run = top.price_per_hour_usd * plan.sizing.training_hours
    assert plan.cost.one_time_usd == pytest.approx(run, abs=0.01)
    assert plan.cost.compute_monthly_usd == pytest.approx(run, abs=0.01)  # one run a month, not 730 h
    assert any("one run a month" in a for a in plan.assumptions)


def test_platform_nodes_are_priced_beside_the_gpus(context: PlannerContext) -> None:
    from stack8s_architect.catalog.charts.schemas import StackTotals
    from stack8s_architect.planning.compute_step import ranked_candidates
    from stack8s_architect.planning.cost_step import cost_for

    def top_in(region: str):  # noqa: ANN202
        spec = WorkloadSpec(task="inference", params_billions=8, providers=["lambda"], regions=[region],
                            gpu_names=["H100"])
        return spec, ranked_candidates(context.compute, spec, size_for(spec), limit=1)[0][0]

    totals = StackTotals(charts=5, charts_with_declared_requests=2, requests_cpu_m=8000, requests_memory_mi=8192)
    spec, top = top_in("us-east-1")  # 26 vCPU: 16 with headroom is more than half, so CPU nodes beside
    costed = cost_for(context.compute, spec, None, top, platform_totals=totals)
    assert costed.platform_offer.instance_type == "cpu_4x_generalx" and costed.platform_nodes == 4
    assert costed.cost.other_monthly_usd == round(0.2 * 730 * 4, 2)
    assert any("2 of 5 charts declare" in a for a in costed.assumptions)
    spec, top = top_in("europe-central-1")  # no CPU offer in that region: not priced elsewhere
    costed = cost_for(context.compute, spec, None, top, platform_totals=totals)
    assert costed.platform_offer is None and costed.cost.other_monthly_usd == 0
    assert any("not priced" in a for a in costed.assumptions)


def test_each_option_is_marked_within_or_over_the_budget(context: PlannerContext) -> None:
    free = build_plan(context, WorkloadSpec(task="inference", params_billions=8)).plan
    assert len(free.compute) >= 2 and all(r.within_budget is None for r in free.compute)
    rest = free.cost.total_monthly_usd - free.cost.compute_monthly_usd  # storage and platform: the same for every row
    # a budget between the cheapest option's total and the next one's: the first is within, the dearer ones over
    first, second = free.compute[0].monthly_cost_usd + rest, free.compute[1].monthly_cost_usd + rest
    assert first < second
    budget = round((first + second) / 2, 2)
    plan = build_plan(context, WorkloadSpec(task="inference", params_billions=8, budget_usd_per_month=budget)).plan
    assert plan.cost.within_budget is True and plan.compute[0].within_budget is True
    assert [r.within_budget for r in plan.compute] == [r.monthly_cost_usd + rest <= budget for r in plan.compute]
    assert plan.compute[1].within_budget is False
    table = plan_markdown(plan)
    assert "| budget |" in table and "**over**" in table
