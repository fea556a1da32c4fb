"""Several service processes over one PostgreSQL behave as one service: two `architect serve` processes (as two
replicas would be) share a conversation's turn order, a user's rate limit and the catalogs a sync changes; and
`architect serve --workers 2` drains on SIGTERM (/ready 503, in-flight turns finish)."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from stack8s_architect.accounts.repository import AccountStore
from stack8s_architect.catalog import ingest
from stack8s_architect.catalog.repository import VERSION_CHECK_S
from stack8s_architect.catalog.sources import SourceReader
from stack8s_architect.core.database import Database

from ..agents.fake_openai import Script, fake_openai
from ..catalog.compute.fixtures import FILES, fixture_sources, write_mirror
from ..conftest import reachable_home
from ..live import ServiceProcesses, sync_all_fixtures

SERVE = "Serve an 8B model for 20 concurrent users with a budget of $5000 per month"


@pytest.fixture
def synced(database: Database, tmp_path: Path) -> Database:
    sync_all_fixtures(database, tmp_path)
    return database


@pytest.fixture
def services(synced: Database) -> Iterator[ServiceProcesses]:
    running = ServiceProcesses(synced, reachable_home())
    yield running
    running.stop_all()


def _token(database: Database, name: str) -> dict[str, str]:
    with database.session() as session:
        store = AccountStore(session)
        store.create_user(name)
        return {"Authorization": f"Bearer {store.create_token(name, 'test')[1]}"}


def test_one_conversation_answered_by_two_processes_keeps_one_ordered_history(
        synced: Database, services: ServiceProcesses) -> None:
    alice = _token(synced, "alice")
    first, second = services.start(), services.start()
    cid = httpx.post(f"{first.url}/api/v1/chat/start", json={"message": SERVE}, headers=alice,
                     timeout=60).json()["conversation_id"]
    messages = ["use spot", "only Lambda please", "make it 40 concurrent users", "budget $9000 per month",
                "prefer europe", "you decide"]
    barrier = threading.Barrier(len(messages))
    codes: list[int] = []

    def send(index: int, text: str) -> None:
        url = (first, second)[index % 2].url  # alternately to each process, all at once
        barrier.wait()
        codes.append(httpx.post(f"{url}/api/v1/chat/message", json={"conversation_id": cid, "message": text},
                                headers=alice, timeout=120).status_code)

    threads = [threading.Thread(target=send, args=(i, m)) for i, m in enumerate(messages)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=150)
    history = httpx.get(f"{second.url}/api/v1/chat/{cid}", headers=alice, timeout=30).json()
    assert codes == [200] * len(messages)
    rows = history["messages"]
    assert [m["sequence"] for m in rows] == list(range(1, 2 + 2 * len(messages) + 1))  # none lost, none twice
    users = [m for m in rows if m["role"] == "user"]
    answers = [m for m in rows if m["role"] == "assistant" and m["reply_to"]]
    assert [a["reply_to"] for a in answers] == [u["message_id"] for u in users]  # each answered once, in order
    assert sorted(m["content"] for m in users[1:]) == sorted(messages)
    assert [p["version"] for p in history["plans"]] == list(range(1, len(history["plans"]) + 1))


def test_a_users_rate_limit_holds_across_processes(synced: Database, services: ServiceProcesses) -> None:
    alice, bob = _token(synced, "alice"), _token(synced, "bob")
    # 10 at once, then one a minute: over a test's few seconds, 10 requests in all, whichever process answers
    limits = {"ARCHITECT_RATE_LIMIT_PER_MINUTE": "1", "ARCHITECT_RATE_LIMIT_BURST": "10"}
    first, second = services.start(**limits), services.start(**limits)
    codes = [httpx.get(f"{(first, second)[i % 2].url}/api/v1/chat", headers=alice, timeout=30).status_code
             for i in range(16)]
    assert codes == [200] * 10 + [429] * 6  # one bucket: an in-process limiter would let 20 through
    assert httpx.get(f"{second.url}/api/v1/chat", headers=bob, timeout=30).status_code == 200  # bob's own bucket
    guesses = [httpx.get(f"{(first, second)[i % 2].url}/api/v1/chat", headers={"Authorization": f"Bearer bad-{i}"},
                         timeout=30).status_code for i in range(12)]
    assert guesses == [401] * 10 + [429] * 2  # bad tokens from one address: one bucket across both


def test_a_sync_done_elsewhere_is_seen_by_every_process(synced: Database, services: ServiceProcesses,
                                                        tmp_path: Path) -> None:
    first, second = services.start(), services.start()
    query = {"accelerators": ["H100"], "providers": ["lambda"], "regions": ["us-east-1"], "max_count": 1}

    def prices(service) -> set[float]:  # noqa: ANN001
        offers = httpx.post(f"{service.url}/api/v1/tools/compute/search", json=query, timeout=30).json()["offers"]
        return {offer["price_per_hour_usd"] for offer in offers}

    assert prices(first) == prices(second) == {3.29}  # both processes have built their index
    cheaper = {"lambda": FILES["lambda"].replace("gpu_1x_h100_sxm5,H100,1,26,225,3.29,us-east-1",
                                                 "gpu_1x_h100_sxm5,H100,1,26,225,2.49,us-east-1")}
    mirror = write_mirror(tmp_path / "changed", cheaper)  # a third process (this test) syncs a new price list
    ingest.sync(synced, SourceReader(mirror, tmp_path / "cache2"), fixture_sources(("lambda",)))
    # each process trusts the version it read for VERSION_CHECK_S: the new prices show within that, in both
    deadline = time.monotonic() + VERSION_CHECK_S + 5
    while [prices(first), prices(second)] != [{2.49}, {2.49}] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert prices(first) == prices(second) == {2.49}


def test_workers_drain_on_sigterm_and_finish_the_turns_under_way(synced: Database,
                                                                 services: ServiceProcesses) -> None:
    """Two workers behind one port; SIGTERM: /ready says 503 for ARCHITECT_DRAIN_S while requests are still
    served, then the server stops accepting and the turn in flight (held 4 s inside the LLM) still completes."""
    script = Script(mode="slow", delay_s=4.0, reply={})
    with fake_openai(script) as llm_url:
        service = services.start(None, "--workers", "2", ARCHITECT_LLM="openai-compatible:fake-model",
                                 ARCHITECT_LLM_BASE_URL=llm_url, ARCHITECT_LLM_TIMEOUT_S="30", ARCHITECT_DRAIN_S="3",
                                 ARCHITECT_WORKERS="4", wait_ready=True)  # --workers wins over ARCHITECT_WORKERS
        assert httpx.get(f"{service.url}/ready", timeout=10).status_code == 200
        result: dict[str, httpx.Response] = {}
        turn = threading.Thread(target=lambda: result.setdefault("turn", httpx.post(
            f"{service.url}/api/v1/chat/start", json={"message": SERVE}, timeout=60)))
        turn.start()
        deadline = time.monotonic() + 30
        while not script.requests and time.monotonic() < deadline:
            time.sleep(0.05)
        assert script.requests, "the turn never reached the LLM"
        service.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        draining = [httpx.get(f"{service.url}/ready", timeout=10) for _ in range(4)]  # whichever worker answers
        health = httpx.get(f"{service.url}/health", timeout=10)
        turn.join(timeout=60)
        assert service.wait(timeout=60) == 0
    assert {r.status_code for r in draining} == {503} and draining[0].json()["error"]["checks"] == {"draining": True}
    assert health.status_code == 200  # still serving while the load balancer moves away
    assert result["turn"].status_code == 200 and result["turn"].json()["kind"] == "plan"
    assert b"2 worker processes" in service.stderr.read()
