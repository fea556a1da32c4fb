"""The AWS GPU table adapter (quirks in §10 of the catalog README)."""

from __future__ import annotations

import json
from pathlib import Path

from stack8s_architect.catalog.compute.aws import read_aws_json

INSTANCES = [
    {"name": "g5g.xlarge", "gpu": "ARM Mali-G78MP12", "gpuCount": 1, "gpuMemory": "4 GB", "vcpu": 4,
     "memory": "8 GB", "pricing": {"us-east-1": {"onDemand": 0.42}, "us-west-2": {"onDemand": 0.42}}},
    {"name": "p5.48xlarge", "gpu": "NVIDIA H100", "gpuCount": 8, "gpuMemory": "640 GB HBM3", "vcpu": 192,
     "memory": "2048 GiB", "pricing": {"us-east-1": {"onDemand": 55.04, "reserved": 30.0}, "us-gov-west-1": {"reserved": 40.0}}},
    {"name": "p5e.48xlarge", "gpu": "NVIDIA H200", "gpuCount": 8, "gpuMemory": "1128 GB HBM3e", "vcpu": 192,
     "memory": "2048 GiB", "pricing": {}},
    {"name": "g6f.large", "gpu": "NVIDIA L4", "gpuCount": 0.125, "gpuMemory": "3 GB", "vcpu": 2,
     "memory": "8 GB", "pricing": {"us-east-1": {"onDemand": 0.2}}},
]


def test_javascript_wrapper_and_quirks(tmp_path: Path) -> None:
    path = tmp_path / "all_gpu_instances.js"
    path.write_text("// generated\nexport const instances = " + json.dumps(INSTANCES) + ";\n")
    catalog = read_aws_json(path)
    offers = {(o.instance_type, o.region): o for o in catalog.offers}
    assert offers[("g5g.xlarge", "us-east-1")].accelerator_key == "T4G"  # mislabelled ARM Mali
    p5 = offers[("p5.48xlarge", "us-east-1")]
    assert (p5.accelerator_key, p5.accelerator_count, p5.memory_gib) == ("H100-SXM", 8.0, 2048.0)
    assert p5.spot_price_per_hour_usd is None
    assert ("p5.48xlarge", "us-gov-west-1") not in offers  # reserved only: no on-demand price
    assert offers[("g6f.large", "us-east-1")].accelerator_count == 0.125
    assert catalog.dropped == {"no positive price": 2}  # p5 gov region + p5e without prices
    assert catalog.rows_read == 6  # g5g ×2 regions, p5 ×2, p5e, g6f
