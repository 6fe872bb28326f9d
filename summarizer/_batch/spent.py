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

import json
import os
from collections.abc import Container, Iterator
from pathlib import Path

from .._meta import Usage

__all__ = ["SpentLog", "entry"]


class SpentLog:
    """The side file of a results file: what earlier runs spent on items still without a line,
    and, appended as they arrive, the replies this run pays for."""

    def __init__(self, path: Path, fd: int, earlier: dict[str, Usage]) -> None:
        self.path = path
        self._fd = fd
        self._earlier = earlier

    @classmethod
    def open(cls, path: Path, *, written: Container[str]) -> SpentLog:
        """The side file at `path`, keeping only what it says of ids not in `written`."""
        earlier: dict[str, Usage] = {}
        for item_id, usage in _entries(path):
            if item_id not in written:
                earlier[item_id] = earlier.get(item_id, Usage()) + usage
        temporary = path.with_name(path.name + ".tmp")
        with temporary.open("wb") as kept:
            kept.writelines(entry(item_id, usage) for item_id, usage in earlier.items())
        os.replace(temporary, path)
        return cls(path, os.open(path, os.O_WRONLY | os.O_APPEND), earlier)

    def note(self, item_id: str, usage: Usage) -> None:
        """Append one paid reply of an item in flight; raises OSError when it cannot."""
        _write_all(self._fd, entry(item_id, usage))

    def carry(self, item_id: str, usage: Usage) -> None:
        """Append what a line about to be dropped spent (`--retry-failed`), counted in the
        item's next line; raises OSError when it cannot."""
        self.note(item_id, usage)
        os.fsync(self._fd)  # before the line goes: one of the two always holds it
        self._earlier[item_id] = self._earlier.get(item_id, Usage()) + usage

    def settle(self, item_id: str) -> Usage:
        """What earlier runs spent on `item_id`, now that its line is written with it."""
        return self._earlier.pop(item_id, Usage())

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


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
            if isinstance(item_id, str) and isinstance(usage, dict):
                yield item_id, Usage.read(usage)


def entry(item_id: str, usage: Usage) -> bytes:
    """One line of the side file."""
    record = {"id": item_id, "usage": usage.model_dump(mode="json")}
    return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def _write_all(fd: int, data: bytes) -> None:
    while data:
        data = data[os.write(fd, data) :]
