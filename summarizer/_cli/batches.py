"""Many articles: `batch` (our own concurrent run, resumable) and `batch-api` (the
provider's Batch API or vLLM's run_batch: prepare, submit, status, collect)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import AsyncGenerator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .._config import Settings
from .._exceptions import ConfigError, DatabaseError, ResultsWriteError, SummarizerError

if TYPE_CHECKING:
    from .._batch.files import ResultsFile
    from .._batch.item import ItemResult
    from .._database.store import Database

from .logs import is_quiet, show_logs
from .options import (
    EXIT_FAILED,
    EXIT_UNUSABLE,
    Backend,
    BaseUrl,
    DatabaseUrl,
    MaxInputChars,
    Model,
    Quiet,
    VerifiedOnly,
    endpoint_errors,
    fail,
    provider_client_for,
)


def batch(
    source: Annotated[
        Path,
        typer.Argument(metavar="INPUT", help="A folder of .txt files, or a JSONL of {id, text}."),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="The results JSONL, appended to.")],
    concurrency: Annotated[int, typer.Option(help="Requests in flight at once.")] = 8,
    rpm: Annotated[float | None, typer.Option(help="Requests per minute, at most.")] = None,
    tpm: Annotated[float | None, typer.Option(help="Tokens per minute, at most.")] = None,
    cache: Annotated[bool, typer.Option(help="Reuse earlier answers from the cache.")] = True,
    retry_failed: Annotated[
        bool, typer.Option(help="Run the items whose lines say they failed again.")
    ] = False,
    model: Model = None,
    base_url: BaseUrl = None,
    max_input_chars: MaxInputChars = Settings.max_input_chars,
    quiet: Quiet = False,
    verified_only: VerifiedOnly = False,
    db: DatabaseUrl = None,
) -> None:
    """Summarize every item of INPUT into one JSONL line each; a re-run resumes."""
    from .._batch.files import ResultsFile
    from .._batch.inputs import count_items, read_items

    try:
        settings = Settings(max_input_chars=max_input_chars, keep_unverified=not verified_only)
        items = read_items(source, max_input_chars=max_input_chars)
        total = count_items(source)
        results = ResultsFile.open(out, retry_failed=retry_failed)
    except (OSError, SummarizerError) as exc:
        raise fail(str(exc), EXIT_UNUSABLE) from None
    from .._batch.run import asummarize_many

    outcomes = asummarize_many(
        results.pending(items),
        model=model,
        base_url=base_url,
        settings=settings,
        concurrency=concurrency,
        requests_per_minute=rpm,
        tokens_per_minute=tpm,
        cache=cache,
        on_spent=results.note_spent,
    )
    run_batch(outcomes, results, total=total, quiet=quiet, database=open_database(db, out))


def run_batch(
    outcomes: AsyncGenerator[ItemResult, None],
    results: ResultsFile,
    *,
    total: int,
    quiet: bool,
    database: Database | None = None,
) -> None:
    """Append each result as it comes (and write it into `database`), with a progress bar
    on a terminal, then close the results file; exits with status 1 when any item of the
    file failed, and 2 at once when the results cannot be written (nothing more is paid)."""
    import asyncio

    from .._batch.progress import BatchProgress

    async def run(progress: BatchProgress) -> None:
        # Closed as soon as a write fails: the items in flight are cancelled with it.
        async with contextlib.aclosing(outcomes):
            async for outcome in outcomes:
                # As written: its usage counts what killed runs spent on the item too.
                result = results.append(outcome)
                if database is not None:
                    # After its line: a kill between the two is mended by the next export.
                    await asyncio.to_thread(database.write, result)
                progress.add(result)

    if quiet:
        show_logs("quiet")
    already = len(results.done) + sum(results.duplicates.values())
    with results, database or contextlib.nullcontext():
        try:
            with BatchProgress(total=total, already=already, quiet=is_quiet()) as progress:
                asyncio.run(run(progress))
        except (ConfigError, DatabaseError) as exc:  # settings, or a database that fails
            raise fail(str(exc), EXIT_UNUSABLE) from None
        except ResultsWriteError as exc:
            written, left = already + progress.done, total - already - progress.done
            room = _room_needed(results.path, written, left)
            raise fail(f"{exc}\n{room}", EXIT_UNUSABLE) from None
    progress.report(results.path, failed_before=results.failed_before)
    if progress.failed + results.failed_before:
        raise typer.Exit(EXIT_FAILED)


def batch_api_prepare(
    source: Annotated[Path, typer.Argument(metavar="INPUT", help="A folder of .txt, or JSONL.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The request JSONL to write.")],
    model: Model = None,
    base_url: BaseUrl = None,
    backend: Backend = None,
    max_input_chars: MaxInputChars = Settings.max_input_chars,
) -> None:
    """Write one Batch API request line per article (also vLLM run_batch's input)."""
    from .._batch.inputs import read_items
    from .._batch.provider_api import prepare

    settings = Settings(max_input_chars=max_input_chars, backend=backend)
    try:
        prepared = prepare(
            read_items(source, max_input_chars=max_input_chars),
            out,
            model=model,
            base_url=base_url,
            settings=settings,
        )
    except (OSError, SummarizerError) as exc:
        raise fail(str(exc), EXIT_UNUSABLE) from None
    for item_id, error in prepared.skipped:
        print(f"summarizer: skipped {item_id}: {type(error).__name__}: {error}", file=sys.stderr)
    print(
        f"summarizer: {prepared.requests} request(s), {prepared.bytes / 2**20:.1f} MB in {out}; "
        f"{len(prepared.skipped)} skipped (collect records them as failed)",
        file=sys.stderr,
    )


def batch_api_submit(
    requests: Annotated[Path, typer.Argument(help="A file written by `prepare`.")],
    base_url: BaseUrl = None,
) -> None:
    """Upload a request file and start a batch; prints the batch id."""
    from .._batch.provider_api import submit

    with endpoint_errors():
        batch = submit(requests, provider_client_for(base_url))
    print(batch.id)


def batch_api_status(
    batch_id: Annotated[str, typer.Argument(help="The id `submit` printed.")],
    base_url: BaseUrl = None,
) -> None:
    """Print a batch's state and its request counts."""
    from .._batch.provider_api import status

    with endpoint_errors():
        print(status(batch_id, provider_client_for(base_url)))


def batch_api_collect(
    source: Annotated[Path, typer.Argument(metavar="INPUT", help="The INPUT given to prepare.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The results JSONL, appended to.")],
    batch_id: Annotated[
        str | None, typer.Option("--batch", help="Download this finished OpenAI batch.")
    ] = None,
    output: Annotated[
        list[Path] | None,
        typer.Option(help="Local output/error files instead (vLLM run_batch's output)."),
    ] = None,
    downloads: Annotated[Path, typer.Option(help="Where downloaded batch files are kept.")] = Path(
        "batch-files"
    ),
    concurrency: Annotated[int, typer.Option(help="Requests in flight in the re-runs.")] = 8,
    cache: Annotated[bool, typer.Option(help="Reuse and store answers in the cache.")] = True,
    model: Model = None,
    base_url: BaseUrl = None,
    backend: Backend = None,
    max_input_chars: MaxInputChars = Settings.max_input_chars,
    quiet: Quiet = False,
    verified_only: VerifiedOnly = False,
    db: DatabaseUrl = None,
) -> None:
    """Verify a batch's replies like sync ones; re-run what failed through the sync path."""
    from .._batch.files import ResultsFile
    from .._batch.inputs import count_items, read_items
    from .._batch.provider_api import BatchReplies, collect, download

    if (batch_id is None) == (not output):
        raise fail("give either --batch BATCH_ID or --output FILE", EXIT_UNUSABLE)
    try:
        settings = Settings(
            max_input_chars=max_input_chars, backend=backend, keep_unverified=not verified_only
        )
        with endpoint_errors():
            files = output or download(batch_id or "", provider_client_for(base_url), downloads)
        replies = BatchReplies(files)
        total = count_items(source)
        results = ResultsFile.open(out)
    except (OSError, ValueError, SummarizerError) as exc:
        raise fail(str(exc), EXIT_UNUSABLE) from None
    outcomes = collect(
        lambda: results.pending(read_items(source, max_input_chars=max_input_chars)),
        replies,
        model=model,
        base_url=base_url,
        settings=settings,
        concurrency=concurrency,
        cache=cache,
        on_spent=results.note_spent,
    )
    run_batch(outcomes, results, total=total, quiet=quiet, database=open_database(db, out))


def open_database(url: str | None, results: Path) -> Database | None:
    """The database a `--db` names, brought up to date with the results file's lines (a
    run killed between a line and its rows left the rows behind)."""
    if url is None:
        return None
    from .._database.store import Database

    try:
        database = Database(url)
        if results.exists():
            database.export(results)
    except SummarizerError as exc:
        raise fail(str(exc), EXIT_UNUSABLE) from None
    return database


def _room_needed(path: Path, lines: int, left: int) -> str:
    """What finishing the batch will take on disk, going by the `lines` written so far."""
    if not lines or left <= 0:
        return f"{left:,} item(s) are left to write"
    per_line = path.stat().st_size / lines
    more, each = _size(per_line * left), _size(per_line)
    return f"{left:,} item(s) are left: about {more} more, at {each} a line"


def _size(count: float) -> str:
    return f"{count / 2**20:,.1f} MB" if count >= 2**20 else f"{count / 1024:,.1f} kB"
