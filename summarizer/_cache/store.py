"""The cache file: outcomes by key, bounded in size, and the leases of keys being paid for."""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from .._exceptions import NoAgreementError
from .._meta import Meta
from .._summary import AgreementSummary
from .broken import file_id, is_broken, one_at_a_time, set_aside
from .key import DEFAULT_CACHE_FILE, default_cache_dir
from .leases import holder_alive, new_holder

__all__ = ["DEFAULT_LEASE_SECONDS", "DEFAULT_MAX_BYTES", "Outcome", "SummaryCache"]

logger = logging.getLogger("summarizer")

DEFAULT_MAX_BYTES = 512 * 1024 * 1024
# Long enough that renewing it (every third of it) costs nothing, short enough that a holder
# killed on another host (or in another container) holds the others up for one minute only.
DEFAULT_LEASE_SECONDS = 60.0
# Eviction frees down to this share of the bound, so a full cache does not evict on every put.
_EVICT_TO = 0.9

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,          -- "summary" or "no_agreement"
    payload BLOB NOT NULL,       -- zlib-compressed JSON
    size INTEGER NOT NULL,
    created REAL NOT NULL,
    used REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_used ON entries (used);
CREATE TABLE IF NOT EXISTS leases (
    key TEXT PRIMARY KEY,
    holder TEXT NOT NULL,        -- host:pid:random, one per claim
    expires REAL NOT NULL        -- time.time()
);
"""

Outcome = list[AgreementSummary] | NoAgreementError
_T = TypeVar("_T")


class SummaryCache:
    """Summaries and no-agreement answers by `cache_key`, in one bounded sqlite file.

    Usage:

        cache = SummaryCache()                      # the default file
        summary = summarize(text, cache=cache)      # a repeat sends no request
        summary.meta.cached                         # True the second time

    A key being paid for is leased in the file for `lease_seconds` (renewed while its holder
    works), so another process sharing the file waits for the entry instead of paying twice.
    """

    def __init__(
        self,
        path: Path | str | None = None,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
    ):
        if max_bytes <= 0:
            raise ValueError("max_bytes must be positive")
        if not lease_seconds > 0:
            raise ValueError("lease_seconds must be positive")
        self.path = Path(path) if path is not None else default_cache_dir() / DEFAULT_CACHE_FILE
        self.max_bytes = max_bytes
        self.lease_seconds = lease_seconds
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._told_broken = False
        with self._lock:
            try:
                self._db = self._connect()
            except sqlite3.DatabaseError as exc:
                if not is_broken(exc):
                    raise
                self._start_afresh(exc)
        # Summing the sizes on every put would cost a scan per summary; this running count
        # only overestimates (replaced entries, other processes' evictions), so the exact
        # sum is taken when it passes the bound.
        self._approx_bytes = self.size_bytes()

    @property
    def lease_poll_seconds(self) -> float:
        """How often a process waiting for another's lease looks for the entry."""
        return min(0.25, self.lease_seconds / 10)

    def get(self, key: str) -> Outcome | None:
        """The stored outcome, marked as cached, or None (also when the file cannot be read:
        a cache that fails costs a request, never a result)."""

        def read(db: sqlite3.Connection) -> tuple[str, bytes] | None:
            row: tuple[str, bytes] | None
            row = db.execute("SELECT kind, payload FROM entries WHERE key = ?", (key,)).fetchone()
            if row is not None:
                with db:
                    db.execute("UPDATE entries SET used = ? WHERE key = ?", (time.time(), key))
            return row

        try:
            row = self._use(read)
        except sqlite3.Error as exc:
            logger.warning("response cache %s could not be read: %s", self.path, exc)
            return None
        if row is None:
            return None
        kind, payload = row
        try:
            return _outcome(kind, payload)
        except (zlib.error, ValueError, TypeError, KeyError, RecursionError) as exc:
            # A corrupt entry is a miss: paid for once more, then stored afresh.
            logger.warning("response cache %s: a bad entry was dropped (%s)", self.path, exc)
            self._forget(key)
            return None

    def _forget(self, key: str) -> None:
        def forget(db: sqlite3.Connection) -> None:
            with db:
                db.execute("DELETE FROM entries WHERE key = ?", (key,))

        try:
            self._use(forget)
        except sqlite3.Error as exc:
            logger.warning("response cache %s could not be written: %s", self.path, exc)

    def put(self, key: str, outcome: Outcome) -> None:
        """Store an outcome, evicting the least recently used entries past the bound; a
        write that fails (a locked or full disk) is logged and skipped."""
        data: object
        if isinstance(outcome, NoAgreementError):
            kind = "no_agreement"
            data = {"reason": outcome.reason, "meta": outcome.meta.model_dump(mode="json")}
        else:
            kind, data = "summaries", [summary.model_dump(mode="json") for summary in outcome]
        payload = zlib.compress(json.dumps(data, separators=(",", ":")).encode())

        def write(db: sqlite3.Connection) -> None:
            now = time.time()
            with db:
                db.execute(
                    "INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?, ?)",
                    (key, kind, payload, len(payload), now, now),
                )
                self._approx_bytes += len(payload)
                if self._approx_bytes > self.max_bytes:
                    self._evict(db)

        try:
            self._use(write)
        except sqlite3.Error as exc:
            # The summary is paid for and correct; failing to keep a copy must not lose it.
            logger.warning("response cache %s could not be written: %s", self.path, exc)

    def _evict(self, db: sqlite3.Connection) -> None:
        (total,) = db.execute("SELECT COALESCE(SUM(size), 0) FROM entries").fetchone()
        self._approx_bytes = total
        if total <= self.max_bytes:
            return
        excess = total - int(self.max_bytes * _EVICT_TO)
        freed = 0
        victims: list[str] = []
        for key, size in db.execute("SELECT key, size FROM entries ORDER BY used"):
            victims.append(key)
            freed += size
            if freed >= excess:
                break
        db.executemany("DELETE FROM entries WHERE key = ?", ((k,) for k in victims))
        self._approx_bytes = total - freed

    def claim(self, key: str) -> str | None:
        """Lease `key` for `lease_seconds`: the holder to renew and release it as, or None
        while another holder's lease is live. An expired lease, or one whose process is
        known gone, is taken over. Raises `sqlite3.Error` when the file cannot be written."""
        holder = new_holder()

        def held_by_another(db: sqlite3.Connection) -> bool:
            row = db.execute("SELECT holder, expires FROM leases WHERE key = ?", (key,)).fetchone()
            return row is not None and row[1] > time.time() and holder_alive(row[0])

        def take(db: sqlite3.Connection) -> str | None:
            if held_by_another(db):  # a read first: waiting takes no write lock
                return None
            with db:
                db.execute("BEGIN IMMEDIATE")
                if held_by_another(db):
                    return None
                now = time.time()
                db.execute("DELETE FROM leases WHERE expires < ?", (now,))  # left by the killed
                db.execute(
                    "INSERT OR REPLACE INTO leases VALUES (?, ?, ?)",
                    (key, holder, now + self.lease_seconds),
                )
            return holder

        return self._use(take)

    def renew(self, key: str, holder: str) -> bool:
        """Push the lease's end `lease_seconds` ahead; False when it is no longer this
        holder's (taken over, released, or the file cannot be written)."""

        def push(db: sqlite3.Connection) -> bool:
            with db:
                cursor = db.execute(
                    "UPDATE leases SET expires = ? WHERE key = ? AND holder = ?",
                    (time.time() + self.lease_seconds, key, holder),
                )
            return cursor.rowcount == 1

        try:
            return self._use(push)
        except sqlite3.Error as exc:
            logger.debug("response cache %s: lease not renewed (%s)", self.path, exc)
            return False

    def release(self, key: str, holder: str) -> None:
        """End the lease, if it is still this holder's; one that cannot be ended expires."""

        def end(db: sqlite3.Connection) -> None:
            with db:
                db.execute("DELETE FROM leases WHERE key = ? AND holder = ?", (key, holder))

        try:
            self._use(end)
        except sqlite3.Error as exc:
            logger.debug("response cache %s: lease not released (%s)", self.path, exc)

    def __len__(self) -> int:
        (count,) = self._use(lambda db: db.execute("SELECT COUNT(*) FROM entries").fetchone())
        return int(count)

    def size_bytes(self) -> int:
        """The stored payloads' total size, which `max_bytes` bounds."""
        (total,) = self._use(
            lambda db: db.execute("SELECT COALESCE(SUM(size), 0) FROM entries").fetchone()
        )
        return int(total)

    def clear(self) -> None:
        def clear(db: sqlite3.Connection) -> None:
            with db:
                db.execute("DELETE FROM entries")
            self._approx_bytes = 0

        self._use(clear)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> SummaryCache:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _connect(self) -> sqlite3.Connection:
        # Which file this connection reads, so that only that one is ever set aside: the
        # path's file before and after opening, the same unless another process has just
        # moved it (then opened again). A file opened where there was none is new, not broken.
        while True:
            before = file_id(self.path)
            db = sqlite3.connect(self.path, timeout=10.0, check_same_thread=False)
            self._file = file_id(self.path)
            if before in (None, self._file):
                break
            db.close()
        try:
            with db:
                db.execute("PRAGMA journal_mode=WAL")
                db.executescript(_SCHEMA)
        except sqlite3.Error:
            db.close()
            raise
        return db

    def _use(self, work: Callable[[sqlite3.Connection], _T]) -> _T:
        """`work` on the file, one thread at a time; a file found broken (no database, or a
        damaged one) is set aside, and `work` runs once more on a new one."""
        with self._lock:
            try:
                return work(self._db)
            except sqlite3.DatabaseError as exc:
                if not is_broken(exc):
                    raise
                self._db.close()
                self._start_afresh(exc)
                return work(self._db)

    def _start_afresh(self, error: sqlite3.DatabaseError) -> None:
        """Set the broken file aside, unless another process has, and connect to a new one.
        The user is told once per cache object: every later run would otherwise pay in full
        without a word."""
        try:
            with one_at_a_time(self.path.parent):
                moved = set_aside(self.path, self._file)
                self._db = self._connect()
        except OSError as exc:
            raise error from exc
        self._approx_bytes = 0
        log = logger.info if self._told_broken else logger.warning
        self._told_broken = True
        if moved is not None:
            log(
                "response cache %s was unreadable (%s): moved to %s, and a new one started; "
                "what it held will be paid for again",
                self.path,
                error,
                moved,
            )
        else:
            log(
                "response cache %s was unreadable (%s): another process has already moved "
                "it aside and started a new one",
                self.path,
                error,
            )


def _outcome(kind: str, payload: bytes) -> Outcome:
    """A stored outcome, marked as cached; raises what a corrupt entry gives."""
    data = json.loads(zlib.decompress(payload))
    if kind == "no_agreement":
        meta = Meta.model_validate(data["meta"]).model_copy(update={"cached": True})
        return NoAgreementError(data["reason"], meta=meta)
    summaries = [AgreementSummary.model_validate(item) for item in data]
    return [
        s.model_copy(update={"meta": s.meta.model_copy(update={"cached": True})}) for s in summaries
    ]
