"""Optional LLM narration of a plan's summary, accepted only when every number in it is the plan's."""

from __future__ import annotations

import re
from collections.abc import Callable

from stack8s_architect.core import metrics
from stack8s_architect.core.logging import redact

_PLAN_NUMBER = re.compile(r"(?<![\w.])\$?\d[\d,]*(?:\.\d+)?")


def reason_of(exc: Exception) -> str:
    text = redact(" ".join(str(exc).split())) or type(exc).__name__
    return f"{type(exc).__name__}: {text[:160]}"


def numbers_of(text: str) -> list[str]:
    return [m.group(0).lstrip("$").replace(",", "").rstrip(".") for m in _PLAN_NUMBER.finditer(text)]


def unsupported_numbers(text: str, plan_json: str) -> list[str]:
    """Numbers in an LLM's text that the plan does not contain (formatting aside)."""
    known = {float(n) for n in numbers_of(plan_json) if n}
    bad = []
    for raw in numbers_of(text):
        try:
            value = float(raw)
        except ValueError:
            bad.append(raw)
            continue
        if not any(abs(value - k) <= max(0.005, abs(k) * 1e-6) or round(k) == value or round(k, 2) == value
                   or round(k, 1) == value for k in known):
            bad.append(raw)
    return bad


def checked_narration(narrate: Callable[[str, str], str], summary: str, plan_json: str) -> tuple[str, list[str]]:
    """The LLM's summary when every number in it is the plan's; otherwise the template, and why."""
    try:
        text = narrate(summary, plan_json).strip()
    except Exception as exc:  # noqa: BLE001
        metrics.LLM_CALLS.labels(purpose="narration", outcome="failed").inc()
        metrics.LLM_FALLBACKS.labels(purpose="narration").inc()
        return summary, [f"the language model did not phrase the summary ({reason_of(exc)}); the template text is used"]
    bad = unsupported_numbers(text, plan_json)
    metrics.LLM_CALLS.labels(purpose="narration", outcome="rejected" if bad or not text else "ok").inc()
    if bad or not text:
        metrics.LLM_FALLBACKS.labels(purpose="narration").inc()
        return summary, [f"the language model's summary had numbers not in the plan ({', '.join(bad[:5])}); "
                         "the template text is used"]
    return text, []
