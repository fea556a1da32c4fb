"""Shared fixtures: one embedded PostgreSQL per test session, a fresh database per test that needs one."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from stack8s_architect.core.database import Database
from stack8s_architect.core.embedded_postgres import EmbeddedPostgres

_SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
# A developer's own kubeconfig must not reach into the tests' plans; the cluster tests configure their own.
os.environ["ARCHITECT_CLUSTER"] = "off"


def shared_data_dir() -> Path | None:
    """The real catalog snapshots (ARCHITECT_DATA_MIRROR, else ../shared/data), or None."""
    candidate = Path(os.environ.get("ARCHITECT_DATA_MIRROR") or _SHARED_DATA)
    return candidate if (candidate / "compute").is_dir() else None


def reachable_home() -> Path:
    """A fresh ARCHITECT_HOME the server account can traverse (mkdtemp makes 0700 folders)."""
    home = Path(tempfile.mkdtemp(prefix="architect-test-"))
    home.chmod(0o755)
    return home


@pytest.fixture
def pg_home() -> Iterator[Path]:
    home = reachable_home()
    yield home / "home"
    shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    found = shared_data_dir()
    if found is None:
        pytest.skip("../shared/data (or ARCHITECT_DATA_MIRROR) is absent: no real catalogs to test against")
    return found


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[EmbeddedPostgres]:
    home = reachable_home()
    server = EmbeddedPostgres(home)
    server.start()
    yield server
    server.stop(only_if_idle=False)
    shutil.rmtree(home, ignore_errors=True)
    shutil.rmtree(server.runtime_dir, ignore_errors=True)


def _admin(server: EmbeddedPostgres) -> psycopg.Connection:
    return psycopg.connect(host=str(server.socket_dir), port=5432, user="postgres", dbname="postgres", autocommit=True)


@pytest.fixture(scope="session")
def template_database(postgres_server: EmbeddedPostgres) -> str:
    """A database migrated once; fresh databases are cheap copies of it."""
    name = "architect_template"
    with _admin(postgres_server) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    database = Database(postgres_server.url(name))
    database.upgrade()
    database.engine.dispose()
    return name


def create_database(server: EmbeddedPostgres, template: str) -> Database:
    name = f"t_{uuid.uuid4().hex[:12]}"
    with _admin(server) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return Database(server.url(name))


def drop_database(server: EmbeddedPostgres, database: Database) -> None:
    name = database.engine.url.database
    database.engine.dispose()
    with _admin(server) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def database(postgres_server: EmbeddedPostgres, template_database: str) -> Iterator[Database]:
    """A fresh, migrated, empty database for one test."""
    db = create_database(postgres_server, template_database)
    yield db
    drop_database(postgres_server, db)


def local_client(app, **options):  # noqa: ANN001, ANN201
    """A TestClient that looks like a browser on this machine (loopback client, Host 127.0.0.1): single-user mode
    serves only such requests."""
    from fastapi.testclient import TestClient

    return TestClient(app, base_url="http://127.0.0.1:8000", client=("127.0.0.1", 50000), **options)


def cli_runner(database: Database, home: Path, monkeypatch: pytest.MonkeyPatch) -> "CliRunner":  # noqa: F821
    """A CliRunner whose `architect` commands use `database` (quiet logs, a throw-away home)."""
    from typer.testing import CliRunner

    monkeypatch.setenv("DATABASE_URL", database.url)
    monkeypatch.setenv("ARCHITECT_HOME", str(home))
    monkeypatch.setenv("ARCHITECT_LOG_LEVEL", "WARNING")
    return CliRunner()
