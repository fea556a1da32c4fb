"""Secrets never reach a log line: configured values and anything shaped like a key or a token are masked."""

from __future__ import annotations

from stack8s_architect.core.logging import MASK, redact, register_secret


def test_configured_secrets_and_key_shapes_are_masked_and_nothing_else() -> None:
    register_secret("hunter2-db-password")
    assert redact("connect postgresql+psycopg://app:hunter2-db-password@db:5432/x failed") == \
        f"connect postgresql+psycopg://app:{MASK}@db:5432/x failed"
    assert redact("Incorrect API key provided: sk-proj-abcdefghijklmnop") == f"Incorrect API key provided: {MASK}"
    assert redact("Authorization: Bearer s8a_abcdefghijklmnopqrstuvwxyz") == f"Authorization: {MASK}"
    assert redact("Authorization: Basic dXNlcjpwYXNzd29yZA==") == f"Authorization: {MASK}"
    assert redact("task-abcdefghijklmnop and risk-management-framework") == \
        "task-abcdefghijklmnop and risk-management-framework"  # words that merely contain "sk-"
    register_secret("abc")  # too short to mask without mangling ordinary text
    assert redact("abc") == "abc"
