"""`WorkloadSpec`: what the user wants, as DESIGN.md names it. Every field is optional.

A conversation's spec is the merge of every turn's findings: a later statement overrides an earlier
one ("actually 4 GPUs"); components accumulate ("also MLflow"), so nothing said is silently dropped.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Task = Literal["inference", "training", "fine_tuning", "batch_inference"]
Domain = Literal["llm", "vision", "medical_imaging", "speech", "image_generation", "embeddings", "multimodal",
                 "tabular", "other"]
FineTuningMethod = Literal["full", "lora", "qlora"]

# Fields whose values add up across turns instead of replacing each other.
_ACCUMULATING = ("components", "compliance", "exclude_providers", "exclude_gpus", "exclude_places")
# (wanted, ruled out): naming one in a later turn lifts it from the other
_OPPOSITES = (("providers", "exclude_providers"), ("gpu_names", "exclude_gpus"))


# Domains whose model is chosen by what it looks at ("lung nodules on CT", "a brain tumour on MRI"): the user's use
# case is read there, and is the model search's query when no model is named.
SUBJECT_DOMAINS = frozenset({"medical_imaging"})


class WorkloadSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    task: Task | None = None
    domain: Domain | None = None
    model_query: str | None = Field(default=None, description="the model as the user named it: 'Llama 3.1 70B'")
    model_id: str | None = Field(default=None, description="the catalog id the query resolved to")
    params_billions: float | None = Field(default=None, gt=0)
    precision: str | None = None
    fine_tuning_method: FineTuningMethod | None = None
    context_length: int | None = Field(default=None, gt=0)
    concurrent_users: int | None = Field(default=None, gt=0)
    requests_per_second: float | None = Field(default=None, gt=0)
    latency_target_ms: float | None = Field(default=None, gt=0)
    dataset_size_gb: float | None = Field(default=None, gt=0)
    gpu_names: list[str] | None = None
    gpu_count: int | None = Field(default=None, gt=0)
    min_gpu_memory_gib: float | None = Field(default=None, gt=0)
    budget_usd_per_month: float | None = Field(default=None, gt=0)
    providers: list[str] | None = None
    regions: list[str] | None = None
    geography: str | None = None
    spot: bool | None = None
    license: str | None = Field(default=None, description="commercial-use, permissive, or a licence id")
    compliance: list[str] | None = None
    components: list[str] | None = None
    use_local_cluster: bool | None = None
    # Additions beyond DESIGN.md's names (after them, optional):
    exclude_providers: list[str] | None = Field(default=None, description="clouds ruled out: 'anything but Azure'")
    exclude_gpus: list[str] | None = Field(default=None, description="GPUs ruled out as named: 'no T4s'")
    runs_per_month: float | None = Field(default=None, gt=0, description="a recurring job's runs a month: nightly 30, "
                                         "weekly 4.33, hourly 730")
    deadline_hours: float | None = Field(default=None, gt=0, description="a finite job's wall-clock limit: 'within 2 "
                                         "days' → 48; offers that finish in time rank first")
    exclude_places: list[str] | None = Field(default=None, description="places ruled out as said: 'not in the US' "
                                             "→ ['us']; no offer located there is listed")
    optimizer: Literal["adamw", "adamw_8bit", "paged_adamw_8bit", "adafactor", "sgd"] | None = Field(
        default=None, description="training optimizer as said: '8-bit adam' → adamw_8bit")
    zero_stage: int | None = Field(default=None, ge=0, le=3, description="ZeRO stage as said: 'zero 2' → 2; FSDP → 3")
    cpu_offload: bool | None = Field(default=None, description="optimizer states offloaded to the CPU (ZeRO-Offload)")
    flash_attention: bool | None = Field(default=None, description="false when the user trains without it")
    fused_loss: bool | None = Field(default=None, description="a fused cross-entropy as said ('liger', 'cut cross "
                                    "entropy'): the loss never holds every logit")
    use_case: str | None = Field(default=None, max_length=200,
                                 description="what the model must do, in the user's words: 'lung-cancer detector "
                                             "mri images'; the model search's query when no model is named")

    def merged(self, update: WorkloadSpec) -> WorkloadSpec:
        """This spec with `update`'s stated fields applied: later wins, components, compliance and exclusions add
        up; a provider or GPU wanted now is no longer ruled out, and one ruled out now is no longer wanted."""
        values = self.model_dump()
        for name in update.model_fields_set:
            new = getattr(update, name)
            if new is None:
                continue
            if name in _ACCUMULATING and values.get(name):
                new = list(dict.fromkeys([*values[name], *new]))
            values[name] = new
        for want, out in _OPPOSITES:
            wanted = {v.lower() for v in getattr(update, want) or ()}
            ruled_out = {v.lower() for v in getattr(update, out) or ()}
            values[out] = [v for v in values.get(out) or [] if v.lower() not in wanted] or None
            values[want] = [v for v in values.get(want) or [] if v.lower() not in ruled_out] or None
        # a place wanted now is no longer ruled out ("in the US after all"), and one ruled out now is no longer wanted
        if update.geography:
            values["exclude_places"] = [p for p in values.get("exclude_places") or []
                                        if p.lower() != update.geography.lower()] or None
        if update.exclude_places and (values.get("geography") or "").lower() in {p.lower() for p in update.exclude_places}:
            values["geography"] = None
        return WorkloadSpec.model_validate(values)

    def stated(self) -> dict[str, object]:
        """Only the fields that carry a value (for messages and the contract's compact form)."""
        return {name: value for name, value in self.model_dump().items() if value not in (None, [])}
