"""The web UI against a service that asks for API tokens: sign-in, each user sees only their conversations,
the export carries the token, sign-out; and Retry for a message whose turn never finished."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest
from playwright.sync_api import expect

from stack8s_architect.accounts.repository import AccountStore
from stack8s_architect.agents.chat import ChatMessageRequest, ChatService
from stack8s_architect.api.app import create_app
from stack8s_architect.conversations.repository import ConversationStore
from stack8s_architect.core.database import Database
from stack8s_architect.core.embedded_postgres import EmbeddedPostgres
from stack8s_architect.core.settings import Settings

from ..conftest import create_database, drop_database
from ..live import serving, sync_all_fixtures
from .conftest import Console, Service, open_page, shoot

pytestmark = pytest.mark.browser
SERVE = "Serve an 8B model for 20 concurrent users with a budget of $5000 per month"


@dataclass
class Secured(Service):
    database: Database | None = None
    tokens: dict[str, str] = field(default_factory=dict)  # user name → token secret
    users: dict[str, str] = field(default_factory=dict)  # user name → user id


@pytest.fixture(scope="module")
def secured(postgres_server: EmbeddedPostgres, template_database: str, tmp_path_factory) -> Iterator[Secured]:  # noqa: ANN001
    database = create_database(postgres_server, template_database)
    sync_all_fixtures(database, tmp_path_factory.mktemp("catalogs"))
    tokens, users = {}, {}
    with database.session() as session:
        store = AccountStore(session)
        for name in ("alice", "bob"):
            users[name] = store.create_user(name)["id"]
            tokens[name] = store.create_token(name, "browser")[1]
    app = create_app(Settings.load(), database=database, embed_in_background=False)
    with serving(app) as url, httpx.Client(base_url=url, timeout=60) as http:
        yield Secured(url, http, database, tokens, users)
    drop_database(postgres_server, database)


def _as(service: Secured, user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {service.tokens[user]}"}


def _sign_in(page, token: str) -> None:  # noqa: ANN001
    dialog = page.locator("#signin-dialog")
    expect(dialog).to_be_visible()
    page.fill("#signin-token", token)
    page.click("#signin-form button[type=submit]")
    expect(dialog).to_be_hidden()


def test_sign_in_shows_only_the_users_conversations_and_exports_with_the_token(browser, secured: Secured) -> None:  # noqa: ANN001
    theirs = secured.http.post("/api/v1/chat/start", json={"message": SERVE}, headers=_as(secured, "bob")).json()
    console = Console()
    console.allow(r"status of 401")  # Chromium logs the refused requests before the sign-in
    page = open_page(browser, secured, console)
    try:
        page.goto("/")
        expect(page.locator("#signin-dialog")).to_be_visible()
        shoot(page, "20-sign-in")
        page.fill("#signin-token", "s8a_" + "x" * 43)
        page.click("#signin-form button[type=submit]")
        expect(page.locator("#signin-problem")).to_contain_text("unknown, revoked or expired")
        _sign_in(page, secured.tokens["alice"])
        page.wait_for_selector("body[data-ready]")
        expect(page.locator("#account-name")).to_have_text("alice")
        expect(page.locator(f'#conversation-list li[data-id="{theirs["conversation_id"]}"]')).to_have_count(0)
        page.fill("#composer-input", SERVE)
        page.click("#send")
        page.wait_for_selector("#plan-body:not([hidden])")
        page.wait_for_selector("#messages:not([aria-busy])", state="attached")
        mine = secured.http.get("/api/v1/chat", headers=_as(secured, "alice")).json()
        assert mine["total"] == 1 and mine["conversations"][0]["id"] != theirs["conversation_id"]
        with page.expect_download() as download:
            page.click("#export")
        with zipfile.ZipFile(io.BytesIO(download.value.path().read_bytes())) as bundle:
            assert "plan.json" in bundle.namelist()
        # bob's conversation by its address is not found for alice
        page.goto(f"/#c={theirs['conversation_id']}")
        page.reload()
        expect(page.locator("#toast")).to_contain_text("no conversation")
        page.click("#sign-out")
        expect(page.locator("#signin-dialog")).to_be_visible()
        assert page.evaluate("localStorage.getItem('stack8s-architect-token')") is None
        console.allow(r"status of 404")
    finally:
        page.context.close()
    assert console.unexpected() == [], "the page logged errors"


def test_a_message_whose_turn_never_finished_is_retried(browser, secured: Secured) -> None:  # noqa: ANN001
    chat = ChatService(secured.database, ConversationStore)
    cid = chat.start(None, owner=secured.users["alice"]).conversation_id
    chat.send(ChatMessageRequest(conversation_id=cid, message=SERVE), owner=secured.users["alice"])  # no turn ran
    console = Console()
    console.allow(r"status of 401")
    page = open_page(browser, secured, console)
    try:
        page.goto(f"/#c={cid}")
        _sign_in(page, secured.tokens["alice"])
        notice = page.wait_for_selector(".unanswered")
        assert "no answer yet" in notice.inner_text()
        shoot(page, "21-unanswered")
        page.click(".unanswered button")
        page.wait_for_selector("#plan-body:not([hidden])")
        page.wait_for_selector("#messages:not([aria-busy])", state="attached")
        expect(page.locator(".unanswered")).to_have_count(0)
        history = secured.http.get(f"/api/v1/chat/{cid}", headers=_as(secured, "alice")).json()
        assert [m["role"] for m in history["messages"]] == ["assistant", "user", "assistant"]
        assert history["messages"][1]["answered"] and history["latest_plan_version"] == 1
        assert page.locator(".message.user").count() == 1  # the message was not sent twice
    finally:
        page.context.close()
    assert console.unexpected() == [], "the page logged errors"
