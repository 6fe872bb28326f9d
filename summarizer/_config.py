"""Settings and the one precedence rule that turns them into a call's configuration.

For model, base URL and API key:

    argument  >  Settings  >  SUMMARIZER_*  >  OPENAI_*  >  DEFAULT_*

Everything is read when `summarize()` is called, never at import, so changing the
environment between calls takes effect.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from tenacity.wait import wait_base

from ._exceptions import ConfigError
from ._types import BACKENDS, Backend, detect_backend

__all__ = ["DEFAULT_BASE_URL", "DEFAULT_MODEL", "ResolvedConfig", "Settings", "resolve"]

DEFAULT_MODEL = "gpt-4o-mini"
DEFAULT_BASE_URL = "https://api.openai.com/v1"
DEFAULT_TIMEOUT_SECONDS = 120.0
# A hard ceiling on what one call accepts, for the user to lower; long articles below it are
# summarized in parts of at most DEFAULT_MAX_PART_CHARS.
DEFAULT_MAX_INPUT_CHARS = 2_000_000
# About 20,000 tokens of English (fewer characters a token in other scripts): with the prompt
# and a 4,096-token reply, one part fits a 32k-token context.
DEFAULT_MAX_PART_CHARS = 60_000
DEFAULT_PART_OVERLAP_CHARS = 1_500
DEFAULT_PART_CONCURRENCY = 4
DEFAULT_MAX_OUTPUT_TOKENS = 4_096
DEFAULT_REASKS = 2
DEFAULT_TRANSPORT_ATTEMPTS = 4
DEFAULT_TRANSPORT_MAX_SECONDS = 300.0
# The most fetching a page may take, from the request to its last byte (`summarizer URL`).
DEFAULT_FETCH_SECONDS = 60.0
DEFAULT_PROMPT = "agreement_summary"

# Local servers ignore the key, but the openai client refuses to start without one.
PLACEHOLDER_API_KEY = "no-key-needed"


@dataclass(frozen=True)
class Settings:
    """Knobs for `summarize()`; None means "fall through to the environment or default"."""

    model: str | None = None
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS
    max_input_chars: int = DEFAULT_MAX_INPUT_CHARS
    max_output_tokens: int = DEFAULT_MAX_OUTPUT_TOKENS
    temperature: float = 0.0
    reasks: int = DEFAULT_REASKS
    transport_attempts: int = DEFAULT_TRANSPORT_ATTEMPTS
    transport_max_seconds: float = DEFAULT_TRANSPORT_MAX_SECONDS
    backend: str | None = None  # one of _types.BACKENDS; None = SUMMARIZER_BACKEND, else guess
    prompt: str = DEFAULT_PROMPT
    prompt_version: str | None = None
    transport_wait: wait_base | None = None  # a tenacity wait; None = Retry-After, else backoff
    # When an optional detail (a quote, a title as written) fails in a way a re-ask can fix:
    # "reask" asks the model again while re-asks remain, then drops it; "drop" drops it at
    # once, unpaid.
    on_failed_detail: Literal["reask", "drop"] = "reask"
    # A normalised value that no rule proves from the article (graded "unverified" or
    # "translated") is kept; False leaves it out and lists it in meta.dropped.
    keep_unverified: bool = True
    # "auto": a document that opens as an HTML page has its story extracted first;
    # "text" never extracts, "html" always does.
    input_format: Literal["auto", "text", "html"] = "auto"
    # An article longer than max_part_chars is split at paragraph breaks into parts that
    # overlap by part_overlap_chars; up to part_concurrency of them are sent at once.
    max_part_chars: int = DEFAULT_MAX_PART_CHARS
    part_overlap_chars: int = DEFAULT_PART_OVERLAP_CHARS
    part_concurrency: int = DEFAULT_PART_CONCURRENCY
    # The article's language as an ISO 639-1 code ("es"); None detects it.
    language: str | None = None

    def __post_init__(self) -> None:
        for name in (
            "timeout_seconds",
            "max_input_chars",
            "max_output_tokens",
            "max_part_chars",
            "part_concurrency",
        ):
            if getattr(self, name) <= 0:
                raise ConfigError(f"Settings.{name} must be positive")
        if self.reasks < 0:
            raise ConfigError("Settings.reasks must be 0 or more")
        if self.transport_attempts < 1:
            raise ConfigError("Settings.transport_attempts must be at least 1")
        if self.on_failed_detail not in ("reask", "drop"):
            raise ConfigError("Settings.on_failed_detail must be 'reask' or 'drop'")
        if self.input_format not in ("auto", "text", "html"):
            raise ConfigError("Settings.input_format must be 'auto', 'text' or 'html'")
        if not 0 <= self.part_overlap_chars <= self.max_part_chars // 2:
            raise ConfigError(
                "Settings.part_overlap_chars must be between 0 and max_part_chars / 2"
            )


@dataclass(frozen=True)
class ResolvedConfig:
    """The configuration one call runs with, after precedence is applied."""

    model: str
    base_url: str
    api_key: str = field(repr=False)
    backend: Backend
    settings: Settings

    @property
    def endpoint(self) -> str:
        """The base URL without any user name or password, safe to log and store."""
        parts = urlsplit(self.base_url)
        host = parts.hostname or ""
        netloc = f"{host}:{parts.port}" if parts.port else host
        return urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))


def _first(*values: str | None) -> str | None:
    return next((v for v in values if v), None)


def resolve(
    *,
    model: str | None = None,
    base_url: str | None = None,
    api_key: str | None = None,
    settings: Settings | None = None,
    environ: Mapping[str, str] | None = None,
) -> ResolvedConfig:
    """Apply the precedence rule; `environ` defaults to `os.environ` as it is right now."""
    settings = settings or Settings()
    env = os.environ if environ is None else environ
    resolved_base_url = (
        _first(
            base_url, settings.base_url, env.get("SUMMARIZER_BASE_URL"), env.get("OPENAI_BASE_URL")
        )
        or DEFAULT_BASE_URL
    )
    resolved_key = _first(
        api_key, settings.api_key, env.get("SUMMARIZER_API_KEY"), env.get("OPENAI_API_KEY")
    )
    if resolved_key is None:
        if urlsplit(resolved_base_url).hostname == "api.openai.com":
            raise ConfigError(
                "no API key for api.openai.com: set SUMMARIZER_API_KEY or OPENAI_API_KEY, "
                "or point SUMMARIZER_BASE_URL at a local server"
            )
        resolved_key = PLACEHOLDER_API_KEY
    backend = settings.backend or env.get("SUMMARIZER_BACKEND") or detect_backend(resolved_base_url)
    if backend not in BACKENDS:
        raise ConfigError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    return ResolvedConfig(
        model=_first(model, settings.model, env.get("SUMMARIZER_MODEL"), env.get("OPENAI_MODEL"))
        or DEFAULT_MODEL,
        base_url=resolved_base_url,
        api_key=resolved_key,
        backend=backend,  # type: ignore[arg-type]  # checked against BACKENDS just above
        settings=settings,
    )
