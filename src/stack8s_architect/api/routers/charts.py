"""Kubernetes component tools: Helm charts by role, with trust signals, resources and licences."""

from fastapi import APIRouter, Path

from stack8s_architect.api.deps import SessionDep
from stack8s_architect.catalog.charts.schemas import (
    ChartDetail,
    ChartSearchRequest,
    ChartSearchResponse,
    StackRequest,
    StackResponse,
)
from stack8s_architect.catalog.charts.service import ChartCatalog

router = APIRouter(prefix="/api/v1/tools/k8s", tags=["kubernetes"])


@router.post("/search", response_model=ChartSearchResponse)
def search(body: ChartSearchRequest, session: SessionDep) -> ChartSearchResponse:
    """Charts by words and/or role, official and maintained charts first; each result says why."""
    return ChartCatalog(session).search(body)


@router.post("/stack", response_model=StackResponse)
def stack(body: StackRequest, session: SessionDep) -> StackResponse:
    """One chart per role of a workload template, with two alternatives and a one-line why each."""
    return ChartCatalog(session).stack(body)


@router.get("/charts/{chart_id:path}", response_model=ChartDetail)
def show(session: SessionDep, chart_id: str = Path(max_length=200, pattern=r"^[\w./@+-]+$")) -> ChartDetail:
    """One chart by id (`bitnami/redis`) or by name (`redis`: the best-ranked chart of that name)."""
    return ChartCatalog(session).show(chart_id)
