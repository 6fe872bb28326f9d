"""A batch's inputs, read as a stream: a folder of `.txt` (or saved `.html`) files, the id
being the path inside the folder, or a JSONL file of `{"id": ..., "text": ...}` objects.

An item that cannot be read becomes an `UnreadableInputError`, so the batch records it and
goes on. One the input names no id for (a line that is no JSON object, or whose `id` is
missing, empty or no text; a file name that is not UTF-8) comes after the others, under an
id no item of the input takes ("line 7", else "line 7 (unreadable)"; the file name's bytes
written out).
"""

from __future__ import annotations

import json
import stat
from array import array
from collections.abc import Iterable, Iterator
from pathlib import Path

from .._config import DEFAULT_MAX_INPUT_CHARS
from .._exceptions import UnreadableInputError
from .._inputs.webpage import MAX_PAGE_BYTES
from .item import ItemText

__all__ = ["count_items", "read_items"]


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
    ids = _FreeIds(names)
    unnamed: list[str] = []
    for path, item_id in zip(paths, names, strict=True):
        if _encodable(item_id):
            yield item_id, _file_text(path, max_input_chars)
        else:  # a file name in another encoding than the system's
            unnamed.append(
                item_id.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            )
    for shown in unnamed:
        yield ids.free(shown), UnreadableInputError(f"the file name {shown!r} is not UTF-8")


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
    ids = _FreeIds()
    unnamed = array("Q")  # line numbers only: a file of bad lines holds no memory to speak of
    with path.open("rb") as lines:
        for number, raw in enumerate(lines, start=1):
            if raw.strip():
                item = _jsonl_item(raw, number)
                if isinstance(item, UnreadableInputError):
                    unnamed.append(number)
                else:
                    ids.taken.add(item[0])
                    yield item
    if unnamed:  # read again for what was wrong with each, once every id is known
        yield from _unnamed_items(path, unnamed, ids)


def _unnamed_items(
    path: Path, numbers: array[int], ids: _FreeIds
) -> Iterator[tuple[str, ItemText]]:
    """The lines at `numbers` (ascending), each under a free id with what is wrong with it."""
    wanted = iter(numbers)
    at = next(wanted, None)
    with path.open("rb") as lines:
        for number, raw in enumerate(lines, start=1):
            if number != at:
                continue
            error = _jsonl_item(raw, number)
            if not isinstance(error, UnreadableInputError):  # mended between the two reads
                error = UnreadableInputError(f"line {number} changed while the batch read it")
            yield ids.free(f"line {number}"), error
            if (at := next(wanted, None)) is None:
                return


def _jsonl_item(raw: bytes, number: int) -> tuple[str, ItemText] | UnreadableInputError:
    """One line's item, or why the line names none."""
    try:
        record = json.loads(raw)
    except (ValueError, RecursionError) as exc:  # nested too deep to read: one item
        return UnreadableInputError(f"line {number} is not JSON: {str(exc) or 'nested too deep'}")
    item_id = str(record["id"]) if isinstance(record, dict) and "id" in record else ""
    if not item_id:  # "" too: a results line and a database row need an id to hold
        return UnreadableInputError(f"line {number} has no 'id'")
    if not _encodable(item_id):
        return UnreadableInputError(f"line {number}: 'id' is not text")
    text = record.get("text")
    if not isinstance(text, str) or not _encodable(text):
        return item_id, UnreadableInputError(f"line {number} has no 'text' string")
    return item_id, text


class _FreeIds:
    """Ids for items the input names none for (a line that is no JSON object, a file name
    that is not UTF-8), handed out after every item of the input has passed: an id the
    input gives an item is its own, and an item without one may not take it (a real
    article "line 2" would otherwise fail as a duplicate of a bad second line, or be
    skipped on resume as done)."""

    def __init__(self, taken: Iterable[str] = ()) -> None:
        self.taken = set(taken)

    def free(self, name: str) -> str:
        """`name`, or the first of "`name` (unreadable)", "`name` (unreadable 2)", ... that
        no item takes; taken from now on."""
        free, tries = name, 1
        while free in self.taken:
            free = f"{name} (unreadable)" if tries == 1 else f"{name} (unreadable {tries})"
            tries += 1
        self.taken.add(free)
        return free


def _encodable(text: str) -> bool:
    """False for a lone surrogate ("\\ud800" is valid JSON but not text)."""
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True
