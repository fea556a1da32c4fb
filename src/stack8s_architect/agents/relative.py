"""Relative changes against the conversation so far: "halve the number of users", "twice the budget",
"10 more users", "cut the budget by 20%", "double the context".

A pure function of the message and the spec before it: it returns the new absolute values of the fields it
changes, and what it read, in words. A change to a value the conversation has not stated yet is said back,
not guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from stack8s_architect.planning.spec import WorkloadSpec

# What the message may change, as people name it → the spec field; integers are rounded (never below 1).
_FIELDS: tuple[tuple[str, str], ...] = (
    (r"(?:the\s+)?(?:number\s+of\s+)?(?:concurrent\s+|simultaneous\s+|active\s+)?(?:users?|people|seats)",
     "concurrent_users"),
    (r"(?:the\s+)?(?:our\s+)?(?:monthly\s+)?budget", "budget_usd_per_month"),
    (r"(?:the\s+)?(?:number\s+of\s+)?(?:gpus?|cards?)", "gpu_count"),
    (r"(?:the\s+)?context(?:\s+length|\s+window)?", "context_length"),
    (r"(?:the\s+)?(?:current\s+)?(?:request\s+rate|requests(?:\s+per\s+second)?|rps|traffic|load|throughput)",
     "requests_per_second"),
    (r"(?:the\s+)?latency(?:\s+target|\s+budget|\s+goal)?", "latency_target_ms"),
)
_INTEGER = {"concurrent_users", "gpu_count", "context_length"}
_FACTOR_WORDS = {"halve": 0.5, "half": 0.5, "double": 2.0, "twice": 2.0, "triple": 3.0, "quadruple": 4.0,
                 "a third": 1 / 3, "a quarter": 0.25, "third": 1 / 3, "quarter": 0.25}
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "ten": 10, "twenty": 20, "fifty": 50,
                 "a hundred": 100, "hundred": 100}
_COUNT = r"(\d{1,6}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
_AMOUNT = r"\$?(\d{1,6}(?:\.\d{1,3})?\s*k?)"  # "2k", "$500": a budget amount


@dataclass
class RelativeChange:
    values: dict[str, float | int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _patterns() -> list[tuple[re.Pattern[str], str, str]]:
    """(pattern, field, kind): kind is factor (group 1 a word), more/fewer (group 1 a count), percent up/down."""
    found = []
    for noun, name in _FIELDS:
        found += [
            (re.compile(rf"\b(halve|double|triple|quadruple)\s+{noun}\b", re.I), name, "factor"),
            (re.compile(rf"\b(half|twice|double)\s+(?:as\s+(?:many|much)\s+)?{noun}\b", re.I), name, "factor"),
            (re.compile(rf"\b{noun}\s+(?:cut\s+)?in\s+(half)\b", re.I), name, "factor"),
            (re.compile(rf"\bcut\s+{noun}\s+in\s+(half)\b", re.I), name, "factor"),
            (re.compile(rf"\b(\d+(?:\.\d+)?)\s*(?:x|times)\s+{noun}\b", re.I), name, "times"),
            (re.compile(rf"\b{_COUNT}\s+more\s+{noun}\b", re.I), name, "more"),
            (re.compile(rf"\b{_COUNT}\s+(?:fewer|less)\s+{noun}\b", re.I), name, "fewer"),
            (re.compile(rf"\b(?:increase|raise|grow|bump|up)\s+{noun}\s+by\s+(\d{{1,3}})\s*%", re.I), name, "up"),
            (re.compile(rf"\b(?:reduce|cut|lower|decrease|drop|trim)\s+{noun}\s+by\s+(\d{{1,3}})\s*%", re.I), name,
             "down"),
            (re.compile(rf"\b(\d{{1,3}})\s*%\s+(?:more|extra|additional|higher)\s+{noun}\b", re.I), name, "up"),
            (re.compile(rf"\b(\d{{1,3}})\s*%\s+(?:less|fewer|lower|smaller)\s+{noun}\b", re.I), name, "down"),
            (re.compile(rf"\b{noun}\s+(?:up|higher|more)\s+by\s+(\d{{1,3}})\s*%", re.I), name, "up"),
            (re.compile(rf"\b{noun}\s+(?:down|lower|less)\s+by\s+(\d{{1,3}})\s*%", re.I), name, "down"),
            (re.compile(rf"\b{noun}\s+(?:cut|reduced|lowered|trimmed)\s+by\s+(\d{{1,3}})\s*%", re.I), name, "down"),
            (re.compile(rf"\b{noun}\s+(?:cut|reduced|lowered|trimmed)?\s*by\s+(a third|a quarter|half)\b", re.I), name,
             "by-fraction"),
            (re.compile(rf"\b(?:cut|reduce|lower|trim)\s+{noun}\s+by\s+(a third|a quarter|half)\b", re.I), name,
             "by-fraction"),
            (re.compile(rf"\b(?:cut|reduce|lower|trim|bring|drop)\s+{noun}\s+(?:down\s+)?to\s+(half|a third|a quarter)\b",
                        re.I), name, "factor"),
            (re.compile(rf"\b{noun}\s*(?:x|×|times)\s*(\d+(?:\.\d+)?)\b", re.I), name, "times"),
            (re.compile(rf"\b(?:add|plus)\s+(?:another\s+)?{_COUNT}\s+(?:more\s+)?{noun}\b", re.I), name, "more"),
            (re.compile(rf"\b(?:remove|drop|minus)\s+{_COUNT}\s+{noun}\b", re.I), name, "fewer"),
            (re.compile(rf"\b(?:cut|cutting|reduce|reducing|trim|trimming|take|taking|knock|knocking)\s+(\d{{1,3}})\s*%\s+"
                        rf"(?:from|off|of)\s+{noun}", re.I), name, "down"),
            (re.compile(rf"\b(?:add|adding)\s+(\d{{1,3}})\s*%\s+(?:to|on)\s+{noun}", re.I), name, "up"),
            (re.compile(rf"\b(a third|a quarter|half)\s+(?:fewer|less)\s+{noun}\b", re.I), name, "by-fraction"),
            (re.compile(rf"\b(half|a third|a quarter|third|quarter)\s+(?:as\s+(?:many|much)\s+)?(?:of\s+)?{noun}\b",
                        re.I), name, "factor"),
        ]
    budget = next(noun for noun, name in _FIELDS if name == "budget_usd_per_month")
    found += [
        (re.compile(rf"\b(?:add|another|extra|plus)\s+(?:another\s+)?{_AMOUNT}\s*(?:(?:a|per|/)\s*month|monthly|"
                    rf"to\s+{budget})", re.I), "budget_usd_per_month", "plus-amount"),
        (re.compile(rf"\b(?:knock|take|shave|cut)\s+{_AMOUNT}\s+off\s+{budget}", re.I), "budget_usd_per_month",
         "minus-amount"),
        (re.compile(rf"\b{budget}\s+(?:up|higher)\s+by\s+{_AMOUNT}\b", re.I), "budget_usd_per_month", "plus-amount"),
        (re.compile(rf"\b{budget}\s+(?:down|lower)\s+by\s+{_AMOUNT}\b", re.I), "budget_usd_per_month", "minus-amount"),
    ]
    return found


_PATTERNS = _patterns()


def relative_change(message: str, before: WorkloadSpec) -> RelativeChange:
    """The fields `message` changes relative to `before`, as new absolute values."""
    change = RelativeChange()
    text = " ".join(message.split())
    for pattern, name, kind in _PATTERNS:
        if name in change.values:
            continue
        match = pattern.search(text)
        if match is None:
            continue
        old = getattr(before, name)
        if old is None:
            change.notes.append(f"'{match.group(0)}': no earlier {name.replace('_', ' ')} to change — say the number")
            continue
        new = _apply(kind, match.group(1).lower(), old)
        if name in _INTEGER:
            new = max(1, int(new + 0.5))
        elif new <= 0:
            continue
        change.values[name] = round(new, 4) if isinstance(new, float) else new
        change.notes.append(f"'{match.group(0)}' read as {name.replace('_', ' ')} {old:g} → {new:g}")
    return change


def _apply(kind: str, said: str, old: float) -> float:
    if kind == "factor":
        return old * _FACTOR_WORDS[said]
    if kind == "by-fraction":
        return old * (1 - _FACTOR_WORDS[said])
    if kind in {"plus-amount", "minus-amount"}:
        amount = float(said.lower().rstrip("k").strip()) * (1000 if said.lower().strip().endswith("k") else 1)
        return old + amount if kind == "plus-amount" else old - amount
    if kind == "times":
        return old * float(said)
    count = float(_NUMBER_WORDS.get(said, said))
    if kind == "more":
        return old + count
    if kind == "fewer":
        return old - count
    return old * (1 + count / 100) if kind == "up" else old * (1 - count / 100)
