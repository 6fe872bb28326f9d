"""What a batch paid for replies whose items have no results line yet, in a side file beside
the results (`results.jsonl.spent`), so that a killed run's bill is not lost.

Each paid reply appends `{"id": ..., "usage": {...}}` the moment it arrives. A run killed
with items in flight has paid for replies that no results line counts; the next run reads
the side file, and when such an item's line is written, it adds what the earlier runs spent
on it. So the lines' `usage` sums to the bill once every item has its line, and until then
the bill is the lines plus the side file's entries for ids that have none.

What the side file says of an id that has a line is in that line already (the line was
written after it), so opening keeps only the others: one entry per id, written to a new
file that replaces the old one, so a kill leaves the old or the new.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Container, Iterable, Iterator
from pathlib import Path

from .._meta import Usage

__all__ = ["SpentLog", "replace_with", "spent_line", "write_whole"]


class SpentLog:
    """The side file of a results file: what earlier runs spent on items still without a line,
    and, appended as they arrive, the replies this run pays for."""

    def __init__(self, path: Path, fd: int, earlier: dict[str, Usage]) -> None:
        self.path = path
        self._fd = fd
        self._earlier = earlier

    @classmethod
    def open(cls, path: Path, *, written: Container[str]) -> SpentLog:
        """The side file at `path`, keeping only what it says of ids not in `written`;
        raises OSError when it cannot be rewritten."""
        earlier = _unwritten(path, written)
        replace_with(path, (spent_line(item_id, usage) for item_id, usage in earlier.items()))
        return cls(path, os.open(path, os.O_WRONLY | os.O_APPEND), earlier)

    def note(self, item_id: str, usage: Usage) -> None:
        """Append one paid reply of an item in flight; raises OSError when it cannot."""
        write_whole(self._fd, spent_line(item_id, usage))

    def carry(self, item_id: str, usage: Usage) -> None:
        """Append what a line about to be dropped spent (`--retry-failed`), counted in the
        item's next line; `sync()` before the lines go. Raises OSError when it cannot."""
        self.note(item_id, usage)
        self._earlier[item_id] = self._earlier.get(item_id, Usage()) + usage

    def sync(self) -> None:
        """On disk before the results lines it stands for are dropped: one of the two files
        always holds what a failed attempt spent."""
        os.fsync(self._fd)

    def settle(self, item_id: str) -> Usage:
        """What earlier runs spent on `item_id`, now that its line is written with it."""
        return self._earlier.pop(item_id, Usage())

    def close(self, *, written: Container[str]) -> None:
        """Close, keeping only what items without a line spent: a finished run leaves the
        file empty, so a results file started over counts nothing twice. A disk too full to
        rewrite it leaves it as it is, for the next run to tidy."""
        if self._fd < 0:
            return
        os.close(self._fd)
        self._fd = -1
        with contextlib.suppress(OSError):
            kept = _unwritten(self.path, written)
            replace_with(self.path, (spent_line(i, usage) for i, usage in kept.items()))


def _unwritten(path: Path, written: Container[str]) -> dict[str, Usage]:
    spent: dict[str, Usage] = {}
    for item_id, usage in _entries(path):
        if item_id not in written:
            spent[item_id] = spent.get(item_id, Usage()) + usage
    return spent


def _entries(path: Path) -> Iterator[tuple[str, Usage]]:
    """The side file's entries; a line that does not read (torn by a kill) is skipped."""
    try:
        lines = path.open("rb")
    except FileNotFoundError:
        return
    with lines:
        for raw in lines:
            try:
                record = json.loads(raw)
                item_id, usage = record["id"], record["usage"]
            except (ValueError, RecursionError, TypeError, KeyError):
                continue
            if isinstance(item_id, str):
                yield item_id, Usage.read(usage)


def spent_line(item_id: str, usage: Usage) -> bytes:
    """One line of the side file."""
    record = {"id": item_id, "usage": usage.model_dump(mode="json")}
    return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def write_whole(fd: int, data: bytes) -> None:
    """All of `data`, however many writes the system takes; raises OSError."""
    while data:
        data = data[os.write(fd, data) :]


def replace_with(path: Path, lines: Iterable[bytes]) -> None:
    """`path` replaced by a file of `lines` at once: a kill leaves the old or the new, and a
    write that fails leaves no temporary file behind. Raises OSError."""
    temporary = path.with_name(path.name + ".tmp")
    try:
        with temporary.open("wb") as kept:
            kept.writelines(lines)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
