"""A cache file that is no database, or a damaged one: moved aside so that a new one can start.

Left in place, such a file fails every read and write, and each run pays for every article
again without a word. Moved aside (with its `-wal` and `-shm`), it stays there for anyone who
wants to look into it, and the next connection makes a new file.

Several processes may find one file broken at once. Each knows which file it found broken (its
device and inode, taken when it connected), and moves the path only while the path is still
that file, under a lock on the folder: a process that comes second finds a new file there and
uses it instead of moving it aside too.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["FileId", "file_id", "is_broken", "one_at_a_time", "set_aside"]

FileId = tuple[int, int]  # (device, inode)

# What sqlite says of a file that is no database, and of a damaged one (a truncated file,
# a page overwritten); other errors (a locked file, a full disk, no permission) pass.
_BROKEN_CODES = frozenset({sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT})


def is_broken(error: sqlite3.Error) -> bool:
    """Whether `error` says the file itself is bad, rather than busy or out of reach."""
    code = getattr(error, "sqlite_errorcode", None)
    # Extended codes (SQLITE_CORRUPT_INDEX, ...) keep the primary code in the low byte.
    return isinstance(code, int) and code & 0xFF in _BROKEN_CODES


def file_id(path: Path) -> FileId | None:
    """The file at `path` as the filesystem knows it, or None when there is none."""
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    return stat.st_dev, stat.st_ino


@contextmanager
def one_at_a_time(folder: Path) -> Iterator[None]:
    """Held by one process at a time: a lock on the folder itself, so no lock file is left."""
    if sys.platform == "win32":
        # No flock; but Windows refuses to rename a file another process holds open, so a
        # second process cannot move the file a first one has just started.
        yield
        return
    import fcntl

    handle = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # releases the lock


def set_aside(path: Path, found: FileId | None) -> Path | None:
    """Move `path` (and its -wal and -shm) to `<name>.broken-<UTC time>`, if it is still the
    file found broken; None when it is not (another process has moved it already)."""
    if found is None or file_id(path) != found:
        return None
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    target = path.with_name(f"{path.name}.broken-{stamp}")
    copy = 1
    while target.exists():
        copy += 1
        target = path.with_name(f"{path.name}.broken-{stamp}-{copy}")
    # The log first: left beside a new file, an old -wal would be replayed into it.
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):  # none, or its last user removed it
            os.replace(path.with_name(path.name + suffix), target.with_name(target.name + suffix))
    os.replace(path, target)
    return target
