"""Model knowledge base tools."""

from typing import Any

from fastapi import APIRouter, Request

from stack8s_architect.api.deps import SessionDep
from stack8s_architect.catalog.models.schemas import ModelDetail, ModelSearchRequest, ModelSearchResponse
from stack8s_architect.catalog.models.search import search_models
from stack8s_architect.catalog.models.service import model_detail

router = APIRouter(prefix="/api/v1/tools/models", tags=["models"])


@router.post("/search", response_model=ModelSearchResponse)
def search(body: ModelSearchRequest, session: SessionDep, request: Request) -> ModelSearchResponse:
    """Hybrid (lexical + dense) retrieval over model cards and metadata, reranked; each result says why."""
    background = getattr(request.app.state, "embedder", None)
    return search_models(session, body, background.embedder if background else None)


@router.get("/{model_id:path}", response_model=ModelDetail)
def show(model_id: str, session: SessionDep) -> dict[str, Any]:
    """Everything known about a model, with the source of each field."""
    return model_detail(session, model_id)
