"""One error tree for the whole application; the API renders it as `{"error": {"code", "message"}}`."""

from __future__ import annotations

from collections.abc import Sequence


class ArchitectError(Exception):
    """Base of every error the application raises on purpose."""

    status_code: int = 500
    code: str = "internal_error"

    def __init__(self, message: str, *, status_code: int | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        if status_code is not None:
            self.status_code = status_code
        if code is not None:
            self.code = code


class ConfigurationError(ArchitectError):
    """A setting is missing or wrong; the message names the variable to set."""

    code = "configuration_error"


class InvalidRequestError(ArchitectError):
    """The caller asked for something malformed; the message says what to change."""

    status_code = 400
    code = "invalid_request"


class UnknownNameError(InvalidRequestError):
    """A name (GPU, provider, region, model) is not in the catalog; carries close matches."""

    code = "unknown_name"

    def __init__(self, kind: str, name: str, suggestions: Sequence[str]):
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"Unknown {kind} {name!r}.{hint}")
        self.kind = kind
        self.name = name
        self.suggestions = list(suggestions)


class NotFoundError(ArchitectError):
    status_code = 404
    code = "not_found"


class DataSourceError(ArchitectError):
    """A catalog source could not be read (offline, missing mirror file, bad upstream answer)."""

    status_code = 502
    code = "data_source_error"


class IngestError(ArchitectError):
    """An ingest failed; the previous catalog is intact."""

    code = "ingest_failed"


class DatabaseUnavailableError(ArchitectError):
    status_code = 503
    code = "database_unavailable"


class ConflictError(ArchitectError):
    """The request clashes with what exists (a name taken, nothing to retry)."""

    status_code = 409
    code = "conflict"


class UnauthorizedError(ArchitectError):
    """No valid API token; the message says how to get one."""

    status_code = 401
    code = "unauthorized"


class ForbiddenError(ArchitectError):
    """A valid caller asks for what is not theirs to see (the service-wide /metrics with a user's token)."""

    status_code = 403
    code = "forbidden"


class RateLimitedError(ArchitectError):
    """Too many requests for one token; `retry_after_s` says when to try again."""

    status_code = 429
    code = "rate_limited"

    def __init__(self, message: str, retry_after_s: int):
        super().__init__(message)
        self.retry_after_s = retry_after_s
