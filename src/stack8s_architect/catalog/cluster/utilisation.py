"""GPU utilisation per node from Prometheus scraping NVIDIA's DCGM exporter (optional).

`DCGM_FI_DEV_GPU_UTIL` (%) and `DCGM_FI_DEV_FB_USED` (MiB) per GPU, grouped by node: the exporter's own
`Hostname` label is the node name when it runs from the GPU operator (NODE_NAME); a relabelled
`kubernetes_node` or `node` label wins when present. Shown beside the inventory; a failure is a warning.
"""

from __future__ import annotations

from collections import defaultdict

import httpx

from stack8s_architect.catalog.cluster.inventory import MIB_PER_GIB, ClusterInventory

UTILISATION = "DCGM_FI_DEV_GPU_UTIL"
MEMORY_USED = "DCGM_FI_DEV_FB_USED"
_NODE_LABELS = ("kubernetes_node", "node", "Hostname")


class UtilisationError(Exception):
    pass


def _query(base_url: str, metric: str, timeout: float) -> list[dict]:
    try:
        response = httpx.get(f"{base_url}/api/v1/query", params={"query": metric}, timeout=timeout)
    except httpx.HTTPError as exc:
        raise UtilisationError(f"Prometheus at {base_url} cannot be reached: {exc.__class__.__name__}") from None
    if response.status_code != 200:
        raise UtilisationError(f"Prometheus at {base_url} answered {response.status_code} to {metric}")
    try:
        body = response.json()
        return list(body["data"]["result"]) if body.get("status") == "success" else []
    except (ValueError, KeyError, TypeError):
        raise UtilisationError(f"Prometheus at {base_url} answered {metric} with something that is not a query "
                               "result") from None


def _by_node(series: list[dict]) -> dict[str, list[float]]:
    values: dict[str, list[float]] = defaultdict(list)
    for one in series:
        labels = one.get("metric") or {}
        node = next((labels[name] for name in _NODE_LABELS if labels.get(name)), None)
        try:
            value = float(one["value"][1])
        except (KeyError, IndexError, TypeError, ValueError):
            continue
        if node is not None and value == value:  # NaN is skipped
            values[node].append(value)
    return values


def add_utilisation(inventory: ClusterInventory, base_url: str, timeout: float) -> ClusterInventory:
    """The inventory with each GPU node's mean utilisation and used GPU memory; a warning when Prometheus fails."""
    try:
        utilisation = _by_node(_query(base_url, UTILISATION, timeout))
        used = _by_node(_query(base_url, MEMORY_USED, timeout))
    except UtilisationError as exc:
        return inventory.model_copy(update={"warnings": [*inventory.warnings, f"GPU utilisation not read: {exc}"]})
    except (AttributeError, TypeError, ValueError) as exc:  # a body of another shape: still only a warning
        warning = f"GPU utilisation not read: Prometheus at {base_url} answered in an unexpected shape ({exc})"
        return inventory.model_copy(update={"warnings": [*inventory.warnings, warning]})
    nodes = []
    for node in inventory.nodes:
        update: dict[str, object] = {}
        if utilisation.get(node.name):
            update["gpu_utilisation_percent"] = round(sum(utilisation[node.name]) / len(utilisation[node.name]), 1)
        if used.get(node.name):
            update["gpu_memory_used_gib"] = round(sum(used[node.name]) / MIB_PER_GIB, 2)
        nodes.append(node.model_copy(update=update) if update else node)
    seen = sum(1 for node in nodes if node.gpu_utilisation_percent is not None)
    warnings = list(inventory.warnings)
    if inventory.gpu_nodes and not seen:
        warnings.append(f"Prometheus at {base_url} has no {UTILISATION} series for this cluster's GPU nodes "
                        f"(node label: one of {', '.join(_NODE_LABELS)})")
    return inventory.model_copy(update={"nodes": nodes, "utilisation_source": f"{base_url} (DCGM exporter)",
                                        "warnings": warnings})
