"""Typed settings, read once at start-up from the environment and passed down.

Every variable carries the `ARCHITECT_` prefix except `DATABASE_URL`, the name every PostgreSQL
tool already uses. A missing or wrong value fails at start with a message naming the variable.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from stack8s_architect.core.errors import ConfigurationError

_PREFIX = "ARCHITECT_"


class DatabaseSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    url: SecretStr | None = Field(default=None, validation_alias="DATABASE_URL")

    @field_validator("url")
    @classmethod
    def _postgres_only(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        scheme = value.get_secret_value().split("://", 1)[0]
        if not scheme.startswith("postgres"):
            raise ValueError(
                "must be a PostgreSQL URL such as postgresql://user:pass@host:5432/db "
                f"(got scheme {scheme!r}); unset it to use the embedded server"
            )
        return value


class ServerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=_PREFIX, extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)


class LoggingSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=_PREFIX, extra="ignore")

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["json", "console"] = "json"

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value


class DataSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=_PREFIX, extra="ignore")

    home: Path = Field(default_factory=lambda: Path.home() / ".stack8s-architect")
    data_mirror: Path | None = None
    download_timeout_s: float = Field(default=30.0, gt=0)

    @field_validator("data_mirror")
    @classmethod
    def _mirror_exists(cls, value: Path | None) -> Path | None:
        if value is None or str(value) == "":
            return None
        if not value.is_dir():
            raise ValueError(f"folder {str(value)!r} does not exist; point it at a copy of shared/data")
        return value.resolve()

    @field_validator("home")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().resolve()


# Field name → the environment variable a person sets, for error messages.
_VARIABLES = {
    "url": "DATABASE_URL",
    "host": "ARCHITECT_HOST",
    "port": "ARCHITECT_PORT",
    "log_level": "ARCHITECT_LOG_LEVEL",
    "log_format": "ARCHITECT_LOG_FORMAT",
    "home": "ARCHITECT_HOME",
    "data_mirror": "ARCHITECT_DATA_MIRROR",
    "download_timeout_s": "ARCHITECT_DOWNLOAD_TIMEOUT_S",
}


class Settings(BaseModel):
    """The root: one group per concern."""

    database: DatabaseSettings
    server: ServerSettings
    logging: LoggingSettings
    data: DataSettings

    @classmethod
    def load(cls) -> Settings:
        """Read the environment; raise ConfigurationError naming the variable on a bad value."""
        try:
            return cls(
                database=DatabaseSettings(),
                server=ServerSettings(),
                logging=LoggingSettings(),
                data=DataSettings(),
            )
        except ValidationError as exc:
            raise ConfigurationError(_describe(exc)) from exc


def _describe(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "?"
        variable = _VARIABLES.get(field, field)
        shown = "" if variable == "DATABASE_URL" else f" (got {error.get('input')!r})"  # never echo credentials
        problems.append(f"{variable}: {error['msg']}{shown}")
    return "Invalid configuration — " + "; ".join(problems)
