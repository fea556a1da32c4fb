"""Chart search, chart detail and stack recommendation over the in-memory chart catalog.

The catalog (a few thousand entries) is joined from the database once per catalog version and kept
in memory with its BM25 index; a sync that changes a chart source changes the version.
"""

from __future__ import annotations

import difflib
import re
import threading
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy.orm import Session

from stack8s_architect.catalog.repository import database_key
from stack8s_architect.catalog.charts import repository
from stack8s_architect.catalog.charts.catalog import ChartCatalogData, ChartEntry, build_catalog
from stack8s_architect.catalog.charts.ranking import (
    license_allowed,
    main_chart_key,
    maintenance,
    role_key,
    trust_score,
    why,
)
from stack8s_architect.catalog.charts.roles import ROLE_IDS, resolve_role, split_roles
from stack8s_architect.catalog.charts.schemas import (
    ChartDetail,
    ChartHit,
    ChartSearchRequest,
    ChartSearchResponse,
    ChartSummary,
    ChartVersionOut,
    StackAlternative,
    StackComponent,
    StackGap,
    StackRequest,
    StackResponse,
    StackTotals,
)
from stack8s_architect.catalog.charts.stacks import (
    COMPLIANCE_ROLES,
    ROLE_PREFERENCES,
    TEMPLATES_BY_ID,
    WORKLOAD_ALIASES,
    StackTemplate,
    preferences_for,
)
from stack8s_architect.catalog.index_cache import load_or_build
from stack8s_architect.catalog.lexical import LexicalIndex
from stack8s_architect.core.errors import NotFoundError, UnknownNameError

_LOCK = threading.Lock()
_CACHE: dict[str, tuple[tuple, ChartCatalogData, LexicalIndex]] = {}
_RANKED: dict[tuple, tuple[ChartCatalogData, list[ChartEntry]]] = {}  # (catalog, role, options) → ranked charts
_SEARCH_DEPTH = 300  # BM25 candidates re-ranked with trust


class ChartCatalog:
    def __init__(self, session: Session):
        self.session = session

    # -- data -------------------------------------------------------------------------------------
    def _loaded(self) -> tuple[ChartCatalogData, LexicalIndex]:
        version = repository.catalog_version(self.session)
        key = database_key(self.session)  # one catalog per database
        with _LOCK:
            cached = _CACHE.get(key)
            if cached is None or cached[0] != version:
                data, index = load_or_build("charts", self.session, version, lambda: self._build(version))
                _CACHE.clear()  # a process serves one database; keep one catalog in memory
                cached = _CACHE[key] = (version, data, index)
        return cached[1], cached[2]

    def _build(self, version: object) -> tuple[ChartCatalogData, LexicalIndex]:
        data = build_catalog(repository.load_packages(self.session), repository.load_versions(self.session))
        return data, LexicalIndex.build(version, [(e.id, e.search_document()) for e in data.entries])

    def data(self) -> ChartCatalogData:
        return self._loaded()[0]

    def warm(self) -> int:
        return len(self.data().entries)

    # -- search -----------------------------------------------------------------------------------
    def search(self, request: ChartSearchRequest) -> ChartSearchResponse:
        data, index = self._loaded()
        _require_entries(data)
        role = _role(request.role) if request.role else None
        query = (request.query or "").strip()
        inferred, leftover = split_roles(query) if query else ([], [])

        def allowed(entry: ChartEntry) -> bool:
            named = query.lower() in (entry.name.lower(), entry.id.lower()) and entry.publisher_kind != "unknown"
            return ((request.include_deprecated or not entry.deprecated or named)
                    and (role is None or role in entry.roles)
                    and (not request.publisher_kinds or entry.publisher_kind in request.publisher_kinds)
                    and license_allowed(entry, request.license_policy)
                    and entry.chart_type != "library")

        if query:
            scored = self._text_scores(data, index, query, inferred, leftover, allowed)
        else:
            assert role is not None  # the request validator wants a query or a role
            options = {"preferences": ROLE_PREFERENCES.get(role, ()), "prefer_small": request.prefer_small,
                       "license_policy": request.license_policy}
            ranked = [e for product in _ranked_by_product(data, role, [e for e in data.entries if allowed(e)], options)
                      for e in product]
            scored = [(e, round(1.0 - i / max(len(ranked), 1), 4)) for i, e in enumerate(ranked)]
        hits = [
            ChartHit(rank=i, score=score, **_summary(entry, data, role).model_dump())
            for i, (entry, score) in enumerate(scored[: request.limit], start=1)
        ]
        return ChartSearchResponse(query=query or None, role=role, inferred_roles=inferred,
                                   catalog_as_of=data.as_of, results=hits)

    def _text_scores(self, data: ChartCatalogData, index: LexicalIndex, query: str, inferred: list[str],
                     leftover: list[str], allowed) -> list[tuple[ChartEntry, float]]:  # noqa: ANN001
        """BM25 relevance (0..1) + name match + named role 0.5 + trust (0..1).

        Name match (see `_name_match`) counts a third for an unknown publisher, so forks of a well-known
        name rank below its official chart. Words that name a role ("vector database") match by role,
        not by chart name (the `vector` log shipper).
        """
        words = {w for w in leftover if w}
        all_words = set(re.findall(r"[a-z0-9]+", query.lower()))  # for charts of the role the query names
        lexical = index.search(query, _SEARCH_DEPTH)
        top = lexical[0][1] if lexical else 1.0
        candidates: dict[str, float] = {key: score / top for key, score in lexical}
        for entry in data.entries:  # exact names even when BM25 missed them (stopwords, short names)
            if entry.name.lower() in words or query.lower() in (entry.name.lower(), entry.id.lower()):
                candidates.setdefault(entry.id, 0.0)
        if inferred:
            for entry in data.entries:
                if inferred[0] in entry.roles:
                    candidates.setdefault(entry.id, 0.0)
        scored = []
        for key, relevance in candidates.items():
            entry = data.by_id[key]
            if not allowed(entry):
                continue
            in_role = any(r in entry.roles for r in inferred)
            name_match = _name_match(entry, query.lower(), all_words if in_role else words)
            role_match = 0.5 if in_role else 0.0
            score = relevance + name_match + role_match + trust_score(entry, data.as_of)
            scored.append((entry, round(score, 4)))
        scored.sort(key=lambda item: (-item[1], item[0].id))
        return scored

    # -- detail -----------------------------------------------------------------------------------
    def show(self, name: str) -> ChartDetail:
        """One chart by id (`bitnami/redis`) or by name (`redis`: the best-ranked chart of that name)."""
        data = self.data()
        entry = data.by_id.get(name)
        same = [e for e in data.entries if e.name == (entry.name if entry else name)]
        if entry is None and same:
            role = same[0].roles[0] if same[0].roles else ""
            entry = min(same, key=lambda e: role_key(e, role, data.as_of))
        if entry is None:
            _require_entries(data)
            names = list(dict.fromkeys([e.name for e in data.entries] + [e.id for e in data.entries]))
            close = difflib.get_close_matches(name, names, n=3)
            hint = f" Did you mean: {', '.join(close)}?" if close else " Search with `architect charts search`."
            raise NotFoundError(f"No chart {name!r} in the catalog.{hint}")
        summary = _summary(entry, data, None)
        versions = [ChartVersionOut(version=v.version, app_version=v.app_version, released=v.released,
                                    prerelease=v.prerelease) for v in entry.versions[:50]]
        return ChartDetail(
            **summary.model_dump(), keywords=entry.keywords, home=entry.home, sources=entry.sources,
            maintainers=entry.maintainers, dependencies=entry.dependencies, kube_version=entry.kube_version,
            chart_license=entry.chart_license, app_license=entry.app_license, category=entry.category,
            first_release=entry.first_release, versions_count=len(entry.versions), versions=versions,
            resources=entry.resources, notes=entry.notes,
            same_name=[e.id for e in same if e.id != entry.id][:20], install=_install(entry),
        )

    # -- stack ------------------------------------------------------------------------------------
    def stack(self, request: StackRequest) -> StackResponse:
        template = _template(request.workload)
        data = self.data()
        _require_entries(data)
        excluded = {_role(r) for r in request.exclude_roles}
        required = [r for r in _unique([*template.required, *(COMPLIANCE_ROLES if request.compliance else ()),
                                        *(_role(r) for r in request.add_roles)]) if r not in excluded]
        optional = [r for r in template.optional if r not in excluded and r not in required] \
            if request.include_optional else []
        components: list[StackComponent] = []
        gaps: list[StackGap] = []
        for role in [*required, *optional]:
            existing = next((c for c in components if role in _roles_of(data, c.chart_id)), None)
            if existing is not None:
                existing.also_covers.append(role)
                continue
            ranked = self._ranked_products(data, role, template, request)
            if not ranked:
                gaps.append(StackGap(role=role, reason=_gap_reason(data, role, request.license_policy)))
                continue
            components.append(_component(ranked[0], role, role in required, ranked[1:3], data))
        declared = [c for c in components if c.requests_cpu_m is not None or c.requests_memory_mi is not None]
        totals = StackTotals(
            charts=len(components), charts_with_declared_requests=len(declared),
            requests_cpu_m=sum(c.requests_cpu_m or 0 for c in declared),
            requests_memory_mi=sum(c.requests_memory_mi or 0 for c in declared),
        )
        notes = list(template.notes)
        if request.compliance:
            notes.append(f"Compliance ({', '.join(request.compliance)}): secrets, certificates, identity and logs "
                         "are required roles.")
        return StackResponse(workload=template.id, title=template.title, components=components, gaps=gaps,
                             notes=notes, totals=totals, catalog_as_of=data.as_of)

    def _ranked_products(self, data: ChartCatalogData, role: str, template: StackTemplate,
                         request: StackRequest) -> list[ChartEntry]:
        """The main usable chart of each product for `role`, best product first."""
        options = {"preferences": preferences_for(template, role), "prefer_small": request.prefer_small,
                   "license_policy": request.license_policy}
        key = (id(data), role, *options.values())
        with _LOCK:  # the same role asked the same way ranks the same: once per catalog (a plan asks a dozen times)
            hit = _RANKED.get(key)
        if hit is not None and hit[0] is data:
            return list(hit[1])
        usable = [e for e in data.entries if role in e.roles and not e.deprecated and e.chart_type != "library"
                  and license_allowed(e, request.license_policy)]
        ranked = [charts[0] for charts in _ranked_by_product(data, role, usable, options)]
        with _LOCK:
            if len(_RANKED) > 4096:
                _RANKED.clear()
            _RANKED[key] = (data, ranked)
        return list(ranked)


def _ranked_by_product(data: ChartCatalogData, role: str, entries: list[ChartEntry],
                       options: dict[str, object]) -> list[list[ChartEntry]]:
    """Charts of `role` grouped by product: each group its main chart first, groups best main chart first."""
    products: dict[str, list[ChartEntry]] = defaultdict(list)
    for entry in entries:
        if role in entry.roles:
            products[entry.product or entry.id].append(entry)
    groups = [sorted(charts, key=lambda e: main_chart_key(e, role, data.as_of, **options)) for charts in products.values()]
    return sorted(groups, key=lambda charts: role_key(charts[0], role, data.as_of, **options))  # type: ignore[arg-type]


def _name_match(entry: ChartEntry, query: str, words: set[str]) -> float:
    """1 when the query is the chart's name, id or product; else 0.75 × the share of query words that
    are (the start of) a part of its name or product ("redis cluster" → redis-cluster over cluster,
    "postgres" → postgresql); a third of that for an unknown publisher."""
    name, product = entry.name.lower(), (entry.product or "").lower()
    if query in (name, entry.id.lower(), product):
        match = 1.0
    elif words:
        parts = set(re.split(r"[-_ ]", name)) | set(product.split())
        hits = sum(1 for w in words if any(p == w or (len(w) > 3 and p.startswith(w)) for p in parts))
        match = 0.75 * hits / len(words)
    else:
        return 0.0
    return match / 3 if entry.publisher_kind == "unknown" else match


def _require_entries(data: ChartCatalogData) -> None:
    if not data.entries:
        raise NotFoundError("The chart catalog is empty: run `architect data sync --only charts` first.")


def _roles_of(data: ChartCatalogData, chart_id: str) -> tuple[str, ...]:
    entry = data.by_id.get(chart_id)
    return entry.roles if entry else ()


def _unique(items: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _role(text: str) -> str:
    role = resolve_role(text)
    if role is None:
        raise UnknownNameError("role", text, difflib.get_close_matches(text.lower(), list(ROLE_IDS), n=3))
    return role


def _template(workload: str) -> StackTemplate:
    key = workload.strip().lower().replace(" ", "-")
    key = WORKLOAD_ALIASES.get(key, key)
    if key not in TEMPLATES_BY_ID:
        options = list(TEMPLATES_BY_ID)
        raise UnknownNameError("workload", workload, difflib.get_close_matches(key, options, n=3) or options)
    return TEMPLATES_BY_ID[key]


def _gap_reason(data: ChartCatalogData, role: str, policy: str) -> str:
    in_role = [e for e in data.entries if role in e.roles]
    if not in_role:
        return "no chart in the catalog fills this role"
    if all(e.deprecated for e in in_role):
        return "every chart for this role is deprecated or archived"
    if policy == "permissive-only":
        return "no chart for this role has a permissive licence (try license_policy=prefer-permissive)"
    return "no usable chart for this role"


def _summary(entry: ChartEntry, data: ChartCatalogData, role: str | None) -> ChartSummary:
    return ChartSummary(
        id=entry.id, chart=entry.name, repository=entry.helm_repo, source_repository=entry.repository,
        publisher=entry.publisher, publisher_kind=entry.publisher_kind, foundation=entry.foundation,
        version=entry.latest_version, app_version=entry.latest_app_version, last_release=entry.last_release,
        maintenance=maintenance(entry, data.as_of), deprecated=entry.deprecated, deprecation=entry.deprecation,
        license=entry.license, commercial_use=entry.commercial_use, license_caveat=entry.license_caveat,
        roles=list(entry.roles), product=entry.product, description=entry.description,
        requests_cpu_m=entry.requests_cpu_m, requests_memory_mi=entry.requests_memory_mi,
        gpu_keys=entry.gpu_keys, why=why(entry, data.as_of, role),
    )


def _component(entry: ChartEntry, role: str, required: bool, alternatives: Sequence[ChartEntry],
               data: ChartCatalogData) -> StackComponent:
    return StackComponent(
        role=role, required=required, chart=entry.name, chart_id=entry.id, repository=entry.helm_repo,
        source_repository=entry.repository, version=entry.latest_version, app_version=entry.latest_app_version,
        license=entry.license, commercial_use=entry.commercial_use, license_caveat=entry.license_caveat,
        requests_cpu_m=entry.requests_cpu_m, requests_memory_mi=entry.requests_memory_mi, gpu_keys=entry.gpu_keys,
        why=why(entry, data.as_of, role),
        alternatives=[StackAlternative(chart=a.name, chart_id=a.id, repository=a.helm_repo, version=a.latest_version,
                                       license=a.license, why=why(a, data.as_of, role)) for a in alternatives],
        also_covers=[],
    )


def _install(entry: ChartEntry) -> str | None:
    if not entry.helm_repo or not entry.latest_version:
        return None
    version = f" --version {entry.latest_version}"
    if entry.helm_repo.startswith("oci://"):
        return f"helm install {entry.name} {entry.helm_repo.rstrip('/')}/{entry.name}{version}"
    return (f"helm repo add {entry.alias} {entry.helm_repo} && helm repo update && "
            f"helm install {entry.name} {entry.alias}/{entry.name}{version}")
