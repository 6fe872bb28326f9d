"""Leases: while one process pays for a key, the others sharing the cache file wait for its
entry instead of paying for it again.

Before paying, a caller claims the key: a row (key, holder, expires) in the file's `leases`
table, the holder being host:pid:random. Another caller (a process, or a thread or task of this
one) that finds a live lease looks for the entry every `lease_poll_seconds`, takes it when it
appears, and takes the key over when the lease ends without one: released (the holder failed,
and failures are not stored) or expired.

Bounds:

- A lease lasts `SummaryCache.lease_seconds` (60 s by default) and a thread renews it every
  third of that while its holder works, so a holder killed (SIGKILL, a lost machine) holds the
  others up for one lease at most; one of this host whose process is gone is taken over at once.
- Renewing stops after the longest that paying can take by the settings (`longest_hold`): a
  holder still at it then is joined by another payer, rather than waited for without end.
- A lease is released on every way out: a result, an error, a cancelled task.
"""

from __future__ import annotations

import logging
import math
import os
import secrets
import socket
import sqlite3
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .._config import Settings
    from .store import Outcome, SummaryCache

__all__ = ["apaid_once", "holder_alive", "longest_hold", "new_holder", "paid_once"]

logger = logging.getLogger("summarizer")

_HOST = socket.gethostname()


def new_holder() -> str:
    """A name for one claim, unique across the processes and hosts sharing a file."""
    # The pid is read here, not at import: a forked child is another holder.
    return f"{_HOST}:{os.getpid()}:{secrets.token_hex(6)}"


def holder_alive(holder: str) -> bool:
    """False only for a holder known to be gone: a process of this host that no longer runs.
    A pid taken by a new process, or a killed one its parent has not reaped yet, looks alive:
    its lease, no longer renewed, expires."""
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    if host != _HOST or not pid.isdigit() or int(pid) in (0, os.getpid()):
        return True
    if sys.platform == "win32":
        return True  # os.kill there ends the process it is given: no probing
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def longest_hold(settings: Settings, parts: int) -> float:
    """How long paying for one key may take by `settings`: each reply's transport retries stop
    starting after `transport_max_seconds`, and the last one may run for `timeout_seconds`; a
    long article's parts run `part_concurrency` at a time."""
    reply = settings.transport_max_seconds + settings.timeout_seconds
    rounds = max(1, math.ceil(parts / settings.part_concurrency))
    return (1 + settings.reasks) * reply * rounds


@contextmanager
def paid_once(store: SummaryCache, key: str, longest: float) -> Iterator[Outcome | None]:
    """The stored outcome of `key`, once any other holder's lease has ended; or None, with
    the key leased to the caller (renewed for up to `longest` seconds) until the block ends."""
    found = store.get(key)
    if found is not None:
        yield found
        return
    lease = _Lease(store, key)
    try:
        while not lease.take() and (found := store.get(key)) is None:
            time.sleep(store.lease_poll_seconds)
        if found is None:
            found = store.get(key)  # stored by the holder before it released
        if found is None:
            lease.renew_for(longest)
        yield found
    finally:
        lease.end()


@asynccontextmanager
async def apaid_once(
    store: SummaryCache, key: str, longest: float
) -> AsyncIterator[Outcome | None]:
    """`paid_once()` for a task: the file is read off the event loop, and the wait sleeps."""
    import asyncio  # here: `import summarizer` stays quick for sync users

    found = await asyncio.to_thread(store.get, key)
    if found is not None:
        yield found
        return
    lease = _Lease(store, key)
    try:
        while not await asyncio.to_thread(lease.take):
            if (found := await asyncio.to_thread(store.get, key)) is not None:
                break
            await asyncio.sleep(store.lease_poll_seconds)
        if found is None:
            found = await asyncio.to_thread(store.get, key)
        if found is None:
            lease.renew_for(longest)
        yield found
        await asyncio.to_thread(lease.end)
    except BaseException:
        lease.end()  # at once, on the loop: a cancelled task may not get to await again
        raise


class _Lease:
    """One caller's claim on a key: taken, renewed while it pays, ended on every way out.

    `end()` may come from the event loop while `take()` still runs in a worker thread (a
    cancelled task); the lock orders them, so a claim never outlives its end.
    """

    def __init__(self, store: SummaryCache, key: str) -> None:
        self.store = store
        self.key = key
        self.holder: str | None = None  # "" when the file takes no lease: pay unguarded
        self._ended = False
        self._lock = threading.Lock()
        self._stop_renewing = threading.Event()

    def take(self) -> bool:
        """Claim the key; False while another holder's lease is live."""
        with self._lock:
            if self._ended:
                return False
            try:
                self.holder = self.store.claim(self.key)
            except sqlite3.Error as exc:
                # A file that cannot be written (read-only, locked for long) coordinates
                # nothing: pay, as without a cache.
                logger.debug("response cache %s: no lease taken (%s)", self.store.path, exc)
                self.holder = ""
            return self.holder is not None

    def renew_for(self, longest: float) -> None:
        """Renew the lease every third of its length, for at most `longest` seconds."""
        if not self.holder:
            return
        until = time.monotonic() + longest
        holder = self.holder

        def renew() -> None:
            every = self.store.lease_seconds / 3
            while not self._stop_renewing.wait(every) and time.monotonic() < until:
                self.store.renew(self.key, holder)

        threading.Thread(target=renew, name="summarizer-lease", daemon=True).start()

    def end(self) -> None:
        """Stop renewing and release the lease (once, however often called)."""
        self._stop_renewing.set()
        with self._lock:
            self._ended = True
            holder, self.holder = self.holder, None
        if holder:
            self.store.release(self.key, holder)
