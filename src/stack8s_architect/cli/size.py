"""`architect size`: memory and GPUs for a model, from its config or the catalog."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from stack8s_architect.core.errors import ArchitectError
from stack8s_architect.cli.common import _database, _fail, _num, _print_json, _request, console


def size_command(
    model: Annotated[str, typer.Option(help="A model name or Hub id (Qwen3-32B, meta-llama/Llama-3.1-8B-Instruct: from "
                                            "the catalog), a config.json path, or a parameter count such as 70B.")],
    mode: Annotated[str, typer.Option(help="inference, training, lora or qlora.")] = "inference",
    precision: Annotated[str | None, typer.Option(help="bf16, fp8, int8, int4, awq, gptq, q4_k_m … (default: the model's).")] = None,
    kv_dtype: Annotated[str | None, typer.Option("--kv-dtype", help="KV cache dtype: auto, bf16, fp8.")] = None,
    context: Annotated[int | None, typer.Option(help="Context length in tokens (default 4096).")] = None,
    concurrency: Annotated[int, typer.Option(help="Concurrent sequences (training: micro-batch per GPU).")] = 1,
    gpu: Annotated[str | None, typer.Option(help="The accelerator to answer for: H100, L4 …")] = None,
    gpu_count: Annotated[int | None, typer.Option("--gpu-count", help="Pin the GPU count instead of searching.")] = None,
    gpus_per_node: Annotated[int | None, typer.Option("--gpus-per-node", help="GPUs one node holds (default 8): TP "
                                                      "inside a node, pipeline stages across nodes.")] = None,
    gpus: Annotated[list[str] | None, typer.Option("--compare", help="Accelerators to report counts for (repeatable).")] = None,
    rps: Annotated[float | None, typer.Option("--rps", help="Target requests per second (replicas).")] = None,
    users: Annotated[int | None, typer.Option("--users", help="Concurrent users: KV cache for each, replicas.")] = None,
    tokens_per_user: Annotated[int | None, typer.Option("--tokens-per-user", help="KV each user keeps (default: "
                                                        "--context when given, else 2,048).")] = None,
    user_speed: Annotated[float | None, typer.Option("--user-tokens-per-second", help="Decode speed each user must "
                                                     "see (default 10).")] = None,
    training_tokens: Annotated[float | None, typer.Option("--training-tokens", help="Tokens to train on (6·N·D).")] = None,
    active: Annotated[float | None, typer.Option("--active-params", help="MoE active parameters, billions.")] = None,
    usd_per_hour: Annotated[float | None, typer.Option("--usd-per-hour", help="Price of one instance, for cost.")] = None,
    gpus_per_instance: Annotated[int, typer.Option("--gpus-per-instance", help="GPUs on that instance.")] = 1,
    optimizer: Annotated[str, typer.Option(help="Training: adamw, adamw_8bit, paged_adamw_8bit, adafactor, sgd.")] = "adamw",
    training_precision: Annotated[str, typer.Option("--training-precision", help="Training: mixed (fp32 master "
                                                    "copy), bf16 (pure), fp32.")] = "mixed",
    zero_stage: Annotated[int, typer.Option("--zero-stage", help="Training over several GPUs: ZeRO stage 0-3 "
                                            "(3 = FSDP).")] = 3,
    cpu_offload: Annotated[bool, typer.Option("--cpu-offload", help="Training: optimizer states in host memory.")] = False,
    base_precision: Annotated[str | None, typer.Option("--base-precision", help="LoRA's frozen base: bf16, fp32, "
                                                       "int8, nf4.")] = None,
    no_checkpointing: Annotated[bool, typer.Option("--no-checkpointing", help="Training without activation "
                                                   "checkpointing.")] = False,
    no_flash_attention: Annotated[bool, typer.Option("--no-flash-attention", help="Training without flash "
                                                     "attention.")] = False,
    fused_cross_entropy: Annotated[bool, typer.Option("--fused-cross-entropy", help="Training with a fused loss "
                                                      "(Liger, Cut Cross Entropy).")] = False,
    vllm_version: Annotated[str, typer.Option("--vllm", help="Serving: whose start-up accounting (0.11, 0.19).")] = "0.11",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Memory, GPU count and layout per accelerator, throughput and training time for a model. A model name needs
    the catalog (`architect data sync`); a config.json or a parameter count does not."""
    from stack8s_architect.planning.sizing_tool import SizeToolRequest, is_parameter_count, run_size, size_named

    config, quant = _read_config(model)
    request = _request(
        SizeToolRequest, model=None if config else model, config=config, hf_quant_config=quant,
        usd_per_hour=usd_per_hour, gpus_per_instance=gpus_per_instance,
        model_id=_model_id_for(Path(model)) if config else None, active_params_billions=active, mode=mode,
        precision=precision, kv_cache_dtype=kv_dtype, context_length=context, concurrency=concurrency, gpu=gpu,
        gpu_count=gpu_count, gpus_per_node=gpus_per_node, gpus=gpus or [], requests_per_second=rps, concurrent_users=users,
        tokens_per_user=tokens_per_user, user_tokens_per_second=user_speed, training_tokens=training_tokens,
        optimizer=optimizer, training_precision=training_precision, zero_stage=zero_stage, cpu_offload=cpu_offload,
        base_precision=base_precision, gradient_checkpointing=not no_checkpointing,
        flash_attention=not no_flash_attention, fused_cross_entropy=fused_cross_entropy, vllm_version=vllm_version,
    )
    if config is None and not is_parameter_count(model):
        with _database() as (_, database), database.session() as session:
            result, response = size_named(session, request)
    else:
        try:
            result, response = run_size(request)
        except ArchitectError as exc:
            _fail(exc.message, 2)
            raise
    if as_json:
        _print_json(response)
        return
    _print_sizing(result, response.details, response.sizing["confidence"])


def _model_id_for(path: Path) -> str:
    """`org--name_config.json` (aiconfigurator's naming) → org/name; `…/name/config.json` → name."""
    if path.is_dir() or path.name == "config.json":
        return (path if path.is_dir() else path.parent).name
    return path.name.removesuffix(".json").removesuffix("_config").replace("--", "/")


def _read_config(model: str) -> tuple[dict | None, dict | None]:
    """config.json (a file or a folder holding one) and its hf_quant_config.json sibling, if any."""
    path = Path(model)
    if path.is_dir():
        path = path / "config.json"
    if not path.is_file():
        if model.endswith(".json") or model.startswith((".", "~")) or path.parent.is_dir() and path.parent != Path("."):
            if not re.fullmatch(r"[\w.-]+/[\w.-]+", model):  # org/name is a Hub id, not a path
                _fail(f"--model {model}: no such file (give a config.json path, a model name or a parameter count "
                      "such as 70B)", 2)
        return None, None
    quant = path.with_name(
        "hf_quant_config.json" if path.name == "config.json" else path.name.replace("_config.json", "_hf_quant_config.json")
    )
    return _load_json(path), (_load_json(quant) if quant.is_file() and quant != path else None)


def _load_json(path: Path) -> dict:
    try:
        value = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        _fail(f"{path}: cannot read JSON ({exc})", 2)
        raise
    if not isinstance(value, dict):
        _fail(f"{path}: expected a JSON object", 2)
    return value


def _print_sizing(result: Any, details: dict[str, Any], confidence: str) -> None:
    if details.get("model"):
        model = details["model"]
        also = f" (also matched: {', '.join(model['also_matched'])})" if model["ambiguous"] else ""
        named = model["id"] if model["query"] == model["id"] else f"'{model['query']}' is {model['id']}"
        console.print(f"{named}{also} — {model['basis'].removeprefix(model['id'] + ': ')}", highlight=False)
    breakdown = Table("", "value", title=f"{result.model_id or 'model'} — {result.mode}, {result.precision}, "
                      f"{details['context_length_tokens']:,}-token context, KV for {details['concurrency']} "
                      f"sequence(s) ({confidence})")
    for label, value in (
        ("parameters", f"{result.params_billions:.2f} B ({result.active_params_billions:.2f} B active)"),
        ("weights", f"{result.weights_gib:.2f} GiB"),
        ("KV cache", f"{result.kv_cache_gib:.2f} GiB ({result.kv_cache_bytes_per_token / 1024:,.1f} KiB/token)"),
        ("overhead", f"{result.overhead_gib:.2f} GiB"),
        ("required", f"{result.required_gpu_memory_gib:.2f} GiB"),
        ("decode tokens/s", _num(result.tokens_per_second and round(result.tokens_per_second, 1))),
        ("training hours", _num(result.training_hours and round(result.training_hours, 2))),
    ):
        breakdown.add_row(label, value)
    console.print(breakdown)
    fits = Table("gpu", "fits", "count", "TP", "PP", "replicas", "GiB/gpu needed", "budget", "max seqs", "max context",
                 "tok/s", "why")
    chosen = [details["fit"]] if details.get("fit") else []
    for number, fit in enumerate(chosen + details["gpu_fits"]):
        label = f"{fit['gpu']} (--gpu)" if chosen and number == 0 else fit["gpu"]
        fits.add_row(
            label, "yes" if fit["fits"] else "no", _num(fit["gpu_count"]), _num(fit["tensor_parallel"]),
            _num(fit["pipeline_parallel"]), _num(fit["replicas"]), f"{fit['required_gib_per_gpu']:.1f}", f"{fit['budget_gib_per_gpu']:.1f}", _num(fit["max_concurrent_sequences"]),
            _num(fit["max_context_tokens"]), _num(fit["tokens_per_second"], 1), fit["reason"],
        )
    console.print(fits)
    for fit in chosen:
        for reason in fit["rejected"]:
            console.print(f"- rejected: {reason}", highlight=False)
    if details.get("cost"):
        cost = details["cost"]
        console.print(f"- cost: {cost['instances']} instance(s), ${cost['usd_per_hour']:,.2f}/h, "
                      f"${cost['monthly_cost_usd']:,.0f}/month" +
                      (f", training run ${cost['training_run_usd']:,.0f}" if "training_run_usd" in cost else ""))
    for note in [*details.get("assumptions", []), *result.notes]:
        console.print(f"- {note}", highlight=False)
