"""The network between instances: each provider's rule against instance types from its real catalog."""

import pytest

from stack8s_architect.catalog.compute.network import instance_network


@pytest.mark.parametrize(("provider", "instance_type", "network", "label", "fast"), [
    # AWS: the catalog's network column (aws-gpu-vantage), EFA and its bandwidth when it says so
    ("aws", "p4de.24xlarge", "400 Gbps EFA", "EFA 400 Gbps", True),
    ("aws", "p5.48xlarge", "3200 Gbps EFAv2", "EFAv2 3200 Gbps", True),
    ("aws", "u-p6e-gb200x72", "28800 Gbps EFAv4", "EFAv4 28800 Gbps", True),
    ("aws", "g5.48xlarge", "100 Gigabit", "100 Gigabit, no RDMA fabric", False),
    ("aws", "g6.xlarge", "Up to 10 Gigabit", "Up to 10 Gigabit, no RDMA fabric", False),
    ("aws", "g4dn.xlarge", None, "not stated in the catalog", False),
    # Azure: 'r' among the size's feature letters = RDMA-capable (InfiniBand on the N-series)
    ("azure", "Standard_ND96amsr_A100_v4", None, "InfiniBand", True),
    ("azure", "Standard_ND96isr_H100_v5", None, "InfiniBand", True),
    ("azure", "Standard_ND40rs_v2", None, "InfiniBand", True),
    ("azure", "Standard_NC24rs_v3", None, "InfiniBand", True),
    ("azure", "Standard_NC24s_v3", None, "no RDMA fabric", False),
    ("azure", "Standard_NC96ads_A100_v4", None, "no RDMA fabric", False),
    ("azure", "Standard_NC80adis_H100_v5", None, "no RDMA fabric", False),
    ("azure", "Standard_NV36adms_A10_v5", None, "no RDMA fabric", False),
    # GCP: the machine families with GPU NICs
    ("gcp", "a3-highgpu-8g", None, "GPUDirect-TCPX", True),
    ("gcp", "a3-megagpu-8g", None, "GPUDirect-TCPXO", True),
    ("gcp", "a4-highgpu-8g", None, "GPUDirect RDMA (RoCE)", True),
    ("gcp", "a3-highgpu-4g", None, "no RDMA fabric", False),
    ("gcp", "a2-ultragpu-8g", None, "no RDMA fabric", False),
    # a catalog that says nothing: unknown, never assumed either way
    ("primeintellect", "latitude__8xA100_80GB__128__1536", None, "not stated in the catalog", False),
    ("lambda", "gpu_8x_h100_sxm5", None, "not stated in the catalog", False),
])
def test_instance_network(provider, instance_type, network, label, fast):
    found = instance_network(provider, instance_type, network)
    assert (found.label, found.fast) == (label, fast)


def test_unknown_is_not_the_same_as_none():
    assert not instance_network("nebius", "gpu-h100-sxm_8gpu-128vcpu-1600gb").known
    assert instance_network("azure", "Standard_NC24s_v3").known
