"""One article: `summarize` it (a file, a URL or standard input), and `report` a summary
or a batch's results as an evidence page."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .._config import DEFAULT_FETCH_SECONDS, Settings
from .._exceptions import ConfigError, InputError, NoAgreementError, SummarizerError

if TYPE_CHECKING:
    from .._summary import AgreementSummary

from .options import (
    EXIT_FAILED,
    EXIT_NO_AGREEMENT,
    EXIT_UNUSABLE,
    BaseUrl,
    MaxInputChars,
    Model,
    VerifiedOnly,
    fail,
    replay_client_from,
)


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
    fetch_seconds: Annotated[
        float, typer.Option(help="The most fetching a URL may take, start to end.")
    ] = DEFAULT_FETCH_SECONDS,
) -> None:
    """Summarize one article and print a brief (or JSON)."""
    from .._api import summarize_all
    from .._inputs.webpage import shown_url
    from .._views.brief import brief

    is_url = article.startswith(("http://", "https://"))
    try:
        text = _read_article(article, is_url, fetch_seconds)
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
            client=replay_client_from(replay) if replay else None,
            cache=cache,
        )
    except OSError as exc:
        raise fail(f"cannot read {article}: {exc.strerror}", EXIT_UNUSABLE) from None
    except NoAgreementError as exc:
        raise fail(str(exc), EXIT_NO_AGREEMENT) from None
    except (InputError, ConfigError) as exc:
        raise fail(str(exc), EXIT_UNUSABLE) from None
    except SummarizerError as exc:
        raise fail(f"{type(exc).__name__}: {exc}", EXIT_FAILED) from None
    if is_url:
        summaries = [_from_address(s, shown_url(article)) for s in summaries]
    summary = summaries[0]
    if not every:
        print(summary.model_dump_json(indent=2) if json else brief(summary))
    elif json:
        print("[" + ",\n".join(s.model_dump_json(indent=2) for s in summaries) + "]")
    else:
        print("\n\n".join(brief(s) for s in summaries))
    if html is not None:
        from .._views.evidence_page import summary_page

        # A page's offsets point into its extracted story, which meta keeps.
        source = summary.meta.page.text if summary.meta.page else text.decode("utf-8")
        title = shown_url(article) if is_url else Path(article).name
        try:
            html.write_text(summary_page(summary, source, title=title), encoding="utf-8")
        except OSError as exc:
            raise fail(f"cannot write {html}: {exc.strerror}", EXIT_UNUSABLE) from None


def _from_address(summary: AgreementSummary, url: str) -> AgreementSummary:
    """The summary with the page's address, which the library (given only HTML) lacks."""
    if summary.meta.page is None:
        return summary
    page = summary.meta.page.model_copy(update={"url": url})
    return summary.model_copy(update={"meta": summary.meta.model_copy(update={"page": page})})


def _read_article(article: str, is_url: bool, fetch_seconds: float) -> bytes:
    if article == "-":
        return sys.stdin.buffer.read()
    if is_url:
        from .._inputs.webpage import fetch_page

        return fetch_page(article, seconds=fetch_seconds).encode("utf-8")
    return Path(article).read_bytes()


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

    from .._batch.inputs import read_items
    from .._summary import AgreementSummary
    from .._views.evidence_page import batch_page, summary_page

    try:
        if source.suffix == ".jsonl":
            texts = {}
            if article is not None:
                texts = {i: t for i, t in read_items(article) if isinstance(t, (str, bytes))}

            def text_for(item_id: str) -> str | None:
                text = texts.get(item_id)
                return text.decode("utf-8", "replace") if isinstance(text, bytes) else text

            with source.open(encoding="utf-8", errors="replace") as lines:
                records = [_result_record(line) for line in lines if line.strip()]
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
        raise fail(str(exc), EXIT_UNUSABLE) from None


def _result_record(line: str) -> object:
    """A results line as its object, or None for one that does not read (not JSON, nested
    too deep): the page shows it as an unreadable line among the others."""
    import json

    try:
        return json.loads(line)
    except (ValueError, RecursionError):
        return None
