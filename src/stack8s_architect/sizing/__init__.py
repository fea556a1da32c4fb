"""Pure sizing formulas: model memory, GPU fit, throughput, training time and cost.

No I/O and no framework imports: frozen dataclasses in, frozen dataclasses out. Start with
`architecture_from_hf_config` (or `architecture_from_params`) and `size`.
"""

from .architecture import (
    KvLayerGroup,
    ModelArchitecture,
    ParameterCounts,
    architecture_from_params,
)
from .cost import (
    DEFAULT_MFU,
    InstanceOffer,
    RunCost,
    monthly_cost_usd,
    per_sample_training_flops,
    training_hours,
    training_run_cost,
    transformer_training_flops,
)
from .estimate import SizingRequest, size
from .fit import GpuFit, fit_inference, tensor_parallel_rejection
from .gpu import GpuSpec
from .hf_config import architecture_from_hf_config
from .inference import (
    DEFAULT_GPU_MEMORY_UTILIZATION,
    InferenceMemory,
    Parallelism,
    ServingSetup,
    inference_memory,
    kv_cache_bytes_per_sequence,
    kv_cache_bytes_per_token,
    max_concurrent_sequences,
    max_context_tokens,
    weight_bytes,
)
from .precision import (
    KvCacheDtype,
    Precision,
    UnknownPrecisionError,
    known_precisions,
    kv_cache_dtype_named,
    precision_named,
)
from .result import SizingResult
from .serving import ServingLayout, ServingTarget, serving_layouts
from .throughput import decode_tokens_per_second, prefill_tokens_per_second
from .training import (
    ModelStates,
    TrainingMemory,
    TrainingSetup,
    fit_training,
    lora_adapter_params,
    model_states,
    training_memory,
)

__all__ = [
    "DEFAULT_GPU_MEMORY_UTILIZATION",
    "DEFAULT_MFU",
    "GpuFit",
    "GpuSpec",
    "InferenceMemory",
    "InstanceOffer",
    "KvCacheDtype",
    "KvLayerGroup",
    "ModelArchitecture",
    "ModelStates",
    "Parallelism",
    "ParameterCounts",
    "Precision",
    "RunCost",
    "ServingLayout",
    "ServingSetup",
    "ServingTarget",
    "SizingRequest",
    "SizingResult",
    "TrainingMemory",
    "TrainingSetup",
    "UnknownPrecisionError",
    "architecture_from_hf_config",
    "architecture_from_params",
    "decode_tokens_per_second",
    "fit_inference",
    "fit_training",
    "inference_memory",
    "known_precisions",
    "kv_cache_bytes_per_sequence",
    "kv_cache_bytes_per_token",
    "kv_cache_dtype_named",
    "lora_adapter_params",
    "max_concurrent_sequences",
    "max_context_tokens",
    "model_states",
    "monthly_cost_usd",
    "per_sample_training_flops",
    "precision_named",
    "prefill_tokens_per_second",
    "serving_layouts",
    "size",
    "tensor_parallel_rejection",
    "training_hours",
    "training_memory",
    "training_run_cost",
    "transformer_training_flops",
    "weight_bytes",
]
