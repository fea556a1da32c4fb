"""A plan as Markdown: the chat `content` of a plan turn. Built from the DeploymentPlan alone."""

from __future__ import annotations

from stack8s_architect.planning.plan import DeploymentPlan, PlanCompute


def _cell(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.3g}" if abs(value) < 1 else f"{value:,.2f}"
    return str(value).replace("|", "\\|").replace("\n", " ")


def _usd(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"${value:,.{digits}f}"


def _table(header: list[str], rows: list[list[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return lines


def _gpus(c: PlanCompute) -> str:
    """GPUs per instance; a local option's free devices per node (its shares may differ)."""
    if c.local and c.nodes:
        return (f"{sum(n.gpus for n in c.nodes)} × {c.accelerator} (" + ", ".join(f"{n.gpus} on {n.name}" for n in c.nodes)
                + ", free)")
    return f"{c.accelerator_count:g} × {c.accelerator}"


def _layout(c: PlanCompute) -> str | None:
    """How the sized model is split on this offer: tensor/pipeline parallel and replicas."""
    if not c.tensor_parallel:
        return None
    parts = [f"TP={c.tensor_parallel}"]
    if (c.pipeline_parallel or 1) > 1:
        parts.append(f"PP={c.pipeline_parallel}")
    if (c.replicas or 1) > 1:
        parts.append(f"× {c.replicas}")
    return " ".join(parts)


def _compute_section(rows: list[PlanCompute]) -> list[str]:
    """The ranked offers: a month of each for a service; for a finite job the hours and cost of one run (and, across
    several instances, the network between them), in the order they were ranked."""
    runs = any(c.run_cost_usd is not None for c in rows)
    network = runs and any(c.instances > 1 and c.interconnect for c in rows)
    if rows[0].local:
        title = "### Compute (the local cluster's free GPUs first, then the cheapest fitting)"
    elif runs:
        title = "### Compute (cheapest run first" + (", a fabric between instances preferred)" if network else ")")
    else:
        title = "### Compute (cheapest fitting first)"
    budget = any(c.within_budget is not None for c in rows)
    # options over the budget after those within it, each marked (the order within each group is the ranking's)
    rows = sorted(rows, key=lambda c: c.within_budget is False)
    header = ["#", "provider", "instance", "region", "GPUs", "GiB/GPU", "layout", "instances", "$/hour",
              *(["h/run", "$/run"] if runs else ["$/month"]), *(["budget"] if budget else []),
              *(["between instances"] if network else []), "source", "catalog date"]
    body = [[c.rank, c.provider, c.instance_type, c.region, _gpus(c), c.gpu_memory_gib, _layout(c), c.instances,
             _usd(c.price_per_hour_usd, 4),
             *([c.run_hours, _usd(c.run_cost_usd)] if runs else [_usd(c.monthly_cost_usd)]),
             *(["within" if c.within_budget else "**over**"] if budget else []),
             *([c.interconnect if c.instances > 1 else "one instance"] if network else []),
             c.source + (" (spot)" if c.spot else ""), c.catalog_date or "undated"] for c in rows]
    return [title, *_table(header, body), ""]


def plan_markdown(plan: DeploymentPlan) -> str:
    out = [f"## Deployment plan (version {plan.version})", "", plan.summary, ""]
    if plan.sizing is not None:
        s = plan.sizing
        figures = ", ".join(filter(None, (
            f"weights {s.weights_gib:g} GiB" if s.weights_gib is not None else None,
            f"KV cache {s.kv_cache_gib:g} GiB" + (f" for {s.concurrent_sequences} concurrent sequences"
                                                   if s.concurrent_sequences else "") if s.kv_cache_gib else None,
            f"overhead {s.overhead_gib:g} GiB" if s.overhead_gib else None,
            f"**{s.required_gpu_memory_gib:g} GiB** of GPU memory" if s.required_gpu_memory_gib else None,
            f"≈ {s.tokens_per_second:,.0f} tokens/s per replica" if s.tokens_per_second else None,
            f"≈ {s.training_hours:,.1f} h per run" if s.training_hours else None,
        )))
        size = f"{s.params_billions:g}B" if s.params_billions is not None else "model"
        if s.active_params_billions and s.params_billions and s.active_params_billions < s.params_billions * 0.95:
            size += f" ({s.active_params_billions:g}B active)"
        if s.model_id and s.model_id != f"{s.params_billions:g}B":
            size = f"{s.model_id}, {size}"
        out += ["### Sizing", f"{s.mode}, {size} at {s.precision or 'bf16'} ({s.confidence}): {figures}.", ""]
    if plan.compute:
        out += _compute_section(plan.compute)
    if plan.models:
        out += ["### Models"]
        out += _table(["#", "model", "task", "params (B)", "licence", "commercial use", "GiB"],
                      [[m.rank, m.id, m.task, m.params_billions, m.license, m.commercial_use, m.memory_gib]
                       for m in plan.models])
        out.append("")
    if plan.kubernetes:
        out += ["### Kubernetes stack"]
        out += _table(["role", "chart", "version", "licence", "why", "alternatives"],
                      [[k.role, k.chart, k.version, k.license, k.why,
                        "; ".join(a.split(":", 1)[0] for a in k.alternatives) or None] for k in plan.kubernetes])
        out.append("")
    if plan.diagram_mermaid:
        out += ["### Architecture", "```mermaid", plan.diagram_mermaid.rstrip(), "```", ""]
    if plan.manifests:
        out += ["### Deliverables", "Export them as a zip (`GET …/plans/{version}/export`) or with "
                "`architect export <conversation>`: " + ", ".join(f"`{m.path}`" for m in plan.manifests) + ".", ""]
    c = plan.cost
    out += ["### Cost (per month, 730 h)"]
    out += _table(["compute", "storage", "other", "total", "one-off", "budget"],
                  [[_usd(c.compute_monthly_usd), _usd(c.storage_monthly_usd), _usd(c.other_monthly_usd),
                    _usd(c.total_monthly_usd), _usd(c.one_time_usd), _usd(c.budget_usd_per_month)]])
    if c.within_budget is not None:
        out.append("")
        out.append("Within the budget." if c.within_budget else "**Over the budget** — see the trade-offs.")
    out.append("")
    for title, items in (("Steps", plan.steps), ("Trade-offs", plan.tradeoffs), ("Assumptions", plan.assumptions)):
        if items:
            out += [f"### {title}"]
            out += [f"{i}. {item}" if title == "Steps" else f"- {item}" for i, item in enumerate(items, start=1)]
            out.append("")
    return "\n".join(out).rstrip() + "\n"
