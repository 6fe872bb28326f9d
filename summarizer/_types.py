"""Names shared by the settings and the model call, below both."""

from __future__ import annotations

from typing import Literal, get_args
from urllib.parse import urlsplit

__all__ = ["BACKENDS", "Backend", "detect_backend"]

# The kinds of server whose structured-output request shape the model call knows
# (`_model.backends.response_format`).
Backend = Literal["openai", "llama.cpp", "ollama", "vllm", "llama-cpp-python", "openai-compatible"]
BACKENDS: tuple[str, ...] = get_args(Backend)

OLLAMA_PORT = 11434


def detect_backend(base_url: str) -> Backend:
    """Guess the backend from the URL: OpenAI's host, Ollama's port, else generic."""
    parts = urlsplit(base_url)
    if parts.hostname == "api.openai.com":
        return "openai"
    if parts.port == OLLAMA_PORT:
        return "ollama"
    return "openai-compatible"
