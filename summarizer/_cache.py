"""A response cache, so that running a batch again pays only for what is new.

One sqlite file (standard library) in the user's cache directory, or `SUMMARIZER_CACHE_DIR`.
A key covers everything that changes a summary: the article's bytes, the model and the
endpoint that serves it, the prompt's name, version and text, the schema version, and
each setting the reply depends on. Only outcomes are stored: a summary, or the article's
`NoAgreementError`, which is as much an answer as a summary is. Other errors are not, since
a retry may well succeed.

The file is bounded: past `max_bytes`, the entries used longest ago are evicted. Several
processes may share it (sqlite's write-ahead log); one object may be used from several
threads.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import threading
import time
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

from .__version__ import __version__
from ._exceptions import NoAgreementError
from ._meta import Meta
from ._summary import AgreementSummary

if TYPE_CHECKING:
    from ._config import ResolvedConfig
    from ._meta import Page
    from ._prompts import PromptTemplate

__all__ = [
    "DEFAULT_CACHE_FILE",
    "DEFAULT_MAX_BYTES",
    "SummaryCache",
    "cache_key",
    "default_cache_dir",
]

logger = logging.getLogger("summarizer")

CACHE_DIR_ENV = "SUMMARIZER_CACHE_DIR"
DEFAULT_CACHE_FILE = "summaries.sqlite"
DEFAULT_MAX_BYTES = 512 * 1024 * 1024
# Eviction frees down to this share of the bound, so a full cache does not evict on every put.
_EVICT_TO = 0.9
# Bump when what is stored changes shape; older entries then simply miss.
_FORMAT = 2  # 2: every agreement of a story, as a list

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
"""


def default_cache_dir() -> Path:
    """`SUMMARIZER_CACHE_DIR`, else the platform's user cache directory for summarizer."""
    configured = os.environ.get(CACHE_DIR_ENV)
    if configured:
        return Path(configured)
    import platformdirs  # only when a cache is wanted

    return Path(platformdirs.user_cache_dir("summarizer", appauthor=False))


def cache_key(
    article: str, config: ResolvedConfig, template: PromptTemplate, page: Page | None = None
) -> str:
    """The key of one summary: a hash over every input that changes it."""
    from ._meta import SCHEMA_VERSION

    settings = config.settings
    parts = {
        "format": _FORMAT,
        # Our own checks decide what a reply becomes, so a new release misses on purpose.
        "summarizer": __version__,
        "article": _sha256(article),
        "model": config.model,
        "endpoint": config.endpoint,
        "endpoint_kind": config.backend,
        "prompt": [template.name, template.version, template.reply_schema],
        "prompt_text": _sha256(template.system + "\0" + template.user),
        "schema_version": SCHEMA_VERSION,
        "temperature": settings.temperature,
        "max_output_tokens": settings.max_output_tokens,
        "reasks": settings.reasks,
        "on_failed_detail": settings.on_failed_detail,
        "keep_unverified": settings.keep_unverified,
        "language": settings.language,
        # Where a long article is cut decides what each part's reply can see.
        "parts": [settings.max_part_chars, settings.part_overlap_chars],
        # A page's summary carries the page (title, date, address) in its meta.
        "page": _sha256(page.model_dump_json()) if page is not None else None,
    }
    return _sha256(json.dumps(parts, sort_keys=True))


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class SummaryCache:
    """Summaries and no-agreement answers by `cache_key`, in one bounded sqlite file.

    Usage:

        cache = SummaryCache()                      # the default file
        summary = summarize(text, cache=cache)      # a repeat sends no request
        summary.meta.cached                         # True the second time
    """

    def __init__(self, path: Path | str | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES):
        if max_bytes <= 0:
            raise ValueError("max_bytes must be positive")
        self.path = Path(path) if path is not None else default_cache_dir() / DEFAULT_CACHE_FILE
        self.max_bytes = max_bytes
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, timeout=10.0, check_same_thread=False)
        with self._lock, self._db:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(_SCHEMA)
        # Summing the sizes on every put would cost a scan per summary; this running count
        # only overestimates (replaced entries, other processes' evictions), so the exact
        # sum is taken when it passes the bound.
        self._approx_bytes = self.size_bytes()

    def get(self, key: str) -> list[AgreementSummary] | NoAgreementError | None:
        """The stored outcome, marked as cached, or None (also when the file cannot be read:
        a cache that fails costs a request, never a result)."""
        try:
            with self._lock:
                row = self._db.execute(
                    "SELECT kind, payload FROM entries WHERE key = ?", (key,)
                ).fetchone()
                if row is None:
                    return None
                with self._db:
                    self._db.execute(
                        "UPDATE entries SET used = ? WHERE key = ?", (time.time(), key)
                    )
        except sqlite3.Error as exc:
            logger.warning("response cache %s could not be read: %s", self.path, exc)
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
        try:
            with self._lock, self._db:
                self._db.execute("DELETE FROM entries WHERE key = ?", (key,))
        except sqlite3.Error as exc:
            logger.warning("response cache %s could not be written: %s", self.path, exc)

    def put(self, key: str, outcome: list[AgreementSummary] | NoAgreementError) -> None:
        """Store an outcome, evicting the least recently used entries past the bound; a
        write that fails (a locked or full disk) is logged and skipped."""
        data: object
        if isinstance(outcome, NoAgreementError):
            kind = "no_agreement"
            data = {"reason": outcome.reason, "meta": outcome.meta.model_dump(mode="json")}
        else:
            kind, data = "summaries", [summary.model_dump(mode="json") for summary in outcome]
        payload = zlib.compress(json.dumps(data, separators=(",", ":")).encode())
        now = time.time()
        try:
            with self._lock, self._db:
                self._db.execute(
                    "INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?, ?)",
                    (key, kind, payload, len(payload), now, now),
                )
                self._approx_bytes += len(payload)
                if self._approx_bytes > self.max_bytes:
                    self._evict()
        except sqlite3.Error as exc:
            # The summary is paid for and correct; failing to keep a copy must not lose it.
            logger.warning("response cache %s could not be written: %s", self.path, exc)

    def _evict(self) -> None:
        (total,) = self._db.execute("SELECT COALESCE(SUM(size), 0) FROM entries").fetchone()
        self._approx_bytes = total
        if total <= self.max_bytes:
            return
        excess = total - int(self.max_bytes * _EVICT_TO)
        freed = 0
        victims: list[str] = []
        for key, size in self._db.execute("SELECT key, size FROM entries ORDER BY used"):
            victims.append(key)
            freed += size
            if freed >= excess:
                break
        self._db.executemany("DELETE FROM entries WHERE key = ?", ((k,) for k in victims))
        self._approx_bytes = total - freed

    def __len__(self) -> int:
        with self._lock:
            (count,) = self._db.execute("SELECT COUNT(*) FROM entries").fetchone()
        return int(count)

    def size_bytes(self) -> int:
        """The stored payloads' total size, which `max_bytes` bounds."""
        with self._lock:
            (total,) = self._db.execute("SELECT COALESCE(SUM(size), 0) FROM entries").fetchone()
        return int(total)

    def clear(self) -> None:
        with self._lock, self._db:
            self._db.execute("DELETE FROM entries")
            self._approx_bytes = 0

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> SummaryCache:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _outcome(kind: str, payload: bytes) -> list[AgreementSummary] | NoAgreementError:
    """A stored outcome, marked as cached; raises what a corrupt entry gives."""
    data = json.loads(zlib.decompress(payload))
    if kind == "no_agreement":
        meta = Meta.model_validate(data["meta"]).model_copy(update={"cached": True})
        return NoAgreementError(data["reason"], meta=meta)
    summaries = [AgreementSummary.model_validate(item) for item in data]
    return [
        s.model_copy(update={"meta": s.meta.model_copy(update={"cached": True})}) for s in summaries
    ]
