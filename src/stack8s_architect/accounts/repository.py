"""SQL for users and API tokens. A token's secret is `s8a_` + 43 URL-safe characters (256 random bits);
only its SHA-256 digest is stored, so a database dump grants nothing. Values in and out are plain dicts."""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import delete, func, insert, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from stack8s_architect.accounts.tables import LOCAL_USER, api_tokens, llm_usage, rate_buckets, users
from stack8s_architect.core.errors import ConflictError, InvalidRequestError, NotFoundError

TOKEN_PREFIX = "s8a_"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
# last_used_at is refreshed at most this often, so a busy token does not write on every request
_TOUCH_EVERY = timedelta(seconds=60)


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def looks_like_token(secret: str) -> bool:
    return secret.startswith(TOKEN_PREFIX) and 20 <= len(secret) <= 200


def _user_name(name: str) -> str:
    name = name.strip()
    if not _NAME.match(name):
        raise InvalidRequestError(f"user name {name!r} is not allowed: use 1–64 letters, digits, '.', '_', '@' or '-', "
                                  "starting with a letter or digit")
    if name == LOCAL_USER:
        raise InvalidRequestError(f"{LOCAL_USER!r} is reserved for single-user mode; choose another name")
    return name


# One token bucket per key, taken in one statement: every service process (and replica) shares it. The row lock of the
# upsert orders concurrent requests; the database's clock is everyone's clock. `at` overrides it (tests).
_TAKE = text("""
WITH t AS (SELECT COALESCE(CAST(:at AS timestamptz), clock_timestamp()) AS at)
INSERT INTO rate_buckets AS b (key, level, allowed, updated_at)
SELECT :key, CAST(:burst AS double precision) - 1, true, t.at FROM t
ON CONFLICT (key) DO UPDATE SET
  level = LEAST(:burst, b.level + GREATEST(0, EXTRACT(EPOCH FROM excluded.updated_at - b.updated_at)) * :rate)
          - CASE WHEN LEAST(:burst, b.level + GREATEST(0, EXTRACT(EPOCH FROM excluded.updated_at - b.updated_at))
                                           * :rate) >= 1 THEN 1 ELSE 0 END,
  allowed = LEAST(:burst, b.level + GREATEST(0, EXTRACT(EPOCH FROM excluded.updated_at - b.updated_at)) * :rate) >= 1,
  updated_at = GREATEST(b.updated_at, excluded.updated_at)
RETURNING allowed, level
""")


def take_from_bucket(session: Session, key: str, *, per_minute: int, burst: int, at: datetime | None = None) -> float:
    """0 when a request under `key` may go now (the bucket loses one token); otherwise the seconds until it may."""
    rate = per_minute / 60.0
    allowed, level = session.execute(_TAKE, {"key": key, "burst": float(burst), "rate": rate, "at": at}).one()
    return 0.0 if allowed else (1.0 - level) / rate


def forget_full_buckets(session: Session, *, per_minute: int, burst: int) -> int:
    """Remove buckets that have refilled (a missing bucket is a full one); returns how many."""
    full_after = timedelta(seconds=burst / (per_minute / 60.0))
    return session.execute(delete(rate_buckets).where(rate_buckets.c.updated_at < func.now() - full_after)).rowcount


_TODAY = text("(now() AT TIME ZONE 'UTC')::date")


def llm_tokens_today(session: Session, user_id: str) -> int:
    """LLM tokens `user_id`'s turns spent this UTC day (every process's)."""
    return int(session.execute(select(llm_usage.c.tokens).where(llm_usage.c.user_id == user_id,
                                                                llm_usage.c.day == _TODAY)).scalar() or 0)


def add_llm_usage(session: Session, user_id: str, *, tokens: int, calls: int) -> None:
    """Add a turn's LLM calls and tokens to `user_id`'s day (one upsert)."""
    session.execute(text("""
        INSERT INTO llm_usage (user_id, day, tokens, calls) VALUES (:user, (now() AT TIME ZONE 'UTC')::date, :tokens, :calls)
        ON CONFLICT (user_id, day) DO UPDATE SET tokens = llm_usage.tokens + EXCLUDED.tokens,
                                                 calls = llm_usage.calls + EXCLUDED.calls
    """), {"user": user_id, "tokens": tokens, "calls": calls})


class AccountStore:
    def __init__(self, session: Session):
        self.session = session

    # --- users -----------------------------------------------------------------------------------

    def create_user(self, name: str) -> dict[str, Any]:
        name = _user_name(name)
        try:
            with self.session.begin_nested():
                row = self.session.execute(insert(users).values(id=uuid.uuid4().hex, name=name)
                                           .returning(users.c.id, users.c.name, users.c.created_at)).mappings().one()
        except IntegrityError as exc:
            raise ConflictError(f"user {name!r} already exists; `architect users list` shows the users") from exc
        return dict(row)

    def user_named(self, name: str) -> dict[str, Any]:
        row = self.session.execute(select(users).where(users.c.name == name.strip(), users.c.id != LOCAL_USER)
                                   ).mappings().first()
        if row is None:
            raise NotFoundError(f"no user {name!r}; create one with `architect users create {name.strip()}`")
        return dict(row)

    def list_users(self) -> list[dict[str, Any]]:
        active = (select(func.count()).select_from(api_tokens)
                  .where(api_tokens.c.user_id == users.c.id, api_tokens.c.revoked_at.is_(None),
                         or_(api_tokens.c.expires_at.is_(None), api_tokens.c.expires_at > func.now()))
                  .scalar_subquery())
        rows = self.session.execute(select(users.c.id, users.c.name, users.c.created_at, active.label("active_tokens"))
                                    .where(users.c.id != LOCAL_USER).order_by(users.c.name)).mappings()
        return [dict(row) for row in rows]

    def delete_user(self, name: str) -> None:
        """The user, their tokens and their conversations (the foreign keys cascade)."""
        user = self.user_named(name)
        self.session.execute(delete(users).where(users.c.id == user["id"]))

    def has_users(self) -> bool:
        """Whether anyone besides the single-user-mode owner exists: then every request needs a token."""
        return self.session.execute(select(users.c.id).where(users.c.id != LOCAL_USER).limit(1)).first() is not None

    def has_active_tokens(self) -> bool:
        return self.session.execute(select(api_tokens.c.id).where(*_active()).limit(1)).first() is not None

    # --- tokens ----------------------------------------------------------------------------------

    def create_token(self, user_name: str, name: str = "default", expires_days: int | None = None
                     ) -> tuple[dict[str, Any], str]:
        """A new token for the user: its row (no secret) and the secret, which is shown only this once."""
        user = self.user_named(user_name)
        name = " ".join(name.split())[:80] or "default"
        if expires_days is not None and not 1 <= expires_days <= 3650:
            raise InvalidRequestError("expiry must be 1–3650 days (or none)")
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        expires = datetime.now(timezone.utc) + timedelta(days=expires_days) if expires_days else None
        row = self.session.execute(insert(api_tokens).values(
            id=uuid.uuid4().hex[:16], user_id=user["id"], name=name, token_hash=token_digest(secret),
            prefix=secret[:10], expires_at=expires,
        ).returning(*_TOKEN_VIEW)).mappings().one()
        return {**row, "user": user["name"]}, secret

    def list_tokens(self, user_name: str | None = None) -> list[dict[str, Any]]:
        query = (select(*_TOKEN_VIEW, users.c.name.label("user")).join(users, users.c.id == api_tokens.c.user_id)
                 .order_by(users.c.name, api_tokens.c.created_at))
        if user_name is not None:
            query = query.where(api_tokens.c.user_id == self.user_named(user_name)["id"])
        return [dict(row) for row in self.session.execute(query).mappings()]

    def revoke_token(self, token_id: str) -> dict[str, Any]:
        """Revoke by id (or by the secret itself); revoking twice is not an error."""
        key = api_tokens.c.token_hash == token_digest(token_id) if looks_like_token(token_id) \
            else api_tokens.c.id == token_id.strip()
        row = self.session.execute(
            update(api_tokens).where(key).values(revoked_at=func.coalesce(api_tokens.c.revoked_at, func.now()))
            .returning(*_TOKEN_VIEW)
        ).mappings().first()
        if row is None:
            raise NotFoundError(f"no token {token_id!r}; `architect tokens list` shows the ids")
        return dict(row)

    def authenticate(self, secret: str) -> dict[str, Any] | None:
        """The user and token a secret belongs to, when it is active; None otherwise (never says why)."""
        if not looks_like_token(secret):
            return None
        row = self.session.execute(
            select(api_tokens.c.id.label("token_id"), api_tokens.c.last_used_at, users.c.id.label("user_id"),
                   users.c.name.label("user"))
            .join(users, users.c.id == api_tokens.c.user_id)
            .where(api_tokens.c.token_hash == token_digest(secret), *_active())
        ).mappings().first()
        if row is None:
            return None
        now = datetime.now(timezone.utc)
        if row["last_used_at"] is None or now - row["last_used_at"] > _TOUCH_EVERY:
            self.session.execute(update(api_tokens).where(api_tokens.c.id == row["token_id"])
                                 .values(last_used_at=func.now()))
        return {"user_id": row["user_id"], "user": row["user"], "token_id": row["token_id"]}


_TOKEN_VIEW = (api_tokens.c.id, api_tokens.c.name, api_tokens.c.prefix, api_tokens.c.created_at,
               api_tokens.c.expires_at, api_tokens.c.last_used_at, api_tokens.c.revoked_at)


def _active() -> tuple[Any, ...]:
    return (api_tokens.c.revoked_at.is_(None),
            or_(api_tokens.c.expires_at.is_(None), api_tokens.c.expires_at > func.now()))
