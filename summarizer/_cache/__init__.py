"""A response cache, so that running a batch again pays only for what is new.

One sqlite file (standard library) in the user's cache directory, or `SUMMARIZER_CACHE_DIR`.
A key covers everything that changes a summary: the article's bytes, the model and the
endpoint that serves it, the prompt's name, version and text, the schema version, and
each setting the reply depends on. Only outcomes are stored: a summary, or the article's
`NoAgreementError`, which is as much an answer as a summary is. Other errors are not, since
a retry may well succeed.

The file is bounded: past `max_bytes`, the entries used longest ago are evicted. Several
processes may share it (sqlite's write-ahead log); one object may be used from several
threads. A key being paid for is leased in the file, so that the others wait for its entry
rather than pay for it too (`leases`). A file that is no database, or a damaged one, is set
aside with one warning and a new one started (`broken`).

    key       where the file lives, and the key of one summary
    store     `SummaryCache`: entries, eviction, the lease rows, a broken file replaced
    leases    waiting for another holder's entry, and holding a key while paying for it
    broken    telling a broken file, and moving it aside once across processes
"""

from .key import _FORMAT as _FORMAT  # the stored shapes' version, named in the changelog
from .key import CACHE_DIR_ENV, DEFAULT_CACHE_FILE, cache_key, default_cache_dir
from .leases import apaid_once, longest_hold, paid_once
from .store import DEFAULT_LEASE_SECONDS, DEFAULT_MAX_BYTES, Outcome, SummaryCache

__all__ = [
    "CACHE_DIR_ENV",
    "DEFAULT_CACHE_FILE",
    "DEFAULT_LEASE_SECONDS",
    "DEFAULT_MAX_BYTES",
    "Outcome",
    "SummaryCache",
    "apaid_once",
    "cache_key",
    "default_cache_dir",
    "longest_hold",
    "paid_once",
]
