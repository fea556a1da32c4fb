"""The BM25 index scores queries itself (one bincount over bm25s's term-document matrix): the same documents, the
same scores and a deterministic order as bm25s's own `retrieve`."""

from __future__ import annotations

import pytest

from stack8s_architect.catalog.lexical import LexicalIndex, _tokens

DOCUMENTS = [
    ("llama-70b", "Llama 3.1 70B Instruct: a large language model for chat, by Meta. text-generation"),
    ("llama-8b", "Llama 3.1 8B Instruct, a small chat model. text-generation, instruct, chat"),
    ("whisper", "Whisper large v3: automatic speech recognition and translation in 99 languages"),
    ("yolo", "YOLOv8: real-time object detection and segmentation on images"),
    ("monai-lung", "MONAI lung nodule detection in chest CT scans, medical imaging"),
    ("sam", "Segment Anything: promptable image segmentation"),
    ("bge", "bge-m3 embedding model for retrieval, multilingual dense and sparse vectors"),
    ("dup-a", "object detection model"),
    ("dup-b", "object detection model"),
]


@pytest.fixture(scope="module")
def index() -> LexicalIndex:
    return LexicalIndex.build(("v1",), DOCUMENTS)


@pytest.mark.parametrize("query", [
    "chat model", "Llama 3.1 70B", "speech recognition", "object detection", "lung CT", "segmentation",
    "model model detection",  # a repeated term counts twice, as in bm25s
])
def test_same_scores_as_bm25s_retrieve(index: LexicalIndex, query: str) -> None:
    ids, scores = index.retriever.retrieve(_tokens([query]), k=len(DOCUMENTS), show_progress=False, n_threads=1)
    expected = {index.keys[i]: float(score) for i, score in zip(ids[0], scores[0], strict=True) if score > 0}
    found = index.search(query, len(DOCUMENTS))
    assert {key for key, _ in found} == set(expected)
    for key, score in found:
        assert score == pytest.approx(expected[key], rel=1e-5)
    assert [score for _, score in found] == sorted((score for _, score in found), reverse=True)


def test_limit_keeps_the_best_and_ties_follow_corpus_order(index: LexicalIndex) -> None:
    everything = index.search("object detection", 10)
    assert index.search("object detection", 2) == everything[:2]
    tied = [key for key, score in everything if score == everything[0][1]]
    assert tied == sorted(tied, key=[key for key, _ in DOCUMENTS].index)


def test_nothing_for_stopwords_unknown_words_or_an_empty_index(index: LexicalIndex) -> None:
    assert index.search("the of and", 5) == []
    assert index.search("xylophone quasar", 5) == []
    assert LexicalIndex.build(("empty",), []).search("chat", 5) == []
