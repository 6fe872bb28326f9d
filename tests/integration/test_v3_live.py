"""Prompt v3 against the real llama.cpp server: a round-up and articles in four languages.

What the tiny model (SmolLM2-135M) gets right is recorded, not demanded: each run must end
in grounded summaries or a typed error, and the article's language is detected whatever the
model answers. The score against each article's expected facts goes into the recording's
source, for the team to read. A representative two run live; SUMMARIZER_RECORD=1 runs and
records them all to tests/fixtures/cassettes/llama_cpp_v3/, which `make test` replays.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from helpers.live import (
    LIVE_MODEL,
    LIVE_V3_SETTINGS,
    LLAMA_V3_CASSETTES,
    V3_ARTICLES,
    V3_LIVE_SUBSET,
)
from helpers.llama import LlamaServer
from helpers.support import all_evidence, grounded_in

from summarizer import NoAgreementError, ReplyError, summarize_all
from summarizer._model.cassettes import recording_requested
from summarizer._model.clients import client_over

pytestmark = pytest.mark.integration

RECORDING = recording_requested()
RUN = [path for path in V3_ARTICLES if RECORDING or path.stem in V3_LIVE_SUBSET]


@pytest.mark.parametrize("article", RUN, ids=lambda p: p.stem)
def test_grounded_summaries_or_a_typed_error(llama_server: LlamaServer, article: Path) -> None:
    text = article.read_text(encoding="utf-8")
    recorder = llama_server.recorder(LIVE_MODEL)
    started = time.perf_counter()
    with client_over(recorder, base_url=llama_server.base_url, api_key="none") as client:
        try:
            outcome: object = summarize_all(
                text, model=LIVE_MODEL, client=client, settings=LIVE_V3_SETTINGS
            )
        except (ReplyError, NoAgreementError) as exc:
            outcome = exc
    latency = time.perf_counter() - started

    expected_language = expected_of(article).get("language", "en")
    if isinstance(outcome, list):
        for summary in outcome:
            assert all(grounded_in(text, e) for e in all_evidence(summary))
            assert summary.meta.language == expected_language
    elif isinstance(outcome, NoAgreementError):
        assert outcome.meta.language == expected_language
    else:
        assert isinstance(outcome, ReplyError) and outcome.usage.total_tokens > 0
    if RECORDING:
        recorder.cassette.source.update(
            outcome=type(outcome).__name__ if not isinstance(outcome, list) else "summaries",
            latency_seconds=f"{latency:.1f}",
            prompt=f"agreement_summary v{LIVE_V3_SETTINGS.prompt_version or '3'}",
            got=what_it_got(article, outcome),
        )
        recorder.cassette.save(LLAMA_V3_CASSETTES / f"{article.stem}.json")


def expected_of(article: Path) -> dict[str, object]:
    path = article.with_suffix(".expected.json")
    expected: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return expected


def what_it_got(article: Path, outcome: object) -> str:
    """A line for the recording: agreements found, and parties matching the expected ones."""
    if not isinstance(outcome, list):
        return type(outcome).__name__
    expected = expected_of(article)
    wanted: set[str] = set()
    if "agreements" in expected:
        for agreement in expected["agreements"]:  # type: ignore[attr-defined]
            wanted |= set(agreement["parties"])
    else:
        wanted = {p["name"] for p in expected["parties"]}  # type: ignore[attr-defined]
    got = {p.name for s in outcome for p in s.parties}
    return (
        f"{len(outcome)} agreement(s); {len(got & wanted)} of {len(wanted)} expected parties; "
        f"{len(got - wanted)} other(s); {sum(len(s.meta.dropped) for s in outcome)} dropped"
    )
