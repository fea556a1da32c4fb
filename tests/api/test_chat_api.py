"""The chat API over a real database: the contract, SSE events, history, persistence, errors, no lost data."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from stack8s_architect.agents.turn import TurnEngine
from stack8s_architect.api.app import create_app
from stack8s_architect.cli import app as cli_app
from stack8s_architect.core.database import Database
from stack8s_architect.core.settings import Settings

from ..conftest import cli_runner, local_client
from ..planning.fixtures import sync_fixture_catalogs

CONTRACT = ["conversation_id", "message_id", "kind", "content", "questions", "spec", "plan", "warnings"]
SERVE = "Serve an 8B model for 20 concurrent users with a budget of $5000 per month"


@pytest.fixture
def synced(database: Database, tmp_path: Path) -> Database:
    sync_fixture_catalogs(database, tmp_path)
    return database


@pytest.fixture
def client(synced: Database) -> Iterator[TestClient]:
    app = create_app(Settings.load(), database=synced, embed_in_background=False)
    with local_client(app, raise_server_exceptions=False) as test_client:
        yield test_client


def _events(client: TestClient, body: dict, path: str = "/api/v1/chat/message/stream") -> list[tuple[str, dict]]:
    events, name = [], None
    with client.stream("POST", path, json=body) as response:
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if line.startswith("event:"):
                name = line.split(":", 1)[1].strip()
            elif line.startswith("data:"):
                events.append((name, json.loads(line.split(":", 1)[1])))
    return events


def test_start_answers_with_the_contract(client: TestClient) -> None:
    body = client.post("/api/v1/chat/start", json={"message": SERVE}).json()
    assert list(body) == CONTRACT and body["kind"] == "plan"
    plan = body["plan"]
    assert plan["version"] == 1 and plan["compute"] and plan["cost"]["within_budget"] is True
    assert body["content"].startswith("## Deployment plan (version 1)") and plan["summary"] in body["content"]
    assert plan["diagram_mermaid"].startswith("flowchart LR") and "```mermaid" in body["content"]
    assert body["spec"]["budget_usd_per_month"] == 5000 and body["spec"]["concurrent_users"] == 20
    greeting = client.post("/api/v1/chat/start", json={}).json()
    assert greeting["kind"] == "clarification" and greeting["questions"][0]["field"] == "task"


def test_a_conversation_with_versions_history_and_plans(client: TestClient) -> None:
    started = client.post("/api/v1/chat/start", json={"message": "I need to deploy Llama 3.1 70B on Azure"}).json()
    cid = started["conversation_id"]
    assert started["kind"] == "clarification" and started["plan"] is None and started["questions"]
    reply = client.post("/api/v1/chat/message", json={"conversation_id": cid, "message": "you decide"}).json()
    assert reply["kind"] == "plan" and reply["plan"]["version"] == 1
    cheaper = client.post("/api/v1/chat/message", json={"conversation_id": cid, "message": "use spot"}).json()
    assert cheaper["plan"]["version"] == 2 and all(row["spot"] for row in cheaper["plan"]["compute"])
    history = client.get(f"/api/v1/chat/{cid}").json()
    assert [m["sequence"] for m in history["messages"]] == [1, 2, 3, 4, 5, 6]
    assert [m["role"] for m in history["messages"]] == ["user", "assistant"] * 3
    assert [p["version"] for p in history["plans"]] == [1, 2] and history["latest_plan_version"] == 2
    assert history["spec"]["spot"] is True and history["spec"]["providers"] == ["azure"]
    first = client.get(f"/api/v1/chat/{cid}/plans/1").json()
    assert first == reply["plan"]
    listed = client.get("/api/v1/chat").json()
    assert listed["total"] == 1 and listed["conversations"][0]["id"] == cid
    assert listed["conversations"][0]["message_count"] == 6


def test_the_stream_sends_typed_events_in_order(client: TestClient) -> None:
    cid = client.post("/api/v1/chat/start", json={}).json()["conversation_id"]
    events = _events(client, {"conversation_id": cid, "message": SERVE})
    names = [name for name, _ in events]
    assert names[0] == "status" and names[-2:] == ["plan", "done"] and "content" in names
    assert names.index("content") > max(i for i, n in enumerate(names) if n == "status")
    done = events[-1][1]
    assert list(done) == CONTRACT and "".join(d["delta"] for n, d in events if n == "content") == done["content"]
    assert events[-2][1] == done["plan"]


def test_the_start_stream_opens_the_conversation_first(client: TestClient) -> None:
    events = _events(client, {"message": SERVE}, "/api/v1/chat/start/stream")
    names = [name for name, _ in events]
    assert names[0] == "conversation" and names[1] == "status" and names[-2:] == ["plan", "done"]
    cid = events[0][1]["conversation_id"]
    done = events[-1][1]
    assert done["conversation_id"] == cid and done["kind"] == "plan" and done["plan"]["version"] == 1
    history = client.get(f"/api/v1/chat/{cid}").json()
    assert history["title"] == SERVE and [m["role"] for m in history["messages"]] == ["user", "assistant"]
    assert history["messages"][0]["content"] == SERVE and history["plans"][0]["version"] == 1
    for body, text in (({}, "message is missing — add it"), ({"message": " "}, "message is blank"),
                       ({"message": "hi", "conversation_id": "ab"}, "conversation_id is not a field of this request")):
        refused = client.post("/api/v1/chat/start/stream", json=body)
        assert refused.status_code == 422 and text in refused.json()["error"]["message"], refused.json()
    assert client.get("/api/v1/chat").json()["total"] == 1  # nothing stored for the refused ones


@pytest.mark.parametrize(("method", "path", "body", "status", "text"), [
    ("post", "/api/v1/chat/message", {"conversation_id": "abc", "message": "hi"}, 404, "start one"),
    ("post", "/api/v1/chat/message/stream", {"conversation_id": "abc", "message": "hi"}, 404, "no conversation"),
    ("post", "/api/v1/chat/message", {"conversation_id": "abc", "message": "   "}, 422, "message is blank"),
    ("post", "/api/v1/chat/message", {"conversation_id": "abc", "message": "x" * 8001}, 422,
     "message is 8,001 characters; the limit is 8,000 — shorten it"),
    ("post", "/api/v1/chat/message", {"conversation_id": "abc"}, 422, "message is missing — add it"),
    ("post", "/api/v1/chat/start", {"message": "hi", "colour": "red"}, 422, "colour"),
    ("get", "/api/v1/chat/abc", None, 404, "no conversation"),
    ("get", "/api/v1/chat/not-hex!", None, 422, "conversation_id"),
    ("get", "/api/v1/chat/abc/plans/0", None, 422, "version"),
    ("get", "/api/v1/chat?limit=0", None, 422, "limit"),
])
def test_bad_requests_say_what_to_change(client: TestClient, method: str, path: str, body: dict | None, status: int,
                                         text: str) -> None:
    response = client.request(method.upper(), path, json=body)
    assert response.status_code == status and text in response.json()["error"]["message"]


def test_a_missing_plan_version_is_a_404(client: TestClient) -> None:
    cid = client.post("/api/v1/chat/start", json={"message": SERVE}).json()["conversation_id"]
    response = client.get(f"/api/v1/chat/{cid}/plans/2")
    assert response.status_code == 404 and "no plan version 2" in response.json()["error"]["message"]


def test_a_failed_turn_keeps_the_users_message_and_the_spec(client: TestClient,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    cid = client.post("/api/v1/chat/start", json={"message": SERVE}).json()["conversation_id"]

    def broken(self: TurnEngine, *args: object, **kwargs: object) -> None:
        raise RuntimeError("planner crashed")

    monkeypatch.setattr(TurnEngine, "turn", broken)
    failed = client.post("/api/v1/chat/message", json={"conversation_id": cid, "message": "only Lambda please"})
    assert failed.status_code == 500 and failed.json()["error"]["code"] == "internal_error"
    assert failed.headers["x-request-id"] in failed.json()["error"]["message"]  # to find it in the log
    events = _events(client, {"conversation_id": cid, "message": "make it 40 concurrent users"})
    assert events[-1][0] == "error" and events[-1][1]["status"] == 500
    history = client.get(f"/api/v1/chat/{cid}").json()
    assert [m["content"] for m in history["messages"] if m["role"] == "user"][1:] == ["only Lambda please",
                                                                                    "make it 40 concurrent users"]
    assert history["spec"].get("providers") is None and history["latest_plan_version"] == 1
    assert [m.get("answered") for m in history["messages"]] == [True, None, False, False]
    monkeypatch.undo()
    # the retry answers both stored messages, in the order they were sent
    after = client.post(f"/api/v1/chat/{cid}/retry").json()
    assert after["plan"]["version"] == 3, after["content"]
    assert {r["provider"] for r in after["plan"]["compute"]} == {"lambda"} and after["spec"]["concurrent_users"] == 40
    history = client.get(f"/api/v1/chat/{cid}").json()
    answers = {m["reply_to"]: m["plan_version"] for m in history["messages"] if m["role"] == "assistant"}
    users = [m["message_id"] for m in history["messages"] if m["role"] == "user"]
    assert [answers[u] for u in users] == [1, 2, 3] and all(m.get("answered", True) for m in history["messages"])
    nothing = client.post(f"/api/v1/chat/{cid}/retry")
    assert nothing.status_code == 409 and nothing.json()["error"]["code"] == "conflict"


def test_conversations_survive_a_restart(synced: Database) -> None:
    with local_client(create_app(Settings.load(), database=synced, embed_in_background=False)) as first:
        cid = first.post("/api/v1/chat/start", json={"message": SERVE}).json()["conversation_id"]
    with local_client(create_app(Settings.load(), database=synced, embed_in_background=False)) as second:
        history = second.get(f"/api/v1/chat/{cid}").json()
        assert len(history["messages"]) == 2 and history["plans"][0]["version"] == 1
        reply = second.post("/api/v1/chat/message", json={"conversation_id": cid, "message": "use spot"}).json()
        assert reply["plan"]["version"] == 2


def test_cli_chat_one_message_as_json_then_continue(synced: Database, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    runner = cli_runner(synced, tmp_path / "home", monkeypatch)
    first = runner.invoke(cli_app, ["chat", "--message", SERVE, "--json"])
    assert first.exit_code == 0, first.output
    body = json.loads(first.stdout)
    assert list(body) == CONTRACT and body["kind"] == "plan"
    second = runner.invoke(cli_app, ["chat", "-m", "use spot", "-c", body["conversation_id"], "--json"])
    assert second.exit_code == 0 and json.loads(second.stdout)["plan"]["version"] == 2
    markdown = runner.invoke(cli_app, ["chat", "-m", "why this GPU?", "-c", body["conversation_id"]])
    assert markdown.exit_code == 0 and "Why" in markdown.stdout
    interactive = runner.invoke(cli_app, ["chat"], input=f"{SERVE}\n{'x' * 9000}\n\n")
    assert "at most 8000" in interactive.output  # a bad turn is reported, the session goes on
    assert interactive.exit_code == 0 and "Deployment plan" in interactive.stdout
    assert "continue later with: architect chat --conversation" in interactive.stdout
    missing = runner.invoke(cli_app, ["chat", "-m", "hi", "-c", "abc"])
    assert missing.exit_code == 2 and "no conversation" in missing.output


@pytest.mark.parametrize("body", [{"message": "serve\u0000it"}, {"message": "a\u001bb"}])
def test_control_characters_are_a_422(client: TestClient, body: dict) -> None:
    response = client.post("/api/v1/chat/start", json=body)
    assert response.status_code == 422 and "control characters" in response.json()["error"]["message"]
    cid = client.post("/api/v1/chat/start", json={}).json()["conversation_id"]
    sent = client.post("/api/v1/chat/message", json={"conversation_id": cid, **body})
    assert sent.status_code == 422
    bad_id = client.post("/api/v1/chat/message", json={"conversation_id": "ab\u0000", "message": "hi"})
    assert bad_id.status_code == 422 and "conversation_id" in bad_id.json()["error"]["message"]


def test_the_greetings_question_is_not_asked_again(client: TestClient) -> None:
    greeting = client.post("/api/v1/chat/start", json={}).json()
    assert greeting["questions"][0]["field"] == "task"
    reply = client.post("/api/v1/chat/message", json={"conversation_id": greeting["conversation_id"],
                                                      "message": "hmm, you decide"}).json()
    assert reply["kind"] == "plan" and all(q["field"] != "task" for q in reply["questions"])


def test_a_failed_first_turn_keeps_the_conversation_and_message(client: TestClient,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: TurnEngine, *args: object, **kwargs: object) -> None:
        raise RuntimeError("planner crashed")

    monkeypatch.setattr(TurnEngine, "turn", broken)
    assert client.post("/api/v1/chat/start", json={"message": SERVE}).status_code == 500
    listed = client.get("/api/v1/chat").json()["conversations"]
    assert len(listed) == 1 and listed[0]["message_count"] == 1
    history = client.get(f"/api/v1/chat/{listed[0]['id']}").json()
    assert [m["content"] for m in history["messages"]] == [SERVE]


def test_export_zips_the_plans_deliverables(client: TestClient) -> None:
    import io
    import zipfile

    from stack8s_architect.rendering.validation import validate_manifest

    cid = client.post("/api/v1/chat/start", json={"message": SERVE}).json()["conversation_id"]
    second = client.post("/api/v1/chat/message", json={"conversation_id": cid, "message": "use spot"}).json()
    response = client.get(f"/api/v1/chat/{cid}/plans/2/export")
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    assert f"stack8s-plan-{cid[:12]}-v2.zip" in response.headers["content-disposition"]
    assert response.headers["x-manifest-problems"] == "0"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        files = {name: archive.read(name).decode() for name in archive.namelist()}
    assert {"README.md", "plan.json", "diagram.mmd", "helmfile.yaml", "skypilot.yaml"} <= set(files)
    kube = [name for name in files if name.startswith("manifests/")]
    assert kube and all(validate_manifest(name, files[name]) == [] for name in kube)
    assert json.loads(files["plan.json"]) == second["plan"]  # the stored version, as the API returned it
    assert files["diagram.mmd"] == second["plan"]["diagram_mermaid"]
    assert [m["path"] for m in second["plan"]["manifests"]] == [n for n in files if n not in {
        "README.md", "plan.json", "diagram.mmd"}]
    assert "use_spot: true" in files["skypilot.yaml"]  # version 2 is the spot plan
    first = client.get(f"/api/v1/chat/{cid}/plans/1/export")
    assert first.status_code == 200 and first.content != response.content


@pytest.mark.parametrize(("path", "status", "text"), [
    ("/api/v1/chat/abc/plans/1/export", 404, "no conversation"),
    ("/api/v1/chat/abc/plans/0/export", 422, "version"),
    ("/api/v1/chat/ABC!/plans/1/export", 422, "conversation_id"),
])
def test_export_errors_say_what_to_change(client: TestClient, path: str, status: int, text: str) -> None:
    response = client.get(path)
    assert response.status_code == status and text in response.json()["error"]["message"]
    cid = client.post("/api/v1/chat/start", json={"message": SERVE}).json()["conversation_id"]
    missing = client.get(f"/api/v1/chat/{cid}/plans/3/export")
    assert missing.status_code == 404 and "no plan version 3" in missing.json()["error"]["message"]


def test_cli_export_writes_the_bundle(synced: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = cli_runner(synced, tmp_path / "home", monkeypatch)
    cid = json.loads(runner.invoke(cli_app, ["chat", "-m", SERVE, "--json"]).stdout)["conversation_id"]
    out = tmp_path / "bundle"
    result = runner.invoke(cli_app, ["export", cid, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "pass strict schema validation" in result.stdout
    assert (out / "README.md").is_file() and (out / "skypilot.yaml").is_file() and (out / "helmfile.yaml").is_file()
    assert json.loads((out / "plan.json").read_text())["version"] == 1
    assert sorted(p.name for p in (out / "manifests").iterdir())[0] == "00-namespace.yaml"
    greeting = runner.invoke(cli_app, ["chat", "-m", "hello", "--json"])
    no_plan = json.loads(greeting.stdout)["conversation_id"]
    assert runner.invoke(cli_app, ["export", no_plan]).exit_code == 2
    assert "no plan yet" in runner.invoke(cli_app, ["export", no_plan]).output
    assert runner.invoke(cli_app, ["export", cid, "--version", "9"]).exit_code == 2
    assert runner.invoke(cli_app, ["export", "zz"]).exit_code == 2
    again = runner.invoke(cli_app, ["export", cid, "-o", str(out)])
    assert again.exit_code == 2 and "--force" in again.output
    (out / "manifests" / "99-stale.yaml").write_text("kind: Stale\n")
    forced = runner.invoke(cli_app, ["export", cid, "-o", str(out), "--force"])
    assert forced.exit_code == 0 and not (out / "manifests" / "99-stale.yaml").exists()
    file_in_the_way = tmp_path / "file"
    file_in_the_way.write_text("x")
    blocked = runner.invoke(cli_app, ["export", cid, "-o", str(file_in_the_way)])
    assert blocked.exit_code == 2 and "not a directory" in blocked.output


def test_rename_and_delete_a_conversation(client: TestClient) -> None:
    cid = client.post("/api/v1/chat/start", json={"message": SERVE}).json()["conversation_id"]
    other = client.post("/api/v1/chat/start", json={"message": SERVE}).json()["conversation_id"]
    renamed = client.patch(f"/api/v1/chat/{cid}", json={"title": "  Llama   serving  "})
    assert renamed.status_code == 200 and renamed.json()["title"] == "Llama serving"
    assert renamed.json()["id"] == cid and renamed.json()["latest_plan_version"] == 1
    assert client.get(f"/api/v1/chat/{cid}").json()["title"] == "Llama serving"
    blank = client.patch(f"/api/v1/chat/{cid}", json={"title": "   "})
    assert blank.status_code == 422 and "title is blank" in blank.json()["error"]["message"]
    assert client.patch(f"/api/v1/chat/{cid}", json={"title": "x" * 81}).status_code == 422
    assert client.patch(f"/api/v1/chat/{cid}", json={"title": "a\x00b"}).status_code == 422
    assert client.patch(f"/api/v1/chat/{'f' * 32}", json={"title": "t"}).json()["error"]["code"] == "not_found"

    deleted = client.delete(f"/api/v1/chat/{cid}")
    assert deleted.status_code == 204 and deleted.content == b""
    assert client.get(f"/api/v1/chat/{cid}").status_code == 404
    assert client.get(f"/api/v1/chat/{cid}/plans/1").status_code == 404
    assert client.delete(f"/api/v1/chat/{cid}").status_code == 404
    listed = client.get("/api/v1/chat").json()
    assert listed["total"] == 1 and [c["id"] for c in listed["conversations"]] == [other]
    assert client.get(f"/api/v1/chat/{other}/plans/1").status_code == 200  # the other one is untouched


def test_a_greeting_conversation_takes_its_first_message_as_title(client: TestClient) -> None:
    greeting = client.post("/api/v1/chat/start", json={}).json()
    cid = greeting["conversation_id"]
    assert client.get(f"/api/v1/chat/{cid}").json()["title"] == "New conversation"
    client.post("/api/v1/chat/message", json={"conversation_id": cid, "message": SERVE})
    assert client.get(f"/api/v1/chat/{cid}").json()["title"] == SERVE
    client.post("/api/v1/chat/message", json={"conversation_id": cid, "message": "use spot"})
    assert client.get(f"/api/v1/chat/{cid}").json()["title"] == SERVE  # only the first message names it
    renamed = client.post("/api/v1/chat/start", json={}).json()["conversation_id"]
    client.patch(f"/api/v1/chat/{renamed}", json={"title": "Mine"})
    client.post("/api/v1/chat/message", json={"conversation_id": renamed, "message": SERVE})
    assert client.get(f"/api/v1/chat/{renamed}").json()["title"] == "Mine"  # a chosen title is kept


def test_a_conversation_deleted_mid_turn_is_a_404_not_a_500(client: TestClient, monkeypatch) -> None:  # noqa: ANN001
    """The turn holds no lock while it plans (an LLM call may take seconds): a DELETE goes through at once, and the
    turn, finding the conversation gone when it stores its answer, says so."""
    cid = client.post("/api/v1/chat/start", json={"message": SERVE}).json()["conversation_id"]
    chat = client.app.state.chat
    original = TurnEngine.turn

    def delete_then_turn(self, state, message, status):  # noqa: ANN001, ANN202  (mid-turn, in another request)
        chat.delete(cid)
        return original(self, state, message, status)

    monkeypatch.setattr(TurnEngine, "turn", delete_then_turn)
    reply = client.post("/api/v1/chat/message", json={"conversation_id": cid, "message": "use spot"})
    assert reply.status_code == 404 and "deleted during the turn" in reply.json()["error"]["message"]
    assert client.get(f"/api/v1/chat/{cid}").status_code == 404


def test_a_delete_racing_a_message_is_a_404_not_a_500(client: TestClient, monkeypatch) -> None:  # noqa: ANN001
    """The DELETE commits just before the message is stored (the race an SRE probe found): the message's one
    statement finds no conversation and answers 404."""
    from stack8s_architect.conversations.repository import ConversationStore

    cid = client.post("/api/v1/chat/start", json={"message": SERVE}).json()["conversation_id"]
    chat = client.app.state.chat
    store_message = ConversationStore.add_message

    def deleted_first(self, conversation_id, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        chat.delete(conversation_id)  # another request, in its own transaction
        return store_message(self, conversation_id, *args, **kwargs)

    monkeypatch.setattr(ConversationStore, "add_message", deleted_first)
    reply = client.post("/api/v1/chat/message", json={"conversation_id": cid, "message": "use spot"})
    assert reply.status_code == 404 and "it was deleted" in reply.json()["error"]["message"]
    monkeypatch.undo()
    assert client.get(f"/api/v1/chat/{cid}").status_code == 404  # gone, and nothing half-written


def test_the_cli_asks_a_running_service_when_architect_url_is_set(synced: Database, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """ARCHITECT_URL: chat, model and compute search answered by the service (its indexes warm), the same output;
    the conversation lives in the service; a service that is down or refuses says so in words."""
    from ..live import serving

    runner = cli_runner(synced, tmp_path / "home", monkeypatch)
    app = create_app(Settings.load(), database=synced, embed_in_background=False)
    with serving(app) as url:
        monkeypatch.setenv("ARCHITECT_URL", url)
        monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")  # never opened in this mode
        first = runner.invoke(cli_app, ["chat", "--message", SERVE, "--json"])
        assert first.exit_code == 0, first.output
        body = _json_in(first.stdout)
        assert list(body) == CONTRACT and body["kind"] == "plan"
        said = runner.invoke(cli_app, ["chat", "-m", "use spot", "-c", body["conversation_id"]])
        assert said.exit_code == 0 and "Deployment plan (version 2)" in said.stdout
        assert f"conversation {body['conversation_id']}" in said.stderr  # the id to go on with, in words
        history = app.state.chat.history(body["conversation_id"])  # the service keeps the conversation
        assert [m["content"] for m in history["messages"] if m["role"] == "user"] == [SERVE, "use spot"]
        offers = runner.invoke(cli_app, ["compute", "search", "--gpu", "L4", "--json"])
        assert offers.exit_code == 0 and _json_in(offers.stdout)["offers"][0]["accelerator"] == "L4"
        missing = runner.invoke(cli_app, ["chat", "-m", "hi", "-c", "abc123"])
        assert missing.exit_code == 2 and "abc123" in missing.output
        bad = runner.invoke(cli_app, ["compute", "search", "--gpu", "H100", "--region", "mars-north-9"])
        assert bad.exit_code == 2 and "mars-north-9" in bad.output
    down = runner.invoke(cli_app, ["compute", "search", "--gpu", "L4"])  # the service has stopped
    assert down.exit_code == 1 and "is not reachable" in down.output and "ARCHITECT_URL" in down.output


def _json_in(text: str) -> dict:
    """The JSON document a command printed (the in-process service's own log lines may share the captured output)."""
    return json.JSONDecoder().raw_decode(text[text.index("{\n"):])[0]
