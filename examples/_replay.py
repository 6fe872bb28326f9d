"""Shared by the examples: use a live endpoint when one is configured, else replay offline."""

from __future__ import annotations

import os
from pathlib import Path

import httpx2
import openai

from summarizer.testing import Cassette, cassette_transport

HERE = Path(__file__).resolve().parent
LIVE_SWITCHES = ("SUMMARIZER_BASE_URL", "OPENAI_API_KEY")
# The examples read the fixtures the tests read, from their one home.
FIXTURES = HERE.parent / "tests" / "fixtures"
# The articles, one folder per set: examples/, roundups/, languages/ and others.
ARTICLES = FIXTURES / "articles"
EXAMPLE_ARTICLES = ARTICLES / "examples"
# One reference cassette per example article.
CASSETTES = FIXTURES / "cassettes" / "reference"
# The round-ups' and the articles in other languages' reference cassettes.
ROUNDUP_AND_LANGUAGE_CASSETTES = FIXTURES / "cassettes" / "roundups_languages" / "reference"


def article(stem: str, folder: Path = EXAMPLE_ARTICLES) -> str:
    return (folder / f"{stem}.txt").read_text(encoding="utf-8")


def live() -> bool:
    """True when the environment names a live endpoint to call."""
    return any(os.environ.get(name) for name in LIVE_SWITCHES)


def reference_completion(stem: str) -> dict:
    """The chat completion stored in the article's reference cassette."""
    cassette = Cassette.load(CASSETTES / f"{stem}.json")
    return cassette.interactions[0]["response"]["body"]


def replay_client(
    stem: str,
    base_url: str = "http://replay.invalid/v1",
    folder: Path = CASSETTES,
) -> openai.OpenAI:
    """An openai client answered from the article's reference cassette, offline."""
    path = folder / f"{stem}.json"
    transport = cassette_transport(path, record=False)
    cassette = transport.cassette
    print(
        f"[offline] replaying {path.relative_to(HERE.parent)} ({cassette.source['kind']} fixture:"
    )
    print(f"          {cassette.source['note']})")
    print("          set SUMMARIZER_BASE_URL or OPENAI_API_KEY to call a live endpoint instead\n")
    return openai.OpenAI(
        api_key="replay", base_url=base_url, http_client=httpx2.Client(transport=transport)
    )
