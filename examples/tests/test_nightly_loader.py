"""How to test your own code around summarize() offline, with recordings of a real model.

`summarizer_cassette` replays cassettes/test_nightly_loader/<test name>.json. The one here
was recorded from llama.cpp's llama-server running SmolLM2-135M-Instruct, a tiny model
whose replies rarely survive grounding: exactly what a loader's error path needs to meet.
To record your own, point at a live endpoint and switch recording on:

    SUMMARIZER_RECORD=1 SUMMARIZER_BASE_URL=http://127.0.0.1:8080/v1 pytest examples/tests

Pin everything that goes into the request (model, settings) in the test itself: a replayed
request must equal the recorded one, and the environment is not there offline.

Run offline (the default) with:  pytest examples/tests
"""

from __future__ import annotations

from pathlib import Path

from summarizer import NoAgreementError, ReplyError, Settings, summarize

# The project's own fixtures: in your project, wherever your articles are.
FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures"
ARTICLE = FIXTURES / "articles" / "examples" / "interpol_tren_de_aragua.txt"
# The prompt version is pinned too: a new release's default prompt would change the request.
SETTINGS = Settings(
    model="SmolLM2-135M-Instruct-Q4_1",
    max_output_tokens=1024,
    reasks=1,
    backend="llama.cpp",
    prompt_version="2",
)


def load_article(text: str, client) -> dict:
    """A nightly loader's step: one database row per article, failures included."""
    try:
        summary = summarize(text, client=client, settings=SETTINGS)
    except NoAgreementError as exc:
        return {"status": "no_agreement", "tokens": exc.meta.usage.total_tokens}
    except ReplyError as exc:
        return {"status": "failed", "error": type(exc).__name__, "tokens": exc.usage.total_tokens}
    return {
        "status": "ok",
        "parties": [party.name for party in summary.parties],
        "tokens": summary.meta.usage.total_tokens,
    }


def test_loader_keeps_failed_articles_with_their_cost(summarizer_cassette) -> None:
    row = load_article(ARTICLE.read_text(encoding="utf-8"), summarizer_cassette.client())
    # The recorded reply ran into max_tokens: the row says so and keeps what it cost.
    assert row == {"status": "failed", "error": "TruncatedReplyError", "tokens": row["tokens"]}
    assert row["tokens"] > SETTINGS.max_output_tokens
