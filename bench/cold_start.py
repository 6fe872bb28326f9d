"""A whole process for one article, from the shell: our command against plain instructor.

Each contender is a fresh Python process answered from the same recorded reply (the seed
article's reference cassette), timed from spawn to exit, with its peak resident memory:

- `summarizer ARTICLE --replay CASSETTE`: the command a user runs, checks and all;
- plain instructor over openai: the same reply through an openai client and an in-memory
  transport into a plain pydantic model of the same shape (no checks);
- `import instructor` and parsing the reply's JSON into that model: the least any
  instructor user pays.

The places index is built before timing (the first process on a machine builds it once,
in about 9 s; its time is printed on its own).

    python bench/cold_start.py [--runs 7] [--quick]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEM = "interpol_tren_de_aragua"
FIXTURES = ROOT / "tests" / "fixtures"
ARTICLE = FIXTURES / "articles" / "examples" / f"{STEM}.txt"
CASSETTE = FIXTURES / "cassettes" / "reference" / f"{STEM}.json"

_READ_REPLY = f"""
import json, sys
sys.path.insert(0, {str(ROOT / "bench")!r})
from plain_schema import PlainReplyV4
body = json.load(open({str(CASSETTE)!r}))["interactions"][0]["response"]["body"]
"""
PLAIN_INSTRUCTOR = (
    _READ_REPLY
    + f"""
import httpx2, instructor, openai
answer = lambda request: httpx2.Response(200, json=body)
client = instructor.from_openai(
    openai.OpenAI(api_key="bench", base_url="http://bench.invalid/v1", max_retries=0,
                  http_client=httpx2.Client(transport=httpx2.MockTransport(answer))),
    mode=instructor.Mode.JSON_SCHEMA,
)
article = open({str(ARTICLE)!r}, encoding="utf-8").read()
reply = client.chat.completions.create(
    model="bench", response_model=PlainReplyV4, max_retries=1,
    messages=[{{"role": "user", "content": article}}],
)
print(reply.headline)
"""
)
PARSE_ONLY = (
    _READ_REPLY
    + """
import instructor
reply = PlainReplyV4.model_validate_json(body["choices"][0]["message"]["content"])
print(reply.headline)
"""
)


def run(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(seconds, peak MB) of one whole process; fails loudly when it fails."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    out, err = process.communicate()
    if os.waitstatus_to_exitcode(status) != 0 or not out.strip():
        sys.exit(f"{command[:2]} failed ({status}):\n{err.decode()[-2000:]}")
    return seconds, usage.ru_maxrss / 1024  # Linux reports kilobytes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="One run each: does it still work?")
    args = parser.parse_args()
    runs = 1 if args.quick else args.runs

    python = sys.executable
    ours = [str(Path(python).with_name("summarizer")), str(ARTICLE), "--replay", str(CASSETTE)]
    contenders = {
        "summarizer ARTICLE --replay CASSETTE": ours,
        "plain instructor over openai, same reply": [python, "-c", PLAIN_INSTRUCTOR],
        "import instructor + parse the reply JSON": [python, "-c", PARSE_ONLY],
    }
    with tempfile.TemporaryDirectory() as cache_dir:
        env = {
            **os.environ,
            "SUMMARIZER_CACHE_DIR": cache_dir,
            "SUMMARIZER_INDEX_DIR": cache_dir,  # empty: the first run builds the index
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        for name in ("SUMMARIZER_BASE_URL", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
            env.pop(name, None)  # replay, whatever the shell has set
        first, _ = run(ours, env)  # builds the places index into this empty cache directory
        for command in contenders.values():
            run(command, env)  # warm the operating system's file cache alike
        timings: dict[str, list[tuple[float, float]]] = {name: [] for name in contenders}
        for _ in range(runs):  # interleaved, so that drift hits every contender alike
            for name, command in contenders.items():
                timings[name].append(run(command, env))

    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {runs} runs each (median)")
    print(f"first run on a machine, building the places index: {first:6.2f} s")
    base = statistics.median(t for t, _ in timings["plain instructor over openai, same reply"])
    for name, samples in timings.items():
        seconds = statistics.median(t for t, _ in samples)
        peak = statistics.median(m for _, m in samples)
        print(f"{name:<42}: {seconds:6.2f} s {peak:6.0f} MB  {seconds / base:5.2f} x")


if __name__ == "__main__":
    main()
