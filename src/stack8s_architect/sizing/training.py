"""Training memory: full fine-tuning (mixed-precision AdamW), LoRA and QLoRA, sharded ZeRO-3/FSDP.

Bytes per parameter, with sources:

* full fine-tuning: 16 = bf16 weights 2 + bf16 gradients 2 + fp32 master weights 4 + Adam m, v 8
  (ZeRO paper, arXiv:1910.02054 §3.1: "2Ψ + 2Ψ + 12Ψ = 16Ψ").
* LoRA: frozen bf16 base (2) + adapters at 16 (PEFT keeps adapter weights in fp32: 4 + grads 4 +
  Adam 8).
* QLoRA: frozen NF4 base with double quantization (4.127 bits on linear layers, 16-bit
  embeddings and norms) + adapters at 12 (the reference `qlora.py` casts adapters to bf16: 2 +
  grads 2 + paged 32-bit AdamW 8) (arXiv:2305.14314).

Activations per token per layer, bf16, flash attention (no s² term), no dropout — after
Korthikanti et al. (arXiv:2205.05198) with a SwiGLU MLP: attention 10·h + norms 4·h + MLP
(2·h + 8·width) bytes. Gradient checkpointing keeps each layer's 2·h-byte input and recomputes one
layer at a time. The loss is the other peak: Hugging Face's causal-LM loss upcasts the logits to fp32
(kept in the model output through the whole backward pass), and cross-entropy's backward holds the
log-softmax output, its incoming gradient and the gradient it produces at once — 16 bytes per vocabulary
entry per token (4 of them held while the layers are recomputed). Peak activation memory is the
checkpoints plus the larger of the loss peak and (held logits + one recomputed layer): with a 32k
vocabulary and up the loss is the larger (Answer.AI's peak *allocated* for Llama-2-7B LoRA, 8.28 / 9.16 GiB
at 512 / 2,048 tokens, is met within 3 %).

What is predicted is memory *allocated* by PyTorch plus what lives outside its allocator (CUDA context,
NCCL buffers). The caching allocator *reserves* more when it has room (Answer.AI: 10.2 GiB reserved for
9.2 allocated); the fit budget keeps 5 % for that (`TRAINING_MEMORY_UTILIZATION`), and a run that is short
of memory makes the allocator free cached blocks rather than fail.

ZeRO-3/FSDP shards every model state across the data-parallel GPUs; each GPU also holds its own
activations and an all-gathered copy of the layer being computed (plus one prefetched).

Options people use, each a field of `TrainingSetup` (defaults: AdamW, mixed precision, ZeRO-3 over more than one
GPU, no offload, flash attention and activation checkpointing on):

* optimizer state bytes per trainable parameter: AdamW 8 (two fp32 moments); 8-bit AdamW and paged 8-bit AdamW 2
  (bitsandbytes, arXiv:2110.02861: two 1-byte moments, block-wise scales negligible); Adafactor 4 (Hugging Face,
  "Efficient training on a single GPU": "slightly more than 4 bytes" with its default momentum-free setting); SGD 0.
* precision: `mixed` (bf16 weights and gradients, fp32 master copy and fp32 optimizer states — DeepSpeed, the HF
  Trainer, the ZeRO paper), `bf16` (pure bf16: no master copy, optimizer moments in bf16 — torchtune, Answer.AI's
  FSDP recipes), `fp32` (4-byte weights and gradients, no master copy).
* ZeRO stage over N data-parallel GPUs: 0 replicates everything (DDP); 1 shards optimizer states and the master copy;
  2 also gradients; 3 (= FSDP full shard) also the weights. CPU offload keeps optimizer states, the master copy and
  the gradients (reduced into host memory as they are produced) off the GPU (ZeRO-Offload); at stage 3 the sharded
  parameters too (FSDP `CPUOffload(offload_params=True)`, DeepSpeed ZeRO-3 `offload_param`): only the layers being
  computed are gathered onto the GPU.
* LoRA base precision: bf16 (2 bytes), fp32 (4), int8 (LLM.int8: 1 byte + scales), nf4 (QLoRA's 4.127 bits).
  Adapters follow the training precision: fp32 with mixed precision (PEFT's default), bf16 weights, gradients
  and Adam moments in pure bf16 (Answer.AI's `--precision bf16`, torchtune). FSDP gathers a QLoRA layer in its
  packed 4-bit storage (`quant_storage`), then bitsandbytes dequantizes one matrix at a time to bf16.
* Without flash attention every layer's attention scores and their softmax (bf16, heads × s² each) are kept; with
  checkpointing, for the one layer recomputed at a time.
* A fused or in-place cross-entropy (`fused_cross_entropy`) holds 6 bytes per logit at the loss peak instead of 16:
  Megatron's vocab-parallel loss turns one fp32 copy into the softmax and then the gradient in place, beside the
  16-bit logits or their gradient; Liger's and Cut-Cross-Entropy's fused kernels never hold all logits (6 is their
  upper bound).
* Ungated (GPT-style) MLPs hold 2·h + 4·width bytes per token, gated (SwiGLU) ones 2·h + 8·width.
* Activation checkpointing recomputes the forward pass: training FLOPs 6·N·D + 2·N·D (4·N·D + 2·N·D with a frozen
  base), so hours rise by a third (a half for LoRA).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from dataclasses import replace

from .architecture import ModelArchitecture
from .fit import GpuFit
from .gpu import GpuSpec
from .inference import NON_LLM_ACTIVATION_FRACTION, nccl_bytes, non_torch_bytes
from .precision import precision_named
from .units import GIB, to_gib

TrainingMethod = Literal["full", "lora", "qlora"]
Optimizer = Literal["adamw", "adamw_8bit", "paged_adamw_8bit", "adafactor", "sgd"]
TrainingPrecision = Literal["mixed", "bf16", "fp32"]
BasePrecision = Literal["bf16", "fp32", "int8", "nf4"]
OPTIMIZER_STATE_BYTES: dict[str, float] = {"adamw": 8, "adamw_8bit": 2, "paged_adamw_8bit": 2, "adafactor": 4,
                                            "sgd": 0}
BASE_BYTES_PER_PARAM: dict[str, float] = {"bf16": 2, "fp32": 4, "int8": 1.0 + 4 / 4096}
OPTIMIZER_NAMES = {"adamw": "AdamW", "adamw_8bit": "8-bit AdamW", "paged_adamw_8bit": "paged 8-bit AdamW",
                   "adafactor": "Adafactor", "sgd": "SGD"}

FULL_BYTES_PER_PARAM = {"weights": 2, "gradients": 2, "master_weights": 4, "optimizer": 8}
LORA_ADAPTER_BYTES_PER_PARAM = {"weights": 4, "gradients": 4, "master_weights": 0, "optimizer": 8}
QLORA_ADAPTER_BYTES_PER_PARAM = {"weights": 2, "gradients": 2, "master_weights": 0, "optimizer": 8}
TRAINING_MEMORY_UTILIZATION = 0.95  # leave 5 % for caching-allocator fragmentation
ALL_LINEAR_TARGETS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")
LOSS_PEAK_BYTES_PER_LOGIT = 16  # fp32 logits held + log-softmax output + its gradient in + gradient out
HELD_LOGIT_BYTES = 4  # the fp32 logits kept in the model output while the layers' backward runs
FUSED_LOSS_PEAK_BYTES_PER_LOGIT = 6  # one fp32 buffer worked in place beside the 16-bit logits or their gradient
CHECKPOINT_BYTES_PER_HIDDEN = 2


@dataclass(frozen=True)
class TrainingSetup:
    """What is trained and how: method, sequence length, micro-batch per GPU, adapter shape."""

    arch: ModelArchitecture
    method: TrainingMethod = "full"
    sequence_tokens: int = 2048
    micro_batch_size: int = 1
    gradient_checkpointing: bool = True
    lora_rank: int = 16
    lora_targets: tuple[str, ...] = ALL_LINEAR_TARGETS
    optimizer: Optimizer = "adamw"
    precision: TrainingPrecision = "mixed"
    zero_stage: int = 3  # over more than one GPU (3 = FSDP full shard); 0 = plain data parallel
    cpu_offload: bool = False  # optimizer states, master weights and gradients in host memory (ZeRO-Offload)
    base_precision: BasePrecision | None = None  # LoRA's frozen base; None: bf16 for LoRA, nf4 for QLoRA
    flash_attention: bool = True
    fused_cross_entropy: bool = False  # Megatron's in-place vocab-parallel loss, Liger, Cut-Cross-Entropy

    @property
    def frozen_base_precision(self) -> str:
        return self.base_precision or ("nf4" if self.method == "qlora" else "bf16")


def _module_shapes(arch: ModelArchitecture) -> dict[str, tuple[int, int]]:
    """(in, out) features of each LoRA-targetable projection of a standard decoder layer."""
    h, q_width, kv_width = arch.hidden_size, arch.attention_heads * arch.head_dim, arch.kv_heads * arch.head_dim
    width = arch.intermediate_size
    return {
        "q_proj": (h, q_width), "k_proj": (h, kv_width), "v_proj": (h, kv_width), "o_proj": (q_width, h),
        "gate_proj": (h, width), "up_proj": (h, width), "down_proj": (width, h),
    }


def lora_adapter_params(setup: TrainingSetup) -> int:
    """Adapter parameters: rank × (in + out) for every targeted projection of every layer.

    In MoE layers the MLP targets apply to each routed expert (how PEFT wraps per-expert Linears).
    Shapes are those of a standard decoder; MLA and hybrid layers are approximated by them.
    """
    arch, rank = setup.arch, setup.lora_rank
    shapes = _module_shapes(arch)
    attention = sum(rank * sum(shapes[t]) for t in setup.lora_targets if t in ("q_proj", "k_proj", "v_proj", "o_proj"))
    mlp_targets = [t for t in setup.lora_targets if t in ("gate_proj", "up_proj", "down_proj")]
    dense_mlp = len(mlp_targets) * rank * (arch.hidden_size + arch.intermediate_size)
    expert_mlp = len(mlp_targets) * rank * (arch.hidden_size + arch.moe_intermediate_size) * arch.experts
    dense_layers = arch.layers - arch.moe_layers
    return arch.layers * attention + dense_layers * dense_mlp + arch.moe_layers * expert_mlp


def activation_bytes(setup: TrainingSetup) -> float:
    """Peak activation memory of one micro-batch on one GPU (see module docstring for the formula)."""
    arch = setup.arch
    tokens = setup.sequence_tokens * setup.micro_batch_size
    if arch.modality != "llm":
        return NON_LLM_ACTIVATION_FRACTION * arch.params.total * 2 * setup.micro_batch_size
    per_layer_token = 16 * arch.hidden_size + (8 if arch.gated_ffn else 4) * arch.ffn_width_per_token
    loss_peak = tokens * arch.vocab_size * (FUSED_LOSS_PEAK_BYTES_PER_LOGIT if setup.fused_cross_entropy
                                            else LOSS_PEAK_BYTES_PER_LOGIT)
    held_logits = 0.0 if setup.fused_cross_entropy else tokens * arch.vocab_size * HELD_LOGIT_BYTES
    # without flash attention: scores and softmax, bf16, heads × s² per sequence and layer
    scores = 0.0 if setup.flash_attention else \
        2 * 2 * arch.attention_heads * setup.sequence_tokens ** 2 * setup.micro_batch_size
    if not setup.gradient_checkpointing:
        stored = arch.layers * (tokens * per_layer_token + scores)
        return stored + max(loss_peak, held_logits)
    checkpoints = arch.layers * tokens * CHECKPOINT_BYTES_PER_HIDDEN * arch.hidden_size
    return checkpoints + max(loss_peak, held_logits + tokens * per_layer_token + scores)


@dataclass(frozen=True)
class ModelStates:
    """Weights, gradients, optimizer states and master weights of the whole model (unsharded bytes)."""

    weights_bytes: float
    gradients_bytes: float
    optimizer_bytes: float
    master_weights_bytes: float
    trainable_params: int
    layer_bytes: float  # one decoder layer in bf16, what ZeRO-3/FSDP all-gathers at a time

    @property
    def total_bytes(self) -> float:
        return self.weights_bytes + self.gradients_bytes + self.optimizer_bytes + self.master_weights_bytes


def _states(frozen_bytes: float, trainable: int, per_param: dict[str, int], layer_bytes: float) -> ModelStates:
    return ModelStates(
        weights_bytes=frozen_bytes + trainable * per_param["weights"],
        gradients_bytes=trainable * per_param["gradients"],
        optimizer_bytes=trainable * per_param["optimizer"],
        master_weights_bytes=trainable * per_param["master_weights"],
        trainable_params=trainable,
        layer_bytes=layer_bytes,
    )


def _full_bytes_per_param(setup: TrainingSetup) -> dict[str, float]:
    optimizer = OPTIMIZER_STATE_BYTES[setup.optimizer]
    if setup.precision == "bf16":  # moments kept in bf16 where they are 32-bit otherwise
        optimizer = optimizer / 2 if setup.optimizer in ("adamw", "adafactor") else optimizer
        return {"weights": 2, "gradients": 2, "master_weights": 0, "optimizer": optimizer}
    if setup.precision == "fp32":
        return {"weights": 4, "gradients": 4, "master_weights": 0, "optimizer": optimizer}
    return {**FULL_BYTES_PER_PARAM, "optimizer": optimizer}


def model_states(setup: TrainingSetup) -> ModelStates:
    """Model states for the setup's method and options (bytes per parameter in the module docstring)."""
    params = setup.arch.params
    layer_bytes = 2 * (params.total - params.embedding - params.lm_head) / max(setup.arch.layers, 1)
    if setup.method == "full":
        return _states(0, params.total, _full_bytes_per_param(setup), layer_bytes)
    adapters = lora_adapter_params(setup)
    base = setup.frozen_base_precision
    if base == "nf4":
        nf4 = precision_named("nf4")
        frozen = params.linear * nf4.bytes_per_weight + (params.total - params.linear) * 2
    else:
        quantized = params.linear if base == "int8" else params.total
        frozen = quantized * BASE_BYTES_PER_PARAM[base] + (params.total - quantized) * 2
    return _states(frozen, adapters, _adapter_bytes_per_param(setup), _frozen_layer_bytes(setup, frozen))


def _adapter_bytes_per_param(setup: TrainingSetup) -> dict[str, float]:
    """LoRA adapters: fp32 under mixed precision (QLoRA's reference script casts them to bf16), bf16 when pure bf16."""
    if setup.precision == "bf16":
        return _full_bytes_per_param(setup)
    per_param = LORA_ADAPTER_BYTES_PER_PARAM if setup.method == "lora" else QLORA_ADAPTER_BYTES_PER_PARAM
    if setup.precision == "fp32":
        per_param = {**per_param, "weights": 4, "gradients": 4}
    return {**per_param, "optimizer": OPTIMIZER_STATE_BYTES[setup.optimizer]}


def _frozen_layer_bytes(setup: TrainingSetup, frozen_bytes: float) -> float:
    """One decoder layer of the frozen base as stored (FSDP gathers it as stored: 4-bit packed for QLoRA)."""
    params = setup.arch.params
    outside = (params.embedding + params.lm_head) * 2
    return max(frozen_bytes - outside, 0.0) / max(setup.arch.layers, 1)


def _largest_matrix_bytes(arch: ModelArchitecture) -> float:
    widest = max(arch.intermediate_size, arch.moe_intermediate_size, arch.attention_heads * arch.head_dim)
    return 2 * arch.hidden_size * widest


@dataclass(frozen=True)
class TrainingMemory:
    """Memory of one GPU when the model states are sharded over `gpu_count` GPUs (bytes)."""

    gpu_count: int
    states: ModelStates
    activation_bytes: float
    gathered_layer_bytes: float
    non_torch_bytes: float
    nccl_bytes: float
    budget_bytes: float
    zero_stage: int = 3
    cpu_offload: bool = False

    @property
    def states_bytes_per_gpu(self) -> float:
        """Each model state divided over the GPUs its ZeRO stage shards it across; offloaded ones not on the GPU."""
        n = self.gpu_count
        states = self.states
        if self.cpu_offload:  # optimizer, master copy and gradients in host memory; at stage 3 the parameters too
            return 0.0 if self.zero_stage >= 3 else states.weights_bytes
        return (states.weights_bytes / (n if self.zero_stage >= 3 else 1)
                + states.gradients_bytes / (n if self.zero_stage >= 2 else 1)
                + (states.optimizer_bytes + states.master_weights_bytes) / (n if self.zero_stage >= 1 else 1))

    @property
    def allocated_bytes(self) -> float:
        """What PyTorch's allocator holds at the peak (`torch.cuda.max_memory_allocated`): no CUDA context or NCCL."""
        return self.states_bytes_per_gpu + self.activation_bytes + self.gathered_layer_bytes

    @property
    def overhead_bytes(self) -> float:
        return self.activation_bytes + self.gathered_layer_bytes + self.non_torch_bytes + self.nccl_bytes

    @property
    def required_bytes(self) -> float:
        return self.states_bytes_per_gpu + self.overhead_bytes

    @property
    def fits(self) -> bool:
        return self.required_bytes <= self.budget_bytes


def training_memory(setup: TrainingSetup, gpu: GpuSpec | None, gpu_count: int = 1) -> TrainingMemory:
    """Per-GPU training memory with ZeRO-3/FSDP over `gpu_count` GPUs (no sharding at 1)."""
    states = model_states(setup)
    # ZeRO-3/FSDP: the layer computed and the one prefetched; with offloaded parameters, even on one GPU
    sharded = (gpu_count > 1 and setup.zero_stage >= 3) or (setup.cpu_offload and setup.zero_stage >= 3)
    gathered = 2 * states.layer_bytes if sharded else 0.0
    if setup.method == "qlora":  # bitsandbytes dequantizes one weight matrix to bf16 per matmul
        gathered += _largest_matrix_bytes(setup.arch)
    budget = gpu.usable_memory_gib * GIB * TRAINING_MEMORY_UTILIZATION if gpu else 0.0
    return TrainingMemory(
        gpu_count=gpu_count,
        states=states,
        activation_bytes=activation_bytes(setup),
        gathered_layer_bytes=gathered,
        non_torch_bytes=non_torch_bytes(gpu),
        nccl_bytes=nccl_bytes(min(gpu_count, 8)),
        budget_bytes=budget,
        zero_stage=setup.zero_stage,
        cpu_offload=setup.cpu_offload,
    )


def training_gpu_counts(max_gpus: int, node_gpus: int = 8) -> list[int]:
    """Data-parallel sizes tried: 1 to a node's GPUs, then whole nodes (1–8, 16, 24 … for 8-GPU nodes)."""
    node = max(1, node_gpus)
    return [n for n in range(1, min(max_gpus, node) + 1)] + list(range(2 * node, max_gpus + 1, node))


def _first_fitting_count(setup: TrainingSetup, gpu: GpuSpec, max_gpus: int) -> tuple[TrainingMemory | None, list[str]]:
    rejected = []
    for count in training_gpu_counts(max_gpus, gpu.node_gpus):
        memory = training_memory(setup, gpu, count)
        if memory.fits:
            return memory, rejected
        needed, budget = to_gib(memory.required_bytes), to_gib(memory.budget_bytes)
        rejected.append(f"{count} GPU(s): needs {needed:.1f} GiB per GPU, budget {budget:.1f}")
    return None, rejected


_METHOD_LABELS = {"full": "full fine-tuning", "lora": "LoRA (frozen bf16 base)", "qlora": "QLoRA (4-bit NF4 base)"}


def _cheaper_steps(setup: TrainingSetup) -> list[TrainingSetup]:
    """Cumulative ways to save memory, least intrusive first: each step keeps the previous ones."""
    steps, current = [], setup
    if not current.gradient_checkpointing:
        current = replace(current, gradient_checkpointing=True)
        steps.append(current)
    for method in ("lora", "qlora"):
        if ("full", "lora", "qlora").index(current.method) < ("full", "lora", "qlora").index(method):
            current = replace(current, method=method)
            steps.append(current)
    if current.sequence_tokens > 512:
        current = replace(current, sequence_tokens=current.sequence_tokens // 2)
        steps.append(current)
    return steps


def _describe_change(original: TrainingSetup, variant: TrainingSetup) -> str:
    parts = []
    if variant.method != original.method:
        parts.append(_METHOD_LABELS[variant.method])
    if variant.gradient_checkpointing and not original.gradient_checkpointing:
        parts.append("gradient checkpointing")
    if variant.sequence_tokens != original.sequence_tokens:
        parts.append(f"{variant.sequence_tokens:,}-token sequences")
    return " + ".join(parts)


def training_suggestions(setup: TrainingSetup, gpu: GpuSpec, max_gpus: int) -> tuple[str, ...]:
    """Cheaper ways to train that fit: checkpointing, then LoRA, QLoRA, shorter sequences (cumulative)."""
    texts = []
    for variant in _cheaper_steps(setup):
        memory, _ = _first_fitting_count(variant, gpu, max_gpus)
        if memory:
            texts.append(f"{_describe_change(setup, variant)}: fits on {memory.gpu_count} × {gpu.key}")
    return tuple(texts)


def fit_training(setup: TrainingSetup, gpu: GpuSpec, *, gpu_count: int | None = None, max_gpus: int = 64) -> GpuFit:
    """Smallest data-parallel GPU count (ZeRO-3/FSDP) that fits, or the verdict at `gpu_count`."""
    if gpu_count is not None:
        memory, rejected = training_memory(setup, gpu, gpu_count), []
    else:
        memory, rejected = _first_fitting_count(setup, gpu, max_gpus)
    fits = memory is not None and memory.fits
    memory = memory or training_memory(setup, gpu, training_gpu_counts(max_gpus, gpu.node_gpus)[-1])
    needed = f"{to_gib(memory.required_bytes):.1f} of {to_gib(memory.budget_bytes):.1f} GiB per GPU"
    sharding = (("ZeRO-3/FSDP" if setup.zero_stage >= 3 else f"ZeRO-{setup.zero_stage}" if setup.zero_stage else
                 "data parallel, no sharding") if memory.gpu_count > 1 else "no sharding")
    reason = f"{'fits' if fits else 'does not fit'} on {memory.gpu_count} × {gpu.key} ({sharding}): {needed}"
    return GpuFit(
        gpu_key=gpu.key, fits=fits, gpu_count=memory.gpu_count, tensor_parallel=1, pipeline_parallel=1,
        reason=reason, required_gib_per_gpu=to_gib(memory.required_bytes), budget_gib_per_gpu=to_gib(memory.budget_bytes),
        rejected=tuple(rejected), suggestions=() if fits else training_suggestions(setup, gpu, max_gpus),
    )
