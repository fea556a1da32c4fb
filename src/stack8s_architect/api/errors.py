"""One error shape for every failure: `{"error": {"code", "message"}}`. Unexpected exceptions are answered (and
logged with the request id) by `api.middleware.RequestContext`."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from stack8s_architect.core.errors import ArchitectError, RateLimitedError, UnauthorizedError, UnknownNameError
from stack8s_architect.core.logging import get_logger

log = get_logger(__name__)


def error_body(code: str, message: str, **extra: object) -> dict:
    return {"error": {"code": code, "message": message, **extra}}


def _architect_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ArchitectError)
    extra = {"suggestions": exc.suggestions} if isinstance(exc, UnknownNameError) else {}
    if exc.status_code >= 500:
        log.error("request.failed", path=request.url.path, code=exc.code, message=exc.message)
    headers = {}
    if isinstance(exc, UnauthorizedError):
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(exc, RateLimitedError):
        headers["Retry-After"] = str(exc.retry_after_s)
    return JSONResponse(error_body(exc.code, exc.message, **extra), status_code=exc.status_code, headers=headers)


def _plain(error: dict, where: str) -> str:
    """One validation problem as a person reads it, with what to change."""
    kind, ctx, value = error.get("type", ""), error.get("ctx") or {}, error.get("input")
    if kind == "string_too_long":
        size = f" is {len(value):,} characters" if isinstance(value, str) else " is too long"
        return f"{where}{size}; the limit is {ctx.get('max_length', 0):,} — shorten it"
    if kind == "string_too_short":
        return f"{where} is empty — write something"
    if kind == "missing":
        return f"{where} is missing — add it"
    if kind == "extra_forbidden":
        return f"{where} is not a field of this request — remove it (the fields are listed at /docs)"
    if kind == "json_invalid":
        return f"the body is not valid JSON ({ctx.get('error', 'unreadable')}) — send a JSON object"
    if kind == "value_error":  # our own validators already say what to change
        return f"{where}: {str(error['msg']).removeprefix('Value error, ')}"
    return f"{where}: {error['msg']} — change it and send again"


def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"] if part != "body") or "body"
        problems.append(_plain(error, where))
    return JSONResponse(error_body("validation_error", "; ".join(problems)), status_code=422)


def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = {404: "not_found", 405: "method_not_allowed", 408: "request_timeout", 413: "payload_too_large"}.get(exc.status_code, "http_error")
    return JSONResponse(error_body(code, str(exc.detail)), status_code=exc.status_code, headers=exc.headers)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ArchitectError, _architect_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
