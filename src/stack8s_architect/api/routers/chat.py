"""Chat: start a conversation, send messages (JSON or a server-sent event stream), read history and plans."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import Annotated, Any

import anyio
from anyio import CapacityLimiter
from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.encoders import jsonable_encoder
from sse_starlette import EventSourceResponse, ServerSentEvent

from stack8s_architect.agents.chat import (ChatMessageRequest, ChatResponse, ChatService, ChatStartRequest,
                                           ChatStreamStartRequest, ClaimedTurn, PendingTurn, RenameRequest,
                                           lease_waits)
from stack8s_architect.api.security import Caller
from stack8s_architect.core import metrics
from stack8s_architect.core.errors import ArchitectError
from stack8s_architect.core.logging import get_logger
from stack8s_architect.planning.plan import DeploymentPlan
from stack8s_architect.rendering.bundle import bundle_files

log = get_logger(__name__)
router = APIRouter(prefix="/api/v1/chat", tags=["chat"])
ConversationId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[0-9a-f]{1,64}$")]
# Markdown is streamed in pieces of about this many characters (whole lines where possible).
CONTENT_CHUNK = 400


def _chat(request: Request) -> ChatService:
    return request.app.state.chat


@router.post("/start", response_model=ChatResponse)
async def start(body: ChatStartRequest, request: Request, caller: Caller) -> ChatResponse:
    """Open a conversation; with a first message, answer it (a clarification or a plan)."""
    chat = _chat(request)
    opened = await anyio.to_thread.run_sync(partial(chat.open, body.message, owner=caller.user_id))
    if isinstance(opened, ChatResponse):  # no message: the greeting
        return opened
    return await _answered(request, opened)


@router.post("/message", response_model=ChatResponse)
async def message(body: ChatMessageRequest, request: Request, caller: Caller) -> ChatResponse:
    """One turn: the reply is a clarification, a plan (a new version when it changed) or an answer."""
    stored = await anyio.to_thread.run_sync(partial(_chat(request).send, body, owner=caller.user_id))
    return await _answered(request, stored)


@router.post("/{conversation_id}/retry", response_model=ChatResponse,
             responses={409: {"description": "the last message already has its answer"}})
async def retry(conversation_id: ConversationId, request: Request, caller: Caller) -> ChatResponse:
    """Answer the last message again when its turn failed or was cut off (it is stored, but has no answer)."""
    waiting = await anyio.to_thread.run_sync(partial(_chat(request).pending, conversation_id, owner=caller.user_id))
    return await _answered(request, waiting)


@router.post("/start/stream")
async def start_stream(body: ChatStreamStartRequest, request: Request, caller: Caller) -> EventSourceResponse:
    """Open a conversation with its first message and answer it as server-sent events: `conversation`
    ({conversation_id}, once the message is stored), then the events of /message/stream."""
    opened = await anyio.to_thread.run_sync(partial(_chat(request).open, body.message, owner=caller.user_id))
    assert isinstance(opened, PendingTurn)  # a message is required here, so never the greeting

    async def events() -> AsyncIterator[ServerSentEvent]:
        yield _event("conversation", {"conversation_id": opened.conversation_id})
        async for event in _turn_events(request, opened):
            yield event

    return EventSourceResponse(events(), ping=15)


@router.post("/message/stream")
async def message_stream(body: ChatMessageRequest, request: Request, caller: Caller) -> EventSourceResponse:
    """The same turn as server-sent events: `status`…, `content` deltas, `plan`, then `done` (or `error`).
    The message is stored before the stream opens (an unknown conversation is a 404 then)."""
    stored = await anyio.to_thread.run_sync(partial(_chat(request).send, body, owner=caller.user_id))
    return EventSourceResponse(_turn_events(request, stored), ping=15)


@router.post("/{conversation_id}/retry/stream", responses={409: {"description": "nothing to retry"}})
async def retry_stream(conversation_id: ConversationId, request: Request, caller: Caller) -> EventSourceResponse:
    """/retry as server-sent events (the events of /message/stream)."""
    waiting = await anyio.to_thread.run_sync(partial(_chat(request).pending, conversation_id, owner=caller.user_id))
    return EventSourceResponse(_turn_events(request, waiting), ping=15)


def turn_threads(request: Request) -> CapacityLimiter:
    """The threads turns run on (ARCHITECT_TURN_THREADS per process), apart from the pool every other request and the
    token checks use: a burst of slow turns queues here and never makes another user's request wait for a thread."""
    limiter = getattr(request.app.state, "turn_threads", None)
    if limiter is None:
        settings = request.app.state.settings
        threads = settings.server.turn_threads or (3 if settings.llm.llm == "offline" else 16)
        limiter = request.app.state.turn_threads = CapacityLimiter(threads)
    return limiter


async def _claimed(request: Request, turn: PendingTurn, status: Callable[[str], None] = lambda _: None
                   ) -> ClaimedTurn | ChatResponse:
    """The conversation's lease for `turn` (or the stored answer when the turn before answered it). Waiting for the
    turn before sleeps on the event loop, holding no thread and no connection."""
    chat = _chat(request)
    for pause in lease_waits(chat.wait_s):
        claimed = await anyio.to_thread.run_sync(chat.claim, turn)
        if claimed is not None:
            return claimed
        status("waiting for the answer to the message before")
        await anyio.sleep(pause)
    raise chat.still_busy(turn)


async def _answered(request: Request, turn: PendingTurn) -> ChatResponse:
    try:
        claimed = await _claimed(request, turn)
        if isinstance(claimed, ChatResponse):
            return claimed
        return await _on_turn_threads(request, claimed, lambda _: None)
    except Exception as exc:
        _count_failure(exc)
        raise


async def _on_turn_threads(request: Request, claimed: ClaimedTurn, status: Callable[[str], None]) -> ChatResponse:
    """Answer on the turn threads; the lease is released even if the turn never gets a thread (client gone)."""
    chat = _chat(request)
    started = False

    def run() -> ChatResponse:
        nonlocal started
        started = True
        return chat.answer_claimed(claimed, status)

    try:
        return await anyio.to_thread.run_sync(run, limiter=turn_threads(request))
    finally:
        if not started:
            await anyio.to_thread.run_sync(chat.release, claimed)


def _count_failure(exc: BaseException) -> None:
    if not isinstance(exc, ArchitectError) or exc.status_code >= 500:
        metrics.TURN_FAILURES.inc()


async def _turn_events(request: Request, turn: PendingTurn) -> AsyncIterator[ServerSentEvent]:
    loop = asyncio.get_running_loop()
    statuses: asyncio.Queue[str] = asyncio.Queue()

    def status(text: str) -> None:
        loop.call_soon_threadsafe(statuses.put_nowait, text)

    async def answer() -> ChatResponse:
        try:
            claimed = await _claimed(request, turn, status)
            if isinstance(claimed, ChatResponse):
                return claimed
            return await _on_turn_threads(request, claimed, status)
        except Exception as exc:
            _count_failure(exc)
            raise

    task = asyncio.ensure_future(answer())
    try:
        while not task.done() or not statuses.empty():
            getter = asyncio.ensure_future(statuses.get())
            done, _ = await asyncio.wait({getter, task}, return_when=asyncio.FIRST_COMPLETED)
            if getter in done:
                yield _event("status", {"message": getter.result()})
            else:
                getter.cancel()
    finally:
        if not task.done():  # the client went away: the turn still finishes (and stores its answer)
            task.add_done_callback(lambda done: done.cancelled() or done.exception())
    try:
        response: ChatResponse = task.result()
    except ArchitectError as exc:
        yield _event("error", {"status": exc.status_code, "code": exc.code, "message": exc.message,
                               "message_stored": True})
        return
    except Exception:  # noqa: BLE001  (reported to the client as an event, logged with the trace)
        log.exception("chat.stream_failed", conversation_id=turn.conversation_id)
        yield _event("error", {"status": 500, "code": "internal_error", "message": "Internal error; see the server log.",
                               "message_stored": True})
        return
    for piece in _chunks(response.content):
        yield _event("content", {"delta": piece})
    if response.plan is not None:
        yield _event("plan", response.plan.model_dump(mode="json"))
    yield _event("done", response.model_dump(mode="json"))


def _event(name: str, data: dict[str, Any]) -> ServerSentEvent:
    return ServerSentEvent(data=json.dumps(jsonable_encoder(data)), event=name)


def _chunks(text: str) -> list[str]:
    pieces, current = [], ""
    for line in text.splitlines(keepends=True):
        if current and len(current) + len(line) > CONTENT_CHUNK:
            pieces.append(current)
            current = ""
        current += line
    return [*pieces, current] if current else pieces


@router.get("")
def conversations(request: Request, caller: Caller, limit: int = Query(50, ge=1, le=500),
                  offset: int = Query(0, ge=0, le=1_000_000)) -> dict[str, Any]:
    """The caller's conversations, most recently active first."""
    return _chat(request).conversations(limit, offset, owner=caller.user_id)


@router.get("/{conversation_id}")
def history(conversation_id: ConversationId, request: Request, caller: Caller) -> dict[str, Any]:
    """A conversation: its spec, every message in order (a user message says whether it has its answer), and its
    plan versions."""
    return _chat(request).history(conversation_id, owner=caller.user_id)


@router.patch("/{conversation_id}")
def rename(conversation_id: ConversationId, body: RenameRequest, request: Request, caller: Caller) -> dict[str, Any]:
    """Rename a conversation; answers its summary as GET /api/v1/chat lists it."""
    return _chat(request).rename(conversation_id, body.title, owner=caller.user_id)


@router.delete("/{conversation_id}", status_code=204, response_class=Response)
def delete(conversation_id: ConversationId, request: Request, caller: Caller) -> Response:
    """Delete a conversation with its messages and plan versions."""
    _chat(request).delete(conversation_id, owner=caller.user_id)
    return Response(status_code=204)


@router.get("/{conversation_id}/plans/{version}", response_model=DeploymentPlan)
def plan(conversation_id: ConversationId, request: Request, caller: Caller,
         version: int = Path(ge=1, le=1_000_000)) -> DeploymentPlan:
    """One stored plan version."""
    return _chat(request).plan(conversation_id, version, owner=caller.user_id)


@router.get("/{conversation_id}/plans/{version}/export", response_class=Response,
            responses={200: {"content": {"application/zip": {}},
                             "description": "README.md, plan.json, helmfile.yaml, manifests/, skypilot.yaml, "
                                            "diagram.mmd"}})
def export(conversation_id: ConversationId, request: Request, caller: Caller,
           version: int = Path(ge=1, le=1_000_000)) -> Response:
    """One plan version's deliverables as a zip."""
    bundle = bundle_files(_chat(request).plan(conversation_id, version, owner=caller.user_id))
    name = f"stack8s-plan-{conversation_id[:12]}-v{version}.zip"
    return Response(bundle.zip_bytes(), media_type="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "X-Manifest-Problems": str(len(bundle.problems))})
