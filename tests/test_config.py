"""The one precedence rule: argument > Settings > SUMMARIZER_* > OPENAI_* > DEFAULT_*."""

from __future__ import annotations

import pytest

from summarizer import ConfigError, Settings
from summarizer._config import DEFAULT_BASE_URL, DEFAULT_MODEL, PLACEHOLDER_API_KEY, resolve

FIELDS = ("model", "base_url", "api_key")
ENV = {
    "model": ("SUMMARIZER_MODEL", "OPENAI_MODEL"),
    "base_url": ("SUMMARIZER_BASE_URL", "OPENAI_BASE_URL"),
    "api_key": ("SUMMARIZER_API_KEY", "OPENAI_API_KEY"),
}


@pytest.mark.parametrize("name", FIELDS)
def test_each_layer_wins_over_the_ones_below(name, monkeypatch) -> None:
    ours, openais = ENV[name]
    if name != "api_key":
        monkeypatch.setenv("OPENAI_API_KEY", "k")
    layers = {"argument": "from-argument", "settings": "from-settings"}
    monkeypatch.setenv(ours, "from-summarizer-env")
    monkeypatch.setenv(openais, "from-openai-env")

    def value(**kwargs: object) -> str:
        return str(getattr(resolve(**kwargs), name))  # type: ignore[arg-type]

    settings = Settings(**{name: layers["settings"]})
    assert value(**{name: layers["argument"]}, settings=settings) == "from-argument"
    assert value(settings=settings) == "from-settings"
    assert value() == "from-summarizer-env"
    monkeypatch.delenv(ours)
    assert value() == "from-openai-env"


def test_named_defaults_when_nothing_is_set(monkeypatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "k")
    config = resolve()
    assert (config.model, config.base_url) == (DEFAULT_MODEL, DEFAULT_BASE_URL)


def test_environment_is_read_at_call_time(monkeypatch) -> None:
    monkeypatch.setenv("SUMMARIZER_BASE_URL", "http://first:8080/v1")
    assert resolve().base_url == "http://first:8080/v1"
    monkeypatch.setenv("SUMMARIZER_BASE_URL", "http://second:8080/v1")
    assert resolve().base_url == "http://second:8080/v1"


def test_empty_values_fall_through(monkeypatch) -> None:
    monkeypatch.setenv("SUMMARIZER_MODEL", "")
    monkeypatch.setenv("OPENAI_MODEL", "from-openai-env")
    monkeypatch.setenv("OPENAI_API_KEY", "k")
    assert resolve(model="").model == "from-openai-env"


def test_openai_without_a_key_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="no API key"):
        resolve()


def test_local_server_without_a_key_gets_a_placeholder() -> None:
    config = resolve(base_url="http://127.0.0.1:8080/v1")
    assert config.api_key == PLACEHOLDER_API_KEY
    assert config.backend == "openai-compatible"


def test_endpoint_drops_credentials_and_trailing_slash() -> None:
    config = resolve(base_url="https://user:secret@llm.example:8443/v1/", api_key="k")
    assert config.endpoint == "https://llm.example:8443/v1"


@pytest.mark.parametrize(
    "bad",
    [
        {"max_input_chars": 0},
        {"reasks": -1},
        {"transport_attempts": 0},
        {"timeout_seconds": 0},
        {"on_failed_detail": "ignore"},
    ],
)
def test_settings_reject_impossible_values(bad) -> None:
    with pytest.raises(ConfigError):
        Settings(**bad)
