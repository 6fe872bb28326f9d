"""Batch inputs and the resumable results file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from summarizer import DuplicateItemError, ItemResult, UnreadableInputError
from summarizer._batch.files import ResultsFile
from summarizer._batch.inputs import count_items, read_items
from summarizer._exceptions import EmptyInputError


def test_a_folder_gives_each_txt_file_by_its_path_inside_the_folder(tmp_path) -> None:
    (tmp_path / "nested").mkdir()
    (tmp_path / "b.txt").write_text("second")
    (tmp_path / "a.txt").write_text("first")
    (tmp_path / "nested" / "c.txt").write_bytes(b"\xff\xfe not utf-8")
    (tmp_path / "notes.md").write_text("not an article")
    items = list(read_items(tmp_path))
    assert items == [
        ("a.txt", b"first"),
        ("b.txt", b"second"),
        ("nested/c.txt", b"\xff\xfe not utf-8"),
    ]
    assert count_items(tmp_path) == 3


def test_a_jsonl_gives_its_items_and_names_each_bad_line(tmp_path) -> None:
    source = tmp_path / "items.jsonl"
    source.write_text(
        "\n".join(
            [
                json.dumps({"id": "one", "text": "first"}),
                "",
                "{not json",
                json.dumps({"text": "no id"}),
                json.dumps({"id": 7, "text": "numeric id"}),
                json.dumps({"id": "no-text"}),
            ]
        )
        + "\n"
    )
    items = list(read_items(source))
    # The lines that name no id come last, when every id of the file is known.
    assert [item_id for item_id, _ in items] == ["one", "7", "no-text", "line 3", "line 4"]
    assert items[0][1] == "first" and items[1][1] == "numeric id"
    for _, text in items[2:]:
        assert isinstance(text, UnreadableInputError)
    assert "line 3 is not JSON" in str(items[3][1])
    assert count_items(source) == 5


def test_a_missing_input_is_an_unreadable_input(tmp_path) -> None:
    with pytest.raises(UnreadableInputError, match="neither a folder"):
        read_items(tmp_path / "nowhere.jsonl")


def ok(item_id: str) -> ItemResult:
    return ItemResult(item_id, "summarized")


def test_a_rerun_skips_what_has_a_line_and_cuts_a_torn_last_line(tmp_path) -> None:
    out = tmp_path / "results.jsonl"
    with ResultsFile.open(out) as results:
        results.append(ok("a"))
        results.append(ItemResult("b", "failed", error=EmptyInputError("empty")))
    with out.open("a") as file:
        file.write('{"id": "c", "status": "summ')  # a run killed mid-line
    items = [("a", "x"), ("b", "x"), ("c", "x"), ("d", "x")]
    with ResultsFile.open(out) as results:
        assert results.done == {"a", "b"} and results.failed_before == 1
        assert [item_id for item_id, _ in results.pending(items)] == ["c", "d"]
        results.append(ok("c"))
    lines = out.read_text().splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["a", "b", "c"]


def test_retry_failed_runs_failures_again_but_not_duplicates(tmp_path) -> None:
    out = tmp_path / "results.jsonl"
    with ResultsFile.open(out) as results:
        results.append(ok("a"))
        results.append(ItemResult("b", "failed", error=EmptyInputError("empty")))
        results.append(ItemResult("a", "failed", error=DuplicateItemError("again")))
    items = [("a", "x"), ("b", "x"), ("a", "x")]
    with ResultsFile.open(out, retry_failed=True) as results:
        assert [item_id for item_id, _ in results.pending(items)] == ["b"]
        assert results.failed_before == 1  # the duplicate stays failed
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["a", "a"]


def test_each_repeat_of_an_id_gets_one_duplicate_line_across_runs(tmp_path) -> None:
    out = tmp_path / "results.jsonl"
    items = [("a", "x"), ("a", "y"), ("a", "z")]
    with ResultsFile.open(out) as results:
        pending = list(results.pending(items))
        assert pending[0] == ("a", "x")
        assert all(isinstance(text, DuplicateItemError) for _, text in pending[1:])
        # Killed after the first repeat's line only: the original and one repeat remain.
        results.append(ItemResult("a", "failed", error=pending[1][1]))
    with ResultsFile.open(out) as results:
        pending = list(results.pending(items))
        assert pending[0] == ("a", "x") and len(pending) == 2
        assert isinstance(pending[1][1], DuplicateItemError)


def test_lines_are_whole_json_objects_with_what_a_loader_needs(tmp_path) -> None:
    out = tmp_path / "results.jsonl"
    with ResultsFile.open(out) as results:
        results.append(ItemResult("é", "failed", error=EmptyInputError("empty")))
    record = json.loads(out.read_text(encoding="utf-8"))
    assert record == {
        "id": "é",
        "status": "failed",
        "cached": False,
        "error": {"type": "EmptyInputError", "message": "empty"},
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }


def test_an_id_or_text_that_is_not_text_fails_its_line_only(tmp_path) -> None:
    source = tmp_path / "items.jsonl"
    lines = [
        '{"id": "\\ud800", "text": "x"}',
        '{"id": "b", "text": "\\udfff"}',
        '{"id": "c", "text": "ok"}',
    ]
    source.write_text("\n".join(lines) + "\n")
    items = list(read_items(source))
    assert [item_id for item_id, _ in items] == ["b", "c", "line 1"]
    assert isinstance(items[2][1], UnreadableInputError)
    assert isinstance(items[0][1], UnreadableInputError) and items[1][1] == "ok"


def test_one_run_at_a_time_per_results_file(tmp_path) -> None:
    from summarizer import ConfigError

    out = tmp_path / "results.jsonl"
    with ResultsFile.open(out), pytest.raises(ConfigError, match="another run"):
        ResultsFile.open(out)
    ResultsFile.open(out).close()  # free again once the first run ends


def test_a_line_that_is_not_a_result_is_reported_not_skipped(tmp_path) -> None:
    out = tmp_path / "results.jsonl"
    out.write_text(
        '{"id": "a", "status": "summarized"}\nnot json\n{"id": "b", "status": "failed"}\n'
    )
    with pytest.raises(UnreadableInputError, match="line 2"):
        ResultsFile.open(out)


def test_a_line_nested_too_deep_is_one_failed_item(tmp_path) -> None:
    source = tmp_path / "items.jsonl"
    deep = "[" * 100_000 + "]" * 100_000
    source.write_text(
        json.dumps({"id": "a", "text": "first"}) + "\n" + deep + "\n"
        + json.dumps({"id": "b", "text": "second"}) + "\n"
    )  # fmt: skip
    items = list(read_items(source))
    assert [i for i, _ in items] == ["a", "b", "line 2"]
    assert isinstance(items[2][1], UnreadableInputError) and items[1][1] == "second"
    out = tmp_path / "results.jsonl"
    out.write_text(ItemResult("a", "summarized").to_json_line() + deep + "\n")
    with pytest.raises(UnreadableInputError, match="line 2 is not a result line"):
        ResultsFile.open(out)  # reported as the wrong file, never a RecursionError


def test_what_is_no_readable_file_in_a_folder_fails_as_an_item(tmp_path) -> None:
    import os

    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "good.txt").write_text("an article")
    (folder / "folder.txt").mkdir()
    (folder / "dangling.txt").symlink_to(folder / "nowhere.txt")
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    os.mkfifo(folder / "pipe.txt")
    with (folder / "huge.txt").open("wb") as huge:  # sparse: 1 GiB on paper, nothing on disk
        huge.truncate(2**30)
    items = dict(read_items(folder, max_input_chars=1_000))
    assert items.pop("good.txt") == b"an article"
    assert set(items) == {"folder.txt", "dangling.txt", "loop.txt", "pipe.txt", "huge.txt"}
    assert all(isinstance(error, UnreadableInputError) for error in items.values())
    assert "is a folder" in str(items["folder.txt"])
    assert "not a regular file" in str(items["pipe.txt"])
    assert "1,073,741,824 bytes" in str(items["huge.txt"]) and "not read" in str(items["huge.txt"])
    assert count_items(folder) == 6


def test_a_bad_line_never_takes_an_id_an_item_of_the_file_has(tmp_path) -> None:
    source = tmp_path / "items.jsonl"
    source.write_text(
        json.dumps({"id": "a", "text": "first"}) + "\n"
        + "{not json\n"
        + json.dumps({"id": "line 2", "text": "an article named like the bad line"}) + "\n"
        + json.dumps({"id": "line 2 (unreadable)", "text": "and one named like its fallback"})
        + "\n"
    )  # fmt: skip
    items = list(read_items(source))
    assert [i for i, _ in items] == ["a", "line 2", "line 2 (unreadable)", "line 2 (unreadable 2)"]
    assert items[1][1] == "an article named like the bad line"
    assert isinstance(items[3][1], UnreadableInputError) and "line 2 is not JSON" in str(
        items[3][1]
    )
    # Each id once, so a run records every item and a re-run finds every one done.
    out = tmp_path / "results.jsonl"
    with ResultsFile.open(out) as results:
        for item_id, text in results.pending(items):
            assert not isinstance(text, DuplicateItemError)
            results.append(ok(item_id))
    with ResultsFile.open(out) as results:
        assert list(results.pending(read_items(source))) == []


def test_file_names_that_are_not_utf8_fail_each_under_an_id_of_its_own(tmp_path) -> None:
    import os

    folder = tmp_path / "articles"
    folder.mkdir()
    for name in (b"caf\xe9.txt", b"caf\xe8.txt"):  # Latin-1 names: one replacement char each
        (Path(os.fsdecode(bytes(folder) + b"/" + name))).write_text("an article")
    (folder / "ok.txt").write_text("an article")
    items = list(read_items(folder))
    assert [i for i, _ in items] == ["ok.txt", "caf\\xe8.txt", "caf\\xe9.txt"]
    assert all(isinstance(error, UnreadableInputError) for _, error in items[1:])
    assert "not UTF-8" in str(items[1][1])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(lines=st.lists(st.one_of(
    st.binary(max_size=60),
    st.builds(lambda i, t: json.dumps({"id": i, "text": t}).encode(),
              st.one_of(st.text(max_size=8), st.integers(), st.none()), st.text(max_size=20)),
    st.recursive(st.none() | st.integers() | st.text(max_size=5),
                 lambda inner: st.lists(inner, max_size=3)
                 | st.dictionaries(st.sampled_from(["id", "text", "x"]), inner, max_size=3),
                 max_leaves=8).map(lambda value: json.dumps(value).encode()),
), max_size=12))  # fmt: skip
@example(lines=[b'{"id": "", "text": "an id no database row can hold"}'])
def test_any_jsonl_gives_one_item_per_line_and_never_raises(tmp_path, lines) -> None:
    source = tmp_path / "any.jsonl"
    data = b"".join(line.replace(b"\n", b" ").replace(b"\r", b" ") + b"\n" for line in lines)
    source.write_bytes(data)
    items = list(read_items(source))  # whatever the bytes: no exception
    assert len(items) == count_items(source)
    for item_id, text in items:
        assert item_id and item_id.encode()  # an id a results line and a database can hold
        assert isinstance(text, (str, UnreadableInputError))
