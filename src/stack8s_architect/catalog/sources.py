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
    folder: bool = False  # a folder of files (read from the mirror only)


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
    # Why the files cannot be fetched upstream one by one (a repackaged dump, a folder of
    # thousands of files); such a source is read from ARCHITECT_DATA_MIRROR only.
    mirror_only: str | None = None


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

def _model_source(
    source_id: str, adapter: str, repository: str, commit: str, *paths: str,
    catalog_date: str | None = None, license: str = "unspecified", folder: bool = False,
    mirror_only: str | None = None,
) -> DataSource:
    """A source under shared/data/models/<owner>+<repo>/<path>, read by the `adapter` format."""
    mirror_root = repository.replace("/", "+")
    files = tuple(SourceFile(path, f"{mirror_root}/{path}", folder=folder) for path in paths)
    return DataSource(
        id=source_id, domain="models", adapter=adapter, repository=repository, commit=commit, files=files,
        catalog_date=catalog_date, license=license,
        mirror_only=mirror_only or ("a folder of many files" if folder else None),
    )


_LEADERBOARDS = "fboulnois/llm-leaderboard-csv"
_ARENA_COMMIT = "44db9588e2b0d12fff17d6e607066746f0fa84d5"
_TIMM = ("huggingface/pytorch-image-models", "aa4b5850c1543fa488abf260f18390eda46cf85d")
_JAN = "janhq/model-catalog"
_OLLAMA = ("D3rhami/ollama_gallery", "5d4b65615c435ec029f92360bd8005c9af3891fa")

# Commits and dates from shared/data/models/README.md.
MODEL_SOURCES: tuple[DataSource, ...] = (
    _model_source("hf-hub-dump-2022", "hub-dump", "saranscript/huggingface-models",
                  "796a1d378fabf06fff864b7147be79829b0b872f", "models.jsonl.gz", catalog_date="2022-02-21",
                  mirror_only="repackaged losslessly from 58,864 files into one JSONL in the mirror"),
    _model_source("llmfit", "llmfit", "AlexsJones/llmfit", "a3e0eb27c57fe05298292f4c61699b9aed2824ea",
                  "llmfit-core/data/hf_models.json", catalog_date="2026-05-17", license="MIT"),
    _model_source("open-llm-leaderboard-v2", "open-llm-v2", _LEADERBOARDS, "b2d67d9157535832a3adb35773f3a7c49425059a",
                  "csv/huggingface_v2.csv", catalog_date="2025-06-09", license="MPL-2.0"),
    _model_source("open-llm-leaderboard-v1", "open-llm-v1", _LEADERBOARDS, "666a83862a0ca7e427d989d5b582020bb65d65c7",
                  "csv/huggingface.csv", catalog_date="2024-07-12", license="MPL-2.0"),
    _model_source("lmarena-text", "arena", _LEADERBOARDS, _ARENA_COMMIT, "csv/lmarena_text.csv", catalog_date="2025-08-06"),
    _model_source("lmarena-vision", "arena", _LEADERBOARDS, _ARENA_COMMIT, "csv/lmarena_vision.csv", catalog_date="2025-08-06"),
    _model_source("lmarena-image", "arena", _LEADERBOARDS, _ARENA_COMMIT, "csv/lmarena_image.csv", catalog_date="2025-08-06"),
    _model_source("lmsys-arena", "arena", _LEADERBOARDS, "46bafa2e3259d93f3cae9b0af0865276580e737f", "csv/lmsys.csv",
                  catalog_date="2025-08-06"),
    _model_source("livebench", "livebench", "LiveBench/livebench.github.io", "4bf96c8d9dc9b06c17d82dc76a54429975c2b2c2",
                  "public/table_2026_01_08.csv", "public/categories_2026_01_08.json", catalog_date="2026-01-08"),
    _model_source("aiconfigurator-configs", "aiconfigurator", "ai-dynamo/aiconfigurator",
                  "095f58a51c4ca8e61b66ec108d86f223f8d559ce", "aic-core/src/aiconfigurator_core/model_configs",
                  folder=True, catalog_date="2026-08-21", license="Apache-2.0"),
    _model_source("gpu-poor-configs", "gpu-poor", "RahulSChand/gpu_poor", "ad2fc0ef0e6ceeb7684363504eecc3342a5e7dc4",
                  "public/all_configs.json", catalog_date="2024-12-03"),
    _model_source("open-llms", "open-llms", "eugeneyan/open-llms", "78a2524e086d6e4d594077401cd5e35f8517e8c9",
                  "README.md", catalog_date="2025-02-12", license="Apache-2.0"),
    _model_source("timm-imagenet", "timm", *_TIMM, "results/results-imagenet.csv", catalog_date="2025-10-30",
                  license="Apache-2.0"),
    _model_source("roboflow-detection", "roboflow", "roboflow/model-leaderboard", "0e3b439893871c740c3f10e75a9176bb324b66d3",
                  "models/object_detection", folder=True, catalog_date="2025-07-09", license="MIT"),
    _model_source("monai-model-zoo", "monai", "Project-MONAI/model-zoo", "dfae206df112837d817e78d3727c9f32b3b52e82",
                  "models", folder=True, catalog_date="2024-10-11", license="Apache-2.0"),
    _model_source("open-asr-leaderboard", "asr", "huggingface/open_asr_leaderboard", "d1e99b25524814332d6868a5645e568670834cfb",
                  "scripts/data/en_shortform.csv", "scripts/data/en_longform.csv", "scripts/data/multilingual.csv",
                  catalog_date="2026-08-21", license="Apache-2.0"),
    _model_source("trending-embeddings", "embeddings", "do-me/trending-huggingface-models",
                  "fe2ccd3f155942abcb50a874d9b32f2416503f16",
                  "data/feature-extraction/transformersjs_07-05-2026.json", catalog_date="2026-05-07", license="MIT"),
    _model_source("jan-catalog-v2", "jan-v2", _JAN, "5410b10cd37b451069f72ebcf275fd89426b94ad", "model_catalog_v2.json",
                  catalog_date="2026-05-05"),
    _model_source("jan-catalog-v1", "jan-v1", _JAN, "1db14133a3ba882ac8655aa572fb4a998a51ee0b", "model_catalog.json",
                  catalog_date="2026-03-15"),
    _model_source("hf-hw", "hf-hw", "nycdubliner/hf-hw", "2231d1f94014bf5057783c8103add6d934a39cf0", "data/models.json",
                  catalog_date="2026-08-22"),
    _model_source("ollama-gallery", "ollama", *_OLLAMA, "data/models.json", "data/tags.json", catalog_date="2026-07-15",
                  license="MIT"),
    _model_source("localai-gallery", "localai", "mudler/LocalAI", "82c191afadf5f005281e798ccfa0ffd0d5805030",
                  "gallery/index.yaml", catalog_date="2026-08-22", license="MIT"),
    _model_source("asgaardlab-cards", "asgaardlab", "asgaardlab/model-card-reorganization",
                  "d31e549a624e29062c97981f1c955e93b1220477", "verified_model_cards", folder=True, catalog_date="2025-07-23"),
    _model_source("hn5318-cards", "hn5318", "hn5318/model_card_analysis", "6540bff11f5d4f4965f46624781d18d261d49169",
                  "Dataset/Sample_modelcard/samples_data.json", catalog_date="2024-09-17"),
)
SOURCES = SOURCES + MODEL_SOURCES

DOMAINS = ("compute", "models")


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


def _fetched_folder(item: SourceFile, folder: Path) -> FetchedFile:
    """A folder as one fetched item: its hash covers every file's relative path and content."""
    digest, size = hashlib.sha256(), 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + hashlib.sha256(data).digest())
        size += len(data)
    return FetchedFile(item, folder, digest.hexdigest(), size)


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
        if self.mirror is None and source.mirror_only:
            raise DataSourceError(
                f"Source {source.id} is read from ARCHITECT_DATA_MIRROR only ({source.mirror_only}); set it."
            )
        path = self._mirror_file(source, item) if self.mirror else self._download(source, item)
        if item.folder:
            return _fetched_folder(item, path)
        data = path.read_bytes()
        return FetchedFile(item, path, hashlib.sha256(data).hexdigest(), len(data))

    def _mirror_file(self, source: DataSource, item: SourceFile) -> Path:
        assert self.mirror is not None
        path = self.mirror / source.domain / item.mirror_path
        if not (path.is_dir() if item.folder else path.is_file()):
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
