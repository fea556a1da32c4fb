"""The planner's models step: catalog models that fit the task, the licence need and the chosen memory.

A named model ("Llama 3.1 70B") is resolved to the best catalog match, and the choice is stated; an
unnamed one is searched by the workload's task words. RAG needs two: the generator and an embedding
model. Figures (parameters, licence, downloads, memory at the precision) come from the model catalog.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from stack8s_architect.catalog.models.identity import model_key
from stack8s_architect.catalog.models.service import model_record
from stack8s_architect.catalog.models.schemas import ModelHit, ModelSearchRequest
from stack8s_architect.catalog.models.search import search_models
from stack8s_architect.core.errors import ArchitectError
from stack8s_architect.planning.grounding import ENGINE_DEFAULT_MODELS
from stack8s_architect.planning.plan import PlanModel
from stack8s_architect.planning.shapes import DEFAULT_EMBEDDING_MODEL
from stack8s_architect.planning.spec import SUBJECT_DOMAINS, WorkloadSpec

if TYPE_CHECKING:  # the embedding runtime (onnx) is imported where an embedder is built
    from stack8s_architect.catalog.models.embedding import Embedder

# (query words, task) per domain, when the user names no model.
_SEARCH_BY_DOMAIN: dict[str, tuple[str, str | None]] = {
    "llm": ("instruction-tuned chat language model", "text-generation"),
    "vision": ("object detection model", "object-detection"),
    "medical_imaging": ("medical imaging CT MRI segmentation detection", None),
    "speech": ("whisper speech recognition transcription", "automatic-speech-recognition"),
    "image_generation": ("text to image diffusion model", "text-to-image"),
    "embeddings": ("sentence embedding model for retrieval", "feature-extraction"),
    "multimodal": ("vision language model", "image-text-to-text"),
}
_EMBEDDINGS = ("sentence embedding model for retrieval", "feature-extraction")


def model_candidates(
    session: Session, spec: WorkloadSpec, *, fits_gib: float | None = None, embedder: Embedder | None = None,
    limit: int = 3, weights_gib: float | None = None,
) -> tuple[list[PlanModel], list[str]]:
    """Ranked models (the generator first, then an embedding model for RAG) and what was assumed. A model the
    spec resolved (`model_id`) is the first row, its memory the sizing's `weights_gib` (one figure per fact)."""
    assumptions: list[str] = []
    domain = spec.domain or "llm"
    rows: list[PlanModel] = []
    if from_scratch(spec):
        size = f" of {spec.params_billions:g}B parameters" if spec.params_billions else ""
        assumptions.append(f"training a language model from scratch (pretraining): no pretrained weights are pulled; "
                           f"the architecture{size} is your training code's")
        return [], assumptions
    named = _named_row(session, spec.model_id, weights_gib, spec.model_query) if spec.model_id else None
    if named is not None:
        rows.append(named)
    if named is not None and spec.model_query:
        pass  # the user's model; alternatives are for when the planner chose
    elif spec.model_query:
        rows += _rows(_search(session, spec, spec.model_query, None, fits_gib, embedder, limit))
        if rows:
            assumptions.append(f"'{spec.model_query}' is not in the model catalog; the closest names are listed")
    else:
        query, task = _SEARCH_BY_DOMAIN.get(domain, (None, None))
        found = []
        default = ENGINE_DEFAULT_MODELS.get(domain)
        if default and named is None:  # the model the deliverables' engine serves, not whatever the search ranks first
            row = _named_row(session, default[0], None, None)
            if row is not None:
                rows.append(row.model_copy(update={"why": default[1]}))
                named = row
        if spec.use_case and domain in SUBJECT_DOMAINS:  # "a lung-cancer detector": the subject picks the model
            found = _rows(_search(session, spec, spec.use_case, None, fits_gib, embedder, limit, domain=domain))
            if found:
                assumptions.append(f"models matched to your words '{spec.use_case}' among the catalog's medical-imaging "
                                   f"models; check that {found[0].id} is trained for your task and modality before "
                                   "building on it, or name the model you want")
        if query and not found:
            found = _rows(_search(session, spec, query, task, fits_gib, embedder, limit))
        if found:
            rows += [row for row in found if named is None or row.id != named.id][:limit - len(rows)]
    if "vector-db" in (spec.components or []) and spec.domain != "embeddings":
        # the embedding model the vector index is sized for (and the ingestion job and query server run)
        embedding = _named_row(session, DEFAULT_EMBEDDING_MODEL, None, None)
        if embedding is not None:
            listed = "" if embedding.task == "feature-extraction" else f"; the catalog lists it under '{embedding.task}'"
            rows.append(embedding.model_copy(update={
                "task": "feature-extraction",  # the role it plays here: dense embeddings (vLLM's pooling runner)
                "why": "the embedding model of the retrieval: ingestion and queries embed with it, and the vector "
                       f"index is sized for its 1,024 dimensions (multilingual, 8,192-token inputs){listed}"}))
        else:
            rows += _rows(_search(session, spec, *_EMBEDDINGS, None, embedder, 1))
    return [row.model_copy(update={"rank": rank}) for rank, row in enumerate(rows, start=1)], assumptions


def from_scratch(spec: WorkloadSpec) -> bool:
    """Training a language model with no base model named is pretraining: it starts from random weights (a named base
    model is fine-tuning or continued pretraining, and keeps its row)."""
    return spec.task == "training" and (spec.domain or "llm") == "llm" and not spec.model_query and not spec.model_id


def _named_row(session: Session, model_id: str, weights_gib: float | None, query: str | None) -> PlanModel | None:
    record = model_record(session, model_key(model_id))
    if record is None:
        return None
    params = record["params_total"] / 1e9 if record.get("params_total") else None
    license_name = record.get("license_name") or "unknown"
    return PlanModel(rank=1, id=record["id"], task=record["task"], params_billions=params, license=license_name,
                     commercial_use=record.get("commercial_use") or "unknown", downloads=record.get("downloads"),
                     gated=record.get("gated"),
                     memory_gib=weights_gib, why=f"'{query}' as the model catalog names it" if query else
                     "the default instruction model the plan is sized for (no model was named)")


def _rows(hits: list[ModelHit]) -> list[PlanModel]:
    return [PlanModel(rank=i, id=h.id, task=h.task, params_billions=h.params_billions, license=h.license,
                      commercial_use=h.commercial_use, downloads=h.downloads, memory_gib=h.memory_gib,
                      why="; ".join(h.why[:3]))
            for i, h in enumerate(hits, start=1)]


def _search(session: Session, spec: WorkloadSpec, query: str, task: str | None, fits_gib: float | None,
            embedder: Embedder | None, limit: int, domain: str | None = None) -> list[ModelHit]:
    request = ModelSearchRequest(query=query, task=task, domain=domain, fits_gib=fits_gib,
                                 precision=spec.precision or "bf16",
                                 commercial_only=spec.license == "commercial-use", limit=limit)
    try:
        return search_models(session, request, embedder).results
    except ArchitectError:
        return []  # e.g. a precision the model catalog cannot size: no model rows rather than no plan
