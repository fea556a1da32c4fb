"""`architect models`: the model knowledge base."""

from __future__ import annotations

import contextlib
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from stack8s_architect.cli.common import _call, _database, _num, _print_json, _remote, _request, console

models_app = typer.Typer(help="Model knowledge base.", no_args_is_help=True)


@models_app.command("search")
def models_search(
    query: Annotated[str, typer.Argument(help="What the model should do, in plain words.")],
    task: Annotated[str | None, typer.Option(help="Task filter: object-detection, text-generation …")] = None,
    domain: Annotated[str | None, typer.Option(help="Domain filter: llm, vision, medical_imaging, speech …")] = None,
    max_params: Annotated[float | None, typer.Option("--max-params", help="Maximum parameters, billions.")] = None,
    fits_gib: Annotated[float | None, typer.Option("--fits-gib", help="Weights must fit in this many GiB.")] = None,
    precision: Annotated[str, typer.Option(help="Precision for --fits-gib and memory figures.")] = "bf16",
    commercial: Annotated[bool, typer.Option("--commercial", help="Only licences allowing commercial use.")] = False,
    license_ids: Annotated[list[str] | None, typer.Option("--license", help="Licence id (repeatable).")] = None,
    has_config: Annotated[bool, typer.Option("--has-config", help="Only models with an architecture config.")] = False,
    limit: Annotated[int, typer.Option(help="Results to show.")] = 10,
    dense: Annotated[bool, typer.Option(help="Use dense retrieval too (loads the embedding model).")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Find models: hybrid retrieval over cards and metadata, reranked by task fit, quality and popularity."""
    from stack8s_architect.catalog.models.schemas import ModelSearchRequest, ModelSearchResponse

    request = _request(
        ModelSearchRequest, query=query, task=task, domain=domain, max_params_billions=max_params, fits_gib=fits_gib,
        precision=precision, commercial_only=commercial, licenses=license_ids or [], has_config=has_config, limit=limit,
    )
    url = _remote()
    with contextlib.ExitStack() as stack:
        if url:  # the service's own embedder, when its vectors are ready
            result = ModelSearchResponse.model_validate(
                _call(url, "POST", "/api/v1/tools/models/search", request.model_dump(mode="json")))
        else:
            from stack8s_architect.catalog.models.search import has_embeddings, search_models

            settings, database = stack.enter_context(_database())
            session = stack.enter_context(database.session())
            embedder = None
            if dense and has_embeddings(session):  # the embedding model loads only when there are vectors to search
                from stack8s_architect.catalog.models.embedding import Embedder

                embedder = Embedder.load(settings.data.home / "cache")
            result = search_models(session, request, embedder)
        if as_json:
            _print_json(result)
            return
        table = Table("#", "model", "task", "params", "licence", "commercial", "downloads", "why")
        for hit in result.results:
            table.add_row(str(hit.rank), hit.id, hit.task, _num(hit.params_billions) + ("B" if hit.params_billions else ""),
                          hit.license, hit.commercial_use, _num(hit.downloads), "; ".join(hit.why[1:4]))
        console.print(table)
        console.print(f"task: {result.inferred_task or '-'}; dense retrieval: {'on' if result.dense else 'off'}")


@models_app.command("show")
def models_show(model_id: Annotated[str, typer.Argument(help="A Hugging Face id, e.g. meta-llama/Llama-3.1-8B.")]) -> None:
    """Everything known about a model, with the source of each field."""
    from stack8s_architect.catalog.models.service import model_detail

    with _database() as (_, database), database.session() as session:
        detail = model_detail(session, model_id)
        record, provenance = detail["record"], detail["record"].get("provenance") or {}
        table = Table("field", "value", "source", title=detail["id"])
        for name, value in record.items():
            if name in {"provenance", "quality", "variants", "architecture_config", "key"} or value in (None, [], ""):
                continue
            table.add_row(name, str(value)[:120], provenance.get(name.replace("license_", "license_raw") if name.startswith("license") else name, ""))
        console.print(table)
        for signal in record.get("quality") or []:
            console.print(f"- quality: {signal['metric']} = {signal['value']:g} ({signal['source']}, {signal['detail']})")
        for variant in (record.get("variants") or [])[:10]:
            size = f"{variant['size_bytes'] / 2**30:.1f} GiB" if variant.get("size_bytes") else "?"
            console.print(f"- variant: {variant['id']} ({variant['format']} {variant.get('quantization') or ''}, {size})")
        if record.get("architecture_config"):
            console.print("- architecture config: yes (exact sizing with `architect size`)")


@models_app.command("embed")
def models_embed(limit: Annotated[int | None, typer.Option(help="Embed at most this many chunks.")] = None) -> None:
    """Embed card chunks that have no vector yet (cached by content hash: a re-run embeds nothing new)."""
    from stack8s_architect.catalog.models import repository as model_repository
    from stack8s_architect.catalog.models.embedding import Embedder
    from stack8s_architect.catalog.models.service import embed_pending

    with _database() as (settings, database):
        embedder = Embedder.load(settings.data.home / "cache")
        with database.session() as session:
            pending = len(model_repository.pending_chunks(session, limit))
        columns = (TextColumn("embedding"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console) as bars:
            task = bars.add_task("embedding", total=max(pending, 1))
            done = embed_pending(database.session, embedder, limit=limit,
                                 progress=lambda n, total: bars.update(task, completed=n))
        with database.session() as session:
            embedded, chunks = model_repository.embedding_counts(session)
        console.print(f"embedded {done} chunks now; {embedded} of {chunks} chunks have vectors")
