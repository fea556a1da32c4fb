"""The `architect` command line against a real database (given by DATABASE_URL, as a user would)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stack8s_architect.cli import app
from stack8s_architect.core.database import Database

from .catalog.charts.fixtures import write_chart_mirror

VAST = """InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,GpuInfo,Price,SpotPrice,Region
1x-RTX_4090-16-65536,RTX4090,1,16,64.0,"{'Gpus': [{'Name': 'RTX4090', 'Count': 1, 'MemoryInfo': {'SizeInMiB': 24564}}]}",0.35,0.00,"Oregon, US, NA"
2x-RTX_4090-32-131072,RTX4090,2,32,128.0,"{'Gpus': [{'Name': 'RTX4090', 'Count': 2, 'MemoryInfo': {'SizeInMiB': 49128}}]}",0.70,0.00,"Germany, DE, EU"
"""


@pytest.fixture
def cli(database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    mirror = tmp_path / "mirror"
    (mirror / "compute/skypilot-catalog/v9/vast").mkdir(parents=True)
    (mirror / "compute/skypilot-catalog/v9/vast/vms.csv").write_text(VAST)
    monkeypatch.setenv("DATABASE_URL", database.url)
    monkeypatch.setenv("ARCHITECT_DATA_MIRROR", str(mirror))
    monkeypatch.setenv("ARCHITECT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ARCHITECT_LOG_LEVEL", "WARNING")
    return CliRunner()


def test_sync_status_search_and_gpus(cli: CliRunner) -> None:
    synced = cli.invoke(app, ["data", "sync", "--source", "skypilot-vast"])
    assert synced.exit_code == 0, synced.output
    assert "ingested" in synced.output
    status = json.loads(cli.invoke(app, ["data", "status", "--json"]).stdout)
    vast = next(s for s in status["sources"] if s["source_id"] == "skypilot-vast")
    assert vast["rows"] == 2 and vast["origin"] == "mirror" and vast["last_status"] == "ingested"
    found = cli.invoke(app, ["compute", "search", "--gpu", "rtx 4090", "--geo", "europe", "--json"])
    assert found.exit_code == 0, found.output
    offers = json.loads(found.stdout)["offers"]
    assert [(o["instance_type"], o["country"]) for o in offers] == [("2x-RTX_4090-32-131072", "DE")]
    table = cli.invoke(app, ["compute", "search", "--gpu", "RTX4090", "--count", "1"])
    assert "1x-RTX_4090-16-65536" in table.output and "2x-RTX" not in table.output
    gpus = json.loads(cli.invoke(app, ["compute", "gpus", "--json"]).stdout)
    assert next(g for g in gpus if g["key"] == "RTX4090")["offers"] == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["compute", "search", "--gpu", "H1000"], "Did you mean"),
        (["compute", "search", "--count", "8-2"], "min_count is larger than max_count"),
        (["compute", "search", "--count", "lots"], "--count"),
        (["compute", "search", "--geo", "atlantis"], "Unknown geography"),
        (["data", "sync", "--only", "computer"], "Did you mean: compute"),
    ],
)
def test_bad_input_exits_2_with_a_message(cli: CliRunner, args: list[str], message: str) -> None:
    result = cli.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.output


def test_bad_setting_names_the_variable(cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARCHITECT_PORT", "abc")
    result = cli.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 1
    assert "ARCHITECT_PORT" in result.output


def test_external_database_url_is_migrated_through_the_same_code(cli: CliRunner) -> None:
    result = cli.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0 and "up to date" in result.output


def test_charts_sync_search_show_and_stack(cli: CliRunner, tmp_path: Path) -> None:
    write_chart_mirror(tmp_path / "mirror")  # the real chart sources read the fixture mirror's folders
    sources = ["charts-qdrant-qdrant-helm", "charts-zilliztech-milvus-helm", "charts-bitnami-charts",
               "charts-version-history", "charts-artifacthub-2022"]
    synced = cli.invoke(app, ["data", "sync", *(arg for s in sources for arg in ("--source", s))])
    assert synced.exit_code == 0, synced.output
    found = json.loads(cli.invoke(app, ["charts", "search", "vector database", "--json"]).stdout)
    assert [hit["id"] for hit in found["results"]][:3] == ["qdrant/qdrant", "milvus/milvus", "bitnami/milvus"]
    table = cli.invoke(app, ["charts", "search", "--role", "cache"])
    assert table.exit_code == 0 and "bitnami/valkey" in table.output
    shown = cli.invoke(app, ["charts", "show", "redis"])
    assert shown.exit_code == 0 and "bitnami/redis" in shown.output and "install: helm install redis" in shown.output
    stack = json.loads(cli.invoke(app, ["charts", "stack", "rag", "--json"]).stdout)
    assert {c["role"]: c["chart_id"] for c in stack["components"]}["vector-db"] == "qdrant/qdrant"
    printed = cli.invoke(app, ["charts", "stack", "rag", "--optional"])
    assert printed.exit_code == 0 and "Retrieval-augmented generation" in printed.output and "no chart for" in printed.output
    bad = cli.invoke(app, ["charts", "stack", "ragg"])
    assert bad.exit_code == 2 and "Did you mean: rag" in bad.output
    empty = cli.invoke(app, ["charts", "search"])
    assert empty.exit_code == 2 and "give a query" in empty.output


def test_table_figures_share_one_format() -> None:
    from stack8s_architect.cli import _num

    assert [_num(v) for v in (1270.0, 2086.5, 373.7, 0.75, 12345.678, None)] == [
        "1,270", "2,086.5", "373.7", "0.75", "12,345.68", "-"]
