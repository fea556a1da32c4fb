"""How each provider is deployed to: the table covers every catalog provider, SkyPilot's clouds are SkyPilot's own
(its vendored task schema), and the GPU product labels are the ones the local cluster reading resolves back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stack8s_architect.catalog.compute.providers import (GPU_PRODUCTS, SKYPILOT_CLOUDS, known_deployments,
                                                         provider_deployment)
from stack8s_architect.catalog.compute.service import known_providers
from stack8s_architect.catalog.gpus.names import device_accelerator_key
from stack8s_architect.catalog.gpus.specs import ACCELERATOR_SPECS
from stack8s_architect.rendering import validation

SCHEMA = Path(validation.__file__).parent / "schemas" / validation.SKYPILOT_SCHEMA


def test_every_catalog_provider_has_a_deployment_model() -> None:
    assert set(known_providers()) <= set(known_deployments())


def test_skypilot_clouds_are_the_ones_skypilot_accepts() -> None:
    accepted = set(json.loads(SCHEMA.read_text())["properties"]["resources"]["properties"]["cloud"]["enum"])
    assert SKYPILOT_CLOUDS == accepted & set(known_providers())
    assert {"lium", "hyperstack", "jarvislabs"}.isdisjoint(SKYPILOT_CLOUDS)  # "'lium' is not one of [...]"


@pytest.mark.parametrize(("provider", "kubernetes", "skypilot", "says"), [
    ("aws", "Amazon EKS", True, "node pool of g5.xlarge"),
    ("gcp", "GKE", True, "node pool"),
    ("lium", None, False, "start it from the provider's console"),  # containers, unknown to SkyPilot
    ("runpod", None, True, "launch skypilot.yaml"),  # containers SkyPilot runs
    ("lambda", None, True, "install Kubernetes (k3s)"),  # VMs: a cluster can be built on them
    ("hyperstack", None, False, "install Kubernetes (k3s)"),
])
def test_how_each_kind_of_provider_is_deployed(provider: str, kubernetes: str | None, skypilot: bool, says: str) -> None:
    place = provider_deployment(provider)
    assert (place.kubernetes, place.skypilot) == (kubernetes, skypilot)
    assert says in place.how("g5.xlarge") and "g5.xlarge" in place.how("g5.xlarge")


def test_an_unknown_provider_is_assumed_to_have_nothing_managed() -> None:
    place = provider_deployment("newcloud")
    assert place.kubernetes is None and not place.skypilot and not place.instance_type_label


@pytest.mark.parametrize("key", sorted(GPU_PRODUCTS))
def test_gpu_product_labels_resolve_back_to_their_accelerator(key: str) -> None:
    assert key in ACCELERATOR_SPECS
    assert all(device_accelerator_key(product) == key for product in GPU_PRODUCTS[key])


def test_what_a_node_leaves_to_pods_by_hand() -> None:
    from stack8s_architect.catalog.compute.providers import schedulable

    # g5.xlarge, 4 vCPU / 16 GiB: CPU 4 − (0.06 + 0.01 + 2 × 0.005) − 0.5 = 3.42; memory 16 − (1 + 0.8 + 0.8)
    # − 100 MiB − 1 GiB = 12.30 GiB — the flat 85 % used before (13.6 GiB) would not fit such a node
    cpu, memory = schedulable(4, 16)
    assert cpu == pytest.approx(3.42) and memory == pytest.approx(16 - 2.6 - 100 / 1024 - 1)
    assert memory < 16 * 0.85
    assert schedulable(0.5, 0.5) == (0.0, 0.0)  # nothing left: never negative
