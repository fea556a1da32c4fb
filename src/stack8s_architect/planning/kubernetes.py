"""The plan's Kubernetes section: the workload's stack template, filled from the chart catalog."""

from __future__ import annotations

from stack8s_architect.catalog.charts.catalog import ChartEntry, VersionInfo
from stack8s_architect.catalog.charts.roles import ROLE_IDS, ROLE_RULES
from stack8s_architect.catalog.charts.schemas import StackRequest, StackResponse
from stack8s_architect.catalog.charts.service import ChartCatalog
from stack8s_architect.catalog.charts.versions import sort_key
from stack8s_architect.planning.plan import PlanComponent
from stack8s_architect.planning.spec import WorkloadSpec

_PRIMARY_ROLE = {rule.product.lower(): rule.roles[0] for rule in reversed(ROLE_RULES) if rule.roles}


def template_for(spec: WorkloadSpec) -> str:
    """The stack template a spec calls for (DESIGN.md domains and tasks → stacks.TEMPLATES ids)."""
    if spec.domain == "medical_imaging":
        return "medical-imaging"
    if spec.domain == "speech":
        return "speech"
    if spec.task == "batch_inference":
        return "batch-inference"
    if spec.task in {"training", "fine_tuning"}:
        return "cv-training" if spec.domain in {"vision", "image_generation", "tabular", "other"} else "llm-fine-tuning"
    if "vector-db" in (spec.components or []):
        return "rag"
    return "llm-inference"


def requested_roles(spec: WorkloadSpec) -> list[str]:
    """Roles the user asked for by naming a product ("with MLflow") or a role ("vector-db")."""
    roles = []
    for component in spec.components or []:
        role = component if component in ROLE_IDS else _PRIMARY_ROLE.get(component.lower())
        if role and role not in roles:
            roles.append(role)
    return roles


def stack_request(spec: WorkloadSpec) -> StackRequest:
    return StackRequest(workload=template_for(spec), add_roles=requested_roles(spec), compliance=spec.compliance or [],
                        license_policy="permissive-only" if spec.license == "permissive" else "prefer-permissive")


def kubernetes_section(catalog: ChartCatalog, spec: WorkloadSpec) -> tuple[StackResponse, list[PlanComponent]]:
    """The stack and its contract form: `alternatives` as "chart (version): why" strings."""
    stack = catalog.stack(stack_request(spec))
    components = [
        PlanComponent(
            role=c.role, chart=c.chart_id, repository=c.repository, version=c.version, app_version=c.app_version,
            license=c.license, why=c.why + (f" (also {', '.join(c.also_covers)})" if c.also_covers else ""),
            alternatives=[" ".join(filter(None, (a.chart_id, a.version))) + f": {a.why}" for a in c.alternatives],
        )
        for c in stack.components
    ]
    return stack, components


# Bitnami moved every versioned image to docker.io/bitnamilegacy on this day and stopped updating them; releases
# after it name images the free registry no longer serves.
BITNAMI_MOVE = "2025-08-28"


_PINS: dict[int, tuple[ChartEntry, VersionInfo | None]] = {}


def _bitnami_pin(entry: ChartEntry) -> VersionInfo | None:
    """The chart's last stable release before the move (its versions sorted once per catalog entry)."""
    hit = _PINS.get(id(entry))
    if hit is not None and hit[0] is entry:
        return hit[1]
    before = [v for v in entry.versions if v.released and v.released < BITNAMI_MOVE and not v.prerelease]
    pin = max(before, key=lambda v: sort_key(v.version)) if before else None
    if len(_PINS) > 1_024:
        _PINS.clear()
    _PINS[id(entry)] = (entry, pin)
    return pin


def bitnami_pinned(catalog: ChartCatalog, components: list[PlanComponent]) -> tuple[list[PlanComponent], list[str]]:
    """Bitnami charts pinned to their last release before the image move, their images pulled from bitnamilegacy
    (the `image.repository`-style keys of the chart's own values, and `global.security.allowInsecureImages`, which
    Bitnami charts require for a repository they did not name); said back with the reason."""
    data = catalog.data()
    out, pinned = [], []
    for component in components:
        entry = data.by_id.get(component.chart)
        pin = _bitnami_pin(entry) if entry is not None and entry.alias == "bitnami" else None
        images = [i for i in (entry.images if entry is not None else []) if i["repository"].startswith("bitnami/")]
        if pin is None or not images:
            out.append(component)
            continue
        values: dict = {"global": {"security": {"allowInsecureImages": True}}}
        for image in images:
            node = values
            for key in [*image["path"].split("."), "repository"][:-1]:
                node = node.setdefault(key, {})
            node["repository"] = "bitnamilegacy/" + image["repository"].split("/", 1)[1]
        out.append(component.model_copy(update={"version": pin.version, "app_version": pin.app_version,
                                                 "values": values}))
        pinned.append(f"{component.chart} {pin.version} (released {pin.released})")
    said = [f"Bitnami moved its versioned images to docker.io/bitnamilegacy on {BITNAMI_MOVE} and no longer updates "
            f"them; releases after it name images the free registry does not serve. Pinned to the last release before "
            f"the move, pulling from bitnamilegacy (no security updates — for production prefer another publisher's "
            f"chart): {'; '.join(pinned)}"] if pinned else []
    return out, said


def publisher_notes(catalog: ChartCatalog, components: list[PlanComponent]) -> list[str]:
    """What a chart's publisher warns of (Bitnami's images moving to a legacy registry), said per chart of the stack,
    with the alternatives from other publishers."""
    data = catalog.data()
    notes: dict[str, list[str]] = {}
    for component in components:
        entry = data.by_id.get(component.chart)
        if entry is None or not entry.notes or entry.publisher_kind != "vendor" or component.values:
            continue
        others = [a.split(":", 1)[0] for a in component.alternatives if not a.startswith(entry.alias + "/")]
        notes.setdefault(entry.notes[0], []).append(
            f"{component.chart} {component.version or ''}".strip() + (f" (or {', '.join(others)})" if others else ""))
    return [f"{note}: {'; '.join(charts)}" for note, charts in notes.items()]


# Metrics charts whose Prometheus the deliverables know the address of (rendering/manifests.py), so KEDA can query it.
QUERYABLE_METRICS = frozenset({"kube-prometheus-stack", "prometheus"})


def scales_on_queue(roles: dict[str, str]) -> bool:
    """The stack scales a model server on its queue: KEDA installed, and a Prometheus it can query (role → chart id)."""
    return "keda" in roles.get("autoscaling", "") and roles.get("metrics", "").split("/")[-1] in QUERYABLE_METRICS
