"""Search requests: validation, task inference and the lexical tokenizer (no database)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from stack8s_architect.catalog.lexical import LexicalIndex
from stack8s_architect.catalog.models.schemas import ModelSearchRequest
from stack8s_architect.catalog.models.search import infer_task


@pytest.mark.parametrize(
    ("query", "task"),
    [
        ("real-time object detection", "object-detection"),
        ("English speech recognition", "automatic-speech-recognition"),
        ("embedding model for RAG", "feature-extraction"),
        ("a lovely day", None),
    ],
)
def test_task_inference(query: str, task: str | None) -> None:
    assert infer_task(query) == task


@pytest.mark.parametrize("body", [{"query": ""}, {"query": "   "}, {"query": "x", "limit": 0}, {"query": "x", "colour": 1}])
def test_bad_requests_are_refused(body: dict) -> None:
    with pytest.raises(ValidationError):
        ModelSearchRequest(**body)


def test_lexical_index_keeps_version_numbers_and_stems() -> None:
    index = LexicalIndex.build((1, 3), [
        ("meta-llama/llama-3.1-70b", "meta llama Llama 3.1 70B Instruct"),
        ("meta-llama/llama-3.3-70b", "meta llama Llama 3.3 70B Instruct"),
        ("org/detector", "an object detector for detecting cars"),
    ])
    assert index.search("Llama 3.1 70B", 1)[0][0] == "meta-llama/llama-3.1-70b"
    assert index.search("object detection", 1)[0][0] == "org/detector"
    assert index.search("the of and", 5) == []
