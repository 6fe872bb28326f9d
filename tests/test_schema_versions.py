"""Summaries saved by earlier releases still read: results files, caches and databases
outlive a release."""

from __future__ import annotations

import json

from support import ROOT

from summarizer import AgreementSummary

# Written by the release before schema 4 (main 1008f5e) from the seed article's reference
# reply: `summarizer ARTICLE --replay CASSETTE --json`.
SCHEMA_3 = ROOT / "tests" / "articles" / "schema3_summary.json"


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
