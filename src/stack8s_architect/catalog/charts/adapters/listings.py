"""Chart tables that are not Helm's own formats: release history rebuilt from git, and Artifact Hub breadth.

- `chart_versions.csv` lists one row per released version. Rows whose versions come from a published
  index are skipped (the repository adapter reads the index itself); the rest are versions of
  repositories that publish no index (Bitnami, prometheus-community, ...), rebuilt from git history
  or release tags, with the commit date as the release date.
- The Artifact Hub listing (late 2022) names 10,321 charts in 2,028 Helm repositories with their
  version and app version only: it gives breadth and the repository URL, never rich metadata.
"""

from __future__ import annotations

import csv
from pathlib import Path

from stack8s_architect.catalog.charts.records import ChartBatch, ChartPackage, ChartVersion
from stack8s_architect.catalog.charts.versions import is_prerelease

_HISTORY_ORIGINS = {"git-history", "git-tags", "single-file"}


def read_version_history(path: Path) -> ChartBatch:
    batch = ChartBatch()
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            batch.rows_read += 1
            origin = (row.get("version_source") or "").strip()
            if origin == "index.yaml":
                batch.dropped["published in an index (read from the index itself)"] += 1
                continue
            repository, chart, version = ((row.get(k) or "").strip() for k in ("source_repo", "chart", "version"))
            if origin not in _HISTORY_ORIGINS or not (repository and chart and version):
                batch.dropped["row without repository, chart, version or known origin"] += 1
                continue
            batch.versions.append(ChartVersion(
                repository=repository, chart=chart, version=version, origin=origin,
                app_version=row.get("app_version") or None, created=row.get("created") or None,
                prerelease=row.get("prerelease") == "True" or is_prerelease(version),
                deprecated=row.get("deprecated") == "True", digest=None,
            ))
    return batch


def read_artifacthub_listing(path: Path) -> ChartBatch:
    batch = ChartBatch()
    seen: set[tuple[str, str]] = set()
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            batch.rows_read += 1
            repo, chart = (row.get("repo_name") or "").strip(), (row.get("chart") or "").strip()
            if not repo or not chart:
                batch.dropped["row without repository or chart"] += 1
                continue
            if (repo, chart) in seen:
                batch.dropped["repeated (repository, chart)"] += 1
                continue
            seen.add((repo, chart))
            fields = {
                "version": (row.get("chart_version") or "").strip() or None,
                "app_version": (row.get("app_version") or "").strip() or None,
                "helm_repo": (row.get("repo_url") or "").strip() or None,
                "evaluated_on": (row.get("evaluation_date") or "")[:10] or None,
                "pod_security_level": (row.get("pss_level") or "").strip() or None,
            }
            batch.packages.append(ChartPackage(repo, chart, "artifacthub", None, fields))
    return batch
