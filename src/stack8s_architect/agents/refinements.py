"""Refinement intents of a later turn: "cheaper", "more throughput", "why this GPU?", "compare H100 and A100".

Plain constraint changes ("use spot", "only GCP", "in Europe", "4-bit") need no intent: the extractor
reads them and the merge overrides the earlier value. These intents are what a merge cannot express —
a relative change, or a question about the plan that is answered without changing it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CHEAPER = re.compile(r"\b(cheaper|less expensive|lower (?:the )?(?:cost|price)|reduce (?:the )?(?:cost|price)|"
                      r"cut (?:the )?costs?|save money|too expensive|costs? less)\b", re.I)
_THROUGHPUT = re.compile(r"\b(more (?:throughput|capacity|users|requests|replicas)|higher throughput|scale (?:it )?up|"
                         r"double (?:the )?(?:throughput|capacity|users))\b", re.I)
_WHY = re.compile(r"\bwhy\b.{0,40}\b(gpu|instance|this|that|choice|accelerator|provider|h100|a100|l4|l40s?|a10g?|"
                  r"mi300x?|chosen|pick(?:ed)?)\b|\bexplain (?:the )?(?:choice|gpu|pick)\b", re.I)
_COMPARE = re.compile(r"\b(compare|comparison|versus|vs\.?|difference between|which is better)\b", re.I)


@dataclass(frozen=True)
class Intents:
    cheaper: bool = False
    more_throughput: bool = False
    why: bool = False
    compare: bool = False

    @property
    def answer_only(self) -> bool:
        """A question about the plan: answered, the plan unchanged."""
        return self.why or self.compare


def detect(message: str, gpu_names: list[str] | None) -> Intents:
    text = " ".join(message.split())
    return Intents(
        cheaper=bool(_CHEAPER.search(text)),
        more_throughput=bool(_THROUGHPUT.search(text)),
        why=bool(_WHY.search(text)) and not _COMPARE.search(text),
        compare=bool(_COMPARE.search(text)) and len(gpu_names or []) >= 1,  # one unknown name: say so
    )
