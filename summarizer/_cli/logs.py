"""What the library logs, shown on standard error: warnings by default (a cache that
cannot be used, an item that failed unexpectedly, facts set aside), only errors with
`--quiet`, and with `--verbose` also what is routine (each transport retry and its wait,
each article's attempts and tokens). On a terminal through rich, above a progress bar;
piped, as whole lines.

The library itself stays silent unless the application listens (a `NullHandler`); the
command line is such an application.
"""

from __future__ import annotations

import logging
import sys
from typing import Literal

__all__ = ["Verbosity", "hide_logs", "is_quiet", "show_logs"]

Verbosity = Literal["quiet", "normal", "verbose"]

_LEVELS: dict[Verbosity, int] = {
    "quiet": logging.ERROR,
    "normal": logging.WARNING,
    "verbose": logging.INFO,
}


class _Shown:
    """What `show_logs()` changed, so that `hide_logs()` can put it back."""

    handler: logging.Handler | None = None
    level_before = logging.NOTSET
    verbosity: Verbosity = "normal"


def show_logs(verbosity: Verbosity) -> None:
    """Show the "summarizer" logger's records at `verbosity` on standard error; called again,
    it replaces its own handler instead of adding a second."""
    hide_logs()
    if sys.stderr.isatty():
        handler = _terminal_handler()
    else:  # piped into a log file: whole lines, never wrapped at a width
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("summarizer: %(levelname)s: %(message)s"))
    logger = logging.getLogger("summarizer")
    _Shown.level_before = logger.level
    logger.addHandler(handler)
    logger.setLevel(_LEVELS[verbosity])
    _Shown.handler, _Shown.verbosity = handler, verbosity


def _terminal_handler() -> logging.Handler:
    from rich.console import Console
    from rich.logging import RichHandler

    handler = RichHandler(
        console=Console(stderr=True),
        show_time=False,
        show_path=False,
        markup=False,  # a message may quote an article's brackets
        rich_tracebacks=False,
    )
    handler.setFormatter(logging.Formatter("%(message)s"))
    return handler


def is_quiet() -> bool:
    """Whether `--quiet` was given: then no progress bar either."""
    return _Shown.verbosity == "quiet"


def hide_logs() -> None:
    """Undo `show_logs()`: the logger's handlers and level as they were (for code that runs
    the command line in its own process, tests among them)."""
    if _Shown.handler is None:
        return
    logger = logging.getLogger("summarizer")
    logger.removeHandler(_Shown.handler)
    logger.setLevel(_Shown.level_before)
    _Shown.handler, _Shown.verbosity = None, "normal"
