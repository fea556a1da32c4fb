"""Adapter for the saranscript Hugging Face Hub dump: 29,432 models of February 2022 with their cards.

`models.jsonl.gz` holds one JSON object per line, `{"dir", "infos", "readme"}`, where `infos` is the
Hub API's model info. Quirks, from the data README and the file itself:
- 12,842 `readme` values are the scraper's error text ("Error: the path 'README.md' does not exist
  in the given tree"), and 349 are blank; neither is a card.
- Licences exist only as `license:*` tags (about a quarter of the models).
- 68 legacy ids have no org (`gpt2`); `downloads` is a 30-day count and absent on 212 rows.
- `config` holds only `architectures` and `model_type` (null for 8k models); there are no parameter counts.
The file is streamed line by line; the whole dump reads in a few seconds.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Any

from stack8s_architect.catalog.models.records import CardText, ModelBatch, ModelFact

SOURCE_ID = "hf-hub-dump-2022"
# The scrape was committed on 2022-02-21; its newest `lastModified` is 2022-02-15.
OBSERVED_ON = "2022-02-21"
# Repackaged by the mirror: upstream is the folder models/<org>/<name>/{infos.json,README.md}.
FILES = (
    {
        "repository": "saranscript/huggingface-models",
        "commit": "796a1d378fabf06fff864b7147be79829b0b872f",
        "upstream_path": "models",
        "mirror_path": "saranscript+huggingface-models/models.jsonl.gz",
    },
)

_SCRAPE_ERROR_PREFIX = "Error: the path 'README.md' does not exist"
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_LICENSE_TAG = "license:"


def read_hub_dump(path: Path, *, source_id: str = SOURCE_ID) -> ModelBatch:
    """One fact per model and one card per real README; malformed lines are counted in `dropped`."""
    batch = ModelBatch()
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                batch.rows_read += 1
                _add_line(batch, line, source_id)
    return batch


def _add_line(batch: ModelBatch, line: str, source_id: str) -> None:
    infos, readme = _parse_line(line)
    if infos is None:
        batch.dropped["line is not JSON with infos.modelId"] += 1
        return
    model_id = infos["modelId"]
    batch.facts.append(ModelFact(source_id, model_id, "hf", hub_fields(infos), OBSERVED_ON, exactness=1))
    reason = card_problem(readme)
    if reason:
        batch.dropped[reason] += 1
    else:
        batch.cards.append(CardText(source_id, model_id, "hf", readme, OBSERVED_ON))


def _parse_line(line: str) -> tuple[dict[str, Any] | None, Any]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError:
        return None, None
    infos = record.get("infos") if isinstance(record, dict) else None
    if not isinstance(infos, dict) or not isinstance(infos.get("modelId"), str) or not infos["modelId"].strip():
        return None, None
    return infos, record.get("readme")


def card_problem(readme: Any) -> str | None:
    """Why a `readme` value is not a usable card (None when it is one)."""
    if not isinstance(readme, str) or not readme.strip():
        return "card: README blank"
    if readme.startswith(_SCRAPE_ERROR_PREFIX):
        return "card: README missing (scraper error text)"
    return None


def hub_fields(infos: dict[str, Any]) -> dict[str, Any]:
    """The normalised fact fields of one Hub `infos` object (absent values left out)."""
    tags = [tag for tag in infos.get("tags") or () if isinstance(tag, str)]
    config = infos.get("config") if isinstance(infos.get("config"), dict) else {}
    architectures = config.get("architectures")
    fields = {
        "pipeline_tag": infos.get("pipeline_tag"),
        "library": infos.get("library_name"),
        "tags": tags,
        "downloads": _count(infos.get("downloads")),
        "likes": _count(infos.get("likes")),
        "modified_at": iso_day(infos.get("lastModified")),
        "license_raw": license_from_tags(tags),
        "architecture_name": architectures[0] if isinstance(architectures, list) and architectures else None,
        "model_type": config.get("model_type"),
    }
    return {name: value for name, value in fields.items() if value not in (None, "", [])}


def license_from_tags(tags: list[str]) -> str | None:
    """The first `license:*` tag without its prefix (`license:apache-2.0` → `apache-2.0`)."""
    return next((tag[len(_LICENSE_TAG):] for tag in tags if tag.startswith(_LICENSE_TAG)), None)


def iso_day(value: Any) -> str | None:
    """`2021-09-02T16:05:51.000Z` → `2021-09-02`; None when it does not start with a date."""
    return value[:10] if isinstance(value, str) and _ISO_DAY.match(value) else None


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None
