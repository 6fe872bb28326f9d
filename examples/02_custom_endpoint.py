"""Point summarizer at a local OpenAI-compatible server: llama.cpp, Ollama or vLLM.

Start one of them, then set the endpoint (no key is needed for local servers):

    llama-server -m model.gguf --port 8080                # llama.cpp
    ollama serve && ollama pull qwen2.5:7b                # Ollama, port 11434
    vllm serve Qwen/Qwen2.5-7B-Instruct --port 8000       # vLLM

    SUMMARIZER_BASE_URL=http://127.0.0.1:8080/v1 SUMMARIZER_MODEL=local \
        python examples/02_custom_endpoint.py

Without SUMMARIZER_BASE_URL it replays a reference reply offline, through the same
base_url a llama.cpp server would have, so you can see the whole flow.
"""

from __future__ import annotations

import os

from _replay import article, live, replay_client

from summarizer import Settings, SummarizerError, brief, summarize

STEM = "portugal_brazil_forensics_mou"
LOCAL = "http://127.0.0.1:8080/v1"

# Small local models are slow and wordy: allow more time and a longer reply.
settings = Settings(timeout_seconds=600, max_output_tokens=3000, reasks=2)
base_url = os.environ.get("SUMMARIZER_BASE_URL", LOCAL)
model = os.environ.get("SUMMARIZER_MODEL", "local")

print(f"endpoint: {base_url}  model: {model}  reasks: {settings.reasks}\n")
try:
    if live():
        summary = summarize(article(STEM), model=model, base_url=base_url, settings=settings)
    else:
        client = replay_client(STEM, base_url=LOCAL)
        summary = summarize(article(STEM), model=model, client=client, settings=settings)
except SummarizerError as exc:
    # A tiny local model often cannot ground its answer; that is an error, never a guess.
    print(f"no summary: {type(exc).__name__}: {exc}")
    raise SystemExit(1) from exc

print(brief(summary))
print(f"\nendpoint kind recorded in meta: {summary.meta.endpoint_kind} ({summary.meta.endpoint})")
