"""GCP pricing: host VM + accelerator summed per zone (quirk 2 of the catalog README)."""

from __future__ import annotations

from pathlib import Path

import pytest

from stack8s_architect.catalog.compute.gcp import host_types, read_gcp_vms_csv

HEADER = "InstanceType,vCPUs,MemoryGiB,AcceleratorName,AcceleratorCount,GpuInfo,Region,AvailabilityZone,Price,SpotPrice"
A100 = "{'Gpus': [{'MemoryInfo': {'SizeInMiB': 40960}}]}"


def write(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "vms.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    return path


def test_gpu_offer_is_host_plus_accelerator_in_the_same_zone(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "a2-highgpu-1g,12.0,85.0,,,,us-central1,us-central1-a,0.9,0.4",
        "a2-highgpu-1g,12.0,85.0,,,,us-central1,us-central1-b,0.9,0.3",
        f',,,A100,1,"{A100}",us-central1,us-central1-a,2.9,1.2',
        f',,,A100,1,"{A100}",us-central1,us-central1-b,2.9,1.0',
        f',,,A100,1,"{A100}",us-central1,us-central1-f,2.9,1.0',  # no host VM in this zone
    )
    catalog = read_gcp_vms_csv(path)
    (offer,) = catalog.offers
    assert offer.instance_type == "a2-highgpu-1g"
    assert offer.accelerator_key == "A100-40GB"
    assert offer.price_per_hour_usd == pytest.approx(3.8)
    assert offer.spot_price_per_hour_usd == pytest.approx(1.3)  # cheapest zone sum: 0.3 + 1.0
    assert offer.zones == ["us-central1-a", "us-central1-b"]
    assert (offer.vcpus, offer.memory_gib) == (12.0, 85.0)
    assert catalog.dropped == {"gcp accelerator without a host VM in its zone": 1}


def test_gpu_host_families_are_not_cpu_offers(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "a2-highgpu-1g,12.0,85.0,,,,us-central1,us-central1-a,0.9,0.4",
        "n2-standard-4,4.0,16.0,,,,us-central1,us-central1-a,0.19,0.05",
    )
    offers = read_gcp_vms_csv(path).offers
    assert [o.instance_type for o in offers] == ["n2-standard-4"]


def test_attachable_gpus_pair_with_n1_highmem(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "n1-highmem-16,16.0,104.0,,,,europe-west4,europe-west4-a,0.9,0.2",
        ",,,T4,2,\"{'Gpus': [{'MemoryInfo': {'SizeInMiB': 16384}}]}\",europe-west4,europe-west4-a,0.7,0.28",
    )
    offers = read_gcp_vms_csv(path).offers
    (offer,) = [o for o in offers if o.accelerator_key]  # n1 is also sold without GPUs: a CPU offer too
    assert (offer.instance_type, offer.accelerator_key, offer.accelerator_count) == ("n1-highmem-16", "T4", 2.0)
    assert offer.price_per_hour_usd == pytest.approx(1.6)


def test_tpu_rows_are_priced_whole_with_chip_counts(tmp_path: Path) -> None:
    path = write(tmp_path, ",,,tpu-v5p-8,1,tpu-v5p-8,europe-west1,europe-west1-b,17.83782,6.77837")
    (offer,) = read_gcp_vms_csv(path).offers
    assert offer.instance_type == "tpu-v5p-8"
    assert offer.accelerator_key == "TPU-v5p"
    assert offer.accelerator_count == 4  # v5p-8 counts TensorCores: 4 chips


def test_spot_is_missing_when_either_part_lacks_it(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "g2-standard-4,4.0,16.0,,,,us-east1,us-east1-b,0.2,",
        ",,,L4,1,\"{'Gpus': [{'MemoryInfo': {'SizeInMiB': 24576}}]}\",us-east1,us-east1-b,0.5,0.2",
    )
    (offer,) = read_gcp_vms_csv(path).offers
    assert offer.price_per_hour_usd == pytest.approx(0.7)
    assert offer.spot_price_per_hour_usd is None


@pytest.mark.parametrize(
    ("name", "count", "hosts"),
    [
        ("A100", 16, ("a2-megagpu-16g",)),
        ("A100-80GB", 4, ("a2-ultragpu-4g",)),
        ("H100-MEGA", 8, ("a3-megagpu-8g",)),
        ("L4", 2, ("g2-standard-24",)),
        ("V100", 8, ("n1-highmem-64",)),
        ("H100", 3, ()),  # no machine type carries three H100s
    ],
)
def test_host_types(name: str, count: int, hosts: tuple[str, ...]) -> None:
    assert host_types(name, count) == hosts
