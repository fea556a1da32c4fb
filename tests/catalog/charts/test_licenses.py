"""Licence ids from chart annotations and repository notes, their commercial-use terms, and the software licence
that overrides the chart's for known products."""

from __future__ import annotations

import pytest

from stack8s_architect.catalog.charts.licenses import (
    APP_LICENSES,
    LicenseTerms,
    effective_license,
    normalize_license,
    terms,
)
from stack8s_architect.catalog.charts.publishers import BY_REPOSITORY
from stack8s_architect.catalog.charts.roles import ROLE_RULES
from stack8s_architect.catalog.sources import CHART_SOURCES


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Apache-2.0", "Apache-2.0"),
        ("apache 2.0", "Apache-2.0"),
        ("Apache License 2.0", "Apache-2.0"),
        ("apache2", "Apache-2.0"),
        ("  MIT  ", "MIT"),
        ("mit", "MIT"),
        ("agpl-3.0", "AGPL-3.0"),
        ("BSL-1.1 (Seldon Core v2; converts to Apache-2.0 after 4 years)", "BUSL-1.1"),
        ("BUSL-1.1", "BUSL-1.1"),
        ("SSPL-1.0", "SSPL-1.0"),
        ("MPL-2.0 (see LICENSE)", "MPL-2.0"),
        ("no LICENSE file in repo", None),
        ("No license file in repo (upstream ray-project/kuberay is Apache-2.0)", None),
        ("", None),
        (None, None),
    ],
)
def test_normalize_license(raw: str | None, expected: str | None) -> None:
    assert normalize_license(raw) == expected


@pytest.mark.parametrize(
    ("license_id", "commercial_use"),
    [
        ("Apache-2.0", "yes"),
        ("MIT", "yes"),
        ("BSD-3-Clause", "yes"),
        ("MPL-2.0", "yes"),
        ("AGPL-3.0", "restricted"),
        ("SSPL-1.0", "restricted"),
        ("BUSL-1.1", "restricted"),
        ("Elastic-2.0 OR SSPL-1.0 OR AGPL-3.0", "restricted"),
        ("Sustainable-Use-1.0", "restricted"),
        ("WTFPL", "unknown"),
        (None, "unknown"),
        ("", "unknown"),
    ],
)
def test_commercial_use(license_id: str | None, commercial_use: str) -> None:
    assert terms(license_id).commercial_use == commercial_use


def test_caveats() -> None:
    assert terms("Apache-2.0") == LicenseTerms("yes", None)
    assert "network" in (terms("AGPL-3.0").caveat or "")
    assert "service" in (terms("SSPL-1.0").caveat or "")
    assert "no licence stated" in (terms(None).caveat or "")
    assert "WTFPL" in (terms("WTFPL").caveat or "")


def test_no_license_file_means_unknown_commercial_use() -> None:
    assert terms(normalize_license("no LICENSE file in repo")).commercial_use == "unknown"


def test_every_restricted_software_licence_is_known() -> None:
    for product, license_id in APP_LICENSES.items():
        assert terms(license_id).commercial_use in ("yes", "restricted"), product


def test_every_recorded_product_has_a_role_rule() -> None:
    products = {rule.product for rule in ROLE_RULES}
    assert set(APP_LICENSES) <= products


def test_every_chart_repository_licence_has_known_terms() -> None:
    repositories = [source for source in CHART_SOURCES if source.repository in BY_REPOSITORY]
    assert len(repositories) == len(BY_REPOSITORY)
    for source in repositories:
        license_id = normalize_license(source.license)
        assert license_id is None or terms(license_id).commercial_use in ("yes", "restricted"), source.repository


@pytest.mark.parametrize(
    ("product", "chart_license", "expected"),
    [
        ("MinIO", "Apache-2.0", ("AGPL-3.0", "AGPL-3.0")),
        ("HashiCorp Vault", "MPL-2.0", ("BUSL-1.1", "BUSL-1.1")),
        ("Qdrant", None, ("Apache-2.0", "Apache-2.0")),
        ("Dask", None, ("BSD-3-Clause", "BSD-3-Clause")),
        ("Some Product", "BSD-3-Clause", (None, "BSD-3-Clause")),
        (None, "MIT", (None, "MIT")),
        (None, None, (None, None)),
    ],
)
def test_effective_license(product: str | None, chart_license: str | None,
                           expected: tuple[str | None, str | None]) -> None:
    assert effective_license(product, chart_license) == expected
