"""Object-storage list prices per provider: the one curated table behind a plan's storage cost.

No catalog in `../shared/data` carries storage prices, so these are list prices copied by hand from
each provider's public pricing page (standard tier, first pricing band, the provider's cheapest large
US region), with the page and the date they were read. A provider without an object store of its own
is priced at the stand-in (S3 Standard) and the plan says so. Egress and request charges are not
included (a plan states this as an assumption).
"""

from __future__ import annotations

from dataclasses import dataclass

READ_ON = "2026-11"


@dataclass(frozen=True)
class StoragePrice:
    provider: str
    product: str
    usd_per_gb_month: float
    source: str


STORAGE_PRICES: dict[str, StoragePrice] = {price.provider: price for price in (
    StoragePrice("aws", "S3 Standard, us-east-1, first 50 TB", 0.023, "https://aws.amazon.com/s3/pricing/"),
    StoragePrice("gcp", "Cloud Storage Standard, us-central1", 0.020, "https://cloud.google.com/storage/pricing"),
    StoragePrice("azure", "Blob Storage Hot LRS, East US, first 50 TB", 0.018,
                 "https://azure.microsoft.com/pricing/details/storage/blobs/"),
    StoragePrice("lambda", "Lambda Cloud persistent filesystem", 0.20, "https://lambda.ai/pricing"),
    StoragePrice("runpod", "RunPod network volume, under 1 TB", 0.07, "https://www.runpod.io/pricing"),
)}

STAND_IN = STORAGE_PRICES["aws"]


def storage_price(provider: str | None) -> tuple[StoragePrice, bool]:
    """The provider's own price, or the stand-in and `True` when the table has none for it."""
    price = STORAGE_PRICES.get((provider or "").lower())
    return (price, False) if price else (STAND_IN, True)
