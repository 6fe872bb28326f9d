"""The integration tests' fixtures; they live in helpers/llama.py so other test runs can
import them."""

from helpers.llama import llama_server  # noqa: F401
