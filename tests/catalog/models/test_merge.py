"""Entity resolution on small hand-made records: precedence, provenance, variants, display names."""

from __future__ import annotations

from stack8s_architect.catalog.models.documents import card_chunks, clean_card, profile
from stack8s_architect.catalog.models.merge import merge


def fact(fid: int, source: str, raw_id: str, fields: dict, *, kind: str = "hf", exactness: int = 1,
         observed_on: str = "2024-01-01") -> dict:
    return {"id": fid, "source_id": source, "raw_id": raw_id, "id_kind": kind, "fields": fields,
            "observed_on": observed_on, "exactness": exactness}


def raw(facts=(), signals=(), variants=(), cards=()) -> dict:  # noqa: ANN001
    return {"model_facts": list(facts), "model_signals": list(signals), "model_variants": list(variants),
            "model_cards": list(cards)}


def test_most_exact_then_freshest_source_wins_with_provenance() -> None:
    records, _ = merge(raw(facts=[
        fact(1, "scrape", "Org/Model-7B", {"params_total": 7.3e9, "downloads": 10, "license_raw": "mit", "tags": ["a"]}),
        fact(2, "configs", "org/model-7b", {"params_total": 7.24e9, "tags": ["b"]}, exactness=3),
        fact(3, "newer-scrape", "org/model-7b", {"downloads": 99}, observed_on="2025-06-01"),  # lower-cased ids lose
    ]))
    (record,) = records
    assert record.key == "org/model-7b" and record.id == "Org/Model-7B"
    assert record.fields["params_total"] == 7.24e9 and record.provenance["params_total"] == "configs"
    assert record.fields["downloads"] == 99 and record.provenance["downloads"] == "newer-scrape"
    assert record.tags == {"a", "b"} and record.sources == {"scrape", "configs", "newer-scrape"}
    assert record.license.id == "mit" and record.license.commercial_use == "yes"


def test_quantised_repo_folds_into_a_known_base() -> None:
    records, report = merge(raw(
        facts=[
            fact(1, "hub", "meta-llama/Llama-3.1-8B-Instruct", {"pipeline_tag": "text-generation"}),
            fact(2, "jan", "bartowski/Llama-3.1-8B-Instruct-GGUF", {"downloads": 5}),
            fact(3, "hub", "someone/Unrelated-GGUF", {}),
        ],
        variants=[{"id": 1, "source_id": "jan", "raw_id": "bartowski/Llama-3.1-8B-Instruct-GGUF/x.Q4_K_M.gguf",
                   "base_raw_id": "bartowski/Llama-3.1-8B-Instruct-GGUF", "format": "gguf", "quantization": "Q4_K_M",
                   "size_bytes": 4_920_000_000, "context_length": None}],
    ))
    keys = {r.key for r in records}
    assert "bartowski/llama-3.1-8b-instruct-gguf" not in keys  # folded
    assert "someone/unrelated-gguf" in keys  # no known base: stays a record
    base = next(r for r in records if r.key == "meta-llama/llama-3.1-8b-instruct")
    assert [v["quantization"] for v in base.variants] == ["Q4_K_M"]
    assert report.folded_variants == 1


def test_display_names_link_only_when_unambiguous() -> None:
    records, report = merge(raw(
        facts=[fact(1, "hub", "meta-llama/Llama-3.1-70B-Instruct", {"downloads": 1000})],
        signals=[
            {"id": 1, "source_id": "arena", "raw_id": "Llama-3.1-70B-Instruct", "id_kind": "display",
             "metric": "arena_score", "value": 1248.0, "higher_is_better": True, "task": "llm", "detail": ""},
            {"id": 2, "source_id": "arena", "raw_id": "GPT-4o", "id_kind": "display",
             "metric": "arena_score", "value": 1300.0, "higher_is_better": True, "task": "llm", "detail": ""},
        ],
    ))
    (record,) = records
    assert [q["value"] for q in record.quality] == [1248.0]
    assert report.unmatched_display_names == {"display": 1}


def test_task_domain_and_family_are_derived() -> None:
    records, _ = merge(raw(facts=[
        fact(1, "monai", "monai/spleen_ct_segmentation", {"task_hint": "segmentation", "library": "monai",
                                                           "tags": ["ct"]}, kind="monai"),
    ], cards=[{"id": 1, "source_id": "monai-model-zoo", "raw_id": "monai/spleen_ct_segmentation",
               "id_kind": "monai", "text": "# Spleen\nSegments the spleen in CT.", "observed_on": None}]))
    (record,) = records
    assert (record.task, record.domain) == ("image-segmentation", "medical_imaging")
    assert record.card_source == "monai-model-zoo"
    assert "spleen" in profile(record).lower()


def test_card_cleaning_and_chunking() -> None:
    card = "---\nlicense: mit\n---\n# Title\n<p>Intro</p> with [a link](http://x).\n```python\ncode()\n```\n" + "Word " * 400
    cleaned = clean_card(card)
    assert "license: mit" not in cleaned and "code()" not in cleaned and "http://x" not in cleaned
    assert "a link" in cleaned
    chunks = card_chunks(card)
    assert 1 <= len(chunks) <= 2 and all(len(chunk) <= 2000 for chunk in chunks)


def test_embedding_stops_between_batches() -> None:
    from contextlib import contextmanager

    from stack8s_architect.catalog.models import service

    calls = []

    class FakeEmbedder:
        def embed(self, texts):  # noqa: ANN001, ANN201
            calls.append(len(texts))
            import numpy as np

            return np.zeros((len(texts), 384), dtype=np.float32)

    @contextmanager
    def session_factory():  # noqa: ANN202
        yield None

    pending = [(i, f"h{i}", f"text {i}") for i in range(10)]
    original_pending, original_store = service.repository.pending_chunks, service.repository.store_embeddings
    service.repository.pending_chunks = lambda session, limit=None: pending
    service.repository.store_embeddings = lambda session, items: None
    try:
        done = service.embed_pending(session_factory, FakeEmbedder(), batch_size=3, stop=lambda: len(calls) >= 2)
    finally:
        service.repository.pending_chunks, service.repository.store_embeddings = original_pending, original_store
    assert calls == [3, 3] and done == 6
