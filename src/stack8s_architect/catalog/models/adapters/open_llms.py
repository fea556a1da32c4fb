"""Adapter for eugeneyan/open-llms: the curated Markdown table of commercially usable open LLMs.

Each table row is a model family; its Checkpoints cell links Hugging Face repos, and each linked
repo becomes one fact. Quirks of the README:
- Two model tables ("Open LLMs" and "Open LLMs for code", the latter read with task_hint
  code-generation); the dataset tables that follow are not read.
- Release dates are `YYYY/MM`, sometimes with the day in an HTML comment (`2023/03<!--13-->`);
  month-only dates become the 1st of the month.
- Params (B) may be a list or range (`3, 7, 12`, `0.06 - 11`) and Context Length a list
  (`4096, 128k`); a list value is given to the checkpoint whose name carries it (`falcon-40b`,
  `Phi-3-mini-128k-instruct`), a single value to every checkpoint, a range to none. `k` is 1,024.
- Rows without a Hugging Face repo link (GitHub only, org pages) are dropped; a repo listed again
  in a later row keeps its first row.
- Some rows lack the trailing `|`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from stack8s_architect.catalog.models.records import ModelBatch, ModelFact

SOURCE_ID = "open-llms"
OBSERVED_ON = "2025-02-12"
FILES = (
    {
        "repository": "eugeneyan/open-llms",
        "commit": "78a2524e086d6e4d594077401cd5e35f8517e8c9",
        "upstream_path": "README.md",
        "mirror_path": "eugeneyan+open-llms/README.md",
    },
)

_EXACTNESS = 2  # curated table
_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)\)")
_HF_REPO = re.compile(r"^https?://huggingface\.co/([\w.-]+)/([\w.-]+)(?:[/#?].*)?$")
_NOT_REPO_OWNERS = {"spaces", "datasets", "blog", "docs", "papers"}
_DATE = re.compile(r"(\d{4})/(\d{1,2})(?:\s*<!--\s*(\d{1,2})\s*-->)?")
_NUMBER = re.compile(r"(\d+(?:\.\d+)?)\s*([kKmM])?")
_TASK_BY_TABLE = {"Open LLMs": "text-generation", "Open LLMs for code": "code-generation"}
_COLUMNS = ("Language Model", "Release Date", "Checkpoints", "Paper/Blog", "Params (B)", "Context Length", "Licence")


def read_open_llms(path: Path, *, source_id: str = SOURCE_ID) -> ModelBatch:
    """One fact per Hugging Face checkpoint linked from the model tables."""
    batch = ModelBatch()
    seen: set[str] = set()
    for table, row in model_table_rows(path.read_text(encoding="utf-8")):
        batch.rows_read += 1
        facts = row_facts(row, _TASK_BY_TABLE[table], source_id)
        if not facts:
            batch.dropped["row links no Hugging Face checkpoint"] += 1
        for fact in facts:
            if fact.raw_id in seen:
                batch.dropped["checkpoint already listed in an earlier row"] += 1
                continue
            seen.add(fact.raw_id)
            batch.facts.append(fact)
    return batch


def model_table_rows(markdown: str) -> list[tuple[str, dict[str, str]]]:
    """(table heading, row by column name) for each row of the model tables."""
    rows: list[tuple[str, dict[str, str]]] = []
    heading, header = "Open LLMs", None
    for line in (raw.strip() for raw in markdown.splitlines()):
        if line.startswith("#"):
            heading, header = line.lstrip("#").strip(), None
        elif heading in _TASK_BY_TABLE and line.startswith("|"):
            cells = _cells(line)
            if header is None:
                header = cells
            elif header[: len(_COLUMNS)] == list(_COLUMNS) and not set(line) <= set("|-: \t"):
                rows.append((heading, dict(zip(header, cells + [""] * (len(header) - len(cells)), strict=False))))
    return rows


def _cells(line: str) -> list[str]:
    body = line.strip()[1:]
    return [cell.strip() for cell in (body[:-1] if body.endswith("|") else body).split("|")]


def row_facts(row: dict[str, str], task_hint: str, source_id: str) -> list[ModelFact]:
    """The facts of one family row, one per linked Hugging Face checkpoint."""
    checkpoints = hf_checkpoints(row.get("Checkpoints", ""))
    shared = {
        "family": _visible(row.get("Language Model", "")) or None,
        "task_hint": task_hint,
        "created_at": release_date(row.get("Release Date", "")),
        "license_raw": _visible(row.get("Licence", "")) or None,
        "description": _visible(row.get("Paper/Blog", "")).rstrip(", ") or None,
    }
    params = [value * 1e9 for value in numbers(row.get("Params (B)", ""), unit=1.0)]
    contexts = [int(value) for value in numbers(_visible(row.get("Context Length", "")), unit=1024.0)]
    return [
        ModelFact(source_id, raw_id, "hf", _fields(shared, raw_id, params, contexts), OBSERVED_ON, _EXACTNESS)
        for raw_id in checkpoints
    ]


def _fields(shared: dict[str, Any], raw_id: str, params: list[float], contexts: list[int]) -> dict[str, Any]:
    fields = dict(shared)
    fields["params_total"] = params_for(raw_id, params)
    fields["context_length"] = value_for(raw_id, contexts, _context_labels)
    return {key: value for key, value in fields.items() if value is not None}


def hf_checkpoints(cell: str) -> list[str]:
    """`org/name` of every Hugging Face model repo linked in a cell, in order, without duplicates."""
    found: list[str] = []
    for _, url in _LINK.findall(cell):
        match = _HF_REPO.match(url)
        if match and match.group(1) not in _NOT_REPO_OWNERS and f"{match[1]}/{match[2]}" not in found:
            found.append(f"{match[1]}/{match[2]}")
    return found


def release_date(cell: str) -> str | None:
    """`2023/03<!--13-->` → `2023-03-13`; `2023/10` → `2023-10-01`."""
    match = _DATE.search(cell)
    if not match or not 1 <= int(match[2]) <= 12:
        return None
    return f"{match[1]}-{int(match[2]):02d}-{int(match[3] or 1):02d}"


def numbers(text: str, unit: float) -> list[float]:
    """The values of a list cell (`3, 7, 12`, `4096, 128k`); a range (`0.06 - 11`) yields nothing."""
    if re.search(r"\d\s*-\s*\d", text) and "," not in text:
        return []
    values = []
    for digits, suffix in _NUMBER.findall(text):
        scale = {"k": unit, "m": unit * unit}.get(suffix.lower(), 1.0) if suffix else 1.0
        values.append(float(digits) * scale)
    return values


def value_for(raw_id: str, values: list[Any], labels: Callable[[Any], list[str]]) -> Any:
    """The only value, or the one whose label (`40b`, `128k`) appears in the checkpoint name."""
    distinct = list(dict.fromkeys(values))
    if len(distinct) == 1:
        return distinct[0]
    name = raw_id.partition("/")[2].lower()
    matches = [value for value in distinct if any(_names(label, name) for label in labels(value))]
    return matches[0] if len(matches) == 1 else None


def params_for(raw_id: str, params: list[float]) -> float | None:
    """The parameter count of one checkpoint from a family's list (`180, 40, 7` → falcon-40b: 40e9)."""
    return value_for(raw_id, params, lambda count: _size_labels(count / 1e9))


def _names(label: str, name: str) -> bool:
    """Whether `label` stands alone in `name` (`7b` in `falcon-7b` and `open_llama_7b`, not in `17b` or `7bit`)."""
    return re.search(rf"(?<![a-z0-9.]){re.escape(label)}(?![a-z0-9])", name) is not None


def _size_labels(billions: float) -> list[str]:
    """How a checkpoint name spells a size: `7b`, `1.3b`, `1_1b`, and `270m` below a billion."""
    text = f"{billions:g}"
    labels = [f"{text}b", f"{text.replace('.', '_')}b"]
    return labels + [f"{billions * 1000:g}m"] if billions < 1 else labels


def _context_labels(tokens: int) -> list[str]:
    labels = [str(tokens)]
    if tokens % 1024 == 0:
        labels.append(f"{tokens // 1024}k")
    if tokens % (1024 * 1024) == 0:
        labels.append(f"{tokens // (1024 * 1024)}m")
    return labels


def _visible(cell: str) -> str:
    """Cell text as a reader sees it: links replaced by their text, comments and extra spaces removed."""
    text = re.sub(r"<!--.*?-->", "", _LINK.sub(lambda link: link.group(1), cell))
    return " ".join(text.split())
