"""The gold set against a real llama.cpp server, so the harness can show a real model's score.

With SUMMARIZER_RECORD=1 every gold article is summarized and its exchanges are saved to
eval/cassettes/llama_cpp/ (labelled with server, model, date and outcome), which
`summarizer eval eval/gold --replay eval/cassettes/llama_cpp --reasks 1` scores offline.
Otherwise one article runs live and is scored, to show the live path end to end.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from helpers.live import LIVE_MODEL, LIVE_SETTINGS
from helpers.llama import LlamaServer

from summarizer import SummarizerError, summarize
from summarizer._eval.gold import GoldFile
from summarizer._eval.scoring import score_article
from summarizer._model.cassettes import recording_requested
from summarizer._model.clients import client_over

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "eval" / "gold"
RECORDINGS = ROOT / "eval" / "cassettes" / "llama_cpp"
RECORDING = recording_requested()
LIVE_ONE = "gold_bilateral_same_city"
STEMS = sorted(p.name.removesuffix(".gold.json") for p in GOLD.glob("*.gold.json"))


@pytest.mark.parametrize("stem", STEMS if RECORDING else [LIVE_ONE])
def test_gold_article_scored_live(llama_server: LlamaServer, stem: str) -> None:
    text = (GOLD / f"{stem}.txt").read_text(encoding="utf-8")
    recorder = llama_server.recorder(LIVE_MODEL)
    started = time.perf_counter()
    with client_over(recorder, base_url=llama_server.base_url, api_key="none") as client:
        try:
            outcome: object = summarize(
                text, model=LIVE_MODEL, client=client, settings=LIVE_SETTINGS
            )
        except SummarizerError as exc:
            outcome = exc
    latency = time.perf_counter() - started
    gold = GoldFile.load(GOLD / f"{stem}.gold.json")
    score = score_article(stem, gold, outcome)  # type: ignore[arg-type]
    assert score.fields["outcome"].tp + score.fields["outcome"].fn == 1
    assert score.outcome in ("summary", "no_agreement") or isinstance(outcome, SummarizerError)
    if RECORDING:
        recorder.cassette.source.update(
            outcome=type(outcome).__name__,
            latency_seconds=f"{latency:.1f}",
            prompt=f"agreement_summary v{LIVE_SETTINGS.prompt_version}",
        )
        recorder.cassette.save(RECORDINGS / f"{stem}.json")
