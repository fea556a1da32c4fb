"""`architect cluster`: the local Kubernetes cluster, its GPUs and what is free."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.table import Table

from stack8s_architect.core.errors import ArchitectError
from stack8s_architect.cli.common import _fail, _print_json, _settings, console, errors

cluster_app = typer.Typer(help="The local Kubernetes cluster: its GPUs and what is free.", no_args_is_help=True)


_KUBECONFIG_OPTION = typer.Option("--kubeconfig", help="Read this kubeconfig (default: ARCHITECT_CLUSTER_KUBECONFIG, "
                                                       "$KUBECONFIG, ~/.kube/config).")
_CONTEXT_OPTION = typer.Option("--context", help="The kubeconfig context (default: its current one).")
_INVENTORY_OPTION = typer.Option("--inventory", help="Read this static inventory YAML instead of a cluster.")


def _cluster_service(kubeconfig: Path | None, context: str | None, inventory: Path | None):  # noqa: ANN202
    from stack8s_architect.catalog.cluster.service import ClusterService
    from stack8s_architect.core.settings import ClusterSettings

    try:
        settings = _settings()
        overrides: dict[str, object] = {"cluster_cache_s": 0}
        if inventory is not None:
            overrides.update(cluster="file", cluster_inventory=inventory)
        elif kubeconfig is not None or context is not None:
            overrides["cluster"] = "kubeconfig"
            if kubeconfig is not None:
                overrides["cluster_kubeconfig"] = kubeconfig
            if context is not None:
                overrides["cluster_context"] = context
        chosen = ClusterSettings.model_validate({**settings.cluster.model_dump(), **overrides})
    except ArchitectError as exc:
        _fail(exc.message)
    except ValidationError as exc:
        _fail("; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors()), 2)
    return ClusterService(chosen)


def _cluster_status(kubeconfig: Path | None, context: str | None, inventory: Path | None):  # noqa: ANN202
    status = _cluster_service(kubeconfig, context, inventory).status()
    if not status.reachable or status.inventory is None:
        _fail(status.error or "the cluster could not be read")
    return status


@cluster_app.command("status")
def cluster_status(
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON of GET /api/v1/tools/cluster.")] = False,
    kubeconfig: Annotated[Path | None, _KUBECONFIG_OPTION] = None,
    context: Annotated[str | None, _CONTEXT_OPTION] = None,
    inventory: Annotated[Path | None, _INVENTORY_OPTION] = None,
) -> None:
    """GPU nodes of the local cluster (ready, taints, GPUs allocatable / held / free) and what is free per product.
    Exit 1 when no cluster is configured or it cannot be read (the message says what to change)."""
    from stack8s_architect.catalog.cluster.inventory import gib_text

    if as_json:
        status = _cluster_service(kubeconfig, context, inventory).status()
        _print_json(status)
        if not status.reachable:
            raise typer.Exit(1)
        return
    found = _cluster_status(kubeconfig, context, inventory).inventory
    assert found is not None
    console.print(f"[bold]{found.cluster}[/] ({found.source}: {found.location}), read "
                  f"{found.read_at:%Y-%m-%d %H:%M:%S} UTC: {len(found.nodes)} nodes, {len(found.gpu_nodes)} with GPUs",
                  highlight=False)
    table = Table("node", "ready", "usable", "GPU", "GiB", "allocatable", "held", "free", "util %", "taints",
                  title="GPU nodes")
    for node in found.gpu_nodes:
        for index, gpus in enumerate(node.gpus):
            first = index == 0
            table.add_row(
                node.name if first else "", ("yes" if node.ready else "[red]no[/]") if first else "",
                ("yes" if node.usable else f"[yellow]no: {node.unusable_reason}[/]") if first else "",
                (gpus.accelerator or gpus.product or "?") + (f" MIG {gpus.mig_profile}" if gpus.mig_profile else "")
                + (" (shared)" if gpus.shared else ""), gib_text(gpus.memory_gib), str(gpus.allocatable),
                str(gpus.requested), str(gpus.free),
                f"{node.gpu_utilisation_percent:g}" if first and node.gpu_utilisation_percent is not None else "",
                ", ".join(node.taints) if first else "")
    console.print(table)
    products = Table("GPU", "resource", "GiB", "nodes", "allocatable", "held", "free", "free on usable nodes",
                     title="per product")
    for product in found.products:
        name = (product.accelerator or product.product or "?") + (f" MIG {product.mig_profile}" if product.mig_profile
                                                                  else "")
        products.add_row(name, product.resource, gib_text(product.memory_gib), str(product.nodes),
                         str(product.allocatable), str(product.requested), str(product.free),
                         f"{product.free_usable} ({', '.join(product.usable_nodes) or '-'})")
    console.print(products)
    if found.jobs:
        jobs = Table("namespace", "pod", "node", "phase", "GPUs", title="pods holding or waiting for GPUs")
        for job in found.jobs:
            jobs.add_row(job.namespace, job.name, job.node or "[yellow](not scheduled)[/]", job.phase,
                         ", ".join(f"{n} × {r}" for r, n in job.gpus.items()))
        console.print(jobs)
    for warning in found.warnings:
        errors.print(f"[yellow]warning:[/] {warning}", highlight=False)


@cluster_app.command("snapshot")
def cluster_snapshot(
    output: Annotated[Path, typer.Option("--output", "-o", help="Write the inventory YAML here.")],
    kubeconfig: Annotated[Path | None, _KUBECONFIG_OPTION] = None,
    context: Annotated[str | None, _CONTEXT_OPTION] = None,
) -> None:
    """Save the cluster's inventory as a static file, for planning where the cluster cannot be reached
    (ARCHITECT_CLUSTER_INVENTORY=<file>)."""
    from stack8s_architect.catalog.cluster.static import snapshot

    found = _cluster_status(kubeconfig, context, None).inventory
    assert found is not None
    try:
        output.write_text(snapshot(found), encoding="utf-8")
    except OSError as exc:
        _fail(f"cannot write {output}: {exc.strerror or exc}; choose another --output")
    console.print(f"{len(found.nodes)} nodes ({len(found.gpu_nodes)} with GPUs) of {found.cluster} → {output}",
                  highlight=False)
