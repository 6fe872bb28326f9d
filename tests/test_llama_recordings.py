"""Exchanges recorded from a real llama.cpp server (SmolLM2-135M), replayed offline.

The tiny model invents values; these tests pin what the pipeline makes of its real
replies: the outcome recorded live is reproduced, and no summary carries a quote that is
not in the article. Re-record with `SUMMARIZER_RECORD=1 make integration`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from helpers.live import (
    LIVE_MODEL,
    LIVE_SETTINGS,
    LIVE_V3_SETTINGS,
    LLAMA_CASSETTES,
    LLAMA_V3_CASSETTES,
    V3_ARTICLES,
)
from helpers.support import ARTICLES, all_evidence, article, grounded_in

from summarizer import (
    AgreementSummary,
    NoAgreementError,
    ReplyError,
    Usage,
    summarize,
    summarize_all,
)
from summarizer._model.cassettes import Cassette, ReplayTransport
from summarizer._model.clients import client_over

RECORDINGS = sorted(LLAMA_CASSETTES.glob("*.json"))


def test_every_article_has_a_recording() -> None:
    assert {p.stem for p in RECORDINGS} == {p.stem for p in ARTICLES.glob("*.txt")}


@pytest.mark.parametrize("path", RECORDINGS, ids=lambda p: p.stem)
def test_recording_says_where_it_came_from(path: Path) -> None:
    source = Cassette.load(path).source
    assert source["kind"] == "recorded"
    assert "llama.cpp" in source["server"]
    assert source["model"] == LIVE_MODEL
    assert date.fromisoformat(source["recorded_on"])
    assert source["outcome"] and float(source["latency_seconds"]) > 0


@pytest.mark.parametrize("path", RECORDINGS, ids=lambda p: p.stem)
def test_replay_reproduces_the_live_outcome(path: Path) -> None:
    cassette = Cassette.load(path)
    transport = ReplayTransport(cassette)
    text = article(path.stem)
    with client_over(transport, base_url="http://replay.invalid/v1", api_key="x") as client:
        try:
            outcome: object = summarize(
                text, model=LIVE_MODEL, client=client, settings=LIVE_SETTINGS
            )
        except (ReplyError, NoAgreementError) as exc:
            outcome = exc
    assert type(outcome).__name__ == cassette.source["outcome"]
    assert transport.all_played

    bodies = [i["response"]["body"] for i in cassette.interactions]
    spent = sum((Usage(**{k: b["usage"][k] for k in Usage.model_fields}) for b in bodies), Usage())
    if isinstance(outcome, ReplyError):
        assert outcome.usage == spent
        assert outcome.last_reply == bodies[-1]["choices"][0]["message"]["content"]
    if isinstance(outcome, AgreementSummary):
        assert outcome.meta.usage == spent
        assert all(grounded_in(text, item) for item in all_evidence(outcome))


V3_RECORDINGS = sorted(LLAMA_V3_CASSETTES.glob("*.json"))
V3_TEXTS = {path.stem: path for path in V3_ARTICLES}


def test_every_v3_article_has_a_recording() -> None:
    assert {p.stem for p in V3_RECORDINGS} == set(V3_TEXTS)


@pytest.mark.parametrize("path", V3_RECORDINGS, ids=lambda p: p.stem)
def test_v3_replay_reproduces_the_live_outcome(path: Path) -> None:
    """Prompt v3 on a round-up and on articles in four languages, as the tiny model did."""
    cassette = Cassette.load(path)
    assert cassette.source["kind"] == "recorded" and cassette.source["prompt"].endswith("v3")
    text = V3_TEXTS[path.stem].read_text(encoding="utf-8")
    transport = ReplayTransport(cassette)
    with client_over(transport, base_url="http://replay.invalid/v1", api_key="x") as client:
        try:
            outcome: object = summarize_all(
                text, model=LIVE_MODEL, client=client, settings=LIVE_V3_SETTINGS
            )
        except (ReplyError, NoAgreementError) as exc:
            outcome = exc
    recorded = cassette.source["outcome"]
    assert (type(outcome).__name__ if not isinstance(outcome, list) else "summaries") == recorded
    assert transport.all_played
    if isinstance(outcome, list):
        for summary in outcome:
            assert all(grounded_in(text, item) for item in all_evidence(summary))
