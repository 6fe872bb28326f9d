"""`export`: a results file into a database (SQLite or PostgreSQL), idempotently."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .._exceptions import SummarizerError
from .options import EXIT_FAILED, EXIT_UNUSABLE, fail

# The default, repeated here so that `--help` needs no SQLAlchemy.
_DEFAULT_URL = "sqlite:///agreements.db"


def export(
    results: Annotated[
        Path, typer.Argument(metavar="RESULTS", help="A results JSONL of `summarizer batch`.")
    ],
    to: Annotated[
        str,
        typer.Option(
            "--to",
            metavar="URL",
            help="The database: sqlite:///FILE.db, or postgresql+psycopg://USER@HOST/NAME.",
        ),
    ] = _DEFAULT_URL,
) -> None:
    """Write a results file into a database: articles, agreements, facts, evidence. Run
    again, it updates what changed and duplicates nothing."""
    from .._database.store import Database

    try:
        with Database(to) as database:
            count = database.export(results)
            where = database.safe_url
    except SummarizerError as exc:
        raise fail(str(exc), EXIT_UNUSABLE) from None
    for problem in count.unreadable:
        print(f"summarizer: skipped {problem}", file=sys.stderr)
    print(
        f"summarizer: {count.written} article(s) written, {count.unchanged} unchanged, "
        f"{len(count.unreadable)} unreadable line(s) skipped; in {where}",
        file=sys.stderr,
    )
    if count.unreadable:
        raise typer.Exit(EXIT_FAILED)
