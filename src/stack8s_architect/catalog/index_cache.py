"""Search indexes kept on disk per catalog version, so a fresh process (a CLI command) loads in milliseconds what
would take it seconds to build: the compute offer index, the model and chart BM25 indexes.

A file is named by the index kind and a hash of (the PostgreSQL cluster's system identifier, the database's OID,
the catalog version, the catalog code's own hash): another database, a re-created one, a new sync or changed code
is another file, never a stale hit. With no
folder configured (`use_folder`), or when the server does not tell its identity (an external server without the
privilege to read `pg_control_system()`), indexes are built in memory as before. Files are written atomically; an
unreadable one is rebuilt. The folder is the user's own (`ARCHITECT_HOME/cache/indexes`), like the code itself.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import structlog
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

log = structlog.get_logger(__name__)
T = TypeVar("T")

_FOLDER: Path | None = None
_IDENTITIES: dict[str, str | None] = {}
_LOCK = threading.Lock()
KEEP_PER_KIND = 2  # older versions of an index are removed once a newer one is written


def use_folder(folder: Path | None) -> None:
    """Keep indexes under `folder` (None: in memory only)."""
    global _FOLDER
    _FOLDER = folder


def _identity(session: Session) -> str | None:
    """This database, as no other: the cluster's system identifier and the database's OID (None if not readable)."""
    url = str(session.get_bind().url)
    with _LOCK:
        if url in _IDENTITIES:
            return _IDENTITIES[url]
    try:
        with session.begin_nested():
            row = session.execute(text(
                "SELECT (SELECT system_identifier FROM pg_control_system()),"
                " (SELECT oid FROM pg_database WHERE datname = current_database())")).one()
        identity = f"{row[0]}-{row[1]}"
    except SQLAlchemyError:
        identity = None
    with _LOCK:
        _IDENTITIES[url] = identity
    return identity


_CODE: str | None = None


def _code_version() -> str:
    """A hash of the catalog package's source: an index pickled by other code (an upgrade, a local change) is never
    read back into classes that changed shape."""
    global _CODE
    if _CODE is None:
        package = Path(__file__).resolve().parent
        digest = hashlib.sha256()
        for path in sorted(package.rglob("*.py")):
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
        _CODE = digest.hexdigest()[:16]
    return _CODE


def load_or_build(kind: str, session: Session, version: object, build: Callable[[], T]) -> T:
    """The `kind` index at `version` from disk, or `build()` it (and keep it for the next process)."""
    folder = _FOLDER
    identity = _identity(session) if folder is not None else None
    if folder is None or identity is None:
        return build()
    digest = hashlib.sha256(repr((identity, version, _code_version())).encode()).hexdigest()[:32]
    path = folder / f"{kind}-{digest}.pickle"
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)  # noqa: S301 — the user's own cache folder, written by this code
    except FileNotFoundError:
        pass
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError, TypeError) as exc:
        log.warning("index_cache.unreadable", path=str(path), error=str(exc))
    index = build()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=f".{kind}-", delete=False) as handle:
            pickle.dump(index, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, path)
        for old in sorted(folder.glob(f"{kind}-*.pickle"), key=lambda p: p.stat().st_mtime)[:-KEEP_PER_KIND]:
            old.unlink(missing_ok=True)
    except OSError as exc:  # a read-only or full disk: the index still serves this process
        log.warning("index_cache.not_written", path=str(path), error=str(exc))
    return index
