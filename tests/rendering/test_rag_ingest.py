"""The RAG ingestion script the bundle ships, run for real against a stand-in embedding server and vector database
that answer as vLLM's /v1/embeddings and Qdrant's REST API do."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from stack8s_architect.rendering import rag

SCRIPT = Path(rag.__file__).parent / "rag_ingest.py"


class _Stand_in(BaseHTTPRequestHandler):
    collections: dict[str, dict] = {}
    points: dict[str, dict] = {}
    embedded: list[str] = []

    def log_message(self, *args: object) -> None:  # quiet
        pass

    def _answer(self, status: int, body: object | None = None) -> None:
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> dict:
        return json.loads(self.rfile.read(int(self.headers["Content-Length"])))

    def do_GET(self) -> None:  # noqa: N802
        name = self.path.removeprefix("/collections/")
        self._answer(200, {"result": self.collections[name]}) if name in self.collections else self._answer(404, {})

    def do_PUT(self) -> None:  # noqa: N802
        body = self._body()
        if self.path.endswith("/points?wait=true"):
            for point in body["points"]:
                assert len(point["vector"]) == 3
                self.points[point["id"]] = point
            self._answer(200, {"result": {"status": "completed"}})
        else:
            self.collections[self.path.removeprefix("/collections/")] = body
            self._answer(200, {"result": True})

    def do_POST(self) -> None:  # noqa: N802
        body = self._body()
        assert self.path == "/v1/embeddings" and body["model"] == "BAAI/bge-m3"
        self.embedded += body["input"]
        # the answer's items out of order, as a server may send them: the script sorts by index
        data = [{"index": i, "embedding": [float(len(text)), float(i), 1.0]} for i, text in enumerate(body["input"])]
        self._answer(200, {"data": list(reversed(data))})


@pytest.fixture
def server():  # noqa: ANN201
    _Stand_in.collections, _Stand_in.points, _Stand_in.embedded = {}, {}, []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Stand_in)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def _run(documents: Path, url: str, **extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DOCUMENTS_DIR": str(documents), "EMBEDDINGS_BASE_URL": f"{url}/v1",
           "EMBEDDING_MODEL": "BAAI/bge-m3", "VECTOR_DB_URL": url, "COLLECTION": "documents", "DIMENSIONS": "3",
           "CHUNK_TOKENS": "64", "BATCH": "4", **extra}
    return subprocess.run([sys.executable, str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60)


def test_documents_are_chunked_embedded_and_upserted_once(server: str, tmp_path: Path) -> None:
    (tmp_path / "handbook.md").write_text("word " * 300)  # 1,500 characters
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "page.html").write_text("<html><script>x()</script><p>Holiday &amp; leave</p></html>")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")  # not a document: left alone
    done = _run(tmp_path, server)
    assert done.returncode == 0, done.stderr
    # 64 tokens × 4 characters = 256-character chunks overlapping by 32: starts 0, 224, …, 1,344 over 1,499 characters
    md = [p for p in _Stand_in.points.values() if p["payload"]["source"] == "handbook.md"]
    assert len(md) == 7 and all(len(p["payload"]["text"]) <= 256 for p in md)
    html = [p for p in _Stand_in.points.values() if p["payload"]["source"] == "sub/page.html"]
    assert [p["payload"]["text"] for p in html] == ["Holiday & leave"]  # tags and scripts gone
    assert _Stand_in.collections["documents"] == {"vectors": {"size": 3, "distance": "Cosine"}}
    # each point got the vector of its own text, though the server answered out of order
    assert all(p["vector"][0] == len(p["payload"]["text"]) for p in _Stand_in.points.values())
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"files": 2, "chunks": 8, "collection": "documents"}
    # a second run updates the same points: nothing is duplicated
    again = _run(tmp_path, server)
    assert again.returncode == 0 and len(_Stand_in.points) == 8


def test_an_empty_documents_volume_is_a_clear_failure(server: str, tmp_path: Path) -> None:
    done = _run(tmp_path, server)
    assert done.returncode != 0 and "no documents under" in done.stderr and not _Stand_in.collections
