"""What the commands share: their common options, exit statuses, and failing with a
message on stderr."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .._exceptions import ConfigError, redact

if TYPE_CHECKING:
    import openai


EXIT_OK, EXIT_FAILED, EXIT_UNUSABLE, EXIT_NO_AGREEMENT = 0, 1, 2, 3


Model = Annotated[str | None, typer.Option(help="Overrides SUMMARIZER_MODEL.")]


BaseUrl = Annotated[str | None, typer.Option(help="Overrides SUMMARIZER_BASE_URL.")]


MaxInputChars = Annotated[int, typer.Option(help="Refuse longer articles before any request.")]


Quiet = Annotated[
    bool, typer.Option(help="No progress bar, no warnings: errors only (as `summarizer --quiet`).")
]


VerifiedOnly = Annotated[
    bool,
    typer.Option(
        "--verified-only",
        help="Leave out values code could not prove from the article (listed as dropped).",
    ),
]


Backend = Annotated[
    str | None,
    typer.Option(help="Request shape: openai (strict schema), vllm, ...; overrides the guess."),
]


DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--db",
        metavar="URL",
        help="Also write each result into this database (sqlite:///agreements.db, "
        "postgresql+psycopg://...); it is brought up to date with the results file first.",
    ),
]


def fail(message: str, status: int) -> typer.Exit:
    print(f"summarizer: {message}", file=sys.stderr)
    return typer.Exit(status)


def provider_client_for(base_url: str | None) -> openai.OpenAI:
    from .._config import resolve
    from .._model.clients import provider_client

    return provider_client(resolve(base_url=base_url))


@contextmanager
def endpoint_errors() -> Iterator[None]:
    """The Batch API commands' own requests: typed errors, and exit statuses."""
    from .._model.clients import ENDPOINT_ERRORS

    failures: tuple[type[BaseException], ...] = (*ENDPOINT_ERRORS, OSError)
    try:
        yield
    except ConfigError as exc:
        raise fail(str(exc), EXIT_UNUSABLE) from None
    except failures as exc:
        raise fail(f"{type(exc).__name__}: {redact(str(exc))}", EXIT_FAILED) from None


def replay_client_from(path: Path) -> openai.OpenAI:
    from .._model.cassettes import Cassette
    from .._model.clients import replay_client

    return replay_client(Cassette.load(path))
