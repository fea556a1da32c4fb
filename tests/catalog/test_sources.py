"""Reading sources: the mirror layout, downloads at pinned commits (from a loopback server), offline errors."""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

from stack8s_architect.catalog.sources import DOMAINS, SOURCES, DataSource, SourceFile, SourceReader, sources_for
from stack8s_architect.core.errors import DataSourceError, UnknownNameError

SOURCE = DataSource(
    id="demo", domain="compute", adapter="skypilot-vms", repository="owner/repo", commit="abc123",
    files=(SourceFile("catalogs/v9/demo/vms.csv", "demo/vms.csv"),), provider="demo",
)


@pytest.fixture
def upstream(tmp_path: Path) -> Iterator[str]:
    """A loopback HTTP server laid out like a raw-file host: /<repository>/<commit>/<path>."""
    root = tmp_path / "upstream"
    target = root / "owner/repo/abc123/catalogs/v9/demo/vms.csv"
    target.parent.mkdir(parents=True)
    target.write_text("InstanceType,Price\nx,1\n")
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}" + "/{repository}/{commit}/{path}"
    server.shutdown()


def test_mirror_file_is_read_in_place(tmp_path: Path) -> None:
    (tmp_path / "compute/demo").mkdir(parents=True)
    (tmp_path / "compute/demo/vms.csv").write_text("a,b\n")
    (fetched,) = SourceReader(tmp_path, tmp_path / "cache").fetch(SOURCE)
    assert fetched.path == tmp_path / "compute/demo/vms.csv"
    assert fetched.size_bytes == 4 and len(fetched.sha256) == 64


def test_download_at_the_pinned_commit_is_cached(tmp_path: Path, upstream: str) -> None:
    reader = SourceReader(None, tmp_path / "cache", raw_url=upstream)
    (first,) = reader.fetch(SOURCE)
    assert first.path == tmp_path / "cache/demo/abc123/catalogs/v9/demo/vms.csv"
    assert first.path.read_text().startswith("InstanceType")
    first.path.write_text("cached copy\n")  # a second fetch must not download again
    (second,) = reader.fetch(SOURCE)
    assert second.path.read_text() == "cached copy\n"


def test_offline_download_says_how_to_work_offline(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    reader = SourceReader(None, tmp_path / "cache", timeout_s=2, raw_url=f"http://127.0.0.1:{port}/" + "{repository}/{commit}/{path}")
    with pytest.raises(DataSourceError, match="ARCHITECT_DATA_MIRROR"):
        reader.fetch(SOURCE)


def test_missing_upstream_file_is_a_clear_error(tmp_path: Path, upstream: str) -> None:
    moved = DataSource(**{**SOURCE.__dict__, "commit": "deadbeef"})
    with pytest.raises(DataSourceError, match="404"):
        SourceReader(None, tmp_path / "cache", raw_url=upstream).fetch(moved)


def test_registry_is_pinned_and_unique() -> None:
    ids = [s.id for s in SOURCES]
    assert len(ids) == len(set(ids))
    # A table derived from the other sources' pinned histories has no commit of its own and is mirror-only.
    assert all(len(s.commit) == 40 or (s.commit == "derived" and s.mirror_only) for s in SOURCES)
    assert {s.domain for s in SOURCES} == set(DOMAINS)
    assert {s.provider for s in SOURCES} >= {"aws", "gcp", "azure", "lambda", "runpod"}


def test_unknown_domain_or_source_suggests() -> None:
    with pytest.raises(UnknownNameError, match="compute"):
        sources_for(("compte",))
    with pytest.raises(UnknownNameError, match="skypilot-vast"):
        sources_for(None, ("skypilot-vst",))
    assert {s.domain for s in sources_for(("compute",))} == {"compute"}
