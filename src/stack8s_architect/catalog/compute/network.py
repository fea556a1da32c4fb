"""The network between instances of an offer: whether GPUs on different machines talk over an RDMA-class fabric.

A training job that spans instances exchanges gradients every step; over plain Ethernet (TCP through the host) the
GPUs wait on the network, with a fabric (EFA, InfiniBand, GPUDirect) they do not. What is known, and from where:

* **AWS** — the instance's `network` as the aws-gpu-vantage catalog states it: "400 Gbps EFA", "3200 Gbps EFAv2"
  (Elastic Fabric Adapter, with its bandwidth); "100 Gigabit" without "EFA" is Ethernet as far as the catalog says.
* **Azure** — the size name: a lower-case `r` among the letters after the vCPU count marks an RDMA-capable size
  (Azure's VM naming convention), whose N-series GPUs sit on InfiniBand: ND96isr_H100_v5, ND96amsr_A100_v4,
  ND40rs_v2, NC24rs_v3.
* **GCP** — the machine family: a3-highgpu-8g (GPUDirect-TCPX), a3-megagpu-8g (GPUDirect-TCPXO), a3-ultragpu-8g and
  a4-highgpu-8g (GPUDirect RDMA over RoCE). The smaller a3-highgpu shapes and the A2 family have no GPU NICs.
* Any other provider's catalog says nothing about its network: unknown, and the plan says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_AWS_EFA = re.compile(r"^\s*([\d.]+)\s*gbps\s+(efa(?:v\d+)?)\b", re.IGNORECASE)
_AZURE_RDMA = re.compile(r"^standard_n[cdv]\d+[a-z]*r[a-z]*_", re.IGNORECASE)
_GCP_FABRICS = {"a3-highgpu-8g": "GPUDirect-TCPX", "a3-megagpu-8g": "GPUDirect-TCPXO",
                "a3-ultragpu-8g": "GPUDirect RDMA (RoCE)", "a3-ultragpu-8g-nolssd": "GPUDirect RDMA (RoCE)",
                "a4-highgpu-8g": "GPUDirect RDMA (RoCE)"}


@dataclass(frozen=True)
class Network:
    """What is known of an offer's network between instances."""

    fabric: str | None  # EFA, EFAv2, InfiniBand, GPUDirect-TCPX…; None: plain Ethernet or not stated
    gbps: float | None  # the fabric's bandwidth, when the catalog states it
    basis: str  # where the fact comes from
    known: bool = True  # False: the provider's catalog says nothing about its network
    stated: str | None = None  # the catalog's own words for a network without a fabric ("Up to 25 Gigabit")

    @property
    def fast(self) -> bool:
        """GPUs on different instances exchange data over an RDMA-class fabric."""
        return self.fabric is not None

    @property
    def label(self) -> str:
        speed = f" {self.gbps:g} Gbps" if self.gbps else ""
        if self.fabric:
            return f"{self.fabric}{speed}"
        if not self.known:
            return "not stated in the catalog"
        return f"{self.stated}, no RDMA fabric" if self.stated else "no RDMA fabric"


def instance_network(provider: str, instance_type: str, network: str | None = None) -> Network:
    """The network between instances of `instance_type` on `provider`, from the catalog's `network` text (AWS) or the
    provider's own naming of its RDMA-capable machines (Azure, GCP)."""
    if provider == "aws":
        if network and (efa := _AWS_EFA.match(network)):
            fabric = efa.group(2)
            return Network(fabric[:3].upper() + fabric[3:], float(efa.group(1)), "aws-gpu-vantage network column")
        return Network(None, None, "aws-gpu-vantage network column", known=bool(network), stated=network)
    if provider == "azure":
        if _AZURE_RDMA.match(instance_type):
            return Network("InfiniBand", None, "Azure size name: 'r' marks an RDMA-capable size")
        return Network(None, None, "Azure size name: not an RDMA-capable size")
    if provider == "gcp":
        fabric = _GCP_FABRICS.get(instance_type)
        return Network(fabric, None, "GCP machine family" if fabric else "GCP machine family: no GPU NICs")
    return Network(None, None, f"{provider}'s catalog does not state the network", known=False)
