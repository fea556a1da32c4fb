"""Byte and time units shared by the sizing formulas (units live in names elsewhere)."""

from __future__ import annotations

KIB = 1024
MIB = 1024**2
GIB = 1024**3
HOURS_PER_MONTH = 730  # the contract's month: 365 days × 24 h / 12


def to_gib(size_bytes: float) -> float:
    """Bytes → GiB (2^30 bytes), the unit of every `_gib` field."""
    return size_bytes / GIB
