"""The example scripts and the command line run offline and say so."""

from __future__ import annotations

import json
import subprocess
import sys

from helpers.support import ARTICLES, REFERENCE, ROOT

from summarizer._cli import main


def run_example(name: str) -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / name)],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin"},  # no SUMMARIZER_* or OPENAI_*: offline
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_example_01_prints_json_and_a_brief() -> None:
    out = run_example("01_summarize_article.py")
    assert (
        "[offline] replaying tests/fixtures/cassettes/reference/interpol_tren_de_aragua.json" in out
    )
    assert "reference fixture" in out
    payload = out[out.index("{") : out.index("\n}\n") + 2]
    assert json.loads(payload)["parties"][0]["name"] == "INTERPOL Washington"
    assert "Venue: INTERPOL Heads of National Central Bureaus Conference, Lyon, France" in out
    assert "United States [derived: gazetteer, from 'Washington']" in out
    assert "Filed: OTTAWA, 2025-02-14, Northwire" in out
    assert "text[284:336] == 'Jeffrey A. Grimming, Director of INTERPOL Washington'" in out


def test_example_02_uses_the_local_base_url() -> None:
    out = run_example("02_custom_endpoint.py")
    assert "[offline] replaying" in out
    assert "endpoint kind recorded in meta: openai-compatible (http://127.0.0.1:8080/v1)" in out
    assert "Signed by: Ana Ribeiro" in out


def test_example_04_shows_every_agreement_and_a_spanish_story() -> None:
    out = run_example("04_roundups_and_languages.py")
    assert "conference_five_agreements: 5 agreement(s), the principal first" in out
    assert "1. memorandum_of_understanding: Royal Malaysia Police, Royal Thai Police" in out
    assert "meta.other_agreements of the principal: 4" in out
    assert "es_colombia_spain_mou: meta.language = 'es'" in out
    assert (
        "'Ministry of the Interior of Spain' [translated, written 'Ministerio del Interior de "
        "España'], country ES from 'España' (stated)"
    ) in out
    assert "signed on 2025-03-11 from 'el 11 de marzo' (derived: year_from_dateline)" in out


def test_example_03_walks_through_the_failures() -> None:
    out = run_example("03_errors_and_retries.py")
    assert "worst case per article: 4 transport attempts x 3 replies = 12 requests" in out
    for expected in (
        "EmptyInputError",
        "ok: 1 reply(ies), 2 HTTP request(s)",
        "ok: 2 reply(ies), 2 HTTP request(s)",
        "UngroundedReplyError after 3 reply(ies)",
        "dropped agreements[0].signatories[0].evidence: is not in the article",
        "ok: 1 reply(ies), 1 HTTP request(s)",
        "TruncatedReplyError after 1 reply(ies)",
        "RefusedError after 1 reply(ies)",
        "the model refused to answer: I can't help with summarizing this content.",
        "NotChatCompletionError: the endpoint answered an HTML page, not a chat completion "
        "('502 Bad Gateway'); check that the base URL http://scripted.invalid/v1",
        "AuthError: HTTP 401 from the model endpoint: bad key",
        "NoAgreementError",
    ):
        assert expected in out


def cli(capsys, *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_cli_brief_and_json(capsys) -> None:
    article = str(ARTICLES / "afp_polri_letter_of_intent.txt")
    replay = str(REFERENCE / "afp_polri_letter_of_intent.json")
    status, out, _ = cli(capsys, article, "--replay", replay)
    assert status == 0 and "Venue: not stated" in out
    status, out, _ = cli(capsys, article, "--replay", replay, "--json")
    assert status == 0 and json.loads(out)["venue"] is None


def test_cli_exit_codes(capsys, tmp_path) -> None:
    stem = "talks_without_agreement"
    status, _, err = cli(
        capsys, str(ARTICLES / f"{stem}.txt"), "--replay", str(REFERENCE / f"{stem}.json")
    )
    assert status == 3 and "reports no agreement" in err
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    assert cli(capsys, str(empty), "--base-url", "http://127.0.0.1:9/v1")[0] == 2
    status, _, err = cli(capsys, str(tmp_path / "missing.txt"))
    assert status == 2 and "cannot read" in err


def test_cli_help_lists_the_commands(capsys) -> None:
    status, out, _ = cli(capsys, "--help")
    assert status == 0
    for command in ("summarize", "batch", "batch-api"):
        assert f"  {command} " in out
    status, out, _ = cli(capsys, "summarize", "--help")
    assert status == 0 and "--replay" in out


def test_cli_summarize_command_and_its_shorthand_agree(capsys) -> None:
    article = str(ARTICLES / "afp_polri_letter_of_intent.txt")
    replay = str(REFERENCE / "afp_polri_letter_of_intent.json")
    long_form = cli(capsys, "summarize", article, "--replay", replay, "--json")
    short_form = cli(capsys, article, "--replay", replay, "--json")
    options_first = cli(capsys, "--json", article, "--replay", replay)
    assert long_form[0] == short_form[0] == options_first[0] == 0
    assert json.loads(long_form[1])["parties"] == json.loads(short_form[1])["parties"]
    assert json.loads(options_first[1])["parties"] == json.loads(short_form[1])["parties"]
