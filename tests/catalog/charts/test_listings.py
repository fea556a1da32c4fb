"""The CSV chart tables: release history rebuilt from git (index rows skipped, history origins kept, incomplete rows
dropped) and the 2022 Artifact Hub listing (one package per repository and chart, its fields, dropped rows)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from stack8s_architect.catalog.charts.adapters.listings import read_artifacthub_listing, read_version_history
from stack8s_architect.catalog.charts.records import ChartPackage, ChartVersion

HISTORY_COLUMNS = ("source_repo", "chart", "version", "app_version", "created", "prerelease", "deprecated",
                   "api_version", "kube_version", "type", "category", "dependencies", "version_source", "ref",
                   "index_file", "url")
LISTING_COLUMNS = ("repo_name", "repo_url", "chart", "chart_version", "app_version", "pss_level", "badrobot_score",
                   "evaluation_date", "source_repo", "source_commit", "source_path")


def _write_csv(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _history(**values: str) -> dict[str, str]:
    row = {"source_repo": "bitnami/charts", "chart": "redis", "version": "20.0.0", "app_version": "7.4.0",
           "created": "2025-09-02T09:02:08+02:00", "prerelease": "False", "deprecated": "False", "api_version": "v2",
           "version_source": "git-history", "ref": "157ac963"}
    return row | values


def _listing(**values: str) -> dict[str, str]:
    row = {"repo_name": "cert-manager", "repo_url": "https://charts.jetstack.io", "chart": "cert-manager",
           "chart_version": "v1.10.1", "app_version": "v1.10.1", "pss_level": "restricted",
           "evaluation_date": "2022-12-07, 18:31:10", "source_repo": "vicenteherrera/secobs-charts"}
    return row | values


def test_history_keeps_git_origins(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "versions.csv", HISTORY_COLUMNS, [
        _history(),
        _history(source_repo="prometheus-community/helm-charts", chart="kube-prometheus-stack", version="v61.0.0",
                 app_version="", created="", version_source="git-tags"),
        _history(chart="single", version="1.0.0", version_source="single-file", deprecated="True"),
    ])
    batch = read_version_history(path)
    assert batch.rows_read == 3
    assert not batch.dropped
    assert batch.packages == []
    assert batch.versions[0] == ChartVersion(
        repository="bitnami/charts", chart="redis", version="20.0.0", origin="git-history", app_version="7.4.0",
        created="2025-09-02T09:02:08+02:00", prerelease=False, deprecated=False, digest=None,
    )
    tags = batch.versions[1]
    assert (tags.origin, tags.version, tags.app_version, tags.created) == ("git-tags", "v61.0.0", None, None)
    assert batch.versions[2].origin == "single-file"
    assert batch.versions[2].deprecated is True


def test_history_skips_index_rows(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "versions.csv", HISTORY_COLUMNS, [
        _history(version_source="index.yaml", index_file="@gh-pages/index.yaml"),
        _history(version="20.0.1"),
    ])
    batch = read_version_history(path)
    assert [v.version for v in batch.versions] == ["20.0.1"]
    assert batch.rows_read == 2
    assert batch.dropped == {"published in an index (read from the index itself)": 1}


@pytest.mark.parametrize(
    "row",
    [
        _history(source_repo=""),
        _history(chart="  "),
        _history(version=""),
        _history(version_source=""),
        _history(version_source="helm-search"),
    ],
    ids=["no repository", "blank chart", "no version", "no origin", "unknown origin"],
)
def test_history_drops_incomplete_rows(tmp_path: Path, row: dict[str, str]) -> None:
    path = _write_csv(tmp_path / "versions.csv", HISTORY_COLUMNS, [row, _history(version="20.0.1")])
    batch = read_version_history(path)
    assert [v.version for v in batch.versions] == ["20.0.1"]
    assert batch.dropped == {"row without repository, chart, version or known origin": 1}


def test_history_prerelease_from_column_or_version(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "versions.csv", HISTORY_COLUMNS, [
        _history(version="1.0.0", prerelease="True"),
        _history(version="2.0.0-rc.1", prerelease="False"),
        _history(version="3.0.0", prerelease="False"),
    ])
    assert [v.prerelease for v in read_version_history(path).versions] == [True, True, False]


def test_history_strips_key_fields(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "versions.csv", HISTORY_COLUMNS, [
        _history(source_repo=" bitnami/charts ", chart=" redis ", version=" 20.0.0 ", version_source=" git-history "),
    ])
    version = read_version_history(path).versions[0]
    assert (version.repository, version.chart, version.version, version.origin) == (
        "bitnami/charts", "redis", "20.0.0", "git-history")


def test_history_drops_a_truncated_row(tmp_path: Path) -> None:
    path = tmp_path / "versions.csv"
    path.write_text(",".join(HISTORY_COLUMNS) + "\nbitnami/charts,redis\n"
                    "bitnami/charts,redis,20.0.1,,,False,False,v2,,,,,git-history,abc,,\n", encoding="utf-8")
    batch = read_version_history(path)
    assert [v.version for v in batch.versions] == ["20.0.1"]
    assert batch.dropped == {"row without repository, chart, version or known origin": 1}


def test_listing_package_fields(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "listing.csv", LISTING_COLUMNS, [_listing()])
    batch = read_artifacthub_listing(path)
    assert batch.rows_read == 1
    assert batch.versions == []
    assert batch.packages == [ChartPackage("cert-manager", "cert-manager", "artifacthub", None, {
        "version": "v1.10.1", "app_version": "v1.10.1", "helm_repo": "https://charts.jetstack.io",
        "evaluated_on": "2022-12-07", "pod_security_level": "restricted",
    })]


def test_listing_blank_fields_are_none(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "listing.csv", LISTING_COLUMNS, [
        _listing(repo_url=" ", chart_version="", app_version="", pss_level="", evaluation_date=""),
    ])
    fields = read_artifacthub_listing(path).packages[0].fields
    assert fields == {"version": None, "app_version": None, "helm_repo": None, "evaluated_on": None,
                      "pod_security_level": None}


def test_listing_drops_repeats_and_incomplete_rows(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "listing.csv", LISTING_COLUMNS, [
        _listing(),
        _listing(chart_version="v1.9.0"),
        _listing(repo_name=" cert-manager ", chart=" cert-manager "),
        _listing(repo_name="jetstack", chart="cert-manager"),
        _listing(repo_name=""),
        _listing(chart=" "),
    ])
    batch = read_artifacthub_listing(path)
    assert [(p.repository, p.name, p.fields["version"]) for p in batch.packages] == [
        ("cert-manager", "cert-manager", "v1.10.1"), ("jetstack", "cert-manager", "v1.10.1")]
    assert batch.rows_read == 6
    assert batch.dropped == {"repeated (repository, chart)": 2, "row without repository or chart": 2}


def test_listing_tolerates_a_truncated_row(tmp_path: Path) -> None:
    path = tmp_path / "listing.csv"
    path.write_text(",".join(LISTING_COLUMNS) + "\nrook,https://charts.rook.io/release,rook-ceph\nrook\n",
                    encoding="utf-8")
    batch = read_artifacthub_listing(path)
    assert [(p.repository, p.name, p.fields["helm_repo"], p.fields["version"]) for p in batch.packages] == [
        ("rook", "rook-ceph", "https://charts.rook.io/release", None)]
    assert batch.dropped == {"row without repository or chart": 1}
