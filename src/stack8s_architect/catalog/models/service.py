"""Model knowledge base rules: rebuilding merged records, embedding chunks, and search."""

from __future__ import annotations

from collections.abc import Callable, Iterator
import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from stack8s_architect.catalog.repository import database_key
from stack8s_architect.catalog.models import repository
from stack8s_architect.catalog.bulk import to_json
from stack8s_architect.catalog.models.documents import chunks_for, search_document
from stack8s_architect.catalog.models.merge import MergedModel, MergeReport, merge
from stack8s_architect.catalog.models.resolver import CatalogModel, ModelResolver, Resolution, cached_resolver
from stack8s_architect.catalog.models.sizing_facts import ModelFacts, model_facts
from stack8s_architect.core.logging import get_logger
from stack8s_architect.sizing import architecture_from_hf_config

if TYPE_CHECKING:  # the embedding runtime (onnx, ~1 s to import) loads where embeddings are made
    from stack8s_architect.catalog.models.embedding import Embedder

log = get_logger(__name__)

MODEL_COLUMNS = (
    "key", "id", "family", "task", "domain", "params_total", "params_active", "architecture_config",
    "context_length", "license_id", "license_name", "commercial_use", "gated", "downloads", "likes", "created_at",
    "modified_at", "base_model", "library", "tags", "description", "quality", "variants", "provenance", "sources",
    "search_document",
)


def _params_from_config(record: MergedModel) -> tuple[float | None, float | None]:
    """Exact parameter counts from a full config.json when the sources give none."""
    config = record.fields.get("architecture_config")
    if not isinstance(config, dict) or record.fields.get("params_total"):
        return record.fields.get("params_total"), record.fields.get("params_active")
    try:
        arch = architecture_from_hf_config(config)
    except Exception:  # partial configs (gpu_poor, llmfit subsets) cannot always be counted
        return None, None
    record.provenance["params_total"] = record.provenance.get("architecture_config", "config")
    return float(arch.params.total), float(arch.params.active)


def _int(value: Any) -> int | None:
    try:
        return int(float(value)) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def model_row(record: MergedModel) -> tuple:
    values = record.fields
    total, active = _params_from_config(record)
    return (
        record.key, record.id, record.family, record.task, record.domain, _float(total), _float(active),
        to_json(values.get("architecture_config")) if values.get("architecture_config") else None,
        _int(values.get("context_length")), record.license.id, record.license.name, record.license.commercial_use,
        values.get("gated") if isinstance(values.get("gated"), bool) else None, _int(values.get("downloads")),
        _int(values.get("likes")), values.get("created_at"), values.get("modified_at"), values.get("base_model"),
        values.get("library"), sorted(record.tags), values.get("description"), to_json(record.quality),
        to_json(record.variants), to_json(record.provenance), sorted(record.sources), search_document(record),
    )


def _float(value: Any) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def rebuild_models(session: Session, advance: Callable[[int], None] = lambda n: None) -> MergeReport:
    """Merge every source's raw records into `models` and `model_chunks`, in the caller's transaction."""
    from stack8s_architect.catalog.models.embedding import content_hash

    records, report = merge(repository.raw_records(session))
    rows = [model_row(record) for record in records]
    chunks = [
        (record.key, number, text, content_hash(text))
        for record in records
        for number, text in enumerate(chunks_for(record))
    ]
    repository.replace_models(session, rows, MODEL_COLUMNS, chunks, advance)
    log.info("models.rebuilt", models=report.models, chunks=len(chunks), folded_variants=report.folded_variants,
             unmatched_display_names=dict(report.unmatched_display_names))
    return report


def embed_pending(session_factory: Callable[[], Any], embedder: Embedder, *, limit: int | None = None,
                  batch_size: int = 64, progress: Callable[[int, int], None] | None = None,
                  stop: Callable[[], bool] = lambda: False) -> int:
    """Embed chunks that have no vector yet (cached by content hash), committing batch by batch.

    `stop` is checked between batches, so a shutting-down service waits for one batch at most.
    """
    with session_factory() as session:
        pending = repository.pending_chunks(session, limit)
    done = 0
    for start in range(0, len(pending), batch_size):
        if stop():
            break
        batch = pending[start : start + batch_size]
        vectors = embedder.embed([text for _, _, text in batch])
        with session_factory() as session:
            repository.store_embeddings(session, [(i, h, v.tolist()) for (i, h, _), v in zip(batch, vectors, strict=True)])
        done += len(batch)
        if progress:
            progress(done, len(pending))
    return done


def model_detail(session: Session, model_id: str) -> dict[str, Any]:
    """Everything known about one model, with the source of each field; unknown → 404 with suggestions."""
    from stack8s_architect.catalog.models.identity import model_key
    from stack8s_architect.core.errors import InvalidRequestError, NotFoundError

    if not model_id.strip() or len(model_id) > 300 or not model_id.isprintable():
        raise InvalidRequestError(f"{model_id[:80]!r} is not a model id; give one like meta-llama/Llama-3.1-8B")
    key = model_key(model_id)
    record = repository.model_by_key(session, key)
    if record is None:
        close = repository.similar_model_ids(session, model_id)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        raise NotFoundError(f"No model {model_id!r} in the catalog.{hint}")
    record.pop("search_document", None)
    return {"key": key, "id": record["id"], "record": record, "chunks": repository.chunk_texts(session, key)}


_EMBED_LOCK = 0x5738_4541_4D42  # the advisory lock of "embedding the model catalog" (any fixed 64-bit number)


@contextmanager
def _only_one_embeds(database: Any) -> Iterator[bool]:
    """True for the one service process (of all workers and replicas) that holds the catalog-embedding lock: a
    session-level advisory lock on a connection of its own, with no transaction open, released when done."""
    with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        mine = bool(connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": _EMBED_LOCK}).scalar())
        try:
            yield mine
        finally:
            if mine:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _EMBED_LOCK})


class BackgroundEmbedder:
    """Embeds pending chunks in a daemon thread while lexical search already serves."""

    def __init__(self, database: Any, cache_dir: Any):
        self.database = database
        self.cache_dir = cache_dir
        self.embedder: Embedder | None = None
        self.done = 0
        self.error: str | None = None
        self._thread: Any = None

    def start(self) -> None:
        import threading

        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="embedder", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 30.0) -> None:
        """Ask the thread to finish its current batch and wait for it (before the database closes)."""
        if self._thread is not None:
            self._stopping.set()
            self._thread.join(timeout_s)

    def _run(self) -> None:
        try:
            from stack8s_architect.catalog.models.embedding import Embedder

            self.embedder = Embedder.load(self.cache_dir, threads=1)  # leave a core for requests
            with _only_one_embeds(self.database) as mine:  # every worker embeds queries; one embeds the catalog
                if mine:
                    self.done = embed_pending(self.database.session, self.embedder, stop=self._stopping.is_set)
                    log.info("models.embedded", chunks=self.done)
                else:
                    log.info("models.embedding_elsewhere", reason="another service process embeds the catalog")
        except Exception as exc:  # the service keeps serving lexical search; say why dense is off
            self.error = f"{type(exc).__name__}: {exc}"
            log.exception("models.embedding_failed")


# --- resolving a model as people write it -----------------------------------------------------------------


def model_resolver(session: Session) -> ModelResolver:
    """The resolver over the catalog as it is now (built once per catalog version, then shared)."""
    return cached_resolver(database_key(session), repository.models_version(session),
                           lambda: [CatalogModel(*row) for row in repository.resolver_rows(session)], session=session)


def resolve_model(session: Session, text: str, *, serving: bool = True,
                  params_billions: float | None = None) -> Resolution:
    """`text` ("GLM-4.5", "qwen2.5:14b", "meta-llama/Llama-3.1-8B") → the catalog model it names, or not found."""
    return model_resolver(session).resolve(text, serving=serving, params_billions=params_billions)


_RECORDS: dict[tuple, dict[str, Any] | None] = {}


def model_record(session: Session, key: str) -> dict[str, Any] | None:
    """A model's catalog row (read-only: do not change it), kept per process and catalog version."""
    cache_key = (database_key(session), repository.models_version(session), key)
    with _FACTS_LOCK:
        if cache_key in _RECORDS:
            return _RECORDS[cache_key]
    record = repository.model_by_key(session, key)
    with _FACTS_LOCK:
        if len(_RECORDS) > 4096:
            _RECORDS.clear()
        _RECORDS[cache_key] = record
    return record


_FACTS: dict[tuple, ModelFacts | None] = {}
_FACTS_LOCK = threading.Lock()


def facts_for(session: Session, model: CatalogModel, resolver: ModelResolver | None = None) -> ModelFacts | None:
    """Architecture and counts of a resolved model (its own config, a same-named model's, or its size); kept per
    process and catalog version (a model's facts change only with a sync)."""
    key = (database_key(session), repository.models_version(session), model.key)
    with _FACTS_LOCK:
        if key in _FACTS:
            return _FACTS[key]
    donors = (resolver or model_resolver(session)).config_donors(model.key)
    records = repository.sizing_records(session, [model.key, *(donor.key for donor in donors)])
    record = records.get(model.key)
    facts = None if record is None else model_facts(record, [records[d.key] for d in donors if d.key in records])
    with _FACTS_LOCK:
        if len(_FACTS) > 4096:
            _FACTS.clear()
        _FACTS[key] = facts
    return facts
