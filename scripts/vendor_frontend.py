"""Vendor the web UI's (and the API docs') front-end libraries from the npm registry at pinned versions.

Each tarball's sha512 is checked against the registry's `dist.integrity` before the listed files (the
browser bundle and its licence) are copied into `src/stack8s_architect/api/static/vendor/<package>/`.
The service serves them as static files: no Node and no build step at install or run time. Run it only
to change a version (then commit the result):

    python scripts/vendor_frontend.py
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import tarfile
import urllib.request
from pathlib import Path

REGISTRY = "https://registry.npmjs.org"
TARGET = Path(__file__).resolve().parents[1] / "src" / "stack8s_architect" / "api" / "static" / "vendor"
# package → (version, files inside the tarball's package/ folder)
PACKAGES = {
    "marked": ("18.2.1", ["lib/marked.umd.js", "LICENSE"]),
    "dompurify": ("3.4.18", ["dist/purify.min.js", "LICENSE"]),
    "mermaid": ("12.3.0", ["dist/mermaid.min.js", "LICENSE"]),
    # the API documentation pages (/docs, /redoc), served from here rather than a CDN
    "swagger-ui-dist": ("5.36.0", ["swagger-ui-bundle.js", "swagger-ui.css", "LICENSE", "NOTICE"]),
    "redoc": ("2.5.4", ["bundles/redoc.standalone.js", "LICENSE"]),  # 3.x loads its logo from a CDN
}


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310 - the npm registry only
        return response.read()


def vendor(name: str, version: str, files: list[str]) -> list[str]:
    meta = json.loads(_get(f"{REGISTRY}/{name}/{version}"))
    algorithm, _, digest = meta["dist"]["integrity"].partition("-")
    tarball = _get(meta["dist"]["tarball"])
    if algorithm != "sha512" or base64.b64encode(hashlib.sha512(tarball).digest()).decode() != digest:
        raise SystemExit(f"{name}@{version}: the tarball does not match the registry's integrity hash")
    out = TARGET / name
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        for file in files:
            member = archive.extractfile(f"package/{file}")
            if member is None:
                raise SystemExit(f"{name}@{version}: no {file} in the tarball")
            (out / Path(file).name).write_bytes(member.read())
            written.append(f"{name}/{Path(file).name}")
    return written


def main() -> None:
    manifest = {}
    for name, (version, files) in PACKAGES.items():
        manifest[name] = {"version": version, "files": vendor(name, version, files),
                          "source": f"{REGISTRY}/{name}/-/{name}-{version}.tgz"}
        print(f"{name}@{version}: {', '.join(manifest[name]['files'])}")
    (TARGET / "VERSIONS.json").write_text(json.dumps(manifest, indent=2) + "\n")


if __name__ == "__main__":
    main()
