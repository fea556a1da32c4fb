"""How charts are ranked: within a role by an explicit key, in text search by relevance plus trust.

Within a role, charts compare on these criteria in order; the first difference decides:
 1. usable: not deprecated, not archived, not removed from its repository;
 2. maintained: released within a year of the catalog's newest release (then two years, unknown, older);
 3. installable from a published Helm repository (example charts are not);
 4. the workload's preferred products for the role (a stack template's list), when one is given;
 5. publisher: upstream project > known vendor > community > unknown;
 6. licence fit: software usable commercially without conditions first (unless the caller says any);
 7. the role is the chart's primary role;
 8. fewer default CPU/memory requests, when the caller wants a small footprint (unknown last);
 9. newer last release, then more published versions, then the chart id (so the order is total).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from stack8s_architect.catalog.charts.catalog import ChartEntry, age_days
from stack8s_architect.catalog.charts.licenses import COPYLEFT

TIERS = {"upstream": 3, "vendor": 2, "community": 1, "unknown": 0}


def maintenance(entry: ChartEntry, as_of: str | None) -> str:
    if entry.origin == "artifacthub-2022":
        return "stale"  # known only from a 2022 listing: nothing says it is maintained since
    days = age_days(entry, as_of)
    if days is None:
        return "unknown"
    return "active" if days <= 365 else "ageing" if days <= 730 else "stale"


_MAINTENANCE_ORDER = {"active": 0, "ageing": 1, "unknown": 2, "stale": 3}


def license_allowed(entry: ChartEntry, policy: str) -> bool:
    """permissive-only: a known licence, usable commercially without conditions, and not copyleft."""
    return policy != "permissive-only" or (entry.commercial_use == "yes" and entry.license not in COPYLEFT)


def footprint(entry: ChartEntry) -> float | None:
    """Default requests (× replicas) as one number: millicores + MiB / 4 (1 CPU weighs like 4 GiB); None if undeclared."""
    cpu, memory = entry.requests_cpu_m, entry.requests_memory_mi
    if cpu is None and memory is None:
        return None
    return (cpu or 0) + (memory or 0) / 4


def role_key(
    entry: ChartEntry, role: str, as_of: str | None, *, preferences: Sequence[str] = (),
    prefer_small: bool = False, license_policy: str = "prefer-permissive",
) -> tuple:
    product = entry.product or ""
    size = footprint(entry) if prefer_small else 0.0
    released = date.fromisoformat(entry.last_release).toordinal() if entry.last_release else 0
    return (
        entry.deprecated,
        _MAINTENANCE_ORDER[maintenance(entry, as_of)],
        entry.helm_repo is None,
        preferences.index(product) if product in preferences else len(preferences),
        -TIERS.get(entry.publisher_kind, 0),
        license_policy != "any" and entry.commercial_use != "yes",
        not entry.roles or entry.roles[0] != role,
        size is None, size or 0.0,
        -released, -len(entry.versions), entry.id,
    )


def main_chart_key(entry: ChartEntry, role: str, as_of: str | None, **options: object) -> tuple:
    """Within one product: usable, maintained, installable, publisher, then the product's main chart —
    its rule comes first (kserve-resources before kserve-runtime-configs), and under one wildcard rule
    the shortest name (keda before keda-add-ons-http, valkey before valkey-cluster) — then the role key."""
    key = role_key(entry, role, as_of, **options)  # type: ignore[arg-type]
    return (*key[:3], key[4], entry.rule_position, len(entry.name), key)


def trust_score(entry: ChartEntry, as_of: str | None) -> float:
    """0..1 for text search: publisher 0.4, maintenance 0.3, not deprecated 0.2, installable 0.1."""
    fresh = {"active": 1.0, "ageing": 0.6, "unknown": 0.3, "stale": 0.0}[maintenance(entry, as_of)]
    return (0.4 * TIERS.get(entry.publisher_kind, 0) / 3 + 0.3 * fresh + 0.2 * (not entry.deprecated)
            + 0.1 * (entry.helm_repo is not None))


def why(entry: ChartEntry, as_of: str | None, role: str | None = None) -> str:
    """One line from the data: who publishes it, how maintained, licence, default footprint."""
    who = {"upstream": f"official chart of {entry.publisher}", "vendor": f"packaged by {entry.publisher}",
           "community": f"community chart ({entry.publisher})",
           "unknown": f"third-party repository {entry.repository}"}[entry.publisher_kind]
    parts = [f"{entry.product or entry.name}: {who}"]
    if entry.deprecation:
        parts.append(entry.deprecation)
    elif entry.last_release:
        state = maintenance(entry, as_of)
        released = f" on {entry.latest_released}" if entry.latest_released else ""
        parts.append(f"latest release {entry.latest_version}{released}" + (" (stale)" if state == "stale" else ""))
    elif entry.latest_version:
        parts.append(f"version {entry.latest_version}")
    if entry.license:
        parts.append(entry.license + (" (restricted: see licence caveat)" if entry.commercial_use == "restricted" else ""))
    if entry.requests_cpu_m is not None or entry.requests_memory_mi is not None:
        parts.append(f"default requests {entry.requests_cpu_m or 0}m CPU / {entry.requests_memory_mi or 0} MiB")
    if role and entry.roles and role != entry.roles[0]:
        parts.append(f"mainly a {entry.roles[0]} chart")
    return "; ".join(parts)
