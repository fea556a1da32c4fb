"""Workload shapes the planner sizes differently from a plain chat server (issue 23, in progress).

RAG: every request carries the retrieved chunks, so the served LLM needs a context that holds them — and each
user's KV cache is that long. The prompt budget below is the usual one of RAG frameworks (LlamaIndex and
LangChain retrieve 4–10 chunks of 256–1,024 tokens); it is said back in the plan, and a context the user states
wins.
"""

from __future__ import annotations

from stack8s_architect.planning.spec import WorkloadSpec

RAG_SYSTEM_TOKENS = 512  # instructions and the citation format
RAG_CHUNKS = 8  # retrieved chunks per question
RAG_CHUNK_TOKENS = 512
RAG_HISTORY_TOKENS = 1024  # the conversation so far
RAG_ANSWER_TOKENS = 512
RAG_PROMPT_TOKENS = RAG_SYSTEM_TOKENS + RAG_CHUNKS * RAG_CHUNK_TOKENS + RAG_HISTORY_TOKENS + RAG_ANSWER_TOKENS


def is_rag(spec: WorkloadSpec) -> bool:
    """Retrieval-augmented serving: a vector database asked for beside a served language model."""
    return "vector-db" in (spec.components or []) and spec.task in {None, "inference"}


def rag_context(spec: WorkloadSpec) -> tuple[int | None, str | None]:
    """(the context a RAG prompt needs, rounded up to a power of two — vLLM's --max-model-len —, said back), or
    (None, None) when the workload is not RAG or the user stated a context."""
    if not is_rag(spec) or spec.context_length is not None:
        return None, None
    context = 1 << (RAG_PROMPT_TOKENS - 1).bit_length()
    return context, (f"RAG prompt: {RAG_SYSTEM_TOKENS} system + {RAG_CHUNKS} retrieved chunks × {RAG_CHUNK_TOKENS} + "
                     f"{RAG_HISTORY_TOKENS} history + {RAG_ANSWER_TOKENS} answer = {RAG_PROMPT_TOKENS:,} tokens: the "
                     f"model serves a {context:,}-token context and each user's KV cache is sized for it (state a "
                     "context to change it)")
