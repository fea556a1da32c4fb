"""What every adapter shares about bad rows: a bad row is dropped and counted, never fatal to the file."""

from __future__ import annotations


class Malformed(ValueError):
    """A row that cannot be used; the message is the reason counted in `ModelBatch.dropped`."""


# A malformed field anywhere in a row (a list where a string was expected …) drops that row, not the file.
ROW_ERRORS = (ValueError, TypeError, AttributeError, KeyError)


def drop_reason(exc: Exception) -> str:
    return str(exc) if isinstance(exc, Malformed) else f"malformed row ({type(exc).__name__})"
