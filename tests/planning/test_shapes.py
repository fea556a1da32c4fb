"""Workload shapes: RAG serves a context that holds its retrieved chunks and sizes every user's KV for it; a finite
job is costed and ranked per run, on one node when it fits one, on the GPUs the user asked for."""

from __future__ import annotations

from dataclasses import replace

import pytest

from stack8s_architect.catalog.compute.schemas import ComputeOffer
from stack8s_architect.planning.compute_step import Candidate, finite_order, renders, rented_gpus, run_cost, run_hours
from stack8s_architect.planning.planner import PlannerContext, build_plan, with_defaults
from stack8s_architect.planning.shapes import (RAG_PROMPT_TOKENS, autoscaling_range, batch_fits, rag_context, rag_index,
                                               transcription_fits,
                                              generation_fits, rag_ingestion, stream_fits, streams_per_gpu)
from stack8s_architect.rendering.manifests import _batch_objects
from stack8s_architect.rendering.workload import read_workload
from stack8s_architect.planning.spec import WorkloadSpec
from stack8s_architect.sizing.fit import GpuFit


RAG = WorkloadSpec(task="inference", domain="llm", params_billions=8, concurrent_users=10, components=["vector-db"])


def test_the_rag_prompt_budget_by_hand() -> None:
    # 512 system + 8 chunks × 512 + 1,024 history + 512 answer = 6,144 tokens → an 8,192-token context
    assert RAG_PROMPT_TOKENS == 512 + 8 * 512 + 1024 + 512 == 6144
    context, said = rag_context(RAG)
    assert context == 8192 and "6,144 tokens" in said


@pytest.mark.parametrize("spec", [
    RAG.model_copy(update={"context_length": 32768}),  # a context the user states wins
    RAG.model_copy(update={"components": ["MLflow"]}),  # no retrieval, no RAG prompt
    RAG.model_copy(update={"task": "fine_tuning"}),  # not served
])
def test_only_rag_serving_without_a_stated_context_gets_one(spec: WorkloadSpec) -> None:
    assert rag_context(spec) == (None, None)
    assert with_defaults(spec)[0].context_length == spec.context_length



def test_a_rag_plan_serves_and_sizes_the_rag_context(context: PlannerContext) -> None:
    rag = build_plan(context, RAG).plan
    chat = build_plan(context, RAG.model_copy(update={"components": None})).plan
    assert rag.sizing.context_length_tokens == 8192 and any("RAG prompt" in a for a in rag.assumptions)
    # the KV cache grows with the tokens each user keeps: 8,192 for RAG against the 2,048 of a chat user
    assert rag.sizing.kv_cache_gib == pytest.approx(chat.sizing.kv_cache_gib * 8192 / 2048, rel=0.01)
    assert rag.sizing.required_gpu_memory_gib > chat.sizing.required_gpu_memory_gib


def test_rag_ingestion_by_hand() -> None:
    # 40 GB of text / 4 B per token = 10B tokens; bge-m3: 2 × 0.568e9 × 1e10 = 1.136e19 FLOPs
    # on one A100 (312 TFLOPS bf16 × 0.4): 91,025.6 s = 25.285 h; start-up: 1.058 GiB at 100 MB/s + 300 s = 0.0865 h
    spec = RAG.model_copy(update={"dataset_size_gb": 40})
    hours, usd, said = rag_ingestion(spec, "A100-80GB", 2.9458)
    assert hours == pytest.approx(25.285 + 0.0865, abs=0.001) and usd == pytest.approx(hours * 2.9458)
    assert "1.14e+19 FLOPs" in said and "one-off" in said
    assert rag_ingestion(spec.model_copy(update={"dataset_size_gb": None}), "A100-80GB", 2.9458) is None
    assert rag_ingestion(spec.model_copy(update={"components": None}), "A100-80GB", 2.9458) is None  # not RAG


def test_a_rag_plan_prices_its_ingestion_once(context: PlannerContext) -> None:
    plan = build_plan(context, RAG.model_copy(update={"dataset_size_gb": 8})).plan
    top = plan.compute[0]
    hours, usd, _ = rag_ingestion(RAG.model_copy(update={"dataset_size_gb": 8}), top.accelerator,
                                  top.price_per_hour_usd)
    assert plan.cost.one_time_usd == pytest.approx(usd, abs=0.01)
    assert plan.cost.compute_monthly_usd == top.monthly_cost_usd  # the server still runs all month
    assert "ingestion" in plan.summary


# --- finite jobs: a run's hours and cost, one node when it fits one, the GPUs asked for rented ---------------------

def _offer(count: float, hourly: float, *, fabric: str | None = None) -> ComputeOffer:
    return ComputeOffer(provider="lambda", upstream_provider=None, instance_type=f"gpu_{count:g}x", region="us-east-1",
                        zones=[], country="US", city=None, geography="us", accelerator="H100",
                        accelerator_name="H100", accelerator_count=count, gpu_memory_gib=80.0,
                        total_gpu_memory_gib=80.0 * count, vcpus=None, memory_gib=None, price_per_hour_usd=hourly,
                        spot_price_per_hour_usd=None, spot=False, hourly_usd=hourly, monthly_cost_usd=hourly * 730,
                        source="test", catalog_date=None, interconnect=fabric or "not stated in the catalog",
                        fast_interconnect=fabric is not None)


def _fit(gpus: int, hours: float) -> GpuFit:
    return GpuFit(gpu_key="H100-SXM", fits=True, gpu_count=gpus, tensor_parallel=1, pipeline_parallel=1, reason="",
                  required_gib_per_gpu=60.0, budget_gib_per_gpu=72.0, training_hours=hours)


def test_a_runs_hours_and_cost_by_hand() -> None:
    # sized for 4 GPUs, 10 h; rented 2 × 8 = 16 GPUs (data parallel): 10 × 4 / 16 = 2.5 h × $24/h × 2 = $120
    candidate = Candidate(_offer(8, 24.0), instances=2, fit=_fit(4, 10.0))
    assert rented_gpus(candidate) == 16 and run_hours(candidate) == 2.5 and run_cost(candidate) == 120.0
    # on exactly the GPUs it needs, the sized hours: 10 h × $3/h × 4 = $120
    assert run_cost(Candidate(_offer(1, 3.0), instances=4, fit=_fit(4, 10.0))) == 120.0
    assert run_hours(Candidate(_offer(1, 3.0), instances=1, fit=None)) is None


def test_a_job_that_fits_one_node_is_not_spread_over_hosts(context: PlannerContext) -> None:
    job = WorkloadSpec(task="fine_tuning", fine_tuning_method="full", domain="llm", params_billions=13,
                       dataset_size_gb=1, gpu_names=["H100"])
    plan = build_plan(context, job).plan
    assert plan.compute and all(row.instances == 1 for row in plan.compute), [
        (r.instance_type, r.instances) for r in plan.compute]
    assert plan.cost.one_time_usd > 0 and plan.sizing.training_hours and "one run ≈" in plan.summary
    assert any("ranked by the cost of one run" in a for a in plan.assumptions)


def test_the_gpus_asked_for_are_the_gpus_rented(context: PlannerContext) -> None:
    job = WorkloadSpec(task="training", domain="llm", params_billions=7, dataset_size_gb=400, gpu_names=["H100"],
                       gpu_count=16)
    plan = build_plan(context, job).plan
    top = plan.compute[0]
    assert top.accelerator_count * top.instances == 16
    # the run's cost is its hours on those 16 GPUs at the row's price
    assert plan.cost.one_time_usd == pytest.approx(top.price_per_hour_usd * top.instances * plan.sizing.training_hours,
                                                   rel=0.01)


@pytest.mark.parametrize(("accelerator", "rendered"), [
    ("H100-SXM", True), ("L4", True), ("MI300X", True), ("TPU-v5e", False), ("Inferentia2", False),
    ("Trainium2", False), ("Gaudi2", False), ("Qualcomm-AI100", False),
])
def test_only_accelerators_the_deliverables_run_on_are_offered(accelerator: str, rendered: bool) -> None:
    # the manifests run vLLM (CUDA or ROCm image) and PyTorch: a TPU or Neuron offer would get pods that never start
    assert renders(accelerator) is rendered


# --- recurring embedding batch: a run's FLOPs by hand, the cost per run × runs a month, a CronJob ------------------

def test_an_embedding_runs_hours_by_hand() -> None:
    spec = WorkloadSpec(task="batch_inference", domain="embeddings", params_billions=0.568, dataset_size_gb=10.24,
                        runs_per_month=30)
    fits, rule = batch_fits(spec, (_fit(1, 0.0),), 0.568)
    # 10.24 GB / 4 B per token = 2.56B tokens; 2 × 0.568e9 × 2.56e9 = 2.908e18 FLOPs;
    # an H100-SXM at 989 TFLOPS bf16 × MFU 0.4 = 395.6e12 FLOP/s → 7,351 s = 2.042 h
    assert fits[0].training_hours == pytest.approx(2 * 0.568e9 * 2.56e9 / (989e12 * 0.4) / 3600, rel=1e-3)
    assert fits[0].training_hours == pytest.approx(2.042, abs=0.002) and "2.91e+18 FLOPs" in rule
    served = spec.model_copy(update={"task": "inference"})
    assert batch_fits(served, (_fit(1, 0.0),), 0.568) == ((_fit(1, 0.0),), None)  # a served model has no run


def test_a_nightly_embedding_plan_is_costed_per_run_and_scheduled(context: PlannerContext) -> None:
    spec = WorkloadSpec(task="batch_inference", domain="embeddings", dataset_size_gb=10.24, runs_per_month=30)
    outcome = build_plan(context, spec)
    plan = outcome.plan
    assert plan.sizing.params_billions == 0.568 and any("bge-m3" in a for a in plan.assumptions)
    top = plan.compute[0]
    run = top.price_per_hour_usd * top.instances * plan.sizing.training_hours
    assert plan.cost.one_time_usd == pytest.approx(run, abs=0.01)
    assert plan.cost.compute_monthly_usd == pytest.approx(run * 30, rel=0.01)  # 30 runs, the nodes off between
    assert "30 runs a month" in plan.summary
    workload = read_workload(plan, outcome.spec)
    objects = dict((name, obj) for name, obj, _ in _batch_objects(workload, plan))
    cron = objects["job"]
    assert cron["kind"] == "CronJob" and cron["spec"]["schedule"] == "0 2 * * *"
    assert cron["spec"]["concurrencyPolicy"] == "Forbid" and cron["spec"]["jobTemplate"]["spec"]["completions"] >= 1


def test_a_rag_corpus_sizes_its_vector_index_by_hand() -> None:
    # 5 million documents × 2,048 tokens = 10.24B tokens (40.96 GB of text at 4 B/token) → 20M chunks of 512 →
    # 20M × 1,024 dims × 4 B = 81.92 GB of raw vectors → × 1.5 with the HNSW graph = 122.88 GB
    rag = RAG.model_copy(update={"dataset_size_gb": 5e6 * 2048 * 4 / 1e9})
    vectors, index_gb, said = rag_index(rag)
    assert vectors == 20e6 and index_gb == pytest.approx(122.88) and "81.9 GB" in said
    assert rag_index(RAG) is None and rag_index(rag.model_copy(update={"components": None})) is None
    assert any(said == note for note in with_defaults(rag)[1])


def test_autoscaling_states_the_monthly_range_by_hand() -> None:
    serving = WorkloadSpec(task="inference", params_billions=8, concurrent_users=30)
    three = Candidate(_offer(1, 0.8048), instances=3, fit=replace(_fit(1, 0.0), replicas=3))
    said = autoscaling_range(serving, three)
    # one replica: 1 × $0.8048 × 730 h = $587.50; three: $1,762.51
    assert "from 1 to 3 replicas" in said and "$587.50/month at one replica" in said and "$1,762.51/month" in said
    assert autoscaling_range(serving, Candidate(_offer(1, 0.8048), instances=1, fit=_fit(1, 0.0))) is None
    fixed = autoscaling_range(serving, three, scales=False)  # no KEDA to scale with: the sized three, said so
    assert "3 replicas run fixed ($1,762.51/month)" in fixed and "$587.50/month" in fixed
    assert autoscaling_range(serving.model_copy(update={"task": "training"}), three) is None


def test_an_embedding_model_is_served_by_the_pooling_runner(context: PlannerContext) -> None:
    spec = WorkloadSpec(task="batch_inference", domain="embeddings", dataset_size_gb=10.24, runs_per_month=30)
    outcome = build_plan(context, spec)
    workload = read_workload(outcome.plan, outcome.spec)
    assert workload.pooling and workload.engine_args()[2:4] == ["--runner", "pooling"]
    chat = build_plan(context, WorkloadSpec(task="inference", domain="llm", params_billions=8))
    assert "--runner" not in read_workload(chat.plan, chat.spec).engine_args()


def test_live_streams_per_gpu_by_hand() -> None:
    # large-v3 (1.55B) at RTF 0.036 on an RTX 4090 (1,008 GB/s); an A10G has 600 GB/s:
    # RTF 0.036 × 1008 / 600 = 0.06048 → 16.5 streams, halved for headroom = 8.27
    assert streams_per_gpu("A10G", 1.55) == pytest.approx(1 / (0.036 * 1008 / 600) / 2)
    speech = WorkloadSpec(task="inference", domain="speech", params_billions=1.55, concurrent_users=20)
    fits, said = stream_fits(speech, (replace(_fit(1, 0.0), gpu_key="A10G", training_hours=None),))
    assert fits[0].replicas == 3 and fits[0].gpu_count == 1 and "20 live streams" in said  # ceil(20 / 8)
    assert stream_fits(speech.model_copy(update={"domain": "llm"}), fits) == (fits, None)


def test_a_deadline_puts_the_offers_that_finish_in_time_first() -> None:
    # slow and cheap: 10 h × $1/h = $10; fast and dear: 2 h × $10/h = $20
    slow = Candidate(_offer(1, 1.0), instances=1, fit=_fit(1, 10.0))
    fast = Candidate(_offer(1, 10.0), instances=1, fit=_fit(1, 2.0))
    assert finite_order([fast, slow]) == [slow, fast]  # no deadline: the cheaper run
    assert finite_order([slow, fast], deadline=5) == [fast, slow]  # within 5 h only the fast one finishes
    assert finite_order([slow, fast], deadline=24) == [slow, fast]  # both finish: the cheaper run


def test_a_generative_batch_run_by_hand() -> None:
    # 1.024 GB of tickets = 256M input tokens, 64M output tokens (a quarter); an 8B model (8.03B active, 14.96 GiB)
    # on one H100-SXM (989.5 TFLOPS bf16, 3,350 GB/s): prefill 2 × 8.03e9 × 2.56e8 / (989.5e12 × 0.5) = 8,310 s;
    # decode 256 sequences at once (KV for 300 fits, capped at vLLM's 256), 0.25 GiB of KV each:
    # (14.96 + 64) GiB = 84.78e9 B per step at 3,350e9 × 0.8 B/s = 0.03164 s → 8,092 tokens/s → 7,909 s
    job = WorkloadSpec(task="batch_inference", domain="llm", params_billions=8, dataset_size_gb=1.024)
    fit = replace(_fit(1, 0.0), max_concurrent_sequences=300, training_hours=None)
    (timed,), said = generation_fits(job, (fit,), 8.03, 14.96, 0.25)
    prefill = 2 * 8.03e9 * 2.56e8 / (989.5e12 * 0.5)
    decode = 6.4e7 / (256 * 3350e9 * 0.8 / ((14.96 + 256 * 0.25) * 2**30))
    assert timed.training_hours == pytest.approx((prefill + decode) / 3600) == pytest.approx(4.507, abs=0.01)
    assert "256 at once" in said and "a quarter of the input" in said
    # a serving request, an embedding batch or an unknown size: not this shape
    assert generation_fits(job.model_copy(update={"task": "inference"}), (fit,), 8.03, 14.96, 0.25) == ((fit,), None)
    assert generation_fits(job.model_copy(update={"dataset_size_gb": None}), (fit,), 8.03, 14.96, 0.25)[1] is None
    assert generation_fits(job.model_copy(update={"domain": "embeddings"}), (fit,), 8.03, 14.96, 0.25)[1] is None


def test_a_captioning_batch_reads_images_not_bytes_of_text() -> None:
    # 330 GB of photos = 3,000,000 images at 0.11 MB; each 1,024 prompt tokens and 128 output tokens: 3.072e9 in,
    # 3.84e8 out. An 8.29B VLM (15.44 GiB) on one H100-SXM: prefill 2 × 8.291e9 × 3.072e9 / (989.5e12 × 0.5) =
    # 102,961 s; decode 256 at once, 0.109 GiB of KV each: (15.44 + 27.90) GiB = 46.54e9 B per step at 2,680 GB/s =
    # 0.01737 s → 14,741 tokens/s → 3.84e8 tokens in 26,049 s — 35.84 h. Read as text (330e9 / 4 bytes = 82.5B
    # tokens) it was 27 times longer.
    job = WorkloadSpec(task="batch_inference", domain="multimodal", params_billions=8.291, dataset_size_gb=330)
    fit = replace(_fit(1, 0.0), max_concurrent_sequences=300, training_hours=None)
    (timed,), said = generation_fits(job, (fit,), 8.291, 15.44, 0.109)
    prefill = 2 * 8.291e9 * 3.072e9 / (989.5e12 * 0.5)
    decode = 3.84e8 / (256 * 3350e9 * 0.8 / ((15.44 + 256 * 0.109) * 2**30))
    assert timed.training_hours == pytest.approx((prefill + decode) / 3600) == pytest.approx(35.84, abs=0.01)
    assert said.startswith("one batch run: 3,000,000 images") and "a quarter of the input" not in said


def test_a_multi_node_run_prefers_a_fabric_between_its_instances() -> None:
    # 4 instances each: over Ethernet $8/h × 4 × 10 h = $320; over EFA $24/h × 4 × 10 h = $960
    ethernet = Candidate(_offer(8, 8.0), instances=4, fit=_fit(32, 10.0))
    efa = Candidate(_offer(8, 24.0, fabric="EFA 400 Gbps"), instances=4, fit=_fit(32, 10.0))
    assert (run_cost(ethernet), run_cost(efa)) == (320.0, 960.0)
    assert finite_order([ethernet, efa]) == [ethernet, efa]  # a one-node job needs no fabric: the cheaper run
    assert finite_order([ethernet, efa], prefer_fabric=True) == [efa, ethernet]
    one_node = Candidate(_offer(8, 30.0), instances=1, fit=_fit(8, 10.0))  # $300: one instance needs no fabric
    assert finite_order([efa, ethernet, one_node], prefer_fabric=True) == [one_node, efa, ethernet]


def test_a_run_counts_its_start_up_on_every_rented_gpu() -> None:
    # 16 GiB of weights at 100 MB/s = 171.8 s, + 300 s of framework start = 471.8 s = 0.131 h before the first step;
    # 2 instances × $24/h × (0.131 + 2.5 h of work) = $126.29
    start = (16 * 2**30 / 100e6 + 300) / 3600
    candidate = Candidate(_offer(8, 24.0), instances=2, fit=_fit(4, 10.0), start_up_hours=start)
    assert run_hours(candidate) == pytest.approx(2.5 + 0.1310, abs=1e-4)
    assert run_cost(candidate) == pytest.approx(126.29, abs=0.01)


def test_pretraining_from_scratch_pulls_no_weights(context: PlannerContext) -> None:
    scratch = WorkloadSpec(task="training", domain="llm", params_billions=1, dataset_size_gb=4)
    plan = build_plan(context, scratch).plan
    assert plan.models == [] and any("from scratch" in a for a in plan.assumptions)
    # no download before the first step: 5 min of start-up only
    assert any("≈ 5 min of start-up" in a for a in plan.assumptions)
    tuned = build_plan(context, scratch.model_copy(update={"task": "fine_tuning", "fine_tuning_method": "lora"})).plan
    assert not any("from scratch" in a for a in tuned.assumptions)
    assert any("weights' download" in a for a in tuned.assumptions)  # a base model is downloaded first


def test_a_deadline_no_offer_meets_is_said(context: PlannerContext) -> None:
    job = WorkloadSpec(task="fine_tuning", fine_tuning_method="full", domain="llm", params_billions=13,
                       dataset_size_gb=40)
    cheapest = build_plan(context, job).plan
    hurried = build_plan(context, job.model_copy(update={"deadline_hours": cheapest.sizing.training_hours / 2})).plan
    # the fixture's fastest offer is already the cheapest run (8 × H100): nothing finishes in half the time
    assert any("finishing within" in a for a in hurried.assumptions)
    assert any("no offer found finishes one run within" in a for a in hurried.assumptions)


def test_a_batch_whose_run_length_is_unknown_says_its_price_is_a_whole_month(context: PlannerContext) -> None:
    """A weekly speech batch has no throughput model yet: its compute is a month of the GPUs (an upper bound), and the
    plan says so first rather than letting the month read as what the weekly job costs."""
    spec = WorkloadSpec(task="batch_inference", domain="speech", model_query="whisper large-v3", dataset_size_gb=11.52,
                        runs_per_month=4.33)
    plan = build_plan(context, spec).plan
    top = plan.compute[0]
    assert plan.cost.compute_monthly_usd == pytest.approx(top.monthly_cost_usd, abs=0.01)  # 730 h of the top offer
    note = next(a for a in plan.assumptions if a.startswith("no run length known"))
    assert "speech batch" in note and "4.33 runs a month" in note and "upper bound" in note
    priced = build_plan(context, spec.model_copy(update={"domain": "embeddings", "model_query": None}))
    assert not any(a.startswith("no run length known") for a in priced.plan.assumptions)  # sized: priced per run


def test_a_transcription_run_by_hand() -> None:
    """2,000 hours of recordings (230.4 GB of 16 kHz mono) with a 1.55B Whisper: the measured 0.036 real-time factor on
    an RTX 4090 (1,008 GB/s) becomes 0.036 × 1,008 / 300 = 0.12096 on an L4 and 0.036 × 1,008 / 3,350 = 0.010832 on an
    H100 — 241.9 h and 21.7 h of one GPU."""
    spec = WorkloadSpec(task="batch_inference", domain="speech", dataset_size_gb=230.4, params_billions=1.55)
    fits = tuple(GpuFit(key, True, 1, 1, 1, "fits", 5.0, 20.0) for key in ("L4", "H100-SXM"))
    timed, rule = transcription_fits(spec, fits)
    assert [round(f.training_hours, 1) for f in timed] == [241.9, 21.7]
    assert rule.startswith("one transcription run: 2,000 hours of audio")
    live = spec.model_copy(update={"task": "inference", "concurrent_users": 20})
    assert transcription_fits(live, fits) == (fits, None)


@pytest.mark.parametrize(("model_id", "reasoning"), [
    ("Qwen/QwQ-32B", True), ("deepseek-ai/DeepSeek-R1-Distill-Qwen-32B", True), ("openai/gpt-oss-120b", True),
    ("Qwen/Qwen3-32B", True),  # thinks by default
    ("Qwen/Qwen3-235B-A22B-Thinking-2507", True), ("microsoft/Phi-4-reasoning", True),
    ("Qwen/Qwen3-30B-A3B-Instruct-2507", False),  # the 2507 instruct release does not think
    ("Qwen/Qwen3-Embedding-8B", False), ("Qwen/Qwen3-VL-8B-Instruct", False), ("meta-llama/Llama-3.1-8B-Instruct", False),
    ("deepseek-ai/DeepSeek-V3", False),
])
def test_a_served_reasoning_model_gets_room_to_think(model_id: str, reasoning: bool) -> None:
    """Served with no context stated: 32,768 tokens (capped at the model's own limit) and 8,192 tokens of KV per user in
    flight — a chat default of 4,096 would cut the thinking off."""
    from stack8s_architect.planning.shapes import reasoning_tokens_per_user

    spec = WorkloadSpec(task="inference", domain="llm", model_id=model_id, params_billions=32, concurrent_users=15)
    filled, said = with_defaults(spec, context_limit=40_960)
    assert filled.context_length == (32_768 if reasoning else None)
    assert reasoning_tokens_per_user(filled) == (8_192 if reasoning else None)
    assert any("reasoning model" in note for note in said) == reasoning
    if reasoning:
        assert with_defaults(spec, context_limit=16_384)[0].context_length == 16_384  # the model's own limit
        stated = spec.model_copy(update={"context_length": 4096})
        assert with_defaults(stated)[0].context_length == 4096 and reasoning_tokens_per_user(stated) is None
        training = spec.model_copy(update={"task": "fine_tuning"})
        assert with_defaults(training)[0].context_length is None
