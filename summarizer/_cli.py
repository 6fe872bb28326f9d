"""Command line: one article, a batch of them, a batch through the provider's Batch API,
an evidence page, and a score on a gold set.

    summarizer summarize ARTICLE [--json] [--html PAGE]  (or `summarizer ARTICLE`; a .txt
                                                          or .html file, a URL, or -)
    summarizer batch INPUT --out results.jsonl           (INPUT: a folder, or JSONL)
    summarizer batch-api prepare|submit|status|collect
    summarizer report RESULTS --out PAGE.html
    summarizer eval GOLD_DIR [--replay CASSETTES] [--out report.json] | --compare A B

Exit status: 0 done (every item summarized or found to report no agreement), 1 a failure
(endpoint or reply; for a batch, some items failed and their lines say why), 2 unusable
input or settings, 3 the one article reports no agreement.

Heavy modules (openai, the batch machinery) load inside the commands, so `--help` is quick.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ._config import Settings
from ._exceptions import ConfigError, InputError, NoAgreementError, SummarizerError, redact

if TYPE_CHECKING:
    import openai

    from ._batch.files import ResultsFile
    from ._batch.run import ItemResult
    from ._summary import AgreementSummary

__all__ = ["app", "main"]

DESCRIPTION = "Summarize articles about signed agreements into grounded summaries."

EXIT_OK, EXIT_FAILED, EXIT_UNUSABLE, EXIT_NO_AGREEMENT = 0, 1, 2, 3

app = typer.Typer(
    name="summarizer",
    help=DESCRIPTION,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
batch_api = typer.Typer(
    help="Hand a batch to the OpenAI Batch API (or vLLM's run_batch) and collect it.",
    no_args_is_help=True,
)
app.add_typer(batch_api, name="batch-api")

Model = Annotated[str | None, typer.Option(help="Overrides SUMMARIZER_MODEL.")]
BaseUrl = Annotated[str | None, typer.Option(help="Overrides SUMMARIZER_BASE_URL.")]
MaxInputChars = Annotated[int, typer.Option(help="Refuse longer articles before any request.")]


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] not in _commands() | {"--help"}:
        args.insert(0, "summarize")  # `summarizer ARTICLE ...` is short for `summarize ...`
    try:
        app(args=args, prog_name="summarizer")
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else EXIT_FAILED
    return EXIT_OK


def _commands() -> set[str]:
    return {command.name or "" for command in app.registered_commands} | {"batch-api"}


def _fail(message: str, status: int) -> typer.Exit:
    print(f"summarizer: {message}", file=sys.stderr)
    return typer.Exit(status)


VerifiedOnly = Annotated[
    bool,
    typer.Option(
        "--verified-only",
        help="Leave out values code could not prove from the article (listed as dropped).",
    ),
]


@app.command("summarize")
def summarize(
    article: Annotated[
        str,
        typer.Argument(
            help="A UTF-8 text file or saved web page, an http(s) URL, or - for standard input."
        ),
    ],
    json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    model: Model = None,
    base_url: BaseUrl = None,
    max_input_chars: MaxInputChars = Settings.max_input_chars,
    replay: Annotated[
        Path | None, typer.Option(metavar="CASSETTE", help="Answer from a cassette, offline.")
    ] = None,
    cache: Annotated[bool, typer.Option(help="Use the response cache.")] = False,
    html: Annotated[
        Path | None, typer.Option(metavar="PAGE", help="Also write the evidence report page.")
    ] = None,
    every: Annotated[
        bool,
        typer.Option(
            "--all", help="Every agreement the story reports, not only the principal one."
        ),
    ] = False,
    language: Annotated[
        str | None,
        typer.Option(metavar="CODE", help="The article's language (ISO 639-1); else detected."),
    ] = None,
    prompt_version: Annotated[
        str | None, typer.Option(metavar="N", help="A prompt version; else the newest.")
    ] = None,
    verified_only: VerifiedOnly = False,
) -> None:
    """Summarize one article and print a brief (or JSON)."""
    from ._api import summarize_all
    from ._views.brief import brief

    is_url = article.startswith(("http://", "https://"))
    try:
        text = _read_article(article, is_url)
        settings = Settings(
            max_input_chars=max_input_chars,
            language=language,
            prompt_version=prompt_version,
            keep_unverified=not verified_only,
        )
        summaries = summarize_all(
            text,
            model=model,
            base_url=base_url,
            settings=settings,
            client=_replay_client(replay) if replay else None,
            cache=cache,
        )
    except OSError as exc:
        raise _fail(f"cannot read {article}: {exc.strerror}", EXIT_UNUSABLE) from None
    except NoAgreementError as exc:
        raise _fail(str(exc), EXIT_NO_AGREEMENT) from None
    except (InputError, ConfigError) as exc:
        raise _fail(str(exc), EXIT_UNUSABLE) from None
    except SummarizerError as exc:
        raise _fail(f"{type(exc).__name__}: {exc}", EXIT_FAILED) from None
    if is_url:
        summaries = [_from_address(s, article) for s in summaries]
    summary = summaries[0]
    if not every:
        print(summary.model_dump_json(indent=2) if json else brief(summary))
    elif json:
        print("[" + ",\n".join(s.model_dump_json(indent=2) for s in summaries) + "]")
    else:
        print("\n\n".join(brief(s) for s in summaries))
    if html is not None:
        from ._views.evidence_page import summary_page

        # A page's offsets point into its extracted story, which meta keeps.
        source = summary.meta.page.text if summary.meta.page else text.decode("utf-8")
        title = article if is_url else Path(article).name
        try:
            html.write_text(summary_page(summary, source, title=title), encoding="utf-8")
        except OSError as exc:
            raise _fail(f"cannot write {html}: {exc.strerror}", EXIT_UNUSABLE) from None


def _from_address(summary: AgreementSummary, url: str) -> AgreementSummary:
    """The summary with the page's address, which the library (given only HTML) lacks."""
    if summary.meta.page is None:
        return summary
    page = summary.meta.page.model_copy(update={"url": url})
    return summary.model_copy(update={"meta": summary.meta.model_copy(update={"page": page})})


def _read_article(article: str, is_url: bool) -> bytes:
    if article == "-":
        return sys.stdin.buffer.read()
    if is_url:
        from ._inputs.webpage import fetch_page

        return fetch_page(article).encode("utf-8")
    return Path(article).read_bytes()


@app.command("report")
def report(
    source: Annotated[
        Path, typer.Argument(metavar="RESULTS", help="A summary (.json) or batch results (.jsonl).")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="The HTML page to write.")],
    article: Annotated[
        Path | None,
        typer.Option(help="The article a summary was made from, or the batch's INPUT."),
    ] = None,
) -> None:
    """Write a self-contained HTML page: each fact beside the words it stands on."""
    import json as json_module

    from ._batch.files import read_items
    from ._summary import AgreementSummary
    from ._views.evidence_page import batch_page, summary_page

    try:
        if source.suffix == ".jsonl":
            texts = {}
            if article is not None:
                texts = {i: t for i, t in read_items(article) if isinstance(t, (str, bytes))}

            def text_for(item_id: str) -> str | None:
                text = texts.get(item_id)
                return text.decode("utf-8", "replace") if isinstance(text, bytes) else text

            with source.open(encoding="utf-8") as lines:
                records = [json_module.loads(line) for line in lines if line.strip()]
            page = batch_page(records, text_for)
        else:
            summary = AgreementSummary.model_validate_json(source.read_bytes())
            if summary.meta.page is not None:  # a web page's story, kept in the summary
                text, name = summary.meta.page.text, summary.meta.page.url or source.name
            elif article is None:
                raise ConfigError("a summary's page needs --article, the text it was made from")
            else:
                # Bytes decoded as summarize() decodes them: newlines kept, so offsets hold.
                text, name = article.read_bytes().decode("utf-8"), article.name
            page = summary_page(summary, text, title=name)
        out.write_text(page, encoding="utf-8")
    except (OSError, ValueError, SummarizerError) as exc:
        raise _fail(str(exc), EXIT_UNUSABLE) from None


@app.command("batch")
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
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
    verified_only: VerifiedOnly = False,
) -> None:
    """Summarize every item of INPUT into one JSONL line each; a re-run resumes."""
    from ._batch.files import ResultsFile, count_items, read_items

    try:
        settings = Settings(max_input_chars=max_input_chars, keep_unverified=not verified_only)
        items = read_items(source)
        total = count_items(source)
        results = ResultsFile.open(out, retry_failed=retry_failed)
    except (OSError, SummarizerError) as exc:
        raise _fail(str(exc), EXIT_UNUSABLE) from None
    from ._batch.run import asummarize_many

    outcomes = asummarize_many(
        results.pending(items),
        model=model,
        base_url=base_url,
        settings=settings,
        concurrency=concurrency,
        requests_per_minute=rpm,
        tokens_per_minute=tpm,
        cache=cache,
    )
    _run_batch(outcomes, results, total=total, quiet=quiet)


def _run_batch(
    outcomes: AsyncIterator[ItemResult], results: ResultsFile, *, total: int, quiet: bool
) -> None:
    """Append each result as it comes, with a progress bar on a terminal, then close the
    results file; exits with status 1 when any item of the file failed."""
    import asyncio

    from ._batch.progress import BatchProgress

    async def run(progress: BatchProgress) -> None:
        async for result in outcomes:
            results.append(result)
            progress.add(result)

    already = len(results.done) + sum(results.duplicates.values())
    with results:
        try:
            with BatchProgress(total=total, already=already, quiet=quiet) as progress:
                asyncio.run(run(progress))
        except ConfigError as exc:  # settings that fail before the first item
            raise _fail(str(exc), EXIT_UNUSABLE) from None
    progress.report(results.path, failed_before=results.failed_before)
    if progress.failed + results.failed_before:
        raise typer.Exit(EXIT_FAILED)


Backend = Annotated[
    str | None,
    typer.Option(help="Request shape: openai (strict schema), vllm, ...; overrides the guess."),
]


@batch_api.command("prepare")
def batch_api_prepare(
    source: Annotated[Path, typer.Argument(metavar="INPUT", help="A folder of .txt, or JSONL.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The request JSONL to write.")],
    model: Model = None,
    base_url: BaseUrl = None,
    backend: Backend = None,
    max_input_chars: MaxInputChars = Settings.max_input_chars,
) -> None:
    """Write one Batch API request line per article (also vLLM run_batch's input)."""
    from ._batch.files import read_items
    from ._batch.provider_api import prepare

    settings = Settings(max_input_chars=max_input_chars, backend=backend)
    try:
        prepared = prepare(
            read_items(source), out, model=model, base_url=base_url, settings=settings
        )
    except (OSError, SummarizerError) as exc:
        raise _fail(str(exc), EXIT_UNUSABLE) from None
    for item_id, error in prepared.skipped:
        print(f"summarizer: skipped {item_id}: {type(error).__name__}: {error}", file=sys.stderr)
    print(
        f"summarizer: {prepared.requests} request(s), {prepared.bytes / 2**20:.1f} MB in {out}; "
        f"{len(prepared.skipped)} skipped (collect records them as failed)",
        file=sys.stderr,
    )


@batch_api.command("submit")
def batch_api_submit(
    requests: Annotated[Path, typer.Argument(help="A file written by `prepare`.")],
    base_url: BaseUrl = None,
) -> None:
    """Upload a request file and start a batch; prints the batch id."""
    from ._batch.provider_api import submit

    with _endpoint_errors():
        batch = submit(requests, _sync_client(base_url))
    print(batch.id)


@batch_api.command("status")
def batch_api_status(
    batch_id: Annotated[str, typer.Argument(help="The id `submit` printed.")],
    base_url: BaseUrl = None,
) -> None:
    """Print a batch's state and its request counts."""
    from ._batch.provider_api import status

    with _endpoint_errors():
        print(status(batch_id, _sync_client(base_url)))


@batch_api.command("collect")
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
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
    verified_only: VerifiedOnly = False,
) -> None:
    """Verify a batch's replies like sync ones; re-run what failed through the sync path."""
    from ._batch.files import ResultsFile, count_items, read_items
    from ._batch.provider_api import BatchReplies, collect, download

    if (batch_id is None) == (not output):
        raise _fail("give either --batch BATCH_ID or --output FILE", EXIT_UNUSABLE)
    try:
        settings = Settings(
            max_input_chars=max_input_chars, backend=backend, keep_unverified=not verified_only
        )
        with _endpoint_errors():
            files = output or download(batch_id or "", _sync_client(base_url), downloads)
        replies = BatchReplies(files)
        total = count_items(source)
        results = ResultsFile.open(out)
    except (OSError, ValueError, SummarizerError) as exc:
        raise _fail(str(exc), EXIT_UNUSABLE) from None
    outcomes = collect(
        lambda: results.pending(read_items(source)),
        replies,
        model=model,
        base_url=base_url,
        settings=settings,
        concurrency=concurrency,
        cache=cache,
    )
    _run_batch(outcomes, results, total=total, quiet=quiet)


@app.command("eval")
def evaluate(
    gold: Annotated[
        Path | None, typer.Argument(metavar="GOLD_DIR", help="<stem>.txt with <stem>.gold.json.")
    ] = None,
    replay: Annotated[
        Path | None,
        typer.Option(metavar="CASSETTE_DIR", help="Score recorded replies: <stem>.json each."),
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Save the report as JSON.")] = None,
    compare: Annotated[
        tuple[Path, Path] | None,
        typer.Option(metavar="A.json B.json", help="Two saved reports side by side."),
    ] = None,
    model: Model = None,
    base_url: BaseUrl = None,
    backend: Backend = None,
    reasks: Annotated[int, typer.Option(help="Re-asks after the first reply.")] = Settings.reasks,
    max_output_tokens: Annotated[int, typer.Option()] = Settings.max_output_tokens,
    cache: Annotated[bool, typer.Option(help="Answer repeats from the cache.")] = True,
    concurrency: Annotated[int, typer.Option(help="Articles in flight (live runs).")] = 4,
    price_input: Annotated[
        float | None, typer.Option(help="Price per million input tokens, for the cost.")
    ] = None,
    price_output: Annotated[
        float | None, typer.Option(help="Price per million output tokens.")
    ] = None,
) -> None:
    """Score a model on a gold set (live, from the cache, or replayed), or compare two runs."""
    import asyncio

    from ._eval import harness as evaluation
    from ._eval.terminal import show_comparison, show_report

    try:
        if compare is not None:
            first, second = (evaluation.load_report(path) for path in compare)
            show_comparison(first, second)
            return
        if gold is None:
            raise ConfigError("give a GOLD_DIR to score, or --compare A.json B.json")
        if (price_input is None) != (price_output is None):
            raise ConfigError("give both --price-input and --price-output, or neither")
        settings = Settings(backend=backend, reasks=reasks, max_output_tokens=max_output_tokens)
        if replay is not None:
            report = evaluation.evaluate_replayed(gold, replay, settings, model)
        else:
            report = asyncio.run(
                evaluation.evaluate_live(
                    gold,
                    model=model,
                    base_url=base_url,
                    settings=settings,
                    concurrency=concurrency,
                    cache=cache,
                )
            )
    except (OSError, ValueError, SummarizerError) as exc:
        raise _fail(str(exc), EXIT_UNUSABLE) from None
    if price_input is not None and price_output is not None:
        report.price_per_million = (price_input, price_output)
    show_report(report.as_dict())
    if out is not None:
        try:
            report.save(out)
        except OSError as exc:
            raise _fail(f"cannot write {out}: {exc.strerror}", EXIT_UNUSABLE) from None


def _sync_client(base_url: str | None) -> openai.OpenAI:
    from ._config import resolve
    from ._model.clients import provider_client

    return provider_client(resolve(base_url=base_url))


@contextmanager
def _endpoint_errors() -> Iterator[None]:
    """The Batch API commands' own requests: typed errors, and exit statuses."""
    from ._model.clients import ENDPOINT_ERRORS

    failures: tuple[type[BaseException], ...] = (*ENDPOINT_ERRORS, OSError)
    try:
        yield
    except ConfigError as exc:
        raise _fail(str(exc), EXIT_UNUSABLE) from None
    except failures as exc:
        raise _fail(f"{type(exc).__name__}: {redact(str(exc))}", EXIT_FAILED) from None


def _replay_client(path: Path) -> openai.OpenAI:
    from ._model.cassettes import Cassette
    from ._model.clients import replay_client

    return replay_client(Cassette.load(path))
