"""GCP: accelerators are priced apart from their host VM; an offer is VM row + accelerator row per zone.

This mirrors how SkyPilot prices GCP. A2/A3/A4/G2 machine types come with their GPUs built in;
N1 accepts attachable GPUs (T4, V100, P100, P4), for which we pair `n1-highmem-{8×count}` — eight
vCPUs per GPU, inside every N1 GPU's vCPU limit. TPU rows are priced whole (TPU VMs, no host row).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

from stack8s_architect.catalog.compute.offers import ParsedCatalog, RawOffer, merge_offers
from stack8s_architect.catalog.compute.skypilot import read_rows, row_to_offer

# (AcceleratorName, count) → host machine types that carry exactly those GPUs.
_BUNDLED_HOSTS: dict[tuple[str, int], tuple[str, ...]] = {
    **{("A100", n): (f"a2-highgpu-{n}g",) for n in (1, 2, 4, 8)},
    ("A100", 16): ("a2-megagpu-16g",),
    **{("A100-80GB", n): (f"a2-ultragpu-{n}g",) for n in (1, 2, 4, 8)},
    **{("H100", n): (f"a3-highgpu-{n}g",) for n in (1, 2, 4, 8)},
    ("H100-MEGA", 8): ("a3-megagpu-8g",),
    ("H200", 8): ("a3-ultragpu-8g",),
    ("B200", 8): ("a4-highgpu-8g",),
    ("L4", 1): ("g2-standard-4", "g2-standard-8", "g2-standard-12", "g2-standard-16", "g2-standard-32"),
    ("L4", 2): ("g2-standard-24",),
    ("L4", 4): ("g2-standard-48",),
    ("L4", 8): ("g2-standard-96",),
}
_N1_ATTACHABLE = {"T4", "V100", "P100", "P4", "K80"}
# Machine families sold only together with their GPUs: never CPU-only offers.
_GPU_HOST_FAMILIES = ("a2-", "a3-", "a4-", "g2-")


def host_types(accelerator_name: str, count: int) -> tuple[str, ...]:
    if accelerator_name in _N1_ATTACHABLE:
        return (f"n1-highmem-{8 * count}",)
    return _BUNDLED_HOSTS.get((accelerator_name, count), ())


def _sum(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else round(a + b, 6)


def read_gcp_vms_csv(path: Path) -> ParsedCatalog:
    """Read GCP's vms.csv: CPU VMs as they are, GPUs summed with their host per zone, TPUs whole."""
    rows_read, dropped = 0, Counter[str]()
    vms: dict[tuple[str, str], RawOffer] = {}
    accelerators: list[RawOffer] = []
    for row in read_rows(path):
        rows_read += 1
        try:
            offer = row_to_offer("gcp", row)
        except ValueError:
            dropped[f"unknown accelerator {row.get('AcceleratorName')!r}"] += 1
            continue
        if offer.price_per_hour_usd is None and offer.spot_price_per_hour_usd is None:
            dropped["no positive price"] += 1
        elif offer.accelerator_name is None:
            vms[(offer.instance_type, offer.zone or offer.region)] = offer
        else:
            accelerators.append(offer)
    offers = [vm for (name, _), vm in vms.items() if not name.startswith(_GPU_HOST_FAMILIES)]
    for accelerator in accelerators:
        offers.extend(_paired(accelerator, vms, dropped))
    return ParsedCatalog(merge_offers(offers), rows_read, dropped)


def _paired(accelerator: RawOffer, vms: dict[tuple[str, str], RawOffer], dropped: Counter[str]) -> list[RawOffer]:
    assert accelerator.accelerator_name is not None
    if accelerator.accelerator_name.startswith("tpu-"):
        return [accelerator]
    hosts = host_types(accelerator.accelerator_name, int(accelerator.accelerator_count))
    paired = []
    for host in hosts:
        vm = vms.get((host, accelerator.zone or accelerator.region))
        if vm is None:
            continue
        paired.append(
            replace(
                accelerator,
                instance_type=host,
                vcpus=vm.vcpus,
                memory_gib=vm.memory_gib,
                price_per_hour_usd=_sum(vm.price_per_hour_usd, accelerator.price_per_hour_usd),
                spot_price_per_hour_usd=_sum(vm.spot_price_per_hour_usd, accelerator.spot_price_per_hour_usd),
            )
        )
    if not paired:
        dropped["gcp accelerator without a host VM in its zone"] += 1
    return [offer for offer in paired if offer.price_per_hour_usd or offer.spot_price_per_hour_usd]
