"""What chart-source adapters produce, before the catalog joins them into one entry per chart.

A `ChartPackage` is a chart as one source describes it (a Chart.yaml in a source tree, the newest
entry of a published index, or a line of the Artifact Hub listing); a `ChartVersion` is one
released version. The catalog (`catalog.py`) joins packages and versions per (repository, chart).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

@dataclass
class ChartPackage:
    repository: str  # GitHub owner/name of the source, or the Artifact Hub repository name
    name: str
    origin: str  # tree | index | history | artifacthub
    path: str | None = None  # chart folder inside the repository (tree) or index file (index)
    fields: dict[str, Any] = field(default_factory=dict)
    resources: dict[str, Any] | None = None  # ChartResources.to_dict() of the default values.yaml


@dataclass(frozen=True)
class ChartVersion:
    repository: str
    chart: str
    version: str
    origin: str  # index | git-history | git-tags | single-file
    app_version: str | None = None
    created: str | None = None  # ISO 8601 as the source gives it
    prerelease: bool = False
    deprecated: bool = False
    digest: str | None = None


@dataclass
class ChartBatch:
    packages: list[ChartPackage] = field(default_factory=list)
    versions: list[ChartVersion] = field(default_factory=list)
    rows_read: int = 0
    dropped: Counter[str] = field(default_factory=Counter)
