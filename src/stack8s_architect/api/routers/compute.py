"""Compute catalog tools."""

from fastapi import APIRouter

from stack8s_architect.api.deps import SessionDep
from stack8s_architect.catalog.compute.schemas import AcceleratorSummary, ComputeSearchRequest, ComputeSearchResponse
from stack8s_architect.catalog.compute.service import ComputeCatalog

router = APIRouter(prefix="/api/v1/tools/compute", tags=["compute"])


@router.post("/search", response_model=ComputeSearchResponse)
def search(request: ComputeSearchRequest, session: SessionDep) -> ComputeSearchResponse:
    """Instances matching the filters, cheapest first. Unknown GPU, provider, region or geography → 400 with suggestions."""
    return ComputeCatalog(session).search(request)


@router.get("/gpus", response_model=list[AcceleratorSummary])
def gpus(session: SessionDep) -> list[AcceleratorSummary]:
    """Accelerators with datasheet specs, offer counts and price ranges."""
    return ComputeCatalog(session).accelerators()
