"""The local cluster's status: which source is configured, whether it answered, and its inventory.

`ClusterService.status()` is what the planner, `architect cluster status` and `GET /api/v1/tools/cluster`
read. One reading is reused for `ARCHITECT_CLUSTER_CACHE_S` (a failure too, so a cluster that does not
answer costs one timeout per period, not one per turn); concurrent callers share a reading.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from stack8s_architect.catalog.cluster.inventory import ClusterInventory
from stack8s_architect.catalog.cluster.kube import ClusterUnavailable, read_kubernetes
from stack8s_architect.catalog.cluster.static import InventoryFileError, read_file
from stack8s_architect.catalog.cluster.utilisation import add_utilisation
from stack8s_architect.core.logging import get_logger
from stack8s_architect.core.settings import ClusterSettings

log = get_logger(__name__)

Source = Literal["kubeconfig", "in-cluster", "file", "none"]
Problem = Literal["unreachable", "forbidden", "unauthorized", "config", "invalid", "error"]
NOT_CONFIGURED = ("no local cluster is configured: set ARCHITECT_CLUSTER_KUBECONFIG (or have ~/.kube/config), "
                  "run inside the cluster, or point ARCHITECT_CLUSTER_INVENTORY at an inventory file")


# A failed reading is reused at least this long; a whole reading may take this many API timeouts.
FAILURE_KEEP_S = 120.0
DEADLINE_TIMEOUTS = 6
UNREACHABLE_HINT = ("check ARCHITECT_CLUSTER_KUBECONFIG / ARCHITECT_CLUSTER_CONTEXT, raise ARCHITECT_CLUSTER_TIMEOUT_S, "
                    "or set ARCHITECT_CLUSTER=off to stop looking")


class ClusterStatus(BaseModel):
    """`GET /api/v1/tools/cluster`: the configured source and what it said."""

    configured: bool
    source: Source
    reachable: bool
    problem: Problem | None = Field(default=None, description="why the cluster could not be read")
    error: str | None = Field(default=None, description="what went wrong and what to change")
    checked_at: datetime
    inventory: ClusterInventory | None = None


def resolve_source(settings: ClusterSettings, environ: dict[str, str] | None = None) -> Source:
    """Which source `settings.cluster` means here (auto: file, else in-cluster, else an existing kubeconfig)."""
    environ = os.environ if environ is None else environ
    if settings.cluster == "off":
        return "none"
    if settings.cluster != "auto":
        return settings.cluster  # type: ignore[return-value]
    if settings.cluster_inventory is not None:
        return "file"
    if environ.get("KUBERNETES_SERVICE_HOST") and Path("/var/run/secrets/kubernetes.io/serviceaccount/token").exists():
        return "in-cluster"
    if settings.cluster_kubeconfig is not None:
        return "kubeconfig"
    paths = [p for p in environ.get("KUBECONFIG", "").split(os.pathsep) if p] or [str(Path.home() / ".kube/config")]
    return "kubeconfig" if any(Path(p).expanduser().is_file() for p in paths) else "none"


class ClusterService:
    def __init__(self, settings: ClusterSettings, *, clock: Callable[[], float] = time.monotonic):
        self.settings = settings
        self.source: Source = resolve_source(settings)
        self._clock = clock
        self._lock = threading.Lock()
        self._cached: tuple[float, ClusterStatus] | None = None

    @property
    def configured(self) -> bool:
        return self.source != "none"

    def status(self, *, refresh: bool = False) -> ClusterStatus:
        with self._lock:  # one reading at a time; callers arriving meanwhile get it
            now = self._clock()
            if not refresh and self._cached is not None and now - self._cached[0] < self._keep(self._cached[1]):
                return self._cached[1]
            status = self._read_within_deadline()
            self._cached = (self._clock(), status)
            return status

    def _keep(self, status: ClusterStatus) -> float:
        """A reading is kept the cache period; a failure at least FAILURE_KEEP_S, so a cluster that does not
        answer costs one timeout every few minutes, not one per turn (`?refresh=true` / the CLI read at once)."""
        return self.settings.cluster_cache_s if status.reachable else max(self.settings.cluster_cache_s, FAILURE_KEEP_S)

    def _read_within_deadline(self) -> ClusterStatus:
        """`_read` with an overall deadline: a credential plugin that waits for a login, or a server that trickles
        pages, is reported as unreachable instead of holding every turn (the stuck read is left to finish)."""
        deadline = self.settings.cluster_timeout_s * DEADLINE_TIMEOUTS
        result: list[ClusterStatus] = []
        worker = threading.Thread(target=lambda: result.append(self._read()), name="cluster-read", daemon=True)
        worker.start()
        worker.join(deadline)
        if result:
            return result[0]
        log.warning("cluster.read_deadline", source=self.source, seconds=deadline)
        return ClusterStatus(configured=True, source=self.source, reachable=False, problem="unreachable",
                             error=f"reading the cluster took longer than {deadline:g} s (a credential plugin waiting "
                                   "for a login, or a slow API server); " + UNREACHABLE_HINT,
                             checked_at=datetime.now(UTC))

    def _read(self) -> ClusterStatus:
        now = datetime.now(UTC)
        if self.source == "none":
            return ClusterStatus(configured=False, source="none", reachable=False, error=NOT_CONFIGURED, checked_at=now)
        started = time.perf_counter()
        try:
            if self.source == "file":
                inventory = read_file(self.settings.cluster_inventory,  # type: ignore[arg-type]
                                      tolerated=self.settings.tolerated_taints)
            else:
                inventory = read_kubernetes(self.settings, in_cluster=self.source == "in-cluster")
                if self.settings.cluster_prometheus_url:
                    inventory = add_utilisation(inventory, self.settings.cluster_prometheus_url,
                                                self.settings.cluster_timeout_s)
        except ClusterUnavailable as exc:
            log.warning("cluster.unavailable", source=self.source, problem=exc.problem, error=exc.message)
            return ClusterStatus(configured=True, source=self.source, reachable=False, problem=exc.problem,  # type: ignore[arg-type]
                                 error=exc.message, checked_at=now)
        except InventoryFileError as exc:
            log.warning("cluster.inventory_file_invalid", error=str(exc))
            return ClusterStatus(configured=True, source=self.source, reachable=False, problem="invalid",
                                 error=str(exc), checked_at=now)
        except Exception as exc:  # noqa: BLE001  (an exec credential plugin, a proxy…: never a failed turn)
            log.warning("cluster.read_failed", source=self.source, exc_info=True)
            return ClusterStatus(configured=True, source=self.source, reachable=False, problem="error",
                                 error=f"the cluster could not be read: {exc.__class__.__name__}: {str(exc)[:200]}",
                                 checked_at=now)
        log.info("cluster.read", source=self.source, cluster=inventory.cluster, nodes=len(inventory.nodes),
                 gpu_nodes=len(inventory.gpu_nodes), seconds=round(time.perf_counter() - started, 3))
        return ClusterStatus(configured=True, source=self.source, reachable=True, checked_at=now, inventory=inventory)
