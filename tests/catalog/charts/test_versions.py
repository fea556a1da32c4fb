"""SemVer ordering of chart versions: release after its pre-releases, numeric pre-release identifiers, the `v`
prefix, short and four-part versions, non-SemVer strings first."""

from __future__ import annotations

import random

import pytest

from stack8s_architect.catalog.charts.versions import is_prerelease, sort_key


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("1.2.3", False),
        ("v1.2.3", False),
        ("1.2", False),
        ("7", False),
        ("1.2.3.4", False),
        ("1.2.3+build.5", False),
        (" 1.2.3 ", False),
        ("1.2.3-rc.1", True),
        ("v0.1.0-alpha", True),
        ("1.0.0-0.3.7+meta", True),
        ("latest", True),
        ("", True),
        ("1.2.3-", True),
        ("V1.2.3", True),
    ],
)
def test_is_prerelease(version: str, expected: bool) -> None:
    assert is_prerelease(version) is expected


def test_semver_spec_precedence() -> None:
    ordered = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11",
               "1.0.0-rc.1", "1.0.0", "2.0.0", "2.1.0", "2.1.1"]
    shuffled = ordered[:]
    random.Random(7).shuffle(shuffled)
    assert sorted(shuffled, key=sort_key) == ordered


@pytest.mark.parametrize(
    ("lower", "higher"),
    [
        ("1.9.0", "1.10.0"),
        ("1.0.0-rc.9", "1.0.0-rc.10"),
        ("1.0.0-1", "1.0.0-a"),
        ("1.0.0-rc.1", "1.0.0"),
        ("v1.2.3", "1.2.4"),
        ("1.2.2", "v1.2.3"),
        ("1.2", "1.2.1"),
        ("1.2.3", "1.2.3.1"),
        ("not-a-version", "0.0.1"),
        ("latest", "0.0.0-alpha"),
        ("1.0.0-rc.1", "v1.0.0"),
    ],
)
def test_order(lower: str, higher: str) -> None:
    assert sort_key(lower) < sort_key(higher)


def test_equal_versions_have_a_stable_total_order() -> None:
    assert sort_key("1.2.3") != sort_key("v1.2.3")
    assert sort_key("1.2.3")[:4] == sort_key("v1.2.3")[:4]
    assert sort_key("1.2.3+a")[:4] == sort_key("1.2.3+b")[:4]


def test_non_semver_strings_sort_among_themselves() -> None:
    assert sorted(["main", "latest", "1.0.0", "dev"], key=sort_key) == ["dev", "latest", "main", "1.0.0"]
