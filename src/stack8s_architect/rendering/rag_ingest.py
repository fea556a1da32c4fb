"""Ingest documents into the vector database: parse → chunk → embed → index (a RAG plan's ingestion Job).

Shipped in the bundle (ConfigMap rag-ingest) and run by the Job beside its embedding server (a vLLM pooling runner on
one GPU, a sidecar at 127.0.0.1:8000). Standard library only, plus pypdf for PDFs. Every setting is an environment
variable the manifests set from the plan: the chunk size is the one the vector index and the RAG prompt were sized
for. Point ids are derived from (file, chunk number), so a second run updates the same points instead of adding
copies.
"""

import html
import json
import os
import pathlib
import re
import sys
import time
import urllib.error
import urllib.request
import uuid

DOCUMENTS = pathlib.Path(os.environ.get("DOCUMENTS_DIR", "/documents"))
EMBEDDINGS = os.environ.get("EMBEDDINGS_BASE_URL", "http://127.0.0.1:8000/v1").rstrip("/")
MODEL = os.environ.get("EMBEDDING_MODEL", "BAAI/bge-m3")
VECTOR_DB = os.environ.get("VECTOR_DB_URL", "http://qdrant:6333").rstrip("/")
COLLECTION = os.environ.get("COLLECTION", "documents")
DIMENSIONS = int(os.environ.get("DIMENSIONS", "1024"))
CHUNK_CHARS = int(os.environ.get("CHUNK_TOKENS", "512")) * int(os.environ.get("CHARS_PER_TOKEN", "4"))
OVERLAP_CHARS = CHUNK_CHARS // 8
BATCH = int(os.environ.get("BATCH", "64"))
SUFFIXES = {".txt", ".md", ".markdown", ".rst", ".html", ".htm", ".csv", ".json", ".pdf"}
NAMESPACE = uuid.UUID("6f1c4a4e-8f51-4a53-9a53-7a1d5c0e9b10")


def call(method, url, body=None, *, attempts=30):
    """JSON over HTTP, retried while the server starts or is briefly unavailable."""
    data = None if body is None else json.dumps(body).encode()
    for attempt in range(attempts):
        request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=300) as response:
                text = response.read()
                return response.status, json.loads(text) if text else None
        except urllib.error.HTTPError as error:
            if error.code < 500:
                return error.code, None
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(min(2 ** attempt, 10))
    raise SystemExit(f"{method} {url}: no answer after {attempts} attempts")


def text_of(path):
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
    raw = path.read_text(encoding="utf-8", errors="ignore")
    if suffix in {".html", ".htm"}:
        raw = html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"(?is)<(script|style).*?</\1>", " ", raw)))
    return raw


def chunks(text):
    """Pieces of about CHUNK_TOKENS tokens (4 characters each), overlapping by an eighth."""
    text = " ".join(text.split())
    step = CHUNK_CHARS - OVERLAP_CHARS
    for start in range(0, max(len(text) - OVERLAP_CHARS, 1), step):
        piece = text[start:start + CHUNK_CHARS]
        if piece.strip():
            yield piece


def ensure_collection():
    status, _ = call("GET", f"{VECTOR_DB}/collections/{COLLECTION}")
    if status == 200:
        return
    status, _ = call("PUT", f"{VECTOR_DB}/collections/{COLLECTION}",
                     {"vectors": {"size": DIMENSIONS, "distance": "Cosine"}})
    if status != 200:
        raise SystemExit(f"could not create the collection {COLLECTION!r} (HTTP {status})")


def flush(batch):
    status, answer = call("POST", f"{EMBEDDINGS}/embeddings", {"model": MODEL, "input": [text for _, _, text in batch]})
    if status != 200 or not answer:
        raise SystemExit(f"the embedding server answered HTTP {status}")
    vectors = [item["embedding"] for item in sorted(answer["data"], key=lambda item: item["index"])]
    points = [{"id": str(uuid.uuid5(NAMESPACE, f"{source}#{number}")), "vector": vector,
               "payload": {"source": source, "chunk": number, "text": text}}
              for (source, number, text), vector in zip(batch, vectors)]
    status, _ = call("PUT", f"{VECTOR_DB}/collections/{COLLECTION}/points?wait=true", {"points": points})
    if status != 200:
        raise SystemExit(f"the vector database refused the points (HTTP {status})")


def main():
    files = sorted(p for p in DOCUMENTS.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
    if not files:
        raise SystemExit(f"no documents under {DOCUMENTS} ({', '.join(sorted(SUFFIXES))}): copy them there first")
    ensure_collection()
    batch, total = [], 0
    for index, path in enumerate(files, start=1):
        source = str(path.relative_to(DOCUMENTS))
        try:
            text = text_of(path)
        except Exception as error:  # one unreadable file does not stop the others
            print(f"skipped {source}: {error}", file=sys.stderr)
            continue
        for number, piece in enumerate(chunks(text)):
            batch.append((source, number, piece))
            if len(batch) >= BATCH:
                flush(batch)
                total += len(batch)
                batch = []
        print(f"[{index}/{len(files)}] {source}", flush=True)
    if batch:
        flush(batch)
        total += len(batch)
    print(json.dumps({"files": len(files), "chunks": total, "collection": COLLECTION}))


if __name__ == "__main__":
    main()
