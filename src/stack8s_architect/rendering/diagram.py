"""The architecture diagram: a Mermaid flowchart of the plan's components and its data flow.

users → gateway → inference → model storage; data → object storage → training → tracking →
registry → serving; observability beside, GPU operator on the GPU nodes. Built from the plan alone:
a role appears only when the plan's Kubernetes stack fills it.
"""

from __future__ import annotations

from stack8s_architect.planning.plan import DeploymentPlan

# (from, to, label, dashed) between roles, drawn when both ends are in the plan.
_FLOWS: tuple[tuple[str, str, str, bool], ...] = (
    ("users", "api-gateway", "HTTPS", False),
    ("users", "llm-gateway", "HTTPS", False),
    ("users", "chat-ui", "browser", False),
    ("chat-ui", "api-gateway", "API", False),
    ("api-gateway", "llm-gateway", "", False),
    ("api-gateway", "inference-server", "requests", False),
    ("llm-gateway", "inference-server", "requests", False),
    ("inference-server", "vector-db", "retrieve", False),
    ("inference-server", "embedding-server", "embed the question", False),
    ("dataset", "ingestion", "documents", False),
    ("ingestion", "vector-db", "chunks + vectors", False),
    ("inference-server", "cache", "", False),
    ("object-storage", "inference-server", "model weights", False),
    ("dataset", "object-storage", "upload", False),
    ("pipelines", "training-operator", "runs", False),
    ("object-storage", "training-operator", "training data", False),
    ("training-operator", "object-storage", "checkpoints", False),
    ("training-operator", "experiment-tracking", "metrics, artefacts", False),
    ("experiment-tracking", "model-registry", "register", False),
    ("model-registry", "inference-server", "serve", False),
    ("gpu-operator", "gpu-nodes", "drivers, device plugin", True),
    ("inference-server", "metrics", "", True),
    ("training-operator", "metrics", "", True),
    ("inference-server", "logs", "", True),
    ("autoscaling", "inference-server", "scale", True),
)
_OBSERVABILITY = ("metrics", "logs", "tracing", "dashboards")
_STORES = {"object-storage", "vector-db", "database", "cache", "dataset"}


def _id(role: str) -> str:
    return role.replace("-", "_")


def _text(value: str) -> str:
    return value.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def _node(role: str, label: str) -> str:
    text = _text(label).replace("\n", "<br/>")
    if role == "users":
        return f'    {_id(role)}(["{text}"])'
    if role in _STORES:
        return f'    {_id(role)}[("{text}")]'
    return f'    {_id(role)}["{text}"]'


def plan_diagram(plan: DeploymentPlan, *, dataset_gb: float | None = None, servers: dict[str, str] | None = None) -> str:
    """The plan's components and flows; `servers` adds, by role, what the manifests run without a chart (a speech
    server, an embedding server, an ingestion job)."""
    labels: dict[str, str] = {}
    for component in plan.kubernetes:
        version = f" {component.version}" if component.version else ""
        labels.setdefault(component.role, f"{component.role}\n{component.chart}{version}")
    for role, label in (servers or {}).items():
        labels.setdefault(role, f"{role}\n{label}")
    serving = "inference-server" in labels
    if serving:
        labels["users"] = "Users"
        model = plan.models[0].id if plan.models else (plan.sizing.model_id if plan.sizing else None)
        if model:
            labels["inference-server"] += f"\n{model}"
    if plan.compute:
        top = plan.compute[0]
        if top.local and top.nodes:
            labels["gpu-nodes"] = (f"Local GPU nodes\n{', '.join(n.name for n in top.nodes)}\n"
                                   f"{sum(n.gpus for n in top.nodes)} × {top.accelerator} (cluster {top.region})")
        else:
            labels["gpu-nodes"] = (f"GPU nodes\n{top.instances} × {top.instance_type}\n{top.accelerator_count:g} × "
                                   f"{top.accelerator} ({top.provider} {top.region})")
    if dataset_gb:
        labels["dataset"] = f"Dataset\n{dataset_gb:,.0f} GB"
    lines = ["flowchart LR"]
    observability = [role for role in _OBSERVABILITY if role in labels]
    for role, label in labels.items():
        if role not in observability:
            lines.append(_node(role, label))
    if observability:
        lines.append("    subgraph observability [Observability]")
        lines += ["    " + _node(role, labels[role]) for role in observability]
        lines.append("    end")
    for source, target, label, dashed in _FLOWS:
        if source in labels and target in labels:
            arrow = "-.->" if dashed else "-->"
            text = f'|"{_text(label)}"|' if label else ""
            lines.append(f"    {_id(source)} {arrow}{text} {_id(target)}")
    runs_on_gpus = [role for role in ("inference-server", "training-operator", "ingestion") if role in labels]
    if "gpu-nodes" in labels:
        lines += [f"    {_id(role)} -. runs on .-> gpu_nodes" for role in runs_on_gpus]
    return "\n".join(lines) + "\n"

