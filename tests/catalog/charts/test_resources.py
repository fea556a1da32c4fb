"""Default resource requests from a chart's values: quantities, presets, what counts, and GPU keys."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from stack8s_architect.catalog.charts.resources import (
    BITNAMI_PRESETS,
    ChartResources,
    GpuKey,
    ResourceEntry,
    chart_resources,
    cpu_millicores,
    memory_mib,
)


def _by_path(result: ChartResources) -> dict[str, ResourceEntry]:
    return {entry.path: entry for entry in result.entries}


# --- quantities ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("500m", 500),
        ("1", 1000),
        (1, 1000),
        (1.5, 1500),
        ("0.25", 250),
        (".5", 500),
        ("2.", 2000),
        (" 250m ", 250),
        ("100u", 0),
        ("1e-1", 100),
        ("1k", 1_000_000),
        (0, 0),
        ("0.0005", 1),  # half a millicore rounds up, not to even
    ],
)
def test_cpu_millicores(value: object, expected: int) -> None:
    assert cpu_millicores(value) == expected


@pytest.mark.parametrize(
    "value",
    [None, "", "abc", "{{ .Values.cpu }}", "-1", -1, "1.5.3", "500 m", "1e3m", "1Mx", True, False, [], {}, float("nan"),
     float("inf"), "1e999", 10**40],
)
def test_cpu_millicores_junk_is_none(value: object) -> None:
    assert cpu_millicores(value) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1Gi", 1024),
        ("512Mi", 512),
        ("2048Ki", 2),
        ("1Ti", 1024 * 1024),
        ("512M", 488),
        ("1G", 954),
        ("1e9", 954),
        ("1E9", 954),
        ("1000000k", 954),
        ("1000000K", 954),
        ("1T", 953_674),
        (1073741824, 1024),
        ("1073741824", 1024),
        (1.5e9, 1431),
        ("0.5Gi", 512),
        ("100Ki", 0),
    ],
)
def test_memory_mib(value: object, expected: int) -> None:
    assert memory_mib(value) == expected


@pytest.mark.parametrize(
    "value", [None, "", "lots", "1GB", "1gi", "-512Mi", "{{ .Values.memory }}", True, [1], {"x": 1}, "1Zi"]
)
def test_memory_mib_junk_is_none(value: object) -> None:
    assert memory_mib(value) is None


# --- entries, presets, what counts -----------------------------------------------------------------


def test_requests_and_limits_block_is_an_entry() -> None:
    values = {"server": {"resources": {"requests": {"cpu": "250m", "memory": "1Gi"}, "limits": {"memory": "2Gi"}}}}
    (entry,) = chart_resources(values).entries
    assert entry == ResourceEntry(
        path="server.resources",
        requests_cpu_m=250,
        requests_memory_mi=1024,
        limits_cpu_m=None,
        limits_memory_mi=2048,
        gpus=None,
        preset=None,
        replicas=None,
        enabled_by_default=True,
        auxiliary=False,
    )


def test_preset_expands_from_the_bitnami_table() -> None:
    result = chart_resources({"master": {"resources": {}, "resourcesPreset": "medium"}})
    (entry,) = result.entries
    assert (entry.path, entry.preset) == ("master.resourcesPreset", "medium")
    assert (entry.requests_cpu_m, entry.requests_memory_mi, entry.limits_cpu_m, entry.limits_memory_mi) == (
        500,
        1024,
        750,
        1536,
    )
    assert (result.requests_cpu_m, result.requests_memory_mi) == (500, 1024)
    assert result.declares_requests


def test_preset_table_matches_bitnami_common() -> None:
    assert list(BITNAMI_PRESETS) == ["nano", "micro", "small", "medium", "large", "xlarge", "2xlarge"]
    assert BITNAMI_PRESETS["nano"].requests_cpu_m == 100
    assert BITNAMI_PRESETS["large"].limits_cpu_m == 1500
    assert BITNAMI_PRESETS["2xlarge"].limits_memory_mi == 12288


def test_preset_without_any_resources_key_still_applies() -> None:
    (entry,) = chart_resources({"resourcesPreset": "nano"}).entries
    assert (entry.path, entry.requests_memory_mi) == ("resourcesPreset", 128)


def test_resources_set_beats_the_preset() -> None:
    values = {"web": {"resourcesPreset": "large", "resources": {"requests": {"cpu": "2", "memory": "4Gi"}}}}
    result = chart_resources(values)
    assert [entry.path for entry in result.entries] == ["web.resources"]
    assert (result.requests_cpu_m, result.requests_memory_mi) == (2000, 4096)


def test_preset_none_or_unknown_makes_no_entry() -> None:
    values = {
        "a": {"resources": {}, "resourcesPreset": "none"},
        "b": {"resources": {}, "resourcesPreset": "huge"},
        "c": {"resourcesPreset": "{{ .Values.size }}"},
        "d": {"resourcesPreset": ["nano"]},
    }
    result = chart_resources(values)
    assert result.entries == ()
    assert not result.declares_requests


def test_resources_without_requests_or_limits_is_not_an_entry() -> None:
    values = {"custom": {"resources": {"cpu": "1", "memory": "1Gi"}, "resourcesPreset": "nano"}}
    assert chart_resources(values).entries == ()


def test_volume_claim_template_storage_is_not_a_container() -> None:
    values = {"volumeClaimTemplate": {"resources": {"requests": {"storage": "30Gi"}}}}
    assert chart_resources(values).entries == ()


def test_enabled_false_ancestor_is_not_counted() -> None:
    values = {
        "master": {"resourcesPreset": "nano"},
        "metrics": {"enabled": False, "exporter": {"resources": {"requests": {"cpu": "1", "memory": "1Gi"}}}},
        "sentinel": {"enabled": "false", "resourcesPreset": "nano"},  # a string is truthy to Helm
    }
    result = chart_resources(values)
    entries = _by_path(result)
    assert entries["metrics.exporter.resources"].enabled_by_default is False
    assert entries["sentinel.resourcesPreset"].enabled_by_default is True
    assert (result.requests_cpu_m, result.requests_memory_mi) == (200, 256)


def test_disabled_true_switches_off_like_enabled_false() -> None:
    values = {"groups": {"small": {"disabled": True, "resources": {"requests": {"cpu": "1"}}}}}
    result = chart_resources(values)
    assert result.entries[0].enabled_by_default is False
    assert result.requests_cpu_m == 0


@pytest.mark.parametrize(
    "path",
    [
        ("initContainers", 0),
        ("defaultInitContainers", "prepareConfig"),
        ("volumePermissions",),
        ("tests",),
        ("chartTests", "dbInteraction"),
        ("setupDBJob",),
        ("backup", "cronjob"),
        ("migration",),
        ("hooks", "dbInit"),
        ("preUpgradeJob",),
        ("crds", "cleanup"),
        ("sysctl",),
        ("certgen",),
    ],
)
def test_auxiliary_containers_are_not_counted(path: tuple[str | int, ...]) -> None:
    node: Any = {"resources": {"requests": {"cpu": "300m", "memory": "300Mi"}}}
    for step in reversed(path):
        node = [node] if isinstance(step, int) else {step: node}
    result = chart_resources({"server": {"resourcesPreset": "nano"}, **node})
    auxiliary = [entry for entry in result.entries if entry.auxiliary]
    assert len(auxiliary) == 1
    assert (result.requests_cpu_m, result.requests_memory_mi) == (100, 128)


@pytest.mark.parametrize("name", ["webhook", "jobservice", "initialDelay", "latest", "controller"])
def test_long_running_components_are_not_auxiliary(name: str) -> None:
    result = chart_resources({name: {"resourcesPreset": "nano"}})
    assert result.entries[0].auxiliary is False
    assert result.requests_cpu_m == 100


def test_init_containers_list_paths_use_indexes() -> None:
    values = {"initContainers": [{"name": "a"}, {"name": "b", "resources": {"limits": {"cpu": "1"}}}]}
    (entry,) = chart_resources(values).entries
    assert entry.path == "initContainers[1].resources"
    assert entry.auxiliary


def test_replicas_multiply_the_second_totals() -> None:
    values = {
        "master": {"resourcesPreset": "nano"},
        "replica": {"replicaCount": 3, "resourcesPreset": "nano"},
        "broker": {"replicas": 0, "resourcesPreset": "small"},
        "odd": {"replicaCount": "2", "replicas": True, "resourcesPreset": "nano"},
    }
    result = chart_resources(values)
    entries = _by_path(result)
    assert entries["replica.resourcesPreset"].replicas == 3
    assert entries["broker.resourcesPreset"].replicas == 0
    assert entries["odd.resourcesPreset"].replicas is None
    assert (result.requests_cpu_m, result.requests_memory_mi) == (800, 896)
    assert (result.requests_with_replicas_cpu_m, result.requests_with_replicas_memory_mi) == (500, 640)


def test_missing_request_values_count_as_zero() -> None:
    values = {
        "a": {"resources": {"requests": {"memory": "1Gi"}}},
        "b": {"resources": {"requests": {"cpu": "{{ .Values.cpu }}"}, "limits": {"cpu": "1"}}},
    }
    result = chart_resources(values)
    assert (result.requests_cpu_m, result.requests_memory_mi) == (0, 1024)
    assert _by_path(result)["b.resources"].limits_cpu_m == 1000
    assert result.declares_requests


def test_only_limits_do_not_declare_requests() -> None:
    result = chart_resources({"resources": {"limits": {"cpu": "1", "memory": "1Gi"}}, "replicaCount": 2})
    assert result.entries[0].replicas == 2
    assert not result.declares_requests


# --- GPUs ------------------------------------------------------------------------------------------


def test_gpu_resources_count_into_gpus_not_gpu_keys() -> None:
    values = {
        "model": {"resources": {"requests": {"cpu": "4"}, "limits": {"nvidia.com/gpu": "2"}}},
        "rocm": {"resources": {"requests": {"amd.com/gpu": 1}, "limits": {"amd.com/gpu": 1}}},
        "off": {"enabled": False, "resources": {"limits": {"nvidia.com/gpu": 8}}},
        "junk": {"resources": {"limits": {"nvidia.com/gpu": "0.5"}}},
    }
    result = chart_resources(values)
    entries = _by_path(result)
    assert entries["model.resources"].gpus == 2
    assert entries["rocm.resources"].gpus == 1
    assert entries["junk.resources"].gpus is None
    assert result.gpus == 3
    assert result.gpu_keys == ()


def test_gpu_keys_in_a_vllm_model_spec_list() -> None:
    values = {
        "servingEngineSpec": {
            "modelSpec": [
                {
                    "name": "opt125m",
                    "replicaCount": 1,
                    "resources": {},
                    "requestCPU": 6,
                    "requestGPU": 1,
                    "requestGPUType": "nvidia.com/mig-4g.71gb",
                    "vllmConfig": {"gpuMemoryUtilization": 0.95, "extraArgs": ["--gpu-memory-utilization", "0.9"]},
                }
            ]
        }
    }
    result = chart_resources(values)
    assert result.gpu_keys == (
        GpuKey("servingEngineSpec.modelSpec[0].requestGPU", "1"),
        GpuKey("servingEngineSpec.modelSpec[0].requestGPUType", "nvidia.com/mig-4g.71gb"),
        GpuKey("servingEngineSpec.modelSpec[0].vllmConfig.gpuMemoryUtilization", "0.95"),
    )
    assert result.entries == ()
    assert result.gpus == 0


def test_gpu_key_triton_num_gpus() -> None:
    result = chart_resources({"image": {"imageName": "nvcr.io/nvidia/tritonserver:25.01-py3", "numGpus": 1}})
    assert result.gpu_keys == (GpuKey("image.numGpus", "1"),)


def test_gpu_keys_ollama_gpu_group() -> None:
    values = {"ollama": {"port": 11434, "gpu": {"enabled": False, "type": "nvidia", "number": 1, "devices": []}}}
    result = chart_resources(values)
    assert result.gpu_keys == (
        GpuKey("ollama.gpu.enabled", "false"),
        GpuKey("ollama.gpu.type", "nvidia"),
        GpuKey("ollama.gpu.number", "1"),
        GpuKey("ollama.gpu.devices", "[]"),
    )


def test_gpu_component_shows_only_its_switch() -> None:
    values = {"vgpuManager": {"enabled": True, "repository": "nvcr.io/nvidia", "image": "vgpu-manager", "env": []}}
    assert chart_resources(values).gpu_keys == (GpuKey("vgpuManager.enabled", "true"),)


def test_gpu_keys_are_capped_and_long_values_cut() -> None:
    values = {f"gpu{index}": index for index in range(30)} | {"gpuDashboard": "x" * 1000, "gpuList": list(range(50))}
    result = chart_resources(values)
    assert len(result.gpu_keys) == 20
    assert result.gpu_keys[0] == GpuKey("gpu0", "0")
    long = chart_resources({"gpuDashboard": "x" * 1000}).gpu_keys[0]
    assert len(long.value) <= 80 and long.value.endswith("...")
    assert chart_resources({"gpuList": list(range(50))}).gpu_keys == ()


# --- serialisation and odd input -------------------------------------------------------------------


def test_to_dict_round_trips_through_json() -> None:
    values = {
        "master": {"resourcesPreset": "nano", "replicaCount": 2},
        "worker": {"resources": {"requests": {"cpu": "1", "memory": "2Gi"}, "limits": {"nvidia.com/gpu": 1}}},
        "image": {"numGpus": 1},
    }
    result = chart_resources(values)
    data = json.loads(json.dumps(result.to_dict()))
    assert ChartResources.from_dict(data) == result
    assert data["requests_with_replicas_cpu_m"] == 1200
    assert data["gpu_keys"] == [{"path": "image.numGpus", "value": "1"}]
    assert set(data["entries"][0]) >= {"path", "requests_cpu_m", "preset", "enabled_by_default", "auxiliary"}


@pytest.mark.parametrize("values", [None, [], ["resources"], "resources: {}", 42, b"x"])
def test_non_mapping_input_gives_empty_result(values: object) -> None:
    result = chart_resources(values)
    assert result.entries == () and result.gpu_keys == ()
    assert (result.requests_cpu_m, result.requests_with_replicas_memory_mi, result.gpus) == (0, 0, 0)
    assert not result.declares_requests


def test_odd_values_trees_do_not_raise() -> None:
    cyclic: dict[object, object] = {"resources": {"requests": {"cpu": "1"}}}
    cyclic["self"] = cyclic
    deep: dict[str, object] = {"resourcesPreset": "nano"}
    for _ in range(500):
        deep = {"x": deep}
    values = {
        None: {"resources": None},
        2: {"resources": []},
        True: {"resources": {"requests": None, "limits": "lots"}},
        ("a", "b"): {"resources": {"requests": {"cpu": [1], "memory": {"x": 1}}}},
        "loop": cyclic,
        "deep": deep,
        "gpu": None,
    }
    result = chart_resources(values)
    assert [entry.path for entry in result.entries] == ["[a, b].resources", "loop.resources"]
    assert result.entries[0].requests_cpu_m is None
    assert result.requests_cpu_m == 1000
    assert result.gpu_keys == (GpuKey("gpu", "null"),)


def test_yaml_anchors_are_walked_at_every_alias() -> None:
    text = """
defaults: &defaults
  resources:
    requests: {cpu: 100m, memory: 64Mi}
api:
  <<: *defaults
  replicaCount: 2
worker: *defaults
"""
    result = chart_resources(yaml.safe_load(text))
    assert [entry.path for entry in result.entries] == ["defaults.resources", "api.resources", "worker.resources"]
    assert (result.requests_cpu_m, result.requests_with_replicas_cpu_m) == (300, 400)


def test_document_order_is_kept() -> None:
    values = {"z": {"resourcesPreset": "nano"}, "a": {"resourcesPreset": "micro"}, "m": {"resourcesPreset": "small"}}
    assert [entry.preset for entry in chart_resources(values).entries] == ["nano", "micro", "small"]
