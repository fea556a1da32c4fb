"""A Helm chart repository as published: chart source trees and `index.yaml` files.

Reads what `helm` itself reads — `Chart.yaml` (v2, or v1 with `requirements.yaml`), the default
`values.yaml`, and repository indexes (a top-level `entries` map) — so any Helm repository checkout
works, not only the snapshots in the mirror. Folders named `@<branch>` hold other branches (the
published `gh-pages` index); chart trees are read from the default branch only.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from stack8s_architect.catalog.charts.records import ChartBatch, ChartPackage, ChartVersion
from stack8s_architect.catalog.charts.resources import chart_resources
from stack8s_architect.catalog.charts.versions import is_prerelease, sort_key

try:  # libyaml parses the multi-MB indexes about ten times faster
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

_KEPT_ANNOTATIONS = ("licenses", "category", "artifacthub.io/license", "artifacthub.io/category", "artifacthub.io/operator")


def load_yaml(path: Path) -> Any:
    with path.open("rb") as handle:
        try:
            return yaml.load(handle, Loader=_Loader)  # noqa: S506 - CSafeLoader is the safe loader
        except (ValueError, TypeError, AttributeError) as error:  # a failed value conversion: `2021-04-31`, `!!int x`
            raise yaml.YAMLError(f"{path}: {error}") from error


def read_helm_repository(folder: Path, repository: str) -> ChartBatch:
    """Every chart of one repository checkout, with the versions its indexes publish."""
    batch = ChartBatch()
    index_packages = _read_indexes(folder, repository, batch)
    tree: dict[str, ChartPackage] = {}
    for chart_file in sorted(folder.rglob("Chart.yaml")):
        relative = chart_file.parent.relative_to(folder)
        if relative.parts and relative.parts[0].startswith("@"):
            continue
        batch.rows_read += 1
        package = _tree_package(chart_file, relative.as_posix(), repository, batch)
        if package is None:
            continue
        if package.name in tree:  # e.g. stable/ and incubator/ copies of one chart: keep the newer
            batch.dropped["chart name repeated in the tree (the higher version is kept)"] += 1
            if _version_key(package) <= _version_key(tree[package.name]):
                continue
        tree[package.name] = package
    batch.packages += [tree[name] for name in sorted(tree)]
    batch.packages += [p for name, p in sorted(index_packages.items()) if name not in tree]
    return batch


def _version_key(package: ChartPackage) -> tuple:
    return sort_key(package.fields.get("version") or "")


def _read_indexes(folder: Path, repository: str, batch: ChartBatch) -> dict[str, ChartPackage]:
    """Versions from every index file (the repository root first); the newest entry's metadata per chart."""
    newest: dict[str, tuple[tuple, ChartPackage]] = {}
    seen: set[tuple[str, str]] = set()
    for index_file in sorted(folder.rglob("index.yaml"), key=lambda p: (p.relative_to(folder).parts[0].startswith("@"), p)):
        try:
            document = load_yaml(index_file)
        except yaml.YAMLError:
            batch.dropped["index file that is not YAML"] += 1
            continue
        entries = document.get("entries") if isinstance(document, dict) else None
        if not isinstance(entries, dict):
            continue  # an index.yaml that is not a Helm repository index
        location = index_file.relative_to(folder).as_posix()
        for name, items in entries.items():
            for item in items if isinstance(items, list) else ():
                batch.rows_read += 1
                version = _text(item.get("version")) if isinstance(item, dict) else None
                if not version or not isinstance(name, str):
                    batch.dropped["index entry without name or version"] += 1
                    continue
                if (name, version) in seen:
                    batch.dropped["index entry repeated"] += 1
                    continue
                seen.add((name, version))
                created = _timestamp(item.get("created"))
                batch.versions.append(ChartVersion(
                    repository=repository, chart=name, version=version, origin="index",
                    app_version=_text(item.get("appVersion")), created=created,
                    prerelease=is_prerelease(version), deprecated=bool(item.get("deprecated")),
                    digest=_text(item.get("digest")),
                ))
                rank = (not is_prerelease(version), created or "")
                if name not in newest or rank > newest[name][0]:
                    newest[name] = (rank, ChartPackage(repository, name, "index", location, chart_fields(item)))
    return {name: package for name, (_, package) in newest.items()}


def _tree_package(chart_file: Path, relative: str, repository: str, batch: ChartBatch) -> ChartPackage | None:
    try:
        chart = load_yaml(chart_file)
    except yaml.YAMLError:
        batch.dropped["Chart.yaml that is not YAML"] += 1
        return None
    name = _text(chart.get("name")) if isinstance(chart, dict) else None
    if not name:
        batch.dropped["Chart.yaml without a name"] += 1
        return None
    fields = chart_fields(chart)
    requirements = chart_file.parent / "requirements.yaml"
    if not fields["dependencies"] and requirements.is_file():
        try:
            fields["dependencies"] = _dependencies((load_yaml(requirements) or {}).get("dependencies"))
        except (yaml.YAMLError, AttributeError):
            batch.dropped["requirements.yaml that cannot be read"] += 1
    resources = None
    values_file = chart_file.parent / "values.yaml"
    if values_file.is_file():
        try:
            values = load_yaml(values_file)
            resources = chart_resources(values).to_dict()
            fields["images"] = value_images(values)
        except yaml.YAMLError:
            batch.dropped["values.yaml that is not YAML (resources unknown)"] += 1
    return ChartPackage(repository, name, "tree", relative, fields, resources)


def value_images(values: Any, path: tuple[str, ...] = ()) -> list[dict[str, str]]:
    """The container images a chart's default values name: every mapping with a `repository` string beside a
    `registry` or a `tag` (`image:`, `volumePermissions.image:`…), as {path, registry, repository, tag}."""
    found: list[dict[str, str]] = []
    if isinstance(values, dict):
        repository = values.get("repository")
        if isinstance(repository, str) and ("registry" in values or "tag" in values):
            found.append({"path": ".".join(path), "registry": str(values.get("registry") or ""),
                          "repository": repository, "tag": str(values.get("tag") or "")})
        for key, value in values.items():
            found += value_images(value, (*path, str(key)))
    return found


def chart_fields(chart: dict[str, Any]) -> dict[str, Any]:
    """The Chart.yaml fields we keep, normalised (an index entry carries the same fields)."""
    annotations = chart.get("annotations") if isinstance(chart.get("annotations"), dict) else {}
    return {
        "version": _text(chart.get("version")),
        "app_version": _text(chart.get("appVersion")),
        "description": " ".join((_text(chart.get("description")) or "").split()),
        "keywords": _strings(chart.get("keywords")),
        "home": _text(chart.get("home")),
        "sources": _strings(chart.get("sources")),
        "icon": _text(chart.get("icon")),
        "maintainers": [
            {key: _text(m.get(key)) for key in ("name", "url") if _text(m.get(key))}
            for m in chart.get("maintainers") or () if isinstance(m, dict)
        ],
        "dependencies": _dependencies(chart.get("dependencies")),
        "api_version": _text(chart.get("apiVersion")),
        "type": _text(chart.get("type")) or "application",
        "kube_version": _text(chart.get("kubeVersion")),
        "deprecated": chart.get("deprecated") is True,
        "annotations": {k: _text(annotations[k]) for k in _KEPT_ANNOTATIONS if _text(annotations.get(k))},
    }


def _dependencies(items: Any) -> list[dict[str, str]]:
    kept = []
    for item in items if isinstance(items, list) else ():
        if isinstance(item, dict) and _text(item.get("name")):
            kept.append({k: _text(item.get(k)) for k in ("name", "version", "repository", "condition", "alias")
                         if _text(item.get(k))})
    return kept


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    text = str(value).strip()
    return text or None


def _strings(value: Any) -> list[str]:
    return [t for t in (_text(v) for v in value) if t] if isinstance(value, list) else []


def _timestamp(value: Any) -> str | None:
    """ISO 8601; YAML loaders turn unquoted timestamps into datetimes."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return _text(value)
