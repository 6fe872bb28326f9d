"""The results file's side file: what items still without a line have paid for."""

from __future__ import annotations

import errno
import json

import pytest

from summarizer import ItemResult, ResultsWriteError, Usage
from summarizer._batch.files import ResultsFile, spent_path
from summarizer._batch.spent import SpentLog
from summarizer._exceptions import EmptyInputError


def tokens(total: int) -> Usage:
    return Usage(prompt_tokens=total - 1, completion_tokens=1, total_tokens=total)


def test_opening_keeps_what_ids_without_a_line_spent_one_entry_each(tmp_path) -> None:
    path = tmp_path / "results.jsonl.spent"
    path.write_text(
        '{"id":"a","usage":{"prompt_tokens":9,"completion_tokens":1,"total_tokens":10}}\n'
        '{"id":"b","usage":{"prompt_tokens":4,"completion_tokens":1,"total_tokens":5}}\n'
        '{"id":"a","usage":{"prompt_tokens":6,"completion_tokens":1,"total_tokens":7}}\n'
        '{"id":"c","usage":{"total_tokens":null}}\n'
        '{"id":"b","usa'  # torn by a kill
    )
    spent = SpentLog.open(path, written={"b"})
    spent.close(written={"b"})
    assert [json.loads(line)["id"] for line in path.read_text().splitlines()] == ["a", "c"]
    spent = SpentLog.open(path, written=set())
    assert spent.settle("a") == Usage(prompt_tokens=15, completion_tokens=2, total_tokens=17)
    assert spent.settle("a") == Usage()  # settled once
    assert spent.settle("c") == Usage() and spent.settle("b") == Usage()
    spent.close(written={"a"})
    assert [json.loads(line)["id"] for line in path.read_text().splitlines()] == ["c"]


def test_a_line_adds_what_a_killed_run_spent_on_its_item(tmp_path) -> None:
    out = tmp_path / "results.jsonl"
    with ResultsFile.open(out) as results:
        results.note_spent("a", tokens(10))  # then the run is killed before a's line
    with ResultsFile.open(out) as results:
        results.append(ItemResult("a", "summarized", usage=tokens(30)))
    (record,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert record["usage"]["total_tokens"] == 40


def test_retrying_failures_keeps_what_the_failed_attempt_spent(tmp_path) -> None:
    out = tmp_path / "results.jsonl"
    failed = ItemResult("a", "failed", error=EmptyInputError("x"), usage=tokens(10))
    with ResultsFile.open(out) as results:
        results.append(failed)
        results.append(ItemResult("b", "summarized", usage=tokens(5)))
    with ResultsFile.open(out, retry_failed=True) as results:
        assert results.done == {"b"}
        results.append(ItemResult("a", "summarized", usage=tokens(20)))
    records = {json.loads(line)["id"]: json.loads(line) for line in out.read_text().splitlines()}
    assert (
        records["a"]["usage"]["total_tokens"] == 30 and records["b"]["usage"]["total_tokens"] == 5
    )
    # Nothing left over for a third run to count again.
    with ResultsFile.open(out):
        assert spent_path(out).read_text() == ""


def test_a_side_file_that_cannot_be_written_ends_the_item_and_the_run(
    tmp_path, monkeypatch
) -> None:
    out = tmp_path / "results.jsonl"
    with ResultsFile.open(out) as results:
        results.append(ItemResult("a", "summarized"))

        def full(self: SpentLog, item_id: str, usage: Usage) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(SpentLog, "note", full)
        with pytest.raises(ResultsWriteError, match=r"results\.jsonl\.spent: No space left"):
            results.note_spent("b", tokens(10))  # the item's call ends with this at once
        with pytest.raises(ResultsWriteError, match=r"results\.jsonl\.spent: No space left"):
            results.append(ItemResult("b", "failed"))  # and its line stops the run
    assert out.read_text().count("\n") == 1


def test_a_results_file_started_over_counts_nothing_twice(tmp_path) -> None:
    out = tmp_path / "results.jsonl"
    with ResultsFile.open(out) as results:
        results.note_spent("a", tokens(10))
        results.append(ItemResult("a", "summarized", usage=tokens(10)))
    out.unlink()  # the user starts over, the side file left where it was
    with ResultsFile.open(out) as results:
        written = results.append(ItemResult("a", "summarized", usage=tokens(10)))
    assert written.usage.total_tokens == 10


def test_the_result_appended_is_the_one_written(tmp_path) -> None:
    out = tmp_path / "results.jsonl"
    with ResultsFile.open(out) as results:
        results.note_spent("a", tokens(10))  # killed here
    with ResultsFile.open(out) as results:
        written = results.append(ItemResult("a", "summarized", usage=tokens(5)))
    # What `--db` writes is this result, so the database counts the killed run's reply too.
    assert written.usage.total_tokens == 15
    assert json.loads(out.read_text())["usage"] == written.usage.model_dump()
