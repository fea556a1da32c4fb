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
