"""The ONNX embedder against an independent numpy forward pass and the published sentence-transformers values."""

from __future__ import annotations

import hashlib
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import onnxruntime
import pytest
from numpy.typing import NDArray
from safetensors.numpy import load_file
from tokenizers import Tokenizer

from stack8s_architect.catalog.models import embedding
from stack8s_architect.catalog.models.embedding import (
    EXPECTED_SHA256,
    MAX_SEQUENCE_TOKENS,
    Embedder,
    EmbeddingWeightsError,
    build_onnx_model,
    content_hash,
    model_dir,
)

LONG_TEXT = " ".join(
    f"Section {n}: the encoder was fine-tuned on radiology reports and evaluated on held-out chest CT studies."
    for n in range(40)
)
TEXTS = {
    "short": "lung nodule detection in CT scans",
    "card paragraph": (
        "This model is a YOLOv8 detector trained on COCO. It runs in real time on a single T4 GPU "
        "and reaches 53.9 mAP at 640 pixels. Licence: AGPL-3.0, so commercial use needs a licence."
    ),
    "long, truncated at 256 tokens": LONG_TEXT,
    "unicode": "Détection de nodules pulmonaires — 肺結節の検出 🫁 naïve café Ω≈ç√",
    "empty": "",
    "whitespace": "   \n\t ",
}


# --- an independent numpy forward pass (float64), one unpadded sequence at a time ---------------

_erf = np.vectorize(math.erf, otypes=[np.float64])


def _layer_norm(x: NDArray, gamma: NDArray, beta: NDArray, eps: float) -> NDArray:
    mean = x.mean(-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + eps) * gamma + beta


def _softmax(x: NDArray) -> NDArray:
    exp = np.exp(x - x.max(-1, keepdims=True))
    return exp / exp.sum(-1, keepdims=True)


class NumpyMiniLM:
    """BertModel → mean pooling → L2 normalisation, written from the HF BERT definition."""

    def __init__(self, directory: Path):
        self.config = json.loads((directory / "config.json").read_text())
        self.w = {name: array.astype(np.float64) for name, array in load_file(directory / "model.safetensors").items()}

    def _linear(self, name: str, x: NDArray) -> NDArray:
        return x @ self.w[f"{name}.weight"].T + self.w[f"{name}.bias"]

    def _norm(self, name: str, x: NDArray) -> NDArray:
        return _layer_norm(x, self.w[f"{name}.weight"], self.w[f"{name}.bias"], self.config["layer_norm_eps"])

    def _attention(self, prefix: str, x: NDArray) -> NDArray:
        heads = self.config["num_attention_heads"]
        size = x.shape[1] // heads
        q, k, v = (
            self._linear(f"{prefix}.attention.self.{part}", x).reshape(len(x), heads, size).transpose(1, 0, 2)
            for part in ("query", "key", "value")
        )
        probs = _softmax(q @ k.transpose(0, 2, 1) / math.sqrt(size))
        context = (probs @ v).transpose(1, 0, 2).reshape(x.shape)
        projected = self._linear(f"{prefix}.attention.output.dense", context)
        return self._norm(f"{prefix}.attention.output.LayerNorm", projected + x)

    def _feed_forward(self, prefix: str, x: NDArray) -> NDArray:
        inner = self._linear(f"{prefix}.intermediate.dense", x)
        gelu = 0.5 * inner * (1.0 + _erf(inner / math.sqrt(2.0)))
        return self._norm(f"{prefix}.output.LayerNorm", self._linear(f"{prefix}.output.dense", gelu) + x)

    def embed(self, token_ids: list[int]) -> NDArray:
        x = (
            self.w["embeddings.word_embeddings.weight"][token_ids]
            + self.w["embeddings.position_embeddings.weight"][: len(token_ids)]
            + self.w["embeddings.token_type_embeddings.weight"][0]
        )
        x = self._norm("embeddings.LayerNorm", x)
        for layer in range(self.config["num_hidden_layers"]):
            x = self._feed_forward(f"encoder.layer.{layer}", self._attention(f"encoder.layer.{layer}", x))
        mean = x.mean(0)  # no padding here, so the masked mean is the plain mean
        return mean / np.linalg.norm(mean)


# --- fixtures -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return Embedder.load()


@pytest.fixture(scope="module")
def reference() -> NumpyMiniLM:
    return NumpyMiniLM(model_dir())


@pytest.fixture(scope="module")
def reference_tokenizer() -> Tokenizer:
    tokenizer = Tokenizer.from_file(str(model_dir() / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=256)  # sentence_bert_config.json max_seq_length
    tokenizer.no_padding()
    return tokenizer


@pytest.fixture(scope="module")
def batch_embeddings(embedder: Embedder) -> dict[str, NDArray]:
    """All TEXTS embedded in one padded batch, so masking of padding is exercised too."""
    vectors = embedder.embed(list(TEXTS.values()))
    return dict(zip(TEXTS, vectors, strict=True))


# --- the graph and the numbers -------------------------------------------------------------------


@pytest.fixture(scope="module")
def onnx_model() -> onnx.ModelProto:
    return build_onnx_model(model_dir())


def test_graph_is_valid_onnx_with_the_documented_interface(onnx_model: onnx.ModelProto) -> None:
    onnx.checker.check_model(onnx_model, full_check=True)
    assert [i.name for i in onnx_model.graph.input] == ["input_ids", "attention_mask", "token_type_ids"]
    assert [o.name for o in onnx_model.graph.output] == ["sentence_embedding"]
    assert not [node for node in onnx_model.graph.node if node.domain not in ("", "ai.onnx")]


def test_token_type_ids_are_optional_and_default_to_zeros(
    onnx_model: onnx.ModelProto, reference_tokenizer: Tokenizer
) -> None:
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    session = onnxruntime.InferenceSession(onnx_model.SerializeToString(), options, providers=["CPUExecutionProvider"])
    input_ids = np.array([reference_tokenizer.encode("tabular foundation model").ids], dtype=np.int64)
    feeds = {"input_ids": input_ids, "attention_mask": np.ones_like(input_ids)}
    (without,) = session.run(None, feeds)
    (zeros,) = session.run(None, {**feeds, "token_type_ids": np.zeros_like(input_ids)})
    (ones,) = session.run(None, {**feeds, "token_type_ids": np.ones_like(input_ids)})
    np.testing.assert_array_equal(without, zeros)
    assert np.abs(ones - zeros).max() > 1e-3  # the input is really wired to the type embeddings


def test_a_model_the_graph_does_not_implement_is_refused(tmp_path: Path) -> None:
    config = json.loads((model_dir() / "config.json").read_text())
    (tmp_path / "config.json").write_text(json.dumps({**config, "hidden_act": "relu"}))
    (tmp_path / "1_Pooling").mkdir()
    (tmp_path / "1_Pooling" / "config.json").write_text(json.dumps({"pooling_mode_cls_token": True}))
    with pytest.raises(ValueError, match="hidden_act, pooling_mode_mean_tokens"):
        build_onnx_model(tmp_path)


@pytest.mark.parametrize("name", list(TEXTS))
def test_matches_the_numpy_reference(
    name: str, batch_embeddings: dict[str, NDArray], reference: NumpyMiniLM, reference_tokenizer: Tokenizer
) -> None:
    token_ids = reference_tokenizer.encode(TEXTS[name]).ids
    expected = reference.embed(token_ids)
    np.testing.assert_allclose(batch_embeddings[name], expected, rtol=0, atol=1e-5)


def test_long_text_is_really_truncated_to_256_tokens(reference_tokenizer: Tokenizer) -> None:
    untruncated = Tokenizer.from_file(str(model_dir() / "tokenizer.json"))
    untruncated.no_truncation()
    untruncated.no_padding()
    assert len(untruncated.encode(LONG_TEXT).ids) > 2 * MAX_SEQUENCE_TOKENS
    ids = reference_tokenizer.encode(LONG_TEXT).ids
    assert len(ids) == MAX_SEQUENCE_TOKENS == 256
    assert (ids[0], ids[-1]) == (101, 102)  # [CLS] … [SEP] kept after truncation


def test_outputs_are_float32_unit_vectors(batch_embeddings: dict[str, NDArray]) -> None:
    vectors = np.stack(list(batch_embeddings.values()))
    assert vectors.dtype == np.float32
    assert vectors.shape == (len(TEXTS), 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-6)


def test_reproduces_the_published_sentence_transformers_similarities(embedder: Embedder) -> None:
    # huggingface/sentence-transformers index.rst quick start, SentenceTransformer("all-MiniLM-L6-v2"):
    # model.similarity(embeddings, embeddings), printed to four decimals.
    published = np.array([[1.0000, 0.6660, 0.1046], [0.6660, 1.0000, 0.1411], [0.1046, 0.1411, 1.0000]])
    vectors = embedder.embed(["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."])
    np.testing.assert_allclose(vectors @ vectors.T, published, rtol=0, atol=1e-4)


@pytest.mark.parametrize(
    ("anchor", "close", "unrelated"),
    [
        ("lung nodule detection in CT scans", "detect lung cancer on chest CT", "translate English to French"),
        ("English speech recognition", "transcribe spoken audio to text", "segment cells in microscopy images"),
        ("real-time object detection", "fast bounding box detector for video", "summarise legal contracts"),
    ],
)
def test_close_meanings_score_higher_than_unrelated(
    embedder: Embedder, anchor: str, close: str, unrelated: str
) -> None:
    a, c, u = embedder.embed([anchor, close, unrelated])
    assert float(a @ c) > float(a @ u) + 0.2


# --- batching ------------------------------------------------------------------------------------


def test_input_order_is_kept_whatever_the_batch_size(embedder: Embedder) -> None:
    texts = [f"model number {n} " + "with a longer card text " * (n % 7) for n in range(23)]
    one_by_one = np.stack([embedder.embed_query(text) for text in texts])
    for batch_size in (1, 3, 64):
        np.testing.assert_allclose(embedder.embed(texts, batch_size=batch_size), one_by_one, rtol=0, atol=1e-6)
    reversed_order = embedder.embed(texts[::-1], batch_size=5)
    np.testing.assert_allclose(reversed_order[::-1], one_by_one, rtol=0, atol=1e-6)


def test_progress_counts_every_text_once_per_batch(embedder: Embedder) -> None:
    reported: list[int] = []
    embedder.embed([f"text {n}" for n in range(10)], batch_size=4, progress=reported.append)
    assert reported == [4, 4, 2]


def test_no_texts_gives_an_empty_matrix(embedder: Embedder) -> None:
    assert embedder.embed([]).shape == (0, 384)


def test_a_bare_string_is_refused(embedder: Embedder) -> None:
    with pytest.raises(TypeError, match="embed_query"):
        embedder.embed("a single string would be embedded character by character")


def test_embed_query_is_one_vector(embedder: Embedder) -> None:
    vector = embedder.embed_query("small code LLM")
    assert vector.shape == (Embedder.dimensions,) == (384,)
    assert Embedder.model_name == "sentence-transformers/all-MiniLM-L6-v2"


# --- loading: hash, cache, no torch --------------------------------------------------------------


def test_expected_hash_is_the_bundled_files_hash() -> None:
    digest = hashlib.sha256((model_dir() / "model.safetensors").read_bytes()).hexdigest()
    assert digest == EXPECTED_SHA256
    assert EXPECTED_SHA256.startswith("53aa5117")  # the official model's, per DEPENDENCIES.md


def test_weights_with_another_hash_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedding, "EXPECTED_SHA256", "0" * 64)
    with pytest.raises(EmbeddingWeightsError, match=r"model\.safetensors has sha256 53aa5117"):
        Embedder.load()


def test_cached_graph_is_reused_without_rebuilding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = Embedder.load(cache_dir=tmp_path)
    (cached,) = tmp_path.glob("*.onnx")
    assert EXPECTED_SHA256[:16] in cached.name
    modified_ns = cached.stat().st_mtime_ns

    def refuse_to_build(_: Path) -> onnx.ModelProto:
        raise AssertionError("the graph was rebuilt although a cached copy exists")

    monkeypatch.setattr(embedding, "build_onnx_model", refuse_to_build)
    second = Embedder.load(cache_dir=tmp_path)
    assert cached.stat().st_mtime_ns == modified_ns
    assert [path.name for path in tmp_path.iterdir()] == [cached.name]  # no stray partial files
    np.testing.assert_array_equal(second.embed_query("whisper large v3"), first.embed_query("whisper large v3"))


def test_loading_and_embedding_never_import_torch() -> None:
    script = (
        "import sys\n"
        "from stack8s_architect.catalog.models.embedding import Embedder\n"
        "Embedder.load().embed(['a model card'])\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr


# --- cache key -----------------------------------------------------------------------------------


def test_content_hash_is_stable_and_depends_on_text_and_model(monkeypatch: pytest.MonkeyPatch) -> None:
    key = content_hash("YOLOv8 model card")
    assert key == content_hash("YOLOv8 model card")
    assert len(key) == 64 and int(key, 16) >= 0
    assert key != content_hash("YOLOv8 model card ")
    assert key != hashlib.sha256(b"YOLOv8 model card").hexdigest()
    monkeypatch.setattr(embedding, "MODEL_NAME", "sentence-transformers/all-mpnet-base-v2")
    assert content_hash("YOLOv8 model card") != key
