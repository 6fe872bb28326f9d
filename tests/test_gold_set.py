"""Our gold set: complete, scored offline from reference replies and from the recordings of
the local llama.cpp model, and from a live endpoint through `summarizer eval`."""

from __future__ import annotations

import json

from helpers.fake_openai import FakeOpenAIServer
from helpers.support import ROOT

from summarizer._cli import main
from summarizer._config import Settings
from summarizer._eval.gold import gold_articles
from summarizer._eval.harness import evaluate_replayed
from summarizer._eval.scoring import FIELDS
from summarizer._model.cassettes import Cassette

GOLD = ROOT / "eval" / "gold"
REFERENCE = ROOT / "eval" / "cassettes" / "reference"
LLAMA = ROOT / "eval" / "cassettes" / "llama_cpp"


def stems() -> list[str]:
    return [stem for stem, _, _ in gold_articles(GOLD)]


def test_the_gold_set_has_its_articles_each_with_a_reference_reply() -> None:
    assert len(stems()) >= 37
    # Half of the articles built around what the checks once refused are in other languages.
    languages = {stem.split("_")[1] for stem in stems() if len(stem.split("_")[1]) == 2}
    assert {"ar", "ru", "fr", "es", "zh"} <= languages
    for stem in stems():
        source = Cassette.load(REFERENCE / f"{stem}.json").source
        assert source["kind"] == "reference" and "by hand" in source["note"]


def test_reference_replies_score_as_a_capable_model_should() -> None:
    # Re-asks allowed, as by default: a capable model's reply must need none.
    report = evaluate_replayed(GOLD, REFERENCE, Settings()).as_dict()
    assert report["re_ask_rate"] == 0 and report["made_worse"] == 0
    assert report["outcomes"].get("summary", 0) + report["outcomes"].get("no_agreement", 0) == len(
        stems()
    )
    assert report["fields"]["outcome"]["f1"] == 1.0
    for name in ("parties", "venue.city", "venue.country", "agreement.signed_on"):
        assert report["fields"][name]["f1"] == 1.0, name
    assert report["abstention"]["filled"] == 0
    assert report["grounding_rate"] == 1.0


def test_the_llama_recordings_are_scored_offline() -> None:
    recorded = sorted(LLAMA.glob("*.json"))
    assert {path.stem for path in recorded} == set(stems())
    for path in recorded:
        assert Cassette.load(path).source["kind"] == "recorded"
    report = evaluate_replayed(GOLD, LLAMA, Settings(reasks=1)).as_dict()
    assert sum(report["outcomes"].values()) == len(stems())
    assert set(report["fields"]) == set(FIELDS)
    assert report["run"]["model"] == ["SmolLM2-135M-Instruct-Q4_1"]


def test_eval_command_live_then_from_the_cache_then_compared(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(tmp_path / "cache"))
    replies = {}
    for stem, article, _ in gold_articles(GOLD):
        body = Cassette.load(REFERENCE / f"{stem}.json").interactions[0]["response"]["body"]
        replies[article] = body["choices"][0]["message"]["content"]
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    with FakeOpenAIServer(replies) as server:
        args = ["eval", str(GOLD), "--base-url", server.base_url, "--model", "reference"]
        prices = ["--price-input", "0.15", "--price-output", "0.6"]
        assert main([*args, "--out", str(first), *prices]) == 0
        sent = server.stats.completions
        assert main([*args, "--out", str(second)]) == 0
        assert server.stats.completions == sent  # the second run came from the cache
    out = capsys.readouterr().out
    assert "parties" in out and "abstention" in out and "per article" in out
    a, b = (json.loads(path.read_text()) for path in (first, second))
    assert a["fields"] == b["fields"] and all(x["cached"] for x in b["articles"])
    assert a["cost"] is not None and b["tokens"]["total_tokens"] == 0
    assert main(["eval", "--compare", str(first), str(second)]) == 0
    assert "+0.00" in capsys.readouterr().out


def test_a_gold_file_without_its_article_is_a_clear_error(tmp_path, capsys) -> None:
    gold = {"gold_format": 1, "reports_agreement": False}
    (tmp_path / "x.gold.json").write_text(json.dumps(gold))
    assert main(["eval", str(tmp_path), "--replay", str(tmp_path)]) == 2
    assert "has no article beside it" in capsys.readouterr().err
