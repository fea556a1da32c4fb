"""Who the caller is (the web UI's sign-in checks a token with it)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from stack8s_architect.api.security import Caller

router = APIRouter(prefix="/api/v1", tags=["account"])


@router.get("/me")
def me(caller: Caller) -> dict[str, Any]:
    """The user the request acts for; `mode` is `single-user` (no token needed on this loopback service) or
    `tokens`."""
    return {"user": caller.user, "mode": "tokens" if caller.token_id else "single-user"}
