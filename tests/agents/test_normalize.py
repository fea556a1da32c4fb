"""The first stage of understanding, as a table: what each message becomes before the rules read it."""

from __future__ import annotations

import pytest

from stack8s_architect.agents.normalize import guess_language, normalize


@pytest.mark.parametrize(("text", "language"), [
    ("Serve Llama 3.1 8B for 20 users on AWS", "en"),
    ("wir brauchen acht GPUs für zwanzig Nutzer", "de"),
    ("necesitamos veinte usuarios sin spot", "es"),
    ("il faut huit GPU pour vingt utilisateurs", "fr"),
    ("deux fois plus d'utilisateurs", "fr"),
    ("on-demand only, we got burned by spot reclaims", "en"),  # "on" is English too
    ("im a 1 person ops team", "en"),
])
def test_the_language_is_guessed_from_its_common_words(text: str, language: str) -> None:
    assert guess_language(text) == language


@pytest.mark.parametrize(("text", "read"), [
    ("we need twenty five users", "we need 25 users"),
    ("300 billion tokens of web text", "300 billion tokens of web text"),  # a magnitude after digits stays
    ("1.2 million product photos", "1200000 product photos"),
    ("budget 25 000 $ per month", "budget 25000 $ per month"),
    ("in 2025 we had 1 200 users", "in 2025 we had 1200 users"),
    ("Budget 20.000 $ im Monat für zwanzig Nutzer", "Budget 20000 $ per month für 20 users"),
    ("necesitamos 2 A100, nada de instancias spot", "necesitamos 2 A100, no instances spot"),
    ("pas d'instances spot, pas chez Google Cloud", "no instances spot, not at Google Cloud"),
    ("finance wants the budget cut by a third", "finance wants the budget cut by a third"),
    ("we need 25 usres and a bugdet of 5k a month on azrue", "we need 25 users and a budget of 5k a month on azure"),
    ("llava 13b for captions", "llava 13b for captions"),  # model names are the resolver's, not typos
])
def test_messages_become_what_the_rules_read(text: str, read: str) -> None:
    assert normalize(text) == read


def test_a_pasted_markdown_table_becomes_key_value_pairs() -> None:
    table = "| Item | Value |\n|---|---|\n| Concurrent users | 250 |\n| Latency | 2 s |"
    assert normalize(table) == "Item: Value; Concurrent users: 250; Latency: 2 s;"
