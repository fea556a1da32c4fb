"""Reading a Helm chart repository checkout: Chart.yaml (v2 and v1 + requirements.yaml), values.yaml resources,
published `index.yaml` files (duplicates, prereleases, timestamps, `v` prefixes, root before `@branch`), charts only
in an index, files that are not chart repository data, broken files, and the rows_read / dropped counts."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from stack8s_architect.catalog.charts.adapters.helm_repository import chart_fields, read_helm_repository
from stack8s_architect.catalog.charts.records import ChartBatch, ChartPackage, ChartVersion

REPOSITORY = "acme/helm-charts"

QDRANT_CHART = """\
    apiVersion: v2
    name: qdrant
    version: 1.2.0
    appVersion: v1.9.0
    description: |
      Qdrant   vector
      database
    type: application
    kubeVersion: ">=1.24.0-0"
    home: https://qdrant.tech
    icon: https://qdrant.tech/logo.svg
    sources:
      - https://github.com/qdrant/qdrant
    keywords:
      - vector
      - search
    maintainers:
      - name: Qdrant Team
        email: info@qdrant.tech
        url: https://qdrant.tech
      - email: anonymous@example.com
    dependencies:
      - name: common
        version: 2.x.x
        repository: oci://registry-1.docker.io/bitnamicharts
        alias: shared
      - name: postgresql
        version: 16.0.0
        repository: https://charts.example.com
        condition: postgresql.enabled
      - version: 1.0.0
    annotations:
      licenses: Apache-2.0
      artifacthub.io/category: database
      artifacthub.io/changes: "- added things"
"""

LEGACY_CHART = """\
    apiVersion: v1
    name: legacy
    version: 0.3.0
    description: An old chart
"""

LEGACY_REQUIREMENTS = """\
    dependencies:
      - name: mariadb
        version: 7.x.x
        repository: https://charts.helm.sh/stable
        condition: mariadb.enabled
"""

REDIS_CHART = """\
    apiVersion: v2
    name: redis
    version: 20.0.1
"""

REDIS_VALUES = """\
    master:
      resourcesPreset: small
      resources: {}
    replica:
      replicaCount: 3
      resourcesPreset: nano
      resources: {}
"""

GH_PAGES_INDEX = """\
    apiVersion: v1
    entries:
      qdrant:
        - name: qdrant
          version: 1.2.0
          appVersion: v1.9.0
          created: "2024-03-01T10:00:00.123456789Z"
          digest: sha256:aaa
        - name: qdrant
          version: 1.2.0
          created: "2024-03-01T10:00:00Z"
          digest: sha256:repeated
        - name: qdrant
          version: 1.3.0-rc.1
          created: "2024-04-01T10:00:00Z"
          deprecated: true
      retired:
        - name: retired
          version: 0.3.0-beta.1
          description: The beta
          created: 2022-01-01T00:00:00Z
        - name: retired
          version: v0.2.0
          appVersion: "2.0"
          description: Retired chart, newest stable
          keywords: [old]
          created: 2021-06-01T10:00:00Z
        - name: retired
          version: 0.1.0
          description: Retired chart, first
          created: 2020-01-01T00:00:00+02:00
    generated: "2024-04-01T10:00:00Z"
"""


def _write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _chart(name: str, version: str, api_version: str = "v2") -> str:
    return f"apiVersion: {api_version}\nname: {name}\nversion: {version}\n"


def _by_name(batch: ChartBatch) -> dict[str, ChartPackage]:
    return {package.name: package for package in batch.packages}


def _versions(batch: ChartBatch, chart: str) -> dict[str, ChartVersion]:
    return {v.version: v for v in batch.versions if v.chart == chart}


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    _write(tmp_path, "charts/qdrant/Chart.yaml", QDRANT_CHART)
    _write(tmp_path, "charts/qdrant/values.yaml", "replicaCount: 1\n")
    _write(tmp_path, "charts/legacy/Chart.yaml", LEGACY_CHART)
    _write(tmp_path, "charts/legacy/requirements.yaml", LEGACY_REQUIREMENTS)
    _write(tmp_path, "charts/redis/Chart.yaml", REDIS_CHART)
    _write(tmp_path, "charts/redis/values.yaml", REDIS_VALUES)
    _write(tmp_path, "stable/twin/Chart.yaml", _chart("twin", "1.9.0"))
    _write(tmp_path, "incubator/twin/Chart.yaml", _chart("twin", "1.10.0"))
    _write(tmp_path, "charts/broken/Chart.yaml", "name: [unclosed\n")
    _write(tmp_path, "charts/nameless/Chart.yaml", "apiVersion: v2\nversion: 1.0.0\n")
    _write(tmp_path, "@gh-pages/index.yaml", GH_PAGES_INDEX)
    _write(tmp_path, "@gh-pages/charts/ghost/Chart.yaml", _chart("ghost", "9.9.9"))
    _write(tmp_path, "docs/index.yaml", "title: Documentation\nitems: [a, b]\n")
    return tmp_path


@pytest.fixture
def batch(checkout: Path) -> ChartBatch:
    return read_helm_repository(checkout, REPOSITORY)


def test_v2_chart_fields(batch: ChartBatch) -> None:
    qdrant = _by_name(batch)["qdrant"]
    assert (qdrant.repository, qdrant.origin, qdrant.path) == (REPOSITORY, "tree", "charts/qdrant")
    fields = qdrant.fields
    assert fields["version"] == "1.2.0"
    assert fields["app_version"] == "v1.9.0"
    assert fields["description"] == "Qdrant vector database"
    assert fields["api_version"] == "v2"
    assert fields["type"] == "application"
    assert fields["kube_version"] == ">=1.24.0-0"
    assert fields["home"] == "https://qdrant.tech"
    assert fields["sources"] == ["https://github.com/qdrant/qdrant"]
    assert fields["keywords"] == ["vector", "search"]
    assert fields["maintainers"] == [{"name": "Qdrant Team", "url": "https://qdrant.tech"}, {}]
    assert fields["dependencies"] == [
        {"name": "common", "version": "2.x.x", "repository": "oci://registry-1.docker.io/bitnamicharts",
         "alias": "shared"},
        {"name": "postgresql", "version": "16.0.0", "repository": "https://charts.example.com",
         "condition": "postgresql.enabled"},
    ]
    assert fields["annotations"] == {"licenses": "Apache-2.0", "artifacthub.io/category": "database"}
    assert fields["deprecated"] is False


def test_v1_chart_dependencies_come_from_requirements_yaml(batch: ChartBatch) -> None:
    legacy = _by_name(batch)["legacy"]
    assert legacy.fields["api_version"] == "v1"
    assert legacy.fields["dependencies"] == [
        {"name": "mariadb", "version": "7.x.x", "repository": "https://charts.helm.sh/stable",
         "condition": "mariadb.enabled"},
    ]
    assert legacy.resources is None


def test_chart_dependencies_win_over_requirements_yaml(tmp_path: Path) -> None:
    _write(tmp_path, "c/Chart.yaml", _chart("c", "1.0.0") + "dependencies:\n  - name: from-chart\n")
    _write(tmp_path, "c/requirements.yaml", "dependencies:\n  - name: from-requirements\n")
    batch = read_helm_repository(tmp_path, REPOSITORY)
    assert batch.packages[0].fields["dependencies"] == [{"name": "from-chart"}]


def test_unreadable_requirements_yaml_is_counted(tmp_path: Path) -> None:
    _write(tmp_path, "c/Chart.yaml", _chart("c", "1.0.0", "v1"))
    _write(tmp_path, "c/requirements.yaml", "- just\n- a list\n")
    batch = read_helm_repository(tmp_path, REPOSITORY)
    assert [p.name for p in batch.packages] == ["c"]
    assert batch.packages[0].fields["dependencies"] == []
    assert batch.dropped["requirements.yaml that cannot be read"] == 1


def test_bitnami_preset_gives_requests(batch: ChartBatch) -> None:
    resources = _by_name(batch)["redis"].resources
    assert resources is not None
    assert resources["declares_requests"] is True
    assert (resources["requests_cpu_m"], resources["requests_memory_mi"]) == (500 + 100, 512 + 128)
    assert resources["requests_with_replicas_cpu_m"] == 500 + 3 * 100
    by_path = {entry["path"]: entry for entry in resources["entries"]}
    assert by_path["master.resourcesPreset"]["preset"] == "small"
    assert by_path["replica.resourcesPreset"]["replicas"] == 3


def test_values_without_requests(batch: ChartBatch) -> None:
    resources = _by_name(batch)["qdrant"].resources
    assert resources is not None
    assert resources["declares_requests"] is False
    assert resources["entries"] == []


def test_values_that_are_not_yaml_keep_the_chart(tmp_path: Path) -> None:
    _write(tmp_path, "c/Chart.yaml", _chart("c", "1.0.0"))
    _write(tmp_path, "c/values.yaml", "resources: {requests: [\n")
    batch = read_helm_repository(tmp_path, REPOSITORY)
    assert [p.name for p in batch.packages] == ["c"]
    assert batch.packages[0].resources is None
    assert batch.dropped["values.yaml that is not YAML (resources unknown)"] == 1


def test_index_versions(batch: ChartBatch) -> None:
    qdrant = _versions(batch, "qdrant")
    assert sorted(qdrant) == ["1.2.0", "1.3.0-rc.1"]
    first = qdrant["1.2.0"]
    assert (first.repository, first.origin, first.app_version) == (REPOSITORY, "index", "v1.9.0")
    assert first.digest == "sha256:aaa"
    assert first.created == "2024-03-01T10:00:00.123456789Z"
    assert first.prerelease is False
    assert first.deprecated is False
    assert qdrant["1.3.0-rc.1"].prerelease is True
    assert qdrant["1.3.0-rc.1"].deprecated is True


def test_repeated_index_entry_is_dropped_and_counted(batch: ChartBatch) -> None:
    assert [v.digest for v in batch.versions if (v.chart, v.version) == ("qdrant", "1.2.0")] == ["sha256:aaa"]
    assert batch.dropped["index entry repeated"] == 1


def test_unquoted_timestamps_become_iso_strings(batch: ChartBatch) -> None:
    retired = _versions(batch, "retired")
    assert retired["v0.2.0"].created == "2021-06-01T10:00:00+00:00"
    assert retired["0.1.0"].created == "2020-01-01T00:00:00+02:00"
    assert all(isinstance(v.created, str) for v in batch.versions)


def test_v_prefixed_version_is_a_release(batch: ChartBatch) -> None:
    retired = _versions(batch, "retired")
    assert retired["v0.2.0"].prerelease is False
    assert retired["0.3.0-beta.1"].prerelease is True


def test_chart_only_in_the_index_gets_an_index_package(batch: ChartBatch) -> None:
    packages = _by_name(batch)
    retired = packages["retired"]
    assert (retired.origin, retired.path, retired.resources) == ("index", "@gh-pages/index.yaml", None)
    assert retired.fields["version"] == "v0.2.0"
    assert retired.fields["app_version"] == "2.0"
    assert retired.fields["description"] == "Retired chart, newest stable"
    assert retired.fields["keywords"] == ["old"]
    assert packages["qdrant"].origin == "tree"
    assert [p.name for p in batch.packages if p.name == "qdrant"] == ["qdrant"]


def test_tree_packages_come_before_index_packages(batch: ChartBatch) -> None:
    assert [p.name for p in batch.packages] == ["legacy", "qdrant", "redis", "twin", "retired"]


def test_index_yaml_without_entries_is_ignored(batch: ChartBatch) -> None:
    assert {v.chart for v in batch.versions} == {"qdrant", "retired"}
    assert "index file that is not YAML" not in batch.dropped


def test_chart_yaml_under_a_branch_folder_is_ignored(batch: ChartBatch) -> None:
    assert "ghost" not in _by_name(batch)


def test_broken_and_nameless_chart_yaml_are_dropped(batch: ChartBatch) -> None:
    assert batch.dropped["Chart.yaml that is not YAML"] == 1
    assert batch.dropped["Chart.yaml without a name"] == 1
    assert "broken" not in _by_name(batch)


def test_repeated_chart_name_keeps_the_higher_version(batch: ChartBatch) -> None:
    twin = _by_name(batch)["twin"]
    assert (twin.path, twin.fields["version"]) == ("incubator/twin", "1.10.0")
    assert batch.dropped["chart name repeated in the tree (the higher version is kept)"] == 1


def test_repeated_chart_name_keeps_the_first_on_a_tie(tmp_path: Path) -> None:
    _write(tmp_path, "a/twin/Chart.yaml", _chart("twin", "2.0.0"))
    _write(tmp_path, "b/twin/Chart.yaml", _chart("twin", "2.0.0"))
    _write(tmp_path, "c/twin/Chart.yaml", _chart("twin", "1.0.0"))
    batch = read_helm_repository(tmp_path, REPOSITORY)
    assert [p.path for p in batch.packages] == ["a/twin"]
    assert batch.dropped["chart name repeated in the tree (the higher version is kept)"] == 2


def test_rows_read_counts_tree_charts_and_index_entries(batch: ChartBatch) -> None:
    tree_charts = 7  # qdrant, legacy, redis, two twins, broken, nameless; not @gh-pages/charts/ghost
    index_entries = 6
    assert batch.rows_read == tree_charts + index_entries
    assert len(batch.versions) == index_entries - 1


def test_root_index_is_read_before_branch_indexes(tmp_path: Path) -> None:
    entry = "entries:\n  c:\n    - version: 1.0.0\n      digest: {}\n"
    _write(tmp_path, "@gh-pages/index.yaml", entry.format("from-branch"))
    _write(tmp_path, "index.yaml", entry.format("from-root"))
    batch = read_helm_repository(tmp_path, REPOSITORY)
    assert [v.digest for v in batch.versions] == ["from-root"]
    assert batch.packages[0].path == "index.yaml"
    assert batch.dropped["index entry repeated"] == 1


def test_index_entries_without_version_are_dropped(tmp_path: Path) -> None:
    _write(tmp_path, "index.yaml", "entries:\n  c:\n    - name: c\n    - version: ''\n    - not-a-mapping\n"
                                   "    - version: 1.0.0\n  d: not-a-list\n")
    batch = read_helm_repository(tmp_path, REPOSITORY)
    assert [(v.chart, v.version) for v in batch.versions] == [("c", "1.0.0")]
    assert batch.dropped["index entry without name or version"] == 3
    assert batch.rows_read == 4


def test_index_file_that_is_not_yaml_is_counted(tmp_path: Path) -> None:
    _write(tmp_path, "index.yaml", "entries: {c: [\n")
    _write(tmp_path, "c/Chart.yaml", _chart("c", "1.0.0"))
    batch = read_helm_repository(tmp_path, REPOSITORY)
    assert [p.name for p in batch.packages] == ["c"]
    assert batch.dropped["index file that is not YAML"] == 1


def test_empty_checkout(tmp_path: Path) -> None:
    batch = read_helm_repository(tmp_path, REPOSITORY)
    assert (batch.packages, batch.versions, batch.rows_read, sum(batch.dropped.values())) == ([], [], 0, 0)


def test_chart_fields_defaults() -> None:
    fields = chart_fields({"name": "x", "maintainers": "nobody", "keywords": "one", "annotations": ["a"]})
    assert fields["type"] == "application"
    assert fields["description"] == ""
    assert (fields["keywords"], fields["maintainers"], fields["dependencies"]) == ([], [], [])
    assert fields["annotations"] == {}
    assert fields["version"] is None


def test_chart_yaml_with_an_impossible_date_is_not_fatal(tmp_path: Path) -> None:
    _write(tmp_path, "a/Chart.yaml", _chart("a", "1.0.0") + "appVersion: 2021-04-31\n")
    _write(tmp_path, "b/Chart.yaml", _chart("b", "1.0.0"))
    batch = read_helm_repository(tmp_path, REPOSITORY)
    assert "b" in _by_name(batch)
    assert batch.rows_read == 2
    assert "a" in _by_name(batch) or batch.dropped["Chart.yaml that is not YAML"] == 1
