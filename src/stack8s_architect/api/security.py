"""Who is calling: bearer tokens, single-user mode, rate limits per user (and per address without a valid token),
kept in PostgreSQL so they hold across every worker and replica.

Modes (`ARCHITECT_AUTH`):
- `auto` (default): while no user exists and the service is bound to loopback, it runs in single-user
  mode — every request acts as the built-in `local` user. Once a user exists, every API request needs
  `Authorization: Bearer <token>`; the switch needs no restart (the check is cached for a second or two).
- `tokens`: a token is always required.
Bound to any other address, the service refuses to start until a user has an active token.
"""

from __future__ import annotations

import hmac
import ipaddress
import math
import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from stack8s_architect.accounts.repository import AccountStore, forget_full_buckets, take_from_bucket
from stack8s_architect.accounts.tables import LOCAL_USER
from stack8s_architect.core import metrics
from stack8s_architect.core.database import Database
from stack8s_architect.core.errors import ConfigurationError, ForbiddenError, RateLimitedError, UnauthorizedError
from stack8s_architect.core.logging import get_logger
from stack8s_architect.core.settings import Settings

log = get_logger(__name__)
_MODE_CACHE_S = 2.0
_SWEEP_EVERY_S = 60.0
_bearer = HTTPBearer(auto_error=False, description="An API token from `architect tokens create USER`.")
HOW_TO_GET_A_TOKEN = ("send `Authorization: Bearer <token>`; an administrator creates one with "
                      "`architect tokens create <user>`")


@dataclass(frozen=True)
class Principal:
    user_id: str
    user: str
    token_id: str | None  # None in single-user mode

    @property
    def rate_key(self) -> str:
        """Per user: a second token of the same user shares the user's bucket."""
        return f"user:{self.user_id}"


LOCAL = Principal(LOCAL_USER, LOCAL_USER, None)


def is_loopback(host: str) -> bool:
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def startup_mode(settings: Settings, database: Database) -> str:
    """`single-user` or `tokens`; refuses (ConfigurationError) a non-loopback bind without an active token."""
    with database.session() as session:
        store = AccountStore(session)
        users, tokens = store.has_users(), store.has_active_tokens()
    host = settings.server.host
    if not is_loopback(host) and not tokens:
        raise ConfigurationError(
            f"refusing to listen on {host}: no user has an active API token, so anyone who can reach the port "
            "could use the service. Create one (`architect users create NAME` then `architect tokens create NAME`), "
            "or bind to 127.0.0.1 (ARCHITECT_HOST) for single-user mode.")
    if settings.security.auth == "tokens" or users:
        return "tokens"
    if settings.security.origins:
        raise ConfigurationError(
            f"ARCHITECT_CORS_ORIGINS lists {', '.join(settings.security.origins)}, but the service runs in single-user "
            "mode (no tokens): a page of those sites could act as the local user. Create a user and a token first "
            "(`architect users create NAME`, `architect tokens create NAME`), or unset ARCHITECT_CORS_ORIGINS.")
    return "single-user"


_LOCAL_NAMES = {"localhost", "127.0.0.1", "::1"}


def same_origin(request: Request) -> bool:
    """No Origin header (not a browser's cross-site call), or the service's own origin (its web page)."""
    origin = (request.headers.get("origin") or "").strip().lower()
    if not origin:
        return True
    host = (request.headers.get("host") or "").strip().lower()
    return origin in {f"http://{host}", f"https://{host}"}


def client_address(request: Request) -> str:
    """The client's address: the peer, or — behind a proxy listed in ARCHITECT_TRUSTED_PROXIES — the address the
    proxy forwards (the app's ProxyHeadersMiddleware has put it in the request already)."""
    return request.client.host if request.client else "unknown"


def local_request(request: Request) -> bool:
    """From this machine, to a loopback name, not relayed: a page on another site that resolves its own name to
    127.0.0.1 (DNS rebinding) sends its own Host; a reverse proxy adds Forwarded / X-Forwarded-For."""
    client = request.client.host if request.client else ""
    host = (request.headers.get("host") or "").strip().lower()
    name = host[1:].split("]", 1)[0] if host.startswith("[") else host.rsplit(":", 1)[0] if host.count(":") == 1 \
        else host
    relayed = any(header in request.headers for header in ("forwarded", "x-forwarded-for", "x-real-ip"))
    return is_loopback(client) and name in _LOCAL_NAMES and not relayed


class Gate:
    """Authentication and rate limiting for one app; lives on `app.state.gate`."""

    def __init__(self, settings: Settings, database: Database):
        self.settings = settings
        self.database = database
        self._users_exist: tuple[float, bool] = (-math.inf, False)
        self._swept = time.monotonic()

    def tokens_required(self) -> bool:
        if self.settings.security.auth == "tokens" or not is_loopback(self.settings.server.host):
            return True
        checked, exists = self._users_exist
        if time.monotonic() - checked > _MODE_CACHE_S:
            with self.database.session() as session:
                exists = AccountStore(session).has_users()
            self._users_exist = (time.monotonic(), exists)
        return exists

    def principal(self, request: Request, credentials: HTTPAuthorizationCredentials | None) -> Principal:
        if credentials is None:
            if self.tokens_required():
                raise UnauthorizedError(f"this service needs an API token: {HOW_TO_GET_A_TOKEN}")
            if not local_request(request):
                raise UnauthorizedError("single-user mode answers requests without a token only from this machine "
                                        "(a loopback client, Host localhost or 127.0.0.1, no proxy headers); to serve "
                                        "others create a user and a token: `architect users create NAME`, "
                                        "`architect tokens create NAME`")
            if not same_origin(request):  # a page of another site, calling the local user's service from a browser
                raise UnauthorizedError("single-user mode answers only its own web page: this request comes from a "
                                        f"page of {request.headers.get('origin')}; to use the API from another "
                                        "origin create a user and a token (`architect users create NAME`, "
                                        "`architect tokens create NAME`) and list the origin in ARCHITECT_CORS_ORIGINS")
            return LOCAL
        with self.database.session() as session:  # the token and the user's rate limit: one transaction
            found = AccountStore(session).authenticate(credentials.credentials)
            if found is not None:
                principal = Principal(found["user_id"], found["user"], found["token_id"])
                wait = self._wait(session, principal.rate_key)
        if found is None:
            raise UnauthorizedError(f"the API token is unknown, revoked or expired: {HOW_TO_GET_A_TOKEN}")
        self._refuse_after(wait, "for this user")
        return principal

    def limit_refused(self, request: Request) -> None:
        """Requests without a valid token, per client address: guessing tokens is limited too."""
        with self.database.session() as session:
            wait = self._wait(session, f"address:{client_address(request)}")
        self._refuse_after(wait, "without a valid token from this address")

    def _wait(self, session: Session, key: str) -> float:
        """The shared bucket of `key` (in PostgreSQL: one limit across every process and replica)."""
        security = self.settings.security
        if security.rate_limit_per_minute <= 0:
            return 0.0
        if time.monotonic() - self._swept > _SWEEP_EVERY_S:  # buckets idle long enough to be full are dropped
            self._swept = time.monotonic()
            forget_full_buckets(session, per_minute=security.rate_limit_per_minute, burst=security.rate_limit_burst)
        return take_from_bucket(session, key, per_minute=security.rate_limit_per_minute,
                                burst=security.rate_limit_burst)

    def _refuse_after(self, wait: float, whose: str) -> None:
        if wait > 0:
            metrics.RATE_LIMITED.inc()
            seconds = max(1, math.ceil(wait))
            raise RateLimitedError(f"too many requests {whose} (limit {self.settings.security.rate_limit_per_minute}"
                                   f"/minute); retry in {seconds} s", retry_after_s=seconds)


def authenticated(request: Request,
                  credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> Principal:
    """The caller (a dependency of every API route), rate limited per user (and per address when refused); single-user
    mode (one person on this machine, no tokens) is not limited."""
    gate: Gate = request.app.state.gate
    try:
        principal = gate.principal(request, credentials)
    except UnauthorizedError:
        gate.limit_refused(request)  # a 429 once an address keeps sending bad or no tokens
        raise
    request.state.principal = principal
    return principal


def operator(request: Request,
             credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> None:
    """/metrics shows service-wide figures: the operator's ARCHITECT_METRICS_TOKEN, or this machine in single-user
    mode; a user's API token is not enough."""
    gate: Gate = request.app.state.gate
    expected = gate.settings.security.metrics_token
    if expected is not None:
        if credentials is None or not hmac.compare_digest(credentials.credentials.encode(),
                                                          expected.get_secret_value().encode()):
            gate.limit_refused(request)
            raise UnauthorizedError("/metrics needs the operator's token (ARCHITECT_METRICS_TOKEN) as "
                                    "`Authorization: Bearer …`")
        return
    principal = gate.principal(request, credentials)
    if principal.token_id is not None:
        raise ForbiddenError("/metrics shows service-wide figures, for operators: set ARCHITECT_METRICS_TOKEN on the "
                             "service and scrape with it")


Caller = Annotated[Principal, Depends(authenticated)]
