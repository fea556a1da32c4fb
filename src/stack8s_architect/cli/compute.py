"""`architect compute`: the cloud compute catalog."""

from __future__ import annotations

import contextlib
from typing import Annotated

import typer
from rich.table import Table

from stack8s_architect.cli.common import _call, _database, _fail, _num, _print_json, _remote, _request, console

compute_app = typer.Typer(help="Cloud compute catalog.", no_args_is_help=True)


@compute_app.command("search")
def compute_search(
    gpu: Annotated[list[str] | None, typer.Option("--gpu", "-g", help="GPU name (repeatable): H100, L4, a100-80gb…")] = None,
    count: Annotated[str | None, typer.Option(help="GPUs per instance: 8, 2-8, 4+")] = None,
    gpu_memory: Annotated[float | None, typer.Option("--gpu-memory", help="Minimum GiB per GPU.")] = None,
    total_gpu_memory: Annotated[float | None, typer.Option("--total-gpu-memory", help="Minimum GiB across the instance's GPUs.")] = None,
    provider: Annotated[list[str] | None, typer.Option("--provider", "-p", help="Provider (repeatable).")] = None,
    region: Annotated[list[str] | None, typer.Option("--region", "-r", help="Region id (repeatable).")] = None,
    geography: Annotated[list[str] | None, typer.Option("--geo", help="us, europe, eu, asia, a country or city (repeatable).")] = None,
    max_hourly: Annotated[float | None, typer.Option("--max-hourly", help="Max USD per hour.")] = None,
    max_monthly: Annotated[float | None, typer.Option("--max-monthly", help="Max USD per month (730 h).")] = None,
    spot: Annotated[bool, typer.Option(help="Rank by spot price.")] = False,
    cpu: Annotated[bool, typer.Option(help="CPU-only instances.")] = False,
    min_vcpus: Annotated[float | None, typer.Option("--min-vcpus")] = None,
    min_memory: Annotated[float | None, typer.Option("--min-memory", help="Minimum host RAM GiB.")] = None,
    all_regions: Annotated[bool, typer.Option("--all-regions", help="Every region, not the cheapest per instance type.")] = False,
    limit: Annotated[int, typer.Option(help="Rows to show.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Search cloud instances, cheapest first."""
    from stack8s_architect.catalog.compute.schemas import ComputeSearchRequest

    low, high = _count_range(count)
    request = _request(
        ComputeSearchRequest, accelerators=gpu or [], kind="cpu" if cpu else "gpu", min_count=low, max_count=high,
        min_gpu_memory_gib=gpu_memory, min_total_gpu_memory_gib=total_gpu_memory, providers=provider or [],
        regions=region or [], geography=geography or [], max_price_per_hour_usd=max_hourly,
        max_price_per_month_usd=max_monthly, spot=spot, min_vcpus=min_vcpus, min_memory_gib=min_memory,
        group_by_instance_type=not all_regions, limit=limit,
    )
    from stack8s_architect.catalog.compute.schemas import ComputeSearchResponse

    url = _remote()
    with contextlib.ExitStack() as stack:
        if url:
            result = ComputeSearchResponse.model_validate(
                _call(url, "POST", "/api/v1/tools/compute/search", request.model_dump(mode="json")))
        else:
            from stack8s_architect.catalog.compute.service import ComputeCatalog

            _, database = stack.enter_context(_database())
            result = ComputeCatalog(stack.enter_context(database.session())).search(request)
        if as_json:
            _print_json(result)
            return
        table = Table("provider", "instance", "region", "gpu", "n", "GiB/gpu", "vCPU", "RAM", "$/h", "$/month", "source")
        for o in result.offers:
            table.add_row(
                o.provider + (f" ({o.upstream_provider})" if o.upstream_provider else ""), o.instance_type, o.region,
                o.accelerator or "-", f"{o.accelerator_count:g}", _num(o.gpu_memory_gib), _num(o.vcpus),
                _num(o.memory_gib), f"{o.hourly_usd:.3f}" + (" spot" if o.spot else ""), f"{o.monthly_cost_usd:,.0f}",
                o.source,
            )
        console.print(table)
        console.print(f"{result.count} matches; {len(result.offers)} shown")




def _count_range(text: str | None) -> tuple[float | None, float | None]:
    if not text:
        return None, None
    try:
        if text.endswith("+"):
            return float(text[:-1]), None
        if "-" in text:
            low, high = text.split("-", 1)
            return float(low), float(high)
        return float(text), float(text)
    except ValueError:
        _fail(f"--count {text!r}: write a number (8), a range (2-8) or a minimum (4+)", 2)
        raise


@compute_app.command("gpus")
def compute_gpus(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Accelerators with specs, offer counts and price ranges."""
    from stack8s_architect.catalog.compute.service import ComputeCatalog

    with _database() as (_, database), database.session() as session:
        summaries = ComputeCatalog(session).accelerators()
        if as_json:
            _print_json(summaries)
            return
        table = Table("gpu", "vendor", "arch", "GiB", "GB/s", "BF16 TF", "FP8 TF", "offers", "providers", "$/gpu-h from")
        for s in summaries:
            table.add_row(
                s.key, s.vendor, s.architecture, _num(s.memory_gib), _num(s.memory_bandwidth_gb_s), _num(s.bf16_tflops),
                _num(s.fp8_tflops), str(s.offers), ", ".join(s.providers) or "-",
                f"{s.min_price_per_gpu_hour_usd:.2f}" if s.min_price_per_gpu_hour_usd else "-",
            )
        console.print(table)
