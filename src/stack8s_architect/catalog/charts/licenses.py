"""Licences of charts and of the software they deploy, with the commercial-use caveats that matter.

A chart's own licence (its `licenses` annotation, else its repository's) is usually Apache-2.0 even
when the software it installs is not: MinIO and Grafana are AGPL-3.0, Vault is BUSL-1.1. What a
company must check is the software's licence, so `APP_LICENSES` records it for the products where it
differs from a permissive default or is a common question (each from the project's LICENSE file),
and the effective licence is the software's when known, else the chart's.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LicenseTerms:
    commercial_use: str  # yes | restricted | no | unknown
    caveat: str | None = None


# Commercial use without conditions; the copyleft ones oblige you to share changes you distribute.
COPYLEFT = frozenset({"GPL-2.0", "GPL-3.0", "LGPL-3.0", "EPL-2.0", "MPL-2.0"})
_COMMERCIAL_OK = frozenset({"Apache-2.0", "MIT", "BSD-3-Clause", "BSD-2-Clause", "ISC", "PostgreSQL", "Zlib"}) | COPYLEFT

_TERMS: dict[str, LicenseTerms] = {
    "AGPL-3.0": LicenseTerms("restricted", "AGPL-3.0: if you modify it and offer it over a network you must publish "
                                           "your changes; check your copyleft policy"),
    "BUSL-1.1": LicenseTerms("restricted", "Business Source License: production use that competes with the vendor "
                                           "needs a commercial licence; each version turns open source after 4 years"),
    "SSPL-1.0": LicenseTerms("restricted", "SSPL: offering it as a service obliges you to publish the source of the "
                                           "whole service; not an OSI open-source licence"),
    "Elastic-2.0 OR SSPL-1.0 OR AGPL-3.0": LicenseTerms(
        "restricted", "Elastic License 2.0 / SSPL / AGPL: may not be offered as a managed service under Elastic "
                      "terms; AGPL obligations otherwise"),
    "RSALv2 OR SSPL-1.0 OR AGPL-3.0": LicenseTerms(
        "restricted", "Redis 8 is RSALv2 / SSPL / AGPL: not permissive; Valkey (BSD-3-Clause) is the permissive fork"),
    "Confluent-Community-1.0": LicenseTerms("restricted", "Confluent Community License: may not be offered as a "
                                                          "competing SaaS"),
    "Open-WebUI-License": LicenseTerms("restricted", "Open WebUI License: BSD-3-Clause plus a branding clause for "
                                                     "deployments over 50 users without an enterprise licence"),
    "Sustainable-Use-1.0": LicenseTerms("restricted", "Sustainable Use License: internal business use only; not "
                                                      "open source"),
    "CockroachDB-Software-License": LicenseTerms("restricted", "CockroachDB Software License: source-available; "
                                                               "free use has limits"),
}

# Software licences by product (the product names of roles.ROLE_RULES).
APP_LICENSES: dict[str, str] = {
    "MinIO": "AGPL-3.0",
    "Grafana": "AGPL-3.0",
    "Grafana Loki": "AGPL-3.0",
    "Grafana Tempo": "AGPL-3.0",
    "Grafana Mimir": "AGPL-3.0",
    "Grafana LGTM": "AGPL-3.0",
    "Grafana Pyroscope": "AGPL-3.0",
    "Grafana Operator": "Apache-2.0",
    "Grafana Alloy": "Apache-2.0",
    "Grafana Agent": "Apache-2.0",
    "Grafana Beyla": "Apache-2.0",
    "HashiCorp Vault": "BUSL-1.1",
    "Seldon Core": "BUSL-1.1",
    "MongoDB": "SSPL-1.0",
    "Elasticsearch": "Elastic-2.0 OR SSPL-1.0 OR AGPL-3.0",
    "Kibana": "Elastic-2.0 OR SSPL-1.0 OR AGPL-3.0",
    "Redis": "RSALv2 OR SSPL-1.0 OR AGPL-3.0",
    "Valkey": "BSD-3-Clause",
    "CockroachDB": "CockroachDB-Software-License",
    "Schema Registry": "Confluent-Community-1.0",
    "Open WebUI": "Open-WebUI-License",
    "n8n": "Sustainable-Use-1.0",
    "Qdrant": "Apache-2.0",
    "Milvus": "Apache-2.0",
    "Weaviate": "BSD-3-Clause",
    "Chroma": "Apache-2.0",
    "OpenSearch": "Apache-2.0",
    "vLLM production stack": "Apache-2.0",
    "KServe": "Apache-2.0",
    "NVIDIA Triton": "BSD-3-Clause",
    "Ollama": "MIT",
    "Langfuse": "MIT",
    "MLflow": "Apache-2.0",
    "KubeRay": "Apache-2.0",
    "Dask": "BSD-3-Clause",
    "Traefik": "MIT",
    "Kong": "Apache-2.0",
}

_SPELLINGS = {
    "apache 2.0": "Apache-2.0", "apache-2.0": "Apache-2.0", "apache license 2.0": "Apache-2.0", "apache2": "Apache-2.0",
    "mit": "MIT", "bsd-3-clause": "BSD-3-Clause", "mpl-2.0": "MPL-2.0", "agpl-3.0": "AGPL-3.0",
    "bsl-1.1": "BUSL-1.1", "busl-1.1": "BUSL-1.1", "agpl-3.0-only": "AGPL-3.0", "agpl-3.0-or-later": "AGPL-3.0",
    "sspl-1.0": "SSPL-1.0", "apache-2.0 license": "Apache-2.0",
}


def normalize_license(raw: str | None) -> str | None:
    """SPDX-style id from a chart annotation or a repository note ("BSL-1.1 (Seldon Core v2; ...)" → BUSL-1.1)."""
    if not raw:
        return None
    text = raw.strip()
    if not text or text.lower().startswith("no license"):
        return None
    head = text.split(" (")[0].strip()
    return _SPELLINGS.get(head.lower(), head)


def terms(license_id: str | None) -> LicenseTerms:
    if not license_id:
        return LicenseTerms("unknown", "no licence stated; check the chart's repository before use")
    if license_id in _TERMS:
        return _TERMS[license_id]
    if license_id in _COMMERCIAL_OK:
        return LicenseTerms("yes")
    return LicenseTerms("unknown", f"licence {license_id}: check its terms before commercial use")


def effective_license(product: str | None, chart_license: str | None) -> tuple[str | None, str | None]:
    """(software licence, effective licence): the software's when recorded, else the chart's."""
    app = APP_LICENSES.get(product or "")
    return app, app or chart_license
