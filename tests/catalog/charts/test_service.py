"""Chart search, detail and stacks over a real database, after a real sync of a fixture mirror."""

from __future__ import annotations

from pathlib import Path

import pytest

from stack8s_architect.catalog import ingest
from stack8s_architect.catalog.charts.schemas import ChartSearchRequest, StackRequest
from stack8s_architect.catalog.charts.service import ChartCatalog
from stack8s_architect.catalog.sources import SourceReader
from stack8s_architect.core.database import Database
from stack8s_architect.core.errors import NotFoundError, UnknownNameError

from .fixtures import AS_OF, fixture_chart_sources, write_chart_mirror


@pytest.fixture
def synced(database: Database, tmp_path: Path) -> Database:
    reports = ingest.sync(database, SourceReader(write_chart_mirror(tmp_path), tmp_path / "cache"), fixture_chart_sources())
    assert [r.status for r in reports] == ["ingested"] * len(reports), [r.error for r in reports]
    return database


def _search(database: Database, **values: object) -> list[str]:
    with database.session() as session:
        return [hit.id for hit in ChartCatalog(session).search(ChartSearchRequest(**values)).results]


def test_sync_is_idempotent_and_counts_rows(synced: Database, tmp_path: Path) -> None:
    again = ingest.sync(synced, SourceReader(tmp_path, tmp_path / "cache"), fixture_chart_sources())
    assert {r.status for r in again} == {"unchanged"}
    with synced.session() as session:
        data = ChartCatalog(session).data()
    assert data.as_of == AS_OF
    assert {"qdrant/qdrant", "bitnami/redis", "stable/redis", "someone/redis", "rook/rook-ceph-cluster"} <= set(data.by_id)
    assert "bitnami/redis" in data.by_id and not any(e.repository == "bitnami" for e in data.entries)  # covered listing


def test_a_changed_source_is_seen_by_the_next_search(synced: Database, tmp_path: Path) -> None:
    assert _search(synced, query="qdrant", limit=1) == ["qdrant/qdrant"]
    with synced.session() as session:
        assert ChartCatalog(session).show("qdrant/qdrant").version == "1.19.0"
    mirror = write_chart_mirror(tmp_path / "next", qdrant_version="1.21.0")
    ingest.sync(synced, SourceReader(mirror, tmp_path / "cache"), fixture_chart_sources())
    with synced.session() as session:
        assert ChartCatalog(session).show("qdrant/qdrant").version == "1.21.0"


def test_official_maintained_charts_rank_above_forks_and_deprecated_copies(synced: Database) -> None:
    ranked = _search(synced, query="redis", limit=10)
    assert ranked[0] == "bitnami/redis"
    assert ranked.index("stable/redis") < ranked.index("someone/redis")  # named, so shown; an unknown fork last
    assert "stable/redis" not in _search(synced, query="key-value store", limit=10)
    assert "stable/redis" in _search(synced, query="key-value store", include_deprecated=True, limit=10)


def test_role_search_prefers_upstream_then_vendor(synced: Database) -> None:
    assert _search(synced, role="vector database") == ["qdrant/qdrant", "milvus/milvus", "bitnami/milvus"]
    assert _search(synced, query="vector database", limit=2) == ["qdrant/qdrant", "milvus/milvus"]


def test_filters_small_footprint_licence_and_publisher(synced: Database) -> None:
    assert _search(synced, role="vector-db", prefer_small=True)[0] == "qdrant/qdrant"
    assert _search(synced, role="cache") == ["bitnami/valkey", "bitnami/redis", "someone/redis"]  # Redis 8 is not permissive
    assert _search(synced, role="object-storage", license_policy="permissive-only") == []  # MinIO is AGPL
    assert _search(synced, role="cache", publisher_kinds=["unknown"]) == ["someone/redis"]
    assert "bitnami/common" not in _search(synced, query="library chart", limit=20)


def test_hits_explain_themselves(synced: Database) -> None:
    with synced.session() as session:
        hit = ChartCatalog(session).search(ChartSearchRequest(role="object-storage")).results[0]
    assert hit.id == "bitnami/minio" and hit.license == "AGPL-3.0" and hit.commercial_use == "restricted"
    assert "packaged by Bitnami" in hit.why and "AGPL-3.0" in hit.why and "250m CPU / 256 MiB" in hit.why
    assert hit.requests_cpu_m == 250 and hit.requests_memory_mi == 256 and hit.maintenance == "active"


def test_unknown_role_suggests(synced: Database) -> None:
    with synced.session() as session, pytest.raises(UnknownNameError, match="vector-db"):
        ChartCatalog(session).search(ChartSearchRequest(role="vectr-db"))


def test_show_by_id_or_name(synced: Database) -> None:
    with synced.session() as session:
        catalog = ChartCatalog(session)
        detail = catalog.show("redis")
        assert detail.id == "bitnami/redis" and "stable/redis" in detail.same_name
        assert [v.version for v in detail.versions] == ["23.1.1", "23.1.0"] and detail.last_release == "2026-02-12"
        assert detail.install == "helm install redis oci://registry-1.docker.io/bitnamicharts/redis --version 23.1.1"
        vllm = catalog.show("vllm/vllm-stack")
        assert vllm.gpu_keys[0].path == "servingEngineSpec.modelSpec[0].requestGPU" and vllm.gpu_keys[0].value == "1"
        assert vllm.install and vllm.install.startswith("helm repo add vllm https://vllm-project.github.io/production-stack")
        qdrant = catalog.show("qdrant/qdrant")
        assert qdrant.version == "1.19.0" and qdrant.versions[0].version == "1.20.0-rc.1" and qdrant.versions[0].prerelease
        removed = catalog.show("bitnami/kubeapps")
        assert removed.deprecated and "removed" in (removed.deprecation or "")
        with pytest.raises(NotFoundError, match="Did you mean: qdrant"):
            catalog.show("qdrnt")


def test_llm_inference_stack_fills_every_role_once(synced: Database) -> None:
    with synced.session() as session:
        stack = ChartCatalog(session).stack(StackRequest(workload="llm-inference", include_optional=True))
    chosen = {c.role: c.chart_id for c in stack.components}
    assert chosen["inference-server"] == "vllm/vllm-stack"
    assert chosen["api-gateway"] == "traefik/traefik" and chosen["gpu-operator"] == "nvidia/gpu-operator"
    assert chosen["metrics"] == "prometheus-community/kube-prometheus-stack"
    assert chosen["autoscaling"] == "kedacore/keda" and chosen["cache"] == "bitnami/valkey"
    vllm = next(c for c in stack.components if c.chart_id == "vllm/vllm-stack")
    assert vllm.also_covers == ["llm-gateway"]  # its router; not a second chart
    metrics = next(c for c in stack.components if c.role == "metrics")
    assert "dashboards" in metrics.also_covers
    cache = next(c for c in stack.components if c.role == "cache")
    assert [a.chart_id for a in cache.alternatives] == ["bitnami/redis"] and cache.alternatives[0].why
    assert {g.role for g in stack.gaps} >= {"chat-ui", "llm-observability", "secrets", "certificates", "logs"}
    assert all(g.reason == "no chart in the catalog fills this role" for g in stack.gaps)
    assert stack.totals.charts == len(stack.components)
    assert stack.totals.requests_cpu_m == sum(c.requests_cpu_m or 0 for c in stack.components)


def test_rag_stack_alternatives_are_other_products(synced: Database) -> None:
    with synced.session() as session:
        stack = ChartCatalog(session).stack(StackRequest(workload="rag"))
    vector = next(c for c in stack.components if c.role == "vector-db")
    assert vector.chart_id == "qdrant/qdrant" and [a.chart_id for a in vector.alternatives] == ["milvus/milvus"]
    storage = next(c for c in stack.components if c.role == "object-storage")
    assert storage.chart_id == "bitnami/minio" and storage.license_caveat and "AGPL" in storage.license_caveat
    assert [a.chart_id for a in storage.alternatives] == ["rook/rook-ceph-cluster"]
    assert all(c.required for c in stack.components)  # optional roles only on request


def test_stack_options_change_the_roles(synced: Database) -> None:
    with synced.session() as session:
        catalog = ChartCatalog(session)
        trimmed = catalog.stack(StackRequest(workload="inference", exclude_roles=["ingress"], add_roles=["vector database"]))
        assert "api-gateway" not in {c.role for c in trimmed.components}
        assert "vector-db" in {c.role for c in trimmed.components}
        compliant = catalog.stack(StackRequest(workload="rag", compliance=["hipaa"]))
        assert {"secrets", "certificates", "identity", "logs"} <= {g.role for g in compliant.gaps}
        assert any("hipaa" in note for note in compliant.notes)
        small = catalog.stack(StackRequest(workload="llm-inference", prefer_small=True))
        assert {c.role: c.chart_id for c in small.components}["autoscaling"] == "kedacore/keda"  # not its add-on
        cached = catalog.stack(StackRequest(workload="rag", add_roles=["cache"], include_optional=True))
        assert "database" in {g.role for g in cached.gaps}  # a key-value cache does not stand in for a database
        strict = catalog.stack(StackRequest(workload="rag", license_policy="permissive-only"))
        assert "permissive" in next(g.reason for g in strict.gaps if g.role == "object-storage")
        with pytest.raises(UnknownNameError, match="rag"):
            catalog.stack(StackRequest(workload="ragg"))


def test_empty_catalog_says_how_to_fill_it(database: Database) -> None:
    with database.session() as session:
        catalog = ChartCatalog(session)
        with pytest.raises(NotFoundError, match="data sync --only charts"):
            catalog.search(ChartSearchRequest(query="redis"))
        with pytest.raises(NotFoundError, match="data sync --only charts"):
            catalog.stack(StackRequest(workload="rag"))
        with pytest.raises(NotFoundError, match="data sync --only charts"):
            catalog.show("redis")


def test_online_without_a_mirror_chart_trees_are_skipped_not_failed(database: Database, tmp_path: Path) -> None:
    reports = ingest.sync(database, SourceReader(None, tmp_path / "cache"), fixture_chart_sources()[:2])
    assert [r.status for r in reports] == ["skipped", "skipped"]
    assert "ARCHITECT_DATA_MIRROR" in (reports[0].error or "")
    ingest.raise_for_failures(reports)  # a skipped source does not fail `data sync`
    with database.session() as session:
        assert ChartCatalog(session).data().entries == []  # `search` then says to sync with a mirror
