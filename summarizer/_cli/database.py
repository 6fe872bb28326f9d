"""`export`: a results file into a database (SQLite or PostgreSQL), idempotently; `merge`:
one record per signing, from a results file or a database."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .._exceptions import EndpointError, ReplyError, SummarizerError
from .options import EXIT_FAILED, EXIT_UNUSABLE, BaseUrl, Model, fail

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


def merge(
    results: Annotated[
        Path | None,
        typer.Argument(
            metavar="[RESULTS]",
            help="A results JSONL to merge (exported into --db first, when given); "
            "without it, the agreements already in --db are merged.",
        ),
    ] = None,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            metavar="URL",
            help="The database to merge (and to write agreement_records and record_sources into).",
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Also write the records as JSONL.")
    ] = None,
    html: Annotated[
        Path | None,
        typer.Option(metavar="PAGE", help="Also write a page: each record's stories side by side."),
    ] = None,
    ask_model: Annotated[
        bool,
        typer.Option(help="Ask the model about pairs the rules leave unsure (else kept apart)."),
    ] = False,
    model: Model = None,
    base_url: BaseUrl = None,
) -> None:
    """One record per signing, however many stories report it: each value with the stories
    that give it, disagreements (two dates, two venues) kept side by side."""
    from .._database.store import Database, latest_lines
    from .._merge.cluster import merge as merged
    from .._same_signing import ModelJudge

    judge = ModelJudge(model=model, base_url=base_url) if ask_model else None

    if results is None and db is None:
        raise fail("give a RESULTS file to merge, or --db URL", EXIT_UNUSABLE)
    unreadable: list[str] = []
    try:
        if db is None and results is not None:
            lines = latest_lines(results, unreadable).values()
            pairs = [(line.id, s) for line in lines for s in line.summaries]
            records = merged(pairs, unsure=judge)
        else:
            with Database(db or "") as database:
                if results is not None:  # the records' sources must be rows of their own
                    unreadable = database.export(results).unreadable
                records = database.merge(unsure=judge)
        if out is not None:
            out.write_text("".join(r.model_dump_json() + "\n" for r in records), "utf-8")
        if html is not None:
            from .._views.records_page import records_page

            html.write_text(records_page(records), encoding="utf-8")
    except (EndpointError, ReplyError) as exc:  # the model, asked about an unsure pair
        raise fail(f"{type(exc).__name__}: {exc}", EXIT_FAILED) from None
    except (OSError, SummarizerError) as exc:
        raise fail(str(exc), EXIT_UNUSABLE) from None
    for problem in unreadable:
        print(f"summarizer: skipped {problem}", file=sys.stderr)
    agreements = sum(len(r.sources) for r in records)
    apart = sum(1 for r in records if r.disagreements)
    print(
        f"summarizer: {agreements} agreement(s) in {len(records)} record(s); {apart} record(s) "
        "whose stories disagree (their values are kept side by side)",
        file=sys.stderr,
    )
    if judge is not None:
        print(
            f"summarizer: the model decided {judge.decisions} unsure pair(s) for "
            f"{judge.usage.total_tokens:,} tokens",
            file=sys.stderr,
        )
    if unreadable:
        raise typer.Exit(EXIT_FAILED)
