"""The local cluster: reading its inventory, and what a cluster adds to a plan.

1. Inventory read with the official `kubernetes` client from a loopback server speaking the API subset
   (the tests' fake: list nodes, list pods in all namespaces, paged by 500): synthetic clusters of N GPU
   nodes (A100 / H100 / L4 / MIG / MI300X in turn, every fifth node tainted or not ready) with 8 pods each,
   half of them finished. Median of --runs reads per size.
2. A plan with the local cluster (a static inventory, the reading cached as in the service) against the
   same plan without one, interleaved in one run, over the catalogs in ARCHITECT_HOME (`make run` or
   `architect data sync` first). Reported as medians and their ratio.

    .venv/bin/python benchmarks/cluster.py [--sizes 50 500 2000] [--runs 5] [--rounds 30]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import yaml
from _common import ROOT, machine, median

sys.path.insert(0, str(ROOT))  # the tests' loopback API server and fixture builders

from stack8s_architect.catalog.cluster.service import ClusterService  # noqa: E402
from stack8s_architect.core.database import Database  # noqa: E402
from stack8s_architect.core.logging import configure_logging  # noqa: E402
from stack8s_architect.core.settings import ClusterSettings, Settings  # noqa: E402
from stack8s_architect.planning.planner import PlannerContext, build_plan  # noqa: E402
from stack8s_architect.planning.spec import WorkloadSpec  # noqa: E402
from tests.catalog.cluster.fake_kube import gpu_node, mig_node, pod, serving  # noqa: E402

PRODUCTS = [("NVIDIA-A100-SXM4-80GB", 81920), ("NVIDIA-H100-80GB-HBM3", 81559), ("NVIDIA-L4", 23034)]


def synthetic(nodes: int) -> tuple[list[dict], list[dict]]:
    built, pods = [], []
    for i in range(nodes):
        name = f"node-{i:05d}"
        kind = i % 5
        if kind == 3:
            built.append(mig_node(name, "NVIDIA-A100-SXM4-80GB", 81920, "1g.10gb", 7, 9728))
            resource = "nvidia.com/mig-1g.10gb"
        elif kind == 4:
            built.append(gpu_node(name, count=8, resource="amd.com/gpu", ready=i % 10 != 4, labels={
                "amd.com/gpu.product-name": "AMD_Instinct_MI300X_OAM", "amd.com/gpu.vram": "192G"}))
            resource = "amd.com/gpu"
        else:
            product, mib = PRODUCTS[kind]
            taints = ({"key": "dedicated", "value": "x", "effect": "NoSchedule"},) if i % 7 == 0 else ()
            built.append(gpu_node(name, product=product, count=8, memory_mib=mib, taints=taints))
            resource = "nvidia.com/gpu"
        for j in range(8):
            pods.append(pod(f"ns-{j % 3}", f"{name}-p{j}", name, "Succeeded" if j % 2 else "Running", {resource: 1}))
    return built, pods


def inventory_reads(sizes: list[int], runs: int) -> None:
    print("| nodes | pods served (unfinished) | read, median of %d (s) | nodes/s |" % runs)
    print("|---:|---:|---:|---:|")
    for size in sizes:
        nodes, pods = synthetic(size)
        with serving(nodes, pods) as fake, tempfile.TemporaryDirectory() as folder:
            settings = ClusterSettings(cluster="kubeconfig", cluster_kubeconfig=fake.kubeconfig(Path(folder) / "k"),
                                       cluster_cache_s=0, cluster_timeout_s=60)
            service = ClusterService(settings)
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                status = service.status(refresh=True)
                times.append(time.perf_counter() - started)
                assert status.reachable and status.inventory is not None, status.error
            held = len(status.inventory.jobs)
        seconds = median(times)
        print(f"| {size:,} | {len(pods):,} ({held:,}) | {seconds:.3f} | {size / seconds:,.0f} |")


def plans(rounds: int) -> None:
    settings = Settings.load()
    database = Database.open(settings)
    inventory = Path(tempfile.mkdtemp()) / "inventory.yaml"
    inventory.write_text(yaml.safe_dump({"cluster": "bench", "nodes": [
        {"name": f"a100-{i}", "gpus": [{"product": "NVIDIA-A100-SXM4-80GB", "count": 8, "in_use": i % 8}]}
        for i in range(16)] + [{"name": "mig-1", "gpus": [{"resource": "nvidia.com/mig-1g.10gb",
                                                            "accelerator": "A100-80GB", "count": 7}]}]}))
    cluster = ClusterService(ClusterSettings(cluster="file", cluster_inventory=inventory, cluster_cache_s=3600))
    specs = [WorkloadSpec(task="inference", domain="llm", params_billions=b, concurrent_users=20) for b in (8, 70)]
    timings: dict[str, list[float]] = {"cloud only": [], "with the local cluster": []}
    try:
        with database.session() as session:
            for label, service in (("cloud only", None), ("with the local cluster", cluster)):  # warm both
                build_plan(PlannerContext.for_session(session, cluster=service),
                           specs[0].model_copy(update={"use_local_cluster": service is not None}))
            for _ in range(rounds):
                for label, service in (("cloud only", None), ("with the local cluster", cluster)):
                    for spec in specs:
                        spec = spec.model_copy(update={"use_local_cluster": service is not None})
                        started = time.perf_counter()
                        plan = build_plan(PlannerContext.for_session(session, cluster=service), spec).plan
                        timings[label].append((time.perf_counter() - started) * 1000)
                        assert plan.compute and plan.compute[0].local == (service is not None)
    finally:
        database.close()
    base = median(timings["cloud only"])
    print("\n| plan (8B and 70B, %d rounds each) | median ms | ratio |" % rounds)
    print("|---|---:|---:|")
    for label, values in timings.items():
        print(f"| {label} | {median(values):.1f} | {median(values) / base:.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 500, 2000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    configure_logging("WARNING", "console")
    print(machine())
    inventory_reads(args.sizes, args.runs)
    plans(args.rounds)


if __name__ == "__main__":
    main()
