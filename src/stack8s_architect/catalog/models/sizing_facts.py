"""A catalog model as sizing sees it: its architecture, and how sure the figures are.

* exact — a verbatim `config.json` (aiconfigurator's copies) of a family the formulas are validated on;
* partial — a config subset (llmfit's layers/heads/KV heads/head dim/hidden/vocab, gpu_poor's 2023 configs):
  the KV cache shape is the model's own, the parameter count is the catalog's when it differs;
* estimated — only a parameter count (the catalog's, else the size the repo name states): a typical
  decoder shape is assumed for the KV cache.

A model without a config borrows one from a model of the same name (an instruction release shares its base's
architecture; a mirror its original's) when their parameter counts agree; the basis says which.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Literal

from stack8s_architect.catalog.models.adapters.configs import AICONFIGURATOR_SOURCE_ID
from stack8s_architect.catalog.models.names import name_tokens
from stack8s_architect.sizing import ModelArchitecture, ParameterCounts, architecture_from_hf_config, architecture_from_params

Confidence = Literal["exact", "partial", "estimated"]
VERBATIM_CONFIG_SOURCES = frozenset({AICONFIGURATOR_SOURCE_ID})
_NAME_SIZE = re.compile(r"\d+(?:\.\d+)?[bm]")  # "24b", "1.5b", "350m"; not "8x7b" or "a22b"
PARAMS_AGREE = 0.03  # a config whose count is off the catalog's by more is not borrowed
PARAMS_SAME = 0.005  # a partial config's count is replaced by the catalog's (from the weights' metadata) past this
# Catalog domain → the sizing formulas' modality; language and multimodal models are sized as LLMs.
_MODALITY = {"vision": "vision", "medical_imaging": "vision", "speech": "speech", "image_generation": "image_generation",
             "embeddings": "embeddings"}


@dataclass(frozen=True)
class ModelFacts:
    """What the plan needs of a resolved model."""

    id: str
    architecture: ModelArchitecture
    confidence: Confidence
    basis: str  # one sentence: where the figures came from
    task: str
    domain: str
    context_length: int | None

    @property
    def params_billions(self) -> float:
        return self.architecture.params.total / 1e9

    @property
    def active_params_billions(self) -> float:
        return self.architecture.params.active / 1e9


def model_facts(record: dict[str, Any], donors: list[dict[str, Any]] = ()) -> ModelFacts | None:  # type: ignore[assignment]
    """The facts of `record` (a `sizing_records` row); None when the catalog knows neither a config nor a size."""
    modality = _MODALITY.get(record["domain"])
    own = _from_config(record, record, modality)
    if own is not None:
        return own
    for donor in donors:
        if _agree(donor.get("params_total"), record.get("params_total")) is not False:
            borrowed = _from_config(record, donor, modality)
            if borrowed is not None:
                return borrowed
    if not record.get("params_total"):
        return _from_name(record, modality)
    arch = architecture_from_params(record["params_total"] / 1e9, modality=modality or "llm", model_id=record["id"],
                                    active_params_billions=_billions(record.get("params_active")),
                                    max_context_tokens=record.get("context_length"))
    return _facts(record, arch, "estimated", f"{record['id']}: parameter count only "
                  f"({arch.params.total / 1e9:,.3g}B, {_source(record, 'params_total')}); the shape is a typical one")


def _from_name(record: dict[str, Any], modality: str | None) -> ModelFacts | None:
    """A count the catalog lacks but the repo name states ("Mistral-Small-3.1-24B-Instruct"): estimated from it."""
    sizes = [size for size in name_tokens(record["id"]).sizes if _NAME_SIZE.fullmatch(size)]
    if len(sizes) != 1:
        return None
    billions = float(sizes[0][:-1]) * (1e-3 if sizes[0].endswith("m") else 1.0)
    if not 0.001 <= billions <= 10_000:  # "0b", "0m": a tag, not a size
        return None
    arch = architecture_from_params(billions, modality=modality or "llm", model_id=record["id"],
                                    max_context_tokens=record.get("context_length"))
    return _facts(record, arch, "estimated", f"{record['id']}: no parameter count in the catalog; {sizes[0].upper()} "
                  "read from its name, the shape a typical one")


def _from_config(record: dict[str, Any], holder: dict[str, Any], modality: str | None) -> ModelFacts | None:
    config = holder.get("architecture_config")
    if not isinstance(config, dict):
        return None
    try:
        arch = architecture_from_hf_config(config, model_id=record["id"])
    except (KeyError, TypeError, ValueError, IndexError, AttributeError, ArithmeticError):
        return None  # a config too partial to read (gpu_poor's encoder-only subsets)
    source = _source(holder, "architecture_config")
    borrowed = "" if holder is record else f" of {holder['id']} (same model under another name)"
    if modality is not None:  # a vision/speech/embedding model: its count from the config, no KV cache
        non_llm = architecture_from_params(arch.params.total / 1e9, modality=modality, model_id=record["id"])
        return _facts(record, non_llm, "partial", f"{record['id']}: parameter count from the config{borrowed}")
    verbatim = source in VERBATIM_CONFIG_SOURCES and arch.confidence == "exact"
    if verbatim:
        return _facts(record, arch, "exact", f"{record['id']}: full config.json{borrowed} ({source})")
    arch, taken = _with_catalog_counts(arch, record)
    basis = f"{record['id']}: architecture from a partial config{borrowed} ({source}) — layers, attention and KV heads"
    if taken:
        basis += f"; {' and '.join(taken)} from the catalog ({_source(record, 'params_total')})"
    if not any(key in config for key in ("torch_dtype", "dtype", "quantization_config")):
        basis += "; the subset does not say how the weights are stored: bf16 assumed (an FP8 release is smaller)"
    return _facts(record, arch, "partial", basis)


def _with_catalog_counts(arch: ModelArchitecture, record: dict[str, Any]) -> tuple[ModelArchitecture, list[str]]:
    """The config's shape with the catalog's parameter counts where they disagree (a subset lacks FFN widths or
    the expert fields); what was taken from the catalog, in words."""
    total, active = record.get("params_total"), record.get("params_active")
    params, taken = arch.params, []
    moe = bool(total and active and active < 0.9 * total)  # the catalog says only part of the model is active
    fixed = params.embedding + params.lm_head + params.other
    if total and abs(total - params.total) > PARAMS_SAME * total and total > fixed:
        if moe and not params.routed_experts and total > params.total:
            # a MoE subset without its expert fields reads as dense: what it does not count is the experts
            params = replace(params, routed_experts=round(total - params.total), active_routed_experts=0)
        else:
            factor = (total - fixed) / (params.attention + params.dense_ffn + params.routed_experts)
            params = ParameterCounts(params.embedding, params.lm_head, round(params.attention * factor),
                                     round(params.dense_ffn * factor), round(params.routed_experts * factor),
                                     round(params.active_routed_experts * factor), params.other)
        taken.append(f"parameter count {total / 1e9:,.4g}B")
    if moe and params.routed_experts and _agree(active, params.active) is False:
        always = params.total - params.routed_experts  # what every token passes through
        params = replace(params, active_routed_experts=min(params.routed_experts, max(0, round(active - always))))
        taken.append(f"{active / 1e9:,.4g}B active")
    return (replace(arch, params=params), taken) if taken else (arch, [])


def _agree(catalog: float | None, counted: float | None) -> bool | None:
    if not catalog or not counted:
        return None
    return abs(catalog - counted) <= PARAMS_AGREE * catalog


def _facts(record: dict[str, Any], arch: ModelArchitecture, confidence: Confidence, basis: str) -> ModelFacts:
    context = record.get("context_length") or arch.max_context_tokens
    if context and not arch.max_context_tokens:
        arch = replace(arch, max_context_tokens=context)
    return ModelFacts(record["id"], arch, confidence, basis, record.get("task") or "other",
                      record.get("domain") or "other", context)


def _source(record: dict[str, Any], field: str) -> str:
    provenance = record.get("provenance") or {}
    return str(provenance.get(field) or "catalog")


def _billions(value: float | None) -> float | None:
    return value / 1e9 if value else None
