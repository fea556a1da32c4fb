"""Dialogue acts as a table: the act of a message, given what it states and where the conversation is.

The paraphrase corpus measures the classifier at scale (test_understanding_corpus.py); these rows pin the
rules that depend on the conversation's state, which the corpus can only imply.
"""

from __future__ import annotations

import pytest

from stack8s_architect.agents.acts import classify, question_topic


@pytest.mark.parametrize(("text", "stated", "state", "label"), [
    # the same words, another place in the conversation
    ("will it fit on a t4?", {"gpu_names"}, {"has_plan": True}, "question:fit"),
    ("will llama 70b fit on a t4?", {"gpu_names", "params_billions"}, {"has_plan": False}, "question:fit"),
    ("how much would llama 70b for 50 users cost?", {"params_billions", "concurrent_users"}, {"has_plan": False},
     "request"),  # before any plan, a question that states the workload is the request itself
    ("what if we had 100 users?", {"concurrent_users"}, {"has_plan": True}, "question:what_if"),
    ("switch to gcp - why was aws picked?", {"providers"}, {"has_plan": True}, "request"),
    ("sorry, I meant gcp", {"providers"}, {"has_plan": True, "overrides": True}, "correction"),
    ("actually 20 users", {"concurrent_users"}, {"has_plan": True, "overrides": True}, "correction"),
    ("actually 20 users", {"concurrent_users"}, {"has_plan": True}, "request"),  # nothing taken back
    ("you decide", set(), {"has_plan": False, "known": True, "proceed": True, "answering": True}, "request"),
    ("anywhere is fine, no fixed budget", set(), {"has_plan": False, "known": True, "answering": True}, "request"),
    ("hmm not sure this is what we need", set(), {"has_plan": True, "known": True, "proceed": True}, "vague"),
    ("hi there!", set(), {"has_plan": False}, "greeting"),
    ("Guten Morgen! Wie geht's?", set(), {"has_plan": False}, "greeting"),
    ("thanks, that's all", set(), {"has_plan": True}, "greeting"),
    ("i need gpus", set(), {"has_plan": False}, "vague"),
    ("we want to put an llm in our support tool", {"domain"}, {"has_plan": False}, "vague"),
    ("what's the weather in paris", {"geography"}, {"has_plan": True}, "off_topic"),
    ("can you help me write a cover letter?", set(), {"has_plan": False}, "off_topic"),
    ("- why nebius", set(), {"has_plan": True}, "question:why"),
])
def test_the_act_of_a_message(text: str, stated: set[str], state: dict[str, bool], label: str) -> None:
    assert classify(text, stated, **state).label == label


@pytest.mark.parametrize(("text", "topic"), [
    ("how much vram does that need with the 32k context?", "memory"),
    ("what would 4-bit do to the cost", "what_if"),
    ("would h100s be enough, it should be 2x faster than now?", "fit"),
    ("l4 or a10g, which one is cheaper here", "compare"),
    ("eta?", "duration"),
    ("whats that per hour", "cost"),
    ("y u picked lambda", "why"),
])
def test_the_topic_of_a_question(text: str, topic: str) -> None:
    assert question_topic(text) == topic
