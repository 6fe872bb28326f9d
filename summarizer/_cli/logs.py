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
_shown: list[logging.Handler] = []  # the one handler this module installed, if any
_verbosity: list[Verbosity] = ["normal"]


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
    logger.addHandler(handler)
    logger.setLevel(_LEVELS[verbosity])
    _shown[:] = [handler]
    _verbosity[0] = verbosity


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
    return _verbosity[0] == "quiet"


def hide_logs() -> None:
    """Undo `show_logs()`: the logger as the library leaves it (for code that runs the
    command line in its own process, tests among them)."""
    logger = logging.getLogger("summarizer")
    for handler in _shown:
        logger.removeHandler(handler)
    logger.setLevel(logging.NOTSET)
    _shown.clear()
    _verbosity[0] = "normal"
