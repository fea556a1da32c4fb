"""The turn engine over the fixture catalogs: clarify, plan, refine, answer — state passed in and out."""

from __future__ import annotations

from pathlib import Path

import pytest

from stack8s_architect.agents.extraction import Extraction
from stack8s_architect.agents.turn import ConversationState, TurnEngine, TurnResult
from stack8s_architect.core.database import Database
from stack8s_architect.planning.planner import PlannerContext
from stack8s_architect.planning.spec import WorkloadSpec

from ..planning.fixtures import sync_fixture_catalogs


@pytest.fixture
def engine(database: Database, tmp_path: Path):  # noqa: ANN201
    sync_fixture_catalogs(database, tmp_path)
    with database.session() as session:
        yield TurnEngine(PlannerContext.for_session(session))


def _talk(engine: TurnEngine, *messages: str) -> list[TurnResult]:
    state, results = ConversationState(), []
    for message in messages:
        result = engine.turn(state, message)
        results.append(result)
        state = ConversationState(result.spec, result.asked, result.plan if result.new_plan else state.plan)
    return results


def test_clarify_then_plan_with_the_open_questions_as_assumptions(engine: TurnEngine) -> None:
    first, second = _talk(engine, "I need to deploy Llama 3.1 70B for inference on Azure", "you decide")
    assert first.kind == "clarification" and [q.field for q in first.questions] == ["concurrent_users",
                                                                                    "budget_usd_per_month"]
    assert "1. How many people" in first.content and first.plan is None
    assert second.kind == "plan" and second.plan is not None and second.plan.version == 1
    assert second.spec.providers == ["azure"] and all(r.provider == "azure" for r in second.plan.compute)
    assert any("no budget given" in a for a in second.plan.assumptions)


def test_refinements_make_new_versions_and_keep_earlier_facts(engine: TurnEngine) -> None:
    results = _talk(engine, "Serve an 8B model for 20 concurrent users with a budget of $5000 per month",
                    "make it cheaper", "only Azure please", "actually 2 GPUs")
    assert [r.kind for r in results] == ["plan"] * 4
    first, cheaper, azure, count = (r.plan for r in results)
    assert [p.version for p in (first, cheaper, azure, count)] == [1, 2, 3, 4]
    assert cheaper.cost.total_monthly_usd < first.cost.total_monthly_usd
    assert any(a.startswith("made cheaper with") for a in cheaper.assumptions)
    assert {r.provider for r in azure.compute} == {"azure"} and results[2].spec.budget_usd_per_month == 5000
    assert results[3].spec.gpu_count == 2 and results[3].spec.providers == ["azure"]


def test_an_unchanged_plan_keeps_its_version(engine: TurnEngine) -> None:
    results = _talk(engine, "Serve an 8B model for 20 concurrent users on Lambda", "on Lambda")
    assert results[1].kind == "plan" and not results[1].new_plan and results[1].plan.version == 1


def test_why_and_compare_answer_without_a_new_plan(engine: TurnEngine) -> None:
    results = _talk(engine, "Serve an 8B model for 20 concurrent users", "why this GPU?", "compare H100 and A100")
    plan = results[0].plan
    why, compare = results[1], results[2]
    assert why.kind == "answer" and why.plan is None and plan.compute[0].instance_type in why.content
    assert f"${plan.compute[0].monthly_cost_usd:,.2f}/month" in why.content
    assert compare.kind == "answer" and "| H100 |" in compare.content and "| A100 |" in compare.content
    assert compare.spec.gpu_names is None  # compared, not adopted as a constraint
    assert "gpu_8x_h100_sxm5" in compare.content or "1x_H100-SXM_SECURE" in compare.content


def test_more_throughput_doubles_the_scale(engine: TurnEngine) -> None:
    results = _talk(engine, "Serve an 8B model for 20 concurrent users", "we need more throughput")
    assert results[1].spec.concurrent_users == 40 and results[1].plan.version == 2


def test_the_extractors_warnings_reach_the_turn(engine: TurnEngine) -> None:
    def failing(message: str, spec: WorkloadSpec) -> tuple[Extraction, list[str]]:
        return Extraction(WorkloadSpec(task="inference", params_billions=8)), ["the language model failed"]

    result = TurnEngine(engine.context, failing).turn(ConversationState(), "serve something, 0 GPUs")
    assert result.kind == "plan" and result.warnings == ["the language model failed"]
    invalid = engine.turn(ConversationState(), "serve an 8B model on 0 GPUs for 5 users")
    assert any("ignored gpu count" in w for w in invalid.warnings)


def test_a_region_id_restricts_the_offers(engine: TurnEngine) -> None:
    result = engine.turn(ConversationState(), "Serve an 8B model for 10 concurrent users in westeurope")
    assert result.spec.regions == ["westeurope"] and result.plan.compute
    assert {row.region for row in result.plan.compute} == {"westeurope"}


def test_cheaper_never_drops_the_stated_scale(engine: TurnEngine) -> None:
    results = _talk(engine, "Serve an 8B model for 500 concurrent users", "make it cheaper")
    assert results[1].spec.concurrent_users == 500
    assert results[1].plan.cost.total_monthly_usd < results[0].plan.cost.total_monthly_usd


def test_a_stated_scale_is_not_doubled(engine: TurnEngine) -> None:
    results = _talk(engine, "Serve an 8B model for 20 concurrent users", "scale up to 100 concurrent users")
    assert results[1].spec.concurrent_users == 100


def test_compare_with_an_unknown_gpu_says_so_and_adopts_nothing(engine: TurnEngine) -> None:
    results = _talk(engine, "Serve an 8B model for 20 concurrent users", "compare H100 and Z9000")
    assert results[1].kind == "answer" and "recognised only H100" in results[1].content
    assert results[1].spec.gpu_names is None


def test_a_question_with_a_change_replans_and_answers(engine: TurnEngine) -> None:
    results = _talk(engine, "Serve an 8B model for 20 concurrent users", "compare H100 and A100, and use spot")
    last = results[1]
    assert last.kind == "plan" and last.plan.version == 2 and all(row.spot for row in last.plan.compute)
    assert "| H100 |" in last.content and last.spec.gpu_names is None


def test_an_unknown_region_is_said_back_not_kept(engine: TurnEngine) -> None:
    result = engine.turn(ConversationState(), "Serve an 8B model for 10 concurrent users in eu-west-9")
    assert result.spec.regions is None and result.plan.compute
    assert any("ignored region eu-west-9" in w for w in result.warnings)


def test_a_narrated_summary_does_not_make_a_new_version(engine: TurnEngine) -> None:
    calls: list[str] = []

    def narrate(summary: str, plan_json: str) -> str:
        calls.append(summary)
        return "A plan."

    narrated = TurnEngine(engine.context, narrate=narrate)
    first = narrated.turn(ConversationState(), "Serve an 8B model for 10 concurrent users")
    assert first.plan.summary == "A plan."
    again = narrated.turn(ConversationState(first.spec, first.asked, first.plan), "for 10 concurrent users")
    assert not again.new_plan and again.plan.version == 1 and len(calls) == 1


def test_a_change_with_a_question_plans_and_answers_it(engine: TurnEngine) -> None:
    first, second = _talk(engine, "Serve an 8B model for 20 concurrent users",
                          "make it 4-bit and tell me how much vram that needs")
    assert second.kind == "plan" and second.plan.version == 2 and second.spec.precision == "int4"
    assert f"**{second.plan.sizing.required_gpu_memory_gib:g} GiB** of GPU memory at int4" in second.content


@pytest.mark.parametrize(("message", "said", "raw"), [
    ("I have 2TB of MRI images and want to create a model to detect lung cancer. Please architect the best stack.",
     ["train a model (medical imaging)", "2 TB of data"], ["dataset size gb", "2000.0", "medical_imaging"]),
])
def test_what_was_understood_is_said_back_in_words(engine: TurnEngine, message: str, said: list[str],
                                                  raw: list[str]) -> None:
    [reply] = _talk(engine, message)
    line = next((text for text in reply.content.splitlines() if text.startswith("So far I have:")), "")
    assert all(phrase in line for phrase in said), line
    assert not any(text in reply.content for text in raw), reply.content


def test_every_fact_reads_as_words() -> None:
    from stack8s_architect.agents.readback import spec_in_words

    spec = WorkloadSpec(task="batch_inference", domain="llm", budget_usd_per_month=12000, dataset_size_gb=0.4,
                        concurrent_users=2500, latency_target_ms=1500, gpu_count=2, gpu_names=["A100", "H100"],
                        exclude_places=["us"], runs_per_month=30, context_length=32768, license="commercial-use",
                        fine_tuning_method="qlora", precision="int4")
    words = spec_in_words(spec)
    assert words[0] == "run a batch job over your data (language model)"
    for phrase in ("under $12,000 a month", "400 MB of data", "2,500 users at once", "answers within 1.5 s",
                   "2 × A100 or H100", "not in us", "30 runs a month", "32,768-token context",
                   "licences that allow commercial use", "QLoRA (4-bit base)", "4-bit weights"):
        assert phrase in words, (phrase, words)
    assert not any("_" in w for w in words)


@pytest.mark.parametrize("message", [
    "I need to deploy Llama 3.1 70B for 40 users, any cloud is fine",
    "Deploy Llama 3.1 70B for 40 users; we are cloud-agnostic",
    "Llama 3.1 70B for 40 users, don't care which cloud",
])
def test_saying_any_cloud_answers_the_cloud_question(engine: TurnEngine, message: str) -> None:
    (result,) = _talk(engine, message)
    assert "providers" not in [q.field for q in result.questions]
    assert "providers" in result.asked  # answered: compared across every provider, said in the assumptions
    if result.plan is not None:
        assert any("every provider" in a for a in result.plan.assumptions)
    asked_again = _talk(engine, "I need to deploy Llama 3.1 70B for 40 users")[0]
    assert "providers" in [q.field for q in asked_again.questions]  # not said: still asked
