"""What the library logs reaches the command line's user: warnings by default, errors only
with --quiet, retries too with --verbose."""

from __future__ import annotations

import json
import logging

import pytest
from helpers.fake_openai import FakeOpenAIServer, Weather, reference_replies
from helpers.support import ARTICLES

from summarizer._cli import main


@pytest.fixture
def one_item(tmp_path):
    source = tmp_path / "items.jsonl"
    text = (ARTICLES / "interpol_tren_de_aragua.txt").read_text()
    source.write_text(json.dumps({"id": "a", "text": text}) + "\n")
    return source


def test_a_cache_that_cannot_be_used_is_a_warning_unless_quiet(
    tmp_path, one_item, monkeypatch, capsys
) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(tmp_path / "a-file" / "x"))
    with FakeOpenAIServer(reference_replies()) as server:
        batch = ["batch", str(one_item), "--base-url", server.base_url]
        assert main([*batch, "--out", str(tmp_path / "1.jsonl")]) == 0
        shown = capsys.readouterr().err
        assert main(["--quiet", *batch, "--out", str(tmp_path / "2.jsonl")]) == 0
        assert main([*batch, "--out", str(tmp_path / "3.jsonl"), "--quiet"]) == 0
        quiet = capsys.readouterr().err
    assert "summarizer: WARNING: no response cache" in shown
    assert "no response cache" not in quiet
    assert "1 summarized" in shown  # the closing line is no warning: always shown


def test_retries_are_shown_with_verbose_only(tmp_path, one_item, monkeypatch, capsys) -> None:
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(tmp_path / "cache"))
    weather = Weather(rate_limited_share=0.5, retry_after_ms=10, seed=3)
    with FakeOpenAIServer(reference_replies(), weather) as server:
        batch = ["batch", str(one_item), "--base-url", server.base_url, "--no-cache"]
        assert main([*batch, "--out", str(tmp_path / "1.jsonl")]) == 0
        plain = capsys.readouterr().err
        met = server.stats.rate_limited
        assert main(["-v", *batch, "--out", str(tmp_path / "2.jsonl")]) == 0
        verbose = capsys.readouterr().err
        assert met >= 1 and server.stats.rate_limited > met  # each run met a 429
    assert "transport attempt 1 failed" not in plain
    assert "summarizer: INFO: transport attempt 1 failed (HTTP 429" in verbose
    assert "summarized with" in verbose  # each article's attempts and tokens


def test_the_flags_come_before_the_command_or_the_article(tmp_path, capsys) -> None:
    assert main(["--verbose", "--quiet", "batch", "x", "--out", "y"]) == 2
    assert "not both" in capsys.readouterr().err
    # `summarizer -q ARTICLE` is still short for `summarizer -q summarize ARTICLE`.
    assert main(["-q", str(tmp_path / "missing.txt")]) == 2
    assert "missing.txt" in capsys.readouterr().err
    # The command line leaves the library's logger as it found it.
    logger = logging.getLogger("summarizer")
    assert logger.level == logging.NOTSET
    logger.setLevel(logging.DEBUG)
    try:
        main(["-v", str(tmp_path / "missing.txt")])
        assert logger.level == logging.DEBUG
    finally:
        logger.setLevel(logging.NOTSET)
