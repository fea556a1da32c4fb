"""A small multi-cloud compute catalog the tests write themselves, ingested through the real sync."""

from __future__ import annotations

from pathlib import Path

from stack8s_architect.catalog.sources import DataSource, SourceFile

LAMBDA = """InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,Price,Region,GpuInfo,SpotPrice
gpu_1x_h100_sxm5,H100,1,26,225,3.29,us-east-1,,
gpu_1x_h100_sxm5,H100,1,26,225,3.29,europe-central-1,,
gpu_8x_h100_sxm5,H100,8,208,1800,23.92,us-east-1,,
gpu_1x_a10,A10,1,30,200,0.75,us-west-1,,
gpu_1x_a10,A10,1,30,200,0.75,asia-northeast-1,,
cpu_4x_generalx,,,4.0,16.0,0.2,us-east-1,,
"""
AZURE = """InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,GpuInfo,Price,SpotPrice,Region,Generation
Standard_NC24ads_A100_v4,A100-80GB,1,24,220,A100-80GB,3.67,1.10,eastus,V1,V2
Standard_NC24ads_A100_v4,A100-80GB,1,24,220,A100-80GB,4.10,1.30,westeurope,V1,V2
Standard_ND96isr_H100_v5,H100,8,96,1900,H100,98.32,40.0,eastus,V2
Standard_NV6ads_A10_v5,A10,0.167,6,55,A10,0.45,0.1,germanywestcentral,V2
Standard_D2s_v5,,,2,8,,0.096,0.02,westeurope,V1,V2
"""
RUNPOD = """InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,GpuInfo,Region,SpotPrice,Price
1x_H100-SXM_SECURE,H100-SXM,1.0,16.0,125.0,H100-SXM,US,2.39,2.99
1x_H100-SXM_SECURE,H100-SXM,1.0,16.0,125.0,H100-SXM,NL,2.39,2.99
1x_L4_SECURE,L4,1.0,8.0,50.0,L4,CA,0.3,0.43
"""
FILES = {"lambda": LAMBDA, "azure": AZURE, "runpod": RUNPOD}


def write_mirror(root: Path, files: dict[str, str] | None = None) -> Path:
    """Write the fixture CSVs as `<root>/compute/test/<cloud>.csv` and return the mirror root."""
    for cloud, text in (files or FILES).items():
        path = root / "compute" / "test" / f"{cloud}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def fixture_sources(clouds: tuple[str, ...] = tuple(FILES)) -> list[DataSource]:
    return [
        DataSource(
            id=f"test-{cloud}",
            domain="compute",
            adapter="skypilot-vms",
            repository="example/test-catalog",
            commit="0" * 40,
            files=(SourceFile(f"{cloud}/vms.csv", f"test/{cloud}.csv"),),
            provider=cloud,
            catalog_date="2026-11-01",
        )
        for cloud in clouds
    ]
