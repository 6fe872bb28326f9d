"""Write a reference cassette from a hand-written reply, then check it through the pipeline.

A reference reply stands for what a capable model should answer the newest prompt
(agreement_summary v4) about an article; it is written by hand, never captured. This wraps
one into the
cassette format (usage estimated as characters / 4) and summarizes the article from it,
printing the summary and anything the checks dropped or rejected.

    python scripts/write_reference.py STEM REPLY.json            # tests/fixtures/articles/
                                                               # examples/STEM.txt
    python scripts/write_reference.py STEM REPLY.json --check    # only check, write nothing
    python scripts/write_reference.py STEM REPLY.json --set eval # eval/gold/STEM.txt, written
                                                               # to eval/cassettes/reference/
    python scripts/write_reference.py STEM REPLY.json --set merge  # eval/merge/STEM.txt
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer import NoAgreementError, Settings, SummarizerError, summarize_all  # noqa: E402
from summarizer._model.cassettes import Cassette, ReplayTransport  # noqa: E402
from summarizer._model.clients import client_over  # noqa: E402
from summarizer._prompts import load_prompt  # noqa: E402
from summarizer._replies import reply_model  # noqa: E402

NOTE = (
    "Written by hand to stand for a capable model's answer; not captured from any server. "
    "Usage figures are estimates (characters / 4), not a tokenizer's counts."
)


# Where each set keeps its articles and its reference cassettes.
FIXTURES = ROOT / "tests" / "fixtures"
SETS = {
    "examples": (FIXTURES / "articles" / "examples", FIXTURES / "cassettes" / "reference"),
    "eval": (ROOT / "eval" / "gold", ROOT / "eval" / "cassettes" / "reference"),
    "roundups": (
        FIXTURES / "articles" / "roundups",
        FIXTURES / "cassettes" / "roundups_languages" / "reference",
    ),
    "languages": (
        FIXTURES / "articles" / "languages",
        FIXTURES / "cassettes" / "roundups_languages" / "reference",
    ),
    # Reports of one signing from several outlets, and look-alikes that are other signings.
    "merge": (ROOT / "eval" / "merge", ROOT / "eval" / "merge" / "cassettes" / "reference"),
}


TEMPLATE = load_prompt("agreement_summary")
REPLY = reply_model(TEMPLATE.reply_schema)


def reference_cassette(stem: str, reply: dict, article: str, article_path: str) -> Cassette:
    prompt = TEMPLATE.render(article=article)
    schema = json.dumps(REPLY.model_json_schema())
    content = json.dumps(reply, ensure_ascii=False)
    prompt_tokens = (len(prompt.system) + len(prompt.user) + len(schema)) // 4
    completion_tokens = len(content) // 4
    body = {
        "id": f"chatcmpl-reference-{stem.replace('_', '-')}",
        "object": "chat.completion",
        "created": 1763942400,
        "model": "reference",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }
    source = {
        "kind": "reference",
        "note": NOTE,
        "article": article_path,
        "prompt": f"{TEMPLATE.name} v{TEMPLATE.version}",
    }
    interaction = {
        "request": {"method": "POST", "path": "/v1/chat/completions", "body": None},
        "response": {"status": 200, "headers": {"content-type": "application/json"}, "body": body},
    }
    return Cassette(source=source, match="order", interactions=[interaction])


def main() -> int:
    stem, reply_path = sys.argv[1], Path(sys.argv[2])
    which = sys.argv[sys.argv.index("--set") + 1] if "--set" in sys.argv else "examples"
    articles, cassettes = SETS[which]
    article_file = articles / f"{stem}.txt"
    article = article_file.read_text(encoding="utf-8")
    reply = json.loads(reply_path.read_text())
    reply = {key: reply[key] for key in REPLY.model_fields}  # notes kept beside it
    cassette = reference_cassette(stem, reply, article, str(article_file.relative_to(ROOT)))
    transport = ReplayTransport(cassette)
    with client_over(transport, base_url="http://replay.invalid/v1", api_key="x") as client:
        try:
            # No re-ask: whatever fails a check is reported, not asked about again.
            summaries = summarize_all(
                article, model="reference", client=client, settings=Settings(reasks=0)
            )
        except NoAgreementError as exc:
            print(f"no agreement: {exc.reason}")
            summaries = []
        except SummarizerError as exc:
            print(f"{type(exc).__name__}: {exc}")
            for problem in getattr(exc, "problems", []):
                print("  ", problem)
            return 1
    for each in summaries:
        print(each.model_dump_json(indent=2, exclude={"meta"}))
        for dropped in each.meta.dropped:
            print("DROPPED", dropped)
    if any(each.meta.dropped for each in summaries) or len(summaries) < len(reply["agreements"]):
        return 1
    if "--check" not in sys.argv:
        cassette.save(cassettes / f"{stem}.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
