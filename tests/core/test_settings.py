"""Settings fail at start with a message naming the variable to fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from stack8s_architect.core.errors import ConfigurationError
from stack8s_architect.core.settings import Settings


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("ARCHITECT_PORT", "eighty", "ARCHITECT_PORT"),
        ("ARCHITECT_PORT", "70000", "ARCHITECT_PORT"),
        ("ARCHITECT_LOG_LEVEL", "LOUD", "ARCHITECT_LOG_LEVEL"),
        ("ARCHITECT_DATA_MIRROR", "/does/not/exist", "ARCHITECT_DATA_MIRROR"),
        ("DATABASE_URL", "mysql://root:hunter2@db/x", "DATABASE_URL"),
        ("ARCHITECT_DOWNLOAD_TIMEOUT_S", "-1", "ARCHITECT_DOWNLOAD_TIMEOUT_S"),
        ("ARCHITECT_TRUSTED_PROXIES", "10.0.0.0/8,ingress-nginx", "'ingress-nginx' is not an address or a network"),
        ("ARCHITECT_WORKERS", "0", "ARCHITECT_WORKERS"),
        ("ARCHITECT_EMBEDDINGS", "maybe", "ARCHITECT_EMBEDDINGS"),
        ("ARCHITECT_REQUEST_READ_TIMEOUT_S", "0", "ARCHITECT_REQUEST_READ_TIMEOUT_S"),
    ],
)
def test_bad_value_names_the_variable(monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigurationError) as caught:
        Settings.load()
    assert expected in caught.value.message


def test_database_url_password_is_never_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "mysql://root:hunter2@db/x")
    with pytest.raises(ConfigurationError) as caught:
        Settings.load()
    assert "hunter2" not in caught.value.message


def test_defaults_and_overrides(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("DATABASE_URL", "ARCHITECT_PORT", "ARCHITECT_HOST", "ARCHITECT_DATA_MIRROR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ARCHITECT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ARCHITECT_LOG_LEVEL", "debug")
    settings = Settings.load()
    assert settings.database.url is None  # embedded server
    assert (settings.server.host, settings.server.port) == ("127.0.0.1", 8000)
    assert settings.data.home == (tmp_path / "home").resolve()
    assert settings.logging.log_level == "DEBUG"
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@localhost:5432/architect")
    assert Settings.load().database.url.get_secret_value().startswith("postgresql://")
