"""The planner's models step: catalog models that fit the task, the licence need and the chosen memory.

A named model ("Llama 3.1 70B") is resolved to the best catalog match, and the choice is stated; an
unnamed one is searched by the workload's task words. RAG needs two: the generator and an embedding
model. Figures (parameters, licence, downloads, memory at the precision) come from the model catalog.
"""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from stack8s_architect.catalog.models.embedding import Embedder
from stack8s_architect.catalog.models.schemas import ModelHit, ModelSearchRequest
from stack8s_architect.catalog.models.search import search_models
from stack8s_architect.core.errors import ArchitectError
from stack8s_architect.planning.plan import PlanModel
from stack8s_architect.planning.spec import WorkloadSpec

# (query words, task) per domain, when the user names no model.
_SEARCH_BY_DOMAIN: dict[str, tuple[str, str | None]] = {
    "llm": ("instruction-tuned chat language model", "text-generation"),
    "vision": ("object detection model", "object-detection"),
    "medical_imaging": ("medical imaging CT MRI segmentation detection", None),
    "speech": ("speech recognition transcription", "automatic-speech-recognition"),
    "image_generation": ("text to image diffusion model", "text-to-image"),
    "embeddings": ("sentence embedding model for retrieval", "feature-extraction"),
    "multimodal": ("vision language model", "image-text-to-text"),
}
_EMBEDDINGS = ("sentence embedding model for retrieval", "feature-extraction")


def model_candidates(
    session: Session, spec: WorkloadSpec, *, fits_gib: float | None = None, embedder: Embedder | None = None,
    limit: int = 3,
) -> tuple[list[PlanModel], list[str]]:
    """Ranked models (the generator first, then an embedding model for RAG) and what was assumed."""
    assumptions: list[str] = []
    domain = spec.domain or "llm"
    query, task = (spec.model_query, None) if spec.model_query else _SEARCH_BY_DOMAIN.get(domain, (None, None))
    if not query:
        return [], assumptions
    hits = _search(session, spec, query, task, fits_gib, embedder, limit * 8 if spec.model_query else limit)
    if spec.model_query:
        # the name first; among equal names the most downloaded (the publisher's own repo over re-uploads)
        serving = spec.task in {None, "inference", "batch_inference"} and not re.search(r"\bbase\b", spec.model_query, re.I)
        hits = sorted(hits, key=lambda hit: (_name_match(spec.model_query, hit.id, prefer_tuned=serving),
                                             -(hit.downloads or 0)))[:limit]
        if hits and _name_match(spec.model_query, hits[0].id, prefer_tuned=serving) < 3:
            assumptions.append(f"'{spec.model_query}' read as {hits[0].id} (the catalog model of that name)")
        elif hits:
            assumptions.append(f"no catalog model is named '{spec.model_query}'; the closest matches are listed")
    if "vector-db" in (spec.components or []):
        hits += _search(session, spec, *_EMBEDDINGS, None, embedder, 1)
    rows = [PlanModel(rank=i, id=h.id, task=h.task, params_billions=h.params_billions, license=h.license,
                      commercial_use=h.commercial_use, downloads=h.downloads, memory_gib=h.memory_gib,
                      why="; ".join(h.why[:3]))
            for i, h in enumerate(hits, start=1)]
    return rows, assumptions


def _compact(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _name_match(query: str, model_id: str, *, prefer_tuned: bool = False) -> int:
    """-1 (serving) its instruction-tuned release, 0 the model's name is what the user wrote, 1 it starts so (…-Instruct), 2 it contains it, 3 otherwise.

    Search ranks fine-tunes that mention a base model in their card near it; a named model means that one.
    """
    wanted, name = _compact(query), _compact(model_id.rsplit("/", 1)[-1])
    if not wanted.startswith("meta") and name.startswith("meta"):
        name = name.removeprefix("meta")  # meta-llama/Meta-Llama-3-8B is "Llama 3 8B"
    if prefer_tuned and name in {wanted + suffix for suffix in ("instruct", "chat", "it")}:
        return -1  # served to people: the instruction-tuned release of that model, not its base
    return 0 if name == wanted else 1 if name.startswith(wanted) else 2 if wanted in name else 3


def _search(session: Session, spec: WorkloadSpec, query: str, task: str | None, fits_gib: float | None,
            embedder: Embedder | None, limit: int) -> list[ModelHit]:
    request = ModelSearchRequest(query=query, task=task, fits_gib=fits_gib, precision=spec.precision or "bf16",
                                 commercial_only=spec.license == "commercial-use", limit=limit)
    try:
        return search_models(session, request, embedder).results
    except ArchitectError:
        return []  # e.g. a precision the model catalog cannot size: no model rows rather than no plan
