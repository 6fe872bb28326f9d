"""Time spent in our own code per summary, against plain instructor on the same reply.

The network is replaced by an in-memory transport that answers with the reference reply
for the bundled article, so what is timed is everything but the model: for summarizer,
input checks, config, prompt rendering, instructor, validation and grounding; for plain
instructor, the same reply parsed into the same reply model (plain pydantic: the checks
are applied by summarizer's per-call model only), with no grounding. Both go through the
same openai client and transport.

    python bench/overhead.py [--runs 300] [--quick]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpx2
import instructor
import openai

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "examples"))

from _replay import article, reference_completion  # noqa: E402

from summarizer import summarize  # noqa: E402
from summarizer._checks import ArticleText, Scope, checked_model, checking  # noqa: E402
from summarizer._prompts import load_prompt  # noqa: E402
from summarizer._replies import reply_model  # noqa: E402

STEM = "interpol_tren_de_aragua"


def in_memory_client() -> openai.OpenAI:
    body = json.dumps(reference_completion(STEM)).encode()

    def answer(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, content=body, headers={"content-type": "application/json"})

    return openai.OpenAI(
        api_key="bench",
        base_url="http://bench.invalid/v1",
        max_retries=0,
        http_client=httpx2.Client(transport=httpx2.MockTransport(answer)),
    )


def median_ms(fn: Any, runs: int) -> float:
    """The median CPU time of one call: this process's, so a busy neighbour on a shared
    machine counts less than in wall time."""
    return side_by_side([fn], runs)[0]


def side_by_side(fns: list[Any], runs: int) -> list[float]:
    """Each function's median CPU time per call, the calls alternating one by one, so that
    a machine that speeds up or slows down mid-run weighs on each alike."""
    for _ in range(20):
        for fn in fns:
            fn()
    samples: list[list[float]] = [[] for _ in fns]
    for _ in range(runs):
        for fn, taken in zip(fns, samples, strict=True):
            start = time.process_time()
            fn()
            taken.append((time.process_time() - start) * 1000)
    return [statistics.median(taken) for taken in samples]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--quick", action="store_true", help="A few runs: does it still work?")
    args = parser.parse_args()
    runs = 10 if args.quick else args.runs

    text = article(STEM)
    client = in_memory_client()
    plain = instructor.from_openai(client, mode=instructor.Mode.JSON_SCHEMA)
    template = load_prompt("agreement_summary")
    # The default prompt's reply model: the very shape our run parses, without our checks.
    plain_reply = reply_model(template.reply_schema)
    content = reference_completion(STEM)["choices"][0]["message"]["content"]

    def ours() -> None:
        summarize(text, model="bench", client=client)

    # The first summary in a process loads the country, city and date registries once.
    cold = time.perf_counter()
    ours()
    first_ms = (time.perf_counter() - cold) * 1000

    def theirs() -> None:
        prompt = template.render(article=text)
        plain.chat.completions.create(
            model="bench",
            response_model=plain_reply,
            max_retries=1,
            messages=[
                {"role": "system", "content": prompt.system},
                {"role": "user", "content": prompt.user},
            ],
        )

    def render_only() -> None:
        template.render(article=text)

    def validate_and_ground() -> None:
        scope = checking(Scope(ArticleText(text)))
        checked_model(plain_reply).model_validate_json(content, context=scope)

    def validate_plain() -> None:
        plain_reply.model_validate_json(content)

    ours_median, theirs_median = side_by_side([ours, theirs], runs)

    print(f"python {platform.python_version()} on {platform.machine()}, {runs} runs each")
    print(f"article: tests/fixtures/articles/examples/{STEM}.txt ({len(text)} chars, 18 quotes)")
    print(f"first summarize() in a process (registries) : {first_ms:7.0f} ms")
    print(f"summarize() end to end, in-memory transport : {ours_median:7.3f} ms CPU (median)")
    print(f"plain instructor, same reply, no grounding   : {theirs_median:7.3f} ms CPU (median)")
    print(f"ratio                                        : {ours_median / theirs_median:7.2f} x")
    print(f"difference (our extra work per summary)      : {ours_median - theirs_median:7.3f} ms")
    print("components:")
    for label, fn in (
        ("render prompt", render_only),
        ("validate + verify reply (checked model)", validate_and_ground),
        ("validate reply without grounding (plain)", validate_plain),
    ):
        print(f"  {label:<43}: {median_ms(fn, runs):7.3f} ms")


if __name__ == "__main__":
    main()
