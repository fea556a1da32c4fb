"""The OpenAPI document as the service really answers: every failure is `{"error": {"code", "message"}}`
(FastAPI would document its own 422 shape), the errors each route can give are listed, and the streaming
routes are `text/event-stream`."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "required": ["error"],
    "properties": {"error": {
        "type": "object",
        "required": ["code", "message"],
        "properties": {"code": {"type": "string", "description": "stable, machine-readable"},
                       "message": {"type": "string", "description": "what went wrong and what to change"}},
        "additionalProperties": True,
    }},
}
# One server-sent event (the schema of each event of the stream).
SSE_EVENT = {
    "type": "object",
    "required": ["event", "data"],
    "properties": {"event": {"type": "string", "enum": ["conversation", "status", "content", "plan", "done", "error"]},
                   "data": {"type": "string", "description": "JSON: {conversation_id} | {message} | {delta} | "
                                                             "DeploymentPlan | ChatResponse | {status, code, message}"},
                   "id": {"type": "string"}, "retry": {"type": "integer"}},
}
_WHY = {
    "400": "The request asks for something malformed or unknown (the message says what to change).",
    "401": "No API token, or an unknown, revoked or expired one.",
    "404": "Not found (another user's conversation is not found either).",
    "408": "The request body did not arrive in time (ARCHITECT_REQUEST_READ_TIMEOUT_S).",
    "409": "The request clashes with the current state.",
    "413": "The request body is too large.",
    "422": "The request does not match the schema (the message names each field).",
    "429": "Too many requests for this token; see Retry-After.",
    "503": "The database is unavailable.",
}


def _error(code: str) -> dict[str, Any]:
    return {"description": _WHY[code],
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def house_openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    components["Error"] = ERROR_SCHEMA
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            codes = {"422", "503"} if path.startswith("/api/") or path == "/metrics" else set()
            if path.startswith("/api/"):
                codes |= {"400", "401", "404", "413", "429"} | ({"408"} if method in {"post", "put", "patch"} else set())
            if path == "/metrics":
                codes |= {"401"}
            if "409" in responses:
                codes.add("409")
            for code in codes:
                responses[code] = _error(code)
            if path.endswith("/stream"):
                responses["200"] = {"description": "server-sent events: status…, content, plan, then done or error; "
                                                   "each event's data is JSON",
                                    "content": {"text/event-stream": {"schema": SSE_EVENT}}}
            if path == "/ready":
                responses["503"] = {**_error("503"), "description": "the database is unreachable or a catalog is empty"}
            operation["responses"] = dict(sorted(responses.items()))
    app.openapi_schema = schema
    return schema
