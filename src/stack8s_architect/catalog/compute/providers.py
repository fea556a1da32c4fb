"""How each provider of the compute catalog is deployed to: managed Kubernetes, VMs SkyPilot launches, or rented
machines and containers only.

A plan's deliverables are only as good as the place they land: a node selector on an instance type that no
Kubernetes node will ever carry, or a SkyPilot task for a cloud SkyPilot rejects, is a plan nobody can apply. So
each provider says

* `kubernetes` — its managed Kubernetes service with GPU node pools of the catalog's instance types (EKS, GKE, AKS,
  Nebius, IBM Cloud Kubernetes Service), and whether those nodes carry the instance type in the well-known label
  `node.kubernetes.io/instance-type` (set by the provider's cloud controller);
* `skypilot` — whether SkyPilot launches it (`SKYPILOT_CLOUDS`: the `resources.cloud` values the pinned SkyPilot
  release accepts, checked against the package in the tests);
* `rents` — what is rented when there is no managed Kubernetes: VMs or bare metal one can turn into a cluster
  (k3s, kubeadm), or containers one cannot.

GPU nodes on any cluster running the NVIDIA GPU operator carry GPU feature discovery's `nvidia.com/gpu.product`;
`GPU_PRODUCTS` holds the values it writes for each accelerator, so the manifests can select the GPU where no
instance-type label exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# The catalog's providers SkyPilot 0.14.1 launches: its `resources.cloud` values (sky.utils.registry.CLOUD_REGISTRY)
# that are also compute-catalog providers; tests check it against the schema vendored in rendering/schemas/.
# Not among them: hyperstack, jarvislabs, lium ("'lium' is not one of [...]").
SKYPILOT_VERSION = "0.14.1"
SKYPILOT_CLOUDS = frozenset({"aws", "gcp", "azure", "lambda", "runpod", "vast", "nebius", "cudo", "fluidstack", "ibm",
                             "hyperbolic", "seeweb", "shadeform", "primeintellect", "mithril", "verda", "yotta"})

INSTANCE_TYPE_LABEL = "node.kubernetes.io/instance-type"
GPU_PRODUCT_LABEL = "nvidia.com/gpu.product"


@dataclass(frozen=True)
class ProviderDeployment:
    provider: str
    name: str  # as its maker writes it
    kubernetes: str | None  # the managed Kubernetes service with GPU node pools, when there is one
    instance_type_label: bool  # its Kubernetes nodes carry node.kubernetes.io/instance-type = the catalog's type
    rents: Literal["VMs", "bare metal", "containers"]

    @property
    def skypilot(self) -> bool:
        return self.provider in SKYPILOT_CLOUDS

    @property
    def cluster_possible(self) -> bool:
        """A Kubernetes cluster can run there: a managed one, or one built on rented VMs or machines."""
        return self.kubernetes is not None or self.rents != "containers"

    def how(self, instance_type: str) -> str:
        """One sentence: how the plan's option on this provider is deployed."""
        if self.kubernetes:
            return (f"{self.kubernetes}: a GPU node pool of {instance_type}; apply helmfile.yaml and manifests/"
                    + (" (or launch skypilot.yaml)" if self.skypilot else ""))
        rented = f"{instance_type} on {self.name}"
        if self.skypilot and self.rents == "containers":
            return (f"{rented} is a container, not a Kubernetes node: launch skypilot.yaml (SkyPilot runs the "
                    "workload there); the manifests need a Kubernetes cluster elsewhere")
        if self.skypilot:
            return (f"{rented} (no managed Kubernetes): launch skypilot.yaml, or install Kubernetes (k3s) on the "
                    f"rented {self.rents} and apply the manifests (they select GPU nodes by the GPU operator's "
                    "product label)")
        if self.rents == "containers":
            return (f"{rented} is a container and SkyPilot does not support {self.name}: start it from the provider's "
                    "console with the image and command of the manifests")
        return (f"{rented} (no managed Kubernetes, and SkyPilot does not support {self.name}): install Kubernetes "
                f"(k3s) on the rented {self.rents} and apply the manifests (they select GPU nodes by the GPU "
                "operator's product label)")


@dataclass(frozen=True)
class StorageClasses:
    """The StorageClasses a provider's managed Kubernetes offers for the plan's volumes."""

    block: str | None  # ReadWriteOnce volumes; None: the cluster's default class
    shared: str | None  # ReadWriteMany volumes (pods on several nodes); None: none the provider builds in
    note: str


# The bundle's own EBS class on EKS: clusters created on EKS 1.30 and later mark no StorageClass as default, and gp2's
# in-tree provisioner needs the EBS CSI driver anyway — so the bundle brings a gp3 class for that driver.
EKS_STORAGE_CLASS = "stack8s-gp3"
_STORAGE = {
    "aws": StorageClasses(EKS_STORAGE_CLASS, "efs-sc",
                          "EBS gp3 volumes through the Amazon EBS CSI driver add-on (the bundle's StorageClass "
                          f"{EKS_STORAGE_CLASS}); ReadWriteMany volumes on EFS: install the Amazon EFS CSI driver "
                          "add-on and create the StorageClass efs-sc with your file system's id"),
    "gcp": StorageClasses("standard-rwo", "standard-rwx",
                          "GKE's Persistent Disk class standard-rwo (pd-balanced); ReadWriteMany volumes on Filestore: "
                          "enable the Filestore CSI driver, which creates standard-rwx"),
    "azure": StorageClasses("managed-csi", "azurefile-csi", "AKS's built-in Azure Disk (managed-csi) and Azure Files "
                                                            "(azurefile-csi) classes"),
}
_DEFAULT_STORAGE = StorageClasses(None, None, "the cluster's default StorageClass (k3s: local-path, on the node's "
                                              "disk); ReadWriteMany volumes need a shared-filesystem class (NFS, "
                                              "CephFS or the provider's file storage)")


def storage_classes(provider: str | None) -> StorageClasses:
    """The classes the plan's volumes ask for on `provider`'s managed Kubernetes (the cluster default elsewhere)."""
    return _STORAGE.get(provider or "", _DEFAULT_STORAGE)


_PROVIDERS = {p.provider: p for p in (
    ProviderDeployment("aws", "AWS", "Amazon EKS", True, "VMs"),
    ProviderDeployment("gcp", "Google Cloud", "GKE", True, "VMs"),
    ProviderDeployment("azure", "Azure", "AKS", True, "VMs"),
    ProviderDeployment("nebius", "Nebius", "Nebius Managed Service for Kubernetes", False, "VMs"),
    ProviderDeployment("ibm", "IBM Cloud", "IBM Cloud Kubernetes Service", True, "VMs"),
    ProviderDeployment("lambda", "Lambda", None, False, "VMs"),
    ProviderDeployment("cudo", "Cudo Compute", None, False, "VMs"),
    ProviderDeployment("fluidstack", "Fluidstack", None, False, "VMs"),
    ProviderDeployment("hyperbolic", "Hyperbolic", None, False, "VMs"),
    ProviderDeployment("seeweb", "Seeweb", None, False, "VMs"),
    ProviderDeployment("shadeform", "Shadeform", None, False, "VMs"),
    ProviderDeployment("primeintellect", "Prime Intellect", None, False, "VMs"),
    ProviderDeployment("mithril", "Mithril", None, False, "VMs"),
    ProviderDeployment("verda", "Verda (DataCrunch)", None, False, "VMs"),
    ProviderDeployment("hyperstack", "Hyperstack", None, False, "VMs"),
    ProviderDeployment("yotta", "Yotta", None, False, "VMs"),
    ProviderDeployment("jarvislabs", "JarvisLabs", None, False, "containers"),
    ProviderDeployment("runpod", "RunPod", None, False, "containers"),
    ProviderDeployment("vast", "Vast.ai", None, False, "containers"),
    ProviderDeployment("lium", "Lium", None, False, "containers"),
)}


def provider_deployment(provider: str) -> ProviderDeployment:
    """How `provider` is deployed to; a provider this table does not know is taken as rented VMs without managed
    Kubernetes (the conservative reading: nothing assumed that may not exist)."""
    return _PROVIDERS.get(provider) or ProviderDeployment(provider, provider, None, False, "VMs")


def known_deployments() -> list[str]:
    return sorted(_PROVIDERS)


# GPU feature discovery's `nvidia.com/gpu.product` values per accelerator key (the device name with spaces as '-');
# tests check each resolves back to its key through the local cluster's own reading of these labels.
GPU_PRODUCTS: dict[str, tuple[str, ...]] = {
    "T4": ("Tesla-T4",),
    "V100-16GB": ("Tesla-V100-SXM2-16GB", "Tesla-V100-PCIE-16GB"),
    "V100-32GB": ("Tesla-V100-SXM2-32GB", "Tesla-V100-PCIE-32GB"),
    "A10G": ("NVIDIA-A10G",),
    "A10": ("NVIDIA-A10",),
    "L4": ("NVIDIA-L4",),
    "L40S": ("NVIDIA-L40S",),
    "L40": ("NVIDIA-L40",),
    "A100-40GB": ("NVIDIA-A100-SXM4-40GB", "NVIDIA-A100-PCIE-40GB"),
    "A100-80GB": ("NVIDIA-A100-SXM4-80GB",),
    "A100-80GB-PCIe": ("NVIDIA-A100-80GB-PCIe",),
    "H100-SXM": ("NVIDIA-H100-80GB-HBM3",),
    "H100-PCIe": ("NVIDIA-H100-PCIe",),
    "H200": ("NVIDIA-H200",),
    "B200": ("NVIDIA-B200",),
    "RTX4090": ("NVIDIA-GeForce-RTX-4090",),
    "RTX3090": ("NVIDIA-GeForce-RTX-3090",),
    "RTX5090": ("NVIDIA-GeForce-RTX-5090",),
    "RTXA6000": ("NVIDIA-RTX-A6000",),
    "RTX6000-Ada": ("NVIDIA-RTX-6000-Ada-Generation",),
    "RTXPRO6000": ("NVIDIA-RTX-PRO-6000-Blackwell-Server-Edition",),
}


# What a Kubernetes node keeps for itself (kubelet, container runtime, OS), as GKE documents it — the most
# conservative of the managed services for small nodes (EKS's and AKS's memory reservations are lower): CPU 6 % of
# the first core, 1 % of the second, 0.5 % of the next two, 0.25 % of the rest; memory 25 % of the first 4 GiB, 20 %
# of the next 4, 10 % of the next 8, 6 % of the next 112, 2 % of the rest; plus the 100 MiB eviction threshold.
# DaemonSets on every GPU node (device plugin, feature discovery, DCGM exporter, node exporter, CNI, logging) are
# kept 0.5 vCPU and 1 GiB on top.
_CPU_TIERS = ((1, 0.06), (1, 0.01), (2, 0.005), (float("inf"), 0.0025))
_MEMORY_TIERS = ((4, 0.25), (4, 0.20), (8, 0.10), (112, 0.06), (float("inf"), 0.02))
EVICTION_GIB = 100 / 1024
DAEMONSETS_CPU = 0.5
DAEMONSETS_GIB = 1.0


def _tiered(amount: float, tiers: tuple[tuple[float, float], ...]) -> float:
    reserved, left = 0.0, amount
    for size, share in tiers:
        step = min(left, size)
        reserved += step * share
        left -= step
        if left <= 0:
            break
    return reserved


def schedulable(vcpus: float, memory_gib: float) -> tuple[float, float]:
    """(vCPUs, GiB) a node of this size leaves to workload pods: its allocatable (capacity − the kubelet's and the
    system's reservations − the eviction threshold) less what the GPU node's DaemonSets take."""
    cpu = vcpus - _tiered(vcpus, _CPU_TIERS) - DAEMONSETS_CPU
    memory = memory_gib - _tiered(memory_gib, _MEMORY_TIERS) - EVICTION_GIB - DAEMONSETS_GIB
    return max(0.0, cpu), max(0.0, memory)
