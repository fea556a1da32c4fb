"""In-memory BM25 over one document per catalog entry (a model with its card chunks, a Helm chart).

Why not PostgreSQL full text: OR-queries of common words ("model", "small", "code") match tens of
thousands of chunks, and ranking them all took up to a second. bm25s scores a query in about a
millisecond. Each catalog rebuilds its index when its data changes (a new catalog version).

Queries are scored here from bm25s's own term-document matrix (one `bincount` over the query terms' postings)
rather than through `BM25.retrieve`, which adds a thread pool, a progress bar and `np.add.at` per query term:
about 5 ms of a model search against 1 ms for the same scores.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import bm25s
import numpy as np
import Stemmer
from sqlalchemy.orm import Session

from stack8s_architect.catalog.index_cache import load_or_build

_STEMMER = Stemmer.Stemmer("english")


_VERSION_DOT = re.compile(r"(?<=\d)\.(?=\d)")


def _tokens(texts: Sequence[str], *, ids: bool = True):  # noqa: ANN202
    # "3.1" would split into one-letter tokens the tokenizer drops; "31" keeps versions searchable.
    joined = [_VERSION_DOT.sub("", text) for text in texts]
    return bm25s.tokenize(joined, stopwords="en", stemmer=_STEMMER, show_progress=False, return_ids=ids)


@dataclass
class LexicalIndex:
    version: tuple
    keys: list[str]
    retriever: bm25s.BM25

    @classmethod
    def build(cls, version: tuple, documents: Sequence[tuple[str, str]]) -> LexicalIndex:
        retriever = bm25s.BM25()
        if documents:  # bm25s cannot index an empty corpus; an empty index finds nothing
            retriever.index(_tokens([text for _, text in documents]), show_progress=False)
        return cls(version, [key for key, _ in documents], retriever)

    def search(self, query: str, limit: int) -> list[tuple[str, float]]:
        """(document key, BM25 score) for the best `limit` documents; nothing for a query of stopwords."""
        if not self.keys:
            return []
        terms = self.retriever.get_tokens_ids(_tokens([query], ids=False)[0])
        if not terms:
            return []
        scores = self._scores(terms)
        matched = np.flatnonzero(scores > 0)
        if len(matched) > limit:
            matched = matched[np.argpartition(-scores[matched], limit - 1)[:limit]]
        order = np.lexsort((matched, -scores[matched]))  # best first; equal scores in corpus order
        return [(self.keys[i], float(scores[i])) for i in matched[order].tolist()]

    def _scores(self, terms: list[int]) -> np.ndarray:
        """BM25 of every document for the query terms (a repeated term counts again, as in bm25s)."""
        matrix = self.retriever.scores
        indptr, indices, data = matrix["indptr"], matrix["indices"], matrix["data"]
        spans = [(indptr[term], indptr[term + 1]) for term in terms]
        postings = np.concatenate([indices[start:end] for start, end in spans])
        weights = np.concatenate([data[start:end] for start, end in spans])
        scores = np.bincount(postings, weights=weights, minlength=matrix["num_docs"])
        if self.retriever.nonoccurrence_array is not None:  # BM25L / BM25+ variants score absent terms too
            scores += self.retriever.nonoccurrence_array[terms].sum()
        return scores


_INDEXES: dict[str, LexicalIndex] = {}
_LOCK = threading.Lock()


def cached_index(cache_key: str, version: tuple, load, *, kind: str | None = None,  # noqa: ANN001
                 session: Session | None = None) -> LexicalIndex:
    """The index for `cache_key` at `version`, built from `load()` when missing or stale — or read from the index
    cache on disk (`index_cache`) when a `kind` and its `session` are given."""
    with _LOCK:
        index = _INDEXES.get(cache_key)
        if index is None or index.version != version:
            build = lambda: LexicalIndex.build(version, load())  # noqa: E731
            index = _INDEXES[cache_key] = (load_or_build(kind, session, version, build)
                                           if kind is not None and session is not None else build())
        return index

