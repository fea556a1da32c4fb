"""The local cluster tool: its GPU inventory, as the planner sees it."""

from typing import Annotated

from fastapi import APIRouter, Query, Request

from stack8s_architect.catalog.cluster.service import ClusterService, ClusterStatus

router = APIRouter(prefix="/api/v1/tools", tags=["cluster"])


@router.get("/cluster", response_model=ClusterStatus)
def cluster(request: Request, refresh: Annotated[bool, Query(description="read the cluster now instead of "
                                                                         "reusing the last reading")] = False
            ) -> ClusterStatus:
    """The configured local cluster: nodes (ready, taints, labels), GPUs per node and product (allocatable, held by
    unfinished pods, free), the pods holding or waiting for GPUs, utilisation when Prometheus is configured. A
    cluster that cannot be read is still a 200: `reachable` is false and `error` says what to change."""
    service: ClusterService = request.app.state.cluster
    return service.status(refresh=refresh)
