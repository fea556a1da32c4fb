"""Chart versions as Helm orders them: SemVer 2, with the leading `v` some publishers add."""

from __future__ import annotations

import re

_SEMVER = re.compile(r"^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$")


def is_prerelease(version: str) -> bool:
    """`1.0.0-rc.1` is a pre-release; a version that is not SemVer at all is treated as one too."""
    match = _SEMVER.match(version.strip())
    return match is None or match.group(5) is not None


def sort_key(version: str) -> tuple:
    """Orders versions lowest first; pre-releases before their release; non-SemVer strings first of all."""
    match = _SEMVER.match(version.strip())
    if match is None:
        return (0, (), 0, (), version)
    numbers = tuple(int(part) if part else 0 for part in match.groups()[:4])
    pre = match.group(5)
    if pre is None:
        return (1, numbers, 1, (), version)
    # SemVer: numeric identifiers compare as numbers and sort before alphanumeric ones.
    identifiers = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre.split("."))
    return (1, numbers, 0, identifiers, version)
