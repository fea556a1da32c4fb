"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from typing import Annotated, Any

from anyio import CapacityLimiter, to_thread
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy.exc import SQLAlchemyError

from stack8s_architect.api.errors import error_body
from stack8s_architect.api.security import operator
from stack8s_architect.catalog.repository import latest_runs, list_source_states
from stack8s_architect.core import metrics
from stack8s_architect.core.logging import get_logger

log = get_logger(__name__)
router = APIRouter(tags=["health"])
# The catalogs a plan needs; the service is ready when each holds rows.
DOMAINS = ("compute", "models", "charts")


@router.get("/health")
async def health() -> dict[str, str]:
    """The process is up (it answers without touching the database). On the event loop, not in the worker threads:
    a burst of turns holding every thread cannot make the liveness probe wait."""
    return {"status": "ok"}


def _probe_threads(request: Request) -> CapacityLimiter:
    """Two threads of the app's own for readiness checks (made on first use, inside the app's event loop)."""
    limiter = getattr(request.app.state, "probe_threads", None)
    if limiter is None:
        limiter = request.app.state.probe_threads = CapacityLimiter(2)
    return limiter


def _catalogs(request: Request, *, durations: bool = False) -> list[dict[str, Any]]:
    """Each catalog source's state; with `durations`, the seconds its last ingest took (metrics only: probes
    stay one small query)."""
    with request.app.state.database.session() as session:
        states = list_source_states(session)
        runs = latest_runs(session) if durations else {}
    return [{**state, "duration_s": (runs.get(state["source_id"]) or {}).get("duration_s")} for state in states]


@router.get("/ready", responses={503: {"description": "the database is unreachable or a catalog is empty",
                                       "content": {"application/json": {}}}})
async def ready(request: Request) -> Any:
    """Ready to plan: the database answers and the compute, model and chart catalogs hold rows. Its one small query
    runs on the probes' own threads (`_probe_threads`), never queued behind turns in the shared pool. Not ready while
    draining (after SIGTERM, for ARCHITECT_DRAIN_S): requests are still served, new ones should go elsewhere. Not ready
    while the start-up warm-up builds the model indexes: a turn then would wait for them, and the process's other
    requests behind it."""
    if getattr(request.app.state, "draining", False):
        return JSONResponse(error_body("not_ready", "shutting down: finishing the requests under way",
                                       checks={"draining": True}), status_code=503)
    try:
        sources = await to_thread.run_sync(_catalogs, request, limiter=_probe_threads(request))
    except SQLAlchemyError as exc:
        log.warning("service.not_ready", reason="database", error=str(exc.orig if hasattr(exc, "orig") else exc)[:200])
        return JSONResponse(error_body("not_ready", "the database does not answer", checks={"database": "down"}),
                            status_code=503)
    rows = {domain: sum(s["rows"] for s in sources if s["domain"] == domain) for domain in DOMAINS}
    empty = [domain for domain, count in rows.items() if count == 0]
    checks = {"database": "ok", "catalog_rows": rows}
    if empty:
        return JSONResponse(error_body("not_ready", f"no {', '.join(empty)} catalog yet: run `architect data sync`",
                                       checks=checks), status_code=503)
    warm = getattr(request.app.state, "warm", None)
    if warm is not None and not warm.is_set():
        return JSONResponse(error_body("not_ready", "warming up: building the model search index and resolver "
                                       "(seconds, once per start)", checks={**checks, "indexes": "building"}),
                            status_code=503)
    return {"status": "ready", "checks": checks}


@router.get("/metrics", response_class=Response,
            responses={200: {"content": {"text/plain": {}}, "description": "Prometheus text format"}})
def prometheus(request: Request, _: Annotated[None, Depends(operator)]) -> Response:
    """Request latency per route, chat turns, plans, LLM calls and fallbacks, catalog ingest times and rows."""
    duration = GaugeMetricFamily("architect_catalog_ingest_duration_seconds",
                                 "Seconds the last ingest of each catalog source took.", labels=["source", "domain"])
    rows = GaugeMetricFamily("architect_catalog_rows", "Rows each catalog source holds.", labels=["source", "domain"])
    try:
        for source in _catalogs(request, durations=True):
            labels = [source["source_id"], source["domain"]]
            rows.add_metric(labels, source["rows"])
            if source["duration_s"] is not None:
                duration.add_metric(labels, source["duration_s"])
    except SQLAlchemyError:
        log.warning("metrics.catalog_unreadable", exc_info=True)
    return Response(metrics.exposition([duration, rows]), media_type="text/plain; version=0.0.4; charset=utf-8")
