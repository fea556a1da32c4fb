"""Joining chart package and version rows into catalog entries: ids and Helm repositories per publisher, tree over
index metadata, index over history versions, latest stable version and release dates, deprecation (flag,
description, archived publisher, removed), licences, Artifact Hub listings (covered, upstream, id collisions),
`as_of` and the unreliable-dates note."""

from __future__ import annotations

from typing import Any

import pytest

from stack8s_architect.catalog.charts.catalog import ChartCatalogData, ChartEntry, VersionInfo, age_days, build_catalog
from stack8s_architect.catalog.charts.publishers import BY_REPOSITORY
from stack8s_architect.catalog.charts.repository import _VERSION_COLUMNS

REMOVED = "removed from its repository (known from the release history only)"
FLAGGED = "marked deprecated by its publisher"


def _package(repository: str, name: str, origin: str = "tree", path: str | None = None,
             resources: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
    return {"source_id": f"charts-{repository}", "repository": repository, "name": name, "origin": origin,
            "path": path, "fields": fields, "resources": resources}


def _version(repository: str, chart: str, version: str, created: str | None = None, *, origin: str = "index",
             app_version: str | None = None, prerelease: bool = False, deprecated: bool = False) -> tuple:
    row = {"source_id": f"charts-{repository}", "repository": repository, "chart": chart, "version": version,
           "origin": origin, "app_version": app_version, "created": created, "prerelease": prerelease,
           "deprecated": deprecated, "digest": None}
    return tuple(row[column] for column in _VERSION_COLUMNS)


def _listing(repository: str, name: str, **fields: Any) -> dict[str, Any]:
    return _package(repository, name, "artifacthub", None, None,
                    **({"version": "1.0.0", "app_version": "1.0", "helm_repo": f"https://{repository}.example"}
                       | fields))


QDRANT_RESOURCES = {"entries": [], "requests_cpu_m": 250, "requests_memory_mi": 512,
                    "requests_with_replicas_cpu_m": 500, "requests_with_replicas_memory_mi": 1024, "gpus": 0,
                    "gpu_keys": [], "declares_requests": True}

PACKAGES = [
    _package("qdrant/qdrant-helm", "qdrant", path="charts/qdrant", resources=QDRANT_RESOURCES,
             version="1.2.0", app_version="v1.9.0", description="Qdrant vector database", keywords=["vector"],
             maintainers=[{"name": "Qdrant Team", "url": "https://qdrant.tech"}, {}],
             dependencies=[{"name": "common", "version": "2.x.x"}], type="application", kube_version=">=1.24.0-0",
             annotations={"licenses": "Apache-2.0", "artifacthub.io/category": "database"}),
    _package("weaviate/weaviate-helm", "weaviate", path="weaviate", version="17.0.0", description="From the tree",
             keywords=[], home=None, sources=["https://github.com/weaviate/weaviate"]),
    _package("weaviate/weaviate-helm", "weaviate", origin="index", path="@gh-pages/index.yaml", version="16.0.0",
             description="From the index", keywords=["from-index"], home="https://weaviate.io",
             sources=["https://example.com/index-source"], type="library"),
    _package("bitnami/charts", "redis", path="bitnami/redis", version="20.0.1", app_version="7.4.0",
             description="Redis", annotations={"licenses": "Apache-2.0", "category": "Database"}),
    _package("helm/charts", "cassandra", path="incubator/cassandra", version="0.15.3", description="Apache Cassandra"),
    _package("helm/charts", "mongodb", path="stable/mongodb", version="7.8.10", description="NoSQL database"),
    _package("minio/minio", "minio", path="helm/minio", version="5.4.0",
             description="High Performance Object Storage", annotations={"licenses": "Apache-2.0"}),
    _package("dask/helm-chart", "dask", path="dask", version="2024.1.1", description="Distributed computation"),
    _package("SeldonIO/seldon-core", "mlserver", path="k8s/helm-charts/mlserver", version="2.0.0"),
    _package("grafana/helm-charts", "old-agent", path="charts/old-agent", version="1.0.0",
             description="DEPRECATED: use alloy instead"),
    _package("grafana/helm-charts", "flagged", path="charts/flagged", version="1.0.0", description="Flagged",
             deprecated=True),
    _package("grafana/helm-charts", "undated", path="charts/undated", version="0.4.0-beta.1", app_version="0.4"),
    _package("grafana/helm-charts", "retired", origin="index", path="index.yaml", version="2.0.0",
             description="Retired"),
    _package("grafana/helm-charts", "tempo", origin="index", path="index.yaml", version="1.9.0"),
    _package("grafana/helm-charts", "loki", origin="index", path="index.yaml", version="1.5.0"),
    _package("grafana/helm-charts", "junk-dates", origin="index", path="index.yaml", version="1.1.0"),
    _package("acme/unlisted-charts", "thing", path="charts/thing", version="1.0.0", description="A thing"),
    _listing("bitnami", "redis"),
    _listing("minio", "minio"),
    _listing("cert-manager", "cert-manager", version="v1.10.1", app_version="v1.10.1",
             helm_repo="https://charts.jetstack.io"),
    _listing("qdrant", "qdrant"),
    _listing("somebody", "widget", version=None, app_version=None),
]

VERSIONS = [
    _version("qdrant/qdrant-helm", "qdrant", "1.1.0", "2024-01-15T10:00:00.123456789Z", app_version="v1.8.0"),
    _version("qdrant/qdrant-helm", "qdrant", "1.3.0-rc.1", "2024-04-01T10:00:00Z", app_version="v1.10.0-rc.1",
             prerelease=True),
    _version("qdrant/qdrant-helm", "qdrant", "1.2.0", "2024-03-01T23:30:00-02:00", app_version="v1.9.0"),
    _version("qdrant/qdrant-helm", "qdrant", "9.9.9", "2030-01-01T00:00:00Z", origin="git-history"),
    _version("weaviate/weaviate-helm", "weaviate", "16.0.0", "2023-05-01T00:00:00Z"),
    _version("bitnami/charts", "redis", "20.0.0", "2025-08-01T12:00:00+02:00", origin="git-history",
             app_version="7.2.5"),
    _version("bitnami/charts", "redis", "20.0.1", "2025-09-02T09:02:08+02:00", origin="git-history",
             app_version="7.4.0"),
    _version("bitnami/charts", "redis", "20.0.1", "2025-09-03T00:00:00Z", origin="git-tags", app_version="other"),
    _version("bitnami/charts", "redis", "21.0.0-rc.1", "2025-10-01T00:00:00Z", origin="git-history"),
    _version("bitnami/charts", "kubeapps", "17.1.1", "2025-06-30T10:00:00Z", origin="git-history"),
    _version("bitnami/charts", "kubeapps", "17.1.0", "2025-05-01T10:00:00Z", origin="git-history"),
    _version("grafana/helm-charts", "retired", "2.0.0", "2024-02-01T00:00:00Z", deprecated=True),
    _version("grafana/helm-charts", "retired", "1.0.0", "2023-02-01T00:00:00Z"),
    _version("grafana/helm-charts", "tempo", "1.0.0", "2021-01-01T00:00:00Z"),
    _version("grafana/helm-charts", "tempo", "1.1.0", "2022-06-01T00:00:00Z"),
    *(_version("grafana/helm-charts", "tempo", f"1.{minor}.0", "2023-07-07T07:00:00Z") for minor in range(2, 10)),
    _version("grafana/helm-charts", "loki", "1.0.0", "2024-01-01T00:00:00Z", deprecated=True),
    *(_version("grafana/helm-charts", "loki", f"1.{minor}.0", f"2024-0{minor + 1}-01T00:00:00Z") for minor in (1, 2)),
    *(_version("grafana/helm-charts", "loki", f"1.{minor}.0", "2024-06-01T00:00:00Z") for minor in range(3, 6)),
    _version("grafana/helm-charts", "junk-dates", "1.0.0", "last tuesday"),
    _version("grafana/helm-charts", "junk-dates", "1.1.0", None),
]


@pytest.fixture(scope="module")
def catalog() -> ChartCatalogData:
    return build_catalog(PACKAGES, VERSIONS)


@pytest.fixture(scope="module")
def by_id(catalog: ChartCatalogData) -> dict[str, ChartEntry]:
    return catalog.by_id


def test_ids_are_helm_repo_alias_and_chart(by_id: dict[str, ChartEntry]) -> None:
    expected = {"qdrant/qdrant", "weaviate/weaviate", "bitnami/redis", "bitnami/kubeapps", "incubator/cassandra",
                "stable/mongodb", "minio/minio", "dask/dask", "seldon-charts/mlserver", "unlisted-charts/thing"}
    assert expected <= set(by_id)
    assert all(entry.id == f"{entry.alias}/{entry.name}" for entry in by_id.values()
               if entry.origin == "helm-repository")


def test_by_id_holds_every_entry_once(catalog: ChartCatalogData) -> None:
    assert len(catalog.by_id) == len(catalog.entries)
    assert all(catalog.by_id[entry.id] is entry for entry in catalog.entries)


def test_upstream_chart_from_tree_and_index(by_id: dict[str, ChartEntry]) -> None:
    qdrant = by_id["qdrant/qdrant"]
    assert (qdrant.repository, qdrant.helm_repo) == ("qdrant/qdrant-helm", "https://qdrant.github.io/qdrant-helm")
    assert (qdrant.publisher, qdrant.publisher_kind, qdrant.foundation) == ("Qdrant", "upstream", None)
    assert (qdrant.origin, qdrant.path, qdrant.in_repository) == ("helm-repository", "charts/qdrant", True)
    assert qdrant.description == "Qdrant vector database"
    assert qdrant.keywords == ["vector"]
    assert qdrant.maintainers == ["Qdrant Team"]
    assert qdrant.dependencies == [{"name": "common", "version": "2.x.x"}]
    assert (qdrant.chart_type, qdrant.kube_version, qdrant.category) == ("application", ">=1.24.0-0", "database")
    assert (qdrant.roles, qdrant.product) == (("vector-db",), "Qdrant")
    assert (qdrant.requests_cpu_m, qdrant.requests_memory_mi) == (500, 1024)  # × replicas
    assert (qdrant.deprecated, qdrant.deprecation) == (False, None)


def test_index_versions_win_over_history(by_id: dict[str, ChartEntry]) -> None:
    qdrant = by_id["qdrant/qdrant"]
    assert qdrant.versions == [
        VersionInfo("1.3.0-rc.1", "v1.10.0-rc.1", "2024-04-01", True),
        VersionInfo("1.2.0", "v1.9.0", "2024-03-01", False),
        VersionInfo("1.1.0", "v1.8.0", "2024-01-15", False),
    ]
    assert (qdrant.latest_version, qdrant.latest_app_version) == ("1.2.0", "v1.9.0")
    assert (qdrant.last_release, qdrant.first_release) == ("2024-03-01", "2024-01-15")
    assert qdrant.release_dates_reliable is True


def test_tree_metadata_over_index_metadata(by_id: dict[str, ChartEntry]) -> None:
    weaviate = by_id["weaviate/weaviate"]
    assert weaviate.description == "From the tree"
    assert weaviate.sources == ["https://github.com/weaviate/weaviate"]
    assert weaviate.keywords == ["from-index"]
    assert weaviate.home == "https://weaviate.io"
    assert weaviate.path == "weaviate"
    assert [v.version for v in weaviate.versions] == ["16.0.0"]


def test_vendor_chart_versions_from_history(by_id: dict[str, ChartEntry]) -> None:
    redis = by_id["bitnami/redis"]
    assert (redis.helm_repo, redis.publisher_kind) == ("oci://registry-1.docker.io/bitnamicharts", "vendor")
    assert [v.version for v in redis.versions] == ["21.0.0-rc.1", "20.0.1", "20.0.0"]
    assert redis.versions[1] == VersionInfo("20.0.1", "7.4.0", "2025-09-02", False)
    assert (redis.latest_version, redis.latest_app_version) == ("20.0.1", "7.4.0")
    assert (redis.last_release, redis.first_release) == ("2025-09-02", "2025-08-01")
    assert redis.category == "Database"
    assert BY_REPOSITORY["bitnami/charts"].note in redis.notes
    assert redis.in_repository is True
    assert redis.deprecated is False


def test_history_only_chart_is_removed(by_id: dict[str, ChartEntry]) -> None:
    kubeapps = by_id["bitnami/kubeapps"]
    assert kubeapps.in_repository is False
    assert (kubeapps.deprecated, kubeapps.deprecation) == (True, REMOVED)
    assert kubeapps.latest_version == "17.1.1"
    assert kubeapps.path is None
    assert kubeapps.description == ""


def test_index_only_chart_is_in_the_repository(by_id: dict[str, ChartEntry]) -> None:
    retired = by_id["grafana/retired"]
    assert (retired.in_repository, retired.path, retired.description) == (True, "index.yaml", "Retired")
    assert by_id["grafana/tempo"].deprecation is None


def test_helm_stable_and_incubator(by_id: dict[str, ChartEntry]) -> None:
    cassandra, mongodb = by_id["incubator/cassandra"], by_id["stable/mongodb"]
    assert (cassandra.alias, cassandra.helm_repo) == ("incubator", "https://charts.helm.sh/incubator")
    assert (mongodb.alias, mongodb.helm_repo) == ("stable", "https://charts.helm.sh/stable")
    archived = BY_REPOSITORY["helm/charts"].archived
    assert archived
    for entry in (cassandra, mongodb):
        assert (entry.deprecated, entry.deprecation) == (True, archived)
        assert entry.publisher_kind == "community"
    assert (mongodb.license, mongodb.commercial_use) == ("SSPL-1.0", "restricted")


def test_deprecated_by_description_flag_or_latest_index_entry(by_id: dict[str, ChartEntry]) -> None:
    assert by_id["grafana/old-agent"].deprecation == FLAGGED
    assert by_id["grafana/flagged"].deprecation == FLAGGED
    retired = by_id["grafana/retired"]
    assert retired.latest_version == "2.0.0"
    assert (retired.deprecated, retired.deprecation) == (True, FLAGGED)


def test_an_older_deprecated_version_does_not_deprecate_the_chart(by_id: dict[str, ChartEntry]) -> None:
    loki = by_id["grafana/loki"]
    assert loki.versions[-1].version == "1.0.0"
    assert (loki.latest_version, loki.deprecated, loki.deprecation) == ("1.5.0", False, None)


def test_chart_without_versions_uses_its_chart_version(by_id: dict[str, ChartEntry]) -> None:
    undated = by_id["grafana/undated"]
    assert undated.versions == [VersionInfo("0.4.0-beta.1", "0.4", None, True)]
    assert (undated.latest_version, undated.latest_app_version) == ("0.4.0-beta.1", "0.4")
    assert (undated.last_release, undated.first_release) == (None, None)


def test_unparseable_release_dates_are_none(by_id: dict[str, ChartEntry]) -> None:
    entry = by_id["grafana/junk-dates"]
    assert [v.released for v in entry.versions] == [None, None]
    assert entry.last_release is None


def test_unknown_repository(by_id: dict[str, ChartEntry]) -> None:
    thing = by_id["unlisted-charts/thing"]
    assert (thing.publisher, thing.publisher_kind, thing.helm_repo) == ("acme/unlisted-charts", "unknown", None)
    assert (thing.license, thing.commercial_use) == (None, "unknown")


def test_software_licence_wins_over_chart_licence(by_id: dict[str, ChartEntry]) -> None:
    minio = by_id["minio/minio"]
    assert (minio.chart_license, minio.app_license, minio.license) == ("Apache-2.0", "AGPL-3.0", "AGPL-3.0")
    assert minio.commercial_use == "restricted"
    assert minio.license_caveat and minio.license_caveat.startswith("AGPL-3.0")
    redis = by_id["bitnami/redis"]
    assert (redis.chart_license, redis.commercial_use) == ("Apache-2.0", "restricted")


def test_licence_from_the_repository_when_the_chart_states_none(by_id: dict[str, ChartEntry]) -> None:
    qdrant, mlserver, dask = by_id["qdrant/qdrant"], by_id["seldon-charts/mlserver"], by_id["dask/dask"]
    assert (qdrant.license, qdrant.commercial_use, qdrant.license_caveat) == ("Apache-2.0", "yes", None)
    assert (mlserver.product, mlserver.chart_license, mlserver.license) == (None, "BUSL-1.1", "BUSL-1.1")
    assert mlserver.commercial_use == "restricted"
    # the repository has no LICENSE file; the software's own licence (Dask: BSD-3-Clause) is recorded
    assert (dask.chart_license, dask.app_license, dask.license) == (None, "BSD-3-Clause", "BSD-3-Clause")
    assert dask.commercial_use == "yes" and dask.license_caveat is None


def test_listings_of_covered_repositories_are_dropped(catalog: ChartCatalogData) -> None:
    listed = [(e.repository, e.name) for e in catalog.entries if e.origin == "artifacthub-2022"]
    assert ("bitnami", "redis") not in listed
    assert ("minio", "minio") not in listed
    assert sorted(listed) == [("cert-manager", "cert-manager"), ("qdrant", "qdrant"), ("somebody", "widget")]


def test_listing_of_a_known_upstream(by_id: dict[str, ChartEntry]) -> None:
    entry = by_id["cert-manager/cert-manager"]
    assert (entry.publisher, entry.publisher_kind) == ("cert-manager (Jetstack)", "upstream")
    assert (entry.helm_repo, entry.latest_version, entry.latest_app_version) == (
        "https://charts.jetstack.io", "v1.10.1", "v1.10.1")
    assert entry.versions == [VersionInfo("v1.10.1", "v1.10.1", None, False)]
    assert (entry.last_release, entry.in_repository, entry.deprecated) == (None, True, False)
    assert entry.roles == ("certificates",)
    assert entry.notes and "v1.10.1" in entry.notes[0]


def test_listing_id_collision_gets_a_prefix(by_id: dict[str, ChartEntry]) -> None:
    assert by_id["qdrant/qdrant"].origin == "helm-repository"
    listed = by_id["artifacthub/qdrant/qdrant"]
    assert (listed.origin, listed.publisher, listed.publisher_kind) == ("artifacthub-2022", "qdrant", "unknown")
    assert listed.license == "Apache-2.0"


def test_listing_without_a_version(by_id: dict[str, ChartEntry]) -> None:
    widget = by_id["somebody/widget"]
    assert (widget.versions, widget.latest_version, widget.license, widget.commercial_use) == (
        [], None, None, "unknown")


def test_as_of_is_the_newest_release(catalog: ChartCatalogData, by_id: dict[str, ChartEntry]) -> None:
    assert catalog.as_of == "2025-09-02"
    assert age_days(by_id["bitnami/kubeapps"], catalog.as_of) == 64
    assert age_days(by_id["grafana/undated"], catalog.as_of) is None


def test_dates_shared_by_most_versions_are_unreliable(by_id: dict[str, ChartEntry]) -> None:
    tempo, loki = by_id["grafana/tempo"], by_id["grafana/loki"]
    assert (tempo.release_dates_reliable, loki.release_dates_reliable) == (False, True)
    assert any("not release dates" in note for note in tempo.notes)
    assert not any("not release dates" in note for note in loki.notes)
    assert (tempo.last_release, tempo.first_release) == ("2023-07-07", "2021-01-01")


@pytest.mark.parametrize(
    ("dates", "reliable"),
    [
        (["2024-01-01"] * 4, True),
        (["2024-01-01"] * 4 + ["2024-02-01"], False),
        (["2024-01-01"] * 3 + ["2024-02-01", "2024-03-01"], True),
        (["2024-01-01"] * 8 + ["2024-02-01", "2024-03-01"], False),
        (["2024-01-01"] * 7 + ["2024-02-01", "2024-03-01", "2024-04-01"], True),
    ],
    ids=["four versions", "4 of 5", "3 of 5", "8 of 10", "7 of 10"],
)
def test_unreliable_dates_threshold(dates: list[str], reliable: bool) -> None:
    versions = [_version("qdrant/qdrant-helm", "qdrant", f"1.{n}.0", f"{day}T00:00:00Z") for n, day in enumerate(dates)]
    entry = build_catalog([], versions).by_id["qdrant/qdrant"]
    assert entry.release_dates_reliable is reliable


def test_empty_catalog() -> None:
    data = build_catalog([], [])
    assert (data.entries, data.by_id, data.as_of) == ([], {}, None)


def test_search_document_names_the_chart_product_and_roles(by_id: dict[str, ChartEntry]) -> None:
    document = by_id["qdrant/qdrant"].search_document()
    for word in ("qdrant", "Qdrant", "Vector database", "vector"):
        assert word in document
