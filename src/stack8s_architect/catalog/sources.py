"""The registry of public catalog sources, and reading their files from a mirror or upstream.

Each source is pinned to a commit of its upstream repository, the way SkyPilot pins its catalog.
With `ARCHITECT_DATA_MIRROR` set, files are read from `<mirror>/<folder>/<mirror_path>` (the folder of
the domain: compute, models, k8s); otherwise they are downloaded once per commit into
`<ARCHITECT_HOME>/cache/` and read from there. Sources marked `mirror_only` are skipped online.
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
    mirror_path: str  # path inside <mirror>/<MIRROR_FOLDERS[domain]>/
    folder: bool = False  # a folder of files (read from the mirror only)


@dataclass(frozen=True)
class DataSource:
    id: str
    domain: str  # compute | models | charts (see DOMAINS)
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

def _chart_source(repository: str, commit: str, catalog_date: str | None, license: str) -> DataSource:
    """A Helm chart repository under shared/data/k8s/<owner>+<repo>/: its chart source trees and index files."""
    owner, name = repository.split("/")
    return DataSource(
        id=f"charts-{owner.lower()}-{name.lower()}", domain="charts", adapter="helm-repository",
        repository=repository, commit=commit,
        files=(SourceFile(".", f"{owner}+{name}", folder=True),),
        catalog_date=catalog_date, license=license,
        mirror_only="chart source trees (one Chart.yaml and values.yaml per chart) and published index files",
    )


# Commits (default-branch HEAD of each snapshot) from shared/data/k8s/_catalog/sources.json.
CHART_SOURCES: tuple[DataSource, ...] = (
    _chart_source("airflow-helm/charts", "a5e146ba58136e19ce7c0c4dc0988894de111128", "2024-05-24", "Apache-2.0"),
    _chart_source("amikos-tech/chromadb-chart", "c4f4a6d3b7fa448673f2fcf25761a34994d37d12", "2026-04-15", "MIT"),
    _chart_source("apache/airflow", "00043c16c91fff12a16ff2f4be02f05ba2825d25", None, "Apache-2.0"),
    _chart_source("apache/apisix-helm-chart", "60c9cbbfe0c03aba53bdf9644f491c90204a43cd", "2026-04-14", "Apache-2.0"),
    _chart_source("argoproj/argo-helm", "af0a9310bacbaa4636018dfe22c801a6d33a5c43", "2026-07-02", "Apache-2.0"),
    _chart_source("bitnami/charts", "5165628ae06697f8f68a670bef7739d93c4b7f44", "2026-07-01", "Apache-2.0"),
    _chart_source("cdfoundation/tekton-helm-chart", "dd19644d4f3ded686b446bf72ecff73d7cdd0801", "2026-02-25", "Apache-2.0"),
    _chart_source("cloudnative-pg/charts", "b21ad2dac7992215b8572007adb7448e3c8cc5db", "2026-07-20", "Apache-2.0"),
    _chart_source("community-charts/helm-charts", "ae700fffcd2bf190f59b3ed614d82aede1643ae1", "2026-08-22", "MIT"),
    _chart_source("dask/helm-chart", "e25bf5116067684b0ca2f99924b3f0b183c2dcfd", "2026-06-12", "no LICENSE file in repo"),
    _chart_source("elastic/helm-charts", "2fd64d0af65f14df7aa01da591919460dabac4b3", "2022-11-24", "Apache-2.0"),
    _chart_source("external-secrets/external-secrets", "cc5bfbc2234ace9cb0caff4ea89c435cf517b27b", "2026-08-08", "Apache-2.0"),
    _chart_source("goharbor/harbor-helm", "70564d52f0ade16a481c6cd29efc8db863b487ce", "2026-07-17", "Apache-2.0"),
    _chart_source("grafana/helm-charts", "7a0ab968961a165318ab95ff678908c3b9bc3240", "2026-08-20", "Apache-2.0"),
    _chart_source("hashicorp/vault-helm", "aa1c92e4adddbce9660e536dfe5222a88eda6d52", "2026-08-13", "MPL-2.0"),
    _chart_source("helm/charts", "390ee6614b4bb0da96b397f9b382e3ddca9f59a4", "2021-12-21", "Apache-2.0"),
    _chart_source("jaegertracing/helm-charts", "6c602b54a1800ff35ea055d16789a9522166e0a6", "2026-06-14", "Apache-2.0"),
    _chart_source("jupyterhub/zero-to-jupyterhub-k8s", "48ea50e34daddde55d76e30df6ecd47e4abd4d8e", "2026-07-24", "BSD-3-Clause"),
    _chart_source("kedacore/charts", "1444d00d90d7668cf7f53f270777d039371d90d0", "2026-08-13", "Apache-2.0"),
    _chart_source("Kong/charts", "e76b80031abfb4909dd89a8a07e3a5ff9a206d94", "2026-07-17", "Apache-2.0"),
    _chart_source("kserve/kserve", "aaac4e294dae2c7b1aa1886447793f3aa1c30912", "2026-08-21", "Apache-2.0"),
    _chart_source("kubeflow/manifests", "009c88084074904c7743384ff50d3bd70012ef55", "2026-04-05", "Apache-2.0"),
    _chart_source("kubeflow/spark-operator", "38082f3318e9d33f3e4a940c7cf165df6e40b422", "2026-08-21", "Apache-2.0"),
    _chart_source("kubernetes/ingress-nginx", "dbb11b92ddb77bee9c35e462479129354c84f939", "2026-03-20", "Apache-2.0"),
    _chart_source("langfuse/langfuse-k8s", "f5e4abf37c84b97f1977cf5a20f0abaaacc74aad", "2026-08-20", "MIT"),
    _chart_source("milvus-io/milvus-helm", "90f620bd95f06c73fb2ff2b8404a12ff95888418", "2023-08-16", "Apache-2.0"),
    _chart_source("minio/minio", "7aac2a2c5b7c882e68c1ce017d8256be2feea27f", "2026-02-12", "AGPL-3.0"),
    _chart_source("minio/operator", "0ee2c254677e2173e630b07bf93b90517d8d09b9", "2025-10-03", "AGPL-3.0"),
    _chart_source("mongodb/helm-charts", "d9e49b22d238f510b389c6fd73b85c7e14ae24d2", "2026-07-16", "Apache-2.0"),
    _chart_source("nats-io/k8s", "957650fba03e2e6ad8b5d54d66358f67a431157b", "2026-06-11", "Apache-2.0"),
    _chart_source("NVIDIA/dcgm-exporter", "d5e5f510a1b6b393f39a43293ccd9dc985defc79", "2026-05-12", "Apache-2.0"),
    _chart_source("NVIDIA/gpu-operator", "a22dbf671f2e26f9a1e342f8eea28e196235e110", "2026-08-21", "Apache-2.0"),
    _chart_source("NVIDIA/k8s-device-plugin", "1b826acc6af3079d8923bac395c3124b8861a9a6", "2026-08-19", "Apache-2.0"),
    _chart_source("open-telemetry/opentelemetry-helm-charts", "dd5665c06f376c00a5e2147aa84b70c3d105ecfb", "2026-08-20", "Apache-2.0"),
    _chart_source("open-webui/helm-charts", "a6305e705ee18571c772687e1ffc3db6415a9226", "2026-07-30", "no LICENSE file in repo"),
    _chart_source("opensearch-project/helm-charts", "3c0157e74ff21122108c2fbc12f59e2d435795ac", "2026-05-20", "Apache-2.0"),
    _chart_source("otwld/ollama-helm", "eadf03e6d6885b4042b2d7623e2e4741f4799f78", "2026-08-22", "MIT"),
    _chart_source("prometheus-community/helm-charts", "cf408a290aec489277a94450bb3511432477a53a", "2026-08-22", "Apache-2.0"),
    _chart_source("qdrant/qdrant-helm", "fd6321f1ff0a9538a7fffc6829f012a017ce1e86", "2026-08-21", "Apache-2.0"),
    _chart_source("ray-project/kuberay-helm", "51711514ae948c9bea2c2440bdee3708f5625ee5", "2025-07-16", "no LICENSE file in repo (upstream ray-project/kuberay is Apache-2.0)"),
    _chart_source("SeldonIO/seldon-core", "7b77f8b78e87f6d03030174570707eee00d5202e", "2026-01-08", "BSL-1.1 (Seldon Core v2; converts to Apache-2.0 after 4 years)"),
    _chart_source("strimzi/strimzi-kafka-operator", "8541da1e336bdcda9647aeacfbc2048e57580a52", "2026-08-22", "Apache-2.0"),
    _chart_source("traefik/traefik-helm-chart", "a8a66d0098703627b2cf352c66b1725c196a734a", "2026-08-21", "Apache-2.0"),
    _chart_source("triton-inference-server/server", "71f11799a2af837044c58f093d38890c207167f1", None, "BSD-3-Clause"),
    _chart_source("VictoriaMetrics/helm-charts", "5823471ac22e94c4eda66ac80878ccfb68272e06", "2026-08-22", "Apache-2.0"),
    _chart_source("vllm-project/production-stack", "a6c01db05f65f556235413ba8dbcfb0c01132fff", "2026-08-05", "Apache-2.0"),
    _chart_source("weaviate/weaviate-helm", "4213da523db355527cf9cb2ae80821dfdbb84f03", "2026-07-01", "BSD-3-Clause"),
    _chart_source("zilliztech/milvus-helm", "98324768aeb70ebfea91f9968853e0fa29838639", "2026-04-16", "Apache-2.0"),
    DataSource(
        id="charts-version-history", domain="charts", adapter="chart-version-history",
        repository="stack8s/k8s-chart-history", commit="derived",
        files=(SourceFile("_catalog/chart_versions.csv", "_catalog/chart_versions.csv"),),
        catalog_date="2026-08-22", license="derived from the chart repositories above",
        mirror_only="release history rebuilt from each repository's git history where it publishes no index",
    ),
    DataSource(
        id="charts-artifacthub-2022", domain="charts", adapter="artifacthub-listing",
        repository="vicenteherrera/secobs-charts", commit="3873af357298fcece04f8b0e65b9e07825d6d823",
        files=(SourceFile("docs/generated", "_catalog/artifacthub_snapshot_2022.csv"),),
        catalog_date="2022-12-11", license="unspecified (factual names, versions and URLs)",
        mirror_only="collected from Markdown tables of two repositories into one CSV in the mirror",
    ),
)
SOURCES = SOURCES + CHART_SOURCES

DOMAINS = ("compute", "models", "charts")
# The mirror folder of each domain (ARCHITECT_DATA_MIRROR/<folder>/...).
MIRROR_FOLDERS = {"compute": "compute", "models": "models", "charts": "k8s"}


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
        path = self.mirror / MIRROR_FOLDERS[source.domain] / item.mirror_path
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
