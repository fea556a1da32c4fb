"""Adapter for SkyPilot-format `vms.csv` catalogs (every cloud but GCP's accelerator pairing, see gcp.py).

Columns are read by header name (their order differs per cloud). Quirks handled here, from the
catalog README: Azure's unquoted `Generation` (`V1,V2` spills into an 11th field), `GpuInfo` in
Python-literal, JSON (with `null`) or bare-name dialects and in MiB, GB or instance-total units,
PrimeIntellect `…__SPOT` rows (spot price only), vast spot `0.00` (= missing), prices ≤ 0,
reseller prefixes, fractional and string counts.
"""

from __future__ import annotations

import ast
import csv
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from stack8s_architect.catalog.compute.offers import ParsedCatalog, RawOffer, merge_offers, positive_price
from stack8s_architect.catalog.gpus.names import canonical_accelerator_key, tpu_chip_count

# Resellers: instance-type prefix → the cloud that really runs the machine.
_SHADEFORM_PREFIXES = {
    "lambdalabs": "lambda", "crusoe": "crusoe", "massedcompute": "massedcompute",
    "hyperstack": "hyperstack", "paperspace": "paperspace", "scaleway": "scaleway",
    "denvr": "denvr", "excesssupply": "excesssupply", "vultr": "vultr",
}
_PRIMEINTELLECT_UPSTREAM = {"datacrunch": "verda", "lambdalabs": "lambda", "crusoecloud": "crusoe"}
_SPOT_SUFFIX = "__SPOT"
# Providers whose spot column is a placeholder, not a price.
_SPOT_IS_PLACEHOLDER = {"vast"}
# Providers whose one price is an auction's minimum bid (the same figure in both columns): capacity goes to the
# highest bid and can be reclaimed, like spot, and nothing is sold at that price on demand. Kept as spot only.
_PRICE_IS_A_BID = {"mithril"}


def read_rows(path: Path) -> Iterator[dict[str, str]]:
    """CSV rows as dicts by header; surplus fields belong to the last column (Azure `Generation`)."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = [name.strip() for name in next(reader)]
        width = len(header)
        for fields in reader:
            if not fields:
                continue
            if len(fields) > width:
                fields = fields[: width - 1] + [",".join(fields[width - 1 :])]
            elif len(fields) < width:
                fields = fields + [""] * (width - len(fields))
            yield dict(zip(header, fields, strict=True))


def parse_gpu_info(text: str) -> dict | None:
    """`GpuInfo` as a dict, whichever dialect; None when it is only a name (Azure, IBM, RunPod)."""
    text = (text or "").strip()
    if not text.startswith("{"):
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        pass
    try:
        return ast.literal_eval(text.replace("null", "None"))
    except (ValueError, SyntaxError):
        return None


def gpu_memory_hint_mib(provider: str, info: dict | None, count: float) -> float | None:
    """Per-GPU memory in MiB from `GpuInfo`, undoing each cloud's unit quirk; only a hint."""
    if not info or not info.get("Gpus"):
        return None
    size = (info["Gpus"][0].get("MemoryInfo") or {}).get("SizeInMiB")
    if not size:
        return None  # nebius, seeweb RTX PRO 6000: 0
    size = float(size)
    if provider == "shadeform":
        size *= 1024  # GB, not MiB
    if provider in {"vast", "primeintellect"} and count >= 1:
        size /= count  # total across GPUs, not per GPU
    return size


def upstream_provider(provider: str, instance_type: str) -> str | None:
    if provider == "shadeform" and "_" in instance_type:
        prefix = instance_type.split("_", 1)[0].lower()
        return _SHADEFORM_PREFIXES.get(prefix, prefix)
    if provider == "primeintellect" and "__" in instance_type:
        prefix = instance_type.split("__", 1)[0].lower()
        return _PRIMEINTELLECT_UPSTREAM.get(prefix, prefix)
    return None


def _float(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None


def row_to_offer(provider: str, row: dict[str, str]) -> RawOffer:
    """One CSV row → a RawOffer (raises ValueError for an accelerator name nobody knows)."""
    instance_type = row.get("InstanceType", "").strip()
    spot_row = provider == "primeintellect" and instance_type.endswith(_SPOT_SUFFIX)
    if spot_row:
        instance_type = instance_type[: -len(_SPOT_SUFFIX)]
    name = (row.get("AcceleratorName") or "").strip() or None
    count = _float(row.get("AcceleratorCount")) or 0.0
    key = None
    if name:
        hint = gpu_memory_hint_mib(provider, parse_gpu_info(row.get("GpuInfo", "")), count)
        key = canonical_accelerator_key(
            name, provider=provider, instance_type=instance_type, memory_mib_hint=hint
        )
        if name.startswith("tpu-"):
            count = float(tpu_chip_count(name))
    spot = None if provider in _SPOT_IS_PLACEHOLDER else positive_price(row.get("SpotPrice"))
    bid = provider in _PRICE_IS_A_BID
    if bid:
        spot = positive_price(row.get("SpotPrice")) or positive_price(row.get("Price"))
    region, zone = row.get("Region", "").strip(), (row.get("AvailabilityZone") or "").strip() or None
    country_hint = None
    if provider == "primeintellect":  # Region is the country, the zone is the real region
        country_hint, region, zone = region, zone or region, None
    return RawOffer(
        provider=provider,
        instance_type=instance_type or name or "",
        region=region,
        zone=zone,
        accelerator_name=name,
        accelerator_key=key,
        accelerator_count=count if name else 0.0,
        vcpus=_float(row.get("vCPUs")),
        memory_gib=_float(row.get("MemoryGiB")),
        price_per_hour_usd=None if spot_row or bid else positive_price(row.get("Price")),
        spot_price_per_hour_usd=spot,
        upstream_provider=upstream_provider(provider, instance_type),
        country_hint=country_hint,
    )


def read_vms_csv(provider: str, path: Path) -> ParsedCatalog:
    """Read one cloud's vms.csv into merged offers, counting what was dropped and why."""
    rows_read, dropped, offers = 0, Counter[str](), []
    for row in read_rows(path):
        rows_read += 1
        try:
            offer = row_to_offer(provider, row)
        except ValueError:
            dropped[f"unknown accelerator {row.get('AcceleratorName')!r}"] += 1
            continue
        if offer.price_per_hour_usd is None and offer.spot_price_per_hour_usd is None:
            dropped["no positive price"] += 1
            continue
        offers.append(offer)
    return ParsedCatalog(merge_offers(offers), rows_read, dropped)
