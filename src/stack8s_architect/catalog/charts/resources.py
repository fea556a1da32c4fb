"""Default resource requests of a Helm chart, read from its parsed `values.yaml`.

Charts declare requests in `resources: {requests, limits}` blocks anywhere in the values tree, or (Bitnami) as
`resourcesPreset: <size>` beside an empty `resources: {}`. The totals count what a default install runs: components
not switched off by an `enabled: false` (or `disabled: true`) ancestor, without tests, init containers and one-off
jobs. Charts express GPU needs through their own keys (vLLM `requestGPU`, Triton `numGpus`, Ollama `gpu.number`), so
those are listed as `gpu_keys` rather than guessed into a count.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any


@dataclass(frozen=True)
class Preset:
    """Requests and limits of one Bitnami `resourcesPreset` size."""

    requests_cpu_m: int
    requests_memory_mi: int
    limits_cpu_m: int
    limits_memory_mi: int


# bitnami/common templates/_resources.tpl; every preset also sets ephemeral-storage 50Mi request / 2Gi limit.
BITNAMI_PRESETS: dict[str, Preset] = {
    "nano": Preset(100, 128, 150, 192),
    "micro": Preset(250, 256, 375, 384),
    "small": Preset(500, 512, 750, 768),
    "medium": Preset(500, 1024, 750, 1536),
    "large": Preset(1000, 2048, 1500, 3072),
    "xlarge": Preset(1000, 3072, 3000, 6144),
    "2xlarge": Preset(1000, 3072, 6000, 12288),
}


@dataclass(frozen=True)
class ResourceEntry:
    """One `resources` block (or expanded `resourcesPreset`) and where it sits in the values tree."""

    path: str
    requests_cpu_m: int | None
    requests_memory_mi: int | None
    limits_cpu_m: int | None
    limits_memory_mi: int | None
    gpus: int | None
    preset: str | None
    replicas: int | None
    enabled_by_default: bool
    auxiliary: bool

    @property
    def counted(self) -> bool:
        """Whether a default install runs this for the chart's lifetime, so it belongs in the totals."""
        return self.enabled_by_default and not self.auxiliary


@dataclass(frozen=True)
class GpuKey:
    """A values key that configures GPUs in the chart's own terms, with its default."""

    path: str
    value: str


@dataclass(frozen=True)
class ChartResources:
    """What a chart's defaults request, entry by entry and summed over the counted entries."""

    entries: tuple[ResourceEntry, ...]
    requests_cpu_m: int
    requests_memory_mi: int
    requests_with_replicas_cpu_m: int
    requests_with_replicas_memory_mi: int
    gpus: int
    gpu_keys: tuple[GpuKey, ...]
    declares_requests: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; `from_dict` reads it back."""
        return {
            "entries": [asdict(entry) for entry in self.entries],
            "requests_cpu_m": self.requests_cpu_m,
            "requests_memory_mi": self.requests_memory_mi,
            "requests_with_replicas_cpu_m": self.requests_with_replicas_cpu_m,
            "requests_with_replicas_memory_mi": self.requests_with_replicas_memory_mi,
            "gpus": self.gpus,
            "gpu_keys": [asdict(key) for key in self.gpu_keys],
            "declares_requests": self.declares_requests,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ChartResources:
        return cls(
            entries=tuple(ResourceEntry(**entry) for entry in data["entries"]),
            requests_cpu_m=data["requests_cpu_m"],
            requests_memory_mi=data["requests_memory_mi"],
            requests_with_replicas_cpu_m=data["requests_with_replicas_cpu_m"],
            requests_with_replicas_memory_mi=data["requests_with_replicas_memory_mi"],
            gpus=data["gpus"],
            gpu_keys=tuple(GpuKey(**key) for key in data["gpu_keys"]),
            declares_requests=data["declares_requests"],
        )


# --- quantities ------------------------------------------------------------------------------------

_QUANTITY = re.compile(r"\+?(\d+(?:\.\d*)?|\.\d+)(?:([eE][+-]?\d{1,3})|([KMGTPE]i|[numkKMGTPE]))?")
_FACTORS: dict[str, Decimal] = {
    "n": Decimal("1e-9"),
    "u": Decimal("1e-6"),
    "m": Decimal("1e-3"),
    "k": Decimal("1e3"),
    "K": Decimal("1e3"),
    "M": Decimal("1e6"),
    "G": Decimal("1e9"),
    "T": Decimal("1e12"),
    "P": Decimal("1e15"),
    "E": Decimal("1e18"),
    **{f"{prefix}i": Decimal(1024**power) for power, prefix in enumerate("KMGTPE", start=1)},
}
_MAX_EXPONENT = 21  # beyond 10^21 cores or bytes a value is a typo or junk, and exact rounding stops being cheap
_MIB = Decimal(1024**2)


def cpu_millicores(value: object) -> int | None:
    """A CPU quantity ("500m", "1", 1.5, "0.25") in millicores; None for junk, templates and negatives."""
    amount = _quantity(value)
    return None if amount is None else _rounded(amount * 1000)


def memory_mib(value: object) -> int | None:
    """A memory quantity in MiB: binary (Ki..Ei), decimal (k/K..E) and exponent suffixes, or plain bytes."""
    amount = _quantity(value)
    return None if amount is None else _rounded(amount / _MIB)


def _quantity(value: object) -> Decimal | None:
    """A Kubernetes quantity in base units (cores, bytes); YAML hands these over as str, int or float."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        amount: Decimal | None = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(repr(value)) if math.isfinite(value) else None
    elif isinstance(value, str):
        amount = _parse_quantity(value.strip())
    else:
        return None
    if amount is None or amount < 0 or (amount and amount.adjusted() > _MAX_EXPONENT):
        return None
    return amount


def _parse_quantity(text: str) -> Decimal | None:
    match = _QUANTITY.fullmatch(text)
    if match is None:
        return None
    number, exponent, suffix = match.groups()
    amount = Decimal(number + (exponent or ""))
    return amount * _FACTORS[suffix] if suffix else amount


def _rounded(amount: Decimal) -> int:
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _whole_count(value: object) -> int | None:
    """A device count (extended resources such as nvidia.com/gpu only take whole numbers)."""
    amount = _quantity(value)
    return int(amount) if amount is not None and amount == amount.to_integral_value() else None


# --- the walk --------------------------------------------------------------------------------------

_MAX_DEPTH = 64
_MAX_GPU_KEYS = 20
_SHORT_LIST = 8
_GPU_GROUP_MAX_KEYS = 10
_MAX_VALUE_CHARS = 80
_RESOURCE_BLOCKS = ("requests", "limits")
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
# Whole words of a key, so that `jobservice` (Harbor) and `webhook` (cert-manager) stay long-running components.
_AUXILIARY_WORDS = frozenset(
    {"init", "test", "tests", "job", "jobs", "hook", "hooks", "upgrade", "cleanup", "backup", "backups", "sysctl"}
    | {"certgen"}  # envoy-gateway's certificate Job
)
_AUXILIARY_PREFIXES = ("migrat", "cron")


@dataclass(frozen=True)
class _Context:
    """Where the walk is, and what the ancestors decided for everything below them."""

    path: str = ""
    names: tuple[str, ...] = ()
    enabled: bool = True
    ancestors: frozenset[int] = frozenset()

    def key(self, name: str) -> _Context:
        path = f"{self.path}.{name}" if self.path else name
        return replace(self, path=path, names=(*self.names, name))

    def item(self, index: int) -> _Context:
        return replace(self, path=f"{self.path}[{index}]")

    def enter(self, node: object) -> _Context:
        switched_off = isinstance(node, Mapping) and (node.get("enabled") is False or node.get("disabled") is True)
        return replace(self, enabled=self.enabled and not switched_off, ancestors=self.ancestors | {id(node)})


def chart_resources(values: object) -> ChartResources:
    """Resource entries, totals and GPU keys of a chart's default values; empty for anything but a mapping."""
    found = list(_walk(values, _Context())) if isinstance(values, Mapping) else []
    entries = tuple(item for item in found if isinstance(item, ResourceEntry))
    gpu_keys = tuple(item for item in found if isinstance(item, GpuKey))[:_MAX_GPU_KEYS]
    return _summarise(entries, gpu_keys)


def _summarise(entries: tuple[ResourceEntry, ...], gpu_keys: tuple[GpuKey, ...]) -> ChartResources:
    counted = [entry for entry in entries if entry.counted]
    return ChartResources(
        entries=entries,
        requests_cpu_m=sum(entry.requests_cpu_m or 0 for entry in counted),
        requests_memory_mi=sum(entry.requests_memory_mi or 0 for entry in counted),
        requests_with_replicas_cpu_m=sum((entry.requests_cpu_m or 0) * _replica_factor(entry) for entry in counted),
        requests_with_replicas_memory_mi=sum(
            (entry.requests_memory_mi or 0) * _replica_factor(entry) for entry in counted
        ),
        gpus=sum(entry.gpus or 0 for entry in counted),
        gpu_keys=gpu_keys,
        declares_requests=any(
            entry.requests_cpu_m is not None or entry.requests_memory_mi is not None for entry in counted
        ),
    )


def _replica_factor(entry: ResourceEntry) -> int:
    return 1 if entry.replicas is None else entry.replicas


def _walk(node: object, ctx: _Context) -> Iterator[ResourceEntry | GpuKey]:
    """Entries and GPU keys under `node` in document order; an anchor cycle or a very deep tree ends the branch."""
    if id(node) in ctx.ancestors or len(ctx.ancestors) >= _MAX_DEPTH:
        return
    if isinstance(node, Mapping):
        yield from _walk_mapping(node, ctx.enter(node))
    elif isinstance(node, (list, tuple)):
        inner = ctx.enter(node)
        for index, item in enumerate(node):
            yield from _walk(item, inner.item(index))


def _walk_mapping(node: Mapping[Any, Any], ctx: _Context) -> Iterator[ResourceEntry | GpuKey]:
    parent = ctx.names[-1] if ctx.names else ""
    gpu_settings = _is_gpu_name(parent) and not _is_component(node)
    for key, value in node.items():
        name = _key_name(key)
        if parent == "resources" and name in _RESOURCE_BLOCKS:
            continue
        entry = _entry(node, name, value, ctx)
        if entry is not None:
            yield entry
        child = ctx.key(name)
        if _is_leaf(value) and _is_gpu_key(name, parent, gpu_settings):
            yield GpuKey(child.path, _render(value))
        else:
            yield from _walk(value, child)


def _entry(parent: Mapping[Any, Any], name: str, value: object, ctx: _Context) -> ResourceEntry | None:
    """The entry a `resources` or `resourcesPreset` key makes; Bitnami ignores the preset when `resources` is set."""
    if name == "resources":
        return _block_entry(parent, value, ctx)
    if name == "resourcesPreset" and not parent.get("resources"):
        return _preset_entry(parent, value, ctx)
    return None


def _block_entry(parent: Mapping[Any, Any], block: object, ctx: _Context) -> ResourceEntry | None:
    if not isinstance(block, Mapping):
        return None
    requests, limits = block.get("requests"), block.get("limits")
    if not isinstance(requests, Mapping) and not isinstance(limits, Mapping):
        return None
    requests = requests if isinstance(requests, Mapping) else {}
    limits = limits if isinstance(limits, Mapping) else {}
    if "storage" in requests or "storage" in limits:
        return None  # a PersistentVolumeClaim spec (volumeClaimTemplate), not a container
    requested_gpus = _gpus(requests)
    return ResourceEntry(
        path=ctx.key("resources").path,
        requests_cpu_m=cpu_millicores(requests.get("cpu")),
        requests_memory_mi=memory_mib(requests.get("memory")),
        limits_cpu_m=cpu_millicores(limits.get("cpu")),
        limits_memory_mi=memory_mib(limits.get("memory")),
        gpus=_gpus(limits) if requested_gpus is None else requested_gpus,
        preset=None,
        replicas=_replicas(parent),
        enabled_by_default=ctx.enabled,
        auxiliary=_is_auxiliary(ctx.names),
    )


def _preset_entry(parent: Mapping[Any, Any], name: object, ctx: _Context) -> ResourceEntry | None:
    preset = BITNAMI_PRESETS.get(name) if isinstance(name, str) else None
    if preset is None:
        return None
    return ResourceEntry(
        path=ctx.key("resourcesPreset").path,
        requests_cpu_m=preset.requests_cpu_m,
        requests_memory_mi=preset.requests_memory_mi,
        limits_cpu_m=preset.limits_cpu_m,
        limits_memory_mi=preset.limits_memory_mi,
        gpus=None,
        preset=name,
        replicas=_replicas(parent),
        enabled_by_default=ctx.enabled,
        auxiliary=_is_auxiliary(ctx.names),
    )


def _gpus(block: Mapping[Any, Any]) -> int | None:
    """GPUs of a requests or limits block: any `<vendor>/gpu` extended resource."""
    counts = [_whole_count(value) for key, value in block.items() if _key_name(key).lower().endswith("/gpu")]
    known = [count for count in counts if count is not None]
    return sum(known) if known else None


def _replicas(parent: Mapping[Any, Any]) -> int | None:
    for key in ("replicaCount", "replicas"):
        value = parent.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
    return None


def _is_auxiliary(names: tuple[str, ...]) -> bool:
    return any(_is_auxiliary_name(name) for name in names)


def _is_auxiliary_name(name: str) -> bool:
    if "volumepermissions" in re.sub(r"[^a-z]", "", name.lower()):
        return True
    words = (word.lower() for word in _WORD.findall(name))
    return any(word in _AUXILIARY_WORDS or word.startswith(_AUXILIARY_PREFIXES) for word in words)


def _is_gpu_key(name: str, parent: str, gpu_settings: bool) -> bool:
    """`numGpus`, `requestGPU`; every setting of a `gpu:` group (Ollama); a GPU component's `enabled` switch."""
    return _is_gpu_name(name) or gpu_settings or (name == "enabled" and _is_gpu_name(parent))


def _is_component(node: Mapping[Any, Any]) -> bool:
    """A `*gpu*` mapping that deploys something (gpu-operator's vgpuManager) rather than sizing GPUs: only its
    `enabled` says anything about GPUs, the rest is image and pod settings."""
    return len(node) > _GPU_GROUP_MAX_KEYS or "image" in node or "repository" in node


def _is_gpu_name(name: str) -> bool:
    return "gpu" in name.lower()


def _is_leaf(value: object) -> bool:
    """A scalar or a short list of scalars: something a GPU key can show as its default."""
    if isinstance(value, (list, tuple)):
        return len(value) <= _SHORT_LIST and all(_is_scalar(item) for item in value)
    return _is_scalar(value)


def _is_scalar(value: object) -> bool:
    return not isinstance(value, (Mapping, list, tuple))


def _key_name(key: object) -> str:
    return key if isinstance(key, str) else _render(key)


def _render(value: object) -> str:
    """A default as YAML would print it, cut short so a dashboard JSON or a long script stays readable."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        text = "[" + ", ".join(_render(item) for item in value) + "]"
    else:
        text = str(value)
    return text if len(text) <= _MAX_VALUE_CHARS else text[: _MAX_VALUE_CHARS - 3] + "..."
