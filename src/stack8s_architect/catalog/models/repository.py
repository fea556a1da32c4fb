"""All SQL of the model knowledge base."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from stack8s_architect.catalog.repository import checked_version
from stack8s_architect.catalog.bulk import copy_rows, to_json
from stack8s_architect.catalog.models.records import ModelBatch
from stack8s_architect.catalog.models.tables import (
    model_cards,
    model_chunks,
    model_facts,
    model_signals,
    model_variants,
    models,
)

_RAW_TABLES = (model_facts, model_signals, model_variants, model_cards)


def replace_source_records(session: Session, source_id: str, batch: ModelBatch, advance: Callable[[int], None]) -> int:
    """Delete a source's raw records and COPY the new ones, inside the session's transaction."""
    for table in _RAW_TABLES:
        session.execute(delete(table).where(table.c.source_id == source_id))
    written = copy_rows(session, "model_facts", ("source_id", "raw_id", "id_kind", "fields", "observed_on", "exactness"),
                    ((source_id, f.raw_id, f.id_kind, to_json(f.fields), f.observed_on, f.exactness)
                     for f in batch.facts), advance)
    written += copy_rows(session, "model_signals",
                     ("source_id", "raw_id", "id_kind", "metric", "value", "higher_is_better", "task", "detail"),
                     ((source_id, s.raw_id, s.id_kind, s.metric, s.value, s.higher_is_better, s.task, s.detail)
                      for s in batch.signals), advance)
    written += copy_rows(session, "model_variants",
                     ("source_id", "raw_id", "base_raw_id", "format", "quantization", "size_bytes", "context_length"),
                     ((source_id, v.raw_id, v.base_raw_id, v.format, v.quantization, v.size_bytes, v.context_length)
                      for v in batch.variants), advance)
    written += copy_rows(session, "model_cards", ("source_id", "raw_id", "id_kind", "text", "observed_on"),
                     ((source_id, c.raw_id, c.id_kind, c.text.replace("\x00", ""), c.observed_on) for c in batch.cards),
                     advance)
    return written


def raw_records(session: Session) -> dict[str, list[dict[str, Any]]]:
    """Every raw record of every model source, in a stable order (for a deterministic merge)."""
    return {
        table.name: [dict(row) for row in session.execute(select(table).order_by(table.c.id)).mappings()]
        for table in _RAW_TABLES
    }


def replace_models(session: Session, rows: Sequence[tuple], columns: Sequence[str],
                   chunks: Sequence[tuple], advance: Callable[[int], None]) -> None:
    """Swap in the merged records and their chunks; cached embeddings are re-attached by content hash."""
    session.execute(delete(model_chunks))
    session.execute(delete(models))
    copy_rows(session, "models", columns, rows, advance)
    copy_rows(session, "model_chunks", ("model_key", "chunk_no", "text", "content_hash"), chunks, advance)
    session.execute(text(
        "UPDATE model_chunks c SET embedding = e.embedding FROM embedding_cache e WHERE e.content_hash = c.content_hash"
    ))


def pending_chunks(session: Session, limit: int | None = None) -> list[tuple[int, str, str]]:
    """Chunks without an embedding: (id, content_hash, text), most popular models first."""
    statement = (
        select(model_chunks.c.id, model_chunks.c.content_hash, model_chunks.c.text)
        .join(models, models.c.key == model_chunks.c.model_key)
        .where(model_chunks.c.embedding.is_(None))
        .order_by(models.c.downloads.desc().nulls_last(), model_chunks.c.id)
    )
    if limit is not None:
        statement = statement.limit(limit)
    return [tuple(row) for row in session.execute(statement)]


def store_embeddings(session: Session, items: Sequence[tuple[int, str, list[float]]]) -> None:
    """Cache vectors by content hash and attach them to their chunks."""
    if not items:
        return
    rows = [{"id": chunk_id, "h": content_hash, "v": str(list(vector))} for chunk_id, content_hash, vector in items]
    session.execute(
        text("INSERT INTO embedding_cache (content_hash, embedding) VALUES (:h, :v) ON CONFLICT DO NOTHING"), rows
    )
    session.execute(text("UPDATE model_chunks SET embedding = :v WHERE id = :id"), rows)


def embedding_counts(session: Session) -> tuple[int, int]:
    """(chunks with an embedding, all chunks)."""
    row = session.execute(select(func.count(model_chunks.c.embedding), func.count())).one()
    return int(row[0]), int(row[1])


def lexical_documents(session: Session) -> list[tuple[str, str]]:
    """(model key, search document + its chunks' text) for every model, in key order."""
    statement = text("""
        SELECT m.key, coalesce(m.search_document, '') || ' ' || coalesce(string_agg(c.text, ' ' ORDER BY c.chunk_no), '')
        FROM models m LEFT JOIN model_chunks c ON c.model_key = m.key AND c.chunk_no > 0
        GROUP BY m.key ORDER BY m.key
    """)
    return [(row[0], row[1]) for row in session.execute(statement)]


@checked_version
def models_version(session: Session) -> tuple:
    """Changes when the merged models are rebuilt: the newest model-source run and the row count."""
    row = session.execute(text(
        "SELECT (SELECT coalesce(max(last_run_id), 0) FROM catalog_sources WHERE domain = 'models'),"
        " (SELECT count(*) FROM models)"
    )).one()
    return (int(row[0]), int(row[1]))


def model_by_key(session: Session, key: str) -> dict[str, Any] | None:
    row = session.execute(select(models).where(models.c.key == key)).mappings().first()
    return dict(row) if row else None


def similar_model_ids(session: Session, model_id: str, limit: int = 3) -> list[str]:
    """Ids whose name contains the last part of `model_id` (for "did you mean")."""
    import difflib

    lowered = model_id.strip().lower()
    org = lowered.split("/", 1)[0] + "/" if "/" in lowered else ""
    pool = select(models.c.key, models.c.id)
    pool = pool.where(models.c.key.startswith(org, autoescape=True)) if org else pool.where(
        models.c.key.contains(lowered, autoescape=True))
    ids = {key: model for key, model in session.execute(pool.limit(20_000))}
    return [ids[key] for key in difflib.get_close_matches(lowered, list(ids), n=limit, cutoff=0.6)]


def chunk_texts(session: Session, key: str) -> list[str]:
    statement = select(model_chunks.c.text).where(model_chunks.c.model_key == key).order_by(model_chunks.c.chunk_no)
    return list(session.execute(statement).scalars())


def count_models(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(models)).scalar_one())



def resolver_rows(session: Session) -> list[tuple]:
    """(key, id, task, domain, params_total, params_active, downloads, has config) of every model, in key order."""
    statement = select(models.c.key, models.c.id, models.c.task, models.c.domain, models.c.params_total,
                       models.c.params_active, models.c.downloads, models.c.architecture_config.isnot(None)
                       ).order_by(models.c.key)
    return [tuple(row) for row in session.execute(statement)]


def sizing_records(session: Session, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
    """What sizing reads of each model: config, parameter counts, context, domain and where the config came from."""
    statement = select(models.c.key, models.c.id, models.c.task, models.c.domain, models.c.params_total,
                       models.c.params_active, models.c.context_length, models.c.architecture_config,
                       models.c.provenance, models.c.license_id, models.c.commercial_use
                       ).where(models.c.key.in_(list(keys)))
    return {row["key"]: dict(row) for row in session.execute(statement).mappings()}
