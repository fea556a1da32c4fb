"""The sizing tool."""

from fastapi import APIRouter

from stack8s_architect.planning.sizing_tool import SizeToolRequest, SizeToolResponse, run_size

router = APIRouter(prefix="/api/v1/tools", tags=["sizing"])


@router.post("/size", response_model=SizeToolResponse)
def size_tool(request: SizeToolRequest) -> SizeToolResponse:
    """Memory, GPU fit (count, tensor parallelism), throughput and training time for a model.

    No database access: the same request always gives the same answer.
    """
    return run_size(request)[1]
