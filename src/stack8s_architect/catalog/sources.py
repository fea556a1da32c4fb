"""The registry of public catalog sources, and reading their files from a mirror or upstream.

Each source is pinned to a commit of its upstream repository, the way SkyPilot pins its catalog.
With `ARCHITECT_DATA_MIRROR` set, files are read from `<mirror>/<domain>/<mirror_path>`; otherwise
they are downloaded once per commit into `<ARCHITECT_HOME>/cache/` and read from there.
Adapters are named by `adapter` (a format id) and looked up in the domain's own adapter table.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import httpx

from stack8s_architect.core.errors import DataSourceError, UnknownNameError

RAW_URL = "https://raw.githubusercontent.com/{repository}/{commit}/{path}"


@dataclass(frozen=True)
class SourceFile:
    upstream_path: str  # path inside the upstream repository
    mirror_path: str  # path inside <mirror>/<domain>/


@dataclass(frozen=True)
class DataSource:
    id: str
    domain: str  # compute | models | charts
    adapter: str  # format id, resolved by the domain's adapter table
    repository: str  # owner/name
    commit: str
    files: tuple[SourceFile, ...]
    provider: str | None = None  # compute: the cloud these offers belong to
    catalog_date: str | None = None  # date of the data, when the upstream states one
    license: str = "unspecified"


@dataclass(frozen=True)
class FetchedFile:
    source_file: SourceFile
    path: Path
    sha256: str
    size_bytes: int


def _skypilot(cloud: str, version: str, commit: str, catalog_date: str | None = None) -> DataSource:
    path = f"catalogs/{version}/{cloud}/vms.csv"
    return DataSource(
        id=f"skypilot-{cloud}",
        domain="compute",
        adapter="skypilot-vms",
        repository="skypilot-org/skypilot-catalog",
        commit=commit,
        files=(SourceFile(path, f"skypilot-catalog/{version}/{cloud}/vms.csv"),),
        provider=cloud,
        catalog_date=catalog_date,
        license="unspecified (SkyPilot project: Apache-2.0)",
    )


def _anycloud(cloud: str, catalog_date: str) -> DataSource:
    return DataSource(
        id=f"anycloud-{cloud}",
        domain="compute",
        adapter="skypilot-vms",
        repository="anycloud-sh/catalog",
        commit="62ff0a987e0c257a89235415d2877812fb1aaf29",
        files=(SourceFile(f"{cloud}/vms.csv", f"anycloud-catalog/{cloud}/vms.csv"),),
        provider=cloud,
        catalog_date=catalog_date,
        license="unspecified (derived from SkyPilot catalogs)",
    )


# Commits and dates from shared/data/compute/SOURCES.csv and README.md.
SOURCES: tuple[DataSource, ...] = (
    _anycloud("gcp", "2026-05-20"),
    _anycloud("azure", "2026-05-20"),
    _anycloud("lambda", "2026-05-07"),
    DataSource(
        id="aws-gpu-vantage",
        domain="compute",
        adapter="aws-vantage-json",
        repository="tsaol/aws-gpu",
        commit="77fcd9fe1d0652fd07b830e5ed030d61da87923e",
        files=(SourceFile("data/all_gpu_instances.js", "aws-gpu-vantage/all_gpu_instances.json"),),
        provider="aws",
        catalog_date="2026-01-21",
        license="MIT per README badge (no LICENSE file); prices from the AWS Price List",
    ),
    _skypilot("cudo", "v9", "d9bf3aa4d21f5c1e1f3d8fde27adf0204c46fbc8"),
    _skypilot("fluidstack", "v9", "2c3d7ea7d76bf84cf80d382e946c1609571485fd"),
    _skypilot("ibm", "v9", "a5be53865774cac59df537ba1842e45ffc8be722"),
    _skypilot("nebius", "v9", "d9bf3aa4d21f5c1e1f3d8fde27adf0204c46fbc8"),
    _skypilot("seeweb", "v9", "2c3d7ea7d76bf84cf80d382e946c1609571485fd"),
    _skypilot("vast", "v9", "a5be53865774cac59df537ba1842e45ffc8be722"),
    _skypilot("hyperbolic", "v8", "0082b0435f3912ae4c566856b272455cc78f4f61"),
    _skypilot("hyperstack", "v8", "fdc9d908ab0b2af9f468f139fb3f662c8c6b3257"),
    _skypilot("jarvislabs", "v8", "57d65781a544958d7d07014f062f7d1cad8415a7"),
    _skypilot("lium", "v8", "04a03aee12247fb62be7a2ee9d460bbf6dff30b1"),
    _skypilot("mithril", "v8", "1f9eb0c264f9a6d78833766f4b18353ac7dfdde9"),
    _skypilot("primeintellect", "v8", "d9a304ea01e96cd4a043159c60d9326d8de4cf0f"),
    _skypilot("shadeform", "v8", "002363dac75913b446b2d3d564ae795678849dfd"),
    _skypilot("verda", "v8", "000c1d0bf24621f4ac37cfa585f0897c1aa1d9cf"),
    _skypilot("yotta", "v8", "1f6904890c9bb9408f1d11e2865c3c1ee4d409c0"),
    _skypilot("runpod", "v6", "098741e70562f65d7af1cceb81e33b284f742604"),
)

DOMAINS = ("compute",)


def sources_for(domains: tuple[str, ...] | None = None, ids: tuple[str, ...] | None = None) -> list[DataSource]:
    """The registered sources, optionally narrowed to domains or source ids (unknown → 400 + hints)."""
    for domain in domains or ():
        if domain not in DOMAINS:
            raise UnknownNameError("catalog domain", domain, _close(domain, DOMAINS))
    known = {source.id for source in SOURCES}
    for source_id in ids or ():
        if source_id not in known:
            raise UnknownNameError("catalog source", source_id, _close(source_id, sorted(known)))
    return [
        source
        for source in SOURCES
        if (not domains or source.domain in domains) and (not ids or source.id in ids)
    ]


def _close(name: str, options: tuple[str, ...] | list[str]) -> list[str]:
    import difflib

    return difflib.get_close_matches(name, list(options), n=3, cutoff=0.5)


class SourceReader:
    """Finds a source's files in the mirror, or downloads them (pinned commit) into the cache."""

    def __init__(self, mirror: Path | None, cache_dir: Path, timeout_s: float = 30.0, raw_url: str = RAW_URL):
        self.mirror = mirror
        self.cache_dir = cache_dir
        self.timeout_s = timeout_s
        self.raw_url = raw_url  # "{repository}/{commit}/{path}" template; tests point it at loopback

    @property
    def origin(self) -> str:
        return "mirror" if self.mirror is not None else "upstream"

    def fetch(self, source: DataSource) -> list[FetchedFile]:
        return [self._fetch_one(source, item) for item in source.files]

    def _fetch_one(self, source: DataSource, item: SourceFile) -> FetchedFile:
        path = self._mirror_file(source, item) if self.mirror else self._download(source, item)
        data = path.read_bytes()
        return FetchedFile(item, path, hashlib.sha256(data).hexdigest(), len(data))

    def _mirror_file(self, source: DataSource, item: SourceFile) -> Path:
        assert self.mirror is not None
        path = self.mirror / source.domain / item.mirror_path
        if not path.is_file():
            raise DataSourceError(
                f"Source {source.id}: {path} is missing from ARCHITECT_DATA_MIRROR ({self.mirror})."
            )
        return path

    def _download(self, source: DataSource, item: SourceFile) -> Path:
        target = self.cache_dir / source.id / source.commit / item.upstream_path
        if target.is_file():
            return target
        url = self.raw_url.format(repository=source.repository, commit=source.commit, path=item.upstream_path)
        try:
            response = httpx.get(url, timeout=self.timeout_s, follow_redirects=True)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise DataSourceError(
                f"Source {source.id}: could not download {url} ({exc}). Offline? "
                "Set ARCHITECT_DATA_MIRROR to a local copy of the catalog data."
            ) from exc
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(target.suffix + ".part")
        partial.write_bytes(response.content)
        partial.replace(target)
        return target
