"""Who the caller is (the web UI's sign-in checks a token with it), and what their turns may still spend."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from stack8s_architect.accounts.repository import llm_tokens_today
from stack8s_architect.api.security import Caller

router = APIRouter(prefix="/api/v1", tags=["account"])


@router.get("/me")
def me(caller: Caller, request: Request) -> dict[str, Any]:
    """The user the request acts for; `mode` is `single-user` (no token needed on this loopback service) or
    `tokens`; `llm` the language model turns use (`offline`: none), the tokens the user's turns spent on it this
    UTC day and the day's budget (null: none; past it the offline engine answers)."""
    settings = request.app.state.settings.llm
    with request.app.state.database.session() as session:
        spent = llm_tokens_today(session, caller.user_id)
    return {"user": caller.user, "mode": "tokens" if caller.token_id else "single-user",
            "llm": {"engine": settings.llm, "tokens_today": spent,
                    "tokens_per_day": settings.llm_tokens_per_user_day or None}}
