"""The sizing tool."""

from fastapi import APIRouter

from stack8s_architect.api.deps import SessionDep
from stack8s_architect.planning.sizing_tool import SizeToolRequest, SizeToolResponse, size_named

router = APIRouter(prefix="/api/v1/tools", tags=["sizing"])


@router.post("/size", response_model=SizeToolResponse)
def size_tool(request: SizeToolRequest, session: SessionDep) -> SizeToolResponse:
    """Memory, GPU fit (count, tensor parallelism, replicas for the load), throughput and training time.

    `model` is a model name or Hub id (resolved in the model catalog and sized from its architecture), a
    parameter count (estimated), or give `config` (a config.json). The same request on the same catalog
    always gives the same answer.
    """
    return size_named(session, request)[1]
