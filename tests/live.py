"""The settings live llama.cpp runs use, shared by the integration tests that record and the
fast tests that replay (a replayed request must equal the recorded one, byte for byte)."""

from __future__ import annotations

from pathlib import Path

from summarizer import Settings

LIVE_MODEL = "SmolLM2-135M-Instruct-Q4_1"
# Room for a whole reply from a wordy small model, and one re-ask: about 1.5 minutes an
# article on 2 cores.
LIVE_SETTINGS = Settings(
    backend="llama.cpp",
    max_output_tokens=3000,
    reasks=1,
    timeout_seconds=300,
    transport_attempts=2,
)
LLAMA_CASSETTES = Path(__file__).resolve().parent / "cassettes" / "llama_cpp"
