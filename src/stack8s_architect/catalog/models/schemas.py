"""Wire shapes of the model knowledge base."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator


class ModelSearchRequest(BaseModel):
    """Body of `POST /api/v1/tools/models/search`."""

    model_config = ConfigDict(extra="forbid")

    query: str = Field(min_length=1, max_length=500, description="what the model should do, in plain words")
    task: str | None = Field(default=None, description="a task of the taxonomy: object-detection, text-generation …")
    domain: str | None = Field(default=None, description="llm, vision, medical_imaging, speech, embeddings …")
    max_params_billions: float | None = Field(default=None, gt=0)
    fits_gib: float | None = Field(default=None, gt=0, description="weights must fit in this many GiB …")
    precision: str = Field(default="bf16", description="… at this precision (bf16, fp8, int4, q4_k_m …)")
    commercial_only: bool = Field(default=False, description="only licences that allow commercial use (yes/restricted)")
    licenses: list[str] = Field(default_factory=list, description="licence ids: apache-2.0, mit, llama3.1 …")
    has_config: bool = Field(default=False, description="only models with an architecture config (exact sizing)")
    limit: int = Field(default=10, ge=1, le=50)

    @model_validator(mode="after")
    def _query_has_words(self) -> ModelSearchRequest:
        if not self.query.strip():
            raise ValueError("query is blank; describe the model you need")
        for text in (self.query, self.task or "", self.domain or "", self.precision, *self.licenses):
            if not text.isprintable():
                raise ValueError("control characters are not allowed in the query or filters; remove them")
        return self


class ModelHit(BaseModel):
    rank: int
    id: str
    task: str
    domain: str
    family: str | None
    params_billions: float | None
    license: str
    commercial_use: str
    downloads: int | None
    memory_gib: float | None = Field(description="weights at the requested precision")
    score: float
    why: list[str]


class ModelSearchResponse(BaseModel):
    query: str
    inferred_task: str | None
    dense: bool = Field(description="dense retrieval took part (embeddings present)")
    results: list[ModelHit]


class ModelDetail(BaseModel):
    key: str
    id: str
    record: dict[str, Any]
    chunks: list[str]
