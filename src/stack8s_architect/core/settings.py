"""Typed settings, read once at start-up from the environment and passed down.

Every variable carries the `ARCHITECT_` prefix except `DATABASE_URL`, the name every PostgreSQL
tool already uses. A missing or wrong value fails at start with a message naming the variable.
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator, model_validator
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
    workers: int | None = Field(default=None, ge=1, le=64, description="service processes; unset: one per core, "
                                                                        "as many as the memory available holds")
    trusted_proxies: str = Field(
        default="127.0.0.1", description="comma-separated addresses or networks (10.0.0.0/8) of reverse proxies whose "
                                         "X-Forwarded-For names the real client; '*' trusts any (only behind a proxy)")
    drain_s: float = Field(default=0.0, ge=0, le=300, description="after SIGTERM, seconds /ready answers 503 while "
                                                                  "requests are still served (a load balancer moves)")
    shutdown_grace_s: float = Field(default=60.0, ge=1, le=3600, description="then, seconds in-flight requests (turns) "
                                                                             "get to finish")
    turn_threads: int | None = Field(default=None, ge=1, le=256, description="turns answered at once per process; "
                                     "unset: 3 with the offline engine (turns are CPU-bound: more threads only "
                                     "contend for the interpreter), 16 with an LLM (turns mostly wait for it)")
    turns_per_user: int = Field(default=4, ge=1, le=1000, description="turns one user may have answered at once, "
                                                                      "across every process")
    request_read_timeout_s: float = Field(default=30.0, gt=0, le=600, description="a request body must arrive "
                                                                                  "within this many seconds")

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies(cls, value: str) -> str:
        for entry in filter(None, (part.strip() for part in value.split(","))):
            if entry == "*":
                continue
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(f"{entry!r} is not an address or a network: write e.g. 10.0.0.5 or 10.0.0.0/8, "
                                 "comma-separated") from None
        return value

    @property
    def proxies(self) -> list[str]:
        return [part.strip() for part in self.trusted_proxies.split(",") if part.strip()]


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
    embeddings: Literal["on", "off"] = Field(
        default="on", description="on: the service loads the embedding model (dense model search) and one process "
                                  "embeds the catalog's pending chunks in the background; off: lexical search only")
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


class LlmSettings(BaseSettings):
    """`ARCHITECT_LLM`: offline (default) | openai:<model> | anthropic:<model> | openai-compatible:<model>."""

    model_config = SettingsConfigDict(env_prefix=_PREFIX, extra="ignore")

    llm: str = "offline"
    llm_base_url: str | None = Field(default=None, description="OpenAI-compatible server (vLLM, Ollama): …/v1")
    llm_api_key: SecretStr | None = Field(default=None, description="else OPENAI_API_KEY / ANTHROPIC_API_KEY")
    llm_timeout_s: float = Field(default=20.0, gt=0, le=600)
    llm_narrate: bool = Field(default=False, description="let the LLM phrase the plan summary (numbers checked)")
    llm_tokens_per_user_day: int = Field(
        default=500_000, ge=0, le=10**12, description="LLM tokens (prompt + completion) one user's turns may spend per "
                                                      "UTC day; past it the offline engine answers. 0: no budget")

    @field_validator("llm")
    @classmethod
    def _engine(cls, value: str) -> str:
        value = value.strip()
        if value == "offline":
            return value
        provider, _, model = value.partition(":")
        if provider not in {"openai", "anthropic", "openai-compatible"} or not model.strip():
            raise ValueError("use offline, openai:<model>, anthropic:<model> or openai-compatible:<model>")
        return f"{provider}:{model.strip()}"

    @model_validator(mode="after")
    def _base_url(self) -> LlmSettings:
        if self.llm.startswith("openai-compatible:") and not self.llm_base_url:
            raise ValueError("openai-compatible needs ARCHITECT_LLM_BASE_URL (e.g. http://127.0.0.1:11434/v1)")
        return self


class SecuritySettings(BaseSettings):
    """Who may call the service and how much: tokens, rate limits, body size, CORS."""

    model_config = SettingsConfigDict(env_prefix=_PREFIX, extra="ignore")

    auth: Literal["auto", "tokens"] = Field(
        default="auto", description="auto: tokens once a user exists (single-user mode on loopback before); "
                                    "tokens: always")
    rate_limit_per_minute: int = Field(default=120, ge=0, le=1_000_000, description="per token; 0 turns it off")
    rate_limit_burst: int = Field(default=40, ge=1, le=1_000_000)
    max_body_bytes: int = Field(default=65_536, ge=1024, le=16 * 1024 * 1024)
    cors_origins: str = Field(default="", description="comma-separated origins allowed to call the API from a "
                                                      "browser; empty (the default) allows none")
    metrics_token: SecretStr | None = Field(default=None, description="the operator's token for /metrics "
                                            "(service-wide figures); unset: /metrics only in single-user mode")

    @field_validator("auth", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("cors_origins")
    @classmethod
    def _origins(cls, value: str) -> str:
        for origin in filter(None, (part.strip() for part in value.split(","))):
            if origin == "*":
                raise ValueError("'*' would let every web page call the API with its users' tokens: list the origins "
                                 "that may (scheme://host[:port], comma-separated)")
            if not re.match(r"^https?://[^/\s]+$", origin):
                raise ValueError(f"{origin!r} is not an origin: write scheme://host[:port], no path")
        return value

    @property
    def origins(self) -> list[str]:
        return [part.strip() for part in self.cors_origins.split(",") if part.strip()]


class ClusterSettings(BaseSettings):
    """The local cluster whose free GPUs a plan may use: a kubeconfig, the pod's own service account, or a
    static inventory file for a cluster this machine cannot reach."""

    model_config = SettingsConfigDict(env_prefix=_PREFIX, extra="ignore")

    cluster: Literal["auto", "off", "kubeconfig", "in-cluster", "file"] = Field(
        default="auto", description="auto: the inventory file when set, the pod's service account inside a "
                                    "cluster, else a kubeconfig when one exists; off: never look")
    cluster_kubeconfig: Path | None = Field(default=None, description="else $KUBECONFIG, else ~/.kube/config")
    cluster_context: str | None = Field(default=None, description="kubeconfig context (default: its current one)")
    cluster_inventory: Path | None = Field(default=None, description="static inventory YAML")
    cluster_prometheus_url: str | None = Field(default=None, description="Prometheus with DCGM exporter metrics, "
                                                                         "for GPU utilisation")
    cluster_timeout_s: float = Field(default=5.0, gt=0, le=120)
    cluster_cache_s: float = Field(default=30.0, ge=0, le=3600, description="how long one reading is reused")
    cluster_tolerated_taints: str = Field(default="nvidia.com/gpu,amd.com/gpu", description=(
        "comma-separated taint keys the plan's pods tolerate; nodes with other NoSchedule/NoExecute taints "
        "are left out"))

    @field_validator("cluster", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("cluster_kubeconfig", "cluster_inventory", mode="before")
    @classmethod
    def _blank_path(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("cluster_inventory")
    @classmethod
    def _inventory_exists(cls, value: Path | None) -> Path | None:
        if value is not None and not value.expanduser().is_file():
            raise ValueError(f"file {str(value)!r} does not exist; write one (see README, 'Local cluster') or unset it")
        return value.expanduser().resolve() if value is not None else None

    @field_validator("cluster_prometheus_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not re.match(r"^https?://[^/\s]+", value.strip()):
            raise ValueError("must be an http(s) URL such as http://prometheus.monitoring:9090")
        return value.strip().rstrip("/")

    @model_validator(mode="after")
    def _source_named(self) -> ClusterSettings:
        if self.cluster == "file" and self.cluster_inventory is None:
            raise ValueError("ARCHITECT_CLUSTER=file needs ARCHITECT_CLUSTER_INVENTORY (the inventory YAML)")
        return self

    @property
    def tolerated_taints(self) -> tuple[str, ...]:
        return tuple(part.strip() for part in self.cluster_tolerated_taints.split(",") if part.strip())


# Field name → the environment variable a person sets, for error messages.
_VARIABLES = {
    "url": "DATABASE_URL",
    "host": "ARCHITECT_HOST",
    "port": "ARCHITECT_PORT",
    "workers": "ARCHITECT_WORKERS",
    "trusted_proxies": "ARCHITECT_TRUSTED_PROXIES",
    "drain_s": "ARCHITECT_DRAIN_S",
    "shutdown_grace_s": "ARCHITECT_SHUTDOWN_GRACE_S",
    "turn_threads": "ARCHITECT_TURN_THREADS",
    "turns_per_user": "ARCHITECT_TURNS_PER_USER",
    "request_read_timeout_s": "ARCHITECT_REQUEST_READ_TIMEOUT_S",
    "log_level": "ARCHITECT_LOG_LEVEL",
    "log_format": "ARCHITECT_LOG_FORMAT",
    "home": "ARCHITECT_HOME",
    "data_mirror": "ARCHITECT_DATA_MIRROR",
    "embeddings": "ARCHITECT_EMBEDDINGS",
    "download_timeout_s": "ARCHITECT_DOWNLOAD_TIMEOUT_S",
    "llm": "ARCHITECT_LLM",
    "llm_base_url": "ARCHITECT_LLM_BASE_URL",
    "llm_api_key": "ARCHITECT_LLM_API_KEY",
    "llm_timeout_s": "ARCHITECT_LLM_TIMEOUT_S",
    "llm_narrate": "ARCHITECT_LLM_NARRATE",
    "llm_tokens_per_user_day": "ARCHITECT_LLM_TOKENS_PER_USER_DAY",
    "auth": "ARCHITECT_AUTH",
    "rate_limit_per_minute": "ARCHITECT_RATE_LIMIT_PER_MINUTE",
    "rate_limit_burst": "ARCHITECT_RATE_LIMIT_BURST",
    "max_body_bytes": "ARCHITECT_MAX_BODY_BYTES",
    "cors_origins": "ARCHITECT_CORS_ORIGINS",
    "metrics_token": "ARCHITECT_METRICS_TOKEN",
    "cluster": "ARCHITECT_CLUSTER",
    "cluster_kubeconfig": "ARCHITECT_CLUSTER_KUBECONFIG",
    "cluster_context": "ARCHITECT_CLUSTER_CONTEXT",
    "cluster_inventory": "ARCHITECT_CLUSTER_INVENTORY",
    "cluster_prometheus_url": "ARCHITECT_CLUSTER_PROMETHEUS_URL",
    "cluster_timeout_s": "ARCHITECT_CLUSTER_TIMEOUT_S",
    "cluster_cache_s": "ARCHITECT_CLUSTER_CACHE_S",
    "cluster_tolerated_taints": "ARCHITECT_CLUSTER_TOLERATED_TAINTS",
}


class Settings(BaseModel):
    """The root: one group per concern."""

    database: DatabaseSettings
    server: ServerSettings
    logging: LoggingSettings
    data: DataSettings
    llm: LlmSettings = Field(default_factory=LlmSettings)
    security: SecuritySettings = Field(default_factory=SecuritySettings)
    cluster: ClusterSettings = Field(default_factory=ClusterSettings)

    @classmethod
    def load(cls) -> Settings:
        """Read the environment; raise ConfigurationError naming the variable on a bad value."""
        try:
            return cls(
                database=DatabaseSettings(),
                server=ServerSettings(),
                logging=LoggingSettings(),
                data=DataSettings(),
                llm=LlmSettings(),
                security=SecuritySettings(),
                cluster=ClusterSettings(),
            )
        except ValidationError as exc:
            raise ConfigurationError(_describe(exc)) from exc


def _describe(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors():
        if not error["loc"]:  # a check across fields names its variables itself
            problems.append(str(error["msg"]).removeprefix("Value error, "))
            continue
        field = str(error["loc"][0])
        variable = _VARIABLES.get(field, field)
        secret = variable in {"DATABASE_URL", "ARCHITECT_LLM_API_KEY"}
        shown = "" if secret else f" (got {error.get('input')!r})"  # never echo credentials
        problems.append(f"{variable}: {error['msg']}{shown}")
    return "Invalid configuration — " + "; ".join(problems)
