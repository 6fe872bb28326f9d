"""A batch's results, as a resumable JSONL.

The results file gets one whole line per finished item, written whole before the next.
A process killed at any moment leaves at most a torn last line; `ResultsFile.open()` cuts
it off, and `pending()` skips every item that already has its line, so running the same
command again finishes the batch with each item exactly once. Beside it, a side file keeps
what items in flight paid (`summarizer._batch.spent`).
"""

from __future__ import annotations

import dataclasses
import fcntl
import json
import os
import shutil
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from .._exceptions import ConfigError, DuplicateItemError, ResultsWriteError, UnreadableInputError
from .._meta import Usage
from .item import ItemResult, ItemText, duplicate_item
from .spent import SpentLog, replace_with, spent_line, write_whole

__all__ = ["ResultsFile", "spent_path"]


def spent_path(results: Path) -> Path:
    """The side file beside a results file: what items still without a line have paid for
    (see `summarizer._batch.spent`)."""
    return results.with_name(results.name + ".spent")


class ResultsFile:
    """An append-only JSONL of `ItemResult` lines that a re-run resumes from.

    One run at a time: the file is locked while open, so two runs on the same file cannot
    both summarize an item and append it twice. Beside it, a side file (`spent_path()`)
    keeps what items in flight paid, so that a line's usage counts what killed runs spent.
    """

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self.done: set[str] = set()  # ids with an answer or a failure of their own
        self.duplicates: Counter[str] = Counter()  # ids with lines for repeated occurrences
        self.failed_before = 0
        self._fd = fd
        self._spent: SpentLog | None = None
        # The first write that failed: once one has, nothing more is written or paid for.
        self._write_failure: ResultsWriteError | None = None

    @classmethod
    def open(cls, path: Path, *, retry_failed: bool = False) -> ResultsFile:
        """Open `path` for appending, after reading what earlier runs finished.

        A torn last line (a run killed mid-write) is cut off. With `retry_failed`, lines of
        failed items are removed first, so those items run again.

        Raises:
            ConfigError: another run has the file open.
            UnreadableInputError: a line other than the last is not a result (the file
                is not one of ours, or was edited).
        """
        results = cls(path, _open_locked(path))
        try:
            _cut_torn_line(results._fd)
            results._read_finished()
            results._spent = spent = SpentLog.open(spent_path(path), written=results.done)
            if retry_failed:
                # What the failed attempts spent moves to the side file before their lines go.
                for record in _lines(path):
                    if _retryable(record):
                        spent.carry(record["id"], Usage.read(record.get("usage")))
                spent.sync()
                _drop_lines(path, _retryable)
                # The file is a new one now; the old one's lock kept others out meanwhile.
                os.close(results._fd)
                results._fd = _open_locked(path)
                results._read_finished()
        except BaseException:
            results.close()
            raise
        return results

    def _read_finished(self) -> None:
        self.done.clear()
        self.duplicates.clear()
        self.failed_before = 0
        for record in _lines(self.path):
            if _is_duplicate(record):
                self.duplicates[record["id"]] += 1
            else:
                self.done.add(record["id"])
            self.failed_before += record["status"] == "failed"

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

    def append(self, result: ItemResult) -> ItemResult:
        """Write one whole line, so a kill leaves at most a torn last line; its usage adds
        what killed runs spent on the item (`spent_path()`). Returns the result as written.

        Raises:
            ResultsWriteError: this write, or an earlier one to the side file, failed (a
                full disk); the file ends with its last whole line.
        """
        if self._write_failure is not None:
            raise self._write_failure
        if self._spent is not None and not isinstance(result.error, DuplicateItemError):
            earlier = self._spent.settle(result.id)
            result = dataclasses.replace(result, usage=result.usage + earlier)
        data = result.to_json_line().encode()
        end = os.fstat(self._fd).st_size
        try:
            write_whole(self._fd, data)
        except OSError as exc:
            os.ftruncate(self._fd, end)  # no torn line left behind
            raise self._failed(self.path, exc, len(data)) from None
        if not isinstance(result.error, DuplicateItemError):
            self.done.add(result.id)
        return result

    def note_spent(self, item_id: str, usage: Usage) -> None:
        """Record a reply paid for an item still in flight, so that a kill does not lose it
        from the bill.

        Raises:
            ResultsWriteError: the side file cannot be written. Raised in the item's model
                call, it ends the item at once, and the next `append` raises it again, so
                the run stops before it pays for more.
        """
        if self._write_failure is not None:
            raise self._write_failure
        if self._spent is None:
            return
        try:
            self._spent.note(item_id, usage)
        except OSError as exc:
            raise self._failed(self._spent.path, exc, len(spent_line(item_id, usage))) from None

    def _failed(self, path: Path, exc: OSError, needed: int) -> ResultsWriteError:
        try:
            free: int | None = shutil.disk_usage(path.parent).free
        except OSError:
            free = None
        room = f"{free:,} bytes free there" if free is not None else "free space unknown"
        self._write_failure = ResultsWriteError(
            f"cannot write to {path}: {exc.strerror or exc} ({room}; the line needs "
            f"{needed:,}); make room and run the same command again: it resumes",
            path=path,
            needed=needed,
            free=free,
        )
        return self._write_failure

    def close(self) -> None:
        if self._spent is not None:
            self._spent.close(written=self.done)
            self._spent = None
        if self._fd >= 0:
            os.close(self._fd)  # and with it the lock
            self._fd = -1

    def __enter__(self) -> ResultsFile:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _lines(path: Path) -> Iterator[dict[str, Any]]:
    """A results file's records, streamed: the file may hold a night's work."""
    with open(path, "rb") as lines:
        for number, raw in enumerate(lines, start=1):
            if (record := _result_line(raw, path, number)) is not None:
                yield record


def _result_line(raw: bytes, path: Path, number: int) -> dict[str, Any] | None:
    if not raw.strip():
        return None
    try:
        record = json.loads(raw)
        if isinstance(record, dict) and isinstance(record.get("id"), str) and "status" in record:
            return record
    except (ValueError, RecursionError):
        pass
    raise UnreadableInputError(
        f"{path} line {number} is not a result line; is --out the right file?"
    )


def _is_duplicate(record: dict[str, Any]) -> bool:
    error = record.get("error") or {}
    return bool(error.get("type") == DuplicateItemError.__name__)


def _retryable(record: dict[str, Any]) -> bool:
    return bool(record["status"] == "failed" and not _is_duplicate(record))


def _cut_torn_line(fd: int) -> None:
    """Cut the file back to its last newline: a run killed mid-write leaves a partial line."""
    size = os.fstat(fd).st_size
    end = size
    while end > 0:
        start = max(0, end - 65536)
        chunk = os.pread(fd, end - start, start)
        newline = chunk.rfind(b"\n")
        if newline >= 0:
            end = start + newline + 1
            break
        end = start
    if end < size:
        os.ftruncate(fd, end)


def _drop_lines(path: Path, unwanted: Callable[[dict[str, Any]], bool]) -> None:
    """Replace the file with one without the unwanted lines; a kill leaves the old or the new."""
    with open(path, "rb") as lines:
        replace_with(
            path,
            (
                raw
                for number, raw in enumerate(lines, start=1)
                if (record := _result_line(raw, path, number)) is not None and not unwanted(record)
            ),
        )


def _open_locked(path: Path) -> int:
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise ConfigError(f"another run is writing to {path}; let it finish first") from None
    return fd
