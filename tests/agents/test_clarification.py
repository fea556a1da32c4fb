"""The clarification policy: only plan-changing facts, at most three a turn, never the same twice."""

from __future__ import annotations

import pytest

from stack8s_architect.agents.clarification import (
    MAX_QUESTIONS,
    pending,
    questions_for_turn,
    unanswered_defaults,
    wants_defaults,
)
from stack8s_architect.agents.extraction import extract
from stack8s_architect.planning.spec import WorkloadSpec


def _ask(message: str, asked: set[str] | None = None) -> list[str]:
    spec = extract(message).spec
    return [q.field for q in questions_for_turn(spec, asked or set(), proceed=wants_defaults(message))]


def test_nothing_known_asks_what_the_workload_is() -> None:
    fields = _ask("hi, I want to do some AI")
    assert fields[0] == "task" and 1 <= len(fields) <= MAX_QUESTIONS


def test_a_large_deployment_asks_scale_and_budget_but_not_the_cloud_it_named() -> None:
    assert _ask("I need to deploy Llama 3.1 70B for inference on AWS") == ["concurrent_users", "budget_usd_per_month"]


def test_a_large_training_run_asks_budget_and_cloud() -> None:
    message = "I have 2TB of MRI images and want to create a model to detect lung cancer"
    assert _ask(message) == ["budget_usd_per_month", "providers"]


@pytest.mark.parametrize("message", [
    "Run Llama 3.1 405B inference for $200 per month",  # a budget: the cheapest anywhere
    "Fine-tune Llama 3 8B with QLoRA on 20k support tickets, cheapest single GPU that works",
    "Serve Mistral 7B Instruct for a chatbot with about 20 concurrent users, budget $1500 per month",
    "Deploy Qwen2.5 7B on RunPod",  # one open fact: planned with a stated default
])
def test_specific_requests_are_planned_at_once(message: str) -> None:
    assert _ask(message) == []


def test_a_question_is_never_asked_twice_and_you_decide_proceeds() -> None:
    spec = extract("I need to deploy Llama 3.1 70B for inference on AWS").spec
    first = {q.field for q in questions_for_turn(spec, set(), proceed=False)}
    assert questions_for_turn(spec, first, proceed=False) == []
    assert questions_for_turn(spec, set(), proceed=True) == []
    assert wants_defaults("you decide") and wants_defaults("whatever is cheapest") and not wants_defaults("70B please")
    said = unanswered_defaults(spec, first)
    assert any("no budget given" in s for s in said) and any("scale not given" in s for s in said)


def test_the_task_question_is_asked_even_when_the_user_says_you_decide() -> None:
    assert [q.field for q in questions_for_turn(WorkloadSpec(), set(), proceed=True)][0] == "task"
    assert questions_for_turn(WorkloadSpec(), {"task", "model_query", "concurrent_users"}, proceed=True) == []


def test_pending_depends_on_the_task() -> None:
    training = {q.field for q in pending(WorkloadSpec(task="training", domain="vision"))}
    assert "dataset_size_gb" in training and "concurrent_users" not in training
    serving = {q.field for q in pending(WorkloadSpec(task="inference", domain="llm", params_billions=8))}
    assert serving == {"concurrent_users"}


@pytest.mark.parametrize("message", [
    "hi, I want to do some AI",
    "I need to deploy an LLM",
    "I have 2TB of MRI images and want to create a model to detect lung cancer",
    "Train an image model",
    "I need to deploy Llama 3.1 70B for inference",
])
def test_every_quick_reply_answers_its_own_question(message: str) -> None:
    """The web UI sends an option's text as the next message: the option must settle the question it belongs to."""
    spec = extract(message).spec
    questions = pending(spec)
    assert questions
    for question in questions:
        assert question.options, f"{question.field} has no quick replies"
        for option in question.options:
            found = extract(option).spec.stated()
            if question.field == "model_query" and option == "you decide":
                assert wants_defaults(option)
            elif question.field == "providers" and option.startswith("anywhere"):
                assert wants_defaults(option)
            elif question.field == "task":
                assert {"task", "domain"} & found.keys(), option
            else:
                assert question.field in found, (question.field, option, found)
