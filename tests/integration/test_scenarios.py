"""The scenario suite: multi-turn conversations through the chat API over the real catalogs.

Runs `tests/scenarios/conversations.yaml` and `../shared/scenarios/examples.yaml` (when present). The
final response is asserted on the JSON contract with the keys below; every plan of every turn is
re-checked: each compute row's price and GPU memory against the compute catalog, and its fit against
the plan's own sizing; its deliverables too: every Kubernetes manifest passes strict schema validation,
the helmfile names only charts and versions the chart catalog holds (from their own repositories), the
vLLM arguments and GPU requests are the sizing's and fit the GPUs the plan rents, the SkyPilot task is
the top compute row, and the Mermaid diagram parses.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from stack8s_architect.api.app import create_app
from stack8s_architect.catalog import ingest
from stack8s_architect.catalog.charts.service import ChartCatalog
from stack8s_architect.catalog.compute.providers import GPU_PRODUCTS, provider_deployment
from stack8s_architect.catalog.compute.schemas import ComputeSearchRequest
from stack8s_architect.catalog.compute.service import ComputeCatalog
from stack8s_architect.catalog.sources import SourceReader, sources_for
from stack8s_architect.core.database import Database
from stack8s_architect.core.embedded_postgres import EmbeddedPostgres
from stack8s_architect.core.settings import Settings

from ..conftest import create_database, drop_database, shared_data_dir, local_client
from stack8s_architect.rendering.validation import validate_manifest, validate_skypilot_task
from stack8s_architect.rendering.wiring import wiring_problems

from ..rendering.mermaid import check_flowchart

pytestmark = pytest.mark.integration
OWN = Path(__file__).resolve().parents[1] / "scenarios" / "conversations.yaml"


def _scenarios() -> list[Any]:
    found = [pytest.param(s, id=s["id"]) for s in yaml.safe_load(OWN.read_text())]
    shared = shared_data_dir()
    examples = shared.parent / "scenarios" / "examples.yaml" if shared else None
    if examples and examples.is_file():
        found += [pytest.param(s, id=f"shared-{s['id']}") for s in yaml.safe_load(examples.read_text())]
    return found


@pytest.fixture(scope="module")
def catalogs(shared_data: Path, postgres_server: EmbeddedPostgres, template_database: str,
             tmp_path_factory) -> Iterator[Database]:  # noqa: ANN001
    database = create_database(postgres_server, template_database)
    reader = SourceReader(shared_data, tmp_path_factory.mktemp("cache"))
    ingest.sync(database, reader, sources_for(("compute", "charts", "models")))
    yield database
    drop_database(postgres_server, database)


@pytest.fixture(scope="module")
def client(catalogs: Database) -> Iterator[TestClient]:
    with local_client(create_app(Settings.load(), database=catalogs, embed_in_background=False)) as test_client:
        yield test_client


def _converse(client: TestClient, turns: list[str]) -> list[dict[str, Any]]:
    replies = [client.post("/api/v1/chat/start", json={"message": turns[0]}).json()]
    for turn in turns[1:]:
        replies.append(client.post("/api/v1/chat/message", json={"conversation_id": replies[0]["conversation_id"],
                                                                  "message": turn}).json())
    for reply in replies:
        assert "error" not in reply, reply
    return replies


def _check_plan_numbers(catalog: ComputeCatalog, plan: dict[str, Any],
                        spec: dict[str, Any] | None = None) -> dict[tuple[str, str], Any]:
    """Each row: the catalog holds this offer at this price and memory; it fits the sizing."""
    offers = {}
    sizing = plan["sizing"]
    for row in plan["compute"]:
        request = ComputeSearchRequest(providers=[row["provider"]], accelerators=[row["accelerator"]],
                                       spot=row["spot"], group_by_instance_type=False, limit=500)
        match = [o for o in catalog.search(request).offers
                 if o.instance_type == row["instance_type"] and o.region == row["region"]]
        assert match, f"{row['provider']} {row['instance_type']} {row['region']} is not in the catalog"
        offer = match[0]
        assert offer.hourly_usd == row["price_per_hour_usd"] and offer.gpu_memory_gib == row["gpu_memory_gib"]
        assert offer.accelerator_count == row["accelerator_count"]
        assert row["monthly_cost_usd"] == round(row["price_per_hour_usd"] * 730 * row["instances"], 2)
        assert row["fits"] is True
        if sizing and sizing["required_gpu_memory_gib"]:
            assert row["total_gpu_memory_gib"] * row["instances"] >= sizing["required_gpu_memory_gib"]
        if row["run_cost_usd"] is not None:  # a finite job: one run = its instances × price × hours
            run = row["price_per_hour_usd"] * row["instances"] * row["run_hours"]
            assert abs(row["run_cost_usd"] - run) <= max(0.01, 0.005 * run), row
        if row["interconnect"] is not None:  # the fabric the catalog states for this offer, never another
            assert row["interconnect"] == offer.interconnect, row
        offers[(row["provider"], row["instance_type"])] = offer
    if plan["compute"]:
        cost, monthly = plan["cost"], plan["compute"][0]["monthly_cost_usd"]
        finite = (spec or {}).get("task") in {"training", "fine_tuning", "batch_inference"}
        if cost["one_time_usd"] and finite:  # a finite job: its runs a month (one unless a schedule says), ≤ the month
            runs = (spec or {}).get("runs_per_month") or 1
            assert abs(cost["compute_monthly_usd"] - min(cost["one_time_usd"] * runs, monthly)) <= 0.02 * runs
        else:
            assert cost["compute_monthly_usd"] == monthly
    check_flowchart(plan["diagram_mermaid"])
    return offers


_NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?")
_DERIVED_TEXT = {"summary", "steps", "tradeoffs", "assumptions", "diagram_mermaid", "manifests", "notes", "why"}


def _plan_values(node: Any, found: list[float]) -> list[float]:
    """Every number the plan's data holds: numeric fields, and numbers inside names (model ids, regions)."""
    if isinstance(node, dict):
        for name, value in node.items():
            if name not in _DERIVED_TEXT:
                _plan_values(value, found)
    elif isinstance(node, list):
        for value in node:
            _plan_values(value, found)
    elif isinstance(node, bool) or node is None:
        pass
    elif isinstance(node, (int, float)):
        found.append(float(node))
    elif isinstance(node, str):
        found += [float(n.replace(",", "")) for n in _NUMBER.findall(node)]
    return found


def _check_summary_numbers(plan: dict[str, Any], spec: dict[str, Any], earlier: list[dict[str, Any]] = ()) -> None:
    """The summary says no number the plan's data (or the request) does not hold, at the precision it shows; a new
    version's first line ("Changed from v1: … instead of $15,322.50") may quote the versions before it."""
    known = _plan_values({k: v for k, v in plan.items()}, []) + _plan_values(spec, [])
    for before in earlier:
        known += _plan_values({k: v for k, v in before.items() if k != "summary"}, [])
    for text in _NUMBER.findall(re.sub(r"\b\d+-bit\b", "", plan["summary"])):  # "4-bit" names a precision
        shown = float(text.replace(",", ""))
        decimals = len(text.split(".")[1]) if "." in text else 0
        assert any(round(value, decimals) == shown for value in known), (text, plan["summary"])


_GIB = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})*(?:\.\d+)?|\d+(?:\.\d+)?)\s*GiB\b")


def _check_step_numbers(plan: dict[str, Any], spec: dict[str, Any]) -> None:
    """The steps say no number the plan's data (or the request) does not hold — versions, counts, prices, sizes — or
    that its assumptions do not state with their formula (the RAG ingestion's hours)."""
    known = _plan_values({k: v for k, v in plan.items() if k not in {"steps", "summary"}}, []) + _plan_values(spec, [])
    known += [float(n.replace(",", "")) for a in plan["assumptions"] for n in _NUMBER.findall(a)]
    for step in plan["steps"]:
        for text in _NUMBER.findall(re.sub(r"\b\d+-bit\b|\bv?\d+(?:\.\d+){2,}\S*", "", step)):
            shown = float(text.replace(",", ""))
            decimals = len(text.split(".")[1]) if "." in text else 0
            assert any(round(value, decimals) == shown for value in known), (text, step)


def _check_memory_figures(reply: dict[str, Any]) -> None:
    """One number per fact: every GiB figure the plan states about itself (its summary, its steps, and the report's
    sizing line and tables) is a figure of the plan's data — the sizing, a model row, a compute row — at the
    precision shown. (Trade-offs and assumptions quote the alternatives' and the platform's own figures.)"""
    plan = reply["plan"]
    known = _plan_values({k: v for k, v in plan.items() if k not in {"summary", "steps", "tradeoffs", "assumptions",
                                                                    "manifests", "diagram_mermaid"}}, [])
    known += [row["gpu_memory_gib"] * row["accelerator_count"] * row["instances"] for row in plan["compute"]
              if row.get("gpu_memory_gib") is not None]  # "GPU memory" of an option: all its instances
    report = reply["content"].split("### Trade-offs")[0].split("### Assumptions")[0]
    for text in [report, plan["summary"], *plan["steps"]]:
        for figure in _GIB.findall(text):
            shown = float(figure.replace(",", ""))
            decimals = len(figure.split(".")[1]) if "." in figure else 0
            assert any(round(value, decimals) == shown for value in known if isinstance(value, (int, float))), (
                f"{figure} GiB is no figure of the plan", text[:300])


def _arg(args: list[str], flag: str) -> str | None:
    return args[args.index(flag) + 1] if flag in args else None


def _leaves(values: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    if isinstance(values, dict):
        return [leaf for key, value in values.items() for leaf in _leaves(value, (*prefix, key))]
    return [prefix]


def _declares(values: Any, path: tuple[str, ...]) -> bool:
    for key in path:
        if not isinstance(values, dict) or key not in values:
            return False
        values = values[key]
    return True


def _check_deliverables(charts: ChartCatalog, plan: dict[str, Any]) -> None:
    """The plan's manifests: valid, pinned to catalog charts, and carrying the plan's own numbers."""
    files = {m["path"]: m["content"] for m in plan["manifests"]}
    docs = []
    for path, text in files.items():
        if path.startswith("manifests/"):
            assert validate_manifest(path, text) == [], text
            docs += [doc for doc in yaml.safe_load_all(text) if doc]
    assert any(doc["kind"] == "Namespace" for doc in docs)
    if plan["kubernetes"]:
        helmfile = yaml.safe_load(files["helmfile.yaml"])
        urls = {repo["name"]: ("oci://" if repo.get("oci") else "") + repo["url"] for repo in helmfile["repositories"]}
        data = charts.data()
        for release in helmfile["releases"]:
            entry = data.by_id[release["chart"]]
            assert release["version"] in {v.version for v in entry.versions}, release
            assert urls[release["chart"].split("/")[0]].rstrip("/") == (entry.helm_repo or "").rstrip("/"), release
            values_file = shared_data_dir() / "k8s" / entry.repository.replace("/", "+") / (entry.path or "") / "values.yaml"
            for values in release.get("values", []):  # every key set is one the chart's own values.yaml declares
                declared = yaml.safe_load(values_file.read_text()) if values_file.is_file() else None
                for key in _leaves(values):
                    assert declared is None or _declares(declared, key), f"{release['chart']}: {'.'.join(key)}"
        installable = {c["chart"] for c in plan["kubernetes"] if c["repository"] and c["version"]}
        assert installable == {r["chart"] for r in helmfile["releases"]}
    assert wiring_problems(files) == []  # every name a manifest refers to exists
    fitting = [row for row in plan["compute"] if row["fits"]]
    if not fitting:
        assert "skypilot.yaml" not in files
        return
    top, sizing = fitting[0], plan["sizing"]
    rented = top["instances"] * top["accelerator_count"]
    place = provider_deployment(top["provider"])
    if not place.skypilot:  # SkyPilot would reject the cloud: no task, and the plan says how it runs instead
        assert "skypilot.yaml" not in files and top["deployment"] and top["instance_type"] in top["deployment"]
        return _check_pods(plan, docs, top, sizing, rented, place)
    assert validate_skypilot_task("skypilot.yaml", files["skypilot.yaml"]) == []  # SkyPilot's own schema
    task = yaml.safe_load(files["skypilot.yaml"])["resources"]
    assert (task["cloud"], task["region"], task["instance_type"], task["use_spot"]) == (
        top["provider"], top["region"], top["instance_type"], top["spot"])
    sky = yaml.safe_load(files["skypilot.yaml"])
    if "accelerators" in task:  # the task rents what the plan priced (one replica of a multi-node layout)
        service = sky.get("service") or {}
        copies = service.get("replicas") or (service.get("replica_policy") or {}).get("max_replicas") or 1
        sky_gpus = copies * sky.get("num_nodes", 1) * float(task["accelerators"].rsplit(":", 1)[1])
        assert sky_gpus <= rented
        if (top["pipeline_parallel"] or 1) == 1 and "vllm serve" in sky["run"]:
            assert sky_gpus == rented
    _check_pods(plan, docs, top, sizing, rented, place)


def _check_pods(plan: dict[str, Any], docs: list[dict[str, Any]], top: dict[str, Any], sizing: dict[str, Any] | None,
                rented: float, place: Any) -> None:
    """GPU pods land on nodes that exist where the plan runs, ask for what the plan rents, carry the sizing."""
    pods = [doc for doc in docs if doc["kind"] in {"Deployment", "StatefulSet", "Job"}]
    scaled = {doc["spec"]["scaleTargetRef"]["name"]: doc["spec"].get("maxReplicaCount") or doc["spec"].get("maxReplicas")
              for doc in docs if doc["kind"] in {"ScaledObject", "HorizontalPodAutoscaler"}}
    used = 0
    for doc in pods:
        pod = doc["spec"]["template"]["spec"]
        container = pod["containers"][0]
        gpus = sum(value for c in pod["containers"] + pod.get("initContainers", [])
                   for name, value in c.get("resources", {}).get("limits", {}).items() if name.endswith("/gpu"))
        if not gpus:  # a CPU server (RAG's query embeddings) goes wherever the scheduler puts it
            continue
        if place.instance_type_label:  # a managed node pool's nodes carry their instance type
            assert pod["nodeSelector"]["node.kubernetes.io/instance-type"] == top["instance_type"]
        else:  # elsewhere no node carries the catalog's instance type: the GPU operator's product label
            assert "node.kubernetes.io/instance-type" not in pod.get("nodeSelector", {})
            if top["accelerator"] in GPU_PRODUCTS:
                term = pod["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
                assert term["nodeSelectorTerms"][0]["matchExpressions"][0]["values"] == list(GPU_PRODUCTS[top["accelerator"]])
        assert gpus <= top["accelerator_count"]
        if doc["spec"].get("suspend"):  # a one-off Job (RAG ingestion) started by hand: priced as a one-off cost
            assert plan["cost"]["one_time_usd"] > 0 or any("ingestion" in a and "not priced" in a
                                                           for a in plan["assumptions"]), doc["metadata"]["name"]
            continue
        copies = (doc["spec"].get("replicas") or scaled.get(doc["metadata"]["name"]) or doc["spec"].get("parallelism")
                  or 1)
        used += gpus * copies
        if container["name"] == "vllm":
            args = container.get("args") or container["command"][-1].split()
            assert int(_arg(args, "--tensor-parallel-size")) == top["tensor_parallel"] == gpus
            assert int(_arg(args, "--max-model-len")) == sizing["context_length_tokens"]
            assert float(_arg(args, "--gpu-memory-utilization")) == sizing["gpu_memory_utilization"]
            if doc["kind"] == "Deployment":  # the sized replicas, fixed or as the autoscaler's ceiling
                assert copies == top["replicas"]
    if sizing and sizing["mode"] == "inference" and any(c["role"] == "inference-server" for c in plan["kubernetes"]):
        assert pods, "an inference plan with compute renders its server"
    assert used <= rented, f"the manifests ask for {used} GPUs; the plan rents {rented}"


def _pod_spec(doc: dict[str, Any]) -> dict[str, Any]:
    spec = doc["spec"]["jobTemplate"]["spec"] if doc["kind"] == "CronJob" else doc["spec"]
    return spec["template"]["spec"]


def _subset(actual: dict[str, Any], expected: dict[str, Any]) -> None:
    for name, value in expected.items():
        assert actual.get(name) == value, f"spec.{name}: {actual.get(name)!r} != {value!r}"


def _check(expect: dict[str, Any], reply: dict[str, Any], replies: list[dict[str, Any]],
           offers: dict[tuple[str, str], Any]) -> None:
    plan = reply["plan"]
    for key, value in expect.items():
        if key == "kind":
            assert reply["kind"] == value, reply["content"]
        elif key == "kind_any_of":
            assert reply["kind"] in value
        elif key == "spec":
            _subset(reply["spec"], value)
        elif key == "spec_lacks":
            assert all(reply["spec"].get(name) is None for name in value)
        elif key == "questions_at_least":
            assert len(reply["questions"]) >= value
        elif key == "if_plan":
            if reply["kind"] == "plan":
                _check(value, reply, replies, offers)
        elif key == "content_mentions_any":
            assert any(word.lower() in reply["content"].lower() for word in value), reply["content"]
        elif key == "warnings_mention_any":
            assert any(w.lower() in warning.lower() for warning in reply["warnings"] for w in value), reply["warnings"]
        elif key == "content_mentions_all":
            assert all(word.lower() in reply["content"].lower() for word in value), reply["content"]
        elif key == "plan_version_at_least":
            assert plan["version"] >= value
        elif key == "plan_version":  # a question, a greeting or an aside leaves the plan as it was
            latest = [r["plan"] for r in replies if r["plan"]][-1]
            assert latest["version"] == value and (plan is None or plan["version"] == value), reply["kind"]
        elif key == "every_compute_price_matches_catalog":
            assert plan["compute"] and len(offers) == len(plan["compute"])  # checked in _check_plan_numbers
        else:
            assert plan is not None, f"{key} needs a plan; got {reply['kind']}: {reply['content']}"
            _check_plan(key, value, plan, replies, offers)


def _check_plan(key: str, value: Any, plan: dict[str, Any], replies: list[dict[str, Any]],
                offers: dict[tuple[str, str], Any]) -> None:
    compute, cost = plan["compute"], plan["cost"]
    if key == "compute_top":
        assert compute, plan["summary"]
        top = compute[0]
        for name, wanted in value.items():
            if name == "accelerator_count_at_least":
                assert top["accelerator_count"] >= wanted
            elif name == "gpu_memory_gib_at_least":
                assert top["gpu_memory_gib"] >= wanted
            elif name == "monthly_cost_usd_at_most":
                assert top["monthly_cost_usd"] <= wanted
            elif name == "total_gpu_memory_gib_at_least_sizing":
                assert top["total_gpu_memory_gib"] * top["instances"] >= plan["sizing"]["required_gpu_memory_gib"]
            else:
                assert top[name] == wanted, f"compute_top.{name}: {top[name]!r}"
    elif key == "compute_all":
        assert compute, plan["summary"]
        for row in compute:
            offer = offers[(row["provider"], row["instance_type"])]
            for name, wanted in value.items():
                if name == "geography":
                    assert offer.geography == wanted, f"{row['region']} is {offer.geography}"
                elif name == "accelerator_contains":
                    assert wanted in row["accelerator"]
                elif name == "accelerator_not_in":
                    assert row["accelerator"] not in wanted, row
                elif name == "country_not_in":  # a place ruled out: no offer located there
                    assert offer.country not in wanted, f"{row['region']} is in {offer.country}"
                elif name == "provider_not_in":
                    assert row["provider"] not in wanted, row
                else:
                    assert row[name] == wanted
    elif key == "sizing":
        sizing = plan["sizing"]
        assert sizing, plan["summary"]
        for name, wanted in value.items():
            if name.endswith("_at_least"):
                assert sizing[name.removesuffix("_at_least")] >= wanted, (name, sizing)
            elif name.endswith("_at_most"):
                assert sizing[name.removesuffix("_at_most")] <= wanted, (name, sizing)
            else:
                assert sizing[name] == wanted, (name, sizing[name])
    elif key == "kubernetes_roles_include":
        assert set(value) <= {c["role"] for c in plan["kubernetes"]}
    elif key == "kubernetes_charts_include":
        assert set(value) <= {c["chart"] for c in plan["kubernetes"]}
    elif key == "cost":
        _subset(cost, value)
    elif key == "cost_at_most":
        assert all(cost[name] <= limit for name, limit in value.items()), cost
    elif key in {"cost_has", "cost_positive"}:
        assert cost[value] > 0, cost
    elif key == "models_any_tag":
        text = " ".join(f"{m['id']} {m['task']} {m['why']}" for m in plan["models"]).lower()
        assert any(tag in text for tag in value), text
    elif key == "models_tasks_include":
        assert set(value) <= {m["task"] for m in plan["models"]}
    elif key == "models_top":
        assert plan["models"] and all(plan["models"][0][name] == wanted for name, wanted in value.items())
    elif key == "models_ids_include":
        assert set(value) <= {m["id"] for m in plan["models"]}
    elif key == "models_all":
        assert plan["models"] and all(m[name] in (wanted if isinstance(wanted, list) else [wanted])
                                      for m in plan["models"] for name, wanted in value.items())
    elif key == "assumptions_mention_any":
        assert any(w.lower() in a.lower() for a in plan["assumptions"] for w in value), plan["assumptions"]
    elif key == "tradeoffs_or_assumptions_mention":
        text = " ".join(plan["tradeoffs"] + plan["assumptions"])
        assert all(word in text for word in value), plan["assumptions"]
    elif key == "tradeoffs_mention_any":
        assert any(w.lower() in t.lower() for t in plan["tradeoffs"] for w in value), plan["tradeoffs"]
    elif key == "sizing_smaller_than_first_turn":
        first = replies[0]["plan"]["sizing"]
        assert plan["sizing"]["weights_gib"] < first["weights_gib"]
    elif key == "cost_below_first_turn":
        assert cost["total_monthly_usd"] < replies[0]["plan"]["cost"]["total_monthly_usd"]
    elif key == "manifest_kinds_include":
        kinds = {doc["kind"] for m in plan["manifests"] if m["path"].startswith("manifests/")
                 for doc in yaml.safe_load_all(m["content"]) if doc}
        assert set(value) <= kinds, kinds
    elif key == "fabric_first":  # training across instances: offers with an RDMA fabric (as the catalog says) first
        fast = [offers[(row["provider"], row["instance_type"])].fast_interconnect or row["instances"] == 1
                for row in compute]
        assert fast[0] is value and fast == sorted(fast, reverse=True), [row["interconnect"] for row in compute]
    elif key == "runs_cheapest_first":  # a finite job: ranked by the cost of one run
        costs = [row["run_cost_usd"] for row in compute]
        assert None not in costs and costs == sorted(costs), costs
    elif key == "manifest_images_include":  # the servers that run the plan, by image (tag aside)
        images = {container["image"].rsplit(":", 1)[0] for m in plan["manifests"] if m["path"].startswith("manifests/")
                  for doc in yaml.safe_load_all(m["content"]) if doc and doc["kind"] in {"Deployment", "Job", "CronJob"}
                  for container in _pod_spec(doc).get("containers", []) + _pod_spec(doc).get("initContainers", [])}
        assert set(value) <= images, images
    elif key == "vllm_serves":  # the checkpoint the Deployment serves and how it is quantised
        deployment = next(doc for m in plan["manifests"] if m["path"].startswith("manifests/")
                          for doc in yaml.safe_load_all(m["content"]) if doc and doc["kind"] == "Deployment")
        args = deployment["spec"]["template"]["spec"]["containers"][0]["args"]
        assert args[0] == value["model"] and _arg(args, "--quantization") == value.get("quantization"), args
    elif key == "summary_starts_with":
        assert plan["summary"].startswith(value), plan["summary"]
    elif key == "cost_not_above_first_turn":
        assert cost["total_monthly_usd"] <= replies[0]["plan"]["cost"]["total_monthly_usd"]
    else:
        raise AssertionError(f"unknown expectation {key!r}")


@pytest.mark.parametrize("scenario", _scenarios())
def test_scenario(client: TestClient, catalogs: Database, scenario: dict[str, Any]) -> None:
    replies = _converse(client, scenario["turns"])
    with catalogs.session() as session:
        catalog = ComputeCatalog(session)
        checked = [_check_plan_numbers(catalog, r["plan"], r["spec"]) if r["plan"] else {} for r in replies]
        for index, reply in enumerate(replies):
            if reply["plan"]:
                _check_summary_numbers(reply["plan"], reply["spec"], [r["plan"] for r in replies[:index] if r["plan"]])
                _check_memory_figures(reply)
                _check_step_numbers(reply["plan"], reply["spec"])
        for reply in replies:
            if reply["plan"]:
                _check_deliverables(ChartCatalog(session), reply["plan"])
    for index, reply in enumerate(replies):
        if index > 0 and "expect_each_turn_after_first" in scenario:
            _check(scenario["expect_each_turn_after_first"], reply, replies, checked[index])
        if "expect_each_turn" in scenario:
            _check(scenario["expect_each_turn"], reply, replies, checked[index])
        if f"expect_turn_{index + 1}" in scenario:
            _check(scenario[f"expect_turn_{index + 1}"], reply, replies, checked[index])
    _check(scenario["expect"], replies[-1], replies, checked[-1])


def test_the_suite_is_large_enough() -> None:
    assert len(yaml.safe_load(OWN.read_text())) >= 25


def test_the_memory_check_finds_a_second_figure_for_one_fact() -> None:
    """The check can fail: a step quoting the weights at another figure than the sizing's (131.42 vs 130.385)."""
    plan = {"summary": "Serving it (needs 133.9 GiB).", "steps": ["Pull the weights (130.385 GiB at bf16)."],
            "tradeoffs": [], "assumptions": [], "manifests": [], "diagram_mermaid": "", "compute": [],
            "models": [{"memory_gib": 130.385}], "sizing": {"weights_gib": 130.385, "required_gpu_memory_gib": 133.9}}
    _check_memory_figures({"content": "## Plan", "plan": plan})
    plan["steps"] = ["Pull the weights (131.42 GiB at bf16)."]
    with pytest.raises(AssertionError, match="131.42 GiB is no figure"):
        _check_memory_figures({"content": "## Plan", "plan": plan})


def test_the_cli_size_and_the_chat_plan_state_one_memory_figure(client: TestClient, catalogs: Database,
                                                                  monkeypatch: pytest.MonkeyPatch,
                                                                  tmp_path: Path) -> None:
    """One sizing path: `architect size` for the model and users a chat names gives the chat plan's figures."""
    from typer.testing import CliRunner

    from stack8s_architect.cli import app as cli_app

    plan = _converse(client, ["Serve Llama 3.1 8B Instruct for 20 concurrent users on AWS"])[-1]["plan"]
    monkeypatch.setenv("DATABASE_URL", catalogs.url)
    monkeypatch.setenv("ARCHITECT_HOME", str(tmp_path))
    monkeypatch.setenv("ARCHITECT_LOG_LEVEL", "WARNING")
    # the same statements: the model and 20 users, no context said (each user's KV then defaults alike)
    sized = CliRunner().invoke(cli_app, ["size", "--model", "Llama 3.1 8B Instruct", "--users", "20", "--json"])
    assert sized.exit_code == 0, sized.output
    cli = json.loads(sized.stdout)["sizing"]
    for name in ("weights_gib", "kv_cache_gib", "overhead_gib", "required_gpu_memory_gib"):
        assert round(cli[name], 3) == round(plan["sizing"][name], 3), (name, cli[name], plan["sizing"][name])
