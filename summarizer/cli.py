"""Command line: `summarizer ARTICLE.txt` prints a brief, `--json` the full summary.

Exit status: 0 summarized, 3 the article reports no agreement, 2 unusable input or
settings, 1 any other failure (endpoint or reply).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .api import summarize
from .cassettes import Cassette, ReplayTransport
from .client import client_over
from .config import Settings
from .errors import ConfigError, InputError, NoAgreementError, SummarizerError
from .render import brief

if TYPE_CHECKING:
    import openai

__all__ = ["main"]

DESCRIPTION = "Summarize an article about a signed agreement into a grounded summary."


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = argparse.ArgumentParser(prog="summarizer", description=DESCRIPTION)
    parser.add_argument("article", type=Path, help="a UTF-8 text file, or - for standard input")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--model", help="overrides SUMMARIZER_MODEL")
    parser.add_argument("--base-url", help="overrides SUMMARIZER_BASE_URL")
    parser.add_argument("--max-input-chars", type=int, default=Settings.max_input_chars)
    parser.add_argument(
        "--replay", type=Path, metavar="CASSETTE", help="answer from a cassette, offline"
    )
    args = parser.parse_args(argv)

    try:
        text = sys.stdin.buffer.read() if str(args.article) == "-" else args.article.read_bytes()
        summary = summarize(
            text,
            model=args.model,
            base_url=args.base_url,
            settings=Settings(max_input_chars=args.max_input_chars),
            client=_replay_client(args.replay) if args.replay else None,
        )
    except OSError as exc:
        print(f"summarizer: cannot read {args.article}: {exc.strerror}", file=sys.stderr)
        return 2
    except NoAgreementError as exc:
        print(f"summarizer: {exc}", file=sys.stderr)
        return 3
    except (InputError, ConfigError) as exc:
        print(f"summarizer: {exc}", file=sys.stderr)
        return 2
    except SummarizerError as exc:
        print(f"summarizer: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(summary.model_dump_json(indent=2) if args.json else brief(summary))
    return 0


def _replay_client(path: Path) -> openai.OpenAI:
    transport = ReplayTransport(Cassette.load(path))
    return client_over(transport, base_url="http://replay.invalid/v1", api_key="replay")


if __name__ == "__main__":
    sys.exit(main())
