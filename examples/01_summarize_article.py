"""Summarize the bundled example article: the full summary as JSON, then a short brief.

    python examples/01_summarize_article.py            # offline, replays a reference reply
    SUMMARIZER_BASE_URL=http://127.0.0.1:8080/v1 \
    SUMMARIZER_MODEL=local python examples/01_summarize_article.py   # a live endpoint
"""

from __future__ import annotations

from _replay import article, live, replay_client

from summarizer import brief, summarize

STEM = "interpol_tren_de_aragua"

text = article(STEM)
if live():
    print("[live] calling the endpoint from the environment\n")
    summary = summarize(text)
else:
    summary = summarize(text, model="reference", client=replay_client(STEM))

print(summary.model_dump_json(indent=2))
print("\n" + "-" * 72 + "\n")
print(brief(summary))
print("\nWhere the first party's evidence stands in the article:")
evidence = summary.parties[0].evidence
print(f"  text[{evidence.start}:{evidence.end}] == {text[evidence.start : evidence.end]!r}")
