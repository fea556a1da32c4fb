"""Polarity: whether a thing named in a message is wanted or ruled out.

"Anything but Azure", "not on RunPod", "GCP instead of AWS", "I meant GCP, not AWS", "switch from AWS to
GCP", "we don't want Azure or GCP": a mention is *negated* when a negation cue stands before it in the same
clause with only filler words — or other items of the same list — between them. A clause ends at . ; ! ?
or at "but" (so "not X but Y" wants Y). Pure functions over the text; the extractor gives the spans.
"""

from __future__ import annotations

import re

# Cues that rule out what follows them (longest first: "anything but" before "but").
_CUES = tuple(sorted((
    "not", "no", "don't", "dont", "do not", "never", "without", "except", "excluding", "exclude", "avoid",
    "anything but", "all but", "other than", "instead of", "rather than", "no longer", "stay away from",
    "away from", "switch from", "move from", "migrate from", "moving off", "off of", "nothing on", "anywhere but",
    "skip", "can't", "cannot", "can not", "won't", "will not", "shouldn't", "mustn't", "must not", "ban", "forbid",
    "no more", "rule out", "drop", "leave out", "not allowed", "forget", "forget about", "hate", "nothing",
    "off", "steer clear of", "stay clear of",  # "keep it off Azure", "move off AWS", "steer clear of GCP"
), key=len, reverse=True))
# Words that may stand between a cue and what it rules out ("not on the RunPod cloud", "avoid AWS or GCP").
_FILLERS = frozenset("""
on in at to use using the a an any of with via from run running deploy deploying host hosting want like need
please cloud clouds provider providers go either neither also instances instance nodes node vms vm machines
cards gpus gpu card be done afford allowed it them this that consumer gaming such as e.g including especially
""".split())
_JOINERS = frozenset({"or", "and", "nor", ",", "&"})
# "off" after these is no leaving: "kick off on GCP", "first off, AWS" ("turn off spot" does rule spot out)
_OFF_NOT_AWAY = frozenset("kick kicked kicking start started starting set show pay paid log sign first take took cut "
                          "lay head cool tip write".split())
_OTHER = "zzotherzz"  # stands for another mention of the same kind
_CLAUSE_END = re.compile(r"[.;!?]|\bbut\b|\bhowever\b|\bthough\b", re.IGNORECASE)
_WORD = re.compile(r"[\w'’-]+|,")


def negated(text: str, start: int, others: tuple[tuple[int, int], ...] = ()) -> bool:
    """Whether the mention starting at `start` is ruled out. `others` are the spans of the other mentions of
    the same kind: a list ("Azure or GCP", "AWS, GCP and Azure") shares the cue before its first item."""
    words = [w.lower().replace("’", "'") for w in _WORD.findall(_clause_before(text, start, others))]
    after, filler = None, False  # the word popped last; whether a filler stands between here and the item
    while words:
        cue = _cue_ending(words)
        if cue == "off" and len(words) >= 2 and words[-2] in _OFF_NOT_AWAY:
            return False
        if cue:
            # "no, fp8" / "wait no, LoRA": a "no" before a comma answers what was said before; "IBM cloud no,
            # Seeweb yes": a "no" after another item is that item's, not this one's
            return not (cue in {"no", "not"} and after == ",")
        word = words[-1]
        if word == _OTHER:
            if filler or after not in _JOINERS:
                return False  # "switch from AWS to GCP", "rather than Azure, use GCP": not one list
            filler = False
        elif word in _FILLERS:
            filler = True
        elif word in _JOINERS:
            if word != ",":
                filler = False  # "no T4 nor of A10G": what stands after "nor" belongs to the next item
        else:
            return False
        after = words.pop()
    return False


def _clause_before(text: str, start: int, others: tuple[tuple[int, int], ...]) -> str:
    """The text of the clause before `start`, each other mention replaced by one marker word."""
    before = text[:start]
    for other_start, other_end in sorted(others, reverse=True):
        if other_end <= start:
            before = f"{before[:other_start]} {_OTHER} {before[other_end:]}"
    ends = [match for match in _CLAUSE_END.finditer(before) if not _is_cue_but(before, match)]
    return before[ends[-1].end():] if ends else before


_AFTER = re.compile(r"^\s*(?:s\b)?(?:\s*(?:cloud|instances?|gpus?|cards?|fine-?tuning|training))?\s*"
                    r"(?:(?:is|are|was|were)\s+(?:not|out|off|excluded|a no-?go|no-?go|forbidden|banned|overkill|"
                    r"too (?:expensive|pricey|slow)|off the table|not (?:an\s+)?option)\b|"
                    r"(?:isn't|aren't|won't|can't|wouldn't|doesn't|don't|isnt|arent|wont|cant|doesnt|dont)\b|no(?:pe)?\s*(?:[,.;!]|$)|"
                    r"(?:is|are)?\s*not (?:needed|required|necessary|relevant|a thing)|doesn'?t apply|does not apply|"
                    r"(?:is|are)\s+(?:a\s+)?no\b|leave (?:it|them) out|(?:must|should) be avoided|not allowed|out\b(?!-)|"
                    r"off the table|off the list)",
                    re.IGNORECASE)


def negated_after(text: str, end: int) -> bool:
    """"Azure is not an option", "AWS is out", "GCP won't work": ruled out by what follows the mention."""
    return bool(_AFTER.match(text[end:end + 40]))


def _is_cue_but(before: str, match: re.Match[str]) -> bool:
    """"anything but" / "all but" / "anywhere but" are cues, not clause ends."""
    return match.group(0).lower() == "but" and bool(re.search(r"\b(anything|all|anywhere)\s+$",
                                                              before[:match.start()], re.IGNORECASE))


def _cue_ending(words: list[str]) -> str | None:
    tail = " ".join(words[-3:])
    for cue in _CUES:
        if tail == cue or tail.endswith(" " + cue):
            return cue
    return None
