"""Adapter for the AWS GPU instance table (`all_gpu_instances.js` upstream, its JSON array in the mirror).

Quirks: the upstream file is JavaScript around a JSON array; `memory` is a string ("768 GB");
`gpuMemory` is free text, sometimes per GPU and sometimes the instance total, so GPU memory comes
from the spec table; g5g's "ARM Mali" label is really a T4G; fractional GPU counts (g6f); p5e and
GB200 entries have no prices; regions include local and gov zones; on-demand prices only.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from stack8s_architect.catalog.compute.offers import ParsedCatalog, RawOffer, merge_offers, positive_price
from stack8s_architect.catalog.gpus.names import canonical_accelerator_key

_NUMBER = re.compile(r"[\d.]+")


def load_instances(path: Path) -> list[dict]:
    """The JSON array, whether the file is plain JSON or the upstream JavaScript module."""
    text = path.read_text(encoding="utf-8")
    start, end = text.find("["), text.rfind("]")
    if start < 0 or end < start:
        raise ValueError(f"{path}: no JSON array found")
    return json.loads(text[start : end + 1])


def _gib(text: object) -> float | None:
    match = _NUMBER.search(str(text or ""))
    return float(match.group()) if match else None


def read_aws_json(path: Path) -> ParsedCatalog:
    rows_read, dropped, offers = 0, Counter[str](), []
    for instance in load_instances(path):
        name = instance.get("gpu") or ""
        try:
            key = canonical_accelerator_key(name, provider="aws", instance_type=instance["name"])
        except ValueError:
            dropped[f"unknown accelerator {name!r}"] += 1
            continue
        pricing = instance.get("pricing") or {}
        if not pricing:
            rows_read += 1
            dropped["no positive price"] += 1
            continue
        for region, prices in sorted(pricing.items()):
            rows_read += 1
            price = positive_price((prices or {}).get("onDemand"))
            if price is None:
                dropped["no positive price"] += 1
                continue
            offers.append(
                RawOffer(
                    provider="aws",
                    instance_type=instance["name"],
                    region=region,
                    zone=None,
                    accelerator_name=name,
                    accelerator_key=key,
                    accelerator_count=float(instance.get("gpuCount") or 0),
                    vcpus=float(instance["vcpu"]) if instance.get("vcpu") else None,
                    memory_gib=_gib(instance.get("memory")),
                    price_per_hour_usd=price,
                    spot_price_per_hour_usd=None,
                    network=instance.get("network") or None,
                )
            )
    return ParsedCatalog(merge_offers(offers), rows_read, dropped)
