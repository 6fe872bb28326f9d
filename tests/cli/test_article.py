"""`summarizer summarize` prints a summary (and a full disk under it is a message), and
`summarizer report` and `summarizer summarize --html` write the evidence pages."""

from __future__ import annotations

import json
import shlex
import sys

from helpers.fake_openai import FakeOpenAIServer, reference_replies
from helpers.support import ARTICLES, REFERENCE
from helpers.tiny_disk import in_tiny_disk

from summarizer._cli import main

SEED = "interpol_tren_de_aragua"


def test_summarize_writes_the_page_beside_its_brief(tmp_path, capsys) -> None:
    page = tmp_path / "seed.html"
    article = str(ARTICLES / f"{SEED}.txt")
    status = main([article, "--replay", str(REFERENCE / f"{SEED}.json"), "--html", str(page)])
    assert status == 0 and "Venue:" in capsys.readouterr().out
    html = page.read_text()
    assert '<mark id="ev-1"' in html and "Content-Security-Policy" in html


def test_report_from_a_saved_summary_and_from_a_batch_results_file(tmp_path, capsys) -> None:
    article = ARTICLES / f"{SEED}.txt"
    summary = tmp_path / "seed.json"
    main([str(article), "--replay", str(REFERENCE / f"{SEED}.json"), "--json"])
    summary.write_text(capsys.readouterr().out)
    page = tmp_path / "one.html"
    assert main(["report", str(summary), "--article", str(article), "--out", str(page)]) == 0
    assert "INTERPOL Washington" in page.read_text()
    assert main(["report", str(summary), "--out", str(page)]) == 2  # no article: no offsets
    assert "--article" in capsys.readouterr().err

    results = tmp_path / "results.jsonl"
    with FakeOpenAIServer(reference_replies()) as server:
        batch = ["batch", str(ARTICLES), "--out", str(results), "--base-url", server.base_url]
        assert main([*batch, "--no-cache", "--quiet"]) == 0
    index = tmp_path / "index.html"
    assert main(["report", str(results), "--article", str(ARTICLES), "--out", str(index)]) == 0
    html = index.read_text()
    ids = [json.loads(line)["id"] for line in results.read_text().splitlines()]
    assert all(item_id in html for item_id in ids) and "no_agreement" in html
    assert html.count('<mark id="') > len(ids)  # the summarized items' spans, all of them


def test_report_reads_a_results_file_with_bad_lines_and_numbers(tmp_path, capsys) -> None:
    results = tmp_path / "results.jsonl"
    results.write_text(
        '{"id": "a", "status": "failed", "usage": {"total_tokens": null}}\n'
        '{"id": "b", "status": "failed", "usage": {"total_tokens": 1e999}}\n'
        + "[" * 100_000 + "]" * 100_000 + "\n" + "{broken\n"
    )  # fmt: skip
    page = tmp_path / "page.html"
    assert main(["report", str(results), "--out", str(page)]) == 0
    shown = page.read_text()
    assert "4 items" in shown and shown.count("is not a result object") == 4  # row, section


def test_output_on_a_full_disk_is_a_message_and_status_2(tmp_path) -> None:
    disk = tmp_path / "disk"
    summarize = shlex.join([
        sys.executable, "-m", "summarizer", str(ARTICLES / f"{SEED}.txt"),
        "--replay", str(REFERENCE / f"{SEED}.json"), "--json",
    ])  # fmt: skip
    # The disk is filled first, then the summary is printed into a file on it.
    finished = in_tiny_disk(
        f"head -c 65536 /dev/zero > {disk}/filler 2>/dev/null; "
        f"{summarize} > {disk}/summary.json; echo status=$?",
        disk,
    )
    assert "status=2" in finished.stdout, finished.stderr
    assert "summarizer: cannot write standard output: No space left on device" in finished.stderr
    assert "Traceback" not in finished.stderr and "Exception ignored" not in finished.stderr
