"""The models domain's part of `data sync`: adapters per format, raw records replaced per source."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy.orm import Session

from stack8s_architect.catalog.models import repository
from stack8s_architect.catalog.models.adapters import (
    cards,
    configs,
    embeddings,
    gguf,
    hub_dump,
    leaderboards,
    llmfit,
    medical,
    open_llms,
    speech,
    vision,
)
from stack8s_architect.catalog.models.records import ModelBatch
from stack8s_architect.catalog.sources import DataSource, FetchedFile


def _paths(files: Sequence[FetchedFile]) -> list[Path]:
    return [item.path for item in files]


def _merge(batches: Sequence[ModelBatch]) -> ModelBatch:
    merged = ModelBatch()
    for batch in batches:
        merged.facts += batch.facts
        merged.signals += batch.signals
        merged.variants += batch.variants
        merged.cards += batch.cards
        merged.rows_read += batch.rows_read
        merged.dropped.update(batch.dropped)
    return merged


Reader = Callable[[DataSource, Sequence[FetchedFile]], ModelBatch]

# Format id (DataSource.adapter) → reader.
ADAPTERS: dict[str, Reader] = {
    "hub-dump": lambda s, f: hub_dump.read_hub_dump(f[0].path, source_id=s.id),
    "llmfit": lambda s, f: llmfit.read_llmfit(f[0].path, source_id=s.id),
    "open-llm-v2": lambda s, f: leaderboards.read_open_llm_v2(f[0].path),
    "open-llm-v1": lambda s, f: leaderboards.read_open_llm_v1(f[0].path),
    "arena": lambda s, f: leaderboards.read_arena(f[0].path, board=f[0].path.stem),
    "livebench": lambda s, f: leaderboards.read_livebench(f[0].path, f[1].path),
    "aiconfigurator": lambda s, f: configs.read_aiconfigurator(sorted(f[0].path.glob("*.json")), source_id=s.id),
    "gpu-poor": lambda s, f: configs.read_gpu_poor(f[0].path, source_id=s.id),
    "open-llms": lambda s, f: open_llms.read_open_llms(f[0].path, source_id=s.id),
    "timm": lambda s, f: vision.read_timm_results(f[0].path, source_id=s.id),
    "roboflow": lambda s, f: vision.read_roboflow_results(f[0].path, source_id=s.id),
    "monai": lambda s, f: medical.read_monai_bundles(f[0].path, source_id=s.id),
    "asr": lambda s, f: _merge([speech.read_asr_leaderboard(p, source_id=s.id) for p in _paths(f)]),
    "embeddings": lambda s, f: embeddings.read_trending_embeddings(f[0].path, source_id=s.id),
    "jan-v2": lambda s, f: gguf.read_jan_catalog_v2(f[0].path, source_id=s.id),
    "jan-v1": lambda s, f: gguf.read_jan_catalog_v1(f[0].path, source_id=s.id),
    "hf-hw": lambda s, f: gguf.read_hf_hw_models(f[0].path, source_id=s.id),
    "ollama": lambda s, f: gguf.read_ollama_gallery(f[0].path, f[1].path, source_id=s.id),
    "localai": lambda s, f: gguf.read_localai_gallery(f[0].path, source_id=s.id),
    "asgaardlab": lambda s, f: cards.read_asgaardlab_cards(f[0].path, source_id=s.id),
    "hn5318": lambda s, f: cards.read_hn5318_cards(f[0].path, source_id=s.id),
}


class ModelIngester:
    """Parse a model source and replace its raw records; the merged records are rebuilt after sync."""

    version = "models-1"

    def parse(self, source: DataSource, files: Sequence[FetchedFile]) -> ModelBatch:
        return ADAPTERS[source.adapter](source, files)

    def row_count(self, parsed: ModelBatch) -> int:
        return len(parsed.facts) + len(parsed.signals) + len(parsed.variants) + len(parsed.cards)

    def replace(self, session: Session, source: DataSource, parsed: ModelBatch, advance: Callable[[int], None]) -> int:
        return repository.replace_source_records(session, source.id, parsed, advance)
