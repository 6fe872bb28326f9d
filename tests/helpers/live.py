"""The settings live llama.cpp runs use, shared by the integration tests that record and the
fast tests that replay (a replayed request must equal the recorded one, byte for byte)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from summarizer import Settings

LIVE_MODEL = "SmolLM2-135M-Instruct-Q4_1"
# SmolLM2-135M writes about 60 tokens a second on 2 idle cores and, unbounded, repeats
# itself until max_tokens. 2,500 tokens keep one reply near 45 s idle, so the 600 s request
# timeout leaves room for a machine busy with something else; one re-ask at most.
# The recordings were made with prompt v2, which stays supported: replaying them pins it.
LIVE_SETTINGS = Settings(
    backend="llama.cpp",
    prompt_version="2",
    max_output_tokens=2500,
    reasks=1,
    timeout_seconds=600,
    transport_attempts=2,
)
_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
LLAMA_CASSETTES = _FIXTURES / "cassettes" / "llama_cpp"
# Articles summarized live by `make integration` (each 1-2 minutes); every other article is
# replayed from its recording by `make test`. Recording (SUMMARIZER_RECORD=1) runs them all.
LIVE_SUBSET = (
    "interpol_tren_de_aragua",
    "demonym_parties_migration_mou",
    "dateline_headquarters_venue",
    "talks_without_agreement",
)

# Prompt v3 (every agreement, other languages) runs live on these, recorded apart from v2's.
LIVE_V3_SETTINGS = replace(LIVE_SETTINGS, prompt_version="3")
LLAMA_V3_CASSETTES = _FIXTURES / "cassettes" / "llama_cpp_v3"
_TEST_ARTICLES = _FIXTURES / "articles"
V3_ARTICLES = [
    _TEST_ARTICLES / "roundups" / "visit_two_memoranda.txt",
    *sorted((_TEST_ARTICLES / "languages").glob("*.txt")),
]
V3_LIVE_SUBSET = ("es_colombia_spain_mou", "ar_morocco_jordan_memorandum")
