"""Summaries saved by earlier releases still read: results files, caches and databases
outlive a release."""

from __future__ import annotations

import json

from helpers.support import ROOT

from summarizer import AgreementSummary

# Written by the release before schema 4 (main 1008f5e) from the seed article's reference
# reply: `summarizer ARTICLE --replay CASSETTE --json`.
SCHEMA_3 = ROOT / "tests" / "fixtures" / "summaries" / "schema3_summary.json"


def test_a_schema_3_summary_reads_with_its_names_as_written() -> None:
    data = json.loads(SCHEMA_3.read_text(encoding="utf-8"))
    assert data["meta"]["schema_version"] == "3" and "mention" not in data["signatories"][0]
    summary = AgreementSummary.model_validate(data)
    assert [(s.name, s.mention, s.basis) for s in summary.signatories] == [
        ("Jeffrey A. Grimming", "Jeffrey A. Grimming", "stated"),
        ("Marie-Josee Homsy", "Marie-Josee Homsy", "stated"),
    ]
    assert [(g.name, g.mention, g.basis) for g in summary.threat_groups] == [
        ("Tren de Aragua", "Tren de Aragua", "stated")
    ]
    assert summary.meta.schema_version == "3"  # where it came from stays said


def test_a_schema_3_parent_body_reads_as_a_stated_name() -> None:
    data = json.loads(SCHEMA_3.read_text(encoding="utf-8"))
    data["parties"][0]["parent_body"] = "U.S. Department of Justice"
    party = AgreementSummary.model_validate(data).parties[0]
    assert party.parent_body is not None
    assert (party.parent_body.name, party.parent_body.basis) == (
        "U.S. Department of Justice",
        "stated",
    )


def test_one_version_and_a_changelog_that_names_every_stored_format() -> None:
    from importlib.metadata import version
    from pathlib import Path

    import summarizer
    from summarizer import _cache as cache
    from summarizer._checks import gazetteer
    from summarizer._meta import SCHEMA_VERSION
    from summarizer._model import cassettes
    from summarizer._prompts import prompt_versions

    assert summarizer.__version__ == version("summarizer")  # hatch read the same file
    table = Path(__file__).resolve().parent.parent.joinpath("CHANGELOG.md").read_text()
    latest = max(prompt_versions("agreement_summary"), key=int)
    expected = [
        f"| the package | {summarizer.__version__} |",
        f"| output schema (`AgreementSummary`, `meta.schema_version`) | {SCHEMA_VERSION} |",
        f"| default prompt | `agreement_summary` v{latest} |",
        f"| response cache key format | {cache._FORMAT} |",
        f"| cassette format | {cassettes.FORMAT_VERSION} |",
        f"| places index format | {gazetteer.INDEX_FORMAT} |",
    ]
    for row in expected:
        assert row in table, row
