"""The integration tests' fixtures; they live in llama.py so other test runs can import them."""

from llama import llama_server  # noqa: F401
