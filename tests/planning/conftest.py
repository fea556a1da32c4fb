"""The planner over the fixture catalogs (tests/planning/fixtures.py), in the test's embedded database."""

from __future__ import annotations

from pathlib import Path

import pytest

from stack8s_architect.core.database import Database
from stack8s_architect.planning.planner import PlannerContext

from .fixtures import sync_fixture_catalogs


@pytest.fixture
def context(database: Database, tmp_path: Path):  # noqa: ANN201
    sync_fixture_catalogs(database, tmp_path)
    with database.session() as session:
        yield PlannerContext.for_session(session)
