"""One results line as the rows of every table: the article, each agreement the story
reports (the principal first), their facts, and one evidence row per fact."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Table

from .._merge.records import AgreementRecord
from .._meta import Usage
from .._summary import AgreementSummary, Country, Evidence, Fact, ThreatGroupProfile
from . import tables

__all__ = ["ArticleRows", "ResultLine", "article_rows", "record_rows"]

Row = dict[str, Any]


@dataclass(frozen=True)
class ResultLine:
    """A results line read back: what the database keeps of it."""

    id: str
    status: str
    summaries: list[AgreementSummary]  # the principal first
    error: Mapping[str, Any] | None
    usage: Mapping[str, int]
    cached: bool
    line_sha256: str

    @property
    def duplicate(self) -> bool:
        """The line of an id seen before in its batch: it says nothing of that article."""
        return (self.error or {}).get("type") == "DuplicateItemError"

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> ResultLine:
        """A results-file object (`ItemResult.to_record()`); raises ValueError (pydantic's
        ValidationError among them) when it is not one."""
        if not isinstance(record.get("id"), str) or not record["id"]:
            raise ValueError("the line has no id")
        others = record.get("other_summaries") or []
        if not isinstance(others, list):
            raise ValueError("other_summaries is not a list")
        written = [record.get("summary"), *others]
        usage = record.get("usage") or {}
        if not isinstance(usage, Mapping):
            raise ValueError("usage is not an object")
        error = record.get("error")
        line = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return cls(
            id=record["id"],
            status=str(record.get("status") or "unknown"),
            summaries=[AgreementSummary.model_validate(s) for s in written if s is not None],
            error=error if isinstance(error, Mapping) else None,
            usage=Usage.read(usage).model_dump(),
            cached=bool(record.get("cached")),
            line_sha256=hashlib.sha256(line.encode()).hexdigest(),
        )


@dataclass
class ArticleRows:
    """The rows of one article, by table."""

    by_table: dict[Table, list[Row]] = field(default_factory=dict)

    def add(self, table: Table, row: Row) -> None:
        self.by_table.setdefault(table, []).append(row)


def article_rows(line: ResultLine) -> ArticleRows:
    """Every row `line` gives, in every table."""
    rows = ArticleRows()
    rows.add(tables.articles, _article(line))
    for position, summary in enumerate(line.summaries):
        _agreement_rows(rows, line.id, position, summary)
    return rows


def _article(line: ResultLine) -> Row:
    principal = line.summaries[0] if line.summaries else None
    meta = principal.meta if principal else None
    dateline = principal.dateline if principal else None
    page = meta.page if meta else None
    error = line.error or {}
    return {
        "id": line.id, "status": line.status,
        "sha256": meta.article_sha256 if meta else None,
        "language": meta.language if meta else None,
        "page_url": page.url if page else None, "page_title": page.title if page else None,
        "page_published": page.published if page else None,
        "dateline_place": dateline.place if dateline else None,
        "dateline_city": dateline.city.name if dateline and dateline.city else None,
        "dateline_country": dateline.country.code if dateline and dateline.country else None,
        "dateline_filed_on": dateline.filed_on if dateline else None,
        "dateline_agency": dateline.agency if dateline else None,
        "model": meta.model if meta else None,
        "prompt_version": meta.prompt_version if meta else None,
        "schema_version": meta.schema_version if meta else None,
        "agreements": len(line.summaries),
        "no_agreement_reason": error.get("reason"),
        "error_type": error.get("type") if line.status == "failed" else None,
        "error_message": error.get("message") if line.status == "failed" else None,
        **line.usage, "cached": line.cached, "line_sha256": line.line_sha256,
    }  # fmt: skip


def _agreement_rows(
    rows: ArticleRows, article_id: str, position: int, one: AgreementSummary
) -> None:
    agreement_id = f"{article_id}/{position}"
    keys = {"agreement_id": agreement_id, "article_id": article_id}
    signed = one.agreement.signed
    rows.add(tables.agreements, {
        "id": agreement_id, "article_id": article_id, "position": position,
        "principal": position == 0, "kind": one.agreement.kind, "title": one.agreement.title,
        "date_text": one.agreement.date_text, "signed_on": signed.on if signed else None,
        "signed_earliest": signed.earliest if signed else None,
        "signed_latest": signed.latest if signed else None,
        "signed_basis": signed.basis if signed else None,
        "signed_rule": signed.rule if signed else None, "headline": one.headline,
        "summary_json": one.model_dump_json(),
    })  # fmt: skip
    _evidence(rows, keys, "agreement", one.agreement.evidence, signed.basis if signed else None,
              signed.rule if signed else None)  # fmt: skip
    if one.dateline is not None:
        _evidence(rows, keys, "dateline", one.dateline.evidence, None, None)
    _people_rows(rows, keys, one)
    for index, aim in enumerate(one.aims):
        path = f"aims[{index}]"
        rows.add(
            tables.aims,
            {
                **keys,
                "position": index,
                "path": path,
                "category": aim.category,
                "description": aim.description,
            },
        )
        _evidence(rows, keys, path, aim.evidence, None, None)
    if one.venue is not None:
        city = one.venue.city
        rows.add(tables.venues, {
            **keys, "path": "venue", "event": one.venue.event,
            "city": city.name if city else None, "city_basis": city.basis if city else None,
            "city_rule": city.rule if city else None, **_country(one.venue.country),
        })  # fmt: skip
        _evidence(rows, keys, "venue", one.venue.evidence, None, None)
    for index, group in enumerate(one.threat_groups):
        _group_rows(rows, keys, index, group)


def _people_rows(rows: ArticleRows, keys: Row, one: AgreementSummary) -> None:
    """The parties, and the signatories with the row of the party each signed for."""
    party_names = [party.name for party in one.parties]
    for index, party in enumerate(one.parties):
        path = f"parties[{index}]"
        rows.add(tables.parties, {
            **keys, "position": index, "path": path, "name": party.name,
            "mention": party.mention, "basis": party.basis, "rule": party.rule,
            "kind": party.kind, **_country(party.country),
            "parent_body": party.parent_body.name if party.parent_body else None,
            "parent_body_basis": party.parent_body.basis if party.parent_body else None,
        })  # fmt: skip
        _evidence(rows, keys, path, party.evidence, party.basis, party.rule)
    for index, signatory in enumerate(one.signatories):
        path = f"signatories[{index}]"
        rows.add(tables.signatories, {
            **keys, "position": index, "path": path, "name": signatory.name,
            "mention": signatory.mention, "basis": signatory.basis, "rule": signatory.rule,
            "title": signatory.title, "party": signatory.party,
            "party_position": party_names.index(signatory.party)
            if signatory.party in party_names else None,
        })  # fmt: skip
        _evidence(rows, keys, path, signatory.evidence, signatory.basis, signatory.rule)


def _country(country: Country | None) -> Row:
    return {
        "country_code": country.code if country else None,
        "country_name": country.name if country else None,
        "country_basis": country.basis if country else None,
        "country_rule": country.rule if country else None,
    }


def _group_rows(rows: ArticleRows, keys: Row, index: int, group: ThreatGroupProfile) -> None:
    path = f"threat_groups[{index}]"
    rows.add(tables.threat_groups, {
        **keys, "position": index, "path": path, "name": group.name, "mention": group.mention,
        "basis": group.basis, "rule": group.rule, "description": group.description,
        "kind": group.kind, "aliases": json.dumps(group.aliases, ensure_ascii=False),
    })  # fmt: skip
    _evidence(rows, keys, path, group.evidence, group.basis, group.rule)
    single: dict[str, Fact | None] = {
        "origin": group.origin, "size": group.size, "leadership": group.leadership,
        "base": group.base,
    }  # fmt: skip
    facts = [(name, name, fact) for name, fact in single.items() if fact is not None]
    facts += [("activity", f"activities[{i}]", f) for i, f in enumerate(group.activities)]
    facts += [("area", f"areas[{i}]", f) for i, f in enumerate(group.areas)]
    for kind, where, fact in facts:
        fact_path = f"{path}.{where}"
        rows.add(
            tables.group_facts,
            {
                **keys,
                "path": fact_path,
                "group_position": index,
                "field": kind,
                "value": fact.value,
                "designated_by": None,
            },
        )
        _evidence(rows, keys, fact_path, fact.evidence, None, None)
    for number, designation in enumerate(group.designations):
        fact_path = f"{path}.designations[{number}]"
        rows.add(tables.group_facts, {
            **keys, "path": fact_path, "group_position": index, "field": "designation",
            "value": designation.label, "designated_by": designation.designated_by,
        })  # fmt: skip
        _evidence(rows, keys, fact_path, designation.evidence, None, None)


def _evidence(
    rows: ArticleRows, keys: Row, path: str, given: Evidence, basis: str | None, rule: str | None
) -> None:
    rows.add(tables.evidence, {
        **keys, "path": path, "quote": given.quote, "start": given.start, "end": given.end,
        "match": given.match, "basis": basis, "rule": rule,
    })  # fmt: skip


def record_rows(records: list[AgreementRecord]) -> tuple[list[Row], list[Row]]:
    """The rows of `agreement_records` and of `record_sources`."""
    kept, sources = [], []
    for record in records:
        days = {value.value for value in record.signed_on}
        kept.append({
            "id": record.id,
            "kind": max(record.kinds, key=lambda k: len(k.sources)).value
            if record.kinds else "other",
            "title": record.titles[0].value if record.titles else None,
            "signed_on": date.fromisoformat(days.pop()) if len(days) == 1 else None,
            "sources": len(record.sources),
            "disagreements": json.dumps(record.disagreements),
            "record_json": record.model_dump_json(),
        })  # fmt: skip
        sources += [
            {"record_id": record.id, "agreement_id": s.source, "article_id": s.article_id}
            for s in record.sources
        ]
    return kept, sources
