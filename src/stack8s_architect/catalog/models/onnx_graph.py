"""The all-MiniLM-L6-v2 sentence encoder written as an ONNX graph from its safetensors weights.

The graph reproduces sentence-transformers' pipeline for this model (modules.json: Transformer →
Pooling(mean) → Normalize) with standard ONNX operators only, so onnxruntime runs it without torch.
Inputs: `input_ids`, `attention_mask` (int64, [batch, sequence]) and, optionally, `token_type_ids`
(defaults to zeros). Output: `sentence_embedding`, float32 [batch, hidden], unit length.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx
from numpy.typing import NDArray
from onnx import TensorProto, helper, numpy_helper
from safetensors.numpy import load_file

OPSET = 17  # LayerNormalization arrived in opset 17; onnxruntime fuses the erf GELU pattern itself
IR_VERSION = 8  # the IR version that goes with opset 17
OUTPUT_NAME = "sentence_embedding"
# Bumped whenever the graph changes, so cached graphs built by older code are not reused.
GRAPH_REVISION = 1

# torch.nn.functional.normalize's eps, which sentence-transformers' Normalize uses.
_NORMALIZE_EPS = 1e-12
# sentence-transformers' mean pooling clamps the token count at this.
_MIN_TOKEN_COUNT = 1e-9

Weights = dict[str, NDArray[np.float32]]


@dataclass(frozen=True)
class BertConfig:
    """The encoder's shape, read from config.json; anything the graph does not implement is refused."""

    hidden_size: int
    num_heads: int
    num_layers: int
    intermediate_size: int
    layer_norm_eps: float

    @property
    def head_size(self) -> int:
        return self.hidden_size // self.num_heads

    @classmethod
    def from_model_dir(cls, model_dir: Path) -> BertConfig:
        raw = json.loads((model_dir / "config.json").read_text())
        pooling = json.loads((model_dir / "1_Pooling" / "config.json").read_text())
        unsupported = {
            "hidden_act": raw.get("hidden_act") != "gelu",
            "position_embedding_type": raw.get("position_embedding_type", "absolute") != "absolute",
            "pooling_mode_mean_tokens": not pooling.get("pooling_mode_mean_tokens"),
        }
        if any(unsupported.values()):
            wrong = ", ".join(key for key, bad in unsupported.items() if bad)
            raise ValueError(f"{model_dir} is not a mean-pooled BERT with erf GELU and absolute positions ({wrong})")
        return cls(
            hidden_size=raw["hidden_size"],
            num_heads=raw["num_attention_heads"],
            num_layers=raw["num_hidden_layers"],
            intermediate_size=raw["intermediate_size"],
            layer_norm_eps=raw["layer_norm_eps"],
        )


class _GraphBuilder:
    """Collects nodes and initializers; every node gets one output named after it."""

    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []
        self._count = 0

    def const(self, name: str, value: NDArray | float | list[int]) -> str:
        if isinstance(value, float):
            value = np.array(value, dtype=np.float32)
        elif isinstance(value, list):
            value = np.array(value, dtype=np.int64)
        self.initializers.append(numpy_helper.from_array(value, name))
        return name

    def op(self, op_type: str, *inputs: str, **attributes: object) -> str:
        self._count += 1
        output = f"{op_type.lower()}_{self._count}"
        self.nodes.append(helper.make_node(op_type, list(inputs), [output], name=output, **attributes))
        return output


def build_onnx_model(model_dir: Path) -> onnx.ModelProto:
    """Build the encoder + mean pooling + L2 normalisation graph from `model_dir`'s safetensors.

    `model_dir` holds config.json, 1_Pooling/config.json and model.safetensors (the layout of
    the Hugging Face repository). The weights are not verified here; `Embedder.load` does that.
    """
    config = BertConfig.from_model_dir(model_dir)
    weights = load_file(model_dir / "model.safetensors")
    graph = _GraphBuilder()
    graph.const("token_type_ids", np.zeros((1, 1), dtype=np.int64))  # overridable default
    mask = graph.op("Cast", "attention_mask", to=TensorProto.FLOAT)
    hidden = _embeddings(graph, weights, config)
    bias = _attention_bias(graph, mask)
    for layer in range(config.num_layers):
        prefix = f"encoder.layer.{layer}"
        hidden = _self_attention(graph, weights, config, prefix, hidden, bias)
        hidden = _feed_forward(graph, weights, config, prefix, hidden)
    _mean_pool_and_normalize(graph, hidden, mask)
    return _model(graph, config)


def _model(graph: _GraphBuilder, config: BertConfig) -> onnx.ModelProto:
    token_matrix = ["batch", "sequence"]
    inputs = [
        helper.make_tensor_value_info(name, TensorProto.INT64, token_matrix)
        for name in ("input_ids", "attention_mask", "token_type_ids")
    ]
    output = helper.make_tensor_value_info(OUTPUT_NAME, TensorProto.FLOAT, ["batch", config.hidden_size])
    body = helper.make_graph(graph.nodes, "all_minilm_l6_v2", inputs, [output], graph.initializers)
    model = helper.make_model(
        body, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="stack8s_architect"
    )
    model.ir_version = IR_VERSION
    return model


def _linear(graph: _GraphBuilder, weights: Weights, name: str, x: str, scale: float = 1.0) -> str:
    """x @ W.T + b for a torch Linear stored as `name.weight` [out, in] and `name.bias`."""
    matrix = np.ascontiguousarray(weights[f"{name}.weight"].T * np.float32(scale))
    vector = weights[f"{name}.bias"] * np.float32(scale)
    product = graph.op("MatMul", x, graph.const(f"{name}.weight", matrix))
    return graph.op("Add", product, graph.const(f"{name}.bias", vector))


def _layer_norm(graph: _GraphBuilder, weights: Weights, config: BertConfig, name: str, x: str) -> str:
    gamma = graph.const(f"{name}.weight", weights[f"{name}.weight"])
    beta = graph.const(f"{name}.bias", weights[f"{name}.bias"])
    return graph.op("LayerNormalization", x, gamma, beta, axis=-1, epsilon=config.layer_norm_eps)


def _embeddings(graph: _GraphBuilder, weights: Weights, config: BertConfig) -> str:
    """Word + absolute position + token type embeddings, then LayerNorm."""
    word_table = graph.const("word_embeddings", weights["embeddings.word_embeddings.weight"])
    words = graph.op("Gather", word_table, "input_ids")
    zero, one = graph.const("zero_index", np.array(0, np.int64)), graph.const("one_index", np.array(1, np.int64))
    sequence_length = graph.op("Gather", graph.op("Shape", "input_ids"), one)
    positions = graph.op("Range", zero, sequence_length, one)
    position_table = graph.const("position_embeddings", weights["embeddings.position_embeddings.weight"])
    type_table = graph.const("token_type_embeddings", weights["embeddings.token_type_embeddings.weight"])
    summed = graph.op("Add", words, graph.op("Gather", position_table, positions))
    summed = graph.op("Add", summed, graph.op("Gather", type_table, "token_type_ids"))
    return _layer_norm(graph, weights, config, "embeddings.LayerNorm", summed)


def _attention_bias(graph: _GraphBuilder, mask: str) -> str:
    """[batch, 1, 1, sequence]: 0 where attended, the most negative float32 at padding (as transformers does)."""
    padding = graph.op("Sub", graph.const("one", 1.0), mask)
    bias = graph.op("Mul", padding, graph.const("large_negative", float(np.finfo(np.float32).min)))
    return graph.op("Unsqueeze", bias, graph.const("head_and_query_axes", [1, 2]))


def _self_attention(graph: _GraphBuilder, weights: Weights, config: BertConfig, prefix: str, x: str, bias: str) -> str:
    # Folding 1/sqrt(head_size) into the query projection saves a pass over the score matrix.
    scale = 1.0 / math.sqrt(config.head_size)
    split_heads = graph.const(f"{prefix}.split_heads", [0, 0, config.num_heads, config.head_size])
    query = graph.op("Reshape", _linear(graph, weights, f"{prefix}.attention.self.query", x, scale), split_heads)
    key = graph.op("Reshape", _linear(graph, weights, f"{prefix}.attention.self.key", x), split_heads)
    value = graph.op("Reshape", _linear(graph, weights, f"{prefix}.attention.self.value", x), split_heads)
    query = graph.op("Transpose", query, perm=[0, 2, 1, 3])  # [batch, head, query, size]
    key = graph.op("Transpose", key, perm=[0, 2, 3, 1])  # [batch, head, size, key]
    value = graph.op("Transpose", value, perm=[0, 2, 1, 3])  # [batch, head, key, size]
    scores = graph.op("Add", graph.op("MatMul", query, key), bias)
    context = graph.op("MatMul", graph.op("Softmax", scores, axis=-1), value)
    context = graph.op("Transpose", context, perm=[0, 2, 1, 3])
    merged = graph.op("Reshape", context, graph.const(f"{prefix}.merge_heads", [0, 0, config.hidden_size]))
    projected = _linear(graph, weights, f"{prefix}.attention.output.dense", merged)
    residual = graph.op("Add", projected, x)
    return _layer_norm(graph, weights, config, f"{prefix}.attention.output.LayerNorm", residual)


def _feed_forward(graph: _GraphBuilder, weights: Weights, config: BertConfig, prefix: str, x: str) -> str:
    inner = _linear(graph, weights, f"{prefix}.intermediate.dense", x)
    # Exact GELU, 0.5·h·(1 + erf(h/√2)), in the node order onnxruntime's GeluFusion recognises.
    erf = graph.op("Erf", graph.op("Div", inner, graph.const(f"{prefix}.sqrt2", math.sqrt(2.0))))
    one_plus_erf = graph.op("Add", erf, graph.const(f"{prefix}.one", 1.0))
    gelu = graph.op("Mul", graph.op("Mul", inner, one_plus_erf), graph.const(f"{prefix}.half", 0.5))
    projected = _linear(graph, weights, f"{prefix}.output.dense", gelu)
    residual = graph.op("Add", projected, x)
    return _layer_norm(graph, weights, config, f"{prefix}.output.LayerNorm", residual)


def _mean_pool_and_normalize(graph: _GraphBuilder, hidden: str, mask: str) -> None:
    """Attention-mask weighted mean over tokens, then divide by the L2 norm; writes OUTPUT_NAME."""
    token_weights = graph.op("Unsqueeze", mask, graph.const("hidden_axis", [2]))  # [batch, sequence, 1]
    sequence_axis = graph.const("sequence_axis", [1])
    summed = graph.op("ReduceSum", graph.op("Mul", hidden, token_weights), sequence_axis, keepdims=0)
    count = graph.op("ReduceSum", token_weights, sequence_axis, keepdims=0)  # [batch, 1]
    mean = graph.op("Div", summed, graph.op("Max", count, graph.const("min_token_count", _MIN_TOKEN_COUNT)))
    norm = graph.op("ReduceL2", mean, axes=[1], keepdims=1)
    norm = graph.op("Max", norm, graph.const("normalize_eps", _NORMALIZE_EPS))
    graph.nodes.append(helper.make_node("Div", [mean, norm], [OUTPUT_NAME], name=OUTPUT_NAME))
