"""summarize() against a real llama.cpp server running a real (tiny) model.

SmolLM2-135M writes schema-valid JSON full of invented values. The claim under test is
that summarize() still never returns an ungrounded fact: each article ends in a summary
whose every quote is in the text, or in a typed error.

By default a representative few articles run live (`helpers.live.LIVE_SUBSET`). With
SUMMARIZER_RECORD=1 every article runs and its exchanges are saved to
tests/fixtures/cassettes/llama_cpp/, labelled with server, model, date and outcome, and
`make test` replays them all offline.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from helpers.live import LIVE_MODEL, LIVE_SETTINGS, LIVE_SUBSET, LLAMA_CASSETTES
from helpers.llama import LlamaServer, healthy, start_server, stop
from helpers.support import all_evidence, grounded_in

from summarizer import (
    AgreementSummary,
    NoAgreementError,
    ReplyError,
    SummaryCache,
    summarize,
    summarize_many,
)
from summarizer._model.cassettes import recording_requested
from summarizer._model.clients import client_over

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_ARTICLES = ROOT / "tests" / "fixtures" / "articles" / "examples"
# Read at import: the autouse fixture that clears SUMMARIZER_* runs before each test.
RECORDING = recording_requested()
ARTICLES = [
    path for path in sorted(EXAMPLE_ARTICLES.glob("*.txt")) if RECORDING or path.stem in LIVE_SUBSET
]


@pytest.mark.parametrize("article", ARTICLES, ids=lambda p: p.stem)
def test_grounded_summary_or_typed_error(llama_server: LlamaServer, article: Path) -> None:
    text = article.read_text(encoding="utf-8")
    # Always through a recording transport (a pass-through that keeps copies); the copies
    # are written only when recording is switched on.
    recorder = llama_server.recorder(LIVE_MODEL)
    started = time.perf_counter()
    with client_over(recorder, base_url=llama_server.base_url, api_key="none") as client:
        try:
            outcome: object = summarize(
                text, model=LIVE_MODEL, client=client, settings=LIVE_SETTINGS
            )
        except (ReplyError, NoAgreementError) as exc:
            outcome = exc
    latency = time.perf_counter() - started

    if isinstance(outcome, AgreementSummary):
        quotes = all_evidence(outcome)
        assert quotes, "a summary must carry evidence"
        assert all(grounded_in(text, item) for item in quotes)
        assert outcome.meta.usage.total_tokens > 0
        assert all(d.path and d.reason for d in outcome.meta.dropped)
    elif isinstance(outcome, ReplyError):
        assert outcome.attempts >= 1 and outcome.usage.total_tokens > 0
    if RECORDING:
        recorder.cassette.source.update(
            outcome=type(outcome).__name__,
            latency_seconds=f"{latency:.1f}",
            prompt=f"agreement_summary v{LIVE_SETTINGS.prompt_version}",
        )
        if isinstance(outcome, AgreementSummary):
            recorder.cassette.source["dropped"] = str(len(outcome.meta.dropped))
        recorder.cassette.save(LLAMA_CASSETTES / f"{article.stem}.json")


# Two short articles the per-article test does not run live, summarized as one batch.
BATCH_STEMS = ("afp_polri_letter_of_intent", "unnamed_signatories_maritime")


def test_a_batch_against_the_live_server(llama_server: LlamaServer, tmp_path: Path) -> None:
    items = [(stem, (EXAMPLE_ARTICLES / f"{stem}.txt").read_text()) for stem in BATCH_STEMS]
    results = list(
        summarize_many(
            items,
            model=LIVE_MODEL,
            base_url=llama_server.base_url,
            settings=LIVE_SETTINGS,
            concurrency=2,
            cache=SummaryCache(tmp_path / "cache.sqlite"),
        )
    )
    assert sorted(r.id for r in results) == sorted(BATCH_STEMS)
    texts = dict(items)
    for result in results:
        assert result.usage.total_tokens > 0 and not result.cached
        if result.summary is not None:
            assert all(grounded_in(texts[result.id], e) for e in all_evidence(result.summary))
        elif result.status == "failed":
            # The tiny model's usual end: a typed reply error, never a crash of the batch.
            assert isinstance(result.error, ReplyError), result.error


def test_server_stops_and_frees_its_port(tmp_path) -> None:
    server = start_server(tmp_path / "server.log")
    base = server.base_url.removesuffix("/v1")
    try:
        assert healthy(base)
    finally:
        stop(server.process)
    assert server.process.poll() is not None
    assert not healthy(base)


def test_no_server_is_left_running_when_a_test_fails(tmp_path) -> None:
    pid_file = tmp_path / "pid"
    # The helpers package is found as in the suite: through pytest's `pythonpath`.
    (tmp_path / "pytest.ini").write_text(f"[pytest]\npythonpath = {ROOT / 'tests'}\n")
    (tmp_path / "conftest.py").write_text("from helpers.llama import llama_server  # noqa: F401\n")
    (tmp_path / "test_fails.py").write_text(
        textwrap.dedent(
            f"""
            def test_fails(llama_server):
                open({str(pid_file)!r}, "w").write(str(llama_server.process.pid))
                assert False, "deliberate failure"
            """
        )
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "deliberate failure" in result.stdout
    pid = int(pid_file.read_text())
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return
    os.kill(pid, signal.SIGKILL)
    pytest.fail(f"llama-server {pid} was still running after the failing test")
