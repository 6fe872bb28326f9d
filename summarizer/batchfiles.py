"""The files a batch reads and writes: inputs as a stream, results as a resumable JSONL.

Inputs are a folder of `.txt` files (the id is the path inside the folder) or a JSONL file
of `{"id": ..., "text": ...}` objects, read one item at a time. An item that cannot be
read becomes an `UnreadableInputError` in its place, so the batch records it and goes on.

The results file gets one whole line per finished item, appended with a single write.
A process killed at any moment leaves at most a torn last line; `ResultsFile.open()` cuts
it off, and `pending()` skips every item that already has its line, so running the same
command again finishes the batch with each item exactly once.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from .batch import ItemResult, ItemText, duplicate_item
from .errors import UnreadableInputError

__all__ = ["ResultsFile", "count_items", "read_items"]


def read_items(source: Path) -> Iterator[tuple[str, ItemText]]:
    """`(id, text)` pairs from a folder of `.txt` files or a JSONL file, lazily.

    Raises:
        UnreadableInputError: when `source` itself is neither.
    """
    if source.is_dir():
        return _folder_items(source)
    if source.is_file():
        return _jsonl_items(source)
    raise UnreadableInputError(f"{source} is neither a folder of .txt files nor a JSONL file")


def count_items(source: Path) -> int:
    """How many items `read_items(source)` will yield, for a progress bar."""
    if source.is_dir():
        return sum(1 for _ in _folder_files(source))
    with source.open("rb") as lines:
        return sum(1 for line in lines if line.strip())


def _folder_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*.txt") if path.is_file())


def _folder_items(folder: Path) -> Iterator[tuple[str, ItemText]]:
    for path in _folder_files(folder):
        item_id = path.relative_to(folder).as_posix()
        try:
            # Bytes: the summarizer says precisely why a file is not UTF-8 text.
            yield item_id, path.read_bytes()
        except OSError as exc:
            yield item_id, UnreadableInputError(f"cannot read {path}: {exc.strerror}")


def _jsonl_items(path: Path) -> Iterator[tuple[str, ItemText]]:
    with path.open("rb") as lines:
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw)
            except ValueError as exc:
                yield f"line {number}", UnreadableInputError(f"line {number} is not JSON: {exc}")
                continue
            if not isinstance(record, dict) or "id" not in record:
                yield f"line {number}", UnreadableInputError(f"line {number} has no 'id'")
                continue
            item_id = str(record["id"])
            text = record.get("text")
            if not isinstance(text, str):
                yield item_id, UnreadableInputError(f"line {number} has no 'text' string")
                continue
            yield item_id, text


class ResultsFile:
    """An append-only JSONL of `ItemResult` lines that a re-run resumes from."""

    def __init__(self, path: Path, done: set[str], duplicates: Counter[str], failed: int) -> None:
        self.path = path
        self.done = done  # ids with an answer or a failure of their own
        self.duplicates = duplicates  # ids with lines for repeated occurrences
        self.failed_before = failed
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    @classmethod
    def open(cls, path: Path, *, retry_failed: bool = False) -> ResultsFile:
        """Open `path` for appending, after reading what earlier runs finished.

        A torn last line (a run killed mid-write) is cut off. With `retry_failed`, lines of
        failed items are removed first, so those items run again.
        """
        done: set[str] = set()
        duplicates: Counter[str] = Counter()
        failed = 0
        if path.exists():
            kept = _whole_lines(path)
            if retry_failed:
                kept = [line for line in kept if not _retryable(line)]
                _replace(path, kept)
            for line in kept:
                record = json.loads(line)
                if record.get("error", {}).get("type") == "DuplicateItemError":
                    duplicates[record["id"]] += 1
                else:
                    done.add(record["id"])
                failed += record["status"] == "failed"
        return cls(path, done, duplicates, failed)

    def pending(self, items: Iterable[tuple[str, ItemText]]) -> Iterator[tuple[str, ItemText]]:
        """The items without a line yet; a repeated id is passed on as a duplicate."""
        occurrences: Counter[str] = Counter()
        for item_id, text in items:
            occurrences[item_id] += 1
            repeat = occurrences[item_id] - 1
            if repeat == 0:
                if item_id not in self.done:
                    yield item_id, text
            elif self.duplicates[item_id] < repeat:
                yield item_id, duplicate_item(item_id)

    def append(self, result: ItemResult) -> None:
        """Write one whole line with one `write`, so a kill cannot interleave two lines."""
        data = result.to_json_line().encode()
        while data:
            written = os.write(self._fd, data)
            data = data[written:]

    def close(self) -> None:
        os.close(self._fd)

    def __enter__(self) -> ResultsFile:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _whole_lines(path: Path) -> list[str]:
    """The file's complete lines, after cutting a torn last line off the file itself."""
    data = path.read_bytes()
    end = data.rfind(b"\n") + 1
    if end < len(data):
        with path.open("r+b") as file:
            file.truncate(end)
    lines = data[:end].decode("utf-8").splitlines()
    return [line for line in lines if line.strip()]


def _retryable(line: str) -> bool:
    record = json.loads(line)
    return bool(
        record["status"] == "failed" and record.get("error", {}).get("type") != "DuplicateItemError"
    )


def _replace(path: Path, lines: list[str]) -> None:
    """Rewrite `path` with `lines` so that a kill leaves either the old file or the new."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    os.replace(temporary, path)
