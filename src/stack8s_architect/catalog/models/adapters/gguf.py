"""GGUF and local-runtime catalogs: Jan (v1, v2), hf-hw, the Ollama library scrape, the LocalAI gallery.

A GGUF (or MLX) repo such as `bartowski/Llama-3.2-3B-Instruct-GGUF` yields a fact (downloads,
dates, parameters) and a repo-level Variant whose `base_raw_id` is the base model when the source
states one (hf-hw `base_model`, LocalAI `Base Model`), else None for entity resolution to fill.
Each weight file is a Variant `<repo>/<path in repo>` whose `base_raw_id` is its repo. Split files
(`…-00001-of-00003.gguf`) become one Variant with the summed size. `mmproj` projectors and
`imatrix` files are not variants of the model and are counted in `dropped`.

Quirks handled here, from ../shared/data/models/README.md and the files themselves:
- Jan sizes ("2.2 GB", "663.5 MB") are binary units (they match hf-hw's byte counts / 1024³); v2
  mixes GGUF repos with MLX repos (`library_name: mlx`, `safetensors_files`); the repo id is
  `developer/model_name`; a few v1 URLs have a space after `resolve/main/`.
- Ollama names are Ollama's own (`llama3.1`, `llama3.1:8b-instruct-q4_K_M`), id kind "ollama"; MLX
  tags carry a padded " … MLX" suffix in `name`; `…-cloud` tags have size 0 and no weights;
  `tags.json` has 5 families that `models.json` lacks.
- LocalAI's `index.yaml` uses anchors and merge keys (`- &x`, `- !!merge <<: *x`): a merged entry
  inherits its anchor's fields (urls, licence, even files) unless it overrides them. `urls` and
  `files[].uri` spell Hugging Face repos as `https://huggingface.co/<repo>[/resolve/main/<file>]` or
  `huggingface://<repo>/<file>`; entries sharing a repo yield one fact, card and Variant for it.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from stack8s_architect.catalog.models.records import CardText, ModelBatch, ModelFact, Variant
from stack8s_architect.catalog.models.adapters.rows import ROW_ERRORS as _ROW_ERRORS
from stack8s_architect.catalog.models.adapters.rows import Malformed as _Malformed
from stack8s_architect.catalog.models.adapters.rows import drop_reason as _drop_reason

JAN_V2_SOURCE = "jan-catalog-v2"
JAN_V1_SOURCE = "jan-catalog-v1"
HF_HW_SOURCE = "hf-hw"
OLLAMA_SOURCE = "ollama-gallery"
LOCALAI_SOURCE = "localai-gallery"

# Data dates from the README, per source.
JAN_V2_OBSERVED_ON = "2026-05-05"
JAN_V1_OBSERVED_ON = "2026-03-15"
HF_HW_OBSERVED_ON = "2026-08-22"
OLLAMA_OBSERVED_ON = "2026-07-15"
LOCALAI_OBSERVED_ON = "2026-08-22"


def _file(repository: str, commit: str, mirror_folder: str, upstream_path: str) -> dict[str, str]:
    mirror_path = f"{mirror_folder}/{upstream_path}"
    return {"repository": repository, "commit": commit, "upstream_path": upstream_path, "mirror_path": mirror_path}


_JAN, _OLLAMA = ("janhq/model-catalog", "janhq+model-catalog"), ("D3rhami/ollama_gallery", "D3rhami+ollama_gallery")
_OLLAMA_COMMIT = "5d4b65615c435ec029f92360bd8005c9af3891fa"

# Mirror-relative paths (under shared/data/models) with their upstream origin, for the source registry.
FILES: list[dict[str, str]] = [
    _file(_JAN[0], "5410b10cd37b451069f72ebcf275fd89426b94ad", _JAN[1], "model_catalog_v2.json"),
    _file(_JAN[0], "1db14133a3ba882ac8655aa572fb4a998a51ee0b", _JAN[1], "model_catalog.json"),
    _file("nycdubliner/hf-hw", "2231d1f94014bf5057783c8103add6d934a39cf0", "nycdubliner+hf-hw", "data/models.json"),
    _file(_OLLAMA[0], _OLLAMA_COMMIT, _OLLAMA[1], "data/models.json"),
    _file(_OLLAMA[0], _OLLAMA_COMMIT, _OLLAMA[1], "data/tags.json"),
    _file("mudler/LocalAI", "82c191afadf5f005281e798ccfa0ffd0d5805030", "mudler+LocalAI", "gallery/index.yaml"),
]

_QUANT = re.compile(
    r"(?<![A-Za-z0-9])(I?Q[1-8](?:_K)?(?:_[0-9])?(?:_(?:XXS|XS|S|M|L|XL|NL))?|TQ[12]_0|MXFP4(?:_MOE)?|NVFP4|MXFP8"
    r"|FP8|BF16|FP16|F16|FP32|F32|INT4|INT8)(?![A-Za-z0-9])",
    re.I,
)
_SPLIT_PART = re.compile(r"-\d{5}-of-\d{5}(?=\.[A-Za-z0-9]+$)")
_SIZE = re.compile(r"^\s*([\d.]+)\s*([KMGT]?i?B)\s*$", re.I)
_UNIT_BYTES = {"b": 1, "kb": 1024, "mb": 1024**2, "gb": 1024**3, "tb": 1024**4}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_HF_LOCATION = re.compile(
    r"^(?:https?://(?:www\.)?huggingface\.co/|huggingface://|hf://)"
    r"(?P<repo>[\w.\-]+/[\w.\-]+)(?:/(?:resolve|blob|tree)/[^/]+)?(?:/(?P<path>[^?#]+))?"
)
_NOT_REPO_OWNERS = {"datasets", "spaces", "docs", "blog", "collections", "papers", "models", "organizations"}
_CLOUD_TAG = re.compile(r"[:\-]cloud$")
_CARD_MIN_CHARS = 200  # LocalAI descriptions shorter than this are one-liners, not card text
_SUMMARY_MAX_CHARS = 500


class _WeightFile(NamedTuple):
    path: str  # inside the repo
    size_bytes: int | None = None
    quantization: str | None = None  # when the source names it; else read from the file name


# --- shared parsing -------------------------------------------------------------------------------


def quantization_from_name(name: str) -> str | None:
    """The quantization named in a file or tag name (last match), upper-cased: Q4_K_M, IQ2_XXS, BF16, NVFP4…"""
    matches = _QUANT.findall(name)
    return matches[-1].upper() if matches else None


def parse_size_bytes(text: object) -> int | None:
    """Bytes from "2.2 GB" / "663.5 MB" (binary units, as Jan displays them); None when unreadable."""
    match = _SIZE.match(str(text or ""))
    if not match:
        return None
    return round(float(match.group(1)) * _UNIT_BYTES[match.group(2).lower().replace("i", "")])


def hf_location(url: object) -> tuple[str, str | None] | None:
    """(repo id, path in repo or None) from a Hugging Face URL or `huggingface://` URI; None otherwise."""
    match = _HF_LOCATION.match(str(url or "").strip())
    if not match or match.group("repo").split("/")[0].lower() in _NOT_REPO_OWNERS:
        return None
    path = (match.group("path") or "").strip()  # Jan v1: "…/resolve/main/ II-Search-4B-GGUF.BF16.gguf"
    return match.group("repo"), path or None


def _text(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _count(value: object) -> int | None:
    """A non-negative count (downloads, likes, bytes), from an int or a float; None otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < math.inf:
        return None
    return int(value)


def _positive(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < math.inf:
        return None
    return float(value)


def _list(value: object) -> list:
    return value if isinstance(value, list) else []


def _iso_date(value: object) -> str | None:
    text = str(value or "")
    return text[:10] if _ISO_DATE.match(text) else None


def _add_file_variants(batch: ModelBatch, source_id: str, repo: str, files: Iterable[_WeightFile], fmt: str) -> None:
    """One Variant per weight file, split parts joined (sizes summed); projectors and imatrix files dropped."""
    groups: dict[str, list[_WeightFile]] = {}
    for file in files:
        name = file.path.rsplit("/", 1)[-1].lower()
        if "mmproj" in name or "imatrix" in name:
            batch.dropped["mmproj / imatrix file (not a variant)"] += 1
            continue
        groups.setdefault(_SPLIT_PART.sub("", file.path), []).append(file)
    for path, parts in groups.items():
        sizes = [part.size_bytes for part in parts]
        total = sum(size for size in sizes if size is not None) if None not in sizes else None
        quant = parts[0].quantization or quantization_from_name(path.rsplit("/", 1)[-1])
        batch.variants.append(Variant(source_id, f"{repo}/{path}", repo, fmt, quant, total))


def _read_rows(batch: ModelBatch, rows: Iterable[Any], add_row: Callable[[Any], None]) -> None:
    for row in rows:
        batch.rows_read += 1
        try:
            add_row(row)
        except _ROW_ERRORS as exc:
            batch.dropped[_drop_reason(exc)] += 1


def _load_json(path: Path, shape: type) -> Any:
    """The file's JSON, which must be a `shape` (list or dict): a file of another shape is not this source."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, shape):
        raise ValueError(f"{path}: expected a JSON {shape.__name__}, found {type(data).__name__}")
    return data


# --- Jan ------------------------------------------------------------------------------------------


def read_jan_catalog_v2(path: Path, *, source_id: str = JAN_V2_SOURCE) -> ModelBatch:
    """`model_catalog_v2.json` (308 GGUF and MLX repos): facts, repo and file Variants."""
    return _read_jan(path, source_id, JAN_V2_OBSERVED_ON)


def read_jan_catalog_v1(path: Path, *, source_id: str = JAN_V1_SOURCE) -> ModelBatch:
    """`model_catalog.json` (1,251 GGUF repos): facts, repo and file Variants."""
    return _read_jan(path, source_id, JAN_V1_OBSERVED_ON)


def _read_jan(path: Path, source_id: str, observed_on: str) -> ModelBatch:
    batch = ModelBatch()
    _read_rows(batch, _load_json(path, list), lambda row: _add_jan_repo(batch, row, source_id, observed_on))
    return batch


def _add_jan_repo(batch: ModelBatch, row: object, source_id: str, observed_on: str) -> None:
    if not isinstance(row, dict) or not _text(row.get("developer")) or not _text(row.get("model_name")):
        raise _Malformed("no developer / model_name")
    repo = f"{_text(row['developer'])}/{_text(row['model_name'])}"
    fmt = "mlx" if row.get("library_name") == "mlx" else "gguf"
    fields = jan_fields(row, fmt)
    listed = [item for key in ("quants", "safetensors_files") for item in _list(row.get(key))]  # not mmproj_models
    files = _jan_files(batch, repo, listed)
    batch.facts.append(ModelFact(source_id, repo, "hf", fields, observed_on, exactness=1))
    batch.variants.append(Variant(source_id, repo, None, fmt))
    _add_file_variants(batch, source_id, repo, files, fmt)


def jan_fields(row: dict, fmt: str) -> dict[str, object]:
    """Fact fields of a Jan row: downloads, creation date, library, description, developer, tool use."""
    fields: dict[str, object] = {"library": fmt, "organization": _text(row["developer"])}
    if (downloads := _count(row.get("downloads"))) is not None:
        fields["downloads"] = downloads
    if created := _iso_date(row.get("createdAt")):
        fields["created_at"] = created
    if description := _text(row.get("description")):
        fields["description"] = description
    if row.get("tools") is True:
        fields["tags"] = ["tools"]
    return fields


def _jan_files(batch: ModelBatch, repo: str, listed: list) -> list[_WeightFile]:
    files = []
    for item in listed:
        location = hf_location(item.get("path")) if isinstance(item, dict) else None
        if location is None or location[0] != repo or not location[1]:
            batch.dropped["file without a path in its repo"] += 1
            continue
        files.append(_WeightFile(location[1], parse_size_bytes(item.get("file_size"))))
    return files


# --- hf-hw ----------------------------------------------------------------------------------------


def read_hf_hw_models(path: Path, *, source_id: str = HF_HW_SOURCE) -> ModelBatch:
    """`data/models.json` (95 popular GGUF repos): facts, repo Variants linked to `base_model`, quant files."""
    batch = ModelBatch()
    _read_rows(batch, _load_json(path, list), lambda row: _add_hf_hw_repo(batch, row, source_id))
    return batch


def _add_hf_hw_repo(batch: ModelBatch, row: object, source_id: str) -> None:
    if not isinstance(row, dict) or not _text(row.get("id")):
        raise _Malformed("no repo id")
    repo, fields = _text(row["id"]), hf_hw_fields(row)
    files = [
        _WeightFile(_text(quant["filename"]), _count(quant.get("size_bytes")), _text(quant.get("quant")))
        for quant in _list(row.get("quants"))
        if isinstance(quant, dict) and _text(quant.get("filename"))
    ]
    batch.facts.append(ModelFact(source_id, repo, "hf", fields, HF_HW_OBSERVED_ON, exactness=1))
    batch.variants.append(Variant(source_id, repo, _text(row.get("base_model")), "gguf"))
    _add_file_variants(batch, source_id, repo, files, "gguf")


def hf_hw_fields(row: dict) -> dict[str, object]:
    """Fact fields of an hf-hw repo; nulls and blanks are left out."""
    fields: dict[str, object] = {"library": "gguf"}
    for key, name in (("downloads", "downloads"), ("likes", "likes"), ("max_ctx", "context_length")):
        if (count := _count(row.get(key))) is not None:
            fields[name] = count
    for key, name in (("createdAt", "created_at"), ("lastModified", "modified_at")):
        if date := _iso_date(row.get(key)):
            fields[name] = date
    for key, name in (("pipeline_tag", "pipeline_tag"), ("base_model", "base_model"), ("author", "organization")):
        if value := _text(row.get(key)):
            fields[name] = value
    for key in ("tags", "modalities"):
        if values := [str(item) for item in _list(row.get(key))]:
            fields[key] = values
    fields.update(_hf_hw_size_fields(row))
    return fields


def _hf_hw_size_fields(row: dict) -> dict[str, object]:
    fields: dict[str, object] = {}
    if (total := _positive(row.get("params_b"))) is not None:
        fields["params_total"] = float(round(total * 1e9))
    if (active := _positive(row.get("params_active_b"))) is not None:
        fields["params_active"], fields["is_moe"] = float(round(active * 1e9)), True
    arch = row.get("arch") if isinstance(row.get("arch"), dict) else {}
    names = {"n_layers": "num_hidden_layers", "n_kv_heads": "num_key_value_heads", "head_dim": "head_dim"}
    config = {name: arch[key] for key, name in names.items() if _count(arch.get(key))}
    if config and _count(row.get("vocab_size")):
        config["vocab_size"] = row["vocab_size"]
    if config:
        fields["architecture_config"] = config
    return fields


# --- Ollama ---------------------------------------------------------------------------------------


def read_ollama_gallery(models_path: Path, tags_path: Path, *, source_id: str = OLLAMA_SOURCE) -> ModelBatch:
    """`data/models.json` (families → facts, id kind "ollama") and `data/tags.json` (tags → Variants)."""
    families, tags = _load_json(models_path, dict), _load_json(tags_path, dict)
    batch, modalities = ModelBatch(), _family_modalities(tags)
    _read_rows(batch, families.items(), lambda item: _add_ollama_family(batch, item, modalities, source_id))
    entries_by_family = ((family, entries) for family, entries in tags.items() if isinstance(entries, dict))
    tag_rows = [(family, tag) for family, entries in entries_by_family for tag in entries.values()]
    _read_rows(batch, tag_rows, lambda item: _add_ollama_tag(batch, item, source_id))
    return batch


def _family_modalities(tags: dict) -> dict[str, list[str]]:
    """Per family, the input types its tags accept (text, image), lower-cased."""
    found: dict[str, set[str]] = {}
    for family, entries in tags.items():
        for tag in entries.values() if isinstance(entries, dict) else ():
            kinds = _list(tag.get("input_types")) if isinstance(tag, dict) else []
            found.setdefault(family, set()).update(str(kind).lower() for kind in kinds)
    return {family: sorted(kinds) for family, kinds in found.items() if kinds}


def _add_ollama_family(batch: ModelBatch, item: tuple[str, object], modalities: dict, source_id: str) -> None:
    family, info = item
    if not isinstance(info, dict) or not _text(family):
        raise _Malformed("family without details")
    sizes = [f"params:{size}" for size in _list(info.get("parameters"))]
    fields: dict[str, object] = {"tags": [*map(str, _list(info.get("capabilities"))), *sizes]}
    if description := _text(info.get("description")):
        fields["description"] = description
    if (pulls := _count(info.get("pull"))) is not None:
        fields["downloads"] = pulls
    if updated := _iso_date(info.get("update_date")):
        fields["modified_at"] = updated
    if family in modalities:
        fields["modalities"] = modalities[family]
    batch.facts.append(ModelFact(source_id, family.strip(), "ollama", fields, OLLAMA_OBSERVED_ON, exactness=1))


def _add_ollama_tag(batch: ModelBatch, item: tuple[str, object], source_id: str) -> None:
    family, tag = item
    words = (_text(tag.get("name")) or "").split() if isinstance(tag, dict) else []
    if not words:
        raise _Malformed("tag without a name")
    name, is_mlx = words[0], len(words) > 1 and words[-1] == "MLX"  # "qwen3.5:2b-mlx      …      MLX"
    size, context = _count(tag.get("size_num")), _count(tag.get("context_window_num"))
    if not size and _CLOUD_TAG.search(name):
        raise _Malformed("cloud-only tag (no local weights)")
    quant = quantization_from_name(name.split(":", 1)[-1])
    fmt = "mlx" if is_mlx else "ollama"
    batch.variants.append(Variant(source_id, name, family, fmt, quant, size or None, context or None))


# --- LocalAI --------------------------------------------------------------------------------------


def load_localai_index(path: Path) -> list:
    """The gallery entries, YAML anchors and `<<` merges resolved (libyaml's safe loader when built in)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    entries = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 - a safe loader
    if not isinstance(entries, list):
        raise ValueError(f"{path}: expected a YAML list of gallery entries")
    return entries


def read_localai_gallery(path: Path, *, source_id: str = LOCALAI_SOURCE) -> ModelBatch:
    """`gallery/index.yaml`: facts per Hugging Face repo named in urls/files, card text, GGUF Variants."""
    batch, seen = ModelBatch(), set[tuple[str, str]]()
    _read_rows(batch, load_localai_index(path), lambda entry: _add_localai_entry(batch, entry, seen, source_id))
    return batch


def _add_localai_entry(batch: ModelBatch, entry: object, seen: set[tuple[str, str]], source_id: str) -> None:
    if not isinstance(entry, dict) or not _text(entry.get("name")):
        raise _Malformed("entry without a name")
    files = _localai_files(entry)
    repos = list(dict.fromkeys([*_localai_url_repos(entry), *(repo for repo, _ in files)]))
    if not repos:
        raise _Malformed("no Hugging Face repo in urls or files")
    fields = localai_fields(entry)
    for repo in repos:
        if _first_time(seen, "fact", repo):
            batch.facts.append(ModelFact(source_id, repo, "hf", dict(fields), LOCALAI_OBSERVED_ON, exactness=2))
    description = _text(entry.get("description")) or ""
    if len(description) >= _CARD_MIN_CHARS and _first_time(seen, "card", repos[0]):
        batch.cards.append(CardText(source_id, repos[0], "hf", description, LOCALAI_OBSERVED_ON))
    _add_localai_variants(batch, entry, files, seen, source_id)


def _first_time(seen: set[tuple[str, str]], kind: str, key: str) -> bool:
    if (kind, key) in seen:
        return False
    seen.add((kind, key))
    return True


def _localai_url_repos(entry: dict) -> list[str]:
    urls = entry.get("urls")
    urls = [urls] if isinstance(urls, str) else urls if isinstance(urls, list) else []
    return [location[0] for location in map(hf_location, urls) if location]


def _localai_files(entry: dict) -> list[tuple[str, str]]:
    locations = (hf_location(item.get("uri")) for item in _list(entry.get("files")) if isinstance(item, dict))
    return [(repo, path) for repo, path in filter(None, locations) if path]


def _localai_base_model(entry: dict) -> str | None:
    base = _text(entry.get("Base Model"))  # one entry states it, in a card-like key
    return base if base and "/" in base else None


def localai_fields(entry: dict) -> dict[str, object]:
    """Fact fields of a gallery entry: licence as spelt, tags, a one-paragraph summary, base model if stated."""
    fields: dict[str, object] = {}
    if licence := _text(entry.get("license")):
        fields["license_raw"] = licence
    if tags := [str(tag) for tag in _list(entry.get("tags"))]:
        fields["tags"] = tags
    if summary := first_paragraph(_text(entry.get("description")) or ""):
        fields["description"] = summary
    if base := _localai_base_model(entry):
        fields["base_model"] = base
    return fields


def first_paragraph(text: str) -> str | None:
    """The first prose paragraph of Markdown (no heading, quote, image, HTML or list), cut at ~500 chars."""
    for block in re.split(r"\n\s*\n", text):
        block = " ".join(line.strip() for line in block.strip().splitlines())
        if block and (block[0].isalnum() or block.startswith(("**", '"'))):
            if len(block) <= _SUMMARY_MAX_CHARS:
                return block
            return block[:_SUMMARY_MAX_CHARS].rsplit(" ", 1)[0] + " …"
    return None


def _add_localai_variants(
    batch: ModelBatch, entry: dict, files: list[tuple[str, str]], seen: set[tuple[str, str]], source_id: str
) -> None:
    gguf = [(repo, path) for repo, path in files if path.lower().endswith(".gguf")]
    if len(files) > len(gguf):
        batch.dropped["non-GGUF file (not a variant)"] += len(files) - len(gguf)
    for repo in dict.fromkeys(repo for repo, _ in gguf):
        if _first_time(seen, "repo", repo):
            batch.variants.append(Variant(source_id, repo, _localai_base_model(entry), "gguf"))
        new = [_WeightFile(path) for r, path in gguf if r == repo and _first_time(seen, "file", f"{r}/{path}")]
        _add_file_variants(batch, source_id, repo, new, "gguf")
