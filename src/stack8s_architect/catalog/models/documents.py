"""What gets indexed for a model: a profile paragraph, card chunks, and the lexical search document."""

from __future__ import annotations

import re

from stack8s_architect.catalog.models.merge import MergedModel

CHUNK_CHARS = 1000
CARD_CHUNKS = 2  # the opening of a card says what the model is; the rest is usage code and citations
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
_CODE = re.compile(r"```.*?```", re.DOTALL)
_HTML = re.compile(r"<[^>]+>")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_SPACES = re.compile(r"[ \t]+")


def profile(record: MergedModel) -> str:
    """One paragraph from the merged fields, so models without a card are still found."""
    values = record.fields
    parts = [
        f"{record.id}: {record.task.replace('-', ' ')} model ({record.domain.replace('_', ' ')}).",
        f"Family {record.family}." if record.family else "",
        _size(values.get("params_total")),
        f"Licence {record.license.name}." if record.license and record.license.id != "unknown" else "",
        str(values.get("description") or "")[:600],
        "Tags: " + ", ".join(sorted(t for t in record.tags if ":" not in t)[:25]) + "." if record.tags else "",
    ]
    return " ".join(part for part in parts if part)


def _size(params: float | None) -> str:
    return f"{params / 1e9:.1f}B parameters." if params else ""


def clean_card(text: str) -> str:
    """Card Markdown → prose: no front matter, code blocks, HTML, link targets or runs of blanks."""
    text = _FRONT_MATTER.sub("", text)
    text = _CODE.sub(" ", text)
    text = _HTML.sub(" ", text)
    text = _LINK.sub(r"\1", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line and not set(line) <= set("|-:# "))


def card_chunks(text: str, limit: int = CARD_CHUNKS) -> list[str]:
    """Paragraph-aligned chunks of about CHUNK_CHARS from the start of a cleaned card."""
    chunks: list[str] = []
    current = ""
    for paragraph in clean_card(text).split("\n"):
        if current and len(current) + len(paragraph) > CHUNK_CHARS:
            chunks.append(current)
            if len(chunks) == limit:
                return chunks
            current = ""
        current = f"{current}\n{paragraph}" if current else paragraph[: CHUNK_CHARS * 2]
    if current and len(chunks) < limit:
        chunks.append(current)
    return [chunk for chunk in chunks if len(chunk) >= 40]


def chunks_for(record: MergedModel) -> list[str]:
    return [profile(record), *(card_chunks(record.card) if record.card else [])]


def search_document(record: MergedModel) -> str:
    """Words for the model's BM25 document: the id split into words, family, task, tags, summary."""
    words = re.sub(r"[/_\-.]+", " ", record.id)
    return " ".join([
        words, record.id, record.family or "", record.task.replace("-", " "), record.domain.replace("_", " "),
        " ".join(sorted(record.tags))[:2000], str(record.fields.get("description") or "")[:1000],
    ])
