"""ASGI middleware: a request id on every request (in the logs and the `X-Request-ID` header), one structured
access-log line and a latency observation per request, and a cap on the request body's size."""

from __future__ import annotations

import json
import re
import time
import uuid
from typing import Any

import anyio
import structlog
from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from stack8s_architect.api.errors import error_body
from stack8s_architect.core import metrics
from stack8s_architect.core.logging import get_logger

log = get_logger("stack8s_architect.api.access")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_QUIET = {"/health", "/ready", "/metrics"}  # probes and scrapes: measured, logged at debug level
_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}  # anything else is "other" in metrics


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


def _route(scope: Scope) -> str:
    """The route's template (`/api/v1/chat/{conversation_id}`), so metrics do not grow a series per id."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if path:
        return path
    if scope.get("path", "").startswith("/static/"):
        return "/static"
    return "unmatched"


# Every answer: no MIME sniffing, no referrer to other sites, never framed, and a Content-Security-Policy allowing only
# this origin's scripts (the vendored marked, DOMPurify, Mermaid, Swagger UI, Redoc) and API calls — inline styles stay
# allowed for Mermaid's SVG and the docs' styled components. The API docs (/docs, /redoc) are served from vendored
# files too; Redoc's search runs in a worker it starts from a blob, which only its page allows.
_BASE_HEADERS = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
                 (b"x-frame-options", b"DENY")]
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                           "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
                           "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
_SECURITY_HEADERS = [*_BASE_HEADERS, (b"content-security-policy", CONTENT_SECURITY_POLICY.encode())]
_DOCS_HEADERS = [*_BASE_HEADERS,
                 (b"content-security-policy", (CONTENT_SECURITY_POLICY + "; worker-src 'self' blob:").encode())]
_DOCS_PATHS = {"/redoc"}


class RequestContext:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = _header(scope, b"x-request-id")
        request_id = incoming if incoming and _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        status: int | None = None  # set when the response starts
        started = time.perf_counter()

        docs = scope["path"] in _DOCS_PATHS

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode()),
                                      *(_DOCS_HEADERS if docs else _SECURITY_HEADERS)]
            await send(message)

        tokens = structlog.contextvars.bind_contextvars(request_id=request_id)
        try:
            await self.app(scope, receive, send_with_id)
        except Exception:  # the one place unexpected errors are logged and answered: the request id is known here
            log.exception("request.unexpected_error", path=scope["path"])
            if status is not None:
                raise
            await send_json(send_with_id, 500, error_body(
                "internal_error", f"Internal error; see the server log (request id {request_id})."))
        finally:
            status = status or 500
            elapsed = time.perf_counter() - started
            route = _route(scope)
            method = scope["method"] if scope["method"] in _METHODS else "other"
            metrics.REQUEST_SECONDS.labels(method, route, str(status)).observe(elapsed)
            principal: Any = (scope.get("state") or {}).get("principal")
            (log.debug if scope["path"] in _QUIET and status < 400 else log.info)(
                "http.request", method=scope["method"], path=scope["path"], route=route, status=status,
                duration_ms=round(elapsed * 1000, 1), user=getattr(principal, "user", None))
            structlog.contextvars.reset_contextvars(**tokens)


class BodyLimit:
    """413 for a body over `limit` bytes: at once from Content-Length, else while it streams in; 408 for a body that
    has not arrived whole within `read_timeout_s` (a client trickling bytes would hold a connection and a request
    slot for as long as it liked). Once the body is in, waiting for the client's disconnect has no deadline."""

    def __init__(self, app: ASGIApp, limit: int, read_timeout_s: float = 30.0):
        self.app = app
        self.limit = limit
        self.read_timeout_s = read_timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(send, 413, "payload_too_large", self._message())
            return
        seen = 0
        body_done = False
        deadline: float | None = None
        started = False  # once the response has begun, a late 413 can no longer be sent

        async def counted() -> Message:
            nonlocal seen, body_done, deadline
            if body_done:
                return await receive()
            deadline = deadline if deadline is not None else anyio.current_time() + self.read_timeout_s
            try:
                with anyio.fail_after(max(0.0, deadline - anyio.current_time())):
                    message = await receive()
            except TimeoutError:
                raise HTTPException(408, self._slow()) from None
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                body_done = not message.get("more_body", False)
                if seen > self.limit:  # FastAPI re-raises HTTPException from body reading; the handler shapes it
                    raise HTTPException(413, self._message())
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except HTTPException as exc:
            if exc.status_code not in (408, 413) or started:
                raise
            if exc.status_code == 408:
                await self._refuse(send, 408, "request_timeout", self._slow())
            else:
                await self._refuse(send, 413, "payload_too_large", self._message())

    def _message(self) -> str:
        return f"the request body is over {self.limit} bytes (ARCHITECT_MAX_BODY_BYTES); send less"

    def _slow(self) -> str:
        return (f"the request body did not arrive within {self.read_timeout_s:g} s (ARCHITECT_REQUEST_READ_TIMEOUT_S); "
                "send it whole")

    async def _refuse(self, send: Send, status: int, code: str, message: str) -> None:
        await send_json(send, status, error_body(code, message))


async def send_json(send: Send, status: int, payload: dict[str, Any]) -> None:
    """A whole JSON response, sent from middleware (outside FastAPI's handlers)."""
    body = json.dumps(payload).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
