"""One entry per chart, joined from the per-source records: metadata, versions, publisher, licence, roles.

Per (repository, chart): metadata from the chart's source tree, else from the newest entry of its
published index; versions from the published index, else from the release history rebuilt from git;
Artifact Hub listings of repositories we do not hold, as low-information entries (publisher unknown unless
the repository is a project's own, publishers.LISTING_UPSTREAMS) with no data after 2022.
Freshness is measured against the newest release in the catalog (`as_of`), not the wall clock, so
rankings are the same on every machine for the same data.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from stack8s_architect.catalog.charts.licenses import effective_license, normalize_license, terms
from stack8s_architect.catalog.charts.publishers import (
    ARTIFACTHUB_COVERED,
    LISTING_UPSTREAMS,
    helm_repo_of,
    publisher_for,
)
from stack8s_architect.catalog.charts.roles import ROLES, roles_for
from stack8s_architect.catalog.charts.versions import is_prerelease, sort_key
from stack8s_architect.catalog.sources import CHART_SOURCES

_ROLE_TITLES = {role.id: role.title for role in ROLES}
_REPOSITORY_LICENSES = {s.repository: s.license for s in CHART_SOURCES}


@dataclass(frozen=True)
class VersionInfo:
    version: str
    app_version: str | None
    released: str | None  # ISO date (YYYY-MM-DD)
    prerelease: bool


@dataclass
class ChartEntry:
    id: str  # <helm repo alias>/<chart>, as `helm install x <id>` spells it
    name: str
    repository: str  # source: GitHub owner/name, or the Artifact Hub repository name
    alias: str
    helm_repo: str | None
    publisher: str
    publisher_kind: str
    foundation: str | None
    origin: str  # helm-repository | artifacthub-2022
    path: str | None
    description: str
    keywords: list[str]
    home: str | None
    sources: list[str]
    maintainers: list[str]
    dependencies: list[dict[str, str]]
    chart_type: str
    kube_version: str | None
    deprecated: bool
    deprecation: str | None  # why: deprecated flag, archived repository, removed from the repository
    in_repository: bool
    versions: list[VersionInfo]
    latest_version: str | None
    latest_app_version: str | None
    last_release: str | None  # ISO date of the newest release (any version): how maintained it is
    latest_released: str | None  # ISO date of `latest_version` itself
    first_release: str | None
    release_dates_reliable: bool
    chart_license: str | None
    app_license: str | None
    license: str | None
    commercial_use: str
    license_caveat: str | None
    category: str | None
    roles: tuple[str, ...]
    product: str | None
    rule_position: int  # of the role rule that matched: within a product, the main chart comes first
    resources: dict[str, Any] | None
    notes: list[str] = field(default_factory=list)
    images: list[dict[str, str]] = field(default_factory=list)  # images of the default values: {path, repository…}

    @property
    def requests_cpu_m(self) -> int | None:
        """Default CPU requests of the enabled components × their replicas; None when none is declared."""
        return self._declared("requests_with_replicas_cpu_m")

    @property
    def requests_memory_mi(self) -> int | None:
        return self._declared("requests_with_replicas_memory_mi")

    def _declared(self, key: str) -> int | None:
        return self.resources.get(key) if self.resources and self.resources.get("declares_requests") else None

    @property
    def gpu_keys(self) -> list[dict[str, str]]:
        return list((self.resources or {}).get("gpu_keys") or [])

    def search_document(self) -> str:
        role_titles = " ".join(_ROLE_TITLES[r] for r in self.roles)
        return " ".join(filter(None, (
            self.name, self.name.replace("-", " "), self.product or "", role_titles, self.description,
            " ".join(self.keywords), self.publisher, self.alias,
        )))


@dataclass
class ChartCatalogData:
    entries: list[ChartEntry]
    by_id: dict[str, ChartEntry]
    as_of: str | None  # the newest release date in the catalog


def build_catalog(packages: Iterable[dict[str, Any]], versions: Iterable[tuple]) -> ChartCatalogData:
    """Join raw package rows (repository.load_packages) and version rows (repository.load_versions)."""
    grouped: dict[tuple[str, str], dict[str, dict[str, Any]]] = defaultdict(dict)
    listings: list[dict[str, Any]] = []
    for row in packages:
        if row["origin"] == "artifacthub":
            listings.append(row)
        else:
            grouped[(row["repository"], row["name"])].setdefault(row["origin"], row)
    by_chart: dict[tuple[str, str], dict[str, list[tuple]]] = defaultdict(lambda: defaultdict(list))
    for row in versions:
        by_chart[(row[1], row[2])][row[4]].append(row)
    for key in by_chart:
        grouped.setdefault(key, {})

    entries = [_entry(repository, name, grouped[(repository, name)], by_chart.get((repository, name), {}))
               for repository, name in sorted(grouped)]
    taken = {entry.id for entry in entries}
    for row in listings:
        if row["repository"] in ARTIFACTHUB_COVERED:
            continue
        entry = _listing_entry(row)
        if entry.id in taken:
            entry.id = f"artifacthub/{entry.id}"
        taken.add(entry.id)
        entries.append(entry)
    dates = [e.last_release for e in entries if e.last_release]
    return ChartCatalogData(entries, {e.id: e for e in entries}, max(dates) if dates else None)


def _entry(repository: str, name: str, packages: dict[str, dict[str, Any]], versions: dict[str, list[tuple]]) -> ChartEntry:
    publisher = publisher_for(repository)
    tree, index = packages.get("tree"), packages.get("index")
    fields = {**(index or {}).get("fields", {}), **{k: v for k, v in (tree or {}).get("fields", {}).items() if v}}
    path = (tree or {}).get("path")
    alias, helm_repo = helm_repo_of(publisher, path)
    rows = versions.get("index") or [r for origin, rs in versions.items() if origin != "index" for r in rs]
    version_infos = _versions(rows)
    if not version_infos and fields.get("version"):
        version = fields["version"]
        version_infos = [VersionInfo(version, fields.get("app_version"), None, is_prerelease(version))]
    latest = _latest(version_infos)
    annotations = fields.get("annotations") or {}
    chart_license = normalize_license(annotations.get("licenses") or annotations.get("artifacthub.io/license")) or \
        normalize_license(_REPOSITORY_LICENSES.get(repository))
    roles, product, rule_position = roles_for(name, repository)
    app_license, license_id = effective_license(product, chart_license)
    license_terms = terms(license_id)
    in_repository = tree is not None or index is not None
    latest_row_deprecated = any(r[8] for r in rows if latest and r[3] == latest.version)
    description = fields.get("description") or ""
    deprecation = _deprecation(bool(fields.get("deprecated")) or latest_row_deprecated, description,
                               publisher.archived, in_repository)
    released = [v.released for v in version_infos if v.released]
    stable_released = [v.released for v in version_infos if v.released and not v.prerelease]
    notes = [publisher.note] if publisher.note else []
    reliable = _dates_reliable(released)
    if not reliable:
        notes.append("release dates in the published index were reset by a re-index; they are not release dates")
    return ChartEntry(
        id=f"{alias}/{name}", name=name, repository=repository, alias=alias, helm_repo=helm_repo,
        publisher=publisher.name, publisher_kind=publisher.kind, foundation=publisher.foundation,
        origin="helm-repository", path=path or (index or {}).get("path"), description=description,
        keywords=list(fields.get("keywords") or []), home=fields.get("home"), sources=list(fields.get("sources") or []),
        maintainers=[m.get("name", "") for m in fields.get("maintainers") or [] if m.get("name")],
        dependencies=list(fields.get("dependencies") or []), chart_type=fields.get("type") or "application",
        kube_version=fields.get("kube_version"), deprecated=deprecation is not None, deprecation=deprecation,
        in_repository=in_repository, versions=version_infos,
        latest_version=latest.version if latest else None,
        latest_app_version=(latest.app_version if latest else None) or fields.get("app_version"),
        last_release=max(stable_released or released) if released else None,
        latest_released=latest.released if latest else None,
        first_release=min(released) if released else None, release_dates_reliable=reliable,
        chart_license=chart_license, app_license=app_license, license=license_id,
        commercial_use=license_terms.commercial_use, license_caveat=license_terms.caveat,
        category=annotations.get("category") or annotations.get("artifacthub.io/category"),
        roles=roles, product=product, rule_position=rule_position, resources=(tree or {}).get("resources"),
        images=list(fields.get("images") or []),
        notes=notes,
    )


def _listing_entry(row: dict[str, Any]) -> ChartEntry:
    fields = row["fields"]
    name, repository = row["name"], row["repository"]
    roles, product, rule_position = roles_for(name)
    app_license, license_id = effective_license(product, None)
    upstream = LISTING_UPSTREAMS.get(repository)
    license_terms = terms(license_id)
    version = fields.get("version")
    infos = [VersionInfo(version, fields.get("app_version"), None, is_prerelease(version))] if version else []
    return ChartEntry(
        id=f"{repository}/{name}", name=name, repository=repository, alias=repository,
        helm_repo=fields.get("helm_repo"), publisher=upstream or repository,
        publisher_kind="upstream" if upstream else "unknown", foundation=None,
        origin="artifacthub-2022", path=None, description="", keywords=[], home=None, sources=[], maintainers=[],
        dependencies=[], chart_type="application", kube_version=None, deprecated=False, deprecation=None,
        in_repository=True, versions=infos, latest_version=version, latest_app_version=fields.get("app_version"),
        last_release=None, latest_released=None, first_release=None, release_dates_reliable=True, chart_license=None,
        app_license=app_license, license=license_id, commercial_use=license_terms.commercial_use,
        license_caveat=license_terms.caveat, category=None, roles=roles, product=product,
        rule_position=rule_position, resources=None,
        notes=[f"listed on Artifact Hub in Dec 2022 (version {version}); no newer data"],
    )


def _versions(rows: list[tuple]) -> list[VersionInfo]:
    infos = {}
    for row in rows:
        version = row[3]
        if version not in infos:
            infos[version] = VersionInfo(version, row[5], _day(row[6]), bool(row[7]) or is_prerelease(version))
    return sorted(infos.values(), key=lambda v: sort_key(v.version), reverse=True)


def _latest(versions: list[VersionInfo]) -> VersionInfo | None:
    stable = [v for v in versions if not v.prerelease]
    return (stable or versions or [None])[0]


def _deprecation(flagged: bool, description: str, archived: str | None, in_repository: bool) -> str | None:
    if flagged or description.upper().startswith("DEPRECATED"):
        return "marked deprecated by its publisher"
    if archived:
        return archived
    if not in_repository:
        return "removed from its repository (known from the release history only)"
    return None


def _dates_reliable(released: list[str]) -> bool:
    """False when most versions share one date: an index rebuilt in one go, not release dates."""
    if len(released) < 5:
        return True
    return Counter(released).most_common(1)[0][1] < 0.8 * len(released)


def _day(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return None


def age_days(entry: ChartEntry, as_of: str | None) -> int | None:
    if not entry.last_release or not as_of:
        return None
    return (date.fromisoformat(as_of) - date.fromisoformat(entry.last_release)).days
