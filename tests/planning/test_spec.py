"""WorkloadSpec: the contract's field names, validation, and how turns merge."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from stack8s_architect.planning.spec import WorkloadSpec

CONTRACT_FIELDS = (
    "task domain model_query model_id params_billions precision fine_tuning_method context_length concurrent_users "
    "requests_per_second latency_target_ms dataset_size_gb gpu_names gpu_count min_gpu_memory_gib "
    "budget_usd_per_month providers regions geography spot license compliance components use_local_cluster"
).split()
ADDITIONS = ["exclude_providers", "exclude_gpus", "runs_per_month", "deadline_hours", "exclude_places", "optimizer",
             "zero_stage", "cpu_offload", "flash_attention", "fused_loss", "use_case"]


def test_fields_are_the_design_contract() -> None:
    assert list(WorkloadSpec.model_fields) == CONTRACT_FIELDS + ADDITIONS
    assert WorkloadSpec().stated() == {}


def test_later_statements_override_and_components_accumulate() -> None:
    first = WorkloadSpec(task="inference", gpu_count=2, providers=["aws"], components=["MLflow"], compliance=["GDPR"])
    later = WorkloadSpec(gpu_count=4, providers=["gcp"], components=["Qdrant", "MLflow"], compliance=["HIPAA"])
    merged = first.merged(later)
    assert merged.gpu_count == 4 and merged.providers == ["gcp"] and merged.task == "inference"
    assert merged.components == ["MLflow", "Qdrant"] and merged.compliance == ["GDPR", "HIPAA"]
    assert first.merged(WorkloadSpec()) == first  # an empty turn drops nothing


@pytest.mark.parametrize("values", [{"task": "cooking"}, {"gpu_count": 0}, {"budget_usd_per_month": -5}, {"colour": 1}])
def test_bad_values_are_rejected(values: dict) -> None:
    with pytest.raises(ValidationError):
        WorkloadSpec(**values)


def test_a_provider_ruled_out_later_leaves_the_wanted_list_and_comes_back_when_wanted() -> None:
    first = WorkloadSpec(providers=["aws", "gcp"])
    no_aws = first.merged(WorkloadSpec(exclude_providers=["aws"]))
    assert no_aws.providers == ["gcp"] and no_aws.exclude_providers == ["aws"]
    no_azure_either = no_aws.merged(WorkloadSpec(exclude_providers=["azure"]))
    assert no_azure_either.exclude_providers == ["aws", "azure"]  # exclusions add up
    back = no_azure_either.merged(WorkloadSpec(providers=["aws"]))
    assert back.providers == ["aws"] and back.exclude_providers == ["azure"]


def test_a_place_wanted_later_lifts_its_exclusion_and_the_other_way_round() -> None:
    ruled_out = WorkloadSpec(exclude_places=["us", "europe"])
    assert ruled_out.merged(WorkloadSpec(geography="us")).exclude_places == ["europe"]
    assert WorkloadSpec(geography="japan").merged(WorkloadSpec(exclude_places=["japan"])).geography is None
