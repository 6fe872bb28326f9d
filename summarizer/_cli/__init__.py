"""Command line: one article, a batch of them, a batch through the provider's Batch API,
an evidence page, and a score on a gold set.

    summarizer summarize ARTICLE [--json] [--html PAGE]  (or `summarizer ARTICLE`; a .txt
                                                          or .html file, a URL, or -)
    summarizer batch INPUT --out results.jsonl           (INPUT: a folder, or JSONL)
    summarizer batch-api prepare|submit|status|collect
    summarizer report RESULTS --out PAGE.html
    summarizer export RESULTS --to sqlite:///agreements.db   (or postgresql+psycopg://...)
    summarizer merge [RESULTS] [--db URL] [--out records.jsonl]
    summarizer eval GOLD_DIR [--replay CASSETTES] [--out scorecard.json] | --compare A B

`summarizer --verbose COMMAND` also shows each retry and each article's cost; `--quiet`
shows errors only (the library's warnings, such as a cache that cannot be used, are shown
otherwise).

Exit status: 0 done (every item summarized or found to report no agreement), 1 a failure
(endpoint or reply; for a batch, some items failed and their lines say why; the reader of
the output went away), 2 unusable input or settings, or output that cannot be written (a
full disk), 3 the one article reports no agreement.

Heavy modules (openai, the batch machinery) load inside the commands, so `--help` is quick.
"""

from __future__ import annotations

import errno
import os
import sys
from typing import Annotated

import typer

from .article import report, summarize
from .batches import batch, batch_api_collect, batch_api_prepare, batch_api_status, batch_api_submit
from .database import export, merge
from .evaluation import evaluate
from .logs import hide_logs, show_logs
from .options import EXIT_FAILED, EXIT_OK, EXIT_UNUSABLE, fail

__all__ = ["app", "main"]

DESCRIPTION = "Summarize articles about signed agreements into grounded summaries."

app = typer.Typer(
    name="summarizer",
    help=DESCRIPTION,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@app.callback()
def verbosity(
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Also show each retry and each article's cost.")
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Show errors only: no warnings, no progress bar.")
    ] = False,
) -> None:
    """Summarize articles about signed agreements into grounded summaries."""
    if verbose and quiet:
        raise fail("give --verbose or --quiet, not both", EXIT_UNUSABLE)
    show_logs("verbose" if verbose else "quiet" if quiet else "normal")


app.command("summarize")(summarize)
app.command("report")(report)
app.command("batch")(batch)
app.command("eval")(evaluate)
app.command("export")(export)
app.command("merge")(merge)

batch_api = typer.Typer(
    help="Hand a batch to the OpenAI Batch API (or vLLM's run_batch) and collect it.",
    no_args_is_help=True,
)
batch_api.command("prepare")(batch_api_prepare)
batch_api.command("submit")(batch_api_submit)
batch_api.command("status")(batch_api_status)
batch_api.command("collect")(batch_api_collect)
app.add_typer(batch_api, name="batch-api")


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    first = next((n for n, arg in enumerate(args) if arg not in _SHOW_OPTIONS), len(args))
    if first < len(args) and args[first] not in _commands() | {"--help"}:
        # `summarizer ARTICLE ...` is short for `summarize ...`
        args.insert(first, "summarize")
    try:
        app(args=args, prog_name="summarizer")
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else EXIT_FAILED
    except OSError as exc:
        if not _is_output_failure(exc):
            raise
        return _output_failed(exc)
    finally:
        hide_logs()
    return EXIT_OK


def _is_output_failure(exc: OSError) -> bool:
    """What printing meets: standard output's disk full, its pipe closed by the reader."""
    full = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
    return isinstance(exc, BrokenPipeError) or (exc.filename is None and exc.errno in full)


def _output_failed(exc: OSError) -> int:
    """Say why the output stopped (unless its reader went away), and send what Python would
    still flush at exit nowhere, so that no traceback follows."""
    if sys.__stdout__ is not None and sys.stdout is sys.__stdout__:  # not a caller's own
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.__stdout__.fileno())
    if isinstance(exc, BrokenPipeError):  # `summarizer ... | head`: the reader has enough
        return EXIT_FAILED
    where = exc.filename or "standard output"
    print(f"summarizer: cannot write {where}: {exc.strerror or exc}", file=sys.stderr)
    return EXIT_UNUSABLE


_SHOW_OPTIONS = {"--verbose", "-v", "--quiet", "-q"}


def _commands() -> set[str]:
    return {command.name or "" for command in app.registered_commands} | {"batch-api"}
