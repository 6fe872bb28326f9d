"""The files a batch reads and writes: inputs as a stream, results as a resumable JSONL.

Inputs are a folder of `.txt` (or saved `.html`) files (the id is the path inside the
folder) or a JSONL file
of `{"id": ..., "text": ...}` objects, read one item at a time. An item that cannot be
read becomes an `UnreadableInputError`, so the batch records it and goes on. One the input
names no id for (a line that is no JSON object, or whose `id` is missing, empty or no text;
a file name that is not UTF-8) comes after the others, under an id no item of the input
takes ("line 7", else "line 7 (unreadable)"; the file name's bytes written out).

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
import stat
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from .._config import DEFAULT_MAX_INPUT_CHARS
from .._exceptions import ConfigError, DuplicateItemError, ResultsWriteError, UnreadableInputError
from .._inputs.webpage import MAX_PAGE_BYTES
from .._meta import Usage
from .item import ItemResult, ItemText, duplicate_item
from .spent import SpentLog, replace_with, spent_line, write_whole

__all__ = ["ResultsFile", "count_items", "read_items", "spent_path"]


def read_items(
    source: Path, *, max_input_chars: int = DEFAULT_MAX_INPUT_CHARS
) -> Iterator[tuple[str, ItemText]]:
    """`(id, text)` pairs from a folder of `.txt` files or a JSONL file, lazily. In a
    folder, what is no readable file (a folder named `x.txt`, a broken or looping link, a
    FIFO) and a file too big to hold an article of `max_input_chars` fail as items.

    Raises:
        UnreadableInputError: when `source` itself is neither.
    """
    if source.is_dir():
        return _folder_items(source, max_input_chars)
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
    # Saved web pages too: their story is extracted as summarize() extracts it. Every name
    # that matches is an item, file or not, so that none is skipped without a word.
    found = {p for pattern in ("*.txt", "*.html", "*.htm") for p in folder.rglob(pattern)}
    return sorted(found)


def _folder_items(folder: Path, max_input_chars: int) -> Iterator[tuple[str, ItemText]]:
    paths = _folder_files(folder)
    names = [path.relative_to(folder).as_posix() for path in paths]
    unnamed = _ReaderNames(names)
    for path, item_id in zip(paths, names, strict=True):
        if _encodable(item_id):
            yield item_id, _file_text(path, max_input_chars)
        else:  # a file name in another encoding than the system's
            shown = item_id.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            unnamed.add(shown, UnreadableInputError(f"the file name {shown!r} is not UTF-8"))
    yield from unnamed.items()


def _file_text(path: Path, max_input_chars: int) -> ItemText:
    """A file's bytes (the summarizer says precisely why they are not UTF-8 text), or why
    it gives none, told before anything is read."""
    try:
        info = path.stat()  # follows links: a broken or looping one raises here
    except OSError as exc:
        return UnreadableInputError(f"cannot read {path}: {exc.strerror or exc}")
    if not stat.S_ISREG(info.st_mode):
        what = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file (a FIFO?)"
        return UnreadableInputError(f"{path} is {what}")
    # UTF-8 takes at most 4 bytes a character; a saved page is held to a fetched one's size.
    limit = MAX_PAGE_BYTES if path.suffix in (".html", ".htm") else 4 * max_input_chars
    if info.st_size > limit:
        return UnreadableInputError(
            f"{path} is {info.st_size:,} bytes, more than the {limit:,} an article may take "
            "(Settings.max_input_chars sets it); it was not read"
        )
    try:
        return path.read_bytes()
    except OSError as exc:
        return UnreadableInputError(f"cannot read {path}: {exc.strerror}")


def _jsonl_items(path: Path) -> Iterator[tuple[str, ItemText]]:
    unnamed = _ReaderNames()
    with path.open("rb") as lines:
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw)
            except (ValueError, RecursionError) as exc:  # nested too deep to read: one item
                reason = str(exc) or "nested too deep"
                unnamed.add(f"line {number}", f"line {number} is not JSON: {reason}")
                continue
            item_id = str(record["id"]) if isinstance(record, dict) and "id" in record else ""
            if not item_id:  # "" too: a results line and a database row need an id to hold
                unnamed.add(f"line {number}", f"line {number} has no 'id'")
                continue
            text = record.get("text")
            if not _encodable(item_id):
                unnamed.add(f"line {number}", f"line {number}: 'id' is not text")
                continue
            unnamed.taken.add(item_id)
            if not isinstance(text, str) or not _encodable(text):
                yield item_id, UnreadableInputError(f"line {number} has no 'text' string")
            else:
                yield item_id, text
    yield from unnamed.items()


class _ReaderNames:
    """Ids for items the input gives none for (a line that is no JSON object, a file name
    that is not UTF-8), handed out after every item of the input has passed: an id the
    input gives an item is its own, and an item without one may not take it (a real
    article "line 2" would otherwise fail as a duplicate of a bad second line, or be
    skipped on resume as done)."""

    def __init__(self, taken: Iterable[str] = ()) -> None:
        self.taken = set(taken)
        self._waiting: list[tuple[str, UnreadableInputError]] = []

    def add(self, name: str, error: UnreadableInputError | str) -> None:
        """An item to name `name` unless the input gives that id to an item of its own."""
        failure = error if isinstance(error, UnreadableInputError) else UnreadableInputError(error)
        self._waiting.append((name, failure))

    def items(self) -> Iterator[tuple[str, ItemText]]:
        for name, error in self._waiting:
            free, tries = name, 1
            while free in self.taken:
                free = f"{name} (unreadable)" if tries == 1 else f"{name} (unreadable {tries})"
                tries += 1
            self.taken.add(free)
            yield free, error


def _encodable(text: str) -> bool:
    """False for a lone surrogate ("\\ud800" is valid JSON but not text)."""
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


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
                        spent.carry(record["id"], Usage.read(_mapping(record.get("usage"))))
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


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


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
