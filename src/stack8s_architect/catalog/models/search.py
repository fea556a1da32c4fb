"""Hybrid retrieval over the model knowledge base, then a deterministic rerank that explains itself.

Lexical (BM25 over each model's document and card chunks, see lexical.py; the SQL filters apply after) and dense
(pgvector cosine over embedded chunks, when embeddings exist) each give a ranked list; reciprocal
rank fusion (k = 60) merges them. The rerank then weighs fusion, task fit, quality signals,
popularity, recency and licence with fixed weights; ties break on the model key.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray
from pgvector.psycopg import register_vector
from sqlalchemy import text
from sqlalchemy.orm import Session

from stack8s_architect.catalog.repository import database_key
from stack8s_architect.catalog.models import repository
from stack8s_architect.catalog.index_cache import load_or_build
from stack8s_architect.catalog.lexical import cached_index
from stack8s_architect.catalog.models.schemas import ModelHit, ModelSearchRequest, ModelSearchResponse
from stack8s_architect.catalog.models.taxonomy import DOMAINS, TASKS, task_words
from stack8s_architect.core.errors import InvalidRequestError, UnknownNameError
from stack8s_architect.sizing import precision_named

if TYPE_CHECKING:  # the embedding runtime (onnx) loads only where an embedder is built
    from stack8s_architect.catalog.models.embedding import Embedder

RRF_K = 60
# Cosine distance beyond which a chunk is not evidence at all (MiniLM: related texts score 0.4–0.8
# similarity, unrelated ones near 0). Without it, a half-embedded catalog pushes whatever is embedded.
MAX_DENSE_DISTANCE = 0.55
DENSE_WEIGHT = 0.7  # card text is noisier than names and tags; lexical evidence counts a little more
CANDIDATES = 200
# Dense retrieval reads the nearest 100 chunks (ef_search 100, one pass of the graph: ~2 ms) and keeps the best 60
# models. Reading 800 chunks at ef_search 400 took 8–14 ms for the same top 20 on the retrieval test set.
# DENSE_CHUNKS ≤ DENSE_EF_SEARCH: the graph search returns them all without pgvector's iterative scan.
DENSE_CHUNKS, DENSE_MODELS, DENSE_EF_SEARCH = 100, 60, 100
WEIGHTS = {"fusion": 0.46, "task": 0.24, "quality": 0.14, "popularity": 0.07, "recency": 0.05, "license": 0.04}
_LICENSE_SCORE = {"yes": 1.0, "restricted": 0.6, "unknown": 0.3, "no": 0.0}
_MEDICAL_WORDS = re.compile(
    r"\b(ct|mri|x-?rays?|radiolog\w*|patholog\w*|medical|clinical|tumou?rs?|lesions?|nodules?|organs?|brats|"
    r"mammogra\w*|breast|endoscop\w*|ultrasound|retina\w*|dermatolog\w*|histolog\w*|cardiac|spleen|pancreas|"
    r"liver|kidney|prostate)\b",
    re.I,
)


@dataclass(frozen=True)
class _Filters:
    sql: str
    params: dict[str, Any]


def infer_task(query: str) -> str | None:
    """The task a plain-language query names (longest matching phrase wins), if any."""
    lowered = f" {query.lower()} "
    found = [(len(phrase), phrase, task) for phrase, task in task_words().items()
             if re.search(rf"(?<![a-z0-9]){re.escape(phrase)}(?![a-z0-9])", lowered)]
    return max(found)[2] if found else None


def _validate(request: ModelSearchRequest) -> None:
    import difflib

    if request.task and request.task not in TASKS:
        raise UnknownNameError("task", request.task, difflib.get_close_matches(request.task, list(TASKS), n=3))
    if request.domain and request.domain not in DOMAINS:
        raise UnknownNameError("domain", request.domain, difflib.get_close_matches(request.domain, list(DOMAINS), n=3))
    _bytes_per_weight(request.precision)  # an unknown precision is a 400 even when nothing matches


def _bytes_per_weight(precision: str) -> float:
    try:
        return precision_named(precision).bits_per_weight / 8
    except ValueError as exc:
        raise InvalidRequestError(str(exc)) from exc


def _filters(request: ModelSearchRequest) -> _Filters:
    clauses, params = [], {}
    if request.task:
        clauses.append("m.task = :task")
        params["task"] = request.task
    if request.domain:
        clauses.append("m.domain = :domain")
        params["domain"] = request.domain
    limit_params = request.max_params_billions * 1e9 if request.max_params_billions else None
    if request.fits_gib:
        by_memory = request.fits_gib * 2**30 / _bytes_per_weight(request.precision)
        limit_params = min(limit_params or by_memory, by_memory)
    if limit_params:
        clauses.append("m.params_total <= :max_params")
        params["max_params"] = limit_params
    if request.commercial_only:
        clauses.append("m.commercial_use IN ('yes', 'restricted')")
    if request.licenses:
        clauses.append("m.license_id = ANY(:licenses)")
        params["licenses"] = [name.lower() for name in request.licenses]
    if request.has_config:
        clauses.append("m.architecture_config IS NOT NULL")
    return _Filters(" AND ".join(clauses) or "TRUE", params)


def _lexical(session: Session, query: str, filters: _Filters) -> list[str]:
    """BM25 candidates (a wide pool), then the filters in SQL, keeping the BM25 order."""
    index = cached_index(database_key(session), repository.models_version(session),
                         lambda: repository.lexical_documents(session), kind="models-bm25", session=session)
    pool = index.search(query, CANDIDATES * 5)
    if not pool:
        return []
    allowed = _allowed(session, [key for key, _ in pool], filters)
    return [key for key, _ in pool if key in allowed][:CANDIDATES]


def _allowed(session: Session, keys: list[str], filters: _Filters) -> set[str]:
    if filters.sql == "TRUE":
        return set(keys)
    statement = text(f"SELECT m.key FROM models m WHERE m.key = ANY(:keys) AND {filters.sql}")
    return set(session.execute(statement, {"keys": keys, **filters.params}).scalars())


_PARAM = re.compile(r"(?<!:):(\w+)")  # SQLAlchemy's :name placeholders, as psycopg's %(name)s


def _dense(session: Session, vector: NDArray[np.float32], filters: _Filters) -> list[str]:
    """The nearest chunks' models, on the session's own connection and transaction. The vector goes in binary
    (pgvector's psycopg type): as text, 384 floats were formatted here and parsed twice by the server — half the
    query's 1.3 ms."""
    pooled = session.connection().connection
    if not pooled.info.get("pgvector_types"):
        register_vector(pooled.driver_connection)
        pooled.info["pgvector_types"] = True
    raw = pooled.driver_connection
    where = _PARAM.sub(r"%(\1)s", filters.sql)
    raw.execute("SELECT set_config('hnsw.ef_search', %(ef)s, true), set_config('hnsw.iterative_scan', 'off', true)",
                {"ef": str(DENSE_EF_SEARCH)})
    statement = f"""
        WITH nearest AS (
            SELECT model_key, embedding <=> %(vector)s AS distance FROM model_chunks
            WHERE embedding IS NOT NULL ORDER BY embedding <=> %(vector)s LIMIT %(pool)s
        )
        SELECT m.key FROM nearest n JOIN models m ON m.key = n.model_key
        WHERE n.distance <= %(max_distance)s AND {where}
        GROUP BY m.key ORDER BY min(n.distance), m.key LIMIT %(limit)s
    """
    rows = raw.execute(statement, {"vector": vector, "pool": DENSE_CHUNKS, "limit": DENSE_MODELS,
                                   "max_distance": MAX_DENSE_DISTANCE, **filters.params}, binary=True)
    return [row[0] for row in rows]


def _fused(*rankings: tuple[list[str], float]) -> dict[str, float]:
    """Weighted reciprocal-rank fusion of (ranking, weight) pairs."""
    scores: dict[str, float] = {}
    for ranking, weight in rankings:
        for position, key in enumerate(ranking):
            scores[key] = scores.get(key, 0.0) + weight / (RRF_K + position + 1)
    return scores


def _quality(signals: Sequence[dict[str, Any]], task: str | None, explain: bool) -> tuple[float, str | None]:
    """The best signal for the task mapped to 0..1, with (when `explain`) a phrase saying what it is."""
    best, phrase = 0.0, None
    for signal in signals:
        if task and not _same_task(signal["task"], task):
            continue
        value, metric = float(signal["value"]), signal["metric"]
        if metric.startswith("arena") or "elo" in metric:
            scaled = (value - 1000) / 500
        elif signal["higher_is_better"]:
            scaled = value / 100
        else:
            scaled = 1 - value / 30  # WER %: 0 is perfect, 30 % is poor
        scaled = max(0.0, min(1.0, scaled))
        if scaled > best:
            best = scaled
            if explain:
                phrase = f"{metric} {value:g} ({signal['source']})"
    return best, phrase


def _same_task(signal_task: str, task: str) -> bool:
    """A leaderboard measures the query's task (ASR WER for speech recognition, not an LLM score)."""
    aliases = {"llm": {"text-generation", "text2text-generation", "image-text-to-text"},
               "asr": {"automatic-speech-recognition"}}
    return signal_task == task or task in aliases.get(signal_task, set())


def _year(row: dict[str, Any]) -> int | None:
    for name in ("created_at", "modified_at"):
        year = str(row.get(name) or "")[:4]
        if year.isdigit():
            return int(year)
    return None


@dataclass(frozen=True)
class _Features:
    """What the rerank weighs of one model besides the query, and what a hit shows: read once per catalog version
    for all models, so a search scores its few hundred candidates and answers without reading a row."""

    id: str
    task: str | None
    domain: str | None
    family: str | None
    params_total: int | None
    license_name: str | None
    commercial_use: str
    downloads: int | None
    static: float  # the weighted popularity, recency and licence parts
    quality: tuple[dict[str, Any], ...]


def _static_parts(row: dict[str, Any]) -> dict[str, float]:
    year = _year(row)
    return {"popularity": min(1.0, math.log10((row["downloads"] or 0) + 1) / 7),
            "recency": min(1.0, max(0.0, (year - 2018) / 8)) if year else 0.0,
            "license": _LICENSE_SCORE.get(row["commercial_use"], 0.3)}


def _all_features(session: Session) -> dict[str, _Features]:
    names = ("key", "id", "task", "domain", "family", "params_total", "license_name", "commercial_use", "downloads",
             "created_at", "modified_at", "quality")
    statement = text(f"SELECT {', '.join(names[:-1])}, nullif(quality, '[]'::jsonb) FROM models")
    table = {}
    for values in session.execute(statement):
        row = dict(zip(names, values, strict=True))
        static = sum(WEIGHTS[name] * value for name, value in _static_parts(row).items())
        table[row["key"]] = _Features(row["id"], row["task"], row["domain"], row["family"], row["params_total"],
                                      row["license_name"], row["commercial_use"], row["downloads"], static,
                                      tuple(row["quality"] or ()))
    return table


_FEATURES: dict[str, tuple[tuple, dict[str, _Features]]] = {}
_FEATURES_LOCK = threading.Lock()


def _features(session: Session) -> dict[str, _Features]:
    database, version = database_key(session), repository.models_version(session)
    with _FEATURES_LOCK:
        cached = _FEATURES.get(database)
        if cached is None or cached[0] != version:
            table = load_or_build("models-rerank", session, version, lambda: _all_features(session))
            cached = _FEATURES[database] = (version, table)
        return cached[1]


def _task_fit(task_of_model: str | None, domain: str | None, task: str | None, medical: bool) -> float:
    if task and task_of_model == task:
        return 1.0
    return 0.8 if medical and domain == "medical_imaging" else 0.0


def _score(features: _Features, fusion: float, top_fusion: float, task: str | None, medical: bool) -> float:
    quality, _ = _quality(features.quality, task, explain=False)
    return (WEIGHTS["fusion"] * fusion / top_fusion + WEIGHTS["task"] * _task_fit(features.task, features.domain, task, medical)
            + WEIGHTS["quality"] * quality + features.static)


def _why(model: _Features, fusion: float, top_fusion: float, task: str | None, medical: bool) -> list[str]:
    """The rerank's reasons for one hit, in words."""
    why = [f"matches the query (fusion rank score {fusion / top_fusion:.2f})"]
    if task and model.task == task:
        why.append(f"task {task}")
    if medical and model.domain == "medical_imaging":
        why.append("medical imaging model")
    _, phrase = _quality(model.quality, task, explain=True)
    why += [phrase] if phrase else []
    why += [f"{model.downloads:,} downloads"] if model.downloads else []
    why.append(f"licence {model.license_name} (commercial use: {model.commercial_use})")
    return why


_EMBEDDING_POOL: ThreadPoolExecutor | None = None


def _embedding_pool() -> ThreadPoolExecutor:
    global _EMBEDDING_POOL
    with _FEATURES_LOCK:
        if _EMBEDDING_POOL is None:
            _EMBEDDING_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="query-embedding")
        return _EMBEDDING_POOL


def search_models(session: Session, request: ModelSearchRequest, embedder: Embedder | None) -> ModelSearchResponse:
    """Hybrid retrieval + rerank; dense retrieval joins when an embedder and embeddings are available."""
    _validate(request)
    filters = _filters(request)
    dense = embedder is not None and has_embeddings(session)
    # The query's embedding (onnxruntime, which releases the GIL) is computed while BM25 and the rest run here.
    vector = _embedding_pool().submit(embedder.embed_query, request.query) if dense and embedder is not None else None
    task = request.task or infer_task(request.query)
    medical = bool(_MEDICAL_WORDS.search(request.query)) or request.domain == "medical_imaging"
    rankings = [(_lexical(session, request.query, filters), 1.0)]
    if vector is not None:
        rankings.append((_dense(session, vector.result(), filters), DENSE_WEIGHT))
    fused = _fused(*rankings)
    if not fused:
        return ModelSearchResponse(query=request.query, inferred_task=task, dense=dense, results=[])
    features, top = _features(session), max(fused.values())
    scored = sorted(((_score(features[key], fused[key], top, task, medical), key) for key in fused if key in features),
                    key=lambda item: (-item[0], item[1]))[: request.limit]
    bytes_per_weight = _bytes_per_weight(request.precision)
    hits = [_hit(rank, features[key], score, _why(features[key], fused[key], top, task, medical), bytes_per_weight)
            for rank, (score, key) in enumerate(scored, 1)]
    return ModelSearchResponse(query=request.query, inferred_task=task, dense=dense, results=hits)


def _hit(rank: int, model: _Features, score: float, why: list[str], bytes_per_weight: float) -> ModelHit:
    params = model.params_total
    return ModelHit(
        rank=rank, id=model.id, task=model.task, domain=model.domain, family=model.family,
        params_billions=round(params / 1e9, 3) if params else None, license=model.license_name,
        commercial_use=model.commercial_use, downloads=model.downloads,
        memory_gib=round(params * bytes_per_weight / 2**30, 2) if params else None, score=round(score, 4), why=why,
    )


_EMBEDDED: set[tuple[str, tuple]] = set()


def has_embeddings(session: Session) -> bool:
    """Some chunk has a dense vector (dense retrieval has something to search). Once seen, remembered for the
    catalog version: vectors are only dropped when the chunks are rebuilt, which is a new version."""
    key = (database_key(session), repository.models_version(session))
    if key in _EMBEDDED:
        return True
    found = session.execute(text("SELECT EXISTS (SELECT 1 FROM model_chunks WHERE embedding IS NOT NULL)")).scalar_one()
    if found:
        _EMBEDDED.add(key)
    return found
