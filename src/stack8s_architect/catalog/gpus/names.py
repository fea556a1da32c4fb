"""Map raw catalog accelerator names and user-typed names to keys of the spec table.

Catalog names come from the SkyPilot-format `vms.csv` files (column `AcceleratorName`) and the
AWS vantage table (field `gpu`). The same hardware is spelled many ways, and a few bare names
(`A100`, `H100`, `V100`, ...) only become one key once the provider, instance type or per-GPU
memory is known; see `canonical_accelerator_key`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from stack8s_architect.catalog.gpus.specs import ACCELERATOR_SPECS

# Leading vendor / brand words carry no identity: "NVIDIA RTX A6000" and "RTX-A6000" are one card.
_BRAND_WORDS = frozenset(
    {"NVIDIA", "AMD", "AWS", "AMAZON", "INTEL", "HABANA", "GOOGLE", "TESLA", "GEFORCE", "QUADRO",
     "RADEON", "INSTINCT"}
)
_SEPARATORS = re.compile(r"[\s_\-]+")
_TRAILING_WORDS = ("GPUS", "GPU")


def _compact(name: str) -> str:
    """Upper-case, leading brand words and separators dropped: 'NVIDIA RTX-A6000' -> 'RTXA6000'."""
    words = [word for word in _SEPARATORS.split(name.strip().upper()) if word]
    while words and words[0] in _BRAND_WORDS:
        words.pop(0)
    while words and words[-1] in _TRAILING_WORDS:
        words.pop()
    return "".join(words)


# ----------------------------------------------------------------------------------- TPU slices
_TPU_SLICE = re.compile(
    r"^tpu[-_ ]?(?P<generation>v2|v3|v4|v5p|v5e|v5litepod|v6e)(?:-(?P<size>\d+))?$", re.IGNORECASE
)
_TPU_KEYS = MappingProxyType(
    {"v2": "TPU-v2", "v3": "TPU-v3", "v4": "TPU-v4", "v5p": "TPU-v5p", "v5e": "TPU-v5e",
     "v5litepod": "TPU-v5e", "v6e": "TPU-v6e"}
)
# GCP's slice suffix counts TensorCores for these generations (2 per chip) and chips for the rest.
_TPU_SUFFIX_COUNTS_CORES = frozenset({"v2", "v3", "v4", "v5p"})
_TENSORCORES_PER_CHIP = 2


def _tpu_key(raw_name: str) -> str | None:
    match = _TPU_SLICE.match(raw_name.strip())
    return _TPU_KEYS[match["generation"].lower()] if match else None


def tpu_chip_count(raw_name: str) -> int:
    """Chips in a GCP TPU slice name such as 'tpu-v5p-8' (4 chips) or 'tpu-v6e-4' (4 chips).

    ValueError when the name is not a TPU slice with a size suffix.
    """
    match = _TPU_SLICE.match(raw_name.strip())
    if match is None or match["size"] is None:
        raise ValueError(f"{raw_name!r} is not a TPU slice name with a size, like 'tpu-v5p-8'")
    size = int(match["size"])
    if match["generation"].lower() not in _TPU_SUFFIX_COUNTS_CORES:
        return size
    if size % _TENSORCORES_PER_CHIP:
        raise ValueError(f"{raw_name!r}: a TensorCore count must be even ({_TENSORCORES_PER_CHIP} per chip)")
    return size // _TENSORCORES_PER_CHIP


# ------------------------------------------------------------------ unambiguous catalog names
# Spellings beyond the key itself (every key is its own spelling). Compaction already folds case,
# spaces, hyphens and brand words, so 'RTXPro6000', 'RTX-PRO-6000' and 'RTXPRO6000' are one entry.
_CATALOG_SPELLINGS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "B300": ("B300 Blackwell",),
    "B200": ("B200 Blackwell",),
    "GB200": ("GB200 Grace Blackwell",),
    "H200": ("H200-SXM",),
    # GCP A3 Mega and fluidstack's NVLink boards are SXM5; hyperbolic's GpuInfo name is the
    # nvidia-smi product name, and HBM3 at 80 GB only exists on the SXM board.
    "H100-SXM": ("H100-80G-SXM5", "H100-MEGA", "H100-NVLINK", "NVIDIA-H100-80GB-HBM3"),
    "H100-PCIe": ("H100-80G-PCIe", "H100-80G-PCIe-NVLink"),
    "A100-80GB": ("A100-80GB-SXM", "A100-80GB-SXM4"),
    "A100-80GB-PCIe": ("A100-80G-PCIe", "A100-80G-PCIe-NVLink"),
    # vantage labels AWS g5g by its Arm host's Mali GPU; the accelerator is a 16 GB T4G.
    "T4G": ("ARM Mali-G78MP12",),
    "GRID-K520": ("GRID K520",),
    "RTXPRO6000": ("RTX PRO 6000 96GB", "RTXPRO6000WS", "RTXPRO6000-WK", "RTX PRO 6000 Blackwell"),
    "RTXA6000": ("A6000",),
    "RTXA5000": ("A5000",),
    "RTXA4500": ("A4500",),
    "RTXA4000": ("A4000",),
    "RTX4070Ti-Super": ("RTX4070S Ti",),
    "MI25": ("Radeon MI25",),
    "Gaudi2": ("HL-225",),
    "Qualcomm-AI100": ("Qualcomm AI 100",),
})


def _index_spellings(spellings: Mapping[str, tuple[str, ...]], keys: Iterable[str]) -> Mapping[str, str]:
    index: dict[str, str] = {}
    for key in keys:
        for spelling in (key, *spellings.get(key, ())):
            compact = _compact(spelling)
            if index.setdefault(compact, key) != key:
                raise ValueError(f"spelling {spelling!r} maps to both {index[compact]!r} and {key!r}")
    return MappingProxyType(index)


_CATALOG_ALIASES = _index_spellings(_CATALOG_SPELLINGS, ACCELERATOR_SPECS)


# ------------------------------------------------------------- names that need the offer context
@dataclass(frozen=True)
class _Offer:
    """What a catalog row says besides the accelerator name; empty / None when unknown."""

    provider: str
    instance_type: str
    memory_gib_hint: float | None


_PCIE_MARK = re.compile(r"pci(?:e|[^a-z]|$)")  # h100_pcie, A100-80G-PCIe, cudo's a100-pci_...
_NVL_MARK = re.compile(r"nvl(?!ink)")  # vast 1x-H100_NVL-..., but not ...-NVLink
_TI_MARK = re.compile(r"(?<![a-z])ti(?![a-z])")  # RTX_3060_Ti, RTX_4070S_Ti
# A size in GB inside an instance type; the 'v' guard skips cudo's '<vcpus>v<ram>gb' suffix.
_80GB_MARK = re.compile(r"(?<![\dv])80\s*g")
_40GB_MARK = re.compile(r"(?<![\dv])40\s*g")
_32GB_MARK = re.compile(r"(?<![\dv])32\s*g")
# Azure NCads H100 v5 (and its confidential NCC variant) carry the H100 NVL 94 GB.
_AZURE_H100_NVL = re.compile(r"^standard_ncc?\d+adi?s_h100_v5$")
# Azure NC A100 v4 carries the A100 80GB PCIe (ND A100 v4 is SXM4).
_AZURE_A100_PCIE = re.compile(r"^standard_nc\d+ads_a100_v4$")
_A100_80GB_MIN_GIB = 60
_H100_NVL_MIN_GIB = 90
_V100_32GB_MIN_GIB = 24
_RTX3060_12GB_MIN_GIB = 10
# README quirk §5: a bare "A100" is the 80 GB card on these clouds (40 GB on gcp/azure/lambda).
_A100_80GB_PROVIDERS = frozenset({"vast", "cudo", "seeweb"})
# RunPod lists its SXM boards under their own names (H100-SXM, A100-80GB-SXM), so the bare
# H100 / A100-80GB there are the PCIe cards.
_PCIE_BY_DEFAULT_PROVIDERS = frozenset({"runpod"})
# AWS fractional-GPU g6f/gr6f are slices of an L4; vantage labels them "NVIDIA L40".
_AWS_FRACTIONAL_L4_PREFIXES = ("g6f.", "gr6f.")


def _says_pcie(offer: _Offer) -> bool:
    return bool(_PCIE_MARK.search(offer.instance_type)) or offer.provider in _PCIE_BY_DEFAULT_PROVIDERS


def _hint_at_least(offer: _Offer, threshold_gib: float) -> bool | None:
    """Whether the per-GPU memory hint reaches the threshold; None without a hint."""
    return None if offer.memory_gib_hint is None else offer.memory_gib_hint >= threshold_gib


def _h100_key(offer: _Offer) -> str:
    nvl = _hint_at_least(offer, _H100_NVL_MIN_GIB) or _NVL_MARK.search(offer.instance_type)
    if nvl or _AZURE_H100_NVL.match(offer.instance_type):
        return "H100-NVL"
    return "H100-PCIe" if _says_pcie(offer) else "H100-SXM"


def _a100_80gb_key(offer: _Offer) -> str:
    if _says_pcie(offer) or _AZURE_A100_PCIE.match(offer.instance_type):
        return "A100-80GB-PCIe"
    return "A100-80GB"


def _a100_is_80gb(offer: _Offer) -> bool:
    from_hint = _hint_at_least(offer, _A100_80GB_MIN_GIB)
    if from_hint is not None:
        return from_hint
    if offer.instance_type.startswith("p4de.") or _80GB_MARK.search(offer.instance_type):
        return True
    if offer.instance_type.startswith("p4d.") or _40GB_MARK.search(offer.instance_type):
        return False
    return offer.provider in _A100_80GB_PROVIDERS


def _a100_key(offer: _Offer) -> str:
    return _a100_80gb_key(offer) if _a100_is_80gb(offer) else "A100-40GB"


def _v100_is_32gb(offer: _Offer) -> bool:
    from_hint = _hint_at_least(offer, _V100_32GB_MIN_GIB)
    if from_hint is not None:
        return from_hint
    return offer.instance_type.startswith("p3dn.") or bool(_32GB_MARK.search(offer.instance_type))


def _v100_key(offer: _Offer) -> str:
    return "V100-32GB" if _v100_is_32gb(offer) else "V100-16GB"


def _l40_key(offer: _Offer) -> str:
    return "L4" if offer.instance_type.startswith(_AWS_FRACTIONAL_L4_PREFIXES) else "L40"


def _rtx3060_key(offer: _Offer) -> str:
    """vast truncates 'RTX 3060 Ti' to RTX3060 (README §5) but also lists real 12 GB RTX 3060s."""
    if offer.instance_type:
        return "RTX3060Ti" if _TI_MARK.search(offer.instance_type) else "RTX3060"
    return "RTX3060" if _hint_at_least(offer, _RTX3060_12GB_MIN_GIB) else "RTX3060Ti"


def _ti_only(ti_key: str, plain_card: str) -> Callable[[_Offer], str]:
    """vast truncates Ti cards to the bare name; the plain card has no spec row, so refuse it."""

    def resolve(offer: _Offer) -> str:
        if offer.instance_type and not _TI_MARK.search(offer.instance_type):
            instance = offer.instance_type
            raise ValueError(f"{plain_card} (instance {instance!r}) has no spec row, only {ti_key}")
        return ti_key

    return resolve


_CONTEXT_RESOLVERS: Mapping[str, Callable[[_Offer], str]] = MappingProxyType({
    "H100": _h100_key,
    "A100": _a100_key,
    "A10080GB": _a100_80gb_key,
    "V100": _v100_key,
    "L40": _l40_key,
    "RTX3060": _rtx3060_key,
    "RTX4070": _ti_only("RTX4070Ti-Super", "RTX 4070"),
    "RTX4060": _ti_only("RTX4060Ti", "RTX 4060"),
})


def canonical_accelerator_key(
    raw_name: str,
    *,
    provider: str | None = None,
    instance_type: str | None = None,
    memory_mib_hint: float | None = None,
) -> str | None:
    """The spec-table key for a catalog accelerator name; None for an empty name.

    `provider` is the lower-case cloud id (folder name), `instance_type` the row's InstanceType and
    `memory_mib_hint` the per-GPU memory in MiB (convert vast totals and shadeform GB first; 0 is
    ignored). Ambiguous bare names (A100, H100, V100, L40, RTX3060/4060/4070) use them; without
    them the README's defaults apply. ValueError for a non-empty name that is not recognised.
    """
    if not raw_name or not raw_name.strip():
        return None
    tpu_key = _tpu_key(raw_name)
    if tpu_key is not None:
        return tpu_key
    compact = _compact(raw_name)
    resolver = _CONTEXT_RESOLVERS.get(compact)
    if resolver is not None:
        return resolver(_offer(provider, instance_type, memory_mib_hint))
    try:
        return _CATALOG_ALIASES[compact]
    except KeyError:
        raise ValueError(
            f"unrecognised accelerator name {raw_name!r} (provider {provider!r}); "
            "add its spelling to catalog/gpus/names.py"
        ) from None


def _offer(provider: str | None, instance_type: str | None, memory_mib_hint: float | None) -> _Offer:
    hint_gib = memory_mib_hint / 1024 if memory_mib_hint and memory_mib_hint > 0 else None
    return _Offer((provider or "").strip().lower(), (instance_type or "").strip().lower(), hint_gib)


# ------------------------------------------------------------------------ user-typed names
ACCELERATOR_FAMILIES: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "H100": ("H100-SXM", "H100-PCIe", "H100-NVL"),
    "A100": ("A100-40GB", "A100-80GB", "A100-80GB-PCIe"),
    # Someone asking for "A100-80GB" wants every 80 GB A100, SXM or PCIe; "A100 80GB SXM" narrows it.
    "A100-80GB": ("A100-80GB", "A100-80GB-PCIe"),
    "V100": ("V100-16GB", "V100-32GB"),
    "TPU": ("TPU-v2", "TPU-v3", "TPU-v4", "TPU-v5p", "TPU-v5e", "TPU-v6e"),
    "Neuron": ("Inferentia", "Inferentia2", "Trainium", "Trainium2"),
    "Gaudi": ("Gaudi2",),
    "MI300": ("MI300X",),
})

# Display names people use that are neither a key nor a family.
_USER_ALIASES: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "H100 80GB": ("H100-SXM", "H100-PCIe"),
    "A100 80GB SXM": ("A100-80GB",),
    "RTX 4070 Ti Super": ("RTX4070Ti-Super",),
    "RTX 4060 Ti": ("RTX4060Ti",),
    "RTX 3060 Ti": ("RTX3060Ti",),
    "Quadro RTX 6000": ("RTX6000",),
    "RTX PRO 6000 Blackwell": ("RTXPRO6000",),
    "Grace Hopper": ("GH200",),
    "Grace Blackwell": ("GB200",),
    "TPU v5 lite": ("TPU-v5e",),
    "Trillium": ("TPU-v6e",),
    "Cloud AI 100": ("Qualcomm-AI100",),
})


def _user_lookup() -> Mapping[str, tuple[str, ...]]:
    """Compact name -> keys; earlier sources win: families, keys, display aliases, catalog spellings."""
    lookup: dict[str, tuple[str, ...]] = {}
    for name, keys in ACCELERATOR_FAMILIES.items():
        lookup.setdefault(_compact(name), keys)
    for key in ACCELERATOR_SPECS:
        lookup.setdefault(_compact(key), (key,))
    for name, keys in _USER_ALIASES.items():
        lookup.setdefault(_compact(name), keys)
    for compact, key in _CATALOG_ALIASES.items():
        lookup.setdefault(compact, (key,))
    return MappingProxyType(lookup)


_USER_LOOKUP = _user_lookup()


def resolve_user_accelerator(name: str) -> tuple[str, ...] | None:
    """Keys matching what a user typed ('h100', 'A100 40GB', 'nvidia l4', 'tpu v5p'); None if unknown.

    A family name gives all its members, a key gives itself; case, spaces, hyphens and vendor
    words are ignored. Catalog spellings ('RTX-A6000', 'tpu-v5p-8') are accepted too.
    """
    keys = _USER_LOOKUP.get(_compact(name))
    if keys is not None:
        return keys
    tpu_key = _tpu_key(name)
    return (tpu_key,) if tpu_key else None


def user_accelerator_names() -> list[str]:
    """Display names `resolve_user_accelerator` accepts (keys, families, aliases), for 'did you mean'."""
    names = {*ACCELERATOR_SPECS, *ACCELERATOR_FAMILIES, *_USER_ALIASES}
    return sorted(names, key=str.casefold)


# ------------------------------------------------------------------ device product names
# What a node's device labels call a GPU: GPU-feature-discovery writes nvidia-smi's product name with
# hyphens ('NVIDIA-A100-SXM4-80GB', 'Tesla-T4', 'NVIDIA-H100-80GB-HBM3'), AMD's labeller the marketing name
# ('AMD_Instinct_MI300X_OAM'). Board and memory-type words carry no identity beyond what memory tells.
_BOARD_WORDS = frozenset({"SXM", "SXM2", "SXM3", "SXM4", "SXM5", "OAM", "HBM2", "HBM2E", "HBM3", "HBM3E", "PCIE",
                          "GENERATION", "SERVER", "EDITION"})  # "NVIDIA RTX 6000 Ada Generation"
_DEVICE_SUFFIX = re.compile(r"[-_ ](?:MIG[-_ ].*|SHARED)$", re.IGNORECASE)


def device_accelerator_key(product: str, *, memory_mib: float | None = None) -> str | None:
    """The spec-table key of a device product label ('NVIDIA-A100-SXM4-80GB' → 'A100-80GB'); None when the
    product is not in the table. A MIG or shared suffix is dropped: the key is the physical GPU's."""
    name = _DEVICE_SUFFIX.sub("", product.strip())
    if not name:
        return None
    words = [word for word in _SEPARATORS.split(name) if word]
    pcie = any(word.upper() == "PCIE" for word in words)
    plain = [word for word in words if word.upper() not in _BOARD_WORDS]
    attempts = [name, "-".join(plain + (["PCIe"] if pcie else [])), "-".join(plain)]
    for attempt in dict.fromkeys(attempts):
        try:
            key = canonical_accelerator_key(attempt, memory_mib_hint=memory_mib or None)
        except ValueError:
            continue
        if key is not None:
            return key
    return None
