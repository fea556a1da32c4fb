"""Models named inside a message: "Serve GLM-4.5 for 10 users" → the span "GLM-4.5" and its catalog record.

A mention starts at a word that begins some publisher's model names (the resolver knows which) and is the
longest run of up to seven words from there that resolves — with a version or size in it, or two or more
words naming a model exactly ("whisper medium"). Only the words as written are tried (no spelling
correction): a sentence's other words must not turn into a model.
"""

from __future__ import annotations

from dataclasses import dataclass

from stack8s_architect.catalog.models.names import name_tokens
from stack8s_architect.catalog.models.resolver import ModelResolver, Resolution

LONGEST_MENTION_WORDS = 7


@dataclass(frozen=True)
class Mention:
    """A model named inside a message: where, as written, and what it resolved to."""

    start: int
    end: int
    text: str  # its words as written, without the punctuation around them
    resolution: Resolution


def find_mentions(resolver: ModelResolver, message: str, *, serving: bool = True,
                  params_billions: float | None = None) -> list[Mention]:
    """Every model the message names, in order; each word belongs to one mention at most. `params_billions` (a
    size said elsewhere in the message: "Llama 3.1 …, the 70B") constrains a mention that names none."""
    spans = _word_spans(message)
    mentions: list[Mention] = []
    position = 0
    while position < len(spans):
        found = _mention_at(resolver, message, spans, position, serving, params_billions)
        if found is None:
            position += 1
            continue
        mentions.append(found[0])
        position = found[1]
    return mentions


def _mention_at(resolver: ModelResolver, message: str, spans: list[tuple[int, int]], position: int,
                serving: bool, params_billions: float | None) -> tuple[Mention, int] | None:
    first = name_tokens(message[spans[position][0]:spans[position][1]])
    if not first.words or not resolver.starts_a_name(first.words[0]):
        return None
    for end in range(min(len(spans), position + LONGEST_MENTION_WORDS), position, -1):
        start_char, end_char = spans[position][0], spans[end - 1][1]
        text = message[start_char:end_char]
        tokens = name_tokens(text)
        if not tokens.numbers and len(tokens.name_words) < 2:
            continue
        resolution = resolver.resolve(text, serving=serving, params_billions=params_billions, suggest=False)
        if resolution.model is None and params_billions and not tokens.sizes:
            resolution = resolver.resolve(text, serving=serving, suggest=False)  # that size is another model's
        if resolution.model is not None and (tokens.numbers or _names_exactly(resolution, tokens.name_words)):
            written = " ".join(message[a:b] for a, b in spans[position:end])  # "qwen 2.5 (14B)" → "qwen 2.5 14B"
            return Mention(start_char, end_char, written, resolution), end
    return None


def _names_exactly(resolution: Resolution, words: tuple[str, ...]) -> bool:
    model = resolution.model
    return model is not None and set(words) == set(name_tokens(model.id).name_words)


def _word_spans(message: str) -> list[tuple[int, int]]:
    """(start, end) of each whitespace-separated word, surrounding punctuation left out ("GLM-4.5," → GLM-4.5)."""
    spans = []
    index = 0
    for word in message.split():
        start = message.index(word, index)
        index = start + len(word)
        stripped = word.rstrip(".,;!?)\"'").lstrip("(\"'")
        if stripped:
            offset = word.index(stripped)
            spans.append((start + offset, start + offset + len(stripped)))
    return spans
