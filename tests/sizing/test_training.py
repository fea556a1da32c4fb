"""Training memory: full, LoRA and QLoRA states, activations, ZeRO-3 sharding and the GPU count."""

from __future__ import annotations

import pytest

from stack8s_architect.sizing import (
    TrainingSetup,
    fit_training,
    lora_adapter_params,
    model_states,
    training_memory,
)
from stack8s_architect.sizing.training import activation_bytes, training_gpu_counts

from .known import A100, A6000, H100, L4, LLAMA_2_7B, LLAMA_3_1_8B, LLAMA_3_1_70B, MIXTRAL_8X7B, architecture


def test_peft_lora_count_for_llama_2_7b() -> None:
    # PEFT print_trainable_parameters() for Llama-2-7b, r=8 on q_proj/v_proj: "trainable params: 4,194,304".
    setup = TrainingSetup(architecture(LLAMA_2_7B), "lora", lora_rank=8, lora_targets=("q_proj", "v_proj"))
    assert lora_adapter_params(setup) == 4_194_304


def test_lora_on_all_linear_layers_of_a_moe_wraps_each_expert() -> None:
    arch = architecture(MIXTRAL_8X7B)
    setup = TrainingSetup(arch, "lora", lora_rank=16)
    attention = 16 * ((4096 + 4096) * 2 + (4096 + 1024) * 2)
    experts = 8 * 3 * 16 * (4096 + 14_336)
    assert lora_adapter_params(setup) == 32 * (attention + experts)


def test_full_fine_tuning_is_sixteen_bytes_per_parameter() -> None:
    arch = architecture(LLAMA_3_1_8B)
    states = model_states(TrainingSetup(arch, "full"))
    assert states.total_bytes == 16 * arch.total_params
    assert (states.weights_bytes, states.gradients_bytes) == (2 * arch.total_params, 2 * arch.total_params)
    assert states.master_weights_bytes == 4 * arch.total_params and states.optimizer_bytes == 8 * arch.total_params


def test_lora_freezes_a_bf16_base() -> None:
    arch = architecture(LLAMA_3_1_8B)
    setup = TrainingSetup(arch, "lora", lora_rank=16)
    states = model_states(setup)
    adapters = lora_adapter_params(setup)
    assert states.trainable_params == adapters
    assert states.weights_bytes == 2 * arch.total_params + 4 * adapters
    assert states.optimizer_bytes == 8 * adapters


def test_qlora_base_is_nf4_on_linear_layers() -> None:
    arch = architecture(LLAMA_3_1_8B)
    states = model_states(TrainingSetup(arch, "qlora", lora_rank=16))
    adapters = states.trainable_params
    frozen = arch.params.linear * 4.127 / 8 + (arch.total_params - arch.params.linear) * 2
    assert states.weights_bytes == pytest.approx(frozen + 2 * adapters)


def test_gradient_checkpointing_cuts_activations() -> None:
    arch = architecture(LLAMA_3_1_8B)
    with_checkpoints = activation_bytes(TrainingSetup(arch, sequence_tokens=4096))
    without = activation_bytes(TrainingSetup(arch, sequence_tokens=4096, gradient_checkpointing=False))
    loss_peak = 4096 * 128_256 * 16  # fp32 logits, log-softmax output, its gradient in and out
    assert without == 32 * 4096 * (16 * 4096 + 8 * 14_336) + loss_peak
    # checkpointed: the layer inputs, then the larger of the loss peak and (fp32 logits held + one layer recomputed)
    assert with_checkpoints == 32 * 4096 * 2 * 4096 + max(loss_peak, 4096 * (128_256 * 4 + 16 * 4096 + 8 * 14_336))
    assert with_checkpoints < without / 2


def test_a_small_vocabulary_peaks_in_the_recomputed_layer() -> None:
    """A 4k-vocabulary model with wide layers: the recomputed layer plus held logits beat the loss peak."""
    arch = architecture({**LLAMA_3_1_8B, "vocab_size": 4096, "intermediate_size": 65_536})
    checkpointed = activation_bytes(TrainingSetup(arch, sequence_tokens=1024))
    layer = 1024 * (16 * 4096 + 8 * 65_536)
    assert checkpointed == 32 * 1024 * 2 * 4096 + 1024 * 4096 * 4 + layer


def test_activations_scale_with_micro_batch() -> None:
    arch = architecture(LLAMA_3_1_8B)
    one = activation_bytes(TrainingSetup(arch, micro_batch_size=1))
    assert activation_bytes(TrainingSetup(arch, micro_batch_size=4)) == 4 * one


def test_zero3_shards_states_and_adds_gather_buffers() -> None:
    setup = TrainingSetup(architecture(LLAMA_3_1_8B), "full")
    single, eight = training_memory(setup, H100, 1), training_memory(setup, H100, 8)
    assert eight.states_bytes_per_gpu == single.states_bytes_per_gpu / 8
    assert single.gathered_layer_bytes == 0 < eight.gathered_layer_bytes
    assert eight.nccl_bytes > 0 == single.nccl_bytes


def test_full_fine_tune_of_8b_needs_several_80gb_gpus() -> None:
    # 16 × 8.03B = 128 GB of model states alone: more than one 80 GB card, fine on two with ZeRO-3.
    fit = fit_training(TrainingSetup(architecture(LLAMA_3_1_8B), "full", sequence_tokens=2048), H100)
    assert fit.fits and fit.gpu_count == 2
    assert "ZeRO-3/FSDP" in fit.reason and fit.rejected[0].startswith("1 GPU(s)")


def test_lora_of_8b_fits_on_one_a100() -> None:
    fit = fit_training(TrainingSetup(architecture(LLAMA_3_1_8B), "lora", sequence_tokens=2048), A100)
    assert fit.fits and fit.gpu_count == 1


def test_training_that_fits_nowhere_suggests_cheaper_methods() -> None:
    setup = TrainingSetup(architecture(LLAMA_3_1_70B), "full", sequence_tokens=4096, gradient_checkpointing=False)
    fit = fit_training(setup, L4, max_gpus=8)
    assert not fit.fits and fit.gpu_count == 8
    assert fit.suggestions[0] == "QLoRA (4-bit NF4 base) + gradient checkpointing: fits on 7 × l4"


def test_pinned_gpu_count_is_reported_as_is() -> None:
    fit = fit_training(TrainingSetup(architecture(LLAMA_3_1_8B), "full"), A6000, gpu_count=1)
    assert not fit.fits and fit.gpu_count == 1 and "does not fit" in fit.reason


def test_training_gpu_counts() -> None:
    assert training_gpu_counts(32) == [1, 2, 3, 4, 5, 6, 7, 8, 16, 24, 32]


def test_a_fused_loss_holds_six_bytes_per_logit_and_no_fp32_logits_through_the_backward() -> None:
    """Llama 3.1 8B at 8,192 tokens: the standard loss peaks at 16 B × 128,256 × 8,192 = 16.8 GB; Liger's or Cut
    Cross Entropy's at 6 B (6.3 GB), and no fp32 logits stay held while the layers are recomputed."""
    arch = architecture(LLAMA_3_1_8B)
    standard = activation_bytes(TrainingSetup(arch, sequence_tokens=8192))
    fused = activation_bytes(TrainingSetup(arch, sequence_tokens=8192, fused_cross_entropy=True))
    checkpoints = 32 * 8192 * 2 * 4096
    assert standard == checkpoints + 16 * 128_256 * 8192
    assert fused == checkpoints + max(6 * 128_256 * 8192, 8192 * (16 * 4096 + 8 * 14_336))
    assert standard - fused == 10 * 128_256 * 8192  # 10.5 GB less per GPU
