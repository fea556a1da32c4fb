"""Bulk writes shared by the catalog domains: COPY rows inside the caller's transaction, JSON PostgreSQL accepts."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy.orm import Session


def copy_rows(session: Session, table: str, columns: Sequence[str], rows: Iterable[tuple], advance: Callable[[int], None]) -> int:
    cursor = session.connection().connection.driver_connection.cursor()
    written = 0
    with cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            written += 1
            if written % 5000 == 0:
                advance(5000)
    advance(written % 5000)
    return written


def to_json(value: Any) -> str:
    """JSON that PostgreSQL accepts: non-finite floats (configs carry Infinity) become strings."""
    return json.dumps(_finite(value), default=str)


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value
