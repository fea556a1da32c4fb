"""Entity resolution: the raw records of every source → one record per model, with provenance per field.

Rules, in order:
1. Hub ids are matched by `model_key` (case, URL forms, documented renames). MONAI bundles and
   roboflow detectors keep their own ids.
2. A quantised or converted repo (`-GGUF`, `-AWQ`, TheBloke/…) whose base model is known is folded
   into that base as a variant; otherwise it stays a record of its own.
3. Display names (arena, LiveBench, Ollama) are linked to a Hub id only on an unambiguous match;
   unmatched ones are counted, never guessed.
4. Each field comes from the most exact source, then the freshest, then the first source id in
   alphabetical order (deterministic); `provenance` records which source gave it. Tags are united.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from stack8s_architect.catalog.models.identity import DisplayNameIndex, clean_model_id, model_key, variant_base
from stack8s_architect.catalog.models.licenses import normalize_license
from stack8s_architect.catalog.models.taxonomy import domain_for, normalize_task

_DIRECT_KINDS = {"hf", "monai", "roboflow"}
_SINGLE_FIELDS = (
    "pipeline_tag", "task_hint", "library", "params_total", "params_active", "context_length", "license_raw",
    "gated", "downloads", "likes", "created_at", "modified_at", "base_model", "architecture_config",
    "architecture_name", "model_type", "family", "description", "organization", "is_moe",
)
# Card sources in order of preference: full modern cards first, scraped excerpts last.
_CARD_PREFERENCE = ("asgaardlab-cards", "monai-model-zoo", "hf-hub-dump-2022", "hn5318-cards", "localai-gallery")
_VARIANTS_KEPT = 40


@dataclass
class MergedModel:
    key: str
    id: str
    fields: dict[str, Any] = field(default_factory=dict)
    provenance: dict[str, str] = field(default_factory=dict)
    sources: set[str] = field(default_factory=set)
    tags: set[str] = field(default_factory=set)
    quality: list[dict[str, Any]] = field(default_factory=list)
    variants: list[dict[str, Any]] = field(default_factory=list)
    card: str | None = None
    card_source: str | None = None
    # derived
    task: str = "other"
    domain: str = "other"
    license: Any = None
    family: str | None = None


@dataclass
class MergeReport:
    models: int = 0
    folded_variants: int = 0
    unmatched_display_names: Counter[str] = field(default_factory=Counter)


def _direct_key(raw_id: str, id_kind: str) -> str:
    if id_kind == "roboflow":
        return f"roboflow/{raw_id.strip().lower()}"
    return model_key(raw_id)


def _rank(fact: Mapping[str, Any]) -> tuple:
    """Sort key: most exact first, then freshest, then source id (ascending) for determinism."""
    return (-int(fact["exactness"]), _negated_date(fact.get("observed_on")), fact["source_id"], fact["id"])


def _negated_date(value: str | None) -> str:
    digits = re.sub(r"\D", "", value or "")[:8].ljust(8, "0")
    return "".join(str(9 - int(d)) for d in digits)


def merge(raw: Mapping[str, list[dict[str, Any]]]) -> tuple[list[MergedModel], MergeReport]:
    """Merge raw records into models; pure (no database), deterministic for the same input."""
    report = MergeReport()
    facts_by_key = _group_direct_facts(raw["model_facts"])
    variant_of = _fold_variants(facts_by_key, raw["model_variants"], report)
    records = {key: _combine(key, facts) for key, facts in sorted(facts_by_key.items()) if key not in variant_of}
    display = DisplayNameIndex.from_ids(
        [m.id for m in records.values()], popularity={m.id: float(m.fields.get("downloads") or 0) for m in records.values()}
    )
    resolve = _resolver(records, variant_of, display, report)
    _attach_display_facts(records, raw["model_facts"], resolve)
    _attach_signals(records, raw["model_signals"], resolve)
    _attach_variants(records, raw["model_variants"], variant_of, resolve)
    _attach_cards(records, raw["model_cards"], resolve)
    for record in records.values():
        _derive(record)
    report.models = len(records)
    return list(records.values()), report


def _group_direct_facts(facts: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for fact in facts:
        if fact["id_kind"] in _DIRECT_KINDS:
            grouped[_direct_key(fact["raw_id"], fact["id_kind"])].append(fact)
    return grouped


def _fold_variants(facts_by_key: dict[str, list], variants: Iterable[dict[str, Any]], report: MergeReport) -> dict[str, str]:
    """Variant repo key → base key, for repos that are quantised copies of a model we know."""
    folded: dict[str, str] = {}
    names = _keys_by_name(facts_by_key)
    for key in facts_by_key:
        base = _base_key(key, facts_by_key, names)
        if base and base != key:
            folded[key] = base
    for variant in variants:
        if variant["base_raw_id"]:
            base = model_key(variant["base_raw_id"])
            key = model_key(variant["raw_id"])
            if base in facts_by_key and key in facts_by_key and key != base:
                folded.setdefault(key, base)
    report.folded_variants = len(folded)
    return folded


def _keys_by_name(facts_by_key: Mapping[str, list]) -> dict[str, list[str]]:
    names: dict[str, list[str]] = defaultdict(list)
    for key in facts_by_key:
        names[key.rsplit("/", 1)[-1]].append(key)
    return names


def _base_key(key: str, facts_by_key: Mapping[str, list], names: Mapping[str, list[str]]) -> str | None:
    guess = variant_base(key)
    if guess is None:
        return None
    base = guess[0].lower()
    if "/" in base:
        return base if base in facts_by_key else None
    candidates = names.get(base, [])
    return candidates[0] if len(candidates) == 1 else None  # an org-less name must be unambiguous


def _combine(key: str, facts: list[dict[str, Any]]) -> MergedModel:
    ordered = sorted(facts, key=_rank)
    record = MergedModel(key=key, id=_display_id(key, ordered))
    for fact in ordered:
        _take_fields(record, fact)
    return record


def _display_id(key: str, facts: list[dict[str, Any]]) -> str:
    """The id as the best source spells it, canonicalised for documented renames."""
    spellings = [clean_model_id(fact["raw_id"]) for fact in facts]
    matching = [spelled for spelled in spellings if spelled.lower() == key]
    # Prefer the first spelling that keeps the repo's capitals (some sources lower-case every id).
    cased = [spelled for spelled in matching if spelled != spelled.lower()]
    return (cased or matching or [key])[0]


def _take_fields(record: MergedModel, fact: Mapping[str, Any]) -> None:
    record.sources.add(fact["source_id"])
    values = fact["fields"]
    for name in _SINGLE_FIELDS:
        value = values.get(name)
        if value not in (None, "", [], {}) and name not in record.fields:
            record.fields[name] = value
            record.provenance[name] = fact["source_id"]
    record.tags.update(str(tag) for tag in values.get("tags") or [])


def _resolver(records: Mapping[str, MergedModel], variant_of: Mapping[str, str], display: DisplayNameIndex,
              report: MergeReport):  # noqa: ANN202
    def resolve(raw_id: str, id_kind: str) -> str | None:
        if id_kind in _DIRECT_KINDS or id_kind == "timm":
            key = _direct_key(raw_id if id_kind != "timm" else f"timm/{raw_id}", "hf" if id_kind == "timm" else id_kind)
            key = variant_of.get(key, key)
            return key if key in records else None
        matched = display.match(raw_id)
        if matched is None:
            report.unmatched_display_names[id_kind] += 1
            return None
        return model_key(matched)
    return resolve


def _attach_display_facts(records: dict[str, MergedModel], facts: Iterable[dict[str, Any]], resolve) -> None:  # noqa: ANN001
    for fact in sorted((f for f in facts if f["id_kind"] not in _DIRECT_KINDS), key=_rank):
        key = resolve(fact["raw_id"], fact["id_kind"])
        if key in records:
            _take_fields(records[key], fact)


def _attach_signals(records: dict[str, MergedModel], signals: Iterable[dict[str, Any]], resolve) -> None:  # noqa: ANN001
    for signal in signals:
        key = resolve(signal["raw_id"], signal["id_kind"])
        if key in records:
            records[key].quality.append({
                "metric": signal["metric"], "value": signal["value"], "task": signal["task"],
                "higher_is_better": signal["higher_is_better"], "detail": signal["detail"], "source": signal["source_id"],
            })
            records[key].sources.add(signal["source_id"])


def _attach_variants(records: dict[str, MergedModel], variants: Iterable[dict[str, Any]],
                     variant_of: Mapping[str, str], resolve) -> None:  # noqa: ANN001
    for variant in variants:
        base = variant["base_raw_id"] or variant_base(variant["raw_id"]) and variant_base(variant["raw_id"])[0]
        key = resolve(base, "hf") if base else None
        key = key or variant_of.get(model_key(variant["raw_id"]))
        if key in records:
            records[key].variants.append({
                "id": variant["raw_id"], "format": variant["format"], "quantization": variant["quantization"],
                "size_bytes": variant["size_bytes"], "source": variant["source_id"],
            })
    for record in records.values():
        record.variants.sort(key=lambda v: (v["size_bytes"] is None, v["size_bytes"] or 0, v["id"]))
        del record.variants[_VARIANTS_KEPT:]


def _attach_cards(records: dict[str, MergedModel], cards: Iterable[dict[str, Any]], resolve) -> None:  # noqa: ANN001
    preference = {source: rank for rank, source in enumerate(_CARD_PREFERENCE)}
    for card in sorted(cards, key=lambda c: (preference.get(c["source_id"], 99), c["id"])):
        key = resolve(card["raw_id"], card["id_kind"])
        if key in records and records[key].card is None:
            records[key].card, records[key].card_source = card["text"], card["source_id"]


def _derive(record: MergedModel) -> None:
    values = record.fields
    record.task = normalize_task(values.get("pipeline_tag"), values.get("task_hint"), record.tags)
    record.domain = domain_for(record.task, record.tags, values.get("library"))
    record.license = normalize_license(values.get("license_raw"))
    record.family = values.get("family") or values.get("model_type") or _family_from_id(record.id)


def _family_from_id(model_id: str) -> str | None:
    match = re.match(r"[A-Za-z]+", model_id.rsplit("/", 1)[-1])
    return match.group().lower() if match else None
