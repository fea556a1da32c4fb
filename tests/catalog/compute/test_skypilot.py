"""The SkyPilot vms.csv adapter against small files that reproduce each quirk of the catalog README."""

from __future__ import annotations

from pathlib import Path

import pytest

from stack8s_architect.catalog.compute.skypilot import gpu_memory_hint_mib, parse_gpu_info, read_vms_csv


def write(tmp_path: Path, text: str, *, crlf: bool = False, final_newline: bool = True) -> Path:
    lines = text.strip("\n").split("\n")
    body = ("\r\n" if crlf else "\n").join(lines) + (("\r\n" if crlf else "\n") if final_newline else "")
    path = tmp_path / "vms.csv"
    path.write_bytes(body.encode())
    return path


def by_type(catalog):
    return {(o.instance_type, o.region): o for o in catalog.offers}


def test_azure_unquoted_generation_spills_into_extra_field(tmp_path: Path) -> None:
    # Quirk 3: `V1,V2` unquoted gives 11 fields on a 10-column header.
    path = write(tmp_path, """
InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,GpuInfo,Price,SpotPrice,Region,Generation
Standard_A1_v2,,,1,2,,0.05,0.00924,australiacentral,V1
Standard_NC24ads_A100_v4,A100-80GB,1,24,220,A100-80GB,3.67,1.1,eastus,V1,V2
""")
    catalog = read_vms_csv("azure", path)
    offers = by_type(catalog)
    gpu = offers[("Standard_NC24ads_A100_v4", "eastus")]
    assert gpu.accelerator_key == "A100-80GB-PCIe"  # NC A100 v4 carries the PCIe card
    assert gpu.price_per_hour_usd == 3.67 and gpu.spot_price_per_hour_usd == 1.1
    assert offers[("Standard_A1_v2", "australiacentral")].accelerator_key is None
    assert catalog.rows_read == 2


@pytest.mark.parametrize(
    ("provider", "text", "count", "expected_mib"),
    [
        # Python literal, per-GPU MiB (most clouds)
        ("lambda", "{'Gpus': [{'Name': 'H100', 'Count': 8, 'MemoryInfo': {'SizeInMiB': 81920}}], 'TotalGpuMemoryInMiB': 81920}", 8, 81920),
        # hyperstack writes JSON null inside a Python literal
        ("hyperstack", "{'Gpus': [{'Name': 'A100-80G-PCIe', 'Manufacturer': null, 'Count': 1, 'MemoryInfo': {'SizeInMiB': 81920}}]}", 1, 81920),
        # verda / primeintellect: real JSON; primeintellect SizeInMiB is the total across GPUs
        ("primeintellect", '{"Gpus":[{"Name":"A100-80GB","Count":8,"MemoryInfo":{"SizeInMiB":655360}}],"TotalGpuMemoryInMiB":5242880}', 8, 81920),
        # shadeform: GB, not MiB
        ("shadeform", "{'Gpus': [{'Name': 'A6000', 'Count': 8.0, 'MemoryInfo': {'SizeInMiB': 48}, 'TotalGpuMemoryInMiB': 384}]}", 8, 48 * 1024),
        # vast: total across GPUs
        ("vast", "{'Gpus': [{'Name': 'RTX4090', 'Count': 2, 'MemoryInfo': {'SizeInMiB': 49140}}]}", 2, 24570),
        # nebius: 0 means unknown
        ("nebius", "{'Gpus': [{'Name': 'H100', 'Count': 1, 'MemoryInfo': {'SizeInMiB': 0}}]}", 1, None),
        # cudo stores Count as the string '1.0'
        ("cudo", "{'Gpus': [{'Name': 'A40', 'Count': '1.0', 'MemoryInfo': {'SizeInMiB': 49152}}]}", 1, 49152),
        # Azure / IBM / RunPod: only a name
        ("azure", "A100-80GB", 1, None),
    ],
)
def test_gpu_info_dialects_and_units(provider: str, text: str, count: float, expected_mib: float | None) -> None:
    assert gpu_memory_hint_mib(provider, parse_gpu_info(text), count) == expected_mib


def test_vast_spot_placeholder_is_missing_and_a100_is_80gb(tmp_path: Path) -> None:
    # Quirk 6: vast spot is always 0.00; quirk 5: vast's A100 is the 80 GB card.
    path = write(tmp_path, """
InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,GpuInfo,Price,SpotPrice,Region
1x-A100-32-65536,A100,1,32,64.0,"{'Gpus': [{'Name': 'A100', 'Count': 1, 'MemoryInfo': {'SizeInMiB': 81920}}], 'TotalGpuMemoryInMiB': 81920}",0.9,0.00,"Oregon, US, NA"
""")
    offer = read_vms_csv("vast", path).offers[0]
    assert offer.spot_price_per_hour_usd is None
    assert offer.accelerator_key == "A100-80GB"
    assert offer.region == "Oregon, US, NA"


def test_primeintellect_spot_rows_merge_into_their_base_offer(tmp_path: Path) -> None:
    # Quirk 6: `…__SPOT` rows carry only a spot price; quirk 7: `datacrunch__` resells Verda (ex-DataCrunch).
    path = write(tmp_path, """
InstanceType,UpstreamCloudId,vCPUs,MemoryGiB,AcceleratorName,AcceleratorCount,GpuInfo,Region,AvailabilityZone,Price,SpotPrice
datacrunch__1xA100_80GB__22__120,1A100.22V,22.0,120,A100-80GB,1.0,"{""Gpus"":[{""Name"":""A100-80GB"",""Count"":1,""MemoryInfo"":{""SizeInMiB"":81920}}]}",FI,FIN-01,1.29,
datacrunch__1xA100_80GB__22__120__SPOT,1A100.22V_SPOT,22.0,120,A100-80GB,1.0,"{""Gpus"":[{""Name"":""A100-80GB"",""Count"":1,""MemoryInfo"":{""SizeInMiB"":81920}}]}",FI,FIN-01,,0.53
datacrunch__2xA100_80GB__44__240__SPOT,2A100.44V_SPOT,44.0,240,A100-80GB,2.0,"{""Gpus"":[{""Name"":""A100-80GB"",""Count"":2,""MemoryInfo"":{""SizeInMiB"":163840}}]}",FI,FIN-01,,1.05
""", crlf=True)
    catalog = read_vms_csv("primeintellect", path)
    offers = {o.instance_type: o for o in catalog.offers}
    assert len(offers) == 2
    one = offers["datacrunch__1xA100_80GB__22__120"]
    assert (one.price_per_hour_usd, one.spot_price_per_hour_usd) == (1.29, 0.53)
    assert one.region == "FIN-01" and one.country_hint == "FI"
    assert one.upstream_provider == "verda"
    spot_only = offers["datacrunch__2xA100_80GB__44__240"]
    assert spot_only.price_per_hour_usd is None and spot_only.spot_price_per_hour_usd == 1.05


def test_mithril_prices_are_auction_bids_kept_as_spot_never_on_demand(tmp_path: Path) -> None:
    # Mithril's one figure in both columns is the minimum bid of its spot auction: no on-demand price exists.
    path = write(tmp_path, """
InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,Price,SpotPrice,Region,GpuInfo
h100-80gb.sxm.8x,H100,8,168,1814,8.0,8.0,us-central2-a,
ccs-h200.sxm.1x,H200,1,20,200,1.0,,us-central2-b,
""")
    offers = by_type(read_vms_csv("mithril", path))
    eight = offers[("h100-80gb.sxm.8x", "us-central2-a")]
    assert (eight.price_per_hour_usd, eight.spot_price_per_hour_usd) == (None, 8.0)
    assert offers[("ccs-h200.sxm.1x", "us-central2-b")].spot_price_per_hour_usd == 1.0
    lambda_path = write(tmp_path, """
InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,Price,SpotPrice,Region,GpuInfo
gpu_8x_h100_sxm5,H100,8,208,1800,23.92,23.92,us-east-1,
""")  # the same shape elsewhere stays an on-demand price
    assert by_type(read_vms_csv("lambda", lambda_path))[("gpu_8x_h100_sxm5", "us-east-1")].price_per_hour_usd == 23.92


def test_non_positive_and_missing_prices_are_dropped_with_a_count(tmp_path: Path) -> None:
    path = write(tmp_path, """
InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,Price,Region,GpuInfo,SpotPrice
a,H100,1,26,200,0,us-east-1,,
b,H100,1,26,200,-1.5,us-east-1,,
c,H100,1,26,200,,us-east-1,,
d,H100,1,26,200,2.49,us-east-1,,
""")
    catalog = read_vms_csv("lambda", path)
    assert [o.instance_type for o in catalog.offers] == ["d"]
    assert catalog.dropped == {"no positive price": 3}
    assert catalog.rows_read == 4


def test_duplicate_rows_per_zone_collapse_with_cheapest_prices(tmp_path: Path) -> None:
    # Quirk 1: IBM has one row per zone with identical prices; float artifacts are rounded.
    path = write(tmp_path, """
InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,GpuInfo,Price,SpotPrice,Region,AvailabilityZone
gx2-8x64x1v100,V100,1,8,64,V100,2.497,,us-south,us-south-1
gx2-8x64x1v100,V100,1,8,64,V100,2.497,,us-south,us-south-2
gx2-8x64x1v100,V100,1,8,64,V100,2.36979999999999996,,us-south,us-south-3
""")
    (offer,) = read_vms_csv("ibm", path).offers
    assert offer.zones == ["us-south-1", "us-south-2", "us-south-3"]
    assert offer.price_per_hour_usd == 2.3698


def test_reseller_prefixes_name_the_upstream_cloud(tmp_path: Path) -> None:
    # Quirk 7: shadeform resells other clouds under a prefix.
    path = write(tmp_path, """
InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,Price,Region,GpuInfo,SpotPrice
lambdalabs_A6000x4,A6000,4.0,56.0,400,4.36,dallas-usa-3,"{'Gpus': [{'Name': 'A6000', 'Count': 4.0, 'MemoryInfo': {'SizeInMiB': 48}}]}",
massedcompute_A6000x8,A6000,8.0,62.0,384,4.56,kansascity-usa-1,"{'Gpus': [{'Name': 'A6000', 'Count': 8.0, 'MemoryInfo': {'SizeInMiB': 48}}]}",
""", crlf=True, final_newline=False)
    offers = {o.instance_type: o for o in read_vms_csv("shadeform", path).offers}
    assert offers["lambdalabs_A6000x4"].upstream_provider == "lambda"
    assert offers["massedcompute_A6000x8"].upstream_provider == "massedcompute"
    assert offers["massedcompute_A6000x8"].accelerator_count == 8.0


def test_cpu_rows_have_no_accelerator(tmp_path: Path) -> None:
    path = write(tmp_path, """
InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,Price,Region,GpuInfo,SpotPrice
cpu-d3_4vcpu-16gb,,0,4,16,0.0992,eu-north1,,
""", crlf=True)
    (offer,) = read_vms_csv("nebius", path).offers
    assert offer.accelerator_key is None and offer.accelerator_count == 0
    assert (offer.vcpus, offer.memory_gib) == (4.0, 16.0)


def test_unknown_accelerator_is_counted_not_fatal(tmp_path: Path) -> None:
    path = write(tmp_path, """
InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,Price,Region,GpuInfo,SpotPrice
x,QuantumWidget9000,1,4,16,1.0,us-east-1,,
y,H100,1,26,200,2.49,us-east-1,,
""")
    catalog = read_vms_csv("lambda", path)
    assert len(catalog.offers) == 1
    assert catalog.dropped == {"unknown accelerator 'QuantumWidget9000'": 1}
