"""`architect charts`: Kubernetes components, Helm charts by role."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from stack8s_architect.cli.common import _database, _print_json, _request, console

charts_app = typer.Typer(help="Kubernetes components: Helm charts by role.", no_args_is_help=True)


@charts_app.command("search")
def charts_search(
    query: Annotated[str | None, typer.Argument(help="What the component should do, or its name.")] = None,
    role: Annotated[str | None, typer.Option(help="A role: vector-db, object-storage, api-gateway …")] = None,
    publisher: Annotated[list[str] | None, typer.Option("--publisher", help="upstream, vendor, community, unknown.")] = None,
    license_policy: Annotated[str, typer.Option("--license-policy", help="prefer-permissive, permissive-only, any.")] = "prefer-permissive",
    include_deprecated: Annotated[bool, typer.Option("--include-deprecated", help="Also deprecated charts.")] = False,
    small: Annotated[bool, typer.Option("--small", help="Prefer charts with small default requests.")] = False,
    limit: Annotated[int, typer.Option(help="Results to show.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Find Helm charts by words and/or role: official, maintained charts first."""
    from stack8s_architect.catalog.charts.schemas import ChartSearchRequest
    from stack8s_architect.catalog.charts.service import ChartCatalog

    request = _request(ChartSearchRequest, query=query, role=role, publisher_kinds=publisher, limit=limit,
                       license_policy=license_policy, include_deprecated=include_deprecated, prefer_small=small)
    with _database() as (_, database), database.session() as session:
        result = ChartCatalog(session).search(request)
        if as_json:
            _print_json(result)
            return
        table = Table("#", "chart", "version", "released", "publisher", "licence", "roles", "why")
        for hit in result.results:
            table.add_row(str(hit.rank), hit.id, hit.version or "-", hit.last_release or "-", hit.publisher_kind,
                          hit.license or "?", ", ".join(hit.roles), hit.why)
        console.print(table)
        if result.inferred_roles:
            console.print(f"roles named in the query: {', '.join(result.inferred_roles)}")


@charts_app.command("show")
def charts_show(chart: Annotated[str, typer.Argument(help="A chart id (bitnami/redis) or name (redis).")],
                as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Everything known about a chart: versions, publisher, licence, default resources, how to install."""
    from stack8s_architect.catalog.charts.service import ChartCatalog

    with _database() as (_, database), database.session() as session:
        detail = ChartCatalog(session).show(chart)
        if as_json:
            _print_json(detail)
            return
        table = Table("field", "value", title=detail.id)
        for name in ("description", "product", "roles", "repository", "source_repository", "publisher", "publisher_kind",
                     "foundation", "version", "app_version", "last_release", "first_release", "versions_count",
                     "maintenance", "deprecation", "license", "app_license", "chart_license", "commercial_use",
                     "license_caveat", "requests_cpu_m", "requests_memory_mi", "kube_version", "home"):
            value = getattr(detail, name)
            if value not in (None, [], ""):
                table.add_row(name, ", ".join(value) if isinstance(value, list) else str(value))
        console.print(table)
        for key in detail.gpu_keys:
            console.print(f"- GPU key: {key.path} = {key.value}", highlight=False)
        for dependency in detail.dependencies:
            console.print(f"- depends on {dependency.get('name')} {dependency.get('version', '')}", highlight=False)
        for note in detail.notes:
            console.print(f"- note: {note}", highlight=False)
        if detail.same_name:
            console.print(f"- other charts named {detail.chart}: {', '.join(detail.same_name[:8])}", highlight=False)
        if detail.install:
            console.print(f"install: {detail.install}", highlight=False)


@charts_app.command("stack")
def charts_stack(
    workload: Annotated[str, typer.Argument(help="llm-inference, rag, llm-fine-tuning, cv-training, batch-inference, "
                                                 "medical-imaging, speech.")],
    optional: Annotated[bool, typer.Option("--optional", help="Also the template's optional roles.")] = False,
    add: Annotated[list[str] | None, typer.Option("--add", help="A role to add (repeatable).")] = None,
    exclude: Annotated[list[str] | None, typer.Option("--exclude", help="A role to leave out (repeatable).")] = None,
    compliance: Annotated[list[str] | None, typer.Option("--compliance", help="hipaa, gdpr … (repeatable).")] = None,
    small: Annotated[bool, typer.Option("--small", help="Prefer charts with small default requests.")] = False,
    license_policy: Annotated[str, typer.Option("--license-policy", help="prefer-permissive, permissive-only, any.")] = "prefer-permissive",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """A Kubernetes component stack for a workload: one chart per role, two alternatives each."""
    from stack8s_architect.catalog.charts.schemas import StackRequest
    from stack8s_architect.catalog.charts.service import ChartCatalog

    request = _request(StackRequest, workload=workload, include_optional=optional, add_roles=add or [],
                       exclude_roles=exclude or [], compliance=compliance or [], prefer_small=small,
                       license_policy=license_policy)
    with _database() as (_, database), database.session() as session:
        result = ChartCatalog(session).stack(request)
        if as_json:
            _print_json(result)
            return
        table = Table("role", "chart", "version", "licence", "why", "alternatives", title=result.title)
        for item in result.components:
            role = item.role + ("" if item.required else " (optional)") + "".join(f"\n+ {r}" for r in item.also_covers)
            table.add_row(role, item.chart_id, item.version or "-", item.license or "?", item.why,
                          "\n".join(a.chart_id for a in item.alternatives))
        console.print(table)
        for gap in result.gaps:
            console.print(f"- no chart for {gap.role}: {gap.reason}", highlight=False)
        totals = result.totals
        console.print(f"default requests: {totals.requests_cpu_m}m CPU, {totals.requests_memory_mi} MiB "
                      f"(declared by {totals.charts_with_declared_requests} of {totals.charts} charts)")
        for note in result.notes:
            console.print(f"- {note}", highlight=False)
