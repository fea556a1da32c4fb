"""Catalog and user-typed accelerator names resolve to spec-table keys."""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from stack8s_architect.catalog.gpus.names import (
    ACCELERATOR_FAMILIES,
    canonical_accelerator_key,
    resolve_user_accelerator,
    tpu_chip_count,
    user_accelerator_names,
)
from stack8s_architect.catalog.gpus.specs import ACCELERATOR_SPECS


@pytest.mark.parametrize(
    ("raw_name", "provider", "instance_type", "memory_mib_hint", "expected"),
    [
        # README §5: a bare A100 is 40 GB on gcp / azure / lambda ...
        ("A100", "gcp", "", None, "A100-40GB"),
        ("A100", "azure", "Standard_ND96asr_v4", None, "A100-40GB"),
        ("A100", "lambda", "gpu_8x_a100", None, "A100-40GB"),
        # ... but 80 GB on vast, cudo and seeweb; cudo's are PCIe cards (a100-pci / a100-pcie)
        ("A100", "seeweb", "ECS1GPU3", None, "A100-80GB"),
        ("A100", "cudo", "intel-ice-lake-a100-pci_1x12v24gb", None, "A100-80GB-PCIe"),
        ("A100", "cudo", "epyc-genoa-a100-pcie_2x48v96gb", None, "A100-80GB-PCIe"),
        ("A100", "vast", "2x-A100_PCIE-32-65536", None, "A100-80GB-PCIe"),
        # a per-GPU memory hint wins over the provider default (vast lists a 40 GB SXM4 too)
        ("A100", "vast", "1x-A100_SXM4-32-65536", 40960, "A100-40GB"),
        ("A100", "gcp", "", 81920, "A100-80GB"),
        # the instance type names the size (primeintellect resells both)
        ("A100", "primeintellect", "lambdalabs__1xA100_40GB__30__200", None, "A100-40GB"),
        ("A100", "shadeform", "excesssupply_A100-sxm4-80GBx8", None, "A100-80GB"),
        # AWS: p4d carries 40 GB A100s, p4de 80 GB
        ("NVIDIA A100", "aws", "p4d.24xlarge", None, "A100-40GB"),
        ("NVIDIA A100", "aws", "p4de.24xlarge", None, "A100-80GB"),
        # A100-80GB: Azure NC A100 v4 is the PCIe card, ND A100 v4 the SXM4 board
        ("A100-80GB", "azure", "Standard_NC24ads_A100_v4", None, "A100-80GB-PCIe"),
        ("A100-80GB", "azure", "Standard_ND96amsr_A100_v4", None, "A100-80GB"),
        # RunPod names its SXM boards separately, so its bare A100-80GB / H100 are PCIe cards
        ("A100-80GB", "runpod", "1x_A100-80GB_SECURE", None, "A100-80GB-PCIe"),
        ("A100-80GB-SXM", "runpod", "1x_A100-80GB-SXM_SECURE", None, "A100-80GB"),
        ("H100", "runpod", "1x_H100_SECURE", None, "H100-PCIe"),
        # hyperstack spells the sizes out
        ("A100-80G-PCIe", "hyperstack", "n3-A100x1", None, "A100-80GB-PCIe"),
        ("A100-80G-PCIe-NVLink", "hyperstack", "n3-A100x8-NVLink", None, "A100-80GB-PCIe"),
        # H100 is SXM unless the name or instance type says PCIe / NVL
        ("H100", "gcp", "", None, "H100-SXM"),
        ("H100", "lambda", "gpu_1x_h100_sxm5", None, "H100-SXM"),
        ("H100", "lambda", "gpu_1x_h100_pcie", None, "H100-PCIe"),
        ("H100-80G-PCIe", "hyperstack", "n3-H100x1", None, "H100-PCIe"),
        ("H100-80G-PCIe-NVLink", "hyperstack", "n3-H100x8-NVLink", None, "H100-PCIe"),
        ("H100-80G-SXM5", "hyperstack", "n3-H100-SXM5x8", None, "H100-SXM"),
        ("H100-MEGA", "gcp", "", None, "H100-SXM"),  # GCP A3 Mega
        ("H100-NVLINK", "fluidstack", "H100_NVLINK_80GB::8", None, "H100-SXM"),
        ("NVIDIA H100", "aws", "p5.48xlarge", None, "H100-SXM"),
        # Azure NCads H100 v5 (and confidential NCC) carry the 94 GB H100 NVL; ND is SXM
        ("H100", "azure", "Standard_NC40ads_H100_v5", None, "H100-NVL"),
        ("H100", "azure", "Standard_NC80adis_H100_v5", None, "H100-NVL"),
        ("H100", "azure", "Standard_NCC40ads_H100_v5", None, "H100-NVL"),
        ("H100", "azure", "Standard_ND96isr_H100_v5", None, "H100-SXM"),
        # vast marks the NVL in the instance type, with 95830 MiB per GPU
        ("H100", "vast", "1x-H100_NVL-32-65536", None, "H100-NVL"),
        ("H100", "vast", "", 95830, "H100-NVL"),
        # V100: 16 GB unless the offer says 32 GB (AWS p3dn, a 32 GB hint)
        ("V100", "gcp", "", None, "V100-16GB"),
        ("NVIDIA V100", "aws", "p3dn.24xlarge", None, "V100-32GB"),
        ("V100", "vast", "1x-Tesla_V100-32-65536", None, "V100-16GB"),  # '-32-' is vCPUs
        ("V100", "", "", 32768, "V100-32GB"),
        ("V100-32GB", "azure", "Standard_ND40rs_v2", None, "V100-32GB"),
        # AWS g6f / gr6f are fractional L4s that vantage labels "NVIDIA L40"
        ("NVIDIA L40", "aws", "g6f.xlarge", None, "L4"),
        ("NVIDIA L40", "aws", "gr6f.4xlarge", None, "L4"),
        ("L40", "hyperstack", "n3-L40x1", None, "L40"),
        # vast truncates Ti names; the instance type tells (README §5)
        ("RTX4070", "vast", "4x-RTX_4070S_Ti-32-65536", None, "RTX4070Ti-Super"),
        ("RTX4060", "vast", "4x-RTX_4060_Ti-32-65536", None, "RTX4060Ti"),
        ("RTX3060", "vast", "1x-RTX_3060_Ti-32-65536", None, "RTX3060Ti"),
        ("RTX3060", "vast", "4x-RTX_3060-32-65536", None, "RTX3060"),  # 12 GB each: a real 3060
        ("RTX3060", "vast", "", None, "RTX3060Ti"),
        ("RTX3060", "vast", "", 12288, "RTX3060"),
        # RTX6000 is the Turing Quadro (24 GB), not the Ada card
        ("RTX6000", "lambda", "gpu_1x_rtx6000", None, "RTX6000"),
        ("RTX6000-Ada", "runpod", "", None, "RTX6000-Ada"),
        ("RTX6000Ada", "primeintellect", "", None, "RTX6000-Ada"),
        ("RTX-6000-Ada", "verda", "", None, "RTX6000-Ada"),
        # RTX PRO 6000 Blackwell spellings
        ("RTXPRO6000", "jarvislabs", "", None, "RTXPRO6000"),
        ("RTXPro6000", "shadeform", "", None, "RTXPRO6000"),
        ("RTX-PRO-6000", "verda", "", None, "RTXPRO6000"),
        ("RTX PRO 6000 96GB", "seeweb", "", None, "RTXPRO6000"),
        ("RTXPRO6000WS", "vast", "", None, "RTXPRO6000"),
        ("RTXPRO6000-WK", "lium", "", None, "RTXPRO6000"),
        ("NVIDIA RTX PRO 6000 Blackwell", "aws", "g7e.2xlarge", None, "RTXPRO6000"),
        # RTX A-series spellings
        ("A6000", "lambda", "", None, "RTXA6000"),
        ("RTX-A6000", "hyperstack", "", None, "RTXA6000"),
        ("A4000", "shadeform", "", None, "RTXA4000"),
        ("RTX-A4000", "hyperstack", "", None, "RTXA4000"),
        ("A5000", "shadeform", "", None, "RTXA5000"),
        ("GAUDI2", "shadeform", "", None, "Gaudi2"),
        # hyperbolic's GpuInfo carries the nvidia-smi product name
        ("NVIDIA-H100-80GB-HBM3", "hyperbolic", "", None, "H100-SXM"),
        # AWS vantage names (README §10)
        ("ARM Mali-G78MP12", "aws", "g5g.xlarge", None, "T4G"),
        ("NVIDIA A10G", "aws", "g5.xlarge", None, "A10G"),
        ("NVIDIA GB200 Grace Blackwell", "aws", "p6e-gb200.36xlarge", None, "GB200"),
        ("NVIDIA B300 Blackwell", "aws", "p6-b300.48xlarge", None, "B300"),
        ("NVIDIA GRID K520", "aws", "g2.2xlarge", None, "GRID-K520"),
        ("AMD Radeon Pro V520", "aws", "g4ad.xlarge", None, "Radeon-Pro-V520"),
        ("AWS Inferentia2", "aws", "inf2.xlarge", None, "Inferentia2"),
        ("AWS Trainium2", "aws", "trn2.48xlarge", None, "Trainium2"),
        ("Qualcomm AI 100", "aws", "dl2q.24xlarge", None, "Qualcomm-AI100"),
        # TPU slice names map to the per-chip family key
        ("tpu-v5p-8", "gcp", "", None, "TPU-v5p"),
        ("tpu-v5litepod-16", "gcp", "", None, "TPU-v5e"),
        ("tpu-v6e-4", "gcp", "", None, "TPU-v6e"),
        ("tpu-v2-8", "gcp", "", None, "TPU-v2"),
        # a zero memory hint (nebius, seeweb RTX PRO) is ignored
        ("H100", "nebius", "gpu-h100-sxm_1gpu-16vcpu-200gb", 0, "H100-SXM"),
    ],
)
def test_catalog_names_resolve_with_offer_context(
    raw_name: str, provider: str, instance_type: str, memory_mib_hint: float | None, expected: str
) -> None:
    key = canonical_accelerator_key(
        raw_name, provider=provider, instance_type=instance_type, memory_mib_hint=memory_mib_hint
    )

    assert key == expected
    assert key in ACCELERATOR_SPECS


@pytest.mark.parametrize("raw_name", ["", "   "])
def test_empty_name_is_none(raw_name: str) -> None:
    assert canonical_accelerator_key(raw_name) is None


@pytest.mark.parametrize("raw_name", ["Voodoo5", "GTX 1080", "HL-205", "tpu-v9-8"])
def test_unknown_name_raises_value_error_naming_it(raw_name: str) -> None:
    with pytest.raises(ValueError, match="unrecognised accelerator name"):
        canonical_accelerator_key(raw_name, provider="gcp")


def test_plain_rtx4070_is_refused_rather_than_sized_as_the_ti_super() -> None:
    with pytest.raises(ValueError, match="RTX 4070"):
        canonical_accelerator_key("RTX4070", provider="vast", instance_type="1x-RTX_4070-32-65536")


@pytest.mark.parametrize(
    ("raw_name", "chips"),
    [
        ("tpu-v2-8", 4),  # v2-v5p suffixes count TensorCores, 2 per chip
        ("tpu-v3-2048", 1024),
        ("tpu-v4-8", 4),
        ("tpu-v5p-8", 4),
        ("tpu-v5p-12288", 6144),
        ("tpu-v5litepod-1", 1),  # v5e / v6e suffixes count chips
        ("tpu-v5litepod-256", 256),
        ("tpu-v6e-4", 4),
    ],
)
def test_tpu_chip_count(raw_name: str, chips: int) -> None:
    assert tpu_chip_count(raw_name) == chips


@pytest.mark.parametrize("raw_name", ["tpu-v5p", "H100", "tpu-v4-7"])
def test_tpu_chip_count_rejects_names_without_a_chip_count(raw_name: str) -> None:
    with pytest.raises(ValueError):
        tpu_chip_count(raw_name)


def test_families_list_only_table_keys() -> None:
    for family, keys in ACCELERATOR_FAMILIES.items():
        assert keys, family
        assert set(keys) <= set(ACCELERATOR_SPECS), family


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("h100", ("H100-SXM", "H100-PCIe", "H100-NVL")),
        ("H100 80GB", ("H100-SXM", "H100-PCIe")),
        ("h100 sxm", ("H100-SXM",)),
        ("a100", ("A100-40GB", "A100-80GB", "A100-80GB-PCIe")),
        ("a100-80gb", ("A100-80GB", "A100-80GB-PCIe")),  # family: SXM and PCIe
        ("A100 80GB SXM", ("A100-80GB",)),
        ("A100 40GB", ("A100-40GB",)),
        ("nvidia l4", ("L4",)),
        ("NVIDIA L40S", ("L40S",)),
        ("rtx 4090", ("RTX4090",)),
        ("GeForce RTX 5090", ("RTX5090",)),
        ("RTX A6000", ("RTXA6000",)),
        ("a6000", ("RTXA6000",)),
        ("RTX 6000 Ada", ("RTX6000-Ada",)),
        ("Quadro RTX 6000", ("RTX6000",)),
        ("rtx pro 6000", ("RTXPRO6000",)),
        ("MI300X", ("MI300X",)),
        ("AMD Instinct MI300X", ("MI300X",)),
        ("v100", ("V100-16GB", "V100-32GB")),
        ("tpu v5p", ("TPU-v5p",)),
        ("TPU v5e", ("TPU-v5e",)),
        ("tpu-v5litepod-8", ("TPU-v5e",)),
        ("tpu", ("TPU-v2", "TPU-v3", "TPU-v4", "TPU-v5p", "TPU-v5e", "TPU-v6e")),
        ("gaudi 2", ("Gaudi2",)),
        ("Trainium2", ("Trainium2",)),
        ("H200 GPU", ("H200",)),
    ],
)
def test_resolve_user_accelerator(typed: str, expected: tuple[str, ...]) -> None:
    assert resolve_user_accelerator(typed) == expected


@pytest.mark.parametrize("typed", ["", "voodoo", "H1000", "nvidia", "rtx 4070"])
def test_unknown_user_accelerator_is_none(typed: str) -> None:
    assert resolve_user_accelerator(typed) is None


def test_user_accelerator_names_all_resolve_and_are_sorted() -> None:
    names = user_accelerator_names()

    assert {"H100", "A100", "TPU", "H100-SXM", "RTX 4070 Ti Super"} <= set(names)
    assert names == sorted(names, key=str.casefold)
    assert len(names) == len(set(names))
    for name in names:
        assert resolve_user_accelerator(name), name


# ------------------------------------------------------------------------ integration (data)
def compute_catalog_dir() -> Path:
    default_mirror = Path(__file__).parents[3].parent / "shared" / "data"
    return Path(os.environ.get("ARCHITECT_DATA_MIRROR", default_mirror)) / "compute"


@pytest.fixture(scope="module")
def compute_dir() -> Path:
    path = compute_catalog_dir()
    if not (path / "accelerator_name_counts.csv").is_file():
        pytest.skip(f"compute catalog mirror not found at {path}; set ARCHITECT_DATA_MIRROR to its parent")
    return path


def catalog_rows(compute_dir: Path) -> Iterator[tuple[str, str, str]]:
    """(provider, instance type, accelerator name) for every accelerator row of every vms.csv."""
    for path in sorted(compute_dir.glob("*/**/vms.csv")):
        with path.open(newline="") as handle:
            # Azure rows carry an unquoted 'V1,V2' in the last column; the extra field is ignored.
            for row in csv.DictReader(handle):
                if row.get("AcceleratorName"):
                    yield path.parent.name, row.get("InstanceType") or "", row["AcceleratorName"]


@pytest.mark.integration
def test_every_counted_catalog_name_resolves(compute_dir: Path) -> None:
    with (compute_dir / "accelerator_name_counts.csv").open(newline="") as handle:
        names = [row["AcceleratorName"] for row in csv.DictReader(handle)]

    assert len(names) == 236  # README §6
    assert {name: canonical_accelerator_key(name) in ACCELERATOR_SPECS for name in names} == dict.fromkeys(
        names, True
    )


@pytest.mark.integration
def test_every_catalog_row_resolves_with_its_offer_context(compute_dir: Path) -> None:
    unresolved = []
    rows = 0
    for provider, instance_type, name in catalog_rows(compute_dir):
        rows += 1
        try:
            key = canonical_accelerator_key(name, provider=provider, instance_type=instance_type)
        except ValueError as error:
            unresolved.append((provider, instance_type, name, str(error)))
            continue
        if key not in ACCELERATOR_SPECS:
            unresolved.append((provider, instance_type, name, key))

    assert rows == 4743  # README §4: accelerator rows across the vms.csv files
    assert unresolved == []


@pytest.mark.integration
def test_every_aws_gpu_name_resolves(compute_dir: Path) -> None:
    instances = json.loads((compute_dir / "aws-gpu-vantage" / "all_gpu_instances.json").read_text())
    resolved = {
        item["name"]: canonical_accelerator_key(item["gpu"], provider="aws", instance_type=item["name"])
        for item in instances
    }

    assert len(resolved) == 92  # README §4: 92 AWS GPU instance types
    assert {name: key in ACCELERATOR_SPECS for name, key in resolved.items()} == dict.fromkeys(resolved, True)
