"""The embedded server: start, reuse by a second process, ownership on stop, recovery after kill -9."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from stack8s_architect.core.embedded_postgres import EmbeddedPostgres


def connect(server: EmbeddedPostgres) -> psycopg.Connection:
    return psycopg.connect(host=str(server.socket_dir), port=5432, user="postgres", dbname="architect", autocommit=True)


def wait_until_dead(pid: int, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    raise AssertionError(f"process {pid} still alive")


def test_second_instance_reuses_and_only_the_owner_stops(pg_home: Path) -> None:
    first = EmbeddedPostgres(pg_home)
    url = first.start()
    assert first.started_here
    second = EmbeddedPostgres(pg_home)
    assert second.start() == url
    assert not second.started_here
    assert second.stop() is False  # not the owner
    with connect(first):
        assert first.stop() is False  # another client is connected: leave it running
    assert first.stop() is True
    assert first.postmaster_pid() is None


def test_second_process_reuses_the_running_server(pg_home: Path) -> None:
    server = EmbeddedPostgres(pg_home)
    server.start()
    try:
        code = (
            "import sys; from pathlib import Path;"
            "from stack8s_architect.core.embedded_postgres import EmbeddedPostgres;"
            f"s = EmbeddedPostgres(Path({str(pg_home)!r})); s.start();"
            "sys.exit(0 if not s.started_here else 3)"
        )
        assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 0
    finally:
        server.stop(only_if_idle=False)


def test_kill_9_loses_no_committed_data(pg_home: Path) -> None:
    server = EmbeddedPostgres(pg_home)
    server.start()
    with connect(server) as conn:
        conn.execute("CREATE TABLE kept (id int PRIMARY KEY, note text)")
        conn.execute("INSERT INTO kept SELECT g, 'row ' || g FROM generate_series(1, 1000) g")
    pid = server.postmaster_pid()
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    wait_until_dead(pid)
    again = EmbeddedPostgres(pg_home)
    again.start()
    try:
        assert again.started_here
        with connect(again) as conn:
            assert conn.execute("SELECT count(*), max(note) FROM kept").fetchone() == (1000, "row 999")
    finally:
        again.stop(only_if_idle=False)


def test_server_orphaned_by_a_killed_owner_is_adopted(pg_home: Path) -> None:
    code = (
        "import os, signal; from pathlib import Path;"
        "from stack8s_architect.core.embedded_postgres import EmbeddedPostgres;"
        f"EmbeddedPostgres(Path({str(pg_home)!r})).start(); os.kill(os.getpid(), signal.SIGKILL)"
    )
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == -signal.SIGKILL
    survivor = EmbeddedPostgres(pg_home)
    assert survivor.postmaster_pid() is not None  # the server outlived its owner
    survivor.start()
    assert survivor.started_here  # adopted, so this process stops it
    assert survivor.stop() is True


@pytest.mark.skipif(os.geteuid() != 0, reason="the unreachable-home fallback only applies when running as root")
def test_home_the_server_account_cannot_reach_is_relocated(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o700)
    server = EmbeddedPostgres(locked / "home")
    assert not str(server.runtime_dir).startswith(str(locked))
    assert server.runtime_dir == EmbeddedPostgres(locked / "home").runtime_dir  # stable per home


def test_home_with_a_space_and_a_private_socket(pg_home: Path) -> None:
    spaced = pg_home.parent / "Application Support" / "architect"
    server = EmbeddedPostgres(spaced)
    server.start()
    try:
        with connect(server) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
        socket = server.socket_dir / ".s.PGSQL.5432"
        assert socket.stat().st_mode & 0o077 == 0  # no other local account may connect
    finally:
        server.stop(only_if_idle=False)


def test_a_planted_symlink_is_refused(tmp_path: Path) -> None:
    from stack8s_architect.core.embedded_postgres import _own_folder
    from stack8s_architect.core.errors import DatabaseUnavailableError

    target = tmp_path / "elsewhere"
    target.mkdir()
    planted = tmp_path / "planted"
    planted.symlink_to(target)
    with pytest.raises(DatabaseUnavailableError, match="not a folder owned"):
        _own_folder(planted, shared_parent=True)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(("stop", "workers", "code"), [(signal.SIGTERM, "1", 143), (signal.SIGINT, "1", 0),
                                                       (signal.SIGTERM, "2", 0)])
def test_stopping_architect_serve_stops_the_embedded_server_it_started(pg_home: Path, stop: signal.Signals,
                                                                       workers: str, code: int) -> None:
    """`architect serve` as a person runs it (embedded database, no DATABASE_URL), stopped by SIGTERM (a supervisor,
    `kill`) or SIGINT (Ctrl-C): the PostgreSQL it started stops with it — with its worker processes too. One process
    ends on SIGTERM with the conventional 143, Ctrl-C the way uvicorn ends it; a parent of workers, successfully."""
    import httpx

    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith("ARCHITECT_LLM")}
    environment.update({"ARCHITECT_HOME": str(pg_home), "ARCHITECT_LOG_LEVEL": "WARNING", "ARCHITECT_WORKERS": workers})
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "stack8s_architect.cli", "serve", "--port", str(port)],
                               env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        assert process.poll() is None, process.stderr.read().decode()[-2000:]
        server = EmbeddedPostgres(pg_home)
        pid = server.postmaster_pid()
        assert pid is not None  # the service started it
        process.send_signal(stop)
        assert process.wait(timeout=60) == code
        wait_until_dead(pid, timeout_s=30)
        assert server.postmaster_pid() is None
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
