"""Plans over the fixture catalogs with a local cluster: its free GPUs first when they fit (cost 0, node names),
why not when they do not, and cloud-only planning with a warning when the cluster cannot be read."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from stack8s_architect.catalog.cluster.service import ClusterService
from stack8s_architect.core.database import Database
from stack8s_architect.core.settings import ClusterSettings
from stack8s_architect.planning.planner import PlannerContext, build_plan
from stack8s_architect.planning.spec import WorkloadSpec
from stack8s_architect.rendering.bundle import bundle_files, finish_plan

from ..catalog.cluster.fake_kube import FORBIDDEN_TOKEN, mixed_cluster, serving
from .fixtures import sync_fixture_catalogs

A100_NODE = {"name": "a100-1", "taints": ["nvidia.com/gpu=present:NoSchedule"], "cpu": 96, "memory_gib": 1000,
             "gpus": [{"product": "NVIDIA-A100-SXM4-80GB", "count": 8, "in_use": 4}]}


@pytest.fixture
def synced(database: Database, tmp_path: Path) -> Iterator[Database]:
    sync_fixture_catalogs(database, tmp_path)
    yield database


def _cluster(tmp_path: Path, nodes: list[dict], name: str = "lab") -> ClusterService:
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump({"cluster": name, "nodes": nodes}))
    return ClusterService(ClusterSettings(cluster="file", cluster_inventory=path))


def _plan(database: Database, cluster: ClusterService | None, spec: WorkloadSpec):  # noqa: ANN202
    with database.session() as session:
        return build_plan(PlannerContext.for_session(session, cluster=cluster), spec)


SERVE_8B = WorkloadSpec(task="inference", domain="llm", params_billions=8, use_local_cluster=True)


def test_free_local_gpus_that_fit_come_first_at_no_compute_cost(synced: Database, tmp_path: Path) -> None:
    outcome = _plan(synced, _cluster(tmp_path, [A100_NODE]), SERVE_8B)
    plan = outcome.plan
    local = plan.compute[0]
    assert (local.local, local.provider, local.region, local.accelerator) == (True, "local", "lab", "A100-80GB")
    assert (local.price_per_hour_usd, local.monthly_cost_usd, local.instances) == (0.0, 0.0, 1)
    assert [(n.name, n.gpus) for n in local.nodes] == [("a100-1", 1)] and local.gpu_resource == "nvidia.com/gpu"
    assert local.accelerator_name == "NVIDIA-A100-SXM4-80GB" and local.source == "file:lab" and local.fits
    assert "free on the local cluster lab: a100-1 (1); no compute cost" in local.why
    cloud = plan.compute[1:]
    assert cloud and all(not row.local and row.price_per_hour_usd > 0 for row in cloud)
    assert [row.rank for row in plan.compute] == list(range(1, len(plan.compute) + 1))
    assert plan.cost.compute_monthly_usd == 0.0 and plan.cost.total_monthly_usd == 0.0
    assert "on the local cluster lab: 1 free × A100-80GB (1 on a100-1), no compute cost" in plan.summary
    assert plan.summary.endswith(f"In the cloud instead: {cloud[0].instances} × {cloud[0].instance_type} "
                                 f"({cloud[0].provider} {cloud[0].region}) for ${cloud[0].monthly_cost_usd:,.2f}/month "
                                 "of compute.")
    assert any(step.startswith("Use the local cluster lab") and "a100-1 (1)" in step for step in plan.steps)
    assert not any(step.startswith("Provision") for step in plan.steps)
    assert any("cheapest cloud option" in note and f"${cloud[0].monthly_cost_usd:,.2f}/month" in note
               for note in plan.tradeoffs)
    assert outcome.warnings == []


def test_the_smallest_device_that_fits_is_preferred_and_mig_slices_hold_small_models(synced: Database,
                                                                                     tmp_path: Path) -> None:
    mig = {"name": "mig-1", "gpus": [{"resource": "nvidia.com/mig-1g.10gb", "accelerator": "A100-80GB",
                                      "memory_gib": 9.5, "count": 7}]}
    cluster = _cluster(tmp_path, [A100_NODE, mig])
    small = _plan(synced, cluster, WorkloadSpec(task="inference", domain="llm", params_billions=1, use_local_cluster=True,
                                                concurrent_users=30)).plan
    top = small.compute[0]
    assert top.local and top.gpu_resource == "nvidia.com/mig-1g.10gb" and top.accelerator == "A100-80GB MIG 1g.10gb"
    assert top.tensor_parallel == 1 and sum(n.gpus for n in top.nodes) == top.replicas  # one slice per replica
    assert top.gpu_memory_gib == 9.5 and top.total_gpu_memory_gib == 9.5 * top.accelerator_count
    assert small.compute[1].local and small.compute[1].accelerator == "A100-80GB"  # whole GPUs next
    # 8B needs 16 GiB: a 9.5 GiB slice cannot hold it and slices cannot be combined
    larger = _plan(synced, cluster, SERVE_8B).plan
    assert larger.compute[0].accelerator == "A100-80GB" and all(r.accelerator != "A100-80GB MIG 1g.10gb"
                                                                for r in larger.compute)
    manifests = {m.path: m.content for m in finish_plan(small, WorkloadSpec(task="inference", domain="llm",
                                                                           params_billions=1)).manifests}
    deployment = next(yaml.safe_load(text) for path, text in manifests.items() if "deployment" in path.lower()
                      or "vllm" in path.lower())
    pod = deployment["spec"]["template"]["spec"]
    assert pod["containers"][0]["resources"]["limits"].get("nvidia.com/mig-1g.10gb") == 1
    assert pod["tolerations"] == [{"key": "nvidia.com/gpu", "operator": "Exists"}]
    pinned = pod["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
    assert pinned == [{"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["mig-1"]}]}]


def test_what_does_not_fit_is_said_per_product(synced: Database, tmp_path: Path) -> None:
    l4 = {"name": "l4-1", "gpus": [{"accelerator": "L4", "count": 4}]}
    spread = [{"name": f"h100-{i}", "gpus": [{"accelerator": "H100", "count": 8, "in_use": 6}]} for i in (1, 2)]
    # 70B at bf16 (≈ 132 GiB) needs two H100s on one node (TP=2): each H100 node has 2 free
    plan = _plan(synced, _cluster(tmp_path, [l4, *spread]),
                 WorkloadSpec(task="inference", domain="llm", params_billions=70, use_local_cluster=True)).plan
    top = plan.compute[0]
    assert top.local and top.accelerator == "H100-SXM" and [(n.name, n.gpus) for n in top.nodes] == [("h100-1", 2)]
    assert top.tensor_parallel == 2 and not any(row.local and row.accelerator == "L4" for row in plan.compute)
    h100 = WorkloadSpec(task="inference", domain="llm", params_billions=70, use_local_cluster=True,
                        gpu_names=["H100"], gpu_count=4)
    plan = _plan(synced, _cluster(tmp_path, spread, "pair"), h100).plan
    said = next(a for a in plan.assumptions if "do not hold this workload" in a)
    assert "the local cluster pair's free GPUs do not hold this workload" in said and said.endswith("Cloud offers only")
    assert plan.compute and not any(row.local for row in plan.compute)
    assert "H100-SXM: not enough free GPUs on one node: needs 4 on one node (TP=4), the most free on one usable node " \
           "is 2" in said
    big = _plan(synced, _cluster(tmp_path, [A100_NODE, l4], "one"),
                WorkloadSpec(task="inference", domain="llm", params_billions=405, use_local_cluster=True)).plan
    said = next(a for a in big.assumptions if "do not hold this workload" in a)
    assert "A100-80GB: not enough free GPUs on one node: needs 8 on one node (TP=8), the most free on one usable " \
           "node is 4" in said
    assert "; L4: " in said


def test_tainted_cordoned_and_not_ready_nodes_are_not_used_and_the_plan_says_so(synced: Database,
                                                                                tmp_path: Path) -> None:
    nodes = [{"name": "a", "ready": False, "gpus": [{"accelerator": "A100 80GB", "count": 8}]},
             {"name": "b", "taints": ["dedicated=batch:NoSchedule"], "gpus": [{"accelerator": "A100 80GB", "count": 8}]},
             {"name": "c", "schedulable": False, "gpus": [{"accelerator": "A100 80GB", "count": 8}]}]
    plan = _plan(synced, _cluster(tmp_path, nodes), SERVE_8B).plan
    assert not any(row.local for row in plan.compute)
    said = next(a for a in plan.assumptions if "do not hold this workload" in a)
    assert ("A100-80GB: 24 free, but only on nodes it cannot use (a not ready; b tainted dedicated=batch:NoSchedule; "
            "c cordoned (unschedulable))") in said


def test_training_takes_the_same_devices_on_each_node(synced: Database, tmp_path: Path) -> None:
    nodes = [{"name": f"n{i}", "gpus": [{"accelerator": "A100 80GB", "count": 8, "in_use": used}]}
             for i, used in ((1, 0), (2, 2), (3, 2))]
    spec = WorkloadSpec(task="fine_tuning", domain="llm", params_billions=13, fine_tuning_method="full",
                        dataset_size_gb=1, use_local_cluster=True, gpu_names=["A100 80GB"], gpu_count=12)
    plan = _plan(synced, _cluster(tmp_path, nodes), spec).plan
    top = plan.compute[0]
    # 12 GPUs as 6 + 6 (one rank set per node), not 8 + 4 as packing the emptiest node first would
    assert top.local and [(n.name, n.gpus) for n in top.nodes] == [("n2", 6), ("n3", 6)]
    assert (top.accelerator_count, top.instances) == (6, 2)
    assert plan.cost.compute_monthly_usd == 0.0 and plan.cost.one_time_usd == 0.0
    assert any(a.startswith("compute on the local cluster's free GPUs: no cost (one training run ≈") for a in plan.assumptions)


def test_an_unreachable_or_forbidden_cluster_is_a_warning_and_cloud_only(synced: Database, tmp_path: Path) -> None:
    nodes, pods = mixed_cluster()
    with serving(nodes, pods) as fake:
        config = fake.kubeconfig(tmp_path / "k", token=FORBIDDEN_TOKEN)
        forbidden = ClusterService(ClusterSettings(cluster="kubeconfig", cluster_kubeconfig=config))
        outcome = _plan(synced, forbidden, SERVE_8B)
    assert outcome.plan.compute and not any(row.local for row in outcome.plan.compute)
    assert len(outcome.warnings) == 1 and outcome.warnings[0].startswith("local cluster not used: the credentials may "
                                                                         "not list nodes and pods")
    assert "the local cluster could not be read: cloud offers only" in outcome.plan.assumptions
    assert outcome.plan.cost.compute_monthly_usd == outcome.plan.compute[0].monthly_cost_usd > 0
    # the server is gone now: unreachable, the same way
    gone = ClusterService(ClusterSettings(cluster="kubeconfig", cluster_kubeconfig=fake.kubeconfig(tmp_path / "g")))
    outcome = _plan(synced, gone, SERVE_8B)
    assert "cannot reach the Kubernetes API server" in outcome.warnings[0] and outcome.plan.compute


def test_the_cluster_is_read_only_when_the_spec_allows_it(synced: Database, tmp_path: Path) -> None:
    nodes, pods = mixed_cluster()
    with serving(nodes, pods) as fake:
        cluster = ClusterService(ClusterSettings(cluster="kubeconfig", cluster_kubeconfig=fake.kubeconfig(tmp_path / "k")))
        unsaid = _plan(synced, cluster, WorkloadSpec(task="inference", domain="llm", params_billions=8))
        assert unsaid.plan.compute[0].local and fake.requests  # configured and nothing said: local first
        fake.requests.clear()
        for spec in (WorkloadSpec(task="inference", domain="llm", params_billions=8, use_local_cluster=False),
                     WorkloadSpec(task="inference", domain="llm", params_billions=8, providers=["aws"])):
            plan = _plan(synced, ClusterService(cluster.settings), spec).plan
            assert not any(row.local for row in plan.compute)
        assert fake.requests == []
    none = _plan(synced, None, SERVE_8B).plan
    assert "the local cluster was asked for, but none is configured" in " ".join(none.assumptions)


def test_manifests_for_local_gpus_select_the_product_and_validate(synced: Database, tmp_path: Path) -> None:
    plan = _plan(synced, _cluster(tmp_path, [A100_NODE]), SERVE_8B).plan
    finished = finish_plan(plan, WorkloadSpec(task="inference", domain="llm", params_billions=8))
    bundle = bundle_files(finished)
    assert bundle.problems == []
    assert "skypilot.yaml" not in bundle.files
    pods = [yaml.safe_load(text)["spec"]["template"]["spec"] for path, text in bundle.files.items()
            if path.startswith("manifests/") and "kind: Deployment" in text and "nvidia.com/gpu:" in text]
    assert pods and "nodeSelector" not in pods[0]
    terms = pods[0]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
    assert terms == [{"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["a100-1"]}]}]
    assert pods[0]["tolerations"] == [{"key": "nvidia.com/gpu", "operator": "Exists"}]
    # the pod's CPU and memory are its devices' share of the node (96 vCPUs and 1000 GiB over 8 GPUs, 85 %)
    assert pods[0]["containers"][0]["resources"]["requests"] == {"cpu": "10", "memory": "106Gi", "ephemeral-storage": "17Gi"}  # + the model cache
    assert pods[0]["containers"][0]["resources"]["limits"].get("nvidia.com/gpu") == 1


def test_other_taints_the_pods_tolerate_and_time_sliced_gpus(synced: Database, tmp_path: Path) -> None:
    nodes = [{"name": "a", "taints": ["nvidia.com/gpu=present:NoExecute", "team=ml:NoSchedule"],
              "gpus": [{"accelerator": "L40S", "count": 2}]},
             {"name": "ts", "gpus": [{"resource": "nvidia.com/gpu.shared", "product": "NVIDIA-L40S", "count": 16}]}]
    path = tmp_path / "lab.yaml"
    path.write_text(yaml.safe_dump({"cluster": "lab", "nodes": nodes}))
    cluster = ClusterService(ClusterSettings(cluster="file", cluster_inventory=path,
                                             cluster_tolerated_taints="nvidia.com/gpu,team"))
    spec = WorkloadSpec(task="inference", domain="llm", params_billions=8, use_local_cluster=True, concurrent_users=200)
    plan = _plan(synced, cluster, spec).plan
    local = [row for row in plan.compute if row.local]
    # the time-sliced replicas on `ts` are never counted as whole L40S GPUs
    assert len(local) == 1 and local[0].gpu_resource == "nvidia.com/gpu" and [n.name for n in local[0].nodes] == ["a"]
    finished = finish_plan(plan, spec)
    pod = next(yaml.safe_load(m.content)["spec"]["template"]["spec"] for m in finished.manifests
               if "kind: Deployment" in m.content and "nvidia.com/gpu:" in m.content)
    assert pod["tolerations"] == [{"key": "nvidia.com/gpu", "operator": "Exists"}, {"key": "team", "operator": "Exists"}]


def test_without_a_sizing_a_gpu_count_takes_even_shares_or_says_why(synced: Database, tmp_path: Path) -> None:
    nodes = [{"name": "a", "gpus": [{"accelerator": "A100 80GB", "count": 8, "in_use": 5}]},
             {"name": "b", "gpus": [{"accelerator": "A100 80GB", "count": 8, "in_use": 7}]}]
    spec = WorkloadSpec(task="training", domain="vision", dataset_size_gb=100, gpu_count=4, use_local_cluster=True)
    plan = _plan(synced, _cluster(tmp_path, nodes), spec).plan
    assert not any(row.local for row in plan.compute)  # 3 + 1 free: no even split of 4
    assert "A100-80GB: not enough free GPUs: 4 asked, 4 free on usable nodes" in " ".join(plan.assumptions)
    two = _plan(synced, _cluster(tmp_path, nodes, "two"), spec.model_copy(update={"gpu_count": 2})).plan
    assert [(n.name, n.gpus) for n in two.compute[0].nodes] == [("a", 2)]


def test_a_newer_reading_of_the_same_free_gpus_makes_the_same_plan(synced: Database, tmp_path: Path) -> None:
    """A plan is made again on every change a user asks for: a reading taken later the same day, with the same
    free devices, must not turn into a new plan version."""
    path = tmp_path / "lab.yaml"
    path.write_text(yaml.safe_dump({"cluster": "lab", "nodes": [A100_NODE]}))
    plans = []
    for hour in (10, 11):
        stamp = datetime(2026, 1, 5, hour, tzinfo=UTC).timestamp()
        os.utime(path, (stamp, stamp))
        cluster = ClusterService(ClusterSettings(cluster="file", cluster_inventory=path))
        plans.append(_plan(synced, cluster, SERVE_8B).plan)
    assert plans[0].compute[0].local and plans[0].compute[0].catalog_date == "2026-01-05"
    assert plans[0].model_dump() == plans[1].model_dump()


def test_queued_pods_are_mentioned_only_when_they_want_the_same_devices(synced: Database, tmp_path: Path) -> None:
    nodes, pods = mixed_cluster()  # one unscheduled pod waits for 2 × nvidia.com/gpu
    with serving(nodes, pods) as fake:
        cluster = ClusterService(ClusterSettings(cluster="kubeconfig", cluster_kubeconfig=fake.kubeconfig(tmp_path / "k")))
        small = _plan(synced, cluster, SERVE_8B).plan
        large = _plan(synced, cluster, WorkloadSpec(task="inference", domain="llm", params_billions=405,
                                                    use_local_cluster=True)).plan
    assert small.compute[0].gpu_resource == "nvidia.com/gpu"
    assert ("the local cluster lab has pods waiting for 2 × nvidia.com/gpu; they may take the free devices on l4-2 "
            "first") in small.assumptions
    assert large.compute[0].gpu_resource == "amd.com/gpu" and [n.name for n in large.compute[0].nodes] == ["mi300-1"]
    assert not any("pods waiting" in a for a in large.assumptions)
