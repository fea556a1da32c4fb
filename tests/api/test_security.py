"""Users, tokens, ownership, single-user mode, rate limits, body limits, CORS, request ids and secrets — over the
real app and the real embedded database."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta, timezone
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from fastapi.testclient import TestClient  # noqa: F401  (a client that is not on this machine)
from sqlalchemy import select, text, update

from stack8s_architect.accounts.repository import AccountStore, forget_full_buckets, take_from_bucket
from stack8s_architect.accounts.tables import api_tokens
from stack8s_architect.api import security
from stack8s_architect.api.app import create_app
from stack8s_architect.api.security import is_loopback, startup_mode
from stack8s_architect.cli import app as cli_app
from stack8s_architect.core.database import Database
from stack8s_architect.core.errors import ConfigurationError, ConflictError, InvalidRequestError, NotFoundError
from stack8s_architect.core.settings import Settings

from ..conftest import cli_runner, local_client
from ..agents.fake_openai import Script, fake_openai
from ..planning.fixtures import sync_fixture_catalogs

SERVE = "Serve an 8B model for 20 concurrent users with a budget of $5000 per month"


def _settings(**security: object) -> Settings:
    settings = Settings.load()
    return settings.model_copy(update={"security": settings.security.model_copy(update=security)})


@pytest.fixture
def synced(database: Database, tmp_path: Path) -> Database:
    sync_fixture_catalogs(database, tmp_path)
    return database


@pytest.fixture(autouse=True)
def _no_mode_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(security, "_MODE_CACHE_S", 0.0)  # a user created in a test counts at once


def _client(database: Database, settings: Settings | None = None) -> TestClient:
    return local_client(create_app(settings or Settings.load(), database=database, embed_in_background=False),
                      raise_server_exceptions=False)


def _user_with_token(database: Database, name: str) -> str:
    with database.session() as session:
        store = AccountStore(session)
        store.create_user(name)
        return store.create_token(name, "test")[1]


def _bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


# --- accounts --------------------------------------------------------------------------------------

def test_tokens_are_stored_hashed_and_only_active_ones_authenticate(database: Database) -> None:
    with database.session() as session:
        store = AccountStore(session)
        assert not store.has_users()
        store.create_user("alice")
        row, secret = store.create_token("alice", "laptop")
        expiring, old = store.create_token("alice", "old", expires_days=1)
        assert secret.startswith("s8a_") and len(secret) >= 40 and row["prefix"] == secret[:10]
        assert "secret" not in row and secret not in str(row)
        stored = [dict(r) for r in session.execute(select(api_tokens)).mappings()]
        assert all(secret not in str(r) and old not in str(r) for r in stored)  # only digests
        assert store.authenticate(secret)["user"] == "alice"
        session.execute(update(api_tokens).where(api_tokens.c.id == expiring["id"])
                        .values(expires_at=text("now() - interval '1 minute'")))
        assert store.authenticate(old) is None
        assert store.revoke_token(row["id"])["revoked_at"] is not None
        assert store.authenticate(secret) is None and store.authenticate("s8a_" + "x" * 40) is None
        assert store.authenticate("not-a-token") is None
        assert store.has_users() and not store.has_active_tokens()
        assert store.list_users()[0]["active_tokens"] == 0
        with pytest.raises(ConflictError, match="already exists"):
            store.create_user("alice")
        with pytest.raises(InvalidRequestError, match="reserved"):
            store.create_user("local")
        with pytest.raises(InvalidRequestError, match="not allowed"):
            store.create_user("bad name!")
        with pytest.raises(NotFoundError, match="architect users create bob"):
            store.create_token("bob")
        with pytest.raises(NotFoundError, match="tokens list"):
            store.revoke_token("nope")


def test_the_cli_creates_users_and_tokens_and_revokes(database: Database, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    runner = cli_runner(database, tmp_path / "home", monkeypatch)
    assert runner.invoke(cli_app, ["users", "create", "alice"]).exit_code == 0
    again = runner.invoke(cli_app, ["users", "create", "alice"])
    assert again.exit_code == 2 and "already exists" in again.output
    created = runner.invoke(cli_app, ["tokens", "create", "alice", "--name", "ci", "--expires-days", "30"])
    assert created.exit_code == 0, created.output
    secret = created.stdout.strip().splitlines()[-1]
    assert secret.startswith("s8a_")
    listed = runner.invoke(cli_app, ["tokens", "list", "--json"])
    assert secret not in listed.stdout and '"name": "ci"' in listed.stdout
    with database.session() as session:
        assert AccountStore(session).authenticate(secret)["user"] == "alice"
    assert runner.invoke(cli_app, ["tokens", "revoke", secret]).exit_code == 0
    with database.session() as session:
        assert AccountStore(session).authenticate(secret) is None
    users = runner.invoke(cli_app, ["users", "list"])
    assert "alice" in users.stdout


# --- modes -----------------------------------------------------------------------------------------

def test_single_user_mode_on_loopback_then_tokens_once_a_user_exists(synced: Database) -> None:
    with _client(synced) as client:
        assert client.get("/api/v1/chat").status_code == 200  # no users: single-user mode
        secret = _user_with_token(synced, "alice")
        refused = client.get("/api/v1/chat")
        assert refused.status_code == 401 and refused.json()["error"]["code"] == "unauthorized"
        assert refused.headers["www-authenticate"] == "Bearer" and "architect tokens create" in refused.text
        wrong = client.get("/api/v1/chat", headers=_bearer("s8a_" + "y" * 43))
        assert wrong.status_code == 401 and "unknown, revoked or expired" in wrong.json()["error"]["message"]
        assert client.get("/api/v1/chat", headers=_bearer(secret)).status_code == 200
        assert client.get("/api/v1/tools/compute/gpus").status_code == 401  # every API route
        assert client.get("/health").status_code == 200 and client.get("/").status_code == 200
        assert client.get("/metrics").status_code == 401
        mine = client.get("/metrics", headers=_bearer(secret))  # service-wide figures: not for a user's token
        assert mine.status_code == 403 and "ARCHITECT_METRICS_TOKEN" in mine.json()["error"]["message"]
    with _client(synced, _settings(metrics_token=SecretStr("operator-secret-1"))) as client:
        assert client.get("/metrics", headers=_bearer("operator-secret-1")).status_code == 200
        assert client.get("/metrics", headers=_bearer(secret)).status_code == 401


def test_single_user_mode_serves_only_requests_from_this_machine(synced: Database) -> None:
    app = create_app(Settings.load(), database=synced, embed_in_background=False)
    with local_client(app, raise_server_exceptions=False) as client:
        me = client.get("/api/v1/me").json()
        assert (me["user"], me["mode"], me["llm"]["engine"]) == ("local", "single-user", "offline")
        relayed = client.get("/api/v1/me", headers={"X-Forwarded-For": "203.0.113.9"})  # a reverse proxy
        rebound = client.get("/api/v1/me", headers={"Host": "evil.example:8000"})  # DNS rebinding
        assert relayed.status_code == rebound.status_code == 401
        assert "only from this machine" in rebound.json()["error"]["message"]
        assert client.get("/api/v1/me", headers={"Host": "localhost:8000"}).status_code == 200
        assert client.get("/api/v1/me", headers={"Host": "[::1]:8000"}).status_code == 200
    with TestClient(app, raise_server_exceptions=False) as remote:  # a client address that is not loopback
        assert remote.get("/api/v1/me").status_code == 401
        assert remote.get("/health").status_code == 200


def test_auth_tokens_setting_requires_a_token_even_without_users(synced: Database) -> None:
    with _client(synced, _settings(auth="tokens")) as client:
        assert client.get("/api/v1/chat").status_code == 401


def test_a_public_bind_refuses_to_start_without_a_token(synced: Database) -> None:
    public = Settings.load().model_copy(update={"server": Settings.load().server.model_copy(update={"host": "0.0.0.0"})})
    with pytest.raises(ConfigurationError, match="refusing to listen on 0.0.0.0"):
        startup_mode(public, synced)
    assert startup_mode(Settings.load(), synced) == "single-user"
    _user_with_token(synced, "alice")
    assert startup_mode(public, synced) == "tokens" and startup_mode(Settings.load(), synced) == "tokens"
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("10.0.0.5")


def test_serve_on_a_public_address_without_tokens_exits_with_the_reason(database: Database, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    result = cli_runner(database, tmp_path / "home", monkeypatch).invoke(
        cli_app, ["serve", "--host", "0.0.0.0", "--port", "8999"])
    assert result.exit_code == 1 and "refusing to listen on 0.0.0.0" in result.output


# --- ownership -------------------------------------------------------------------------------------

def test_another_users_conversation_is_not_found(synced: Database) -> None:
    alice, bob = _user_with_token(synced, "alice"), _user_with_token(synced, "bob")
    with _client(synced) as client:
        started = client.post("/api/v1/chat/start", json={"message": SERVE}, headers=_bearer(alice)).json()
        cid = started["conversation_id"]
        mine = client.get(f"/api/v1/chat/{cid}", headers=_bearer(alice))
        assert mine.status_code == 200 and mine.json()["plans"][0]["version"] == 1
        attempts = [
            client.get(f"/api/v1/chat/{cid}", headers=_bearer(bob)),
            client.post("/api/v1/chat/message", json={"conversation_id": cid, "message": "use spot"},
                        headers=_bearer(bob)),
            client.post("/api/v1/chat/message/stream", json={"conversation_id": cid, "message": "use spot"},
                        headers=_bearer(bob)),
            client.post(f"/api/v1/chat/{cid}/retry", headers=_bearer(bob)),
            client.patch(f"/api/v1/chat/{cid}", json={"title": "mine now"}, headers=_bearer(bob)),
            client.get(f"/api/v1/chat/{cid}/plans/1", headers=_bearer(bob)),
            client.get(f"/api/v1/chat/{cid}/plans/1/export", headers=_bearer(bob)),
            client.delete(f"/api/v1/chat/{cid}", headers=_bearer(bob)),
        ]
        assert [r.status_code for r in attempts] == [404] * len(attempts)
        assert all(r.json()["error"]["code"] == "not_found" for r in attempts)
        assert client.get("/api/v1/chat", headers=_bearer(bob)).json() == {"total": 0, "conversations": []}
        after = client.get(f"/api/v1/chat/{cid}", headers=_bearer(alice)).json()
        assert len(after["messages"]) == 2 and after["title"] != "mine now"  # bob changed nothing
        assert client.get("/api/v1/chat", headers=_bearer(alice)).json()["total"] == 1


# --- limits ----------------------------------------------------------------------------------------

def test_rate_limit_per_user_and_per_address_without_a_token(synced: Database) -> None:
    alice, bob = _user_with_token(synced, "alice"), _user_with_token(synced, "bob")
    with _client(synced, _settings(rate_limit_per_minute=6, rate_limit_burst=3)) as client:
        codes = [client.get("/api/v1/chat", headers=_bearer(alice)).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        limited = client.get("/api/v1/chat", headers=_bearer(alice))
        assert limited.json()["error"]["code"] == "rate_limited" and int(limited.headers["retry-after"]) >= 1
        assert client.get("/api/v1/chat", headers=_bearer(bob)).status_code == 200  # another user's own bucket
        assert client.get("/health").status_code == 200
        with synced.session() as session:  # a second token of the same user shares the user's bucket
            second = AccountStore(session).create_token("alice", "laptop")[1]
        assert client.get("/api/v1/chat", headers=_bearer(second)).status_code == 429
        # guessing tokens is limited per address: unknown tokens get 401 until the address's bucket is empty
        guesses = [client.get("/api/v1/chat", headers=_bearer(f"guess-{i}")).status_code for i in range(4)]
        assert guesses == [401, 401, 401, 429]


def test_the_bucket_refills_at_the_configured_rate(database: Database) -> None:
    """The shared bucket in PostgreSQL, at explicit instants: 60/minute is one request a second, after a burst of 2."""
    at = datetime.now(timezone.utc) - timedelta(hours=1)  # an hour ago: both buckets are full again by now

    def take(key: str, seconds: float) -> float:
        with database.session() as session:
            return take_from_bucket(session, key, per_minute=60, burst=2, at=at + timedelta(seconds=seconds))

    assert [take("k", 0), take("k", 0)] == [0.0, 0.0]
    assert take("k", 0) == pytest.approx(1.0)  # empty: one token in one second
    assert take("k", 0.25) == pytest.approx(0.75)  # a refusal takes nothing: the wait shrinks as time passes
    assert take("k", 1.0) == 0.0 and take("k", 1.0) > 0
    assert take("other", 1.0) == 0.0  # every key its own bucket
    assert take("k", 61.0) == 0.0 and take("k", 61.0) == 0.0 and take("k", 61.0) > 0  # refilled to the burst, no more
    with database.session() as session:  # a bucket idle long enough to be full again is forgotten (nothing lost)
        assert forget_full_buckets(session, per_minute=60, burst=2) == 2


def test_request_size_limits(synced: Database) -> None:
    with _client(synced, _settings(max_body_bytes=4096)) as client:
        big = client.post("/api/v1/chat/start", content=b'{"message": "' + b"a" * 5000 + b'"}',
                          headers={"content-type": "application/json"})
        assert big.status_code == 413 and big.json()["error"]["code"] == "payload_too_large"
        assert "ARCHITECT_MAX_BODY_BYTES" in big.json()["error"]["message"]

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams in
            yield b'{"message": "'
            for _ in range(10):
                yield b"b" * 1000
            yield b'"}'

        streamed = client.post("/api/v1/chat/start", content=chunks(), headers={"content-type": "application/json"})
        assert streamed.status_code == 413 and streamed.json()["error"]["code"] == "payload_too_large"
    with _client(synced) as client:
        long = client.post("/api/v1/chat/start", json={"message": "x" * 8001})
        assert long.status_code == 422 and "the limit is 8,000 — shorten it" in long.json()["error"]["message"]


def test_cors_is_closed_by_default_and_opens_to_configured_origins(synced: Database) -> None:
    preflight = {"Origin": "https://evil.example", "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "authorization,content-type"}
    with _client(synced) as client:
        answer = client.options("/api/v1/chat/start", headers=preflight)
        assert "access-control-allow-origin" not in answer.headers
        simple = client.get("/api/v1/chat", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in simple.headers
    # single-user mode (no tokens) refuses to open CORS: a listed page could act as the local user
    with pytest.raises(ConfigurationError, match="single-user mode"), \
            _client(synced, _settings(cors_origins="https://app.example")):
        pass
    _user_with_token(synced, "ana")
    with _client(synced, _settings(cors_origins="https://app.example")) as client:
        allowed = client.options("/api/v1/chat/start", headers={**preflight, "Origin": "https://app.example"})
        assert allowed.status_code == 200 and allowed.headers["access-control-allow-origin"] == "https://app.example"
        assert "authorization" in allowed.headers["access-control-allow-headers"].lower()
        other = client.options("/api/v1/chat/start", headers=preflight)
        assert other.headers.get("access-control-allow-origin") != "https://evil.example"


def test_bad_cors_setting_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARCHITECT_CORS_ORIGINS", "https://ok.example, not an origin")
    with pytest.raises(ConfigurationError, match="ARCHITECT_CORS_ORIGINS"):
        Settings.load()
    monkeypatch.setenv("ARCHITECT_CORS_ORIGINS", "*")  # every page of every site: refused, saying why
    with pytest.raises(ConfigurationError, match="every web page"):
        Settings.load()


def test_in_single_user_mode_a_page_of_another_site_cannot_act_as_the_local_user(synced: Database) -> None:
    with _client(synced) as client:
        own = client.post("/api/v1/chat/start", json={},
                          headers={"Origin": f"{client.base_url.scheme}://{client.base_url.netloc.decode()}"})
        assert own.status_code == 200  # the service's own page
        evil = client.post("/api/v1/chat/start", json={}, headers={"Origin": "https://evil.example"})
        assert evil.status_code == 401 and "evil.example" in evil.json()["error"]["message"]
        assert client.get("/api/v1/chat").status_code == 200  # no Origin: not a browser's cross-site call


def test_every_answer_carries_the_security_headers(synced: Database) -> None:
    with _client(synced) as client:
        for path in ("/", "/api/v1/chat", "/health", "/static/app.js", "/docs"):
            headers = client.get(path).headers
            assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY", path
            assert headers["referrer-policy"] == "no-referrer", path
            assert "frame-ancestors 'none'" in headers["content-security-policy"], path
            assert "script-src 'self';" in headers["content-security-policy"], path
        redoc = client.get("/redoc").headers  # Redoc's search worker starts from a blob: its page alone allows that
        assert "script-src 'self';" in redoc["content-security-policy"]
        assert "worker-src 'self' blob:" in redoc["content-security-policy"]
        for page in ("/docs", "/redoc"):  # the API docs load only this origin's (vendored) files, no CDN
            html = client.get(page).text
            assert "http" not in html.replace('http-equiv', '') and "/static/vendor/" in html, page


# --- request ids and secrets -----------------------------------------------------------------------

def _records(caplog: pytest.LogCaptureFixture) -> list[dict]:
    return [r.msg for r in caplog.records if isinstance(r.msg, dict)]


def test_every_request_has_an_id_in_the_header_and_the_logs(synced: Database, caplog: pytest.LogCaptureFixture
                                                           ) -> None:
    caplog.set_level(logging.INFO)
    with _client(synced) as client:
        own = client.post("/api/v1/chat/start", json={"message": SERVE}, headers={"X-Request-ID": "trace-42"})
        fresh = client.get("/api/v1/chat")
        hostile = client.get("/api/v1/chat", headers={"X-Request-ID": "bad id\nwith newline"})
    assert own.headers["x-request-id"] == "trace-42"
    assert len(fresh.headers["x-request-id"]) == 32 and hostile.headers["x-request-id"] != "bad id\nwith newline"
    records = _records(caplog)
    turn = [r for r in records if r.get("event") == "chat.turn"]
    access = [r for r in records if r.get("event") == "http.request" and r.get("request_id") == "trace-42"]
    assert turn and turn[0]["request_id"] == "trace-42"  # logged inside the worker thread, same id
    assert access and access[0]["route"] == "/api/v1/chat/start" and access[0]["status"] == 200


def test_secrets_are_never_logged_or_returned(synced: Database, monkeypatch: pytest.MonkeyPatch,
                                              capfd: pytest.CaptureFixture[str]) -> None:
    key = "ant-live-SECRET-0123456789abcdef"  # not shaped like a known key: masked because it is configured
    script = Script(mode="error", echo_key=True)  # a provider that puts the key in its error, as some do
    with fake_openai(script) as url:
        monkeypatch.setenv("ARCHITECT_LLM", "openai-compatible:fake-model")
        monkeypatch.setenv("ARCHITECT_LLM_BASE_URL", url)
        monkeypatch.setenv("ARCHITECT_LLM_API_KEY", key)
        monkeypatch.setenv("ARCHITECT_LOG_FORMAT", "json")
        from stack8s_architect.core.logging import configure_logging

        configure_logging("DEBUG", "json")
        alice = _user_with_token(synced, "alice")
        with _client(synced) as client:
            reply = client.post("/api/v1/chat/start", json={"message": SERVE}, headers=_bearer(alice))
            history = client.get(f"/api/v1/chat/{reply.json()['conversation_id']}", headers=_bearer(alice))
            scraped = client.get("/metrics", headers=_bearer(alice))  # refused (403), its text checked too
            docs = client.get("/openapi.json")
    assert script.requests and key in script.seen_keys[0]  # the key did go to the provider, and only there
    assert reply.status_code == 200 and any("offline extractor was used" in w for w in reply.json()["warnings"])
    out = capfd.readouterr()
    for text_ in (reply.text, history.text, scraped.text, docs.text, out.out, out.err):
        assert key not in text_ and alice not in text_
    assert "llm.extraction_failed" in out.err  # the failure was logged, with the key masked


def test_the_cli_acts_for_a_named_user(synced: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _user_with_token(synced, "alice")
    runner = cli_runner(synced, tmp_path / "home", monkeypatch)
    started = runner.invoke(cli_app, ["chat", "--user", "alice", "--message", SERVE, "--json"])
    assert started.exit_code == 0, started.output
    cid = json.loads(started.stdout)["conversation_id"]
    as_local = runner.invoke(cli_app, ["export", cid, "-o", str(tmp_path / "a")])
    assert as_local.exit_code == 2 and "no conversation" in as_local.output
    as_alice = runner.invoke(cli_app, ["export", cid, "--user", "alice", "-o", str(tmp_path / "b")])
    assert as_alice.exit_code == 0 and (tmp_path / "b" / "plan.json").is_file()
    nobody = runner.invoke(cli_app, ["chat", "--user", "mallory", "--message", SERVE])
    assert nobody.exit_code == 2 and "architect users create mallory" in nobody.output


def test_behind_a_trusted_proxy_limits_and_logs_follow_the_real_client(synced: Database) -> None:
    """An ingress controller relays every client from its own address: with it listed in ARCHITECT_TRUSTED_PROXIES,
    requests without a valid token are limited per forwarded client, so one guesser does not lock out everyone;
    an untrusted peer's X-Forwarded-For is ignored (it could otherwise pick a fresh bucket per request). And
    relayed, a request without a token is never single-user mode."""
    settings = _settings(rate_limit_per_minute=1, rate_limit_burst=2)

    def guesses(trusted: str, forwarded_for: list[str]) -> list[int]:
        local = settings.model_copy(update={"server": settings.server.model_copy(update={"trusted_proxies": trusted})})
        with _client(synced, local) as client:
            return [client.get("/api/v1/chat", headers={**_bearer("guess"), "X-Forwarded-For": ip}).status_code
                    for ip in forwarded_for]

    assert guesses("127.0.0.1", ["203.0.113.5"] * 3 + ["203.0.113.6"]) == [401, 401, 429, 401]
    with synced.session() as session:
        session.execute(text("DELETE FROM rate_buckets"))
    assert guesses("10.1.2.3", ["203.0.113.7", "203.0.113.8", "203.0.113.9"]) == [401, 401, 429]  # one peer
    with _client(synced, settings) as client:  # no users yet, loopback peer, but relayed: not the local user
        relayed = client.get("/api/v1/chat", headers={"X-Forwarded-For": "203.0.113.10"})
    assert relayed.status_code == 401 and "proxy" in relayed.json()["error"]["message"]


def test_a_body_that_trickles_in_is_cut_off(synced: Database) -> None:
    """A client that announces a body and sends it slower than ARCHITECT_REQUEST_READ_TIMEOUT_S gets a 408 and its
    connection back; the service goes on answering others."""
    import socket

    from ..live import serving

    settings = Settings.load()
    settings = settings.model_copy(update={"server": settings.server.model_copy(update={"request_read_timeout_s": 1.0})})
    app = create_app(settings, database=synced, embed_in_background=False)
    with serving(app) as url:
        host, port = url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=30) as slow:
            slow.sendall(b"POST /api/v1/chat/start HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                         b"Content-Length: 100\r\n\r\n{\"message\": \"")  # and then nothing more
            received = b""
            while b"ARCHITECT_REQUEST_READ_TIMEOUT_S" not in received:  # headers and body may come in two pieces
                piece = slow.recv(65536)
                if not piece:
                    break
                received += piece
            answer = received.decode()
        assert answer.startswith("HTTP/1.1 408") and "ARCHITECT_REQUEST_READ_TIMEOUT_S" in answer
        import httpx

        assert httpx.post(f"{url}/api/v1/chat/start", json={}, timeout=30).status_code == 200
