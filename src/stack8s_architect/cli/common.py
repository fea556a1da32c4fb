"""What every command shares: settings and logging, the database, output, errors, and the running service
(ARCHITECT_URL) a command may ask instead of opening the catalogs."""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import typer
from pydantic import BaseModel, ValidationError
from rich.console import Console

# Heavy modules (the ingesters, the catalogs, SQLAlchemy, the embedding runtime) are imported by the commands that use
# them, so `--help` and a command talking to a running service (ARCHITECT_URL) start in a fraction of a second.
if TYPE_CHECKING:
    from stack8s_architect.core.database import Database
from stack8s_architect.core.errors import ArchitectError, UnknownNameError
from stack8s_architect.core.logging import configure_logging
from stack8s_architect.core.settings import Settings

# Piped output gets wide tables instead of rich's 80-column default.
console = Console(width=None if sys.stdout.isatty() else 200)
errors = Console(stderr=True)
T = TypeVar("T")


def _settings(*, serving: bool = False) -> Settings:
    """Settings, and logging: on a terminal a command logs warnings only, readably, unless ARCHITECT_LOG_LEVEL or
    ARCHITECT_LOG_FORMAT say otherwise; the service (and output to a pipe or file) keeps the structured JSON log."""
    settings = Settings.load()
    level, log_format = settings.logging.log_level, settings.logging.log_format
    if not serving and sys.stderr.isatty():
        level = level if "ARCHITECT_LOG_LEVEL" in os.environ else "WARNING"
        log_format = log_format if "ARCHITECT_LOG_FORMAT" in os.environ else "console"
    configure_logging(level, log_format)
    return settings


def _fail(message: str, code: int = 1) -> None:
    errors.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


@contextmanager
def _database(*, serving: bool = False) -> Iterator[tuple[Settings, Database]]:
    """Settings + a migrated database for one command; errors become a message and exit code."""
    from stack8s_architect.catalog.index_cache import use_folder
    from stack8s_architect.core.database import Database

    try:
        settings = _settings(serving=serving)
        use_folder(settings.data.home / "cache" / "indexes")  # a fresh process loads the catalogs' indexes from disk
        database = Database.open(settings)
    except ArchitectError as exc:
        _fail(exc.message)
    try:
        database.upgrade()
        yield settings, database
    except ArchitectError as exc:
        hint = f" Did you mean: {', '.join(exc.suggestions)}?" if isinstance(exc, UnknownNameError) and exc.suggestions and "Did you mean" not in exc.message else ""
        _fail(exc.message + hint, 2 if exc.status_code < 500 else 1)
    finally:
        database.close()
        use_folder(None)


def _print_json(value: Any) -> None:
    if isinstance(value, BaseModel):
        text = value.model_dump_json(indent=2)
    else:
        text = json.dumps([v.model_dump(mode="json") for v in value] if isinstance(value, list) else value, indent=2)
    sys.stdout.write(text + "\n")


def _remote() -> str | None:
    """ARCHITECT_URL: the running service the search and chat commands ask, instead of opening the catalogs in this
    process (its indexes are warm: an answer in about a second). ARCHITECT_TOKEN is sent when the service needs one."""
    url = os.environ.get("ARCHITECT_URL", "").strip().rstrip("/")
    if url and not re.match(r"^https?://[^\s/]+", url):
        _fail(f"ARCHITECT_URL={url!r}: write the service's address, e.g. http://127.0.0.1:8000", 2)
    return url or None


def _call(url: str, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """One API call to the running service; its error message (4xx) or unreachability becomes a clear exit."""
    import httpx

    token = os.environ.get("ARCHITECT_TOKEN", "").strip()
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        response = httpx.request(method, url + path, json=body, headers=headers, timeout=600)
    except httpx.TransportError as exc:
        _fail(f"the service at {url} (ARCHITECT_URL) is not reachable: {exc}. Start it with `make run` or "
              "`architect serve`, or unset ARCHITECT_URL to work on the catalogs directly.")
    if response.status_code >= 400:
        try:
            message = response.json()["error"]["message"]
        except (ValueError, KeyError, TypeError):
            message = f"{response.status_code} {response.reason_phrase}"
        if response.status_code == 401:
            message += " — set ARCHITECT_TOKEN to one of your API tokens (`architect tokens create NAME`)"
        _fail(message, 2 if response.status_code < 500 else 1)
    return response.json()


def _request(factory: Callable[..., T], **values: Any) -> T:
    try:
        return factory(**{k: v for k, v in values.items() if v is not None})
    except ValidationError as exc:
        _fail("; ".join(f"{'.'.join(map(str, e['loc'])) or 'options'}: {e['msg']}" for e in exc.errors()), 2)
        raise  # unreachable: _fail exits

def _num(value: float | None, decimals: int = 2) -> str:
    """One format for every figure a table shows: thousands separated, at most `decimals` decimals, no trailing
    zeros (1,270 · 2,086.5 · 0.75)."""
    if value is None:
        return "-"
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.{decimals}f}".rstrip("0").rstrip(".")
