"""A batch's progress bar (rich): done, failed, tokens, rate, time left.

Drawn on standard error, and only on a terminal: piped or logged runs get the closing
report line alone.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)

from .item import ItemResult

__all__ = ["BatchProgress"]


class BatchProgress:
    """Counts of one batch run, shown as a bar while it runs."""

    def __init__(self, *, total: int, already: int = 0, quiet: bool = False) -> None:
        self.console = Console(stderr=True)
        self.summarized = self.no_agreement = self.failed = self.cached = 0
        self.tokens = 0
        self.already = already
        self._started = time.monotonic()
        self._bar = Progress(
            TextColumn("[bold]summarizing"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("failed {task.fields[failed]}"),
            TextColumn("{task.fields[tokens]:,} tokens"),
            TextColumn("{task.fields[rate]}"),
            TimeRemainingColumn(),
            console=self.console,
            disable=quiet or not self.console.is_terminal,
        )
        self._task = self._bar.add_task(
            "batch", total=total, completed=already, failed=0, tokens=0, rate=""
        )

    def add(self, result: ItemResult) -> None:
        """Count one finished item."""
        if result.status == "summarized":
            self.summarized += 1
        elif result.status == "no_agreement":
            self.no_agreement += 1
        else:
            self.failed += 1
        self.cached += result.cached
        self.tokens += result.usage.total_tokens  # what this run paid for
        self._bar.update(
            self._task, advance=1, failed=self.failed, tokens=self.tokens, rate=self._rate()
        )

    @property
    def done(self) -> int:
        return self.summarized + self.no_agreement + self.failed

    def _rate(self) -> str:
        elapsed = time.monotonic() - self._started
        return f"{self.done / elapsed * 60:.0f}/min" if elapsed > 0 else ""

    def report(self, out: Path, *, failed_before: int = 0) -> None:
        """One closing line on standard error, terminal or not."""
        elapsed = time.monotonic() - self._started
        earlier = f"; {self.already} done in earlier runs" if self.already else ""
        failed_earlier = f" ({failed_before} failed earlier)" if failed_before else ""
        print(
            f"summarizer: {self.done} item(s) in {elapsed:.1f}s: {self.summarized} summarized, "
            f"{self.no_agreement} no agreement, {self.failed} failed{failed_earlier}, "
            f"{self.cached} from the cache; {self.tokens:,} tokens{earlier}; results in {out}",
            file=sys.stderr,
        )

    def __enter__(self) -> BatchProgress:
        self._bar.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._bar.stop()
