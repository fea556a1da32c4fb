"""Catalog status."""

from fastapi import APIRouter

from stack8s_architect.api.deps import SessionDep
from stack8s_architect.catalog.schemas import CatalogStatus
from stack8s_architect.catalog.service import catalog_status

router = APIRouter(prefix="/api/v1/catalog", tags=["catalog"])


@router.get("/status", response_model=CatalogStatus)
def status(session: SessionDep) -> CatalogStatus:
    """Every registered source: pinned commit, what was ingested (hash, rows, when) and its last run."""
    return catalog_status(session)
