"""Schemathesis against the OpenAPI document, every operation, over the real service (uvicorn on loopback, the
embedded PostgreSQL, fixture catalogs): no 5xx, every status documented, every body as documented — including
the house error shape `{"error": {"code", "message"}}`. Bounded: a fixed number of examples per operation,
generated deterministically."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

from stack8s_architect.api.app import create_app
from stack8s_architect.core.embedded_postgres import EmbeddedPostgres
from stack8s_architect.core.settings import Settings

from ..conftest import create_database, drop_database
from ..live import serving, sync_all_fixtures

EXAMPLES = 12  # per operation, on top of Schemathesis' own coverage cases
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance, content_type_conformance]


def _settings() -> Settings:
    settings = Settings.load()  # single-user mode on loopback; no rate limit, so every example is exercised
    return settings.model_copy(update={"security": settings.security.model_copy(update={"rate_limit_per_minute": 0})})


# The document comes from the app itself (no server needed to collect the tests).
schema = schemathesis.openapi.from_dict(
    create_app(_settings(), embed_in_background=False).openapi(),
    config=schemathesis.Config.from_dict({"generation": {"max-examples": EXAMPLES, "deterministic": True,
                                                         "database": "none"}}),
)


@pytest.fixture(scope="module")
def live(postgres_server: EmbeddedPostgres, template_database: str, tmp_path_factory) -> Iterator[str]:  # noqa: ANN001
    database = create_database(postgres_server, template_database)
    sync_all_fixtures(database, tmp_path_factory.mktemp("fuzz-catalogs"))
    with serving(create_app(_settings(), database=database, embed_in_background=False)) as url:
        # the service warms its model index in a thread; fuzzing while it parses and compiles raced CPython 3.11.7's
        # AST ("recursion depth mismatch") twice in CI — the cases start once it is done
        for thread in threading.enumerate():
            if thread.name == "warm-models":
                thread.join(timeout=300)
        yield url
    drop_database(postgres_server, database)


@schema.parametrize()
def test_api(case: schemathesis.Case, live: str) -> None:
    case.call_and_validate(base_url=live, checks=CHECKS, timeout=60)
